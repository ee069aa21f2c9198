"""The pieces `metrics.compute` is made of, each called alone: the window, the journal by task,
a task's timeline (from the journal, or filled in from stamps and file times), and the tallies for
the flow, time blocked, finished work and ageing."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cache, partial

from support.helpers import memory_task as task
from test_metrics import NOW, D, at, history, ts

from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.journal import Event
from pulseboard.core.metrics import (
    Ageing,
    Blocked,
    BlockedInterval,
    BlockedTime,
    Finished,
    Flow,
    FlowDay,
    ageing,
)
from pulseboard.core.metrics_history import Window, by_task, filled_in, journal_line, seconds, timeline

NOW_TS = NOW.timestamp()
WINDOW = Window.of(NOW, 2)  # the 21st 00:00 to now, the 22nd 12:00 UTC
PARSE = cache(partial(seconds, now_ts=NOW_TS))


def test_the_window_is_calendar_days_in_nows_zone() -> None:
    assert WINDOW.dates == (D(21), D(22)) and WINDOW.start == ts(21, 0) and WINDOW.now_ts == NOW_TS
    moments = (ts(19, 5), ts(21, 0), ts(21, 23, 59), ts(22, 0))
    assert [WINDOW.day(moment) for moment in moments] == [0, 0, 0, 1]
    east = Window.of(NOW.astimezone(dt.timezone(dt.timedelta(hours=13))), 1)  # the 23rd, 01:00 there
    assert east.dates == (D(23),) and east.start == ts(22, 11)


def test_a_window_needs_a_zone_and_a_day() -> None:
    for now, days in ((NOW.replace(tzinfo=None), 1), (NOW, 0)):
        try:
            Window.of(now, days)
        except ValueError:
            continue
        raise AssertionError(f"accepted {now!r}, {days}")


def test_seconds_reads_a_stamp_never_later_than_now() -> None:
    assert seconds(at(21, 9), NOW_TS) == ts(21, 9)
    assert seconds("2026-11-21T09:00:00", NOW_TS) == ts(21, 9)  # no zone: UTC
    assert seconds("2030-01-01T00:00:00Z", NOW_TS) == NOW_TS
    assert seconds(None, NOW_TS) is seconds("soon", NOW_TS) is None


def test_by_task_groups_the_journal_and_collects_undos() -> None:
    mistake = Event(at(22, 8, 30), "move", "u1", "u1.md", "open", "doing", "me", uid="m1")
    undo = Event(at(22, 8, 31), "move", "u1", "u1.md", "doing", "open", "me", undoes=mistake.key)
    gone = Event(at(22, 9), "move", "x9", "x9.md", "open", "done", "me", undoes="k0")
    events = [*history("a1", (at(21, 9), "open")), mistake, undo, gone, *history("a1", (at(22, 9), "open"))]
    journal, undone = by_task(events, {"a1", "u1"})
    assert [e.at for e in journal["a1"]] == [at(21, 9), at(22, 9)]
    assert journal["u1"] == [mistake, undo] and "x9" not in journal
    assert undone == {mistake.key, "k0"}  # a deleted task's undo counts too


def test_journal_line_sorts_and_skips_what_moved_nothing() -> None:
    events = history("a1", (at(21, 9), "open"), (at(21, 11), "doing"), (at(21, 10), "blocked"))
    settle = replace(events[1], op="settle")
    line, created = journal_line([*events, settle], NOW_TS, frozenset({events[2].key}))
    assert line == [(ts(21, 9), "open", False), (ts(21, 11), "doing", False)] and created
    assert journal_line(events[1:], NOW_TS, frozenset()) == (
        [(ts(21, 10), "blocked", False), (ts(21, 11), "doing", False)], False,
    )  # fmt: skip


def test_timeline_puts_created_in_front_of_a_journal_without_a_create() -> None:
    moved = history("a1", (at(20, 9), "open"), (at(21, 9), "doing"))[1:]
    line = timeline(task("a1", "doing", created=at(20, 8)), moved, PARSE, {}, NOW_TS)
    assert line == [(ts(20, 8), "open", True), (ts(21, 9), "doing", False)]


def test_filled_in_from_the_stamps_the_folder_allows() -> None:
    done = task("a1", "done", created=at(20, 8), started=at(21, 9), done=at(21, 10))
    assert filled_in(done, [], PARSE, {}, NOW_TS) == [
        (ts(20, 8), "open", True), (ts(21, 9), "doing", True), (ts(21, 10), "done", True),
    ]  # fmt: skip
    late_start = replace(done, started=at(21, 11))  # later than its own `done` stamp: not believed
    assert [step[1] for step in filled_in(late_start, [], PARSE, {}, NOW_TS)] == ["open", "done"]


def test_filled_in_a_move_made_outside_pulse() -> None:
    line = [(ts(21, 9), "open", False)]
    doing = task("a1", "doing", started=at(21, 10))
    assert filled_in(doing, list(line), PARSE, {}, NOW_TS)[-1] == (ts(21, 10), "doing", True)
    unstamped = task("a1", "doing")
    file_times = {"a1": ts(21, 11)}
    assert filled_in(unstamped, list(line), PARSE, file_times, NOW_TS)[-1] == (ts(21, 11), "doing", True)
    assert filled_in(unstamped, list(line), PARSE, {}, NOW_TS)[-1] == (NOW_TS, "doing", True)


def test_flow_counts_each_folder_at_each_days_end() -> None:
    flow = Flow(WINDOW.ordinal)
    flow.before_window("done")
    flow.add([(ts(20, 9), "open", False), (ts(21, 9), "doing", False), (ts(22, 9), "blocked", False)])
    flow.add([(ts(22, 8), "open", False)])
    assert flow.days(WINDOW) == (FlowDay(D(21), 0, 1, 1, 0), FlowDay(D(22), 1, 0, 1, 1))


def test_blocked_time_is_clipped_and_the_longest_named() -> None:
    blocked = Blocked(WINDOW)
    blocked.add("b1", [(ts(20, 12), "blocked", False), (ts(21, 6), "doing", False)])  # 00:00 -> 06:00
    blocked.add("b2", [(ts(21, 9), "blocked", False), (ts(21, 10), "open", False),
                       (ts(22, 6), "blocked", True)])  # 1h, then 06:00 -> now: 6h, estimated  # fmt: skip
    blocked.add("b0", [(ts(22, 6), "blocked", False)])  # as long as b2's, and first by id
    blocked.add("b3", [(ts(20, 9), "blocked", False), (ts(20, 10), "open", False)])  # before the window
    assert blocked.time() == BlockedTime(21600.0 * 3 + 3600, 3, BlockedInterval("b0", 21600.0), 1)


def test_finished_files_velocity_cycle_and_lead_by_day() -> None:
    finished = Finished(WINDOW.ordinal)
    finished.add([(ts(21, 8), "open", False), (ts(21, 9), "doing", True), (ts(21, 10), "done", False)])
    finished.add([(ts(22, 9, 30), "done", True)])  # only its finish is known: no lead or cycle time
    velocity, done = finished.window(WINDOW)
    assert (velocity, done.moments, done.estimated) == ([1, 1], [ts(21, 10), ts(22, 9, 30)], 1)
    assert (done.cycles, done.cycle_estimated) == ([3600.0], 1)
    assert (done.leads, done.lead_estimated) == ([7200.0], 0)
    finished.add([(ts(22, 9, 30), "done", True)], -1)  # taken back out
    assert finished.window(WINDOW)[0] == [1, 0] and list(finished.days) == [D(21).toordinal()]


def test_ageing_against_the_box_a_blocker_gets_four() -> None:
    conf = HeartbeatSettings(box_s=600)
    assert ageing(task("d1", "doing"), NOW_TS - 1200, False, NOW_TS, conf) == Ageing(
        "d1", "doing", 1200.0, 600, 2.0, False
    )
    assert ageing(task("d2", "doing", estimate=300), NOW_TS - 600, True, NOW_TS, conf).ratio == 2.0
    assert ageing(task("b1", "blocked", estimate=300), NOW_TS - 1200, False, NOW_TS, conf) == Ageing(
        "b1", "blocked", 1200.0, 2400, 0.5, False
    )
