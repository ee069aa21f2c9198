"""`pulse sync`: commit what is pending on the board, pull with rebase, push, and settle the
conflicts two clones make by moving the same task (kept in two folders, or one version by its
stamps, the other's stamps journaled), so two clones always converge.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulseboard.core import journal
from pulseboard.core.board import STATES, Board
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import STAMP_KEYS, parse_time
from pulseboard.core.fsops import atomic_write
from pulseboard.core.heartbeat_inputs import push_status
from pulseboard.core.ids import id_from_stem
from pulseboard.core.layout import journal_dir
from pulseboard.core.taskfile import MAX_BYTES, parse_text, update_owned_keys
from pulseboard.services.git import GitError, Repo, find_repo, first_line, inside, locked, push_now

# The two sides of a rebase that `pulse sync` runs: HEAD is the remote's (stage 2 of a conflicted
# path), REBASE_HEAD our own commit being replayed on top of it (stage 3).
STAGES = {"HEAD": 2, "REBASE_HEAD": 3}
# The stamp that says when a task entered each folder: what decides between two versions of a file.
FOLDER_STAMP = {"doing": "started", "done": "done", "blocked": "blocked"}


def _in_progress(repo: Repo) -> str | None:
    """'a rebase' or 'a merge' when the repository is in the middle of one."""
    git_dir = Path(repo.git("rev-parse", "--absolute-git-dir", check=True).stdout.strip())
    if (git_dir / "rebase-merge").exists() or (git_dir / "rebase-apply").exists():
        return "a rebase"
    return "a merge" if (git_dir / "MERGE_HEAD").exists() else None


def sync(board: Board) -> list[str]:
    """Commit what is pending on the board, pull with rebase, push; what happened, a line each.

    Where both sides moved the same task to different folders, both copies are kept (the board
    shows the task in two folders and `pulse doctor --fix` settles it). Where both sides wrote the
    same task file and the two differ only in pulse's own stamps (the same move made on two clones
    a moment apart), one version is kept by the rule of `_stamped` and the other's stamps go to the
    journal, so two clones always converge. Any other conflict stops the pull, puts the repository
    back as it was and says what to do: it is never left mid-rebase unannounced."""
    repo = find_repo(board.root)
    if repo is None and shutil.which("git") is None:
        raise GitError("git is not installed here, so there is nothing to sync with")
    if repo is None:
        raise GitError("this board is not in a git repository, so there is nothing to sync")
    busy = _in_progress(repo)
    if busy:
        raise GitError(f"the repository is in the middle of {busy}; finish or abort it with git first")
    said: list[str] = []
    board_path = inside(repo, board.root)
    locked(repo, "add", "--all", "--", board_path)
    if repo.git("diff", "--cached", "--quiet", "--", board_path).returncode != 0:
        locked(repo, "commit", "--quiet", "--no-verify", "-m", "pulse: sync the board", "--", board_path)
        said.append("Committed the board's pending changes.")
    if not repo.git("remote").stdout.strip():
        raise GitError("the repository has no remote to sync with; add one with git remote add")
    before = repo.git("rev-parse", "HEAD").stdout.strip()
    pulled = repo.git("pull", "--rebase", "--autostash", "--quiet")
    kept: list[str] = []
    settled: list[str] = []
    while pulled.returncode != 0 and _in_progress(repo) == "a rebase":
        conflicts = _conflicts(repo)
        plan = _plan(repo, conflicts, board_path) if conflicts else None
        if plan is None:
            repo.git("rebase", "--abort")
            names = ", ".join(sorted(conflicts)) or "files git could not merge"
            raise GitError(
                f"pulling stopped: both sides changed {names}; nothing was pulled or pushed and your "
                "commits are as they were. Run git pull --rebase, fix those files, "
                "git rebase --continue, then pulse sync again"
            )
        try:
            _apply(repo, board, plan, kept, settled)
        except (OSError, GitError, PulseError) as exc:  # a full disk, a link where the journal goes...
            repo.git("rebase", "--abort")
            raise GitError(
                f"pulling stopped: settling what both sides changed failed ({exc}); nothing was pulled "
                "or pushed and your commits are as they were"
            ) from None
        pulled = repo.git("-c", "core.editor=true", "rebase", "--continue")
    if pulled.returncode != 0:
        raise GitError(f"pulling failed: {first_line(pulled.stderr) or 'git pull failed'}")
    count = repo.git("rev-list", "--count", f"{before}..@{{upstream}}").stdout.strip() or "0"
    said.append(f"Pulled {count} commit(s)." if count != "0" else "Already up to date with the remote.")
    if settled:
        said.append(
            "Both sides made the same move, each with its own stamps: one file was kept (the earlier "
            "stamp wins) and the other's stamps are in the journal: " + ", ".join(sorted(set(settled))) + "."
        )
    if kept:
        said.append(
            "Both sides moved the same task, so both copies were kept: "
            + ", ".join(sorted(kept))
            + ". The board shows it in two folders; pulse doctor --fix settles it."
        )
    if push_now(repo, board.root):
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


def _apply(
    repo: Repo, board: Board, plan: dict[str, str | Stamped | None], kept: list[str], settled: list[str]
) -> None:
    """Settle the conflicted paths of one replayed commit as `_plan` decided."""
    for path, how in plan.items():
        if how is None:  # gone on both sides: moved away by each
            repo.git("rm", "--quiet", "--cached", "--", path)
        elif isinstance(how, str):  # each side's own copy, as it was before git tried to merge the two
            atomic_write(repo.top / path, repo.git_bytes("show", f"{how}:{path}"))
            repo.git("add", "--", path)
            kept.append(path)
        else:  # one task file written on both sides, differing only in stamps: keep one
            atomic_write(repo.top / path, how.kept)
            repo.git("add", "--", path)
            journal.record(board.root, how.event)
            repo.git("add", "--", inside(repo, journal_dir(board.root)))
            settled.append(path)


@dataclass(frozen=True, slots=True)
class Stamped:
    """A task file both sides wrote that differs only in pulse's stamps: the bytes to keep, and the
    journal line that keeps the other side's stamps."""

    kept: bytes
    event: journal.Event


