"""The board's figures kept level with the board: `Figures` holds each task's timeline and files it
by day, so a move, an edit or a new journal line costs work for the tasks it names, and
`stats(now, days)` answers what `metrics.compute` answers for the same tasks, journal and now at a
cost that follows the window's days and what changed since the last call, not the board.

Every rule is the full pass's (core/metrics.py): the timelines (metrics_history.timeline), the
flow (`Flow`, by date ordinal), finished work (`Finished`), time blocked (`Blocked`'s rule), ageing
and `tally`; what is kept between calls is this module's: the timelines, the tallies by day, the
stays in blocked/ by day (`_Blocked`: time blocked as exact sums over the window's days, never a
pass over the tasks blocked) and the work in progress in order of entry (`_Work`: the rows
furthest past their boxes from its head). A timeline is worked out with the clock of the `stats`
call that first needs it and is kept while the clock moves on, unless it holds a moment of that
clock (a stamp from a fast clock, a move that nothing dates: "now"), which is worked out again at
every new now; a clock that goes back works them all out again. Days are date ordinals in now's
zone (metrics_history.Calendar), so midnight passing costs nothing, and a new zone (a change of
summer time, a flight) files the kept timelines by day again, once.

A timeline that needs its file's time (no journal line, no stamp) reads it when it is worked
out: a file whose ctime changes with no change to the task (a chmod) keeps its old moment here,
where a full pass would read the new one; and each file reads its own, where a full pass's
`FileTimes` (by id) reads one file of a duplicated id for both.
"""

from __future__ import annotations

import datetime as dt
import heapq
import math
from bisect import bisect_left, insort
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from pulseboard.core.archive import archived_task, archived_tasks
from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.journal import Event
from pulseboard.core.metrics import (
    Ageing,
    Blocked,
    BlockedInterval,
    BlockedTime,
    Finished,
    Flow,
    Stats,
    ageing,
    ageing_box,
    ageing_order,
    tally,
)
from pulseboard.core.metrics_history import Calendar, Transition, Window, by_task, seconds, timeline
from pulseboard.core.progress import FileTimes
from pulseboard.core.reconcile import Event as Change

_UNIT = 1 << 1074  # every finite float is a whole number of 2**-1074: sums of those are exact


@dataclass(slots=True, eq=False)
class _Held:
    """One task file and its timeline (empty: to be worked out at the next `stats`); twin: the next
    file of the same id (a duplicate), if any."""

    task: Task
    line: Sequence[Transition] = ()
    twin: _Held | None = None


