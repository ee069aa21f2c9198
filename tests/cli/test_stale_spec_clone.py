"""The stale-spec rule on a fresh clone (real git): a checkout gives every file in doing a new
mtime, long after its start; a task whose spec is what its start journalled is no changed spec,
also with `pulse note` lines added since; an edit of its body after the start still is."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

from support.helpers import clean_env, pulse_json, pulse_ok

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board

CHANGED = "changed after it was started"


def git(where: Path, *args: str) -> None:
    who = {f"GIT_{role}_{what}": value for role in ("AUTHOR", "COMMITTER") for what, value in
           (("NAME", "T"), ("EMAIL", "t@x"))}  # fmt: skip
    env = clean_env(**who, GIT_CONFIG_NOSYSTEM="1", GIT_CONFIG_GLOBAL="/dev/null")
    subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True, env=env)


def texts(where: Path) -> str:
    return "\n".join(s["text"] for s in pulse_json("next", "-n", "20", cwd=where))


def test_a_fresh_clone_is_no_changed_spec_and_an_edit_after_it_still_is(tmp_path: Path) -> None:
    origin = tmp_path / "origin"
    init_board(origin / "tasks")
    board = Board(origin / "tasks")
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    noted = create_task(board, "Noted as it goes", body="Do the thing.\n\n- [ ] it works\n", now=an_hour_ago)
    edited = create_task(board, "Edited after its start", body="Do the other thing.\n", now=an_hour_ago)
    for task in (noted, edited):
        move_task(board, task.id, "doing", now=an_hour_ago, force=True)
    pulse_ok("note", noted.id, "found the cause", cwd=origin)  # the holder's note: no new spec
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-qm", "the board")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(origin), str(clone))

    assert CHANGED not in texts(clone), "every file in doing has a new mtime, and the same spec"
    path = clone / "tasks" / "doing" / edited.name
    path.write_text(path.read_text() + "\nAnd it must be fast.\n")
    said = texts(clone)
    assert f'"{edited.title}" {CHANGED}' in said and f'"{noted.title}" {CHANGED}' not in said
