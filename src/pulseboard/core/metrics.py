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
from dataclasses import asdict, dataclass
from operator import itemgetter
from typing import Any

from pulseboard.core.board import STATES, Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.heartbeat import time_box
from pulseboard.core.journal import Event

# A blocker is a wait on someone else, not work, so it is not held to a work time box: it stands
# out in ageing after four boxes (an hour by default) instead of one.
BLOCKED_BOX_FACTOR = 4
_PATHS = {  # the stamps a task in each folder can honestly have, in the order it gets them
    "open": ("open",),
    "doing": ("open", "doing"),
    "done": ("open", "doing", "done"),
    "blocked": ("open", "doing", "blocked"),
}
_moment = itemgetter(0)
Transition = tuple[float, str, bool]  # (POSIX seconds, state entered, estimated)


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
    """How many tasks were in each folder at the end of a day (today: at now)."""

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
        return _plain(asdict(self))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value.isoformat() if isinstance(value, dt.date) else value


def _parser(now_ts: float) -> Callable[[str | None], float | None]:
    """Stamp -> POSIX seconds (each distinct string parsed once), clamped to now: nothing has
    happened after now, so a stamp from a fast clock counts as now. A stamp without a zone is UTC."""
    cache: dict[str, float | None] = {}

    def parse(stamp: str | None) -> float | None:
        if not stamp:
            return None
        try:
            return cache[stamp]
        except KeyError:
            pass
        try:
            moment = dt.datetime.fromisoformat(stamp)
            if moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.UTC)
            seconds: float | None = min(moment.timestamp(), now_ts)
        except (TypeError, ValueError):
            seconds = None
        cache[stamp] = seconds
        return seconds

    return parse


def spread(values: list[float], estimated: int = 0) -> Spread:
    """Median (mean of the two middle values for an even count) and nearest-rank 85th percentile."""
    if not values:
        return Spread(0, None, None, 0)
    values = sorted(values)
    n, mid = len(values), len(values) // 2
    median = values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2
    return Spread(n, median, values[-(-85 * n // 100) - 1], estimated)


def timeline(
    task: Task,
    journal: list[Transition],
    has_create: bool,
    parse: Callable[[str | None], float | None],
    file_time: float | None,
    now_ts: float,
) -> list[Transition]:
    """A task's transitions, oldest first, always ending with its entry into its current folder.
    journal: its journal transitions, oldest first. Without any, the stamps its folder allows
    (none later than its own state's stamp) make the history; a journal without a create gets the
    `created` stamp in front when that is earlier. A last state that differs from the folder gets a
    move into the folder at its stamp if later, else at its file time, else at now."""
    line = journal  # copied before any change: a duplicated id shares it
    if line and not has_create:
        created = parse(task.created)
        if created is not None and created < line[0][0]:
            line = [(created, "open", True), *line]
    if line and line[-1][1] == task.state:
        return line  # the usual case: pulse made every move
    stamps = {"open": task.created, "doing": task.started, "done": task.done}
    stamps["blocked"] = (task.blocked or {}).get("since")
    own = parse(stamps[task.state]) if task.state != "open" else None
    if not line:
        line = []
        for state in _PATHS[task.state]:
            moment = parse(stamps[state])
            if moment is not None and (own is None or moment <= own):
                line.append((moment, state, True))
        line.sort(key=_moment)
    if not line or line[-1][1] != task.state:
        last = line[-1][0] if line else float("-inf")
        if own is not None and own > last:
            moment = own
        elif file_time is not None:
            moment = max(min(file_time, now_ts), last)
        else:
            moment = now_ts
        line = [*line, (moment, task.state, True)]
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
    parse = _parser(now_ts)

    on_board = {task.id for task in tasks}
    journal: dict[str, list[Transition]] = {}
    created: set[str] = set()
    for event in events:
        if event.id not in on_board:
            continue  # a deleted task
        state = "open" if event.op == "create" else event.to_state
        moment = parse(event.at)
        if moment is None or state not in _PATHS:
            continue
        if event.op == "create":
            created.add(event.id)
        found = journal.get(event.id)
        if found is None:
            journal[event.id] = [(moment, state, False)]
        else:
            found.append((moment, state, False))
    for found in journal.values():
        if len(found) > 1:
            found.sort(key=_moment)  # stable: same-second moves keep their journal order

    velocity, hours, deltas = [0] * days, [0] * 24, {state: [0] * days for state in STATES}
    velocity_estimated, cycles, leads, cycle_est, lead_est = 0, [], [], 0, 0
    blocked_total, blocked_tasks, blocked_est = 0.0, 0, 0
    longest: BlockedInterval | None = None
    ageing: list[Ageing] = []
    for task in tasks:
        line = timeline(
            task, journal.get(task.id, []), task.id in created, parse, file_times.get(task.id), now_ts
        )
        previous, doing_at, was_blocked, est_blocked = None, None, False, False
        for k, (moment, state, estimated) in enumerate(line):
            day = 0 if moment < window else bisect_right(starts, moment) - 1
            deltas[state][day] += 1
            if previous is not None:
                deltas[previous][day] -= 1
            previous = state
            if state == "doing" and doing_at is None:
                doing_at = (moment, estimated)
            elif state == "blocked":
                end, end_est = (line[k + 1][0], line[k + 1][2]) if k + 1 < len(line) else (now_ts, False)
                seconds = min(end, now_ts) - max(moment, window)
                if seconds > 0 or (k + 1 == len(line)):
                    blocked_total += max(seconds, 0.0)
                    was_blocked, est_blocked = True, est_blocked or estimated or end_est
                    if seconds > 0 and (longest is None or (seconds, longest.id) > (longest.seconds, task.id)):
                        longest = BlockedInterval(task.id, seconds)
        blocked_tasks += was_blocked
        blocked_est += est_blocked
        last, _, last_est = line[-1]  # the entry into the task's current folder
        if task.state == "done" and last >= window:
            day = bisect_right(starts, last) - 1
            velocity[day] += 1
            velocity_estimated += last_est
            if day == days - 1:
                hours[dt.datetime.fromtimestamp(last, tz).hour] += 1
            leads.append(last - line[0][0])
            lead_est += line[0][2] or last_est
            if doing_at is not None:
                cycles.append(last - doing_at[0])
                cycle_est += doing_at[1] or last_est
        elif task.state in ("doing", "blocked"):
            box = time_box(task, settings)[0] if task.state == "doing" else settings.box_s * BLOCKED_BOX_FACTOR
            age = now_ts - last
            ageing.append(Ageing(task.id, task.state, age, box, age / box, last_est))

    flow, counts = [], dict.fromkeys(STATES, 0)
    for i, date in enumerate(dates):
        for state in STATES:
            counts[state] += deltas[state][i]
        flow.append(FlowDay(date, counts["open"], counts["doing"], counts["done"], counts["blocked"]))
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
        flow=tuple(flow),
        ageing=tuple(sorted(ageing, key=lambda a: (-a.ratio, a.id, a.state))),
    )