def _plan(repo: Repo, conflicts: dict[str, str], board_path: str) -> dict[str, str | Stamped | None] | None:
    """How to settle a rebase stopped inside the board, for each conflicted path: a side whose copy
    to keep (HEAD: the remote's; REBASE_HEAD: ours being replayed) when the task was moved on both
    sides, None when neither side has it, a `Stamped` when both wrote the same task file and only
    stamps differ. None when any conflict is something else: a real edit on both sides, or a file
    outside the board."""
    settled: dict[str, str | Stamped | None] = {}
    for path, code in conflicts.items():
        if board_path != "." and not Path(path).is_relative_to(board_path):
            return None
        sides = [side for side in STAGES if repo.git("cat-file", "-e", f"{side}:{path}").returncode == 0]
        if code in ("UU", "AA"):  # the same file written on both sides
            stamped = _stamped(repo, path, board_path, sides)
            if stamped is None:
                return None  # a real edit on both sides: a person merges it
            settled[path] = stamped
            continue
        if len(sides) > 1:
            return None
        settled[path] = sides[0] if sides else None
    return settled


def _stamped(repo: Repo, path: str, board_path: str, here: list[str]) -> Stamped | None:
    """Settle a task file written on both sides if the two versions differ only in the keys pulse
    owns (started, done, blocked); None if anything else differs or it is not a task file.

    The rule, the same whoever syncs first: when only one side's own commit has the file in this
    folder (the other changed its stamps where it was before), that side's version; else the one
    whose stamp for this folder (doing: started, done: done, blocked: blocked.since) is earlier,
    the first time the task got there; a stamp beats none; a tie goes to the remote's version.
    The other version's stamps are journalled (op "settle", `before`), naming the move that wrote
    them (`undoes`) so the figures count the task arriving once."""
    relative = Path(path) if board_path == "." else Path(path).relative_to(board_path)
    if len(relative.parts) != 2 or relative.parts[0] not in STATES or relative.suffix != ".md":
        return None
    state, name = relative.parts
    if not here:
        return None
    texts: dict[str, str] = {}
    try:
        for side, stage in STAGES.items():
            # each side's own file where it has one; git's idea of the other's (a rename it paired) else
            data = repo.git_bytes("show", f"{side}:{path}" if side in here else f":{stage}:{path}")
            if len(data) > MAX_BYTES:
                return None
            texts[side] = data.decode("utf-8")
        bare = {side: update_owned_keys(text, dict.fromkeys(STAMP_KEYS)) for side, text in texts.items()}
    except (GitError, UnicodeDecodeError, ValueError):
        return None  # unreadable, or its frontmatter can't be edited safely: not pulse's to guess
    if bare["HEAD"] != bare["REBASE_HEAD"]:
        return None
    records = {side: parse_text(text, name) for side, text in texts.items()}
    stamps = {side: _folder_stamp(state, records[side]) for side in STAGES}
    if len(here) == 1:
        keep = here[0]
    else:
        ours, theirs = parse_time(stamps["REBASE_HEAD"]), parse_time(stamps["HEAD"])
        keep = "REBASE_HEAD" if ours is not None and (theirs is None or ours < theirs) else "HEAD"
    other = next(side for side in STAGES if side != keep)
    task_id = id_from_stem(name[: -len(".md")])
    event = journal.new_event(
        "settle", task_id, name, state, state,
        before={key: records[other].get(key) for key in STAMP_KEYS},
        undoes=_move_that_wrote(repo, board_path, other, keep, task_id, records[other]),
    )  # fmt: skip
    return Stamped(texts[keep].encode("utf-8"), event)


