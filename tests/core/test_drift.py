"""Code drift under a started task (services/drift.py), in a real git repository: commits by
another author that changed a file the task touches, since it started, make a heartbeat note in
`pulse next`; the task's own commits (by its holder, or naming its id) do not."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from support.helpers import clean_env, pulse_ok

from pulseboard.core.actions import create_task, init_board
from pulseboard.core.board import Board
from pulseboard.services import drift


def git(repo: Path, *args: str, author: str = "ana", later_s: int = 0) -> None:
    when = f"@{int(time.time()) + later_s} +0000"
    env = {**os.environ}
    for who in ("AUTHOR", "COMMITTER"):
        env |= {f"GIT_{who}_NAME": author, f"GIT_{who}_EMAIL": f"{author}@x", f"GIT_{who}_DATE": when}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


def commit(repo: Path, path: str, text: str, message: str, author: str, later_s: int) -> None:
    (repo / path).parent.mkdir(parents=True, exist_ok=True)
    (repo / path).write_text(text)
    git(repo, "add", "-A", author=author, later_s=later_s)
    git(repo, "commit", "-q", "-m", message, author=author, later_s=later_s)


def test_commits_by_others_on_touched_files_since_the_start_are_named(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    init_board(repo / "tasks")
    git(repo, "init", "-q")
    task = create_task(Board(repo / "tasks"), "Fix the nav", touches=["src/nav.py"])
    commit(repo, "src/nav.py", "v1\n", "the nav as it was", "ana", -600)
    pulse_ok("start", task.id, cwd=repo, env=clean_env(PULSE_ACTOR="ana"))
    assert "changed in" not in pulse_ok("next", cwd=repo)
    commit(repo, "src/nav.py", "v2\n", "ana's own work", "ana", 5)  # the holder's own
    commit(repo, "src/nav.py", "v3\n", f"nav: part of {task.id[:4]}", "bob", 6)  # names the task
    commit(repo, "src/footer.py", "x\n", "not touched", "bob", 7)
    assert "changed in" not in pulse_ok("next", cwd=repo)
    commit(repo, "src/nav.py", "v4\n", "bob rewrote the nav", "bob", 8)
    commit(repo, "src/nav.py", "v5\n", "and again", "carol", 9)
    out = pulse_ok("next", cwd=repo)
    assert 'src/nav.py changed in 2 commits since "Fix the nav" started' in out
    board = Board(repo / "tasks")
    started = board.load(board.find(task.id))
    found = drift.task_drift(started, board.root)  # what the detail view lists: newest first
    assert [(c.author, c.subject, files) for c, files in found] == [
        ("carol", "and again", ("src/nav.py",)),
        ("bob", "bob rewrote the nav", ("src/nav.py",)),
    ]


def test_outside_a_git_work_tree_there_is_no_drift(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    task = create_task(Board(root), "Fix the nav", touches=["src/nav.py"])
    pulse_ok("start", task.id, cwd=tmp_path)
    assert "changed in" not in pulse_ok("next", cwd=tmp_path)


def test_the_history_is_read_again_only_when_head_moves(tmp_path: Path) -> None:
    repo = tmp_path / "proj"
    init_board(repo / "tasks")
    git(repo, "init", "-q")
    commit(repo, "src/nav.py", "v1\n", "the nav as it was", "ana", -600)
    since = time.time() - 60
    first = drift.commits_since(repo / "tasks", since)
    assert drift.commits_since(repo / "tasks", since) is first  # HEAD has not moved: not read again
    commit(repo, "src/nav.py", "v2\n", "bob's change", "bob", 5)
    again = drift.commits_since(repo / "tasks", since)
    assert [c.subject for c in again] == ["bob's change"] and again is not first
