"""Git as the shared board, end to end with real git: a bare remote and clones in temp folders.

Every repository lives under tmp_path and the user's own git configuration is shut out (HOME,
GIT_CONFIG_GLOBAL, GIT_CONFIG_NOSYSTEM, GIT_CEILING_DIRECTORIES), so nothing touches the network
or depends on the machine. The background push (`python -m pulseboard.services.git`) is a real
detached process: the tests wait for the `push.json` it writes, with a deadline.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from support.helpers import (
    assert_user_error,
    clean_env,
    describe_run,
    frontmatter,
    ok,
    pulse,
    task_files,
    where_is,
)

pytestmark = pytest.mark.timeout(60)

PUSH_WAIT_S = 15  # the background push is a new interpreter plus a local git push
GIT_CONFIG = "git:\n  commit: {commit}\n  push: {push}\n"
BODY = "Read the config once at start-up.\n\n- [ ] the loader reads pulse.yaml\n- [ ] a test covers it\n"


@dataclass
class Sandbox:
    """Repositories under one temp folder, run with git isolated from the user's configuration."""

    tmp: Path
    env: dict[str, str]

    def git_run(self, repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["git", "-C", str(repo), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        )

    def git(self, repo: Path, *args: str) -> str:
        """Run git, assert it worked, return its stdout stripped."""
        result = self.git_run(repo, *args)
        assert result.returncode == 0, f"git {args}: {result.stderr}"
        return result.stdout.strip()

    def pulse(
        self, repo: Path, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return pulse(*args, cwd=repo, env=env or self.env)

    def pulse_ok(self, repo: Path, *args: str) -> str:
        """Run pulse, assert it exited 0 and said nothing on stderr; return stdout."""
        result = ok(self.pulse(repo, *args))
        assert result.stderr == "", describe_run(result)
        return result.stdout

    def configure(self, repo: Path) -> None:
        for key, value in (
            ("user.name", "Pulse Test"),
            ("user.email", "pulse-test@example.invalid"),
            ("commit.gpgsign", "false"),
            ("pull.rebase", "false"),  # pulse sync must ask for the rebase itself
        ):
            self.git(repo, "config", key, value)

    def new_repo(self, name: str) -> Path:
        repo = self.tmp / name
        repo.mkdir()
        self.git(repo, "init", "--quiet", "-b", "main")
        self.configure(repo)
        return repo

    def bare(self, name: str = "remote.git") -> Path:
        remote = self.tmp / name
        subprocess.run(
            ["git", "init", "--quiet", "--bare", "-b", "main", str(remote)],
            env=self.env, check=True, capture_output=True,
        )  # fmt: skip
        return remote

    def clone(self, remote: Path, name: str) -> Path:
        repo = self.tmp / name
        subprocess.run(
            ["git", "clone", "--quiet", str(remote), str(repo)], env=self.env, check=True, capture_output=True
        )
        self.configure(repo)
        return repo

    def head(self, repo: Path) -> str:
        return self.git(repo, "rev-parse", "HEAD")

    def count(self, repo: Path) -> int:
        return int(self.git(repo, "rev-list", "--count", "HEAD"))

    def subjects(self, repo: Path, *extra: str) -> list[str]:
        return self.git(repo, "log", "--format=%s", *extra).splitlines()

    def changes(self, repo: Path, rev: str = "HEAD") -> list[tuple[str, ...]]:
        """`git show -M --name-status` of one commit: (status, path[, new path]) per file."""
        out = self.git(repo, "show", "-M", "--name-status", "--format=", rev)
        return sorted(tuple(line.split("\t")) for line in out.splitlines() if line)

    def status(self, repo: Path) -> list[str]:
        result = self.git_run(repo, "status", "--porcelain=v1", "--untracked-files=all")
        assert result.returncode == 0, result.stderr
        return result.stdout.splitlines()  # not stripped: the first column matters


@pytest.fixture
def sandbox(tmp_path: Path) -> Sandbox:
    home = tmp_path / "home"
    home.mkdir()
    env = clean_env(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CEILING_DIRECTORIES=str(tmp_path),
        GIT_TERMINAL_PROMPT="0",
        GIT_DIR=None,
        GIT_WORK_TREE=None,
        GIT_INDEX_FILE=None,
        GIT_AUTHOR_NAME=None,
        GIT_AUTHOR_EMAIL=None,
        GIT_COMMITTER_NAME=None,
        GIT_COMMITTER_EMAIL=None,
    )
    return Sandbox(tmp_path, env)


def set_git(repo: Path, *, commit: bool, push: bool) -> None:
    (repo / "tasks" / "pulse.yaml").write_text(
        GIT_CONFIG.format(commit=str(commit).lower(), push=str(push).lower()), encoding="utf-8"
    )


def add_task(sb: Sandbox, repo: Path, title: str, *extra: str) -> tuple[str, str]:
    """`pulse add` in repo; (short id, file name)."""
    made = json.loads(sb.pulse_ok(repo, "add", title, *extra, "--json"))
    return made["short"], Path(made["path"]).name


def board_bytes(repo: Path) -> dict[str, bytes]:
    """Every file of the board (tasks/), by relative path, except pulse's local cache."""
    root = repo / "tasks"
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".pulse/cache" not in path.relative_to(root).as_posix()
    }


def seeded_remote(
    sb: Sandbox, titles: list[str], *, commit: bool, push: bool, body: str = ""
) -> tuple[Path, list[str]]:
    """A bare remote holding a board with these tasks and these git settings; the tasks' file names."""
    remote = sb.bare()
    seed = sb.clone(remote, "seed")
    ok(sb.pulse(seed, "init"))
    extra = ("--body", body) if body else ()
    names = [add_task(sb, seed, title, *extra)[1] for title in titles]  # default settings: no commits yet
    set_git(seed, commit=commit, push=push)
    sb.git(seed, "add", "--all")
    sb.git(seed, "commit", "--quiet", "-m", "a shared board")
    sb.git(seed, "push", "--quiet", "origin", "main")
    return remote, names


def push_file(repo: Path) -> Path:
    return repo / "tasks" / ".pulse" / "cache" / "push.json"


def wait_push(repo: Path) -> dict[str, object]:
    """The push.json the background push writes (the caller removed the old one first)."""
    path = push_file(repo)
    deadline = time.monotonic() + PUSH_WAIT_S
    while True:
        try:
            return json.loads(path.read_bytes())
        except (OSError, ValueError):
            assert time.monotonic() < deadline, f"no push status at {path} after {PUSH_WAIT_S}s"
            time.sleep(0.02)


def no_conflict_markers(repo: Path) -> None:
    for name, data in board_bytes(repo).items():
        assert b"<<<<<<<" not in data and b">>>>>>>" not in data, name


def in_rebase(sb: Sandbox, repo: Path) -> bool:
    git_dir = Path(sb.git(repo, "rev-parse", "--absolute-git-dir"))
    return (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists()


# --------------------------------------------------------------------------- a commit per change


@pytest.fixture
def committing(sandbox: Sandbox) -> Path:
    """A repository with a board (git.commit true, push false), a README and one other task, committed."""
    repo = sandbox.new_repo("proj")
    ok(sandbox.pulse(repo, "init"))
    set_git(repo, commit=True, push=False)
    (repo / "README.md").write_text("# proj\n", encoding="utf-8")
    (repo / "setup.cfg").write_text("[metadata]\n", encoding="utf-8")
    sandbox.git(repo, "add", "--all")
    sandbox.git(repo, "commit", "--quiet", "-m", "start")
    return repo


def make_unrelated_mess(sb: Sandbox, repo: Path, other_task: Path) -> dict[str, str]:
    """A modified tracked file, an untracked one, a staged new one, a staged change, a hand-edited
    task file; returns `git status` for them, which no pulse commit may change."""
    (repo / "README.md").write_text("# proj\n\nwork in progress\n", encoding="utf-8")
    (repo / "notes.txt").write_text("scratch\n", encoding="utf-8")
    (repo / "staged.txt").write_text("staged by the user\n", encoding="utf-8")
    (repo / "setup.cfg").write_text("[metadata]\nname = proj\n", encoding="utf-8")
    sb.git(repo, "add", "staged.txt", "setup.cfg")
    other_task.write_text(other_task.read_text(encoding="utf-8") + "\na note by hand\n", encoding="utf-8")
    rel = other_task.relative_to(repo).as_posix()
    return unrelated_state(sb, repo, rel)


def unrelated_state(sb: Sandbox, repo: Path, other_rel: str) -> dict[str, str]:
    watched = ("README.md", "notes.txt", "staged.txt", "setup.cfg", other_rel)
    lines = {line[3:]: line[:2] for line in sb.status(repo)}
    return {
        "status": repr({path: lines.get(path) for path in watched}),
        "diff": sb.git(repo, "diff", "--", *watched),
        "cached": sb.git(repo, "diff", "--cached", "--", *watched),
    }


def assert_move_commit(sb: Sandbox, repo: Path, message: str, old: str, new: str) -> None:
    assert sb.subjects(repo, "-1") == [message]
    changes = sb.changes(repo)
    assert len(changes) == 2, changes
    renames = [c for c in changes if c[0].startswith("R")]
    assert [c[1:] for c in renames] == [(old, new)], changes
    journal = [c for c in changes if not c[0].startswith("R")]
    assert journal[0][0] == "M" and journal[0][1].startswith("tasks/.pulse/journal/"), changes
    assert journal[0][1].endswith(".jsonl"), changes


def test_each_command_is_one_commit_of_just_its_files(sandbox: Sandbox, committing: Path) -> None:
    repo = committing
    _, other = add_task(sandbox, repo, "Someone else's task")
    assert sandbox.count(repo) == 2
    mess = make_unrelated_mess(sandbox, repo, repo / "tasks" / "open" / other)
    other_rel = f"tasks/open/{other}"
    assert sorted(sandbox.status(repo)) == sorted(
        [" M README.md", "?? notes.txt", "A  staged.txt", "M  setup.cfg", f" M {other_rel}"]
    )

    def step(*args: str) -> None:
        before = sandbox.count(repo)
        sandbox.pulse_ok(repo, *args)
        assert sandbox.count(repo) == before + 1, f"pulse {args} made {sandbox.count(repo) - before} commits"
        assert unrelated_state(sandbox, repo, other_rel) == mess, f"pulse {args} touched an unrelated file"
        tree = sandbox.git(repo, "ls-tree", "-r", "--name-only", "HEAD").splitlines()
        assert "notes.txt" not in tree and "staged.txt" not in tree
        assert sandbox.git(repo, "show", "HEAD:README.md") == "# proj"
        assert sandbox.git(repo, "show", "HEAD:setup.cfg") == "[metadata]"

    step("add", "Add date to frontmatter")
    short, name = next(
        (e["short"], Path(e["path"]).name)
        for e in json.loads(sandbox.pulse_ok(repo, "ls", "--json"))
        if e["title"] == "Add date to frontmatter"
    )
    assert sandbox.subjects(repo, "-1") == [f'pulse: add {short} "Add date to frontmatter"']
    changes = sandbox.changes(repo)
    assert [c for c in changes if c[0] == "A"] == [("A", f"tasks/open/{name}")], changes
    assert len(changes) == 2 and any(c[1].startswith("tasks/.pulse/journal/") for c in changes), changes

    title = '"Add date to frontmatter"'
    step("start", short)
    assert_move_commit(
        sandbox, repo, f"pulse: start {short} {title}", f"tasks/open/{name}", f"tasks/doing/{name}"
    )
    step("block", short, "--reason", "waiting for the schema")
    assert_move_commit(
        sandbox, repo, f"pulse: block {short} {title}", f"tasks/doing/{name}", f"tasks/blocked/{name}"
    )
    step("undo")
    assert_move_commit(
        sandbox, repo, f"pulse: undo block {short} {title}", f"tasks/blocked/{name}", f"tasks/doing/{name}"
    )
    step("done", short)
    assert_move_commit(
        sandbox, repo, f"pulse: done {short} {title}", f"tasks/doing/{name}", f"tasks/done/{name}"
    )
    step("reopen", short)
    assert_move_commit(
        sandbox, repo, f"pulse: reopen {short} {title}", f"tasks/done/{name}", f"tasks/open/{name}"
    )
    step("mv", short, "doing")
    assert_move_commit(
        sandbox, repo, f"pulse: start {short} {title}", f"tasks/open/{name}", f"tasks/doing/{name}"
    )

    # the whole life of the file, followed across its renames
    # (git's --follow also guesses copies, so it may carry on into the other task's history)
    followed = sandbox.subjects(repo, "--follow", "--", f"tasks/doing/{name}")
    assert followed[:7] == [
        f"pulse: {verb} {short} {title}"
        for verb in ("start", "reopen", "done", "undo block", "block", "start", "add")
    ]
    # after all that, the board is committed and only the user's mess is left
    assert sorted(line[3:] for line in sandbox.status(repo)) == sorted(
        ["README.md", "notes.txt", "staged.txt", "setup.cfg", other_rel]
    )


def test_claim_and_edit_commit_too(sandbox: Sandbox, committing: Path, tmp_path: Path) -> None:
    repo = committing
    short, name = add_task(sandbox, repo, "Claim me")
    before = sandbox.count(repo)
    sandbox.pulse_ok(repo, "claim")
    assert sandbox.count(repo) == before + 1
    assert_move_commit(
        sandbox, repo, f'pulse: start {short} "Claim me"', f"tasks/open/{name}", f"tasks/doing/{name}"
    )

    editor = tmp_path / "bin" / "append-editor"
    editor.parent.mkdir()
    editor.write_text('#!/bin/sh\nprintf "\\nedited by the test editor\\n" >> "$1"\n', encoding="utf-8")
    editor.chmod(editor.stat().st_mode | stat.S_IXUSR)
    ok(sandbox.pulse(repo, "edit", short, env={**sandbox.env, "VISUAL": str(editor)}))
    assert sandbox.count(repo) == before + 2
    assert sandbox.subjects(repo, "-1") == [f'pulse: edit {short} "Claim me"']
    assert sandbox.changes(repo) == [("M", f"tasks/doing/{name}")]
    assert [line for line in sandbox.status(repo) if not line.endswith("claim.lock")] == []


def test_claim_leaves_nothing_for_sync_to_commit(sandbox: Sandbox) -> None:
    remote, _ = seeded_remote(sandbox, ["Claim me"], commit=True, push=False)
    repo = sandbox.clone(remote, "a")
    sandbox.pulse_ok(repo, "claim")
    untracked = sandbox.status(repo)
    sandbox.pulse_ok(repo, "sync")
    pushed = sandbox.git(remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert (untracked, "tasks/.pulse/claim.lock" in pushed) == ([], False)


def test_no_commits_by_default(sandbox: Sandbox) -> None:
    repo = sandbox.new_repo("proj")
    ok(sandbox.pulse(repo, "init"))  # the default pulse.yaml: git.commit false, git.push false
    sandbox.git(repo, "add", "--all")
    sandbox.git(repo, "commit", "--quiet", "-m", "start")
    head = sandbox.head(repo)
    short, name = add_task(sandbox, repo, "Not committed")
    sandbox.pulse_ok(repo, "start", short)
    sandbox.pulse_ok(repo, "block", short, "--reason", "r")
    sandbox.pulse_ok(repo, "undo")
    sandbox.pulse_ok(repo, "done", short)
    assert sandbox.head(repo) == head
    assert sandbox.count(repo) == 1
    assert f"?? tasks/done/{name}" in sandbox.status(repo)
    assert not push_file(repo).exists()


# --------------------------------------------------------------------------- push in the background


def test_push_in_background_survives_a_vanished_remote(sandbox: Sandbox) -> None:
    remote, names = seeded_remote(sandbox, ["First", "Second", "Third"], commit=True, push=True)
    repo = sandbox.clone(remote, "a")
    shorts = [n[:4] for n in names]
    pushed_file = push_file(repo)

    def remote_head() -> str:
        return sandbox.git(remote, "rev-parse", "main")

    # a move is pushed, soon
    sandbox.pulse_ok(repo, "start", shorts[0])
    status = wait_push(repo)
    assert status["ok"] is True and status["error"] is None, status
    assert remote_head() == sandbox.head(repo)

    # the remote vanishes: the move is still quick and committed, the push failure is recorded
    gone = remote.with_name("remote-moved-away.git")
    remote.rename(gone)
    pushed_file.unlink()
    started = time.monotonic()
    sandbox.pulse_ok(repo, "done", shorts[0])
    took = time.monotonic() - started
    assert took < 2, f"the move waited {took:.1f}s for the push"
    status = wait_push(repo)
    assert status["ok"] is False and isinstance(status["error"], str) and status["error"], status
    assert sandbox.subjects(repo, "-1") == [f'pulse: done {shorts[0]} "First"']
    lost_commit = sandbox.head(repo)
    # the heartbeat reports it (`pulse next`), and pulse sync fails in one sentence, keeping the commit
    suggestions = json.loads(sandbox.pulse_ok(repo, "next", "--json"))
    assert any(s["kind"] == "push-failed" for s in suggestions), suggestions
    assert_user_error(sandbox.pulse(repo, "sync"))
    assert sandbox.head(repo) == lost_commit
    assert where_is(repo / "tasks", names[0]) == ["done"]

    # the remote is back: the next move pushes everything
    gone.rename(remote)
    pushed_file.unlink()
    sandbox.pulse_ok(repo, "start", shorts[1])
    status = wait_push(repo)
    assert status["ok"] is True and status["error"] is None, status
    assert remote_head() == sandbox.head(repo)
    assert sandbox.git(remote, "merge-base", "--is-ancestor", lost_commit, "main") == ""
    assert sandbox.subjects(remote, "main", "-4") == [
        f'pulse: start {shorts[1]} "Second"',
        f'pulse: done {shorts[0]} "First"',
        f'pulse: start {shorts[0]} "First"',
        "a shared board",
    ]
    suggestions = json.loads(sandbox.pulse_ok(repo, "next", "--json"))
    assert not any(s["kind"] == "push-failed" for s in suggestions), suggestions


# --------------------------------------------------------------------------- two clones and pulse sync


def test_two_clones_moving_different_tasks_end_with_the_same_board(sandbox: Sandbox) -> None:
    remote, names = seeded_remote(sandbox, ["Task one", "Task two"], commit=True, push=True)
    a = sandbox.clone(remote, "a")
    b = sandbox.clone(remote, "b")
    one, two = names

    sandbox.pulse_ok(a, "start", one[:4])
    assert wait_push(a)["ok"] is True  # A is first: its push goes through
    sandbox.pulse_ok(b, "done", two[:4])
    assert wait_push(b)["ok"] is False  # B is behind: its push is refused until it syncs

    for repo in (a, b, a):
        out = sandbox.pulse_ok(repo, "sync")
        assert out.splitlines()[-1] == "Pushed.", out

    assert sandbox.head(a) == sandbox.head(b) == sandbox.git(remote, "rev-parse", "main")
    assert board_bytes(a) == board_bytes(b)
    assert [p.name for p in task_files(a / "tasks")["doing"]] == [one]
    assert [p.name for p in task_files(a / "tasks")["done"]] == [two]
    assert {state: [p.name for p in ps] for state, ps in task_files(a / "tasks").items()} == {
        state: [p.name for p in ps] for state, ps in task_files(b / "tasks").items()
    }
    assert sandbox.status(a) == sandbox.status(b) == []
    assert sorted(sandbox.subjects(a, "-2")) == sorted(
        [f'pulse: start {one[:4]} "Task one"', f'pulse: done {two[:4]} "Task two"']
    )
    # both clones' journal lines survived the merge (union), each once
    journal = b"".join(v for k, v in board_bytes(a).items() if k.startswith(".pulse/journal/"))
    moves = [json.loads(line) for line in journal.splitlines() if b'"move"' in line]
    assert sorted((m["from"], m["to"]) for m in moves) == [("open", "doing"), ("open", "done")]


def test_sync_counts_only_the_commits_it_pulled(sandbox: Sandbox) -> None:
    remote, names = seeded_remote(sandbox, ["Task one", "Task two"], commit=True, push=False)
    a = sandbox.clone(remote, "a")
    b = sandbox.clone(remote, "b")
    sandbox.pulse_ok(a, "start", names[0][:4])
    sandbox.pulse_ok(a, "sync")
    sandbox.pulse_ok(b, "done", names[1][:4])  # one local commit in B, one new commit on the remote
    out = sandbox.pulse_ok(b, "sync")
    assert "Pulled 1 commit(s)." in out.splitlines(), out


def test_both_clones_moving_the_same_task_keep_both_copies(sandbox: Sandbox) -> None:
    remote, (name,) = seeded_remote(sandbox, ["Shared task"], commit=True, push=False, body=BODY)
    a = sandbox.clone(remote, "a")
    b = sandbox.clone(remote, "b")
    short = name[:4]

    sandbox.pulse_ok(a, "done", short)
    sandbox.pulse_ok(b, "block", short, "--reason", "needs the API key", "--waiting-on", "ops")
    a_copy = (a / "tasks" / "done" / name).read_bytes()
    b_copy = (b / "tasks" / "blocked" / name).read_bytes()

    sandbox.pulse_ok(a, "sync")
    result = ok(sandbox.pulse(b, "sync"))
    assert result.stderr == "", describe_run(result)
    assert "both copies were kept" in result.stdout, result.stdout
    assert f"tasks/done/{name}" in result.stdout and f"tasks/blocked/{name}" in result.stdout
    assert result.stdout.splitlines()[-1] == "Pushed."

    root = b / "tasks"
    assert where_is(root, name) == ["done", "blocked"]
    assert (root / "done" / name).read_bytes() == a_copy
    assert (root / "blocked" / name).read_bytes() == b_copy
    assert frontmatter(root / "done" / name).get("blocked") is None
    assert frontmatter(root / "blocked" / name)["blocked"]
    no_conflict_markers(b)
    assert not in_rebase(sandbox, b)
    assert sandbox.status(b) == []
    doctor = sandbox.pulse(b, "doctor")
    assert doctor.returncode == 1, describe_run(doctor)
    assert f"duplicate: {short}" in doctor.stdout and "done/" in doctor.stdout and "blocked/" in doctor.stdout

    sandbox.pulse_ok(a, "sync")
    assert sandbox.head(a) == sandbox.head(b)
    assert board_bytes(a) == board_bytes(b)
    assert where_is(a / "tasks", name) == ["done", "blocked"]
    no_conflict_markers(a)
    doctor_a = sandbox.pulse(a, "doctor")
    assert doctor_a.returncode == 1 and doctor_a.stdout == doctor.stdout, describe_run(doctor_a)


def test_same_task_moved_on_both_sides_keeps_both_copies_for_a_task_without_a_body(sandbox: Sandbox) -> None:
    remote, (name,) = seeded_remote(sandbox, ["Shared task"], commit=True, push=False)
    a = sandbox.clone(remote, "a")
    b = sandbox.clone(remote, "b")
    sandbox.pulse_ok(a, "done", name[:4])
    sandbox.pulse_ok(b, "block", name[:4], "--reason", "needs the API key", "--waiting-on", "ops")
    sandbox.pulse_ok(a, "sync")
    result = sandbox.pulse(b, "sync")
    assert result.returncode == 0, describe_run(result)
    assert "both copies were kept" in result.stdout
    assert where_is(b / "tasks", name) == ["done", "blocked"]


def test_a_real_conflict_stops_sync_and_leaves_the_repository_as_it_was(sandbox: Sandbox) -> None:
    remote, (name,) = seeded_remote(sandbox, ["Shared title"], commit=True, push=False)
    a = sandbox.clone(remote, "a")
    b = sandbox.clone(remote, "b")
    rel = f"tasks/open/{name}"

    for repo, who in ((a, "A"), (b, "B")):
        path = repo / rel
        path.write_text(
            path.read_text(encoding="utf-8").replace("title: Shared title", f"title: Shared title by {who}"),
            encoding="utf-8",
        )
        sandbox.git(repo, "commit", "--quiet", "-am", f"retitle by {who}")
    sandbox.git(a, "push", "--quiet")
    head = sandbox.head(b)
    remote_head = sandbox.git(remote, "rev-parse", "main")

    assert_user_error(sandbox.pulse(b, "sync"), rel, "nothing was pulled")
    assert not in_rebase(sandbox, b)
    assert sandbox.head(b) == head
    assert sandbox.subjects(b, "-1") == ["retitle by B"]
    assert frontmatter(b / rel)["title"] == "Shared title by B"
    no_conflict_markers(b)
    assert sandbox.status(b) == []
    assert sandbox.git(remote, "rev-parse", "main") == remote_head  # nothing was pushed


# --------------------------------------------------------------------------- no git, no remote, busy git


def test_sync_outside_git_is_one_sentence(sandbox: Sandbox) -> None:
    project = sandbox.tmp / "plain"
    project.mkdir()
    ok(sandbox.pulse(project, "init"))
    assert_user_error(sandbox.pulse(project, "sync"), "not in a git repository")


def test_a_board_outside_git_works_with_git_settings_on(sandbox: Sandbox) -> None:
    project = sandbox.tmp / "plain"
    project.mkdir()
    ok(sandbox.pulse(project, "init"))
    set_git(project, commit=True, push=True)
    short, name = add_task(sandbox, project, "No git here")
    sandbox.pulse_ok(project, "start", short)
    sandbox.pulse_ok(project, "block", short, "--reason", "r")
    sandbox.pulse_ok(project, "undo")
    sandbox.pulse_ok(project, "done", short)
    assert where_is(project / "tasks", name) == ["done"]
    assert not push_file(project).exists()
    assert not (project / ".git").exists()


def test_sync_without_a_remote_is_one_sentence(sandbox: Sandbox, committing: Path) -> None:
    add_task(sandbox, committing, "Local only")
    head = sandbox.head(committing)
    assert_user_error(sandbox.pulse(committing, "sync"), "no remote")
    assert sandbox.head(committing) == head


def test_sync_in_the_middle_of_a_rebase_says_so(sandbox: Sandbox, committing: Path) -> None:
    repo = committing
    sandbox.git(repo, "checkout", "--quiet", "-b", "other")
    (repo / "README.md").write_text("# other\n", encoding="utf-8")
    sandbox.git(repo, "commit", "--quiet", "-am", "other readme")
    sandbox.git(repo, "checkout", "--quiet", "main")
    (repo / "README.md").write_text("# main\n", encoding="utf-8")
    sandbox.git(repo, "commit", "--quiet", "-am", "main readme")
    assert sandbox.git_run(repo, "rebase", "other").returncode != 0
    assert in_rebase(sandbox, repo)

    assert_user_error(sandbox.pulse(repo, "sync"), "middle of a rebase")
    assert in_rebase(sandbox, repo)  # left for the user to finish, untouched


def test_commands_work_quietly_without_git_on_the_path(sandbox: Sandbox, committing: Path) -> None:
    repo = committing
    set_git(repo, commit=True, push=True)
    sandbox.git(repo, "commit", "--quiet", "-am", "push too")
    head = sandbox.head(repo)
    bin_dir = sandbox.tmp / "no-git-bin"
    bin_dir.mkdir()
    (bin_dir / "python").symlink_to(sys.executable)
    assert shutil.which("git", path=str(bin_dir)) is None
    env = {**sandbox.env, "PATH": str(bin_dir)}

    def quiet(*args: str) -> str:
        result = ok(sandbox.pulse(repo, *args, env=env))
        assert result.stderr == "", describe_run(result)
        return result.stdout

    made = json.loads(quiet("add", "Without git", "--json"))
    short, name = made["short"], Path(made["path"]).name
    quiet("start", short)
    quiet("block", short, "--reason", "r")
    quiet("undo")
    quiet("done", short)
    assert where_is(repo / "tasks", name) == ["done"]
    assert sandbox.head(repo) == head
    assert not push_file(repo).exists()
    assert_user_error(sandbox.pulse(repo, "sync", env=env))


# --------------------------------------------------------------------------- a board through a symlink


def test_a_board_reached_through_a_symlink_is_committed(sandbox: Sandbox, committing: Path) -> None:
    link = sandbox.tmp / "link"
    link.symlink_to(committing, target_is_directory=True)
    before = sandbox.count(committing)
    result = ok(sandbox.pulse(sandbox.tmp, "--board", str(link / "tasks"), "add", "Through a link"))
    assert result.stderr == "", describe_run(result)
    assert sandbox.count(committing) == before + 1
