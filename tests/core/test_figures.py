"""The incremental figures (core/figures.py) against the full pass: for random boards and random
sequences of moves, edits, new and deleted tasks, journal lines from elsewhere, undos, journal
rewrites, clocks that pass midnight (and go back) and zones that change, `Figures.stats` equals
`metrics.compute` on the board and journal as they are then (with `ageing=n`, its first n rows);
time blocked kept by day equals the stay-by-stay pass for random timelines and windows; a call
costs what changed, not the work in progress; and the calendar files moments by day exactly as
the window does."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
import zoneinfo
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from support.helpers import memory_task as task
from test_metrics import HISTORY, NOW, STATES, at, board_from, history, minutes_ago, ts

from pulseboard.core import figures as figures_module
from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.figures import Figures
from pulseboard.core.journal import Event, JournalTail
from pulseboard.core.metrics import Blocked, Stats, ageing, compute
from pulseboard.core.metrics_history import Calendar, Window, timeline
from pulseboard.core.reconcile import Event as Change

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
SETTINGS = HeartbeatSettings(box_s=600)


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def same(got: Stats, expected: Stats) -> None:
    """Equal figures, and equal chart inputs (the spreads' values are left out of `==`)."""
    assert got == expected
    assert (got.cycle.values, got.lead.values) == (expected.cycle.values, expected.lead.values)


class Model:
    """A board, its journal and a clock as a test changes them, with a `Figures` fed what changed
    (batched, as the board's worker would be) and the full pass to check it against."""

    def __init__(self, tasks: list[Task], events: list[Event], file_times: dict[str, float]) -> None:
        self.tasks = {(t.state, t.name): t for t in tasks}
        self.journal, self.file_times, self.now = list(events), file_times, NOW
        self.ids = [t.id for t in tasks] + ["deleted"]  # every id ever: lines may name a deleted task
        self.figures = Figures(tasks, list(events), file_times=file_times)
        self.changes: list[Change] = []
        self.fed, self.rewritten, self.uid = len(events), False, 0

    def check(self, days: int, follow: bool, rows: int | None = None) -> None:
        """The figures against the full pass; rows: also the first rows of ageing alone."""
        self.figures.tasks_changed(self.changes)
        if follow or self.rewritten:
            self.figures.follow(list(self.journal))
        else:
            self.figures.add_events(self.journal[self.fed :])
        self.changes, self.fed, self.rewritten = [], len(self.journal), False
        full = compute(list(self.tasks.values()), self.journal, self.now, days=days, settings=SETTINGS,
                       file_times=self.file_times)  # fmt: skip
        if rows is not None:
            same(
                self.figures.stats(self.now, days, SETTINGS, ageing=rows),
                replace(full, ageing=full.ageing[:rows]),
            )
        same(self.figures.stats(self.now, days, SETTINGS), full)

    def pick(self, n: int) -> Task | None:
        tasks = list(self.tasks.values())
        return tasks[n % len(tasks)] if tasks else None

    def put(self, before: Task | None, after: Task | None) -> None:
        if before is not None:
            del self.tasks[(before.state, before.name)]
        if after is not None:
            self.tasks[(after.state, after.name)] = after
        self.changes.append(Change("changed" if before and after else "added" if after else "removed",
                                   before, after))  # fmt: skip

    def line(self, task_id: str, op: str, src: str | None, dst: str, minutes: int = 0, **extra: Any) -> None:
        self.uid += 1
        uid = f"u{self.uid}" if self.uid % 3 else None  # every third line as old journals wrote them
        when = stamp(self.now + dt.timedelta(minutes=minutes))
        self.journal.append(Event(when, op, task_id, f"{task_id}.md", src, dst, "me", uid=uid, **extra))

    def create(self, journaled: bool, dated: bool, revive: bool) -> None:
        gone = [i for i in self.ids if not any(t.id == i for t in self.tasks.values())]
        task_id = gone[0] if revive and gone else f"n{len(self.ids)}"
        self.ids.append(task_id)
        self.put(None, task(task_id, created=stamp(self.now) if dated else None))
        if journaled:
            self.line(task_id, "create", None, "open")
        self.file_times[task_id] = self.now.timestamp()

    def move(self, n: int, to: str, journaled: bool, stamped: bool) -> None:
        old = self.pick(n)
        if old is None or old.state == to or (to, old.name) in self.tasks:  # a move never overwrites
            return
        fields: dict[str, Any] = {"state": to, "folder": Path("/b") / to}
        if stamped:
            key = {"doing": "started", "done": "done", "blocked": "blocked"}.get(to)
            if key == "blocked":
                fields[key] = {"reason": "r", "waiting_on": None, "since": stamp(self.now)}
            elif key:
                fields[key] = stamp(self.now)
        self.put(old, replace(old, **fields))
        self.file_times[old.id] = self.now.timestamp()  # a rename changes the file's ctime
        if journaled:
            self.line(old.id, "move", old.state, to)

    def edit(self, n: int, key: str, minutes: int) -> None:
        old = self.pick(n)
        if old is None:
            return
        moment = stamp(self.now + dt.timedelta(minutes=minutes))  # minutes > 0: a fast clock
        value: Any = {"estimate": 60 * (minutes % 50 + 1), "title": f"Edited {minutes}"}.get(key, moment)
        self.put(old, replace(old, **{key: value}))

    def undo(self, n: int, stray: bool) -> None:
        """`pulse undo` of the task's last move: the task goes back, and the journal says which
        move. stray: a line from a hand-made journal that undoes another task's move."""
        old = self.pick(n)
        moves = [
            e for e in self.journal if e.op == "move" and not e.undoes and (stray or (old and e.id == old.id))
        ]
        last = (moves[n % len(moves)] if stray else moves[-1]) if moves else None
        if old is None or last is None or last.from_state is None:
            return
        self.line(old.id, "move", last.to_state, last.from_state, undoes=last.key)
        back = last.from_state
        if not stray and old.state == last.to_state and (back, old.name) not in self.tasks:
            self.put(old, replace(old, state=back, folder=Path("/b") / back))

    def apply(self, op: tuple) -> None:
        kind, *args = op
        if kind == "clock":
            self.now += dt.timedelta(minutes=args[0])
        elif kind == "zone":
            self.now = self.now.astimezone(
                BERLIN if args[0] is None else dt.timezone(dt.timedelta(hours=args[0]))
            )
        elif kind == "line":  # a line from elsewhere (a git pull, another clone): any id, any time
            n, to, minutes, what = args
            self.line(self.ids[n % len(self.ids)], what, "open", to, minutes)
        elif kind == "delete":
            old = self.pick(args[0])
            if old is not None:
                self.put(old, None)
        elif kind == "twin":  # a duplicate id, as a git merge brings one in
            old = self.pick(args[0])
            if old is not None and (args[1], f"{old.id}-2.md") not in self.tasks:
                self.put(
                    None, replace(old, state=args[1], folder=Path("/b") / args[1], name=f"{old.id}-2.md")
                )
        elif (
            kind == "rewrite"
        ):  # a month file read again: the same lines, or the last gone or merged in first
            lines = [replace(e) for e in self.journal]
            self.journal = {"same": lines, "gone": lines[:-1], "first": lines[-1:] + lines[:-1]}[args[0]]
            self.rewritten = True
        else:
            getattr(self, kind)(*args)


SOME = st.integers(0, 40)
OPS = st.one_of(
    st.tuples(st.just("create"), st.booleans(), st.booleans(), st.booleans()),
    st.tuples(st.just("move"), SOME, st.sampled_from(STATES), st.booleans(), st.booleans()),
    st.tuples(
        st.just("edit"),
        SOME,
        st.sampled_from(["title", "created", "started", "done", "estimate"]),
        st.integers(-3000, 90),
    ),
    st.tuples(st.just("delete"), SOME),
    st.tuples(st.just("twin"), SOME, st.sampled_from(STATES)),
    st.tuples(
        st.just("line"),
        SOME,
        st.sampled_from(STATES),
        st.integers(-3000, 60),
        st.sampled_from(["move", "create", "settle"]),
    ),
    st.tuples(st.just("undo"), SOME, st.booleans()),
    st.tuples(st.just("clock"), st.one_of(st.integers(0, 90), st.integers(600, 2000), st.integers(-60, -1))),
    st.tuples(st.just("zone"), st.sampled_from([0, 5.5, -8, 13, None])),  # None: Berlin (summer time)
    st.tuples(st.just("rewrite"), st.sampled_from(["same", "gone", "first"])),
)


@settings(max_examples=250, deadline=None)
@given(
    histories=st.lists(HISTORY, max_size=8),
    ops=st.lists(
        st.tuples(OPS, st.integers(1, 16), st.booleans(), st.one_of(st.none(), st.integers(0, 3))),
        max_size=25,
    ),
)
def test_property_the_incremental_figures_equal_the_full_pass(histories: list, ops: list) -> None:
    model = Model(*board_from(histories))
    model.check(14, follow=True)
    for op, days, follow, rows in ops:
        model.apply(op)
        model.check(days, follow, rows)


def test_midnight_passing_needs_no_timeline_again(monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = [task("a1", "done"), task("a2", "doing")]
    events = [*history("a1", (at(21, 9), "open"), (at(21, 10), "doing"), (at(22, 11), "done")),
              *history("a2", (at(22, 9), "open"), (at(22, 10), "doing"))]  # fmt: skip
    worked_out: list[str] = []

    def counted(task: Task, *args: Any) -> Any:
        worked_out.append(task.id)
        return timeline(task, *args)

    monkeypatch.setattr(figures_module, "timeline", counted)
    figures = Figures(tasks, events)
    figures.stats(NOW, 2)
    assert sorted(worked_out) == ["a1", "a2"]
    for hours in (11, 12, 36):  # past midnight, and past the next
        later = NOW + dt.timedelta(hours=hours)
        same(figures.stats(later, 2), compute(tasks, events, later, days=2))
    assert len(worked_out) == 2
    assert figures.stats(NOW + dt.timedelta(hours=36), 2).velocity[-1].count == 0  # a1's day has gone by


def test_a_moment_of_the_clock_is_worked_out_again_as_it_moves() -> None:
    ahead = task("f1", "doing", started=at(22, 12, 30))  # a fast clock: half an hour after NOW
    unstamped = task("f2", "doing")  # moved by hand, nothing dates it: "now"
    figures = Figures([ahead, unstamped], [])
    for minutes in (0, 10, 45, 5):  # the last goes back
        now = NOW + dt.timedelta(minutes=minutes)
        same(figures.stats(now, 1), compute([ahead, unstamped], [], now, days=1))


def test_fed_from_a_journal_tail_through_appends_a_rewrite_and_a_new_month(tmp_path: Path) -> None:
    folder = tmp_path / ".pulse" / "journal"
    folder.mkdir(parents=True)

    def write(events: list[Event], mode: str = "w", month: str = "2026-11") -> None:
        fields = (("at", "at"), ("op", "op"), ("id", "id"), ("file", "file"), ("from", "from_state"),
                  ("to", "to_state"), ("by", "by"))  # fmt: skip
        with (folder / f"{month}.jsonl").open(mode) as handle:
            for e in events:
                handle.write(json.dumps({name: getattr(e, attr) for name, attr in fields}) + "\n")

    def poll() -> None:
        """What the board does at each look at the journal: the new lines, or all of it again."""
        added = tail.appended()
        if added is None:
            figures.follow(tail.events())
        else:
            figures.add_events(added)

    one = history("j1", (at(22, 9), "open"), (at(22, 10), "doing"))
    write(one)
    tail = JournalTail(tmp_path)
    tasks = [task("j1", "doing")]
    figures = Figures(tasks, tail.events())
    same(figures.stats(NOW, 3), compute(tasks, one, NOW, days=3))
    two = history("j1", (at(22, 9), "open"), (at(22, 10), "doing"), (at(22, 11), "done"))
    write(two[2:], "a")
    done = [task("j1", "done")]
    figures.tasks_changed([Change("moved", tasks[0], done[0])])
    poll()
    same(figures.stats(NOW, 3), compute(done, two, NOW, days=3))
    merged = history("j1", (at(21, 9), "open"), (at(22, 10), "doing"), (at(22, 11), "done"))
    write(merged[:1] + history("j2", (at(21, 10), "open")) + merged[1:])  # a git merge: j1 made earlier
    poll()
    same(figures.stats(NOW, 3), compute(done, merged, NOW, days=3))
    assert figures.stats(NOW, 3).lead.median_s == ts(22, 11) - ts(21, 9)
    later = NOW + dt.timedelta(days=9)
    reopened = [task("j1", "doing")]
    moved = [replace(merged[-1], at=stamp(later), from_state="done", to_state="doing")]
    write(moved, month="2026-12")
    figures.tasks_changed([Change("moved", done[0], reopened[0])])
    poll()
    same(figures.stats(later, 3), compute(reopened, merged + moved, later, days=3))


def test_the_calendar_files_moments_by_the_windows_days() -> None:
    summer_time = (dt.datetime(2026, 3, 30, 1, tzinfo=BERLIN), dt.datetime(2026, 10, 25, 12, tzinfo=BERLIN))
    for now in (NOW, *summer_time, NOW.astimezone(dt.timezone(dt.timedelta(hours=-9.5)))):
        window, calendar = Window.of(now, 4), Calendar(now.tzinfo)  # type: ignore[arg-type]
        moments = [*window.starts, *(s - 0.25 for s in window.starts), *(s + 3600.5 for s in window.starts)]
        for moment in [*moments, window.now_ts]:
            if moment >= window.start:
                assert calendar.day(moment) == window.ordinal(moment), (now, moment)
            else:
                assert calendar.day(moment) < window.dates[0].toordinal()
    assert Calendar(dt.UTC).day(-1e18) == 0  # too far back for a date: before every window


def test_the_last_stay_in_blocked() -> None:
    assert Blocked.last_end([(1.0, "open", False), (2.0, "doing", False)]) is None
    assert Blocked.last_end([(1.0, "blocked", False), (2.0, "doing", False), (3.0, "done", False)]) == 2.0
    assert Blocked.last_end(
        [(1.0, "blocked", False), (2.0, "open", False), (3.0, "blocked", False)]
    ) == float("inf")


MIDNIGHTS = (24, 26, 35)  # half hours back from NOW (12:00 UTC) to midnight in UTC, Berlin, +5:30
STAY = st.tuples(
    st.one_of(  # half hours back from NOW, often to a midnight: a window's start
        st.integers(0, 8 * 48),
        st.builds(lambda days, zone: 48 * days + zone, st.integers(0, 6), st.sampled_from(MIDNIGHTS)),
    ),
    st.sampled_from([0, 0, 0.25, 1 / 3, 1e-6]),  # and a fraction of a second less (a file time's)
    st.sampled_from(STATES),
    st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.tuples(st.lists(STAY, min_size=1, max_size=6), st.sampled_from("abc")), max_size=10),
    zone=st.sampled_from([dt.UTC, BERLIN, dt.timezone(dt.timedelta(hours=5.5))]),
    asks=st.lists(
        st.tuples(st.integers(1, 6), st.integers(0, 900), st.integers(0, 12)), min_size=1, max_size=5
    ),
)
@example(  # stays that end at the window's start (no time in it), or begin there, one still blocked
    lines=[
        ([(100, 0, "blocked", False), (72, 0, "open", True)], "b"),
        ([(90, 0, "blocked", True), (72, 0, "doing", False), (10, 0, "done", False)], "c"),
        ([(72, 0, "blocked", False), (30, 0, "open", False)], "a"),
        ([(72, 0, "blocked", False)], "c"),
        ([(80, 0, "blocked", False)], "d"),
    ],
    zone=dt.UTC,
    asks=[(2, 0, 12), (2, 0, 4), (3, 0, 12)],
)
def test_property_time_blocked_kept_by_day_equals_the_stay_by_stay_pass(
    lines: list, zone: dt.tzinfo, asks: list
) -> None:
    """Random timelines (stays that end at midnight, empty stays, equal stays of one id, estimated
    ends, moments with fractions of a second) filed by day, some taken out again between the
    questions, for windows of a few days, clocks and zones."""
    files = figures_module._Blocked(Calendar(zone))
    held = []
    for steps, task_id in lines:
        moments = ((NOW.timestamp() - back * 1800 - less, state, guess) for back, less, state, guess in steps)
        line = sorted(moments, key=lambda step: step[0])
        held.append(figures_module._Held(task(task_id, line[-1][1]), line))
        files.add(held[-1], 1)
    for days, minutes, drop in asks:
        if drop < len(held):
            files.add(held.pop(drop), -1)
        window = Window.of((NOW + dt.timedelta(minutes=minutes)).astimezone(zone), days)
        full = Blocked(window)
        for one in held:
            full.add(one.task.id, one.line)
        assert files.time(window) == full.time()


def test_a_window_reaching_back_decades_sums_stay_by_stay() -> None:
    tasks = [task("b1", "blocked"), task("b2", "doing"), task("b3", "blocked")]
    events = [
        *history("b1", (at(20, 9), "open"), (at(21, 9, 30), "blocked")),
        *history("b2", (at(20, 9), "open"), (at(20, 10), "blocked"), (at(22, 8), "doing")),
        *history("b3", ("1990-01-01T00:00:00Z", "open"), ("1996-05-01T00:00:00Z", "blocked")),
    ]
    figures = Figures(tasks, events)
    for days in (3, 12_000, 20_000):  # the last two begin before NOW / 2 (June 1998)
        same(figures.stats(NOW, days), compute(tasks, events, NOW, days=days))


def test_the_first_rows_of_ageing_across_boxes_and_ties() -> None:
    """Each box's rows come oldest first; rows as far past their boxes as the last one asked for
    (here four at 1x: 600 s of a 600 s box, 1,200 of 1,200, 2,400 of a blocker's 2,400) are
    ordered by id, as the full pass orders them."""

    def ago(seconds: int) -> str:
        return stamp(NOW - dt.timedelta(seconds=seconds))

    tasks = [
        task("z1", "doing", started=ago(600)),
        task("y2", "doing", started=ago(300)),
        task("a3", "doing", estimate=1200, started=ago(1200)),
        task("m4", "blocked", blocked={"reason": "r", "waiting_on": None, "since": ago(2400)}),
        task("b5", "doing", estimate=1200, started=ago(2400)),
        task("c6", "doing", estimate=1200, started=ago(1200)),
        task("k7", "blocked", blocked={"reason": "r", "waiting_on": None, "since": ago(1200)}),
    ]
    figures = Figures(tasks, [])
    full = compute(tasks, [], NOW, days=1, settings=SETTINGS)
    assert [row.id for row in full.ageing] == ["b5", "a3", "c6", "m4", "z1", "k7", "y2"]
    for rows in range(len(tasks) + 2):
        same(figures.stats(NOW, 1, SETTINGS, ageing=rows), replace(full, ageing=full.ageing[:rows]))


def test_a_call_costs_what_changed_not_the_work_in_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Once the figures are made, a move and the figures after it (the next day's too) make no
    pass over the tasks blocked (no `Blocked`) and as many ageing rows as asked for, and one per
    box at most besides."""
    tasks, events = big_board(3_000, busy=300)  # 300 in doing, 300 blocked: two boxes
    figures = Figures(tasks, events)
    figures.stats(NOW, 14, SETTINGS, ageing=0)
    rows: list[str] = []

    def counted(task: Task, *args: Any) -> Any:
        rows.append(task.id)
        return ageing(task, *args)

    monkeypatch.setattr(figures_module, "ageing", counted)
    monkeypatch.setattr(figures_module, "Blocked", None)  # a pass stay by stay would fail
    opened = next(t for t in tasks if t.state == "open")
    moved = replace(opened, state="blocked", folder=Path("/b/blocked"))
    later = NOW + dt.timedelta(minutes=1)
    line = Event(stamp(later), "move", moved.id, moved.name, "open", "blocked", "me", uid="m1")
    figures.tasks_changed([Change("moved", opened, moved)])
    figures.add_events([line])
    quick = figures.stats(later, 14, SETTINGS, ageing=0)
    assert rows == []
    tomorrow = later + dt.timedelta(days=1)
    figures.stats(tomorrow, 14, SETTINGS, ageing=0)
    first = figures.stats(tomorrow, 14, SETTINGS, ageing=3)
    assert len(rows) <= 3 + 2 and len(first.ageing) == 3
    monkeypatch.undo()
    board = [t for t in tasks if t is not opened] + [moved]
    same(quick, replace(compute(board, [*events, line], later, settings=SETTINGS), ageing=()))
    full = compute(board, [*events, line], tomorrow, settings=SETTINGS)
    same(first, replace(full, ageing=full.ageing[:3]))


def big_board(n: int, busy: int) -> tuple[list[Task], list[Event]]:
    """A task every 5 minutes a year back, 70% done, the rest open but for `busy` in doing and
    `busy` blocked; every move in the journal."""
    tasks, events = [], []
    for i in range(n):
        tid, base = f"t{i:06d}", i * 5
        state = "done" if i % 10 < 7 else "doing" if i % 10 == 7 and i < 10 * busy else "open"
        state = "blocked" if i % 10 == 8 and i < 10 * busy else state
        moves = [(minutes_ago(base + 40), "open")]
        if state != "open":
            moves.append((minutes_ago(base + 30), "doing"))
        if state in ("done", "blocked"):
            moves.append((minutes_ago(base + 10), state))
        events += history(tid, *moves)
        tasks.append(task(tid, state, created=moves[0][0]))
    return tasks, events


@pytest.mark.skipif(os.environ.get("PULSE_BENCH") != "1", reason="timing check: set PULSE_BENCH=1")
def test_speed_of_one_move_at_100k_tasks() -> None:
    """A move costs the moved task's timeline; the figures then cost the window's days, not the
    100,000 tasks' history nor the work in progress (here 10,000 in doing, 10,000 blocked)."""
    tasks, events = big_board(100_000, busy=10_000)
    later = NOW + dt.timedelta(minutes=1)
    figures = Figures(tasks, events)
    figures.stats(NOW, ageing=0)  # the first figures work out every timeline: a full pass
    started = time.perf_counter()
    full = compute(tasks, events, later)
    full_s = time.perf_counter() - started
    opened = next(t for t in tasks if t.state == "open")
    moved = replace(opened, state="doing", folder=Path("/b/doing"))
    line = Event(stamp(later), "move", moved.id, moved.name, "open", "doing", "me", uid="m1")
    started = time.perf_counter()
    figures.tasks_changed([Change("moved", opened, moved)])
    figures.add_events([line])
    stats = figures.stats(later, ageing=0)
    update_s = time.perf_counter() - started
    assert stats.flow[-1].doing == full.flow[-1].doing + 1 == 10_001
    assert update_s < 0.005 and full_s > 100 * update_s, (
        f"one move {update_s * 1000:.1f} ms, full {full_s:.2f} s"
    )
