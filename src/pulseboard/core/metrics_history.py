"""What the metrics count from: each task's history as a timeline, the journal grouped by task, the
window of days the figures cover, and the calendar that files moments by day.

A timeline is a task's (moment, state, estimated) transitions, oldest first, taken from the journal.
Where the journal is silent (a task moved with plain `mv` or by git) its stamps or its file time fill
in; such transitions are "estimated". Pure: no file I/O (file times come in as a mapping).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from pulseboard.core.board import Task
from pulseboard.core.journal import Event

# The stamps a task in each folder can honestly have, in the order it gets them.
_PATHS = {"open": ("open",), "doing": ("open", "doing"), "done": ("open", "doing", "done")}
_PATHS["blocked"] = ("open", "doing", "blocked")
_moment = itemgetter(0)
Transition = tuple[float, str, bool]  # (POSIX seconds, the state entered, estimated)
EPOCH = dt.date(1970, 1, 1).toordinal()


def midnight(day: dt.date, tz: dt.tzinfo) -> float:
    """The first moment of a calendar day in a zone, as POSIX seconds: where the figures' days begin."""
    return dt.datetime.combine(day, dt.time(), tz).timestamp()


@dataclass(frozen=True, slots=True)
class Window:
    """The last `days` calendar days in now's zone, today included. starts: each day's first
    moment as POSIX seconds; start: the window's."""

    now_ts: float
    tz: dt.tzinfo
    dates: tuple[dt.date, ...]
    starts: tuple[float, ...]

    @classmethod
    def of(cls, now: dt.datetime, days: int) -> Window:
        tz = now.tzinfo
        if tz is None or days < 1:
            raise ValueError("a window needs a zone-aware now and days >= 1")
        dates = tuple(now.date() - dt.timedelta(days=days - 1 - i) for i in range(days))
        return cls(now.timestamp(), tz, dates, tuple(midnight(d, tz) for d in dates))

    @property
    def start(self) -> float:
        return self.starts[0]

    def day(self, moment: float) -> int:
        """The index of the day a moment falls on; 0 for any moment before the window."""
        return 0 if moment < self.starts[0] else bisect_right(self.starts, moment) - 1

    def ordinal(self, moment: float) -> int:
        """The date ordinal of the day a moment falls on; the first day's for any moment before it."""
        return self.dates[0].toordinal() + self.day(moment)


