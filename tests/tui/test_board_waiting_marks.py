"""The board's ⇠ mark: an open card whose dependencies are not all done names what it waits on
(the short id of the first one not done, `?` for one naming no task), by the heartbeat engine's
rule, the one that keeps it out of the start suggestions; the mark goes when the wait is over."""

from __future__ import annotations

from pathlib import Path

from support.board_helpers import beaten, column_text, drive, make_board, new_app, wait_for
from textual.pilot import Pilot

from pulseboard.core.actions import create_task, move_task


def card_line(app: object, title: str) -> str:
    """The head line of the open card just above the line starting with `title`."""
    lines = column_text(app, "open")  # type: ignore[arg-type]
    index = next(i for i, line in enumerate(lines) if line.strip().startswith(title))
    return lines[index - 1]


def test_an_open_card_names_what_it_waits_on_until_that_is_done(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    schema = create_task(board, "Write the schema")
    queries = create_task(board, "Write the queries", depends=[schema.id])
    lost = board.root / "open" / "wait-on-nothing-real.md"
    lost.write_text("---\ntitle: Wait on nothing real\ndepends: [zzzz]\n---\n")
    free = create_task(board, "Stand alone")
    app = new_app(board, changes=None)  # the real watcher: the dependency is finished beside the board

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        short = app.board_screen.live.shorts.short
        await wait_for(pilot, lambda: f"⇠ {short(schema.id)}" in card_line(app, queries.title))
        assert "⇠ ?" in card_line(app, "Wait on nothing real")
        assert "⇠" not in card_line(app, free.title) and "⇠" not in card_line(app, schema.title)
        move_task(board, schema.id, "doing")
        move_task(board, schema.id, "done")
        await wait_for(pilot, lambda: "⇠" not in card_line(app, queries.title), timeout=15)

    drive(app, script, size=(160, 50))
