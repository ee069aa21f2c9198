"""Git as the team's shared board: a commit for each change pulse makes, a push in the background,
and `pulse sync`.

Everything here is off, quietly, when the board is not inside a git work tree or git is not
installed. A commit holds exactly the files pulse touched (plus the journal), never another dirty
file of the repository. A push never makes anyone wait: it runs as a detached process that
writes how it went to `.pulse/cache/push.json`; core/heartbeat_inputs.push_status is its one reader
(the heartbeat, the board and `pulse sync`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core.actions import MoveResult
from pulseboard.core.board import Board, Task
from pulseboard.core.fsops import atomic_write
from pulseboard.core.layout import PUSH_STATUS, cache_file, journal_dir
from pulseboard.core.text import clip, one_line

VERBS = {"doing": "start", "done": "done", "blocked": "block", "open": "reopen"}
NAMED_IN_SUBJECT = 5  # a batch's subject line names this many tasks and counts the rest; the body lists all
ARGV_PATHS = 500  # more paths than this go to git on stdin, not its command line
LOCK_RETRIES = 20  # another git command holds the index: try again this many times, 50 ms apart


@dataclass(frozen=True, slots=True)
class Repo:
    top: Path  # the work tree's top folder

    def git(
        self, *args: str, check: bool = False, stdin: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Run git in this work tree (never prompting for anything); stdin: text for its input."""
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"}
        result = subprocess.run(
            ["git", "-C", str(self.top), *args], capture_output=True, text=True, env=env, check=False,
            input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL,
        )  # fmt: skip
        if check and result.returncode != 0:
            raise GitError(first_line(result.stderr) or f"git {args[0]} failed")
        return result

    def git_bytes(self, *args: str) -> bytes:
        """A git command's output as bytes (a file's content, exactly)."""
        result = subprocess.run(["git", "-C", str(self.top), *args], capture_output=True, check=False)
        if result.returncode != 0:
            raise GitError(first_line(result.stderr.decode(errors="replace")) or f"git {args[0]} failed")
        return result.stdout


class GitError(Exception):
    """A git command failed; the message is git's own first line."""


def first_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return next((line for line in lines if line.startswith(("fatal:", "error:"))), lines[0] if lines else "")


