"""The history journal: one JSON line per creation and transition pulse makes, append-only.

Lines go to `tasks/.pulse/journal/YYYY-MM.jsonl` with single O_APPEND writes (safe for concurrent
writers); a `.gitattributes` marks the files `merge=union`, so git merges two clones' histories
without conflicts. Readers skip lines they cannot parse (a torn line from a crash, a merge).
The moves of one batch (several tasks moved at once) share a `batch` key; lines without it (every
journal from before batches) are single moves. `JournalTail` follows the journal for the board,
reading only what was appended and handing over just the new lines.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import secrets
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from pulseboard.core.fields import format_time
from pulseboard.core.fsops import append_line, open_regular
from pulseboard.core.layout import PULSE_DIR as PULSE_DIR  # the .pulse/ layout lives in layout.py
from pulseboard.core.layout import cache_dir as cache_dir
from pulseboard.core.layout import ensure_pulse_dir as ensure_pulse_dir
from pulseboard.core.layout import journal_dir, journal_folder

UNDOABLE = ("move", "archive")  # the ops `pulse undo` reverts (an "unarchive" undoes an "archive")


@dataclass(frozen=True, slots=True)
class Event:
    at: str
    op: str  # "create", "move", "archive", "unarchive", "split" (parts given); "note", "renew", "take"
    id: str
    file: str
    from_state: str | None
    to_state: str
    by: str
    before: dict[str, Any] | None = None  # a move's owned keys (stamps) before it: what undo restores
    undoes: str | None = None  # an undo's: the key of the move it reverted
    uid: str | None = None  # a move's own random name: two moves in one second stay apart
    batch: str | None = None  # the moves of one batch share this random name; undo reverts them together
    parts: tuple[str, ...] | None = None  # a split's: the ids of the parts it gave the task
    spec: str | None = None  # a start's: the digest of what the task asked for then (taskfile.spec_digest)

    @property
    def key(self) -> str:
        """What names a move for `undoes` (journals from before uids: its time, task and states)."""
        return self.uid or f"{self.at} {self.id} {self.from_state}>{self.to_state}"


def actor() -> str:
    """Who is acting: $PULSE_ACTOR (agents set it), else the login name."""
    name = os.environ.get("PULSE_ACTOR")
    if name:
        return name
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "unknown"


def record(board_root: Path, event: Event) -> None:
    """Append one event to this month's journal file."""
    folder = journal_folder(board_root)
    fields = {
        "at": event.at, "op": event.op, "id": event.id, "file": event.file, "from": event.from_state,
        "to": event.to_state, "by": event.by,
    }  # fmt: skip
    if event.before is not None:
        fields["before"] = event.before
    if event.undoes is not None:
        fields["undoes"] = event.undoes
    if event.uid is not None:
        fields["uid"] = event.uid
    if event.batch is not None:
        fields["batch"] = event.batch
    if event.parts is not None:
        fields["parts"] = list(event.parts)
    if event.spec is not None:
        fields["spec"] = event.spec
    line = json.dumps(fields, ensure_ascii=False, separators=(",", ":"))
    append_line(folder / f"{event.at[:7]}.jsonl", line)


def new_event(
    op: str,
    task_id: str,
    file: str,
    from_state: str | None,
    to_state: str,
    now: dt.datetime | None = None,
    **extra: Any,
) -> Event:
    """An event by the current actor, now. extra: `before`, `undoes` and `batch` for moves, `parts`
    for a split."""
    at = format_time(now or dt.datetime.now(dt.UTC))
    uid = new_uid() if op in UNDOABLE else None
    return Event(at, op, task_id, file, from_state, to_state, actor(), uid=uid, **extra)


def new_uid() -> str:
    """A move's own random name, so two moves in one second stay apart."""
    return secrets.token_hex(6)


def new_batch_id() -> str:
    """A batch's random name, shared by the journal lines of its moves."""
    return secrets.token_hex(6)


def _parse(line: str | bytes) -> Event | None:
    """One journal line as an event, or None for a line that can't be one (torn, merged, foreign,
    or JSON with a field of the wrong type: every reader may then trust the types)."""
    try:
        raw = json.loads(line)
    except (ValueError, RecursionError):  # not JSON, not UTF-8, or nested past the parser
        return None
    if type(raw) is not dict:
        return None
    get = raw.get
    at, op, task_id, file, to = get("at"), get("op"), get("id"), get("file"), get("to")
    by, from_state, undoes, uid = get("by", "unknown"), get("from"), get("undoes"), get("uid")
    before, batch, parts, spec = get("before"), get("batch"), get("parts"), get("spec")
    if not (type(at) is type(op) is type(task_id) is type(file) is type(to) is type(by) is str):
        return None
    for optional in (from_state, undoes, uid, batch, spec):
        if optional is not None and type(optional) is not str:
            return None
    if before is not None:  # the owned keys a move replaced, as undo writes them back
        if type(before) is not dict:
            return None
        for key, value in before.items():
            if value is not None and type(value) is not (dict if key == "blocked" else str):
                return None
    if parts is not None and (type(parts) is not list or not all(type(p) is str for p in parts)):
        return None
    try:
        dt.datetime.fromisoformat(at)  # undo may write it into a file as a stamp: a time, one line
    except ValueError:
        return None
    parts = None if parts is None else tuple(parts)
    return Event(at, op, task_id, file, from_state, to, by, before, undoes, uid, batch, parts, spec)


def _months(board_root: Path) -> list[Path]:
    folder = journal_dir(board_root)
    return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []


def read_events(board_root: Path) -> Iterator[Event]:
    """Every journal event, oldest month first, in file order within a month."""
    for path in _months(board_root):
        try:
            handle = open_regular(path)
        except OSError:
            continue  # a link or a FIFO posing as a month: not history pulse wrote
        with handle:
            for line in handle:
                event = _parse(line)
                if event is not None:
                    yield event