class Figures:
    """The figures of one board, updated from what changed.

    Feed it the tasks the live board changed (`tasks_changed`: reconcile's events, each a task
    before and after) and the journal lines appended (`add_events`, with what
    `JournalTail.appended()` returns; when that says the journal was rewritten, `follow` with the
    whole of it); `stats(now, days)` works out the timelines of the tasks they named and sums the
    window from what is filed by day. A call costs the window's days, the tasks changed since the
    last call and the rows of ageing work asked for (`ageing=0` for none: the status line), never
    the tasks in progress or the whole history; the finished work's spreads (`Stats.cycle`, `lead`)
    hold every value of the window, so they cost the tasks finished in it. Not thread-safe: one
    thread holds it.
    """

    def __init__(
        self,
        tasks: Iterable[Task] = (),
        events: Iterable[Event] = (),
        *,
        file_times: Mapping[str, float] | None = None,
        root: Path | None = None,
    ) -> None:
        """tasks, events: the board and its journal now. file_times: task id -> when its file last
        changed place, as `compute` takes it; None reads each file's ctime (`FileTimes`). root: the
        board's folder, to count its archived tasks from their archive lines (core/archive.py)."""
        self._file_times = file_times
        self._root = root
        self._archived: dict[str, Task] = {}  # id -> an archived task, held from its archive line
        self._seen = list(events)  # the journal as last followed: what `follow` compares with
        self._journal, self._undone = by_task(self._seen)
        self._held: dict[str, _Held] = {}  # by task id (its first file: a duplicate's are its twins)
        self._stale: set[_Held] = set()
        self._bound: set[_Held] = set()  # timelines holding a moment of their clock
        self._now_ts = -math.inf  # the clock the kept timelines were worked out with
        self._work = _Work(HeartbeatSettings())
        self._file_by_day(Calendar(dt.UTC))
        tasks = list(tasks)
        if root is not None:
            self._archived = {t.id: t for t in archived_tasks(root, self._seen, {t.id for t in tasks})}
        for task in [*tasks, *self._archived.values()]:  # one file each, a duplicate's in front of its twin
            held = self._held[task.id] = _Held(task, twin=self._held.get(task.id))
            self._stale.add(held)

    # -- what changed -----------------------------------------------------------------------

    def tasks_changed(self, changes: Iterable[Change]) -> None:
        """Task files the live board added, changed, moved or removed (`Changes.events`)."""
        for change in changes:
            if change.before is not None:
                self._drop(change.before)
            if change.after is not None:
                self._add(change.after)

    def add_events(self, events: Iterable[Event]) -> None:
        """Journal lines appended since the last call, in journal order (`JournalTail.appended`)."""
        named: set[str] = set()
        events = list(events)
        for event in events:
            self._journal.setdefault(event.id, []).append(event)
            self._seen.append(event)
            named.add(event.id)
            if event.undoes:
                self._undone.add(event.undoes)
                named.update(self._owners(event.undoes, event.id))
        for task_id in named:
            self._forget(self._files(task_id))
        if self._root is not None:
            for event in events:
                if event.op == "archive":
                    self._hold_archived(event.id, archived_task(self._root, event))
                elif event.op == "unarchive":
                    self._hold_archived(event.id, None)

    def follow(self, events: Sequence[Event]) -> None:
        """The whole journal, for a caller that holds only that, or whose `JournalTail.appended()`
        said None (the journal changed other than by appending): the lines after those seen last
        are added; if any seen line went, changed or moved (a month file rewritten, lines merged
        into an earlier month), the tasks whose lines differ, and those with a move an undo now
        names or no longer names, are worked out again. A call costs the whole journal (compared
        by identity first, as a tail keeps its events: ~2-5 ms at 200,000 lines); `add_events`
        the lines added."""
        seen = self._seen
        if events[: len(seen)] == seen:  # as a rule the same objects: compared by identity first
            self.add_events(events[len(seen) :])
            return
        journal, undone = by_task(events)
        old = self._journal
        named = {
            task_id for task_id in journal.keys() | old.keys() if journal.get(task_id) != old.get(task_id)
        }
        keys = undone ^ self._undone
        if keys:
            named.update(task_id for task_id, lines in journal.items() if any(e.key in keys for e in lines))
        self._seen, self._journal, self._undone = list(events), journal, undone
        for task_id in named:
            self._forget(self._files(task_id))
        if self._root is not None:  # the archive as the rewritten journal has it
            for task_id in list(self._archived):
                self._hold_archived(task_id, None)
            on_board = {held.task.id for held in self._every()}
            for task in archived_tasks(self._root, self._seen, on_board):
                self._hold_archived(task.id, task)

    def _hold_archived(self, task_id: str, task: Task | None) -> None:
        """Count an archived task from its archive line (None: it is archived no more)."""
        old = self._archived.pop(task_id, None)
        if old is not None:
            self._drop(old)
        if task is not None:
            self._archived[task_id] = task
            self._add(task)

    # -- the figures ------------------------------------------------------------------------

    def stats(
        self,
        now: dt.datetime,
        days: int = 14,
        settings: HeartbeatSettings = HeartbeatSettings(),  # noqa: B008 (frozen, so safe to share)
        *,
        ageing: int | None = None,
    ) -> Stats:
        """The figures over the last `days` days as of `now` (zone-aware), as `compute` has them.
        ageing: how many rows of ageing work to list, furthest past their box first (the full
        pass's first rows); None lists all of them, at a cost that grows with the work in
        progress (the stats screen's); the status line shows none: 0."""
        window = Window.of(now, days)
        self._work.use(settings)
        self._keep_up(window)
        work = self._work.rows(window.now_ts, ageing)
        return tally(window, self._flow, self._finished, self._blocked.time(window), work)

    # -- keeping up -------------------------------------------------------------------------

    def _keep_up(self, window: Window) -> None:
        """Timelines for this clock and zone: the named tasks', those that hold their clock's now
        (all of them if the clock went back), and everything filed again for a new zone."""
        now_ts = window.now_ts
        if self._calendar.tz != window.tz:
            self._file_by_day(Calendar(window.tz))
        if now_ts < self._now_ts:
            self._forget(self._every())
        elif now_ts > self._now_ts:
            self._forget(list(self._bound))
        self._now_ts = now_ts
        parse = cache(partial(seconds, now_ts=now_ts))  # each stamp string parsed once per call
        file_times = self._file_times
        for held in self._stale:
            task = held.task
            times = FileTimes((task,)) if file_times is None else file_times
            line = timeline(task, self._journal.get(task.id, ()), parse, times, now_ts, self._undone)
            held.line = tuple(line)  # a list's spare room is 4 MB at 100,000 timelines
            self._count(held, 1)
            if held.line[-1][0] >= now_ts:  # a timeline is sorted: its last moment is its latest
                self._bound.add(held)
        self._stale.clear()

    def _file_by_day(self, calendar: Calendar) -> None:
        """Day files afresh in this calendar, with every timeline kept."""
        self._calendar = calendar
        self._flow, self._finished = Flow(calendar.day), Finished(calendar.day)
        self._blocked = _Blocked(calendar)
        self._work = _Work(self._work.settings)
        for held in self._every():
            if held.line:
                self._count(held, 1)

    def _count(self, held: _Held, sign: int) -> None:
        """File a task's timeline by day (sign 1), or take it out (-1)."""
        line, state = held.line, held.task.state
        self._flow.add(line, sign)
        if state == "done":
            self._finished.add(line, sign)
        self._blocked.add(held, sign)
        if state in ("doing", "blocked"):
            (self._work.add if sign > 0 else self._work.remove)(held)

    def _forget(self, group: Iterable[_Held]) -> None:
        """These tasks' timelines are to be worked out again."""
        for held in group:
            if held.line:
                self._count(held, -1)
                held.line = ()
                self._bound.discard(held)
            self._stale.add(held)

    def _add(self, task: Task) -> None:
        self._drop(task)  # the same file told twice is held once
        held = _Held(task)
        self._link(task.id, [*self._files(task.id), held])
        self._stale.add(held)

    def _drop(self, task: Task) -> None:
        """Let a task file go; the other files of its id (a duplicate) are worked out again, as
        file times go by id."""
        files = self._files(task.id)
        self._forget(files)
        for held in files:
            if (held.task.state, held.task.name) == (task.state, task.name):
                self._stale.discard(held)
        self._link(task.id, [h for h in files if (h.task.state, h.task.name) != (task.state, task.name)])

    def _files(self, task_id: str) -> list[_Held]:
        """The files of one id: one, or more for a duplicate."""
        files, held = [], self._held.get(task_id)
        while held is not None:
            files.append(held)
            held = held.twin
        return files

    def _link(self, task_id: str, files: list[_Held]) -> None:
        if not files:
            self._held.pop(task_id, None)
            return
        for held, twin in zip(files, [*files[1:], None], strict=True):
            held.twin = twin
        self._held[task_id] = files[0]

    def _every(self) -> Iterator[_Held]:
        for first in list(self._held.values()):
            held: _Held | None = first
            while held is not None:
                yield held
                held = held.twin

    def _owners(self, key: str, task_id: str) -> list[str]:
        """The other ids whose journal has the move named `key`: none when it is the undo's own
        task's (pulse writes undos so), any a merged or hand-made journal gives it to."""
        if any(event.key == key for event in self._journal.get(task_id, ())):
            return []
        return [tid for tid, events in self._journal.items() if any(e.key == key for e in events)]


