"""Board metrics: throughput, cycle and lead time, time blocked, cumulative flow and ageing work.

A pure function of (tasks, journal events, now): no file I/O. `compute` takes each task's timeline
of (moment, state) transitions (core/metrics_history.py: from the journal, or where it is silent,
as with a plain `mv` or a git pull, from stamps or the file time; such transitions are "estimated",
and so is every figure that uses one) and hands it to one tally per figure: `Flow` (cumulative
flow), `Blocked` (time blocked), `Finished` (velocity, cycle and lead time) and `ageing`. Calendar
days and "today" are in `now`'s time zone.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from itertools import accumulate
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
    """Cumulative flow: how many tasks entered (+1) and left (-1) each folder on each day of the
    window (anything earlier counts on its first day); the running sums are the counts at each
    day's end."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.deltas = {state: [0] * len(window.dates) for state in STATES}

    def before_window(self, state: str) -> None:
        """A task whose whole history is before the window: in its folder from the first day."""
        self.deltas[state][0] += 1

    def add(self, line: Sequence[Transition]) -> None:
        deltas, starts, start = self.deltas, self.window.starts, self.window.start
        previous = None
        for moment, state, _ in line:
            day = 0 if moment < start else bisect_right(starts, moment) - 1
            deltas[state][day] += 1
            if previous is not None:
                deltas[previous][day] -= 1
            previous = state

    def days(self) -> tuple[FlowDay, ...]:
        totals = [list(accumulate(self.deltas[state])) for state in STATES]  # the sweep: running sums
        return tuple(FlowDay(d, *(counts[i] for counts in totals)) for i, d in enumerate(self.window.dates))


class Blocked:
    """Time in blocked/ within the window, task by task (see `BlockedTime`)."""

    def __init__(self, window: Window) -> None:
        self.start, self.now_ts = window.start, window.now_ts
        self.total_s, self.tasks, self.estimated = 0.0, 0, 0
        self.longest: BlockedInterval | None = None

    def add(self, task_id: str, line: Sequence[Transition]) -> None:
        """Each stay in blocked/ runs until the next transition, or to now if still blocked."""
        was_blocked, estimated_any = False, False
        for k, (moment, state, estimated) in enumerate(line):
            if state != "blocked":
                continue
            end = line[k + 1] if k + 1 < len(line) else (self.now_ts, "", False)
            seconds = end[0] - max(moment, self.start)
            if seconds > 0 or not end[1]:
                self.total_s += max(seconds, 0.0)
                was_blocked, estimated_any = True, estimated_any or estimated or end[2]
                longest = self.longest
                if seconds > 0 and (longest is None or (seconds, longest.id) > (longest.seconds, task_id)):
                    self.longest = BlockedInterval(task_id, seconds)
        self.tasks += was_blocked
        self.estimated += estimated_any

    def time(self) -> BlockedTime:
        return BlockedTime(self.total_s, self.tasks, self.longest, self.estimated)


class Finished:
    """What the tasks finished in the window did: velocity by day, today's finishes by hour, and
    cycle and lead times (estimated when an end they run between is)."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.velocity, self.hours, self.velocity_estimated = [0] * len(window.dates), [0] * 24, 0
        self.cycles: list[float] = []
        self.leads: list[float] = []
        self.cycle_estimated, self.lead_estimated = 0, 0

    def add(self, line: Sequence[Transition]) -> None:
        """A task in done/ whose last entry into it is within the window."""
        last, _, last_est = line[-1]
        day = self.window.day(last)
        self.velocity[day] += 1
        self.velocity_estimated += last_est
        if day == len(self.velocity) - 1:
            self.hours[dt.datetime.fromtimestamp(last, self.window.tz).hour] += 1
        if len(line) > 1:  # else all it knows is the finish: no lead time
            self.leads.append(last - line[0][0])
            self.lead_estimated += line[0][2] or last_est
        started = next((step for step in line if step[1] == "doing"), None)  # its first entry into doing
        if started is not None:
            self.cycles.append(last - started[0])
            self.cycle_estimated += started[2] or last_est


def ageing(task: Task, entered: float, estimated: bool, now_ts: float, settings: HeartbeatSettings) -> Ageing:
    """A task in doing/ or blocked/ since `entered`, against its box (a blocker's is longer)."""
    age = now_ts - entered
    box = settings.box_s * BLOCKED_BOX_FACTOR if task.state == "blocked" else time_box(task, settings)[0]
    return Ageing(task.id, task.state, age, box, age / box, estimated)


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
    flow, blocked, finished, ageing_work = Flow(window), Blocked(window), Finished(window), []
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
            ageing_work.append(ageing(task, last, last_est, now_ts, settings))
    return Stats(
        today=window.dates[-1],
        days=days,
        done_today=finished.velocity[-1],
        done_per_hour_today=tuple(finished.hours),
        velocity=tuple(DayCount(d, n) for d, n in zip(window.dates, finished.velocity, strict=True)),
        velocity_estimated=finished.velocity_estimated,
        cycle=spread(finished.cycles, finished.cycle_estimated),
        lead=spread(finished.leads, finished.lead_estimated),
        blocked=blocked.time(),
        flow=flow.days(),
        ageing=tuple(sorted(ageing_work, key=lambda a: (-a.ratio, a.id, a.state))),
    )
