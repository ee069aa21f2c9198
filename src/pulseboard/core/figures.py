"""The board's figures kept level with the board: `Figures` holds each task's timeline and files it
by day, so a move, an edit or a new journal line costs work for the tasks it names, and
`stats(now, days)` answers what `metrics.compute` answers for the same tasks, journal and now.

Every rule is the full pass's (core/metrics.py): the timelines (metrics_history.timeline), the
flow (`Flow`, by date ordinal), finished work (`Finished`), time blocked (`Blocked`), ageing and
`tally`; what is kept between calls is this module's. A timeline is worked out with the clock of
the `stats` call that first needs it and is kept while the clock moves on, unless it holds a
moment of that clock (a stamp from a fast clock, a move that nothing dates: "now"), which is
worked out again at every new now; a clock that goes back works them all out again. Days are
date ordinals in now's zone (metrics_history.Calendar), so midnight passing costs nothing, and a
new zone (a change of summer time, a flight) files the kept timelines by day again, once.

A timeline that needs its file's time (no journal line, no stamp) reads it when it is worked
out: a file whose ctime changes with no change to the task (a chmod) keeps its old moment here,
where a full pass would read the new one; and each file reads its own, where a full pass's
`FileTimes` (by id) reads one file of a duplicated id for both.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, partial

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.journal import Event
from pulseboard.core.metrics import Blocked, Finished, Flow, Stats, ageing, tally
from pulseboard.core.metrics_history import Calendar, Transition, Window, by_task, seconds, timeline
from pulseboard.core.progress import FileTimes
from pulseboard.core.reconcile import Event as Change

STILL_BLOCKED = 1 << 62  # the day a stay in blocked/ that has not ended ends on: after every window


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
    before and after) and the journal as it grows (`follow` with the whole journal as a
    `JournalTail` reads it, or `add_events` with the lines appended); `stats(now, days)` works out
    the timelines of the tasks they named and sums the window from what is filed by day: its cost
    grows with the days, the tasks finished or blocked in the window and the work in progress,
    never with the whole history. Not thread-safe: one worker holds it.
    """

    def __init__(
        self,
        tasks: Iterable[Task] = (),
        events: Iterable[Event] = (),
        *,
        file_times: Mapping[str, float] | None = None,
    ) -> None:
        """tasks, events: the board and its journal now. file_times: task id -> when its file last
        changed place, as `compute` takes it; None reads each file's ctime (`FileTimes`)."""
        self._file_times = file_times
        self._seen = list(events)  # the journal as last followed: what `follow` compares with
        self._journal, self._undone = by_task(self._seen)
        self._held: dict[str, _Held] = {}  # by task id (its first file: a duplicate's are its twins)
        self._stale: set[_Held] = set()
        self._bound: set[_Held] = set()  # timelines holding a moment of their clock
        self._now_ts = -math.inf  # the clock the kept timelines were worked out with
        self._file_by_day(Calendar(dt.UTC))
        for task in tasks:  # one file each (a board's files are), a duplicate's in front of its twin
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
        """Journal lines appended since the last call, in journal order."""
        named: set[str] = set()
        for event in events:
            self._journal.setdefault(event.id, []).append(event)
            self._seen.append(event)
            named.add(event.id)
            if event.undoes:
                self._undone.add(event.undoes)
                named.update(self._owners(event.undoes, event.id))
        for task_id in named:
            self._forget(self._files(task_id))

    def follow(self, events: Sequence[Event]) -> None:
        """The whole journal as a `JournalTail` reads it now: the lines after those seen last are
        added; if any seen line went, changed or moved (a month file rewritten, lines merged into
        an earlier month), all of it is read again. The tail keeps its events from call to call,
        so the check is by identity: ~2 ms for 200,000 lines."""
        seen = self._seen
        if events[: len(seen)] == seen:  # as a rule the same objects: compared by identity first
            self.add_events(events[len(seen) :])
            return
        self._seen = list(events)
        self._journal, self._undone = by_task(self._seen)
        self._forget(self._every())

    # -- the figures ------------------------------------------------------------------------

    def stats(
        self,
        now: dt.datetime,
        days: int = 14,
        settings: HeartbeatSettings = HeartbeatSettings(),  # noqa: B008 (frozen, so safe to share)
    ) -> Stats:
        """The figures over the last `days` days as of `now` (zone-aware), as `compute` has them."""
        window = Window.of(now, days)
        self._keep_up(window)
        blocked, first = Blocked(window), window.dates[0].toordinal()
        for ordinal, group in self._blocked_until.items():
            if ordinal >= first:
                for held in group:
                    blocked.add(held.task.id, held.line)
        now_ts = window.now_ts
        work = []
        for held in self._working:
            last, _, estimated = held.line[-1]
            work.append(ageing(held.task, last, estimated, now_ts, settings))
        return tally(window, self._flow, self._finished, blocked, work)

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
            held.line = timeline(task, self._journal.get(task.id, ()), parse, times, now_ts, self._undone)
            self._count(held, 1)
            if held.line[-1][0] >= now_ts:  # a timeline is sorted: its last moment is its latest
                self._bound.add(held)
        self._stale.clear()

    def _file_by_day(self, calendar: Calendar) -> None:
        """Day files afresh in this calendar, with every timeline kept."""
        self._calendar = calendar
        self._flow, self._finished = Flow(calendar.day), Finished(calendar.day)
        self._blocked_until: dict[int, set[_Held]] = {}  # by the day their last stay in blocked/ ended
        self._working: set[_Held] = set()  # in doing/ or blocked/: the ageing work
        for held in self._every():
            if held.line:
                self._count(held, 1)

    def _count(self, held: _Held, sign: int) -> None:
        """File a task's timeline by day (sign 1), or take it out (-1)."""
        line, state = held.line, held.task.state
        self._flow.add(line, sign)
        if state == "done":
            self._finished.add(line, sign)
        end = Blocked.last_end(line)
        if end is not None:
            day = STILL_BLOCKED if end == math.inf else self._calendar.day(end)
            _file(self._blocked_until, day, held, sign)
        if state in ("doing", "blocked"):
            (self._working.add if sign > 0 else self._working.discard)(held)

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


def _file(index: dict[int, set[_Held]], day: int, held: _Held, sign: int) -> None:
    if sign > 0:
        index.setdefault(day, set()).add(held)
        return
    group = index[day]
    group.discard(held)
    if not group:
        del index[day]
