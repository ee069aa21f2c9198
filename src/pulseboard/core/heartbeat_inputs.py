"""What the heartbeat reads from a board on disk, and `suggest`, the beat over a board as it is there.

The engine (core/heartbeat.py) is pure; this module gathers its inputs: the file times of the tasks
in doing (for stale specs; a file newer than its start counts only if its spec differs from the
digest its start journalled, so a checkout or a fresh clone is no change), the read marks that
settle a stale spec once a task is re-read (`.pulse/cache/read-marks.json`, written here by
`mark_read`), and how the last push went (`.pulse/cache/push.json`, written by services/git after
each push, read only here: `push_status`). `suggest` is the one entry point for the board's pane,
`pulse next`, `claim` and `beat`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Iterable
from pathlib import Path

from pulseboard.core import journal
from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import parse_time
from pulseboard.core.fsops import SMALL_FILE, atomic_write, read_regular
from pulseboard.core.heartbeat import Suggestion, beat, rank
from pulseboard.core.heartbeat_rules import STALE_GRACE_S
from pulseboard.core.holders import lease_notes
from pulseboard.core.layout import PUSH_STATUS, READ_MARKS, cache_file, cache_path
from pulseboard.core.taskfile import SPEC_KEYS, read_body, spec_digest

MAX_MARKS = 500


def suggest(
    tasks: Iterable[Task], settings: HeartbeatSettings, root: Path, now: dt.datetime
) -> list[Suggestion]:
    """One beat over a board as it is on disk: the one entry point for the board's pane and
    `pulse next`, `claim` and `beat`."""
    tasks = list(tasks)
    found = beat(tasks, now, settings, modified_times(tasks, root), push_failure(root))
    silent = lease_notes((t for t in tasks if t.state == "doing"), root, now, settings)
    return rank([*found, *silent]) if silent else found


def read_marks(root: Path) -> dict[str, float]:
    """Task id -> the file's mtime when it was last re-read (in the board or with `pulse show`)."""
    try:
        marks = json.loads(read_regular(cache_path(root, READ_MARKS), SMALL_FILE))
    except (OSError, ValueError):
        return {}
    return marks if isinstance(marks, dict) else {}


def mark_read(root: Path, task: Task) -> None:
    """Remember that a task in doing was re-read as it now is, which settles its stale-spec note."""
    if task.state != "doing":
        return
    try:
        _remember(root, {task.id: task.path.stat().st_mtime})
    except OSError:
        return  # a read mark is a convenience: never fail a view for it


def _remember(root: Path, read: dict[str, float]) -> None:
    """Add read marks (task id -> the file's mtime as read), keeping the newest MAX_MARKS."""
    try:
        marks = read_marks(root) | read
        if len(marks) > MAX_MARKS:  # keep the newest: marks of long-finished tasks are no use
            marks = dict(sorted(marks.items(), key=lambda item: item[1])[-MAX_MARKS:])
        atomic_write(cache_file(root, READ_MARKS), json.dumps(marks).encode())
    except (OSError, PulseError):
        return


def modified_times(tasks: Iterable[Task], root: Path | None = None) -> dict[str, float]:
    """Task id -> file mtime for the tasks in doing changed since they were last re-read:
    what the stale-spec rule compares with their start. A file newer than its start whose spec
    is the one its start journalled (git checked it out again, a clone: the same text, a new
    mtime) is no change: it is left out, and read-marked so the next beat does not ask again."""
    marks = read_marks(root) if root is not None else {}
    times: dict[str, float] = {}
    newer: list[tuple[Task, float]] = []  # changed after their start (its time), by their file time
    folders: dict[Path, str] = {}  # one fspath per folder, not a Path per task: 10,000 in doing
    for task in tasks:
        if task.state == "doing":
            folder = folders.get(task.folder) or folders.setdefault(task.folder, os.fspath(task.folder))
            try:
                mtime = os.stat(os.path.join(folder, task.name)).st_mtime
            except OSError:
                continue
            if mtime > marks.get(task.id, 0.0):
                times[task.id] = mtime
                started = parse_time(task.started) if task.started else None
                if started is not None and mtime > started.timestamp() + STALE_GRACE_S:
                    newer.append((task, started.timestamp()))
    if root is not None and newer:
        same = same_spec(root, newer, times)
        for task_id in same:
            del times[task_id]
    return times


_START_SPECS: dict[tuple[str, str | None], str | None] = {}  # (id, started) -> the spec its start journalled
_SPEC_CHECKED: dict[tuple[str, float], bool] = {}  # (id, mtime) -> whether the spec is as at its start


def _spec_now(task: Task) -> str | None:
    body = read_body(task.path)
    return None if body is None else spec_digest(task.title, [getattr(task, key) for key in SPEC_KEYS], body)


def same_spec(root: Path, tasks: list[tuple[Task, float]], times: dict[str, float]) -> dict[str, float]:
    """Of these tasks (each with its start, their files newer than it), those whose spec is still
    what their start journalled, with their mtimes, read-marked. Each file at each mtime is read
    once a process, and the journal (from the earliest of their starts on) only for starts whose
    spec this process does not know yet."""
    unknown = [(task, at) for task, at in tasks if (task.id, times[task.id]) not in _SPEC_CHECKED]
    starts = [(task, at) for task, at in unknown if (task.id, task.started) not in _START_SPECS]
    if starts:
        found = journal.start_specs(root, {task.id for task, _ in starts}, min(at for _, at in starts))
        _START_SPECS.update(((task.id, task.started), found.get(task.id)) for task, _ in starts)
    for task, _ in unknown:
        then = _START_SPECS[(task.id, task.started)]
        _SPEC_CHECKED[(task.id, times[task.id])] = then is not None and _spec_now(task) == then
    same = {task.id: times[task.id] for task, _ in tasks if _SPEC_CHECKED[(task.id, times[task.id])]}
    if same:
        _remember(root, same)
    return same


def push_status(root: Path) -> dict[str, object] | None:
    """How the last push from here went, as services/git recorded it (`ok`, `at`, `error`), or None
    if pulse has not pushed from here (or the record is not a regular file of JSON)."""
    try:
        status = json.loads(read_regular(cache_path(root, PUSH_STATUS), SMALL_FILE))
    except (OSError, ValueError):
        return None
    return status if isinstance(status, dict) else None


def push_failure(root: Path) -> str | None:
    """Why the last push from here failed, in words for the heartbeat and the board, or None."""
    status = push_status(root)
    if status is None or status.get("ok", True):
        return None
    return f"{status.get('error') or 'git push failed'} (at {status.get('at') or '?'})"
