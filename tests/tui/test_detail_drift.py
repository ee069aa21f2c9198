"""Code drift in the detail view under Pilot, in a real git repository: a task in doing whose
touched file another author changed since it started lists that commit under "Code changed since
it started"; a task nobody's commits touched shows no such section."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest
from support.board_helpers import beaten, drive, new_app, wait_for
from textual.pilot import Pilot
from textual.widgets import Static

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board

pytestmark = pytest.mark.timeout(60)


def commit(repo: Path, path: str, text: str, message: str, author: str, later_s: int) -> None:
    env = {**os.environ}
    for who in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{who}_NAME": author, f"GIT_{who}_EMAIL": f"{author}@x",
                f"GIT_{who}_DATE": f"@{int(time.time()) + later_s} +0000"}  # fmt: skip
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    for args in (["add", "-A"], ["commit", "-q", "-m", message]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def test_the_detail_view_lists_others_commits_on_what_a_started_task_touches(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    init_board(repo / "tasks")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    board = Board(repo / "tasks")
    commit(repo, "src/nav.py", "v1\n", "the nav as it was", "ana", -600)
    task = create_task(board, "Fix the nav", touches=["src/nav.py"])
    quiet = create_task(board, "Write the footer", touches=["src/footer.py"])
    for started in (task, quiet):
        move_task(board, started.id, "doing", force=True)
    commit(repo, "src/nav.py", "v2\n", "bob rewrote the nav", "bob", 5)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("l")  # Doing
        screen = app.board_screen

        async def open_detail(title: str) -> Static:
            for _ in range(3):
                if screen.column("doing").selected.title == title:
                    break
                await pilot.press("j")
            await pilot.press("enter")
            await wait_for(pilot, lambda: screen.detail is not None and screen.detail.task.title == title)
            return screen.detail.query_one("#drift", Static)

        drift = await open_detail("Fix the nav")
        await wait_for(pilot, lambda: drift.display and "bob rewrote the nav" in str(drift.render()))
        assert "src/nav.py" in str(drift.render()) and "bob:" in str(drift.render())
        await pilot.press("escape")
        await pilot.press("k")
        drift = await open_detail("Write the footer")
        await pilot.pause(0.5)
        assert not drift.display

    drive(app, script, size=(120, 40))
