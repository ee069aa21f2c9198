"""Hooks: the programs `hooks:` in pulse.yaml runs on an event (created, moved, done, blocked,
claimed, lease-expired, ready-now), the event as one JSON line on their stdin.

A hook starts from its argv, never through a shell, in the board's parent folder, with PULSE_EVENT,
PULSE_TASK_ID and PULSE_BOARD added to the environment: task text reaches it only inside the JSON.
The hooks of a change run side by side (AT_ONCE at most), each in its own process group, which is
killed at the hook's time limit. `fire` comes after the change it reports (which stands whatever
the hooks do), so waits at most the longest limit (for up to AT_ONCE hooks), never raises, and says
what went wrong as one sentence a hook; each such sentence is also a journal line (op `hook`, with
`event` and `why`), which no reader takes for a move.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import signal
import subprocess
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from pulseboard.core.actions import MoveResult
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.config import Hook, Settings
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import format_time
from pulseboard.core.fsops import append_line
from pulseboard.core.holders import Silent, silent
from pulseboard.core.ids import ShortIds
from pulseboard.core.journal import actor, new_event, read_events, record
from pulseboard.core.layout import journal_folder
from pulseboard.core.ready import ready_now
from pulseboard.core.task_view import task_json
from pulseboard.core.text import clip, one_line
from pulseboard.core.turns import taking_turns

EXPIRE_LOCK = "expire.lock"  # in .pulse/cache: who tells a lease's expiry takes turns on it
_TOLD: set[tuple[str, str]] = set()  # (task id, silent since) told already, by this process or in the journal
AT_ONCE = 16  # hooks running at one time (a batch of moves fires many)
STDERR_TAIL = 400  # bytes of a failed hook's stderr read back for its sentence


def wanted(settings: Settings, event: str) -> bool:
    """Whether any hook runs on this event (a caller may then skip working out who it concerns)."""
    return any(hook.event == event for hook in settings.hooks)


def move_events(from_state: str, to_state: str, *, claimed: bool = False) -> list[str]:
    """The events of one move: moved (when the state changed), done or blocked (by where it went),
    claimed (by `claim`, a take-over too)."""
    events = ["moved"] if from_state != to_state else []
    events += [to_state] if to_state in ("done", "blocked") else []
    return events + (["claimed"] if claimed else [])


def payload(event: str, task: Task, short: str, from_state: str | None) -> dict[str, Any]:
    """What a hook reads on stdin: the event, when, who, the task (as `--json` gives it), the move."""
    return {
        "event": event,
        "at": format_time(dt.datetime.now(dt.UTC)),
        "actor": actor(),
        "task": task_json(task, short),
        "from": from_state,
        "to": task.state,
    }


def change_events(
    board: Board, results: Sequence[MoveResult] = (), *, claimed: bool = False, created: Sequence[Task] = ()
) -> list[tuple[str, dict[str, Any]]]:
    """The events of a change made through any face: tasks created, moves (one, a batch, an undo, a
    claim) and ready-now for what a done lets start (the board is read for it only when wanted)."""
    results = [r for r in results if r.from_state in STATES and r.task.state in STATES]  # not the archive
    short = ShortIds(t.id for t in board.tasks()).short if created else None
    events = (
        [("created", payload("created", task, short(task.id), None)) for task in created] if short else []
    )
    events += [
        (event, payload(event, result.task, result.short, result.from_state))
        for result in results
        for event in move_events(result.from_state, result.task.state, claimed=claimed)
    ]
    finished = {result.task.id for result in results if result.task.state == "done"}
    if finished and wanted(board.settings, "ready-now"):
        tasks = board.tasks()
        ready, short_of = ready_now(tasks, finished), ShortIds(t.id for t in tasks).short
        events += [
            ("ready-now", payload("ready-now", t, short_of(t.id), None))
            for t in (*ready.open, *ready.blocked)
        ]
    return events


def lease_expired(board: Board, doing: Iterable[Task], now: dt.datetime) -> list[tuple[str, dict[str, Any]]]:
    """The lease-expired events not told yet: each held task whose holder went silent past the lease
    (core/holders.py) since a silence of it was last told. Told means journalled (op `expired`, the
    silence's start in `before.since`) under a lock: of every face and process that notices, one
    tells it, once. Nothing is read or written unless a hook wants the event."""
    if not wanted(board.settings, "lease-expired"):
        return []
    me = actor()  # whoever looks is here: their own tasks are not silent to them (holders.lease_notes)
    found = [item for item in silent(doing, board.root, now, board.settings.heartbeat) if item.holder != me]
    fresh = [(item, format_time(item.since)) for item in found]
    fresh = [(item, since) for item, since in fresh if (item.task.id, since) not in _TOLD]
    if not fresh:
        return []
    told: list[tuple[Silent, str]] = []
    with taking_turns(board.root, EXPIRE_LOCK):
        ids = {item.task.id for item, _ in fresh}
        _TOLD.update((e.id, (e.before or {}).get("since", "")) for e in read_events(board.root)
                     if e.op == "expired" and e.id in ids)  # fmt: skip
        for item, since in fresh:
            if (item.task.id, since) in _TOLD:
                continue
            task = item.task
            moment = {"since": since}
            line = new_event("expired", task.id, task.name, task.state, task.state, now, before=moment)
            with contextlib.suppress(OSError):
                record(board.root, line)
            _TOLD.add((task.id, since))
            told.append((item, since))
    if not told:
        return []
    short = ShortIds(t.id for t in board.tasks()).short
    return [
        ("lease-expired", {**payload("lease-expired", item.task, short(item.task.id), None),
                           "holder": item.holder, "silent_since": since})
        for item, since in told
    ]  # fmt: skip


def fire(board_root: Path, settings: Settings, events: Sequence[tuple[str, dict[str, Any]]]) -> list[str]:
    """Run the hooks of these events (name, payload), the payload as JSON on stdin, up to
    AT_ONCE at a time, each killed at its time limit; a sentence per hook that could not start,
    failed or ran too long (each also journaled), [] if all went well."""
    runs = [(hook, payload) for event, payload in events for hook in settings.hooks if hook.event == event]
    if not runs:
        return []
    with ThreadPoolExecutor(max_workers=min(len(runs), AT_ONCE)) as pool:
        outcomes = list(pool.map(lambda run: _run(run[0], run[1], board_root), runs))
    problems = []
    for (hook, payload), what in zip(runs, outcomes, strict=True):
        if what:
            task = payload.get("task") or {}
            who = task.get("short") or task.get("id", "?")
            problems.append(f"the {hook.event} hook {clip(hook.argv[0])} (for {who}) {what}")
            _journal(board_root, hook.event, task, problems[-1])
    return problems


def _run(hook: Hook, payload: dict[str, Any], board_root: Path) -> str | None:
    """Run one hook to its end or its time limit; what went wrong, or None."""
    # a lone surrogate (an undecodable file name) becomes its JSON escape: the same string once parsed
    data = (json.dumps(payload, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")
    task_id = str((payload.get("task") or {}).get("id", ""))
    env = {**os.environ, "PULSE_EVENT": hook.event, "PULSE_TASK_ID": task_id, "PULSE_BOARD": str(board_root)}
    with tempfile.TemporaryFile() as errors:
        try:
            process = subprocess.Popen(
                hook.argv, cwd=board_root.parent, env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=errors, start_new_session=True,  # its own group: killed whole at the limit
            )  # fmt: skip
        except (OSError, ValueError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            return f"could not start ({reason.lower()})."
        try:
            process.communicate(data, timeout=hook.timeout_s)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return f"ran past its {hook.timeout_s:g}s limit and was stopped."
        code = process.returncode
        if code == 0:
            return None
        said = _last_line(errors).rstrip(".")
        how = f"was killed by signal {-code}" if code < 0 else f"failed with exit {code}"
        return f"{how}{f': {said}' if said else ''}."


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill a hook and whatever it started (its process group), and reap it."""
    with contextlib.suppress(ProcessLookupError):  # gone already, group and all
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _last_line(errors: IO[bytes]) -> str:
    """The last line a hook wrote to stderr, on one line and cut short."""
    size = errors.seek(0, os.SEEK_END)
    errors.seek(max(0, size - STDERR_TAIL))
    lines = errors.read().decode("utf-8", "replace").strip().splitlines()
    return clip(one_line(lines[-1].strip()), 120) if lines else ""


def _journal(board_root: Path, event: str, task: dict[str, Any], why: str) -> None:
    """A journal line for a hook that went wrong."""
    state, name = str(task.get("state", "")), os.path.basename(str(task.get("path", "")))
    at = format_time(dt.datetime.now(dt.UTC))
    fields = {
        "at": at, "op": "hook", "id": str(task.get("id", "")), "file": name, "from": state, "to": state,
        "by": actor(), "event": event, "why": why,
    }  # fmt: skip
    line = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    with contextlib.suppress(OSError, PulseError):  # the sentence still reaches the user either way
        append_line(journal_folder(board_root) / f"{at[:7]}.jsonl", line)
