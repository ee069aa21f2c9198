"""Git as the team's shared board: a commit for each change pulse makes, a push in the background,
and `pulse sync`.

Everything here is off, quietly, when the board is not inside a git work tree or git is not
installed. A commit holds exactly the files pulse touched (plus the journal), never another dirty
file of the repository. A push never makes anyone wait: it runs as a detached process that
writes how it went to `.pulse/cache/push.json`, which the board and the heartbeat read.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core.actions import MoveResult
from pulseboard.core.board import Board, Task
from pulseboard.core.fsops import atomic_write
from pulseboard.core.heartbeat import PUSH_STATUS
from pulseboard.core.journal import PULSE_DIR
from pulseboard.core.text import one_line

VERBS = {"doing": "start", "done": "done", "blocked": "block", "open": "reopen"}
LOCK_RETRIES = 20  # another git command holds the index: try again this many times, 50 ms apart


@dataclass(frozen=True, slots=True)
class Repo:
    top: Path  # the work tree's top folder

    def git(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        """Run git in this work tree (never prompting for anything)."""
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_EDITOR": "true"}
        result = subprocess.run(
            ["git", "-C", str(self.top), *args], capture_output=True, text=True, env=env, check=False
        )
        if check and result.returncode != 0:
            raise GitError(_first_line(result.stderr) or f"git {args[0]} failed")
        return result

    def git_bytes(self, *args: str) -> bytes:
        """A git command's output as bytes (a file's content, exactly)."""
        result = subprocess.run(["git", "-C", str(self.top), *args], capture_output=True, check=False)
        if result.returncode != 0:
            raise GitError(_first_line(result.stderr.decode(errors="replace")) or f"git {args[0]} failed")
        return result.stdout


class GitError(Exception):
    """A git command failed; the message is git's own first line."""


def _first_line(text: str) -> str:
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


def commit_move(board: Board, result: MoveResult, *, undo: bool = False) -> str | None:
    """Commit a move: the file leaving one folder and arriving in another (git sees a rename)."""
    verb = f"undo {VERBS[result.from_state]}" if undo else VERBS[result.task.state]
    before = board.root / result.from_state / result.task.name
    return commit(board, [before, result.task.path], commit_message(verb, result.short, result.task))


def commit_message(verb: str, short: str, task: Task) -> str:
    """`pulse: start a1b2 "Add date to frontmatter"`."""
    return f'pulse: {verb} {short} "{one_line(task.title)}"'


def commit(board: Board, paths: list[Path], message: str) -> str | None:
    """Commit exactly these paths (and the journal) if the board wants commits; say why not."""
    if not board.settings.git_commit:
        return None
    repo = find_repo(board.root)
    if repo is None:
        return None
    targets = [*paths, board.root / PULSE_DIR / "journal"]
    try:
        wanted = _committable(repo, targets)
        if not wanted:
            return None
        _locked(repo, "add", "--all", "--", *wanted)
        if repo.git("diff", "--cached", "--quiet", "--", *wanted).returncode == 0:
            return None  # nothing changed (an edit saved as it was)
        _locked(repo, "commit", "--quiet", "--no-verify", "-m", message, "--", *wanted)
    except GitError as exc:
        return f"not committed: {exc}"
    if board.settings.git_push:
        push_in_background(board, repo)
    return None


def _committable(repo: Repo, paths: list[Path]) -> list[str]:
    """The paths git can take: those that exist, and those gone from the work tree that it tracks."""
    relative = [_inside(repo, path) for path in paths]
    present = [rel for rel, path in zip(relative, paths, strict=True) if path.exists()]
    gone = [rel for rel, path in zip(relative, paths, strict=True) if not path.exists()]
    if gone:
        tracked = repo.git("ls-files", "-z", "--", *gone, check=True).stdout.split("\0")
        present += [rel for rel in gone if rel in tracked]
    return present


def _inside(repo: Repo, path: Path) -> str:
    """A path relative to the work tree, as git wants it (git resolves symlinks; so must we)."""
    return os.path.relpath(os.path.realpath(path), repo.top)


def _locked(repo: Repo, *args: str) -> None:
    """Run git, waiting a moment while another git command holds the index lock."""
    for _ in range(LOCK_RETRIES):
        result = repo.git(*args)
        if result.returncode == 0:
            return
        if "index.lock" not in result.stderr:
            break
        time.sleep(0.05)
    raise GitError(_first_line(result.stderr) or f"git {args[0]} failed")


def push_in_background(board: Board, repo: Repo) -> None:
    """Start `git push` detached from this process; it records how it went for the board."""
    subprocess.Popen(
        [sys.executable, "-m", "pulseboard.services.git", str(repo.top), str(board.root / PUSH_STATUS)],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip


def push_now(repo: Repo, status_file: Path) -> bool:
    """Push the current branch and record the outcome (ok, when, git's reason if not)."""
    result = repo.git("push", "--quiet")
    if result.returncode != 0 and "no upstream" in result.stderr:
        result = repo.git("push", "--quiet", "--set-upstream", "origin", "HEAD")
    status = {
        "ok": result.returncode == 0,
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "error": None if result.returncode == 0 else _first_line(result.stderr) or "git push failed",
    }
    status_file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(status_file, json.dumps(status).encode())
    return bool(status["ok"])


def push_status(board_root: Path) -> dict[str, object] | None:
    """How the last push went, or None if pulse has not pushed from here."""
    try:
        status = json.loads((board_root / PUSH_STATUS).read_bytes())
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) else None