class _Work:
    """The files in doing/ or blocked/ (the ageing work) in groups that share a box, each group in
    the order its files entered their folder: within a group the first is the furthest past the
    box, so the rows furthest past their boxes come from the groups' heads."""

    def __init__(self, settings: HeartbeatSettings) -> None:
        self.settings = settings
        self.groups: dict[int, list[tuple[float, str, str, str, _Held]]] = {}  # by box: entered, id, file
        self.where: dict[_Held, tuple[int, tuple[float, str, str, str, _Held]]] = {}

    def use(self, settings: HeartbeatSettings) -> None:
        """Boxes by these settings (new ones group the work again)."""
        if settings != self.settings:
            files = list(self.where)
            self.settings, self.groups, self.where = settings, {}, {}
            for held in files:
                self.add(held)

    def add(self, held: _Held) -> None:
        task = held.task
        entry = (held.line[-1][0], task.id, task.state, task.name, held)  # a file's (state, name) is its own
        box = ageing_box(task, self.settings)
        insort(self.groups.setdefault(box, []), entry)
        self.where[held] = (box, entry)

    def remove(self, held: _Held) -> None:
        box, entry = self.where.pop(held)
        group = self.groups[box]
        del group[bisect_left(group, entry)]
        if not group:
            del self.groups[box]

    def rows(self, now_ts: float, limit: int | None) -> list[Ageing]:
        """The first `limit` rows in the full pass's order (None: all): a group's rows come furthest
        past the box first, and past the `limit`th only rows as far past it (a tie) can be among
        them."""
        settings = self.settings

        def group_rows(group: list[tuple[float, str, str, str, _Held]]) -> Iterator[Ageing]:
            for entered, _, _, _, held in group:
                yield ageing(held.task, entered, held.line[-1][2], now_ts, settings)

        groups = self.groups.values()
        if limit is None:
            return sorted((row for group in groups for row in group_rows(group)), key=ageing_order)
        taken: list[Ageing] = []
        if limit > 0:
            for row in heapq.merge(*map(group_rows, groups), key=_behind):
                if len(taken) >= limit and row.ratio != taken[limit - 1].ratio:
                    break
                taken.append(row)
        taken.sort(key=ageing_order)
        return taken[:limit]


