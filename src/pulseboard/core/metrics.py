"""Board metrics: throughput, cycle and lead time, time blocked, cumulative flow and ageing work.

A pure function of (tasks, journal events, now): no file I/O. `compute` takes each task's timeline
of (moment, state) transitions (core/metrics_history.py: from the journal, or where it is silent,
as with a plain `mv` or a git pull, from stamps or the file time; such transitions are "estimated",
and so is every figure that uses one) and hands it to one tally per figure: `Flow` (cumulative
flow), `Blocked` (time blocked), `Finished` (velocity, cycle and lead time) and `ageing`; `tally`
makes the `Stats` of them. Calendar days and "today" are in `now`'s time zone. The same tallies
serve the incremental figures (core/figures.py), so no result depends on the order tasks come in.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from typing import Any

from pulseboard.core.board import STATES, Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.heartbeat_rules import time_box
from pulseboard.core.journal import Event
from pulseboard.core.metrics_history import Transition, Window, by_task, seconds, timeline

# A blocker is a wait on someone else, not work, so it is not held to a work time box: it stands
# out in ageing after four boxes (an hour by default) instead of one.
BLOCKED_BOX_FACTOR = 4


@dataclass(frozen=True, slots=True)
class DayCount:
    date: dt.date
    count: int


@dataclass(frozen=True, slots=True)
class Spread:
    """Durations in seconds. median_s: the middle value, or for an even count the mean of the two
    middle values; p85_s: nearest rank, the ceil(0.85 * count)-th smallest. None when count is 0.
    estimated: how many of the tasks counted used an estimated transition."""

    count: int
    median_s: float | None
    p85_s: float | None
    estimated: int
    values: tuple[float, ...] = field(default=(), repr=False, compare=False)  # sorted; not in JSON


@dataclass(frozen=True, slots=True)
class BlockedInterval:
    id: str
    seconds: float


@dataclass(frozen=True, slots=True)
class BlockedTime:
    """Time in blocked/ within the window (intervals clipped to it, an open one runs to now).
    tasks: how many spent some of the window blocked, or are blocked now; estimated: how many of
    those tasks have an interval that starts or ends at an estimated transition."""

    total_s: float
    tasks: int
    longest: BlockedInterval | None
    estimated: int


@dataclass(frozen=True, slots=True)
class FlowDay:
    """How many tasks were in each folder at the end of a day (today: at now); fields in STATES order."""

    date: dt.date
    open: int
    doing: int
    done: int
    blocked: int


@dataclass(frozen=True, slots=True)
class Ageing:
    """A task in doing/ or blocked/: how long since it entered that folder, against its box."""

    id: str
    state: str
    age_s: float
    box_s: int
    ratio: float
    estimated: bool


@dataclass(frozen=True, slots=True)
class Stats:
    """The window is the last `days` days, today included. A finished task counts once, on the day
    it last entered done/, and only if it is in done/ now. Cycle time runs from its first entry
    into doing, lead time from its first transition (its creation), to that last entry into done."""

    today: dt.date
    days: int
    done_today: int
    done_per_hour_today: tuple[int, ...]
    velocity: tuple[DayCount, ...]
    velocity_estimated: int
    cycle: Spread
    lead: Spread
    blocked: BlockedTime
    flow: tuple[FlowDay, ...]
    ageing: tuple[Ageing, ...]

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values: dates as YYYY-MM-DD, seconds as numbers, tuples as lists."""
        data = _plain(asdict(self))
        for key in ("cycle", "lead"):
            del data[key]["values"]  # the charts' input: a summary is what scripts want
        return data


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def spread(values: list[float], estimated: int = 0) -> Spread:
    """Median (mean of the two middle values for an even count) and nearest-rank 85th percentile."""
    if not values:
        return Spread(0, None, None, 0)
    values = sorted(values)
    n, mid = len(values), len(values) // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    return Spread(n, median, values[-(-85 * n // 100) - 1], estimated, tuple(values))