def _folder_stamp(state: str, record: dict[str, Any]) -> str | None:
    """When a task file says it entered its folder (None for open/ or a missing stamp)."""
    key = FOLDER_STAMP.get(state)
    value = record.get(key) if key else None
    if isinstance(value, dict):
        value = value.get("since")
    return value if isinstance(value, str) else None


def _move_that_wrote(
    repo: Repo, board_path: str, side: str, other: str, task_id: str, record: dict[str, Any]
) -> str | None:
    """The journal key of the move on `side` that stamped the version set aside (`record`): a move
    of this task into a folder at exactly that folder's stamp, which `other` has not journalled (the
    last such, in journal order); None if no move did (stamps written by hand, say)."""
    stamps = {(state, _folder_stamp(state, record)) for state in FOLDER_STAMP}
    wanted = {(state, stamp) for state, stamp in stamps if stamp}
    folder = journal_dir(Path(board_path)).as_posix()
    months = sorted({stamp[:7] for _, stamp in wanted})

    def moves(rev: str) -> list[str]:
        keys = []
        for month in months:
            try:
                data = repo.git_bytes("show", f"{rev}:{folder}/{month}.jsonl")
            except GitError:
                continue
            for line in data.splitlines():
                try:
                    raw = json.loads(line)
                except ValueError:
                    continue
                if not isinstance(raw, dict) or (raw.get("op"), raw.get("id")) != ("move", task_id):
                    continue
                to, at = raw.get("to"), raw.get("at")
                if (
                    isinstance(to, str)
                    and isinstance(at, str)
                    and (to, at) in wanted
                    and not raw.get("undoes")
                ):
                    keys.append(raw.get("uid") or f"{at} {task_id} {raw.get('from')}>{to}")
        return keys

    known = set(moves(other))
    mine = [key for key in moves(side) if key not in known]
    return mine[-1] if mine else None
