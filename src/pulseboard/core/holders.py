"""Who holds what: weights and limits per holder, leases, and the notes and renewals that keep one.

Starting or claiming a task records its holder (`holder:`, next to `started`; journal.actor()).
Besides the board's WIP limit (a count), each holder has a limit of weight (holders in pulse.yaml):
a task estimated over heartbeat.big or tagged with a heavy tag weighs `heavy` (1.5), any other 1,
so "two concurrent tasks for features, three for simpler work" is one limit of 3. A held task's
lease runs from its holder's last sign of life on it: its start, an edit of its file, a journal
line about it by its holder (a move, a note, a renewal). Past the lease the holder has gone silent: the
heartbeat says so and `pulse claim --take-stale` may take the task over. The CLI's moves, `claim`,
the board, `plan` and the MCP face all use these rules.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from pulseboard.core import journal
from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.config import HeartbeatSettings, Settings
from pulseboard.core.doing_view import held_by as held_by  # the one rule, for claim and plan too
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import format_duration, format_time, parse_time
from pulseboard.core.heartbeat_rules import Suggestion
from pulseboard.core.layout import NOTES_LOCK
from pulseboard.core.taskfile import NOTES_HEADING, read_task_file, rewrite, split, update_owned_keys
from pulseboard.core.text import named, one_line
from pulseboard.core.turns import taking_turns
from pulseboard.core.wip import distinct

NOTES = NOTES_HEADING  # the section `pulse note` adds its lines to (taskfile.spec_digest leaves them out)
SHOWN = 3  # a limit message names this many of the holder's tasks
BAND_SILENT = 850  # ranks above a stale spec (800), below two tasks in doing that clash (900)


def weight_of(estimate: int | None, tags: Iterable[str], settings: HeartbeatSettings) -> float:
    """How much of a holder's limit a task takes: `heavy` if big or heavy-tagged, else 1."""
    holders = settings.holders
    big = estimate is not None and estimate > settings.big_s
    return holders.heavy if big or any(tag in holders.heavy_tags for tag in tags) else 1.0


def weight(task: Task, settings: HeartbeatSettings) -> float:
    return weight_of(task.estimate, task.tags, settings)


def limit_of(holder: str, settings: HeartbeatSettings) -> float:
    """A holder's limit: the first `limits` entry whose name or glob matches, else `limit`."""
    for pattern, limit in settings.holders.limits:
        if fnmatchcase(holder, pattern):
            return limit
    return settings.holders.limit


def room_for(task: Task, mine: Sequence[Task], holder: str, settings: HeartbeatSettings) -> bool:
    """Whether a holder holding `mine` can take task without passing their limit."""
    others = [t for t in mine if t.id != task.id]
    return sum(weight(t, settings) for t in others) + weight(task, settings) <= limit_of(holder, settings)


def holder_check(
    moving: Entry,
    moving_weight: float,
    mine: Sequence[Task],
    holder: str,
    settings: Settings,
    force: bool,
    short_of: Callable[[str], str],
) -> list[str]:
    """The per-holder limit for a start: [] within it; past it a warning, or PulseError when the
    board's limits are hard and the start is not forced (as the board's WIP limit does)."""
    others = [t for t in mine if t.id != moving.id]
    total = sum(weight(t, settings.heartbeat) for t in others) + moving_weight
    limit = limit_of(holder, settings.heartbeat)
    if total <= limit:
        return []
    shown = ", ".join(named(short_of(t.id), t.title) for t in others[:SHOWN]) or "nothing else"
    more = f" and {len(others) - SHOWN} more" if len(others) > SHOWN else ""
    weighs = f"this task weighs {moving_weight:g}; {holder} holds {shown}{more}"
    if settings.wip_hard and not force:
        raise PulseError(
            f"{holder} would hold {total:g} of their limit of {limit:g} ({weighs}); use --force."
        )
    return [f"{holder} now holds {total:g} of their limit of {limit:g} ({weighs})."]


# -- leases ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Silent:
    """A held task whose holder has given no sign of life on it for longer than the lease."""

    task: Task
    since: dt.datetime  # the last sign of life

    @property
    def holder(self) -> str:
        return self.task.holder or "?"


def _stamp(text: str | None) -> float:
    moment = parse_time(text) if text else None
    return moment.timestamp() if moment else 0.0


def silent(doing: Iterable[Task], root: Path, now: dt.datetime, settings: HeartbeatSettings) -> list[Silent]:
    """The held tasks in doing past their lease, the longest silent first. Costs a stat per held
    task started before the lease began, and a read of this month's journal only when one of them
    looks silent by its start and its file."""
    cutoff = now.timestamp() - settings.holders.lease_s
    looks: list[tuple[Task, float]] = []
    for task in distinct(task for task in doing if task.holder):  # doing without holders: no work
        started = _stamp(task.started)
        if started > cutoff:
            continue
        try:
            last = max(started, os.stat(task.path).st_mtime)
        except OSError:
            continue
        if last <= cutoff:
            looks.append((task, last))
    if not looks:
        return []
    by_holder = {task.id: task.holder or "" for task, _ in looks}
    latest = journal.latest_times(root, by_holder, since=min(last for _, last in looks))
    found = [
        Silent(task, dt.datetime.fromtimestamp(max(last, latest.get(task.id, 0.0)), dt.UTC))
        for task, last in looks
        if latest.get(task.id, 0.0) <= cutoff
    ]
    return sorted(found, key=lambda s: s.since)


