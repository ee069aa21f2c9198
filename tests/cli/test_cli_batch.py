"""Several tasks in one move command (`pulse done a1b2 c3d4`) and its undo, end to end: the real
`pulse` in subprocesses over real files, and real git (with a bare remote) for the one commit.

A single id behaves exactly as it always did; several move as one batch (core/batch.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from support.helpers import (
    STABLE_KEYS,
    assert_user_error,
    clean_env,
    describe_run,
    frontmatter,
    journal_events,
    ok,
    pulse,
    pulse_json,
    pulse_ok,
    task_files,
)

pytestmark = pytest.mark.timeout(90)

MOVED_KEYS = STABLE_KEYS | {"from", "warnings", "ready_now", "can_unblock"}
REFUSED_KEYS = {"id", "short", "title", "moved", "error"}


def add(project: Path, *titles: str) -> list[dict[str, Any]]:
    return [pulse_json("add", title, cwd=project) for title in titles]


def shorts(project: Path) -> dict[str, str]:
    """Each task's title -> its short id, as `pulse ls` gives it now."""
    return {t["title"]: t["short"] for t in pulse_json("ls", cwd=project)}


def states(project: Path) -> dict[str, str]:
    return {t["title"]: t["state"] for t in pulse_json("ls", cwd=project)}


def moves(project: Path) -> list[dict[str, Any]]:
    return [e for e in journal_events(project / "tasks") if e["op"] == "move"]


def set_wip(project: Path, doing: int) -> None:
    (project / "tasks" / "pulse.yaml").write_text(f"wip:\n  doing: {doing}\n  hard: true\n", encoding="utf-8")


# --------------------------------------------------------------------------- one id: as always


def test_a_single_id_prints_exactly_what_it_always_did(project: Path) -> None:
    (alpha,) = add(project, "Alpha")
    short = alpha["short"]
    result = ok(pulse("done", short, cwd=project))
    assert (result.stdout, result.stderr) == (f'{short} "Alpha": open -> done\n', "")
    moved = pulse_json("reopen", short, cwd=project)
    assert isinstance(moved, dict) and set(moved) == MOVED_KEYS and moved["from"] == "done"
    assert "batch" not in moves(project)[-1]  # a single move's journal line is as it was
    result = ok(pulse("undo", cwd=project))
    assert (result.stdout, result.stderr) == (f'undone: {short} "Alpha": open -> done\n', "")
    undone = pulse_json("undo", cwd=project)
    assert isinstance(undone, dict) and set(undone) == MOVED_KEYS and undone["state"] == "open"
    assert_user_error(pulse("done", "nope", cwd=project), "no task matches 'nope'")
    assert_user_error(pulse("reopen", short, cwd=project), "is already in open/")


# --------------------------------------------------------------------------- several ids: a batch


def test_several_ids_move_as_one_batch_a_line_each(project: Path) -> None:
    add(project, "Alpha", "Beta", "Gamma")
    ids = shorts(project)
    result = ok(pulse("done", ids["Gamma"], ids["Alpha"], ids["Beta"], cwd=project))
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f'{ids["Gamma"]} "Gamma": open -> done',
        f'{ids["Alpha"]} "Alpha": open -> done',
        f'{ids["Beta"]} "Beta": open -> done',
    ]
    assert states(project) == {"Alpha": "done", "Beta": "done", "Gamma": "done"}
    lines = moves(project)
    assert len(lines) == 3 and len({line["batch"] for line in lines}) == 1 and lines[0]["batch"]


