"""Board metrics: throughput, cycle and lead time, time blocked, cumulative flow and ageing work.

A pure function of (tasks, journal events, now): no file I/O. Each task's history is a timeline
of (moment, state) transitions taken from the journal. Where the journal is silent (a task moved
with plain `mv` or by git) its stamps or its file time fill in; such transitions are "estimated",
and so is every figure that uses one. Calendar days and "today" are in `now`'s time zone.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache, partial
from itertools import accumulate
from operator import itemgetter
from typing import Any

from pulseboard.core.board import STATES, Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.heartbeat import time_box
from pulseboard.core.journal import Event

# A blocker is a wait on someone else, not work, so it is not held to a work time box: it stands
# out in ageing after four boxes (an hour by default) instead of one.
BLOCKED_BOX_FACTOR = 4
# The stamps a task in each folder can honestly have, in the order it gets them.
_PATHS = {"open": ("open",), "doing": ("open", "doing"), "done": ("open", "doing", "done")}
_PATHS["blocked"] = ("open", "doing", "blocked")
_moment = itemgetter(0)
Transition = tuple[float, str, bool]  # (POSIX seconds, the state entered, estimated)


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


def _seconds(stamp: str | None, now_ts: float) -> float | None:
    """A stamp as POSIX seconds, or None if missing or unreadable. No zone means UTC; nothing has
    happened after now, so a stamp from a fast clock counts as now."""
    try:
        moment = dt.datetime.fromisoformat(stamp)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return min(moment.timestamp(), now_ts)


def spread(values: list[float], estimated: int = 0) -> Spread:
    """Median (mean of the two middle values for an even count) and nearest-rank 85th percentile."""
    if not values:
        return Spread(0, None, None, 0)
    values = sorted(values)
    n, mid = len(values), len(values) // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    return Spread(n, median, values[-(-85 * n // 100) - 1], estimated, tuple(values))


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
    undo itself never happened. Without any, the stamps its folder allows (none later than its own
    state's stamp) make the history; a journal without a create gets the `created` stamp in front
    when that is earlier. A last state that differs from the folder gets a move into the folder at
    its stamp if later, else at its file time (looked up only then), else at now."""
    line: list[Transition] = []
    has_create = False
    for event in journal:
        if event.op not in ("create", "move"):
            continue  # a `settle` line (git sync kept one of two copies) moves nothing
        if undone and (event.undoes or event.key in undone):
            continue
        moment = _seconds(event.at, now_ts)  # each event once: caching unique stamps only costs
        state = "open" if event.op == "create" else event.to_state
        if moment is not None and state in _PATHS:
            line.append((moment, state, False))
            has_create = has_create or event.op == "create"
    line.sort(key=_moment)  # stable: same-second moves keep their journal order
    if line and not has_create:
        created = parse(task.created)
        if created is not None and created < line[0][0]:
            line.insert(0, (created, "open", True))
    if line and line[-1][1] == task.state:
        return line  # the usual case: pulse made every move
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
    tz, now_ts, file_times = now.tzinfo, now.timestamp(), file_times or {}
    dates = [now.date() - dt.timedelta(days=days - 1 - i) for i in range(days)]
    starts = [dt.datetime.combine(d, dt.time(), tz).timestamp() for d in dates]
    window = starts[0]
    parse = cache(partial(_seconds, now_ts=now_ts))  # the tasks' stamps: each string parsed once

    on_board = {task.id for task in tasks}
    journal: dict[str, list[Event]] = {}  # by id, in one pass; a deleted task's events are left out
    undone: set[str] = set()
    for event in events:
        if event.undoes:
            undone.add(event.undoes)
        if event.id in on_board:
            found = journal.get(event.id)
            if found is None:
                journal[event.id] = [event]
            else:
                found.append(event)

    velocity, hours, deltas = [0] * days, [0] * 24, {state: [0] * days for state in STATES}
    velocity_estimated, cycles, leads, cycle_est, lead_est = 0, [], [], 0, 0
    blocked_total, blocked_tasks, blocked_est = 0.0, 0, 0
    longest: BlockedInterval | None = None
    ageing: list[Ageing] = []
    for task in tasks:
        line = timeline(task, journal.get(task.id, ()), parse, file_times, now_ts, undone)
        last, _, last_est = line[-1]  # the entry into the task's current folder
        if last < window and task.state in ("open", "done"):  # all history before the window
            deltas[task.state][0] += 1
            continue
        previous, doing_at, was_blocked, est_blocked = None, None, False, False
        for k, (moment, state, estimated) in enumerate(line):
            day = 0 if moment < window else bisect_right(starts, moment) - 1
            deltas[state][day] += 1
            if previous is not None:
                deltas[previous][day] -= 1
            previous = state
            if state == "doing" and doing_at is None:
                doing_at = (moment, estimated)
            elif state == "blocked":  # until the next transition, or now if still blocked
                end = line[k + 1] if k + 1 < len(line) else (now_ts, "", False)
                seconds = end[0] - max(moment, window)
                if seconds > 0 or not end[1]:
                    blocked_total += max(seconds, 0.0)
                    was_blocked, est_blocked = True, est_blocked or estimated or end[2]
                    if seconds > 0 and (
                        longest is None or (seconds, longest.id) > (longest.seconds, task.id)
                    ):
                        longest = BlockedInterval(task.id, seconds)
        blocked_tasks += was_blocked
        blocked_est += est_blocked
        if task.state == "done" and last >= window:
            day = bisect_right(starts, last) - 1
            velocity[day] += 1
            velocity_estimated += last_est
            if day == days - 1:
                hours[dt.datetime.fromtimestamp(last, tz).hour] += 1
            if len(line) > 1:  # else all it knows is the finish: no lead time
                leads.append(last - line[0][0])
                lead_est += line[0][2] or last_est
            if doing_at is not None:
                cycles.append(last - doing_at[0])
                cycle_est += doing_at[1] or last_est
        elif task.state in ("doing", "blocked"):
            age, box = now_ts - last, time_box(task, settings)[0]
            if task.state == "blocked":
                box = settings.box_s * BLOCKED_BOX_FACTOR
            ageing.append(Ageing(task.id, task.state, age, box, age / box, last_est))

    totals = [list(accumulate(deltas[state])) for state in STATES]  # the sweep: running sums by day
    return Stats(
        today=dates[-1],
        days=days,
        done_today=velocity[-1],
        done_per_hour_today=tuple(hours),
        velocity=tuple(DayCount(d, n) for d, n in zip(dates, velocity, strict=True)),
        velocity_estimated=velocity_estimated,
        cycle=spread(cycles, cycle_est),
        lead=spread(leads, lead_est),
        blocked=BlockedTime(blocked_total, blocked_tasks, longest, blocked_est),
        flow=tuple(FlowDay(d, *(counts[i] for counts in totals)) for i, d in enumerate(dates)),
        ageing=tuple(sorted(ageing, key=lambda a: (-a.ratio, a.id, a.state))),
    )
