"""Holders on the board under Pilot: a Doing card names its holder and, past the lease, that the
holder went silent; the status line counts the holders and the silent ones; `a` on the heartbeat's
note reopens the task. A real board on disk, the real app, the wall clock (leases run on it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.board_helpers import beaten, column_text, drive, make_board, new_app, screen_text, wait_for
from support.helpers import silent_task
from textual.pilot import Pilot

from pulseboard.core.actions import create_task, move_task

pytestmark = pytest.mark.timeout(60)


def test_a_silent_holders_card_and_the_status_line_say_so(tmp_path: Path, monkeypatch) -> None:
    board = make_board(tmp_path / "tasks")
    task_id = silent_task(board)
    mine = create_task(board, "Mine now", touches=["b.py"])
    move_task(board, mine.id, "doing")  # held by `test`, who is at the board: never "silent"
    app = new_app(board, clock=lambda: dt.datetime.now(dt.UTC))

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await wait_for(pilot, lambda: any("agent-1 silent" in line for line in column_text(app, "doing")))
        doing = "\n".join(column_text(app, "doing"))
        assert "· test" in doing and "test silent" not in doing
        status = screen_text(app)[-2]
        assert "2 holders active, 1 silent" in status
        assert "agent-1 went silent on" in "\n".join(screen_text(app))
        await pilot.press("a")  # the note is first: it reopens the task
        await wait_for(
            pilot, lambda: any(p.name.startswith(task_id) for p in (board.root / "open").iterdir())
        )

    drive(app, script)
