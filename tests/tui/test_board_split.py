"""Splitting on the board, under Textual's Pilot with real files: key a on a split suggestion opens
the split dialog over the task's unchecked criteria (or, with none, the new-task form for a part);
a card of a task with parts counts them done (⋔ 2/3); the detail view lists the parent and parts."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.board_helpers import (
    Maker,
    beaten,
    column_text,
    drive,
    files_in,
    make_board,
    new_app,
    screen_text,
    wait_for,
)
from support.helpers import frontmatter
from textual.pilot import Pilot

from pulseboard.core import actions
from pulseboard.core.board import Board, Task
from pulseboard.core.split import split_task
from pulseboard.tui.screens.detail import DetailScreen
from pulseboard.tui.screens.new_task import NewTaskScreen
from pulseboard.tui.screens.split import SplitScreen

pytestmark = pytest.mark.timeout(60)

CRITERIA = "## Acceptance criteria\n- [ ] parse the file\n- [x] name it\n- [ ] render it\n- [ ] test it\n"


def too_big(tmp_path: Path, body: str) -> tuple[Board, Task]:
    """A board whose one open task is estimated too big to start: the heartbeat says split it."""
    board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Big one", estimate="3h", touches=["src/a.py"], tags=["ui"], body=body)
    return board, task


def test_the_split_dialog_makes_the_picked_criteria_parts(tmp_path: Path) -> None:
    board, big = too_big(tmp_path, CRITERIA)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert app.board_screen.pane.selected.kind == "split-before-start"  # type: ignore[union-attr]
        await pilot.press("a")
        assert isinstance(app.screen, SplitScreen)
        assert "parse the file" in "\n".join(screen_text(app)) and "name it" not in "\n".join(
            screen_text(app)
        )
        await pilot.press("down", "space", "enter")  # "render it" unpicked
        await wait_for(pilot, lambda: len(files_in(board.root, "open")) == 3)
        parts = [frontmatter(board.root / "open" / name) for name in files_in(board.root, "open")]
        made = sorted(
            (p["title"], p["parent"], tuple(p["touches"]), tuple(p["tags"])) for p in parts if p.get("parent")
        )
        assert made == [
            ("parse the file", big.id, ("src/a.py",), ("ui",)),
            ("test it", big.id, ("src/a.py",), ("ui",)),
        ]
        children = frontmatter(big.path)["children"]
        assert len(children) == 2 and all((board.root / "open").glob(f"{c}-*.md") for c in children)
        await wait_for(pilot, lambda: "⋔ 0/2" in "\n".join(column_text(app, "open")))

    drive(app, script)


def test_escape_cancels_the_split_dialog(tmp_path: Path) -> None:
    board, big = too_big(tmp_path, CRITERIA)
    before = big.path.read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, SplitScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, SplitScreen)
        assert files_in(board.root, "open") == [big.name] and big.path.read_bytes() == before

    drive(app, script)


def test_without_unchecked_criteria_the_form_makes_a_part(tmp_path: Path) -> None:
    board, big = too_big(tmp_path, "No criteria here.\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("a")
        assert isinstance(app.screen, NewTaskScreen)
        await pilot.press(*"First part", "enter")
        await wait_for(pilot, lambda: len(files_in(board.root, "open")) == 2)
        part = next(n for n in files_in(board.root, "open") if n != big.name)
        assert frontmatter(board.root / "open" / part)["parent"] == big.id
        assert frontmatter(big.path)["children"] == [part[:10]]

    drive(app, script)


def test_a_card_counts_its_parts_done_and_the_detail_view_lists_them(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    parent = Maker(board).task("Parent task")
    parts = split_task(board, parent.id, ["Part one", "Part two", "Part three"]).children
    for part in parts[:2]:
        actions.move_task(board, part.id, "done", force=True)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert any("⋔ 2/3" in line for line in column_text(app, "open"))
        assert not any("⋔" in line for line in column_text(app, "done"))  # parts have no parts
        app.board_screen.go_to(app.board_screen.live.snapshot.with_id(parent.id)[0])
        app.board_screen.action_detail()
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.pause()
        text = "\n".join(screen_text(app))
        assert "parts    2/3 done" in text
        short = app.board_screen.live.shorts.short
        for part, state in zip(parts, ("done", "done", "open"), strict=True):
            assert f"{short(part.id)}  {state:<8} {part.title}" in text

    drive(app, script)