def test_a_refused_task_is_one_sentence_the_others_move_and_the_exit_is_1(project: Path) -> None:
    add(project, "Alpha", "Beta", "Gamma")
    ids = shorts(project)
    pulse_ok("done", ids["Beta"], cwd=project)
    result = pulse("done", ids["Alpha"], ids["Beta"], "nope", ids["Gamma"], cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, describe_run(result)
    assert result.stdout.splitlines() == [
        f'{ids["Alpha"]} "Alpha": open -> done',
        f'{ids["Gamma"]} "Gamma": open -> done',
    ]
    beta_file = Path(pulse_json("show", ids["Beta"], cwd=project)["path"]).name
    assert result.stderr.splitlines() == [
        "pulse: nope not moved: no task matches 'nope'; `pulse ls` lists the tasks.",
        f'pulse: {ids["Beta"]} "Beta" not moved: done/{beta_file} is already in done/.',
    ]
    assert states(project) == {"Alpha": "done", "Beta": "done", "Gamma": "done"}


def test_json_gives_a_list_with_each_task_moved_or_refused(project: Path) -> None:
    add(project, "Alpha", "Beta")
    ids = shorts(project)
    result = pulse("start", ids["Alpha"], "nope", ids["Beta"], "--json", cwd=project)
    assert result.returncode == 1, describe_run(result)
    items = json.loads(result.stdout)
    assert [set(item) for item in items] == [MOVED_KEYS | {"moved"}] * 2 + [REFUSED_KEYS]
    assert [(i["short"], i["moved"]) for i in items] == [
        (ids["Alpha"], True),
        (ids["Beta"], True),
        ("nope", False),
    ]
    assert items[0]["state"] == "doing" and items[0]["from"] == "open" and items[0]["started"]
    assert items[2] == {
        "id": None,
        "short": "nope",
        "title": None,
        "moved": False,
        "error": "no task matches 'nope'; `pulse ls` lists the tasks.",
    }
    assert result.stderr == "pulse: nope not moved: no task matches 'nope'; `pulse ls` lists the tasks.\n"


def test_a_blocked_batch_takes_one_reason_and_bad_options_move_nothing(project: Path) -> None:
    add(project, "Alpha", "Beta")
    ids = shorts(project)
    assert_user_error(pulse("mv", ids["Alpha"], ids["Beta"], "blocked", cwd=project), "needs a reason")
    assert states(project) == {"Alpha": "open", "Beta": "open"} and moves(project) == []
    pulse_ok(
        "block",
        ids["Alpha"],
        ids["Beta"],
        "--reason",
        "needs the API key",
        "--waiting-on",
        "ops",
        cwd=project,
    )
    blocked = {t["title"]: t["blocked"] for t in pulse_json("ls", cwd=project)}
    assert {title: (b["reason"], b["waiting_on"]) for title, b in blocked.items()} == {
        "Alpha": ("needs the API key", "ops"),
        "Beta": ("needs the API key", "ops"),
    }
    out = pulse_ok("mv", ids["Alpha"], ids["Beta"], "open", cwd=project)
    assert out.splitlines() == [f'{ids[t]} "{t}": blocked -> open' for t in ("Alpha", "Beta")]


def test_a_batch_past_a_hard_wip_limit_starts_what_fits_and_force_starts_the_rest(project: Path) -> None:
    set_wip(project, 2)
    add(project, "Alpha", "Beta", "Gamma", "Delta")
    ids = shorts(project)
    result = pulse("start", ids["Alpha"], ids["Beta"], ids["Gamma"], cwd=project)
    assert result.returncode == 1, describe_run(result)
    assert len(result.stdout.splitlines()) == 2
    (refusal,) = result.stderr.splitlines()
    assert refusal.startswith(f'pulse: {ids["Gamma"]} "Gamma" not moved: doing/ is full (2/2: ')
    assert refusal.endswith("or pass --force.")
    result = ok(pulse("start", ids["Gamma"], ids["Delta"], "--force", cwd=project))
    assert result.stdout.splitlines() == [f'{ids[t]} "{t}": open -> doing' for t in ("Gamma", "Delta")]
    warnings = result.stderr.splitlines()
    assert [w.split(";")[0] for w in warnings] == [
        "pulse: warning: doing/ is now over its limit (3/2)",
        "pulse: warning: doing/ is now over its limit (4/2)",
    ]


def test_undo_reverts_the_batch_whole_and_then_the_move_before_it(project: Path) -> None:
    add(project, "Alpha", "Beta", "Gamma")
    ids = shorts(project)
    pulse_ok("start", ids["Alpha"], cwd=project)  # the move before the batch
    pulse_ok("done", ids["Alpha"], ids["Beta"], ids["Gamma"], cwd=project)
    before = {p.name: frontmatter(p) for p in task_files(project / "tasks")["done"]}
    assert len(before) == 3
    result = ok(pulse("undo", cwd=project))
    assert result.stderr == ""
    assert result.stdout.splitlines() == [
        f'undone: {ids["Gamma"]} "Gamma": done -> open',
        f'undone: {ids["Beta"]} "Beta": done -> open',
        f'undone: {ids["Alpha"]} "Alpha": done -> doing',
    ]
    assert states(project) == {"Alpha": "doing", "Beta": "open", "Gamma": "open"}
    result = ok(pulse("undo", cwd=project))
    assert result.stdout == f'undone: {ids["Alpha"]} "Alpha": doing -> open\n'
    assert_user_error(pulse("undo", cwd=project), "nothing to undo")
    lines = moves(project)
    assert len(lines) == 1 + 3 + 3 + 1 and all(line.get("undoes") for line in lines[4:])


def test_undo_json_of_a_batch_is_a_list(project: Path) -> None:
    add(project, "Alpha", "Beta")
    ids = shorts(project)
    pulse_ok("start", ids["Alpha"], ids["Beta"], cwd=project)
    items = pulse_json("undo", cwd=project)
    assert [(i["short"], i["state"], i["from"], i["moved"]) for i in items] == [
        (ids["Beta"], "open", "doing", True),
        (ids["Alpha"], "open", "doing", True),
    ]


def test_undo_of_a_batch_refuses_a_task_moved_since_and_reverts_the_others(project: Path) -> None:
    add(project, "Alpha", "Beta")
    ids = shorts(project)
    pulse_ok("done", ids["Alpha"], ids["Beta"], cwd=project)
    beta = Path(pulse_json("show", ids["Beta"], cwd=project)["path"])
    beta.rename(project / "tasks" / "blocked" / beta.name)  # by hand
    result = pulse("undo", cwd=project)
    assert result.returncode == 1, describe_run(result)
    assert result.stdout == f'undone: {ids["Alpha"]} "Alpha": done -> open\n'
    (line,) = result.stderr.splitlines()
    assert line.startswith(
        f'pulse: {ids["Beta"]} "Beta" not undone: can\'t undo: {ids["Beta"]} was moved to done/'
    )
    assert line.endswith(f"but it is blocked/{beta.name} now; nothing was changed.")


# --------------------------------------------------------------------------- git: one commit a batch


@pytest.fixture
def git_env(tmp_path: Path) -> dict[str, str]:
    home = tmp_path / "home"
    home.mkdir()
    return clean_env(
        HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1", GIT_CEILING_DIRECTORIES=str(tmp_path), GIT_TERMINAL_PROMPT="0",
        GIT_DIR=None, GIT_WORK_TREE=None, GIT_INDEX_FILE=None, GIT_AUTHOR_NAME=None,
        GIT_AUTHOR_EMAIL=None, GIT_COMMITTER_NAME=None, GIT_COMMITTER_EMAIL=None,
    )  # fmt: skip


def git(repo: Path, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(repo), *args], env=env, capture_output=True, text=True, timeout=20, check=False
    )
    assert result.returncode == 0, f"git {args}: {result.stderr}"
    return result.stdout.strip()


