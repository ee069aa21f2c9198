"""The board with git.commit on, under Pilot and real git: a key's move becomes a commit of just
that task (off the UI thread, in order), and a failed push stays in the status line and the
heartbeat until a push succeeds."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from support.board_helpers import Maker, beaten, drive, make_board, new_app, screen_text, wait_for
from textual.pilot import Pilot

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(autouse=True)
def _no_user_git(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """On top of the conftest's isolation of every app test: git reads no configuration of the user's."""
    monkeypatch.setenv("HOME", str(tmp_path))  # no global git config of the user's
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True, check=True).stdout


def repo_with_board(tmp_path: Path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.name", "Test")
    git(tmp_path, "config", "user.email", "test@example.com")
    board = make_board(tmp_path / "tasks", "git:\n  commit: true\n")
    (tmp_path / "notes.txt").write_text("mine\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "start")
    return board


def test_a_move_on_the_board_is_a_commit_of_just_that_task(tmp_path: Path) -> None:
    board = repo_with_board(tmp_path)
    task = Maker(board).task("Ship it")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "the task")
    (tmp_path / "notes.txt").write_text("mine, changed\n")  # dirty, and not pulse's
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("s", "d")
        await wait_for(pilot, lambda: "pulse: done" in git(tmp_path, "log", "-1", "--format=%s"))

    drive(app, script)
    log = git(tmp_path, "log", "--format=%s", "-3").splitlines()
    assert log[0].startswith("pulse: done") and log[1].startswith("pulse: start")
    assert task.id[:4] in log[0] and '"Ship it"' in log[0]
    files = git(tmp_path, "show", "-M", "--name-status", "--format=", "HEAD").splitlines()
    assert files[0].startswith("M\ttasks/.pulse/journal/") and files[1].startswith("R")
    assert files[1].endswith(f"tasks/doing/{task.name}\ttasks/done/{task.name}")
    assert git(tmp_path, "status", "--porcelain").strip() == "M notes.txt"


def test_a_failed_push_shows_until_a_push_succeeds(tmp_path: Path) -> None:
    board = repo_with_board(tmp_path)
    status = board.root / ".pulse" / "cache" / "push.json"
    status.parent.mkdir(parents=True, exist_ok=True)
    status.write_text(json.dumps({"ok": False, "at": "2026-11-22T10:00:00Z", "error": "remote gone"}))
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        text = "\n".join(screen_text(app))
        assert "push failed: remote gone" in text
        assert (
            app.board_screen.pane.selected is not None
            and app.board_screen.pane.selected.kind == "push-failed"
        )
        status.write_text(json.dumps({"ok": True, "at": "2026-11-22T10:05:00Z", "error": None}))
        app.board_screen.request_beat()
        await wait_for(pilot, lambda: "push failed" not in "\n".join(screen_text(app)))

    drive(app, script)