def _behind(row: Ageing) -> float:
    return -row.ratio


class _Blocked:
    """Time blocked (`BlockedTime`, by `Blocked`'s rule) kept by day: each stay in blocked/ of the
    kept timelines is filed by the day it began and the last day it has time in, with exact sums
    of those moments, so a window's figures are sums over its days. A stay that ended counts
    end - max(begin, start) if that is positive, one not ended now - max(begin, start): summed as
    the ends after the start, less the beginnings at it or later, less the start for each stay
    across it. That equals the full pass's sum of rounded differences while start >= now / 2
    (each difference of two floats is then exact); a window that begins earlier (in 2026, one of
    some 28 years) is summed stay by stay. The longest stay comes from the least keys of each
    day's stays (`_Stays`)."""

    def __init__(self, calendar: Calendar) -> None:
        self.calendar = calendar
        self.files: set[_Held] = set()  # the files with a stay: what a long window sums one by one
        self.ended, self.began = _Sums(), _Sums()  # stays that ended: by their last day, their first
        self.still = _Sums()  # stays not ended (the file is blocked now), by their first day
        self.still_files = self.still_estimated = 0  # how many; with an estimated start
        self.last_end = _Counts()  # files not blocked now: their last stay's last day
        self.estimated = _Counts()  # files: the last day of their last stay with an estimated end
        self.estimated_still = _Counts()  # the same, of the files blocked now with an estimated start
        self.ended_stays = _Stays()  # keys: (-(end - begin), id); before a window: (-end, id)
        self.still_stays = _Stays()  # keys: (begin, id); before a window: (id,)

    def add(self, held: _Held, sign: int) -> None:
        """File a timeline's stays in blocked/ (sign 1), or take them out (-1)."""
        line, task_id, calendar = held.line, held.task.id, self.calendar
        last = last_estimated = None  # the last day of its last stay that ended; of an estimated one
        for k in range(len(line) - 1):
            begin, state, estimated = line[k]
            end, _, end_estimated = line[k + 1]
            if state != "blocked" or end <= begin:  # an empty stay has no time and never counts
                continue
            first, last = calendar.day(begin), calendar.last_day(end)
            self.began.add(first, begin, sign)
            self.ended.add(last, end, sign)
            self.ended_stays.add(first, (held, k), (-(end - begin), task_id), (-end, task_id), sign)
            if estimated or end_estimated:
                last_estimated = last
        blocked_now = line[-1][1] == "blocked"
        if last is None and not blocked_now:
            return
        (self.files.add if sign > 0 else self.files.discard)(held)
        if last_estimated is not None:
            self.estimated.add(last_estimated, sign)
        if not blocked_now:
            if last is not None:
                self.last_end.add(last, sign)
            return
        begin, _, estimated = line[-1]
        first = calendar.day(begin)
        self.still.add(first, begin, sign)
        self.still_stays.add(first, held, (begin, task_id), (task_id,), sign)
        self.still_files += sign
        if estimated:
            self.still_estimated += sign
            if last_estimated is not None:
                self.estimated_still.add(last_estimated, sign)

    def time(self, window: Window) -> BlockedTime:
        """The window's time blocked, as `Blocked` has it for the same timelines."""
        start, now_ts = window.start, window.now_ts
        if not (start > 0 and now_ts <= 2 * start):  # the sums would not be exact: stay by stay
            blocked = Blocked(window)
            for held in self.files:
                blocked.add(held.task.id, held.line)
            return blocked.time()
        first = window.dates[0].toordinal()
        days = range(first, first + len(window.dates))
        ended, ends = self.ended.within(days)  # stays that ended after the start
        began, begins = self.began.within(days)  # of those, the ones that began at it or later
        still, still_begins = self.still.within(days)  # stays not ended that began at the start or later
        start_x, held_now = _exact(start), self.still_files
        total = ends - begins - (ended - began) * start_x
        total += held_now * _exact(now_ts) - still_begins - (held_now - still) * start_x
        files = held_now + self.last_end.within(days)
        estimated = self.estimated.within(days) + self.still_estimated - self.estimated_still.within(days)
        return BlockedTime(total / _UNIT, files, self._longest(window, days), estimated)

    def _longest(self, window: Window, days: range) -> BlockedInterval | None:
        """The longest stay in the window (of equals, the least id's): the longest of the ended
        stays that began in it, the one that ended last of those that began before it (its time
        counts from the start), and the first begun of those not ended (any begun before the
        window counts from its start)."""
        start, now_ts = window.start, window.now_ts
        found: list[tuple[float, str]] = []  # (-seconds, id)
        inside = self.ended_stays.inside(days)
        if inside is not None:
            found.append(inside)
        across = self.ended_stays.before(days.start)
        if across is not None and -across[0] > start:
            found.append((-(-across[0] - start), across[1]))
        still = [key for key in (self.still_stays.inside(days),) if key is not None]  # (begin, id)
        earlier = self.still_stays.before(days.start)  # (id,) of those begun before: at the start
        if earlier is not None:
            still.append((start, earlier[0]))
        if still:
            begin, task_id = min(still)
            found.append((-(now_ts - begin), task_id))
        longest = min((key for key in found if key[0] < 0), default=None)
        return None if longest is None else BlockedInterval(longest[1], -longest[0])