class Calendar:
    """Moments filed by calendar day (date ordinals) in one zone, by the window's rule: a day runs
    from its `midnight` to the next. Each day's span is worked out once."""

    def __init__(self, tz: dt.tzinfo) -> None:
        self.tz = tz
        offset = tz.utcoffset(None) if isinstance(tz, dt.timezone) else None
        self._offset = None if offset is None else offset.total_seconds()  # a fixed zone: plain arithmetic
        self._spans: dict[int, tuple[float, float]] = {}

    def day(self, moment: float) -> int:
        """The ordinal of the day a moment falls on; 0 (before every window) for one too far back to
        have a date."""
        try:
            if self._offset is None:
                ordinal = dt.datetime.fromtimestamp(moment, self.tz).toordinal()
            else:
                ordinal = EPOCH + int((moment + self._offset) // 86400)
            span = self._spans.get(ordinal) or self._span(ordinal)
            while not span[0] <= moment < span[1]:  # the guess checked against the midnights themselves
                ordinal += 1 if moment >= span[1] else -1
                span = self._spans.get(ordinal) or self._span(ordinal)
        except (OverflowError, ValueError, OSError):
            return 0
        return ordinal

    def last_day(self, moment: float) -> int:
        """The ordinal of the last day a stay that ends at `moment` has time in: the day it falls
        on, or the day before for a day's first instant (nothing of the stay is in that day)."""
        ordinal = self.day(moment)
        if ordinal and moment == (self._spans.get(ordinal) or self._span(ordinal))[0]:
            return ordinal - 1
        return ordinal

    def _span(self, ordinal: int) -> tuple[float, float]:
        day = dt.date.fromordinal(ordinal)
        span = self._spans[ordinal] = (midnight(day, self.tz), midnight(day + dt.timedelta(days=1), self.tz))
        return span


def seconds(stamp: str | None, now_ts: float) -> float | None:
    """A stamp as POSIX seconds, or None if missing or unreadable. No zone means UTC; nothing has
    happened after now, so a stamp from a fast clock counts as now."""
    try:
        moment = dt.datetime.fromisoformat(stamp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return min(moment.timestamp(), now_ts)


def by_task(
    events: Iterable[Event], on_board: Container[str] | None = None
) -> tuple[dict[str, list[Event]], set[str]]:
    """Each task's events, in one pass (only those of the ids `on_board` when given), and the keys
    of the moves `pulse undo` reverted (from every event, a deleted task's too)."""
    journal: dict[str, list[Event]] = {}
    undone: set[str] = set()
    for event in events:
        if event.undoes:
            undone.add(event.undoes)
        if on_board is None or event.id in on_board:
            found = journal.get(event.id)
            if found is None:
                journal[event.id] = [event]
            else:
                found.append(event)
    return journal, undone


def journal_line(
    journal: Sequence[Event], now_ts: float, undone: set[str] | frozenset[str]
) -> tuple[list[Transition], bool]:
    """The transitions the journal records (creates and moves, none undone), oldest first, and
    whether a create is among them."""
    line: list[Transition] = []
    has_create = False
    for event in journal:
        if event.op not in ("create", "move"):
            continue  # a `settle` line (git sync kept one of two copies) moves nothing
        if undone and (event.undoes or event.key in undone):
            continue
        moment = seconds(event.at, now_ts)  # each event once: caching unique stamps only costs
        state = "open" if event.op == "create" else event.to_state
        if moment is not None and state in _PATHS:
            line.append((moment, state, False))
            has_create = has_create or event.op == "create"
    line.sort(key=_moment)  # stable: same-second moves keep their journal order
    return line, has_create


def timeline(
    task: Task,
    journal: Sequence[Event],
    parse: Callable[[str | None], float | None],
    file_times: Mapping[str, float],
    now_ts: float,
    undone: set[str] | frozenset[str] = frozenset(),
) -> list[Transition]:
    """A task's transitions, oldest first, always ending with its entry into its current folder.
    journal: its events; a move named in `undone` (the keys of moves `pulse undo` reverted) and the
    undo itself never happened. A journal without a create gets the `created` stamp in front when
    that is earlier. Where the journal is silent, or its last state differs from the folder,
    `filled_in` completes the line (the file time is looked up only then)."""
    line, has_create = journal_line(journal, now_ts, undone)
    if line and not has_create:
        created = parse(task.created)
        if created is not None and created < line[0][0]:
            line.insert(0, (created, "open", True))
    if line and line[-1][1] == task.state:
        return line  # the usual case: pulse made every move
    return filled_in(task, line, parse, file_times, now_ts)


def filled_in(
    task: Task,
    line: list[Transition],
    parse: Callable[[str | None], float | None],
    file_times: Mapping[str, float],
    now_ts: float,
) -> list[Transition]:
    """A line that does not end in the task's folder, completed with estimated transitions: with
    no line at all, the stamps its folder allows (none later than its own state's stamp); then, if
    it still does not end there, a move into the folder at the folder's stamp if later, else at the
    file time, else at now."""
    stamps = {"open": task.created, "doing": task.started, "done": task.done}
    stamps["blocked"] = (task.blocked or {}).get("since")
    own = parse(stamps[task.state]) if task.state != "open" else None
    if not line:
        for state in _PATHS[task.state]:
            moment = parse(stamps[state])
            if moment is not None and (own is None or moment <= own):
                line.append((moment, state, True))
        line.sort(key=_moment)
    if not line or line[-1][1] != task.state:
        last = line[-1][0] if line else float("-inf")
        if own is not None and own > last:
            moment = own
        elif (file_time := file_times.get(task.id)) is not None:
            moment = max(min(file_time, now_ts), last)
        else:
            moment = now_ts
        line.append((moment, task.state, True))
    return line