def _in_progress(repo: Repo) -> str | None:
    """'a rebase' or 'a merge' when the repository is in the middle of one."""
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir", check=True).stdout.strip())
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        return "a rebase"
    return "a merge" if (git_dir / "MERGE_HEAD").exists() else None


def sync(board: Board) -> list[str]:
    """Commit what is pending on the board, pull with rebase, push; what happened, a line each.

    Where both sides moved the same task, both copies are kept (the board shows the task in two
    folders and `pulse doctor --fix` settles it). Any other conflict stops the pull, puts the
    repository back as it was and says what to do: it is never left mid-rebase unannounced."""
    repo = find_repo(board.root)
    if repo is None and shutil.which("git") is None:
        raise GitError("git is not installed here, so there is nothing to sync with")
    if repo is None:
        raise GitError("this board is not in a git repository, so there is nothing to sync")
    busy = _in_progress(repo)
    if busy:
        raise GitError(f"the repository is in the middle of {busy}; finish or abort it with git first")
    said: list[str] = []
    board_path = _inside(repo, board.root)
    _locked(repo, "add", "--all", "--", board_path)
    if repo.git("diff", "--cached", "--quiet", "--", board_path).returncode != 0:
        _locked(repo, "commit", "--quiet", "--no-verify", "-m", "pulse: sync the board", "--", board_path)
        said.append("Committed the board's pending changes.")
    if not repo.git("remote").stdout.strip():
        raise GitError("the repository has no remote to sync with; add one with git remote add")
    before = repo.git("rev-parse", "HEAD").stdout.strip()
    pulled = repo.git("pull", "--rebase", "--autostash", "--quiet")
    kept: list[str] = []
    while pulled.returncode != 0 and _in_progress(repo) == "a rebase":
        conflicts = _conflicts(repo)
        copies = _copies(repo, conflicts, board_path) if conflicts else None
        if copies is None:
            repo.git("rebase", "--abort")
            names = ", ".join(sorted(conflicts)) or "files git could not merge"
            raise GitError(
                f"pulling stopped: both sides changed {names}; nothing was pulled or pushed and your "
                "commits are as they were. Run git pull --rebase, fix those files, "
                "git rebase --continue, then pulse sync again"
            )
        for path, side in copies.items():
            if side is None:  # gone on both sides: moved away by each
                repo.git("rm", "--quiet", "--cached", "--", path)
            else:  # each side's own copy, as it was before git tried to merge the two
                atomic_write(repo.top / path, repo.git_bytes("show", f"{side}:{path}"))
                repo.git("add", "--", path)
                kept.append(path)
        pulled = repo.git("-c", "core.editor=true", "rebase", "--continue")
    if pulled.returncode != 0:
        raise GitError(f"pulling failed: {_first_line(pulled.stderr) or 'git pull failed'}")
    count = repo.git("rev-list", "--count", f"{before}..@{{upstream}}").stdout.strip() or "0"
    said.append(f"Pulled {count} commit(s)." if count != "0" else "Already up to date with the remote.")
    if kept:
        said.append(
            "Both sides moved the same task, so both copies were kept: "
            + ", ".join(sorted(kept))
            + ". The board shows it in two folders; pulse doctor --fix settles it."
        )
    if push_now(repo, board.root / PUSH_STATUS):
        said.append("Pushed.")
    else:
        raise GitError(f"pushing failed: {push_status(board.root)['error']}; the commits are kept here")  # type: ignore[index]
    return said


def _conflicts(repo: Repo) -> dict[str, str]:
    """Unmerged paths and their two-letter status (DD, AU, UA, UU, AA...)."""
    codes = {}
    for line in repo.git("status", "--porcelain=v1", "-z").stdout.split("\0"):
        if len(line) > 3 and line[:2] in ("DD", "AU", "UD", "UA", "DU", "AA", "UU"):
            codes[line[3:]] = line[:2]
    return codes


def _copies(repo: Repo, conflicts: dict[str, str], board_path: str) -> dict[str, str | None] | None:
    """How to settle a rebase stopped by a task moved on both sides: for each conflicted path, the
    side whose copy to keep (HEAD: the remote's; REBASE_HEAD: ours being replayed; None: neither
    has it). None when any conflict is something else: a file changed on both sides, or outside
    the board."""
    settled: dict[str, str | None] = {}
    for path, code in conflicts.items():
        if board_path != "." and not Path(path).is_relative_to(board_path):
            return None
        if code in ("UU", "AA"):
            return None  # the same file changed on both sides: a person merges it
        sides = [
            side
            for side in ("HEAD", "REBASE_HEAD")
            if repo.git("cat-file", "-e", f"{side}:{path}").returncode == 0
        ]
        if len(sides) > 1:
            return None
        settled[path] = sides[0] if sides else None
    return settled


if __name__ == "__main__":  # the detached push: python -m pulseboard.services.git TOP STATUS_FILE
    push_now(Repo(Path(sys.argv[1])), Path(sys.argv[2]))
