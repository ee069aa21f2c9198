"""The archive on the board under Pilot: with archive.after set the board archives old done tasks
on its own after the first paint (a toast; `u` puts them back), and the Done column's title says
how many tasks the archive holds, following `pulse archive` run beside it."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from support.board_helpers import beaten, drive, make_board, new_app, notices, wait_for
from support.clock import at
from support.helpers import PULSE, clean_env
from textual.pilot import Pilot
from textual.widgets import Static

pytestmark = pytest.mark.timeout(60)


def done_file(root: Path, task_id: str, days_ago: int) -> Path:
    done = (at(60) - dt.timedelta(days=days_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")
    path = root / "done" / f"{task_id}-finished-{task_id}.md"
    path.write_text(f"---\ntitle: Finished {task_id}\ndone: {done}\n---\n")
    return path


def done_title(app: object) -> str:
    return str(app.board_screen.query_one("#title-done", Static).render())  # type: ignore[attr-defined]


def test_the_board_archives_past_archive_after_and_u_undoes_it(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "archive:\n  after: 30d\n")
    old = [done_file(board.root, f"hhhh00000{n}", 40 + n) for n in range(3)]
    recent = done_file(board.root, "hhhh000009", 3)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await wait_for(pilot, lambda: any("Archived 3 tasks" in n for n in notices(app)))
        await wait_for(pilot, lambda: "3 archived" in done_title(app))
        assert not any(p.exists() for p in old) and recent.exists()
        assert [t.title for t in app.board_screen.column("done").tasks] == ["Finished hhhh000009"]
        await pilot.press("u")
        await wait_for(pilot, lambda: all(p.exists() for p in old))
        await wait_for(pilot, lambda: "archived" not in done_title(app), timeout=10)
        assert done_title(app).startswith("Done 4")

    drive(app, script, size=(160, 50))


def test_the_done_title_follows_an_archive_made_beside_the_board(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    for n in range(2):
        done_file(board.root, f"iiii00000{n}", 400)
    app = new_app(board, changes=None)  # the real watcher

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert "archived" not in done_title(app)
        subprocess.run([*PULSE, "--board", str(board.root), "archive"], env=clean_env(), check=True,
                       capture_output=True, timeout=20)  # fmt: skip
        await wait_for(pilot, lambda: "Done 0 · 2 archived" in done_title(app), timeout=15)
        subprocess.run([*PULSE, "--board", str(board.root), "unarchive", "iiii000001"], env=clean_env(),
                       check=True, capture_output=True, timeout=20)  # fmt: skip
        await wait_for(pilot, lambda: "Done 1 · 1 archived" in done_title(app), timeout=15)

    drive(app, script, size=(160, 50))


def test_a_move_into_done_is_no_reason_to_count_the_archive_again(tmp_path: Path) -> None:
    """Counting lists every archived name: it follows what may change the archive, not every done."""
    from types import SimpleNamespace

    from pulseboard.tui.screens.board_archive import BoardArchive

    board = make_board(tmp_path / "tasks")
    screen = SimpleNamespace(board=board)
    done, doing = board.root / "done" / "a.md", board.root / "doing" / "a.md"
    done.write_text("---\ntitle: A\n---\n")  # moved from doing/ (gone) to done/ (there)
    touched = BoardArchive.archive_touched
    assert not touched(screen, {str(doing), str(done)})  # type: ignore[arg-type]
    assert touched(screen, {str(done)})  # came from elsewhere: unarchived, or made by hand
    done.unlink()
    assert touched(screen, {str(done)})  # left done/ for no folder of the board: archived
    assert touched(screen, {str(board.root / "archive" / "2026-12")}) and touched(screen, None)  # type: ignore[arg-type]
