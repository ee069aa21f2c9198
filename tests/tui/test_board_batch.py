"""Many at once on the board: space marks cards, a move key moves every marked task as one batch
(one journal line each, sharing a batch id; one commit in git mode), undo reverts the batch whole,
and a task that can't move is one sentence while the others still move."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from support.board_helpers import Maker, beaten, drive, files_in, make_board, new_app, notices, wait_for
from support.helpers import journal_events
from textual.pilot import Pilot

from pulseboard.tui.screens.block import BlockScreen

pytestmark = pytest.mark.timeout(60)


def three_open(root: Path, config: str | None = None) -> tuple[Maker, list[str]]:
    board = make_board(root, config)
    maker = Maker(board)
    names = [maker.task(f"Task {n}").name for n in range(4)]
    return maker, names


def test_space_marks_cards_and_d_moves_every_marked_task_as_one_batch(tmp_path: Path) -> None:
    maker, names = three_open(tmp_path / "tasks")
    root = maker.board.root
    app = new_app(maker.board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("space", "j", "space", "space")  # the first, the third and the fourth
        screen = app.board_screen
        assert screen.marked == {names[0], names[2], names[3]}
        assert "3 marked" in str(screen.query_one("#topbar").render())
        await pilot.press("d")
        await wait_for(pilot, lambda: len(files_in(root, "done")) == 3)
        assert files_in(root, "open") == [names[1]]
        assert screen.marked == set()
        assert len(screen.column("done").tasks) == 3 and screen.column("open").tasks[0].name == names[1]
        assert any(n.startswith("Moved 3 tasks") for n in notices(app))

    drive(app, script)
    moves = [e for e in journal_events(root) if e.get("to") == "done"]
    assert len(moves) == 3 and len({e["batch"] for e in moves}) == 1 and moves[0]["batch"]


def test_undo_after_a_batch_puts_every_task_back(tmp_path: Path) -> None:
    maker, names = three_open(tmp_path / "tasks")
    root = maker.board.root
    app = new_app(maker.board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("space", "space", "s")
        await wait_for(pilot, lambda: len(files_in(root, "doing")) == 2)
        await pilot.press("u")
        await wait_for(pilot, lambda: len(files_in(root, "open")) == 4)
        assert sorted(t.name for t in app.board_screen.column("open").tasks) == sorted(names)
        assert any(n.startswith("Undone 2 moves") for n in notices(app))

    drive(app, script)


def test_blocking_a_batch_asks_once_and_a_task_gone_from_disk_is_one_sentence(tmp_path: Path) -> None:
    maker, names = three_open(tmp_path / "tasks")
    root = maker.board.root
    app = new_app(maker.board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("space", "space", "space")
        (root / "open" / names[1]).unlink()  # gone before the move: the others still move
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BlockScreen))
        assert "3 marked tasks" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press(*"review", "tab", *"ana", "enter")
        await wait_for(pilot, lambda: len(files_in(root, "blocked")) == 2)
        assert any("not moved" in n for n in notices(app))

    drive(app, script)
    blocked = [e for e in journal_events(root) if e.get("to") == "blocked"]
    assert len(blocked) == 2


def test_a_batch_in_git_mode_is_one_commit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(tmp_path), *args], capture_output=True, text=True,
                              check=True).stdout  # fmt: skip

    git("init", "-q", "-b", "main")
    git("config", "user.name", "Test")
    git("config", "user.email", "test@example.com")
    maker, _ = three_open(tmp_path / "tasks", "git:\n  commit: true\n")
    git("add", "-A")
    git("commit", "-q", "-m", "start")
    app = new_app(maker.board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("space", "space", "space", "d")
        await wait_for(pilot, lambda: "pulse: done 3 tasks" in git("log", "-1", "--format=%s"))

    drive(app, script)
    assert len(git("log", "--format=%s").splitlines()) == 2  # start, and the batch
    renamed = [line for line in git("show", "-M", "--name-status", "--format=", "HEAD").splitlines()
               if line.startswith("R")]  # fmt: skip
    assert len(renamed) == 3
