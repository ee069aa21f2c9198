"""Code drift under a started task: commits since it started that changed what it touches.

The seeds: "re-read the task spec before starting; what was true when the task was written may not
be true now". In a git work tree, for each task in doing whose `touches` name files or globs, the
commits since its start that changed a file it touches (core/overlap.py's rule) and are not its
own (by its holder, or naming its id) make a heartbeat note: `src/nav.py changed in 3 commits
since "X" started: re-read it`, and the detail view lists them (`task_drift`). One `git log` a beat
at most, from the oldest start in doing, and none while HEAD has not moved (a `git rev-parse` tells).
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core.board import Task
from pulseboard.core.fields import parse_time
from pulseboard.core.heartbeat_rules import Suggestion
from pulseboard.core.overlap import TouchIndex

BAND_DRIFT = 780  # below a changed spec (800): the code moved, not the task
GIT_TIMEOUT_S = 10.0
_FIELD, _RECORD = "\x1f", "\x1e"
_last: tuple[tuple[str, str, int], list[Commit]] | None = None  # (top, HEAD, since) and its commits


@dataclass(frozen=True, slots=True)
class Commit:
    when: float  # committer time, epoch seconds
    author: str
    subject: str
    files: tuple[str, ...]


def commits_since(root: Path, since: float) -> list[Commit]:
    """The commits of the work tree holding root since `since`, each with the files it changed
    (paths from the top of the tree); [] outside a work tree or when git fails."""
    global _last
    try:
        top, head = _git(root, "rev-parse", "--show-toplevel", "HEAD").split()
        key = (top, head, int(since))
        if _last is not None and _last[0] == key:  # HEAD has not moved: the same history
            return _last[1]
        out = _git(
            Path(top), "log", f"--since=@{int(since)}", "--no-merges", "--name-only",
            f"--format={_RECORD}%ct{_FIELD}%an{_FIELD}%s{_FIELD}",
        )  # fmt: skip
    except (OSError, ValueError, subprocess.SubprocessError):  # not a work tree, no commit yet
        return []
    found = []
    for record in out.split(_RECORD)[1:]:
        when, author, subject, files = record.split(_FIELD, 3)
        found.append(Commit(float(when), author, subject, tuple(f for f in files.split("\n") if f)))
    _last = (key, found)
    return found


def _git(where: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-C", str(where), *args], capture_output=True, text=True, timeout=GIT_TIMEOUT_S, check=True
    )
    return done.stdout


def drift_notes(doing: Iterable[Task], root: Path, now: dt.datetime) -> list[Suggestion]:
    """re-read: each task in doing with touches whose files others changed since it started. Each
    changed file is asked once of an index of doing's touches (core/overlap.py), never each task
    against each commit: 2,500 in doing and 300 commits cost what the answers cost."""
    started: list[tuple[Task, float]] = []
    for task in doing:
        moment = parse_time(task.started) if task.touches and task.started else None
        if moment is not None and moment < now:
            started.append((task, moment.timestamp()))
    if not started:
        return []
    commits = commits_since(root, min(at for _, at in started))
    index = TouchIndex(task.touches for task, _ in started)
    owners: dict[str, set[int]] = {}  # a changed file -> the tasks in doing touching it
    changed: dict[int, dict[str, int]] = {}  # a task -> its touched files others changed, how often
    for commit in commits:
        for path in commit.files:
            if path not in owners:
                owners[path] = index.owners([path])
            for number in owners[path]:
                task, at = started[number]
                if _others(commit, task, at):
                    files = changed.setdefault(number, {})
                    files[path] = files.get(path, 0) + 1
    return [_note(started[number][0], files) for number, files in sorted(changed.items())]


def _others(commit: Commit, task: Task, started: float) -> bool:
    """A commit after the task started that is not its own (by its holder, or naming its id)."""
    return commit.when > started and commit.author != task.holder and task.id[:4] not in commit.subject


def task_drift(task: Task, root: Path) -> list[tuple[Commit, tuple[str, ...]]]:
    """For the detail view: the commits since one task in doing started that changed files it
    touches and are not its own, newest first, each with those files."""
    moment = parse_time(task.started) if task.state == "doing" and task.touches and task.started else None
    if moment is None:
        return []
    at, index = moment.timestamp(), TouchIndex([task.touches])
    found = []
    for commit in commits_since(root, at):
        files = tuple(path for path in commit.files if index.owners([path]))
        if files and _others(commit, task, at):
            found.append((commit, files))
    return sorted(found, key=lambda item: -item[0].when)


def _note(task: Task, files: dict[str, int]) -> Suggestion:
    path, count = max(files.items(), key=lambda item: (item[1], item[0]))
    more = f" (and {len(files) - 1} more files)" if len(files) > 1 else ""
    text = (
        f'{path} changed in {count} commit{"s" if count > 1 else ""} since "{task.title}" started{more}: '
        "re-read it against the code as it is now."
    )
    return Suggestion(
        "drift", "re-read", (task.id,), text, BAND_DRIFT, (("code changed since start", BAND_DRIFT),)
    )