class Flow:
    """Cumulative flow. A timeline adds +1 to each state it enters and -1 to the one it leaves, on
    the day of that transition (`day`: a moment's date ordinal), and counts in the state it ends
    in; the count in a state at the end of a day is its count now less what later days added
    (nothing happens after now). `sign` -1 takes a timeline back out."""

    def __init__(self, day: Callable[[float], int]) -> None:
        self.day = day
        self.now = dict.fromkeys(STATES, 0)
        self.deltas: dict[str, dict[int, int]] = {state: {} for state in STATES}

    def before_window(self, state: str) -> None:
        """A task whose whole history is before the window: in its folder on every day of it."""
        self.now[state] += 1

    def add(self, line: Sequence[Transition], sign: int = 1) -> None:
        deltas, day = self.deltas, self.day
        previous = None
        for moment, state, _ in line:
            key = day(moment)
            entered = deltas[state]
            entered[key] = entered.get(key, 0) + sign
            if previous is not None:
                left = deltas[previous]
                left[key] = left.get(key, 0) - sign
            previous = state
        self.now[line[-1][1]] += sign

    def days(self, window: Window) -> tuple[FlowDay, ...]:
        """The counts at the end of each day of the window (the sweep back from now)."""
        ordinals = [d.toordinal() for d in reversed(window.dates)]
        columns = []
        for state in STATES:
            count, deltas, counts = self.now[state], self.deltas[state], []
            for ordinal in ordinals:
                counts.append(count)
                count -= deltas.get(ordinal, 0)
            columns.append(counts[::-1])
        return tuple(FlowDay(d, *(counts[i] for counts in columns)) for i, d in enumerate(window.dates))


class Blocked:
    """Time in blocked/ within the window, task by task (see `BlockedTime`); the total is summed
    exactly (`math.fsum`), whatever order the tasks come in."""

    def __init__(self, window: Window) -> None:
        self.start, self.now_ts = window.start, window.now_ts
        self.stays: list[float] = []
        self.tasks, self.estimated = 0, 0
        self.longest: BlockedInterval | None = None

    @staticmethod
    def last_end(line: Sequence[Transition]) -> float | None:
        """When the task's last stay in blocked/ ended (inf: it is still blocked), or None if it
        never was: a stay ending before the window's start adds nothing to it."""
        for k in range(len(line) - 1, -1, -1):
            if line[k][1] == "blocked":
                return line[k + 1][0] if k + 1 < len(line) else math.inf
        return None

    def add(self, task_id: str, line: Sequence[Transition]) -> None:
        """Each stay in blocked/ runs until the next transition, or to now if still blocked."""
        was_blocked, estimated_any = False, False
        for k, (moment, state, estimated) in enumerate(line):
            if state != "blocked":
                continue
            end = line[k + 1] if k + 1 < len(line) else (self.now_ts, "", False)
            seconds = end[0] - max(moment, self.start)
            if seconds > 0 or not end[1]:
                self.stays.append(max(seconds, 0.0))
                was_blocked, estimated_any = True, estimated_any or estimated or end[2]
                longest = self.longest
                if seconds > 0 and (longest is None or (seconds, longest.id) > (longest.seconds, task_id)):
                    self.longest = BlockedInterval(task_id, seconds)
        self.tasks += was_blocked
        self.estimated += estimated_any

    def time(self) -> BlockedTime:
        return BlockedTime(math.fsum(self.stays), self.tasks, self.longest, self.estimated)


@dataclass(slots=True)
class Finishes:
    """The tasks that last entered done/ on one day (or in one window): when, how many of those
    moments are estimated, and their cycle and lead times (estimated when an end they run
    between is)."""

    moments: list[float] = field(default_factory=list)
    estimated: int = 0
    cycles: list[float] = field(default_factory=list)
    cycle_estimated: int = 0
    leads: list[float] = field(default_factory=list)
    lead_estimated: int = 0


class Finished:
    """What the tasks in done/ did, filed by the day they last entered it (`day`: a moment's date
    ordinal). `sign` -1 takes a task back out; `window` sums a window's days."""

    def __init__(self, day: Callable[[float], int]) -> None:
        self.day = day
        self.days: dict[int, Finishes] = {}

    def add(self, line: Sequence[Transition], sign: int = 1) -> None:
        """A task in done/: its last entry into done/, its first into doing/ (cycle time) and its
        first transition, its creation (lead time)."""
        last, _, last_est = line[-1]
        key = self.day(last)
        day = self.days.get(key)
        if day is None:
            day = self.days[key] = Finishes()
        _put(day.moments, last, sign)
        day.estimated += sign * last_est
        if len(line) > 1:  # else all it knows is the finish: no lead time
            _put(day.leads, last - line[0][0], sign)
            day.lead_estimated += sign * (line[0][2] or last_est)
        started = next((step for step in line if step[1] == "doing"), None)  # its first entry into doing
        if started is not None:
            _put(day.cycles, last - started[0], sign)
            day.cycle_estimated += sign * (started[2] or last_est)
        if not day.moments:
            del self.days[key]

    def window(self, window: Window) -> tuple[list[int], Finishes]:
        """How many finished on each day of the window, and all of them together."""
        days = [self.days.get(d.toordinal()) or Finishes() for d in window.dates]
        total = Finishes()
        for day in days:
            total.moments += day.moments
            total.estimated += day.estimated
            total.cycles += day.cycles
            total.cycle_estimated += day.cycle_estimated
            total.leads += day.leads
            total.lead_estimated += day.lead_estimated
        return [len(day.moments) for day in days], total