def count(repo: Path, env: dict[str, str], rev: str = "HEAD") -> int:
    return int(git(repo, env, "rev-list", "--count", rev))


def wait_for(remote: Path, env: dict[str, str], commits: int) -> None:
    """Wait (up to 15 s) until the background push has brought the remote to this many commits."""
    deadline = time.monotonic() + 15
    while count(remote, env, "main") != commits:
        assert time.monotonic() < deadline, f"the remote never reached {commits} commits"
        time.sleep(0.05)


def test_git_mode_makes_one_commit_for_a_batch_and_one_for_its_undo(
    tmp_path: Path, git_env: dict[str, str]
) -> None:
    remote = tmp_path / "remote.git"
    subprocess.run(
        ["git", "init", "--quiet", "--bare", "-b", "main", str(remote)],
        env=git_env,
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["git", "clone", "--quiet", str(remote), str(tmp_path / "repo")],
        env=git_env,
        check=True,
        capture_output=True,
    )
    repo = tmp_path / "repo"
    for key, value in (
        ("user.name", "Pulse Test"),
        ("user.email", "t@example.invalid"),
        ("commit.gpgsign", "false"),
    ):
        git(repo, git_env, "config", key, value)
    ok(pulse("init", cwd=repo, env=git_env))
    for title in ("Alpha", "Beta", "Gamma"):
        ok(pulse("add", title, cwd=repo, env=git_env))
    (repo / "tasks" / "pulse.yaml").write_text("git:\n  commit: true\n  push: true\n", encoding="utf-8")
    git(repo, git_env, "add", "--all")
    git(repo, git_env, "commit", "--quiet", "-m", "a board")
    git(repo, git_env, "push", "--quiet", "origin", "main")
    ids = {
        t["title"]: t["short"] for t in json.loads(ok(pulse("ls", "--json", cwd=repo, env=git_env)).stdout)
    }

    before = count(repo, git_env)
    result = ok(pulse("done", ids["Alpha"], ids["Beta"], ids["Gamma"], cwd=repo, env=git_env))
    assert result.stderr == "", describe_run(result)
    assert count(repo, git_env) == before + 1
    listed = ", ".join(f'{ids[t]} "{t}"' for t in ("Alpha", "Beta", "Gamma"))
    assert git(repo, git_env, "log", "-1", "--format=%s") == f"pulse: done 3 tasks: {listed}"
    assert git(repo, git_env, "log", "-1", "--format=%b").splitlines() == [
        f'done {ids[t]} "{t}"' for t in ("Alpha", "Beta", "Gamma")
    ]
    changes = git(repo, git_env, "show", "-M", "--name-status", "--format=", "HEAD").splitlines()
    renames = sorted(line.split("\t")[1:] for line in changes if line.startswith("R"))
    assert len(renames) == 3 and all(
        old.startswith("tasks/open/") and new.startswith("tasks/done/") for old, new in renames
    )
    (journal_line,) = [line for line in changes if not line.startswith("R")]  # and nothing else
    assert journal_line.startswith("M\ttasks/.pulse/journal/")
    assert git(repo, git_env, "status", "--porcelain", "--", "tasks/open", "tasks/done") == ""

    wait_for(remote, git_env, before + 1)  # pushed in the background: the batch reaches the remote whole

    ok(pulse("undo", cwd=repo, env=git_env))
    assert count(repo, git_env) == before + 2
    assert git(repo, git_env, "log", "-1", "--format=%s").startswith("pulse: undo done 3 tasks: ")
    assert git(repo, git_env, "status", "--porcelain", "--", "tasks/open", "tasks/done") == ""
    wait_for(remote, git_env, before + 2)