def start_specs(board_root: Path, ids: Collection[str], since: float) -> dict[str, str]:
    """Task id -> the spec digest its newest start at or after `since` (epoch seconds) recorded,
    for the ids asked about: reads only the months that reach so far."""
    first = format_time(dt.datetime.fromtimestamp(since, dt.UTC))
    specs: dict[str, str] = {}
    for event in _events_since(board_root, first):
        if event.spec is not None and event.to_state == "doing" and event.id in ids:
            specs[event.id] = event.spec
    return specs


def _events_since(board_root: Path, first: str) -> Iterator[Event]:
    """The journal's events at or after the time `first` (a stamp), from the months that reach so far."""
    for path in _months(board_root):
        if path.stem < first[:7]:
            continue
        try:
            handle = open_regular(path)
        except OSError:
            continue
        with handle:
            for line in handle:
                event = _parse(line)
                if event is not None and event.at >= first:
                    yield event


def latest_times(board_root: Path, holders: dict[str, str], since: float) -> dict[str, float]:
    """Task id -> the time of its newest journal line by its holder at or after `since` (epoch
    seconds), for the tasks asked about (id -> holder): reads only the months that reach so far."""
    first = format_time(dt.datetime.fromtimestamp(since, dt.UTC))
    latest: dict[str, float] = {}
    for event in _events_since(board_root, first):
        if holders.get(event.id) == event.by:
            at = dt.datetime.fromisoformat(event.at).timestamp()
            latest[event.id] = max(latest.get(event.id, 0.0), at)
    return latest


def _compact(event: Event) -> Event:
    """An event as the figures need it, kept for a whole session: no `before` stamps or `batch`
    (undo reads the journal itself), the few distinct states and names shared (100,000 tasks:
    ~150 -> ~80 MB)."""
    intern = sys.intern
    return Event(
        event.at, intern(event.op), event.id, event.file,
        intern(event.from_state) if event.from_state else None, intern(event.to_state), intern(event.by),
        None, event.undoes, event.uid,
    )  # fmt: skip


@dataclass(slots=True)
class _Month:
    """What a `JournalTail` has read of one month file: up to `offset` (whole lines only), the last
    line read (to tell an append from a rewrite) and its events."""

    offset: int = 0
    last: bytes = b""
    events: list[Event] = field(default_factory=list)

    def catch_up(self, handle: BinaryIO) -> tuple[list[Event], bool]:
        """The events of the lines appended since the last call, and whether the file only grew;
        a file that changed otherwise (rewritten, shortened) is read again whole."""
        grew = True
        if self.offset:
            handle.seek(self.offset - len(self.last))
            if handle.read(len(self.last)) != self.last:  # not a plain append: read it all again
                handle.seek(0)
                self.offset, self.last, self.events, grew = 0, b"", [], False
        added: list[Event] = []
        for line in handle:  # line by line: a 40 MB journal is never all in memory at once
            if not line.endswith(b"\n"):
                break  # a line still being written waits for the next call
            self.offset, self.last = self.offset + len(line), line
            event = _parse(line)
            if event is not None:
                added.append(_compact(event))
        self.events += added
        return added, grew


class JournalTail:
    """The journal kept up to date by reading only what was appended since the tail last read it.

    `appended()` hands over just the new events, so a caller that keeps its own copy (the board's
    figures, core/figures.py) pays for the lines added, not for the journal; `events()` gives the
    whole journal. A month file that changed other than by appending (a git merge, say) is read
    again whole, and `appended()` then says so (None). Either call moves the tail on.
    """

    def __init__(self, board_root: Path) -> None:
        self.root = board_root
        self._months: dict[Path, _Month] = {}  # oldest month first

    def appended(self) -> list[Event] | None:
        """The events appended since the tail last read the journal, in journal order (all of it
        on the first call); None when the journal changed other than by appending (a month file
        rewritten, shortened or gone, or a new one before the last month read): then read the
        whole of it again with `events()`."""
        added, grew = self._read()
        return added if grew else None

    def events(self) -> list[Event]:
        """Every event, oldest month first, in file order within a month (as `read_events`)."""
        self._read()
        return [event for month in self._months.values() for event in month.events]

    def _read(self) -> tuple[list[Event], bool]:
        """Catch up with every month file: the events added, and whether the journal only grew."""
        known, paths = self._months, _months(self.root)
        latest = next(reversed(known), None)
        grew = known.keys() <= set(paths)
        months: dict[Path, _Month] = {}
        added: list[Event] = []
        for path in paths:
            month = known.get(path)
            if month is None:
                month = _Month()
                grew = grew and (latest is None or path > latest)  # else the months' order changed
            try:
                with open_regular(path) as handle:
                    new, appended = month.catch_up(handle)
            except OSError:  # a link or a FIFO posing as a month: not history pulse wrote
                grew = grew and path not in known
                continue
            months[path] = month
            added += new
            grew = grew and appended
        self._months = months
        return added, grew


def history(board_root: Path, task_id: str, created: str | None = None) -> list[Event]:
    """Every journal event of one task, oldest first; created: its `created` stamp, when it has a
    readable one, so only the months from its month on are read (nothing of a task comes first)."""
    try:
        made = dt.datetime.fromisoformat(created) if created else None
    except ValueError:
        made = None
    if made is None:
        events: Iterator[Event] = read_events(board_root)
    else:
        month = (made if made.tzinfo is None else made.astimezone(dt.UTC)).strftime("%Y-%m")
        events = _events_since(board_root, month)
    return [event for event in events if event.id == task_id]