def silent_text(item: Silent, now: dt.datetime, lease_s: int) -> str:
    """`agent-3 went silent on "Title" 45m ago (lease 30m): ...` — one sentence."""
    gone = format_duration((now - item.since).total_seconds())
    return (
        f'{item.holder} went silent on "{item.task.title}" {gone} ago (lease {format_duration(lease_s)}): '
        "reopen it, or take it over with `pulse claim --take-stale`."
    )


def lease_notes(
    doing: Iterable[Task], root: Path, now: dt.datetime, settings: HeartbeatSettings
) -> list[Suggestion]:
    """reopen: each task held by someone else whose holder went silent past the lease (the
    heartbeat's note; the board's pane, `pulse next`, `beat` and the MCP face add these to a beat).
    Whoever looks is here: their own tasks have the time box notes."""
    me = journal.actor()
    return [
        Suggestion(
            "silent",
            "reopen",
            (item.task.id,),
            silent_text(item, now, settings.holders.lease_s),
            BAND_SILENT,
            ((f"{item.holder} silent past the lease", BAND_SILENT),),
        )
        for item in silent(doing, root, now, settings)
        if item.holder != me
    ]


# -- signs of life -----------------------------------------------------------------------------


def _sign(board: Board, task: Task, op: str, now: dt.datetime | None, **extra: object) -> None:
    """A journal line that the task's holder (or whoever acts) was on it: it renews the lease."""
    event = journal.new_event(op, task.id, task.name, task.state, task.state, now, **extra)
    try:
        journal.record(board.root, event)
    except OSError as exc:
        raise PulseError(f"the journal could not be written ({exc.strerror}); nothing was renewed.") from None


def renew(board: Board, query: str, now: dt.datetime | None = None) -> Task:
    """`pulse renew ID`: a sign of life on a task in doing, without changing its file."""
    task = board.load(board.find(query))
    if task.state != "doing":
        raise PulseError(f"{task.id[:4]} is in {task.state}/, not doing/; only a task in doing has a lease.")
    me = journal.actor()
    if task.holder is not None and task.holder != me:
        raise PulseError(
            f"{task.id[:4]} is held by {task.holder}, not {me}; only its holder renews its lease."
        )
    _sign(board, task, "renew", now)
    return task


def with_note(text: str, line: str) -> str:
    """text with `line` added at the end of its `## Notes` section (made at the body's end if
    missing); every other byte as it was."""
    parts = split(text)
    newline = parts.newline
    lines = parts.body.splitlines(keepends=True)
    heading = next((i for i, ln in enumerate(lines) if ln.rstrip() == NOTES), None)
    if heading is None:
        body = parts.body
        if body and not body.endswith("\n"):
            body += newline
        lines = [body, newline if body.strip() else "", NOTES + newline, newline, line + newline]
    else:
        end = next(
            (i for i in range(heading + 1, len(lines)) if lines[i].startswith(("# ", "## "))), len(lines)
        )
        at = end
        while at > heading + 1 and not lines[at - 1].strip():
            at -= 1
        if not lines[at - 1].endswith("\n"):
            lines[at - 1] += newline
        lines.insert(at, line + newline)
    return parts.head + "".join(parts.lines) + parts.close + "".join(lines)


def add_note(board: Board, query: str, text: str, now: dt.datetime | None = None) -> Task:
    """`pulse note ID TEXT`: `- TIME WHO: TEXT` under the body's `## Notes`, written atomically,
    notes written at once on this machine taking turns; a note is a sign of life on the task."""
    words = " ".join(one_line(text).split())
    if not words:
        raise PulseError("a note needs some text.")
    moment = now or dt.datetime.now(dt.UTC)
    line = f"- {format_time(moment)} {journal.actor()}: {words}"
    with taking_turns(board.root, NOTES_LOCK):
        entry = board.find(query)
        record = read_task_file(entry.path, board.root, entry.fallback_title)
        if not record["writable"]:
            raise PulseError(f"{entry.key} {record['error']}; pulse won't write into it.")
        try:
            rewrite(entry.path, lambda text: with_note(text, line))
        except FileNotFoundError:
            raise PulseError(f"{entry.key} moved while the note was being written; try again.") from None
        except (OSError, ValueError) as exc:
            raise PulseError(f"{entry.key} could not take the note: {exc}.") from None
        task = board.load(entry)
    _sign(board, task, "note", moment)
    _settled(board, task)
    return task


def take_over(board: Board, item: Silent, now: dt.datetime | None = None) -> Task:
    """Hand a silent holder's task to whoever acts now: the holder stamp changes, a journal line
    says who took it from whom."""
    task = item.task
    entry = Entry(task.state, task.name, task.id, task.folder)
    try:
        rewrite(entry.path, lambda text: update_owned_keys(text, {"holder": journal.actor()}))
    except FileNotFoundError:
        raise PulseError(f"{entry.key} moved while it was being taken over.") from None
    except (OSError, ValueError) as exc:
        raise PulseError(f"{entry.key} could not be taken over: {exc}.") from None
    taken = board.load(entry)
    _sign(board, taken, "take", now, before={"holder": item.holder})
    _settled(board, taken)
    return taken


def _settled(board: Board, task: Task) -> None:
    """pulse's own write (a note, a new holder) is no change of spec to re-read."""
    if task.state == "doing":
        from pulseboard.core.heartbeat_inputs import mark_read  # heartbeat_inputs imports this module

        mark_read(board.root, task)
