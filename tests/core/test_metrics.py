"""Board metrics against hand-computed figures, with a fixed clock and synthetic histories, and a
property: for random small histories compute() never crashes, velocity counts every done task
finished in the window once, and the last day of the flow is the board as it is now."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.helpers import memory_task as task

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.journal import Event
from pulseboard.core.metrics import (
    Ageing,
    BlockedInterval,
    BlockedTime,
    DayCount,
    FlowDay,
    Spread,
    Stats,
    compute,
    spread,
)

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
NO_BLOCKS = BlockedTime(0.0, 0, None, 0)
NO_SPREAD = Spread(0, None, None, 0)


def at(day: int, hour: int, minute: int = 0) -> str:
    """A stamp in November 2026, UTC."""
    return f"2026-11-{day:02d}T{hour:02d}:{minute:02d}:00Z"


def ts(day: int, hour: int, minute: int = 0) -> float:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=dt.UTC).timestamp()


def D(day: int) -> dt.date:
    return dt.date(2026, 11, day)


def history(task_id: str, *steps: tuple[str, str]) -> list[Event]:
    """Journal events: the first step is the create (into open), each next one a move."""
    (first, _), *moves = steps
    events = [Event(first, "create", task_id, f"{task_id}.md", None, "open", "me")]
    previous = "open"
    for stamp, state in moves:
        events.append(Event(stamp, "move", task_id, f"{task_id}.md", previous, state, "me"))
        previous = state
    return events


def hours(**counts: int) -> tuple[int, ...]:
    """24 hourly counts from h9=1 style keywords."""
    return tuple(counts.get(f"h{h}", 0) for h in range(24))


def velocity(first_day: int, *counts: int) -> tuple[DayCount, ...]:
    return tuple(DayCount(D(first_day + i), n) for i, n in enumerate(counts))


def flow(first_day: int, *rows: tuple[int, int, int, int]) -> tuple[FlowDay, ...]:
    """(open, doing, done, blocked) per day from first_day."""
    return tuple(FlowDay(D(first_day + i), *row) for i, row in enumerate(rows))


def test_normal_history() -> None:
    tasks = [
        task("o1", "done"), task("n1", "done"), task("n2", "done"), task("n3", "done"),
        task("n4", "done"), task("n5", "doing"), task("n6"),
    ]  # fmt: skip
    events = [
        *history("o1", (at(1, 9), "open"), (at(1, 9, 10), "doing"), (at(1, 9, 30), "done")),  # before window
        *history("n1", (at(19, 9), "open"), (at(19, 9, 10), "doing"), (at(19, 9, 40), "done")),
        *history("n2", (at(19, 10), "open"), (at(21, 8), "doing"), (at(21, 8, 20), "done")),
        *history("n6", (at(20, 15), "open")),
        *history("n5", (at(21, 9), "open"), (at(22, 11), "doing")),
        *history("n3", (at(22, 8), "open"), (at(22, 9), "doing"), (at(22, 9, 45), "done")),
        *history("n4", (at(22, 10), "open"), (at(22, 10, 5), "doing"), (at(22, 10, 30), "done")),
    ]
    stats = compute(tasks, events, NOW, days=4)  # window: 19th 00:00 -> 22nd 12:00
    assert stats == Stats(
        today=D(22),
        days=4,
        done_today=2,  # n3 and n4
        done_per_hour_today=hours(h9=1, h10=1),  # n3 at 09:45, n4 at 10:30
        velocity=velocity(19, 1, 0, 1, 2),  # n1 on the 19th, n2 on the 21st; o1 is before the window
        velocity_estimated=0,
        # cycle: n1 09:10 -> 09:40 = 1800; n2 08:00 -> 08:20 = 1200; n3 09:00 -> 09:45 = 2700;
        # n4 10:05 -> 10:30 = 1500. Sorted 1200 1500 1800 2700: median (1500 + 1800) / 2 = 1650;
        # p85 rank ceil(0.85 * 4) = 4 -> 2700
        cycle=Spread(4, 1650.0, 2700.0, 0),
        # lead: n1 09:00 -> 09:40 = 2400; n2 19th 10:00 -> 21st 08:20 = 172800 - 6000 = 166800;
        # n3 08:00 -> 09:45 = 6300; n4 10:00 -> 10:30 = 1800. Sorted 1800 2400 6300 166800:
        # median (2400 + 6300) / 2 = 4350; p85 rank 4 -> 166800
        lead=Spread(4, 4350.0, 166800.0, 0),
        blocked=NO_BLOCKS,
        flow=flow(
            19,
            (1, 0, 2, 0),  # 19th: n2 open; o1, n1 done
            (2, 0, 2, 0),  # 20th: + n6 open
            (2, 0, 3, 0),  # 21st: n2 done; n5 created (open)
            (1, 1, 5, 0),  # 22nd at noon: n6 open; n5 doing; o1 n1 n2 n3 n4 done
        ),
        # n5 in doing since 11:00 -> 3600 s against the default 900 s box: 4.0
        ageing=(Ageing("n5", "doing", 3600.0, 900, 4.0, False),),
    )


def test_a_day_with_no_work() -> None:
    tasks = [task("w1", "done"), task("w2", "done")]
    events = [
        *history("w1", (at(20, 9), "open"), (at(20, 9, 5), "doing"), (at(20, 9, 20), "done")),
        # nothing at all on the 21st
        *history("w2", (at(22, 8), "open"), (at(22, 8, 10), "doing"), (at(22, 8, 30), "done")),
    ]
    stats = compute(tasks, events, NOW, days=3)
    assert stats.velocity == velocity(20, 1, 0, 1)
    assert stats.flow == flow(20, (0, 0, 1, 0), (0, 0, 1, 0), (0, 0, 2, 0))  # the 21st as the 20th
    assert (stats.done_today, stats.done_per_hour_today) == (1, hours(h8=1))
    # cycle: w1 09:05 -> 09:20 = 900; w2 08:10 -> 08:30 = 1200; median (900 + 1200) / 2 = 1050;
    # p85 rank ceil(0.85 * 2) = 2 -> 1200
    assert stats.cycle == Spread(2, 1050.0, 1200.0, 0)
    # lead: w1 09:00 -> 09:20 = 1200; w2 08:00 -> 08:30 = 1800; median 1500; p85 1800
    assert stats.lead == Spread(2, 1500.0, 1800.0, 0)


def test_reopened_after_done() -> None:
    tasks = [task("r1", "open"), task("r2", "done")]
    events = [
        # r1: done on the 20th, reopened the same day and never finished again: counts nowhere
        *history("r1", (at(20, 9), "open"), (at(20, 9, 10), "doing"), (at(20, 9, 30), "done"),
                 (at(20, 14), "open")),
        # r2: done on the 20th, back to doing on the 21st, finished again today at 11:00
        *history("r2", (at(20, 10), "open"), (at(20, 10, 10), "doing"), (at(20, 10, 40), "done"),
                 (at(21, 9), "doing"), (at(22, 11), "done")),
    ]  # fmt: skip
    stats = compute(tasks, events, NOW, days=3)
    assert stats == Stats(
        today=D(22),
        days=3,
        done_today=1,
        done_per_hour_today=hours(h11=1),
        velocity=velocity(20, 0, 0, 1),  # r2 once, on the day of its last finish
        velocity_estimated=0,
        # r2's first doing 20th 10:10 -> last done 22nd 11:00 = 2 days + 50 min = 172800 + 3000
        cycle=Spread(1, 175800.0, 175800.0, 0),
        # r2 created 20th 10:00 -> 22nd 11:00 = 172800 + 3600
        lead=Spread(1, 176400.0, 176400.0, 0),
        blocked=NO_BLOCKS,
        flow=flow(20, (1, 0, 1, 0), (1, 1, 0, 0), (1, 0, 1, 0)),  # r2: done, doing, done again
        ageing=(),
    )


def test_moves_outside_pulse_are_estimated() -> None:
    tasks = [
        task("x1", "done", done=at(21, 10)),  # journal stops at doing; the done stamp says when
        task("x2", "done"),  # journal stops at doing, no stamp: its file time says when
        task("x3", "done", created=at(21, 13), started=at(21, 13, 20), done=at(21, 14)),  # no journal
        task("x4", "open", created=at(21, 14, 30), started=at(21, 14, 40), done=at(21, 15)),  # leftovers
        task("x5", "doing", started=at(22, 11, 30)),  # moved to doing by hand, stamp set
        task("x6", "doing"),  # moved to doing by hand: no stamp, no file time -> now
        task("x7", "done", created=at(22, 8)),  # created by hand, then moved by pulse
    ]
    events = [
        *history("x1", (at(21, 9), "open"), (at(21, 9, 30), "doing")),
        *history("x2", (at(21, 11), "open"), (at(21, 11, 10), "doing")),
        *history("x5", (at(21, 16), "open")),
        *history("x6", (at(21, 17), "open")),
        Event(at(22, 9), "move", "x7", "x7.md", "open", "doing", "me"),
        Event(at(22, 9, 20), "move", "x7", "x7.md", "doing", "done", "me"),
    ]
    file_times = {"x2": ts(22, 8), "x1": ts(22, 10)}  # x1's is ignored: its done stamp is later
    stats = compute(tasks, events, NOW, days=2, file_times=file_times)
    assert stats == Stats(
        today=D(22),
        days=2,
        done_today=2,  # x2 (file time 08:00) and x7 (09:20)
        done_per_hour_today=hours(h8=1, h9=1),
        velocity=velocity(21, 2, 2),  # 21st: x1 (10:00), x3 (14:00)
        velocity_estimated=3,  # x1, x2, x3 finished outside pulse; x7's finish is in the journal
        # cycle: x1 09:30 -> 10:00 = 1800 (est); x2 21st 11:10 -> 22nd 08:00 = 20h50m = 75000 (est);
        # x3 13:20 -> 14:00 = 2400 (est); x7 09:00 -> 09:20 = 1200 (journal).
        # Sorted 1200 1800 2400 75000: median (1800 + 2400) / 2 = 2100; p85 rank 4 -> 75000
        cycle=Spread(4, 2100.0, 75000.0, 3),
        # lead: x1 09:00 -> 10:00 = 3600 (est); x2 21st 11:00 -> 22nd 08:00 = 21h = 75600 (est);
        # x3 13:00 -> 14:00 = 3600 (est); x7 created stamp 08:00 -> 09:20 = 4800 (est: the stamp).
        # Sorted 3600 3600 4800 75600: median (3600 + 4800) / 2 = 4200; p85 rank 4 -> 75600
        lead=Spread(4, 4200.0, 75600.0, 4),
        blocked=NO_BLOCKS,
        flow=flow(
            21,
            (3, 1, 2, 0),  # 21st: x4 x5 x6 open; x2 doing; x1 x3 done; x7 not created yet
            (1, 2, 4, 0),  # 22nd: x4 open; x5 x6 doing; x1 x2 x3 x7 done
        ),
        ageing=(
            Ageing("x5", "doing", 1800.0, 900, 2.0, True),  # started 11:30 -> noon = 1800 / 900
            Ageing("x6", "doing", 0.0, 900, 0.0, True),  # entered doing "now": nothing tells when
        ),
    )


def test_blocked_time_is_clipped_to_the_window_and_runs_to_now() -> None:
    tasks = [
        task("b1", "done"),
        task("b2", "blocked", blocked={"reason": "r", "waiting_on": None, "since": at(21, 12)}),
        task("b3", "open"),
        task(
            "b4",
            "blocked",
            created=at(22, 9),
            blocked={"reason": "r", "waiting_on": None, "since": at(22, 10)},
        ),
    ]
    events = [
        # b1: blocked from the 20th 12:00 to the 21st 06:00; the window starts on the 21st 00:00
        *history("b1", (at(19, 9), "open"), (at(19, 10), "doing"), (at(20, 12), "blocked"),
                 (at(21, 6), "doing"), (at(21, 7), "done")),
        # b2: blocked 09:00 -> 10:00 on the 21st, then again from 12:00 and still
        *history("b2", (at(21, 8), "open"), (at(21, 9), "blocked"), (at(21, 10), "open"),
                 (at(21, 11), "doing"), (at(21, 12), "blocked")),
        # b3: blocked only before the window
        *history("b3", (at(18, 9), "open"), (at(18, 10), "blocked"), (at(18, 11), "open")),
        # b4: blocked by hand (no journal): its stamps say 10:00 today
    ]  # fmt: skip
    stats = compute(tasks, events, NOW, days=2)
    assert stats == Stats(
        today=D(22),
        days=2,
        done_today=0,
        done_per_hour_today=hours(),
        velocity=velocity(21, 1, 0),  # b1 on the 21st
        velocity_estimated=0,
        cycle=Spread(1, 162000.0, 162000.0, 0),  # b1 19th 10:00 -> 21st 07:00 = 45h = 162000
        lead=Spread(1, 165600.0, 165600.0, 0),  # b1 19th 09:00 -> 21st 07:00 = 46h = 165600
        # b1: 00:00 -> 06:00 = 21600 (clipped); b2: 09:00 -> 10:00 = 3600, plus 21st 12:00 -> now
        # = 86400; b4: 10:00 -> 12:00 = 7200 (estimated). 21600 + 3600 + 86400 + 7200 = 118800
        blocked=BlockedTime(118800.0, 3, BlockedInterval("b2", 86400.0), 1),
        flow=flow(21, (1, 0, 1, 1), (1, 0, 1, 2)),  # b3 open, b1 done, b2 blocked; + b4 blocked
        ageing=(
            Ageing("b2", "blocked", 86400.0, 3600, 24.0, False),  # 24h against 4 x 900 s
            Ageing("b4", "blocked", 7200.0, 3600, 2.0, True),
        ),
    )


def test_an_undone_move_never_happened() -> None:
    started = Event(at(22, 8, 30), "move", "u1", "u1.md", "open", "doing", "me")  # by mistake
    events = [
        *history("u1", (at(22, 8), "open")),
        started,
        Event(at(22, 8, 31), "move", "u1", "u1.md", "doing", "open", "me", undoes=started.key),
        Event(at(22, 10), "move", "u1", "u1.md", "open", "doing", "me"),
        Event(at(22, 10, 20), "move", "u1", "u1.md", "doing", "done", "me"),
    ]
    stats = compute([task("u1", "done")], events, NOW, days=1)
    assert stats.cycle == Spread(1, 1200.0, 1200.0, 0)  # 10:00 -> 10:20, not from the undone 08:30
    assert stats.lead == Spread(1, 8400.0, 8400.0, 0)  # 08:00 -> 10:20 = 2h20m


def test_events_of_deleted_tasks_are_ignored() -> None:
    tasks = [task("k1", "open")]
    kept = history("k1", (at(22, 9), "open"))
    gone = history("gone", (at(21, 9), "open"), (at(22, 9), "doing"), (at(22, 10), "blocked"),
                   (at(22, 11), "done"))  # fmt: skip
    assert compute(tasks, kept + gone, NOW, days=3) == compute(tasks, kept, NOW, days=3)
    stats = compute(tasks, gone + kept, NOW, days=3)
    assert stats.velocity == velocity(20, 0, 0, 0) and stats.blocked == NO_BLOCKS
    assert stats.flow == flow(20, (0, 0, 0, 0), (0, 0, 0, 0), (1, 0, 0, 0))


def test_an_unreadable_task_counts_by_its_folder() -> None:
    broken = task("e1", "done", error="bad YAML on line 2")  # no stamps: the parse failed
    stats = compute([broken], [], NOW, days=2, file_times={"e1": ts(22, 7, 30)})
    assert stats.velocity == velocity(21, 0, 1) and stats.velocity_estimated == 1
    assert stats.done_per_hour_today == hours(h7=1)
    assert stats.lead == NO_SPREAD  # all it tells is when it arrived in done: no creation, no lead
    assert stats.cycle == NO_SPREAD  # never seen in doing
    assert stats.flow == flow(21, (0, 0, 0, 0), (0, 0, 1, 0))


def test_an_empty_board() -> None:
    stats = compute([], [], NOW)
    assert stats == Stats(
        today=D(22),
        days=14,
        done_today=0,
        done_per_hour_today=(0,) * 24,
        velocity=velocity(9, *[0] * 14),  # 9th to 22nd
        velocity_estimated=0,
        cycle=NO_SPREAD,
        lead=NO_SPREAD,
        blocked=NO_BLOCKS,
        flow=flow(9, *[(0, 0, 0, 0)] * 14),
        ageing=(),
    )
    assert stats.to_json()["cycle"] == {"count": 0, "median_s": None, "p85_s": None, "estimated": 0}


@pytest.mark.parametrize(
    ("values", "median", "p85"),
    [
        ([600.0], 600.0, 600.0),  # one value is both
        ([900.0, 300.0], 600.0, 900.0),  # median (300 + 900) / 2; p85 rank ceil(1.7) = 2 -> 900
        # sorted 60 120 180 240 300 420 600: median the 4th = 240; p85 rank ceil(5.95) = 6 -> 420
        ([600.0, 60.0, 420.0, 120.0, 300.0, 180.0, 240.0], 240.0, 420.0),
    ],
)
def test_percentiles(values: list[float], median: float, p85: float) -> None:
    assert spread(values) == Spread(len(values), median, p85, 0)


def test_seven_cycle_times_through_compute() -> None:
    minutes = [10, 1, 7, 2, 5, 3, 4]  # the same seven values as above, in minutes
    tasks = [task(f"c{i}", "done") for i in range(7)]
    events = [
        e
        for i, m in enumerate(minutes)
        for e in history(f"c{i}", (at(22, 8), "open"), (at(22, 9), "doing"), (at(22, 9, m), "done"))
    ]
    stats = compute(tasks, events, NOW, days=1)
    assert stats.cycle == Spread(7, 240.0, 420.0, 0)
    assert stats.cycle.values == (60.0, 120.0, 180.0, 240.0, 300.0, 420.0, 600.0)  # sorted, for charts
    # lead = cycle + 3600 each: median 3840, p85 4020
    assert stats.lead == Spread(7, 3840.0, 4020.0, 0)
    # hours: the finishes are at 09:01 .. 09:10
    assert stats.done_today == 7 and stats.done_per_hour_today == hours(h9=7)


def test_ageing_ranks_by_ratio_then_id() -> None:
    tasks = [
        task("d3", "doing"), task("d2", "doing", estimate=3600), task("d1", "doing"), task("d4", "doing"),
        task("b1", "blocked"),
    ]  # fmt: skip
    events = [
        *history("d1", (at(22, 8), "open"), (at(22, 11, 30), "doing")),  # 1800 / 900 = 2.0
        *history("d2", (at(22, 8), "open"), (at(22, 10), "doing")),  # 7200 / 3600 (estimate) = 2.0
        *history("d3", (at(22, 8), "open"), (at(22, 11, 50), "doing")),  # 600 / 900 = 0.666...
        *history("d4", (at(22, 8), "open"), (at(22, 11), "doing")),  # 3600 / 900 = 4.0
        *history("b1", (at(22, 8), "open"), (at(22, 10), "blocked")),  # 7200 / (4 x 900) = 2.0
    ]
    ranked = compute(tasks, events, NOW, days=1).ageing
    assert [(a.id, a.ratio) for a in ranked] == [
        ("d4", 4.0), ("b1", 2.0), ("d1", 2.0), ("d2", 2.0), ("d3", 600 / 900),
    ]  # fmt: skip
    # a 10-minute box: b1 gets 4 x 600 = 2400 -> 7200 / 2400 = 3.0; d1 1800 / 600 = 3.0; d4 6.0
    ranked = compute(tasks, events, NOW, days=1, settings=HeartbeatSettings(box_s=600)).ageing
    assert [(a.id, a.box_s, a.ratio) for a in ranked][:3] == [
        ("d4", 600, 6.0),
        ("b1", 2400, 3.0),
        ("d1", 600, 3.0),
    ]


def test_days_follow_nows_time_zone() -> None:
    plus5 = dt.timezone(dt.timedelta(hours=5))
    now = dt.datetime(2026, 11, 22, 3, 0, tzinfo=plus5)  # = the 21st 22:00 UTC
    tasks = [task("z1", "done"), task("z2", "done")]
    events = [
        *history("z1", (at(21, 19), "open"), (at(21, 20), "done")),  # the 22nd 01:00 at +05:00
        *history("z2", (at(21, 18), "open"), (at(21, 18, 30), "done")),  # the 21st 23:30 at +05:00
    ]
    stats = compute(tasks, events, now, days=2)
    assert stats.velocity == velocity(21, 1, 1) and stats.done_per_hour_today == hours(h1=1)


def test_to_json_is_plain_and_stable() -> None:
    tasks = [task("j1", "blocked")]
    stats = compute(tasks, history("j1", (at(22, 9), "open"), (at(22, 10), "blocked")), NOW, days=1)
    data = json.loads(json.dumps(stats.to_json()))
    assert list(data) == [
        "today", "days", "done_today", "done_per_hour_today", "velocity", "velocity_estimated", "cycle",
        "lead", "blocked", "flow", "ageing",
    ]  # fmt: skip
    assert data["velocity"] == [{"date": "2026-11-22", "count": 0}]
    assert data["blocked"] == {"total_s": 7200.0, "tasks": 1, "longest": {"id": "j1", "seconds": 7200.0},
                               "estimated": 0}  # fmt: skip
    assert data["flow"] == [{"date": "2026-11-22", "open": 0, "doing": 0, "done": 0, "blocked": 1}]
    assert data["ageing"] == [
        {"id": "j1", "state": "blocked", "age_s": 7200.0, "box_s": 3600, "ratio": 2.0, "estimated": False}
    ]


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError):
        compute([], [], NOW.replace(tzinfo=None))


# A random small history per task: strictly increasing minutes before NOW, each with the state it
# entered (the first is the creation). How the board learnt of it: "journal" (every step in the
# journal), "outside" (the last step was a plain mv: the folder's stamp, or for open the file time,
# says when) or "none" (no journal: the created stamp and the folder's stamp say when).
STATES = ("open", "doing", "done", "blocked")
HISTORY = st.tuples(
    st.lists(st.integers(0, 6 * 1440), min_size=1, max_size=6, unique=True).map(lambda m: sorted(m)[::-1]),
    st.lists(st.sampled_from(STATES), min_size=6, max_size=6),
    st.sampled_from(["journal", "outside", "none"]),
)


def minutes_ago(m: int) -> str:
    return (NOW - dt.timedelta(minutes=m)).strftime("%Y-%m-%dT%H:%M:%SZ")


def board_from(histories: list[tuple[list[int], list[str], str]]) -> tuple[list[Task], list[Event], dict]:
    tasks, events, file_times = [], [], {}
    for i, (moments, states, how) in enumerate(histories):
        steps = list(zip([minutes_ago(m) for m in moments], ["open", *states[1:]], strict=False))
        tid, (last_stamp, state) = f"t{i}", steps[-1]
        if how == "outside" and len(steps) > 1 and steps[-2][1] != state:
            journal = history(tid, *steps[:-1])  # the last move was made outside pulse
        elif how == "none":
            journal = []
        else:
            journal = history(tid, *steps)
        events += journal
        own = {"doing": "started", "done": "done"}.get(state)
        fields: dict[str, Any] = {"created": steps[0][0]}
        if own:
            fields[own] = last_stamp
        if state == "blocked":
            fields["blocked"] = {"reason": "r", "waiting_on": None, "since": last_stamp}
        if state == "open":
            file_times[tid] = (NOW - dt.timedelta(minutes=moments[-1])).timestamp()
        tasks.append(task(tid, state, **fields))
    events += history("deleted", (minutes_ago(30), "open"), (minutes_ago(20), "done"))
    return tasks, events, file_times


@settings(max_examples=300, deadline=None)
@given(histories=st.lists(HISTORY, max_size=8), days=st.integers(1, 5))
def test_property_velocity_and_flow_agree_with_the_board(histories: list, days: int) -> None:
    tasks, events, file_times = board_from(histories)
    stats = compute(tasks, events, NOW, days=days, file_times=file_times)
    window = dt.datetime.combine(NOW.date() - dt.timedelta(days=days - 1), dt.time(), dt.UTC)
    finished = sum(
        1
        for (moments, _, _), t in zip(histories, tasks, strict=True)
        if t.state == "done" and NOW - dt.timedelta(minutes=moments[-1]) >= window
    )
    assert sum(d.count for d in stats.velocity) == finished >= stats.lead.count
    last = stats.flow[-1]
    assert [last.open, last.doing, last.done, last.blocked] == [
        sum(t.state == s for t in tasks) for s in STATES
    ]
    assert len(stats.flow) == len(stats.velocity) == days
    assert 0 <= stats.blocked.total_s <= len(tasks) * (NOW - window).total_seconds()
    assert [a.ratio for a in stats.ageing] == sorted((a.ratio for a in stats.ageing), reverse=True)
    assert all(x >= 0 for s in (stats.cycle, stats.lead) for x in (s.median_s or 0, s.p85_s or 0))
    json.dumps(stats.to_json())


@pytest.mark.skipif(os.environ.get("PULSE_BENCH") != "1", reason="timing check: set PULSE_BENCH=1")
def test_speed_at_100k_tasks() -> None:
    tasks, events = [], []
    for i in range(100_000):
        tid, base = f"t{i:06d}", i * 5  # one task every 5 minutes, a year back
        state = ("done", "done", "done", "done", "done", "done", "done", "open", "doing", "blocked")[i % 10]
        moves = [(minutes_ago(base + 40), "open"), (minutes_ago(base + 30), "doing")]
        if state in ("done", "blocked"):
            moves.append((minutes_ago(base + 10), state))
        events += history(tid, *moves)
        tasks.append(task(tid, state, created=moves[0][0]))
    started = time.perf_counter()
    stats = compute(tasks, events, NOW)
    elapsed = time.perf_counter() - started
    assert stats.flow[-1].done == 70_000
    assert elapsed < 1.0, f"{elapsed:.2f} s"