def find_repo(board_root: Path) -> Repo | None:
    """The git work tree holding the board, or None (no git, or not in a repository)."""
    try:
        result = subprocess.run(
            ["git", "-C", str(board_root), "rev-parse", "--show-toplevel"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
    except OSError:
        return None
    return Repo(Path(result.stdout.strip())) if result.returncode == 0 else None


CommitJob = Callable[[], "str | None"]  # a commit to make: returns why it was not made, or None


class CommitQueue:
    """Commits made off the caller's thread, one at a time and in the order they were asked for;
    a commit that fails is told to `problem` (from the queue's thread) and never raises."""

    def __init__(self, problem: Callable[[str], object]) -> None:
        from concurrent.futures import ThreadPoolExecutor

        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulse-git")
        self._problem = problem

    def submit(self, job: CommitJob) -> None:
        def run() -> None:
            try:
                why = job()
            except Exception as exc:  # a commit must never take the board down
                why = f"not committed: {exc}"
            if why:
                self._problem(why)

        self._pool.submit(run)

    def close(self) -> None:
        """Wait for the commits asked for so far."""
        self._pool.shutdown(wait=True)


def commit_move(board: Board, result: MoveResult, *, undo: bool = False) -> str | None:
    """Commit a move: the file leaving one folder and arriving in another (git sees a rename)."""
    verb = move_verb(result, undo=undo)
    before = board.root / result.from_state / result.task.name
    return commit(board, [before, result.task.path], commit_message(verb, result.short, result.task))


def move_verb(result: MoveResult, *, undo: bool = False) -> str:
    """`start`, `done`, ... for a move (`archive` into the archive's months); `undo start` for its undo."""
    state = result.from_state if undo else result.task.state
    verb = VERBS.get(state, "archive")
    return f"undo {verb}" if undo else verb


def commit_message(verb: str, short: str, task: Task) -> str:
    """`pulse: start a1b2 "Add date to frontmatter"`."""
    return f'pulse: {verb} {short} "{one_line(task.title)}"'


def commit_batch(board: Board, results: Sequence[MoveResult], *, undo: bool = False) -> str | None:
    """Commit the moves of one batch (or of its undo, with undo=True) as one commit: every file's
    rename and the journal. A batch that moved one task is committed as a single move."""
    if len(results) <= 1:
        return commit_move(board, results[0], undo=undo) if results else None
    paths = [path for r in results for path in (board.root / r.from_state / r.task.name, r.task.path)]
    return commit(board, paths, batch_message(results, undo=undo))


def batch_message(results: Sequence[MoveResult], *, undo: bool = False) -> str:
    """`pulse: done 3 tasks: a1b2 "A", c3d4 "B", e5f6 "C"`, then a line per task in the body
    (`done a1b2 "A"`); an undo's subject says `pulse: undo done 3 tasks: ...`."""

    def verb(result: MoveResult) -> str:
        return move_verb(result, undo=undo)

    verbs = {verb(r) for r in results}
    common = verbs.pop() if len(verbs) == 1 else ("undo move" if undo else "move")
    shown = [f'{r.short} "{clip(one_line(r.task.title), 60)}"' for r in results[:NAMED_IN_SUBJECT]]
    more = len(results) - len(shown)
    subject = f"pulse: {common} {len(results)} tasks: {', '.join(shown)}" + (
        f" and {more} more" if more else ""
    )
    body = "\n".join(f'{verb(r)} {r.short} "{one_line(r.task.title)}"' for r in results)
    return f"{subject}\n\n{body}"


def commit(board: Board, paths: list[Path], message: str) -> str | None:
    """Commit exactly these paths (and the journal) if the board wants commits; say why not."""
    if not board.settings.git_commit:
        return None
    repo = find_repo(board.root)
    if repo is None:
        return None
    targets = [*paths, journal_dir(board.root)]
    try:
        wanted = _committable(repo, targets)
        if not wanted:
            return None
        if len(wanted) > ARGV_PATHS:  # an archive of thousands: the paths go in on stdin
            spec, stdin = ["--pathspec-from-file=-", "--pathspec-file-nul"], "\0".join(wanted)
            locked(repo, "add", "--all", *spec, stdin=stdin)
        else:
            spec, stdin = ["--", *wanted], None
            locked(repo, "add", "--all", *spec)
            if repo.git("diff", "--cached", "--quiet", *spec).returncode == 0:
                return None  # nothing changed (an edit saved as it was)
        locked(repo, "commit", "--quiet", "--no-verify", "-m", message, *spec, stdin=stdin)
    except GitError as exc:
        return f"not committed: {exc}"
    if board.settings.git_push:
        push_in_background(board, repo)
    return None


def _committable(repo: Repo, paths: list[Path]) -> list[str]:
    """The paths git can take: those that exist, and those gone from the work tree that it tracks."""
    relative = [inside(repo, path) for path in paths]
    present = [rel for rel, path in zip(relative, paths, strict=True) if path.exists()]
    gone = [rel for rel, path in zip(relative, paths, strict=True) if not path.exists()]
    if gone:  # asked by folder: thousands of paths never go on one command line
        folders = sorted({os.path.dirname(rel) or "." for rel in gone})
        tracked = set(repo.git("ls-files", "-z", "--", *folders, check=True).stdout.split("\0"))
        present += [rel for rel in gone if rel in tracked]
    return present


def inside(repo: Repo, path: Path) -> str:
    """A path relative to the work tree, as git wants it (git resolves symlinks; so must we)."""
    return os.path.relpath(os.path.realpath(path), repo.top)


def locked(repo: Repo, *args: str, stdin: str | None = None) -> None:
    """Run git, waiting a moment while another git command holds the index lock."""
    for _ in range(LOCK_RETRIES):
        result = repo.git(*args, stdin=stdin)
        if result.returncode == 0:
            return
        if "index.lock" not in result.stderr:
            break
        time.sleep(0.05)
    raise GitError(first_line(result.stderr) or f"git {args[0]} failed")


def push_in_background(board: Board, repo: Repo) -> None:
    """Start `git push` detached from this process; it records how it went for the board."""
    subprocess.Popen(
        [sys.executable, "-m", "pulseboard.services.git", str(repo.top), str(board.root)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def push_now(repo: Repo, board_root: Path) -> bool:
    """Push the current branch and record the outcome (ok, when, git's reason if not)."""
    result = repo.git("push", "--quiet")
    if result.returncode != 0 and "no upstream" in result.stderr:
        result = repo.git("push", "--quiet", "--set-upstream", "origin", "HEAD")
    status = {
        "ok": result.returncode == 0,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "error": None if result.returncode == 0 else first_line(result.stderr) or "git push failed",
    }
    write_push_status(board_root, status)
    return bool(status["ok"])


def write_push_status(board_root: Path, status: dict[str, object]) -> None:
    """Record how a push went where the board and the heartbeat read it (never through a link)."""
    atomic_write(cache_file(board_root, PUSH_STATUS), json.dumps(status).encode())


if __name__ == "__main__":  # the detached push: python -m pulseboard.services.git TOP BOARD_ROOT
    push_now(Repo(Path(sys.argv[1])), Path(sys.argv[2]))