def _put(values: list[float], value: float, sign: int) -> None:
    if sign > 0:
        values.append(value)
    else:
        values.remove(value)


def ageing_box(task: Task, settings: HeartbeatSettings) -> int:
    """The seconds a task in doing/ or blocked/ is held to (a blocker's box is longer)."""
    return settings.box_s * BLOCKED_BOX_FACTOR if task.state == "blocked" else time_box(task, settings)[0]


def ageing(task: Task, entered: float, estimated: bool, now_ts: float, settings: HeartbeatSettings) -> Ageing:
    """A task in doing/ or blocked/ since `entered`, against its box."""
    age, box = now_ts - entered, ageing_box(task, settings)
    return Ageing(task.id, task.state, age, box, age / box, estimated)


def ageing_order(a: Ageing) -> tuple[float, str, str, float, int, bool]:
    """Furthest past its box first, then by id; the rest only orders two files of one id."""
    return (-a.ratio, a.id, a.state, -a.age_s, a.box_s, a.estimated)


def tally(
    window: Window, flow: Flow, finished: Finished, blocked: BlockedTime, work: Iterable[Ageing]
) -> Stats:
    """The figures of one window from its tallies, its time blocked and the ageing work in progress."""
    velocity, done = finished.window(window)
    hours = [0] * 24
    for moment in finished.days.get(window.dates[-1].toordinal(), Finishes()).moments:
        hours[dt.datetime.fromtimestamp(moment, window.tz).hour] += 1
    return Stats(
        today=window.dates[-1],
        days=len(window.dates),
        done_today=velocity[-1],
        done_per_hour_today=tuple(hours),
        velocity=tuple(DayCount(d, n) for d, n in zip(window.dates, velocity, strict=True)),
        velocity_estimated=done.estimated,
        cycle=spread(done.cycles, done.cycle_estimated),
        lead=spread(done.leads, done.lead_estimated),
        blocked=blocked,
        flow=flow.days(window),
        ageing=tuple(sorted(work, key=ageing_order)),
    )


def compute(
    tasks: Sequence[Task],
    events: Iterable[Event],
    now: dt.datetime,
    *,
    days: int = 14,
    settings: HeartbeatSettings = HeartbeatSettings(),  # noqa: B008 (frozen, so safe to share)
    file_times: Mapping[str, float] | None = None,
) -> Stats:
    """The board's metrics over the last `days` days (today included), as of `now` (zone-aware).
    file_times: task id -> POSIX time its file last changed place (st_ctime), used only when
    neither the journal nor a stamp says when a task entered its folder."""
    if now.tzinfo is None or days < 1:
        raise ValueError("compute needs a zone-aware now and days >= 1")
    window = Window.of(now, days)
    now_ts, file_times = window.now_ts, file_times or {}
    parse = cache(partial(seconds, now_ts=now_ts))  # the tasks' stamps: each string parsed once
    journal, undone = by_task(events, {task.id for task in tasks})
    flow, finished, blocked, work = Flow(window.ordinal), Finished(window.ordinal), Blocked(window), []
    for task in tasks:
        line = timeline(task, journal.get(task.id, ()), parse, file_times, now_ts, undone)
        last, _, last_est = line[-1]  # the entry into the task's current folder
        if last < window.start and task.state in ("open", "done"):  # all history before the window
            flow.before_window(task.state)
            continue
        flow.add(line)
        blocked.add(task.id, line)
        if task.state == "done":  # and finished within the window (else it was counted above)
            finished.add(line)
        elif task.state in ("doing", "blocked"):
            work.append(ageing(task, last, last_est, now_ts, settings))
    return tally(window, flow, finished, blocked.time(), work)