class _Counts:
    """How many moments fall on each day."""

    def __init__(self) -> None:
        self.days: dict[int, int] = {}

    def add(self, day: int, sign: int) -> None:
        count = self.days.get(day, 0) + sign
        if count:
            self.days[day] = count
        else:
            del self.days[day]

    def within(self, days: range) -> int:
        get = self.days.get
        return sum(get(day, 0) for day in days)


class _Sums:
    """How many moments fall on each day, and their exact sum (in units of 2**-1074)."""

    def __init__(self) -> None:
        self.days: dict[int, list[int]] = {}

    def add(self, day: int, moment: float, sign: int) -> None:
        row = self.days.get(day)
        if row is None:
            row = self.days[day] = [0, 0]
        row[0] += sign
        row[1] += sign * _exact(moment)
        if not row[0]:
            del self.days[day]

    def within(self, days: range) -> tuple[int, int]:
        count = total = 0
        for day in days:
            row = self.days.get(day)
            if row is not None:
                count += row[0]
                total += row[1]
        return count, total


class _Stays:
    """Stays filed by the day they began, each with two keys: `inside` ranks those that began
    within a window, `before` those that began before it. Each day's least keys are worked out
    when asked and kept until that day changes, and so is the least `before` key of the days
    before a window's first."""

    def __init__(self) -> None:
        self.days: dict[int, dict[object, tuple[tuple, tuple]]] = {}
        self.least: dict[int, tuple[tuple, tuple]] = {}  # a day's least inside key, least before key
        self.cut: tuple[int, tuple | None] | None = None  # a window's first day, the least before it

    def add(self, day: int, key: object, inside: tuple, before: tuple, sign: int) -> None:
        if sign > 0:
            self.days.setdefault(day, {})[key] = (inside, before)
        else:
            stays = self.days[day]
            del stays[key]
            if not stays:
                del self.days[day]
        self.least.pop(day, None)
        cut = self.cut
        if cut is not None and day < cut[0]:
            if sign > 0 and (cut[1] is None or before < cut[1]):
                self.cut = (cut[0], before)
            elif sign < 0 and before == cut[1]:
                self.cut = None

    def inside(self, days: range) -> tuple | None:
        """The least `inside` key of the stays that began on these days."""
        keys = [least[0] for day in days if (least := self._least(day)) is not None]
        return min(keys, default=None)

    def before(self, first: int) -> tuple | None:
        """The least `before` key of the stays that began before this day."""
        if self.cut is None or self.cut[0] != first:
            keys = [least[1] for day in self.days if day < first and (least := self._least(day))]
            self.cut = (first, min(keys, default=None))
        return self.cut[1]

    def _least(self, day: int) -> tuple[tuple, tuple] | None:
        least = self.least.get(day)
        if least is None:
            stays = self.days.get(day)
            if stays is None:
                return None
            least = self.least[day] = (min(s[0] for s in stays.values()), min(s[1] for s in stays.values()))
        return least


def _exact(moment: float) -> int:
    """A float as a whole number of 2**-1074."""
    numerator, denominator = moment.as_integer_ratio()
    return numerator << (1075 - denominator.bit_length())
