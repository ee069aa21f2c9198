"""The incremental heartbeat: `beat`'s ranking for a live board, kept up to date a file at a time.

`HeartbeatEngine` holds what the rules (core/heartbeat_rules.py) need between beats and changes it
by what changed, so a beat after a one-file change costs about what that file touched, not the
board. `suggest(now, modified, push_failed, limit)` is `beat(tasks, now, settings, modified,
push_failed)[:limit]` for the tasks it holds: the same suggestions, order, texts and terms. It keeps:

- the tasks by file and by id: copies of one id in two places, files with conflict markers;
- the dependency graph (`_Graph`): each dependency resolved once, and again only when an id it
  could name comes or goes; per id how many dependencies resolve, how many of them are not done,
  and how many open or blocked tasks wait on it; the problems, and the cycles, found again only
  where the graph changed;
- doing (`_Doing`): in start order (the WIP level, the oldest), a touch index, each task's earlier
  clashes (`overlaps_in_doing`), and the time boxes;
- the blocked tasks, ready to unblock or waiting (a `Ladder` by the time waited), and the open
  tasks ready to start: a `Ladder` per class of tasks whose terms are equal but for age, and a touch
  index over them, so a task entering or leaving doing finds the open tasks it clashes with.

Scores that grow with time (minutes in doing, hours waited, age) never re-sort anything: a `Ladder`
keeps its members in stamp order, which time does not change, and works out scores only for the
members `suggest` looks at. Each rule hands `suggest` a stream already in rank order; it merges
them and makes sentences and terms (the rules' own functions) only for the suggestions it returns.
A beat's work grows with `limit`, the number of classes and the tasks in doing whose file changed
since it was started (`modified`, given with each beat), not with the board; an update's grows with
what the changed task touches (the tasks depending on it, the tasks it overlaps in doing or among
those ready to start).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import math
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from operator import itemgetter
from typing import Any

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.doctor import dependency_problem, find_cycles, problem_kind, resolve_dependency
from pulseboard.core.fields import parse_time, seconds_since
from pulseboard.core.heartbeat import rank
from pulseboard.core.heartbeat_rules import (
    BAND,
    CLASHES_PER_TASK,
    TERM_CAP,
    Suggestion,
    age_points,
    at_limit,
    conflict,
    conflict_marker,
    cycle_note,
    debt_note,
    deps_done,
    doing_order,
    has_conflict_markers,
    hours_waited,
    idle_note,
    is_active,
    is_debt,
    minutes_in_doing,
    over_limit,
    parts_done_note,
    past_box,
    problem_note,
    push_note,
    stale_spec,
    start_kind,
    start_note,
    start_terms,
    time_box,
    time_box_note,
    two_places,
    unblock_note,
    urgency,
    wait_note,
    waits_on,
)
from pulseboard.core.ids import ShortIds
from pulseboard.core.overlap import TouchIndex
from pulseboard.core.reconcile import Event
from pulseboard.core.wip import Wip

Key = tuple[str, str]  # one task file: (state, file name)
OrderKey = tuple[str, str, str]  # a task in doing, where it sorts (`doing_order`)
ProblemAt = tuple[str, str, Key, int, str, int]  # (id, kind, file, which dependency, it, how many it matches)
StartClass = tuple[str, float, tuple[float, ...]]  # (kind, priority points, the points after age)
Entry = tuple[float, tuple[str, ...], str, Callable[[], Suggestion]]  # (-score, ids, kind, make it)

SATURATION_MARGIN_S = 60.0  # a member this long past where its score stops growing surely scores the most
EVENT_MARGIN_S = 1.0  # a time box crossed this close to now is checked exactly, and again next beat
_ORDER = itemgetter(0, 1, 2)  # the rank of an entry: its suggestion's `rank_key`, but for the text


def _remove(items: list[Any], item: Any) -> None:
    """Take one item out of a sorted list."""
    del items[bisect_left(items, item)]


def _holds(items: list[Any], item: Any) -> bool:
    """Whether a sorted list holds an item."""
    i = bisect_left(items, item)
    return i < len(items) and items[i] == item


def _bump(counts: Counter[Any], key: Hashable, delta: int) -> int:
    """Add delta to a count, forgetting it at zero; the count after."""
    value = counts[key] + delta
    if value:
        counts[key] = value
    else:
        counts.pop(key, None)
    return value


class Ladder:
    """Members ranked by a score that only the time since each one's stamp moves, by one function
    for all: highest first, ties by id (then member). Time never re-sorts it: members stay in stamp
    order, a run of equal scores is found by galloping (scores asked of a few members only), and
    members past `saturation_s` (where the score stops growing) wait in id order.
    """

    def __init__(
        self, score: Callable[[float], float], saturation_s: float | None = None, rising: bool = True
    ) -> None:
        """score: of the seconds since a member's stamp (0 without one); it never falls as they
        grow (rising), or never rises (then the youngest lead, and nothing saturates)."""
        self._score = score
        self._saturation = saturation_s if rising else None
        self._sign = 1.0 if rising else -1.0
        self._live: list[tuple[float, str, Any]] = []  # (sign * stamp time, id, member): best first
        self._saturated: list[tuple[float, str, Any]] = []  # the same, for members past saturation
        self._saturated_ids: list[tuple[str, Any]] = []  # those, by id
        self._unstamped: list[tuple[str, Any]] = []  # no readable stamp (0 seconds), by id
        self._members: dict[Any, tuple[str | None, float | None, str]] = {}  # member -> (stamp, time, id)
        self._cutoff = -math.inf  # members stamped at or before this are saturated

    def __len__(self) -> int:
        return len(self._members)

    def add(self, member: Any, task_id: str, stamp: str | None) -> None:
        moment = parse_time(stamp)
        at = None if moment is None else self._sign * moment.timestamp()
        self._members[member] = (stamp, at, task_id)
        for items, item in self._places(member):
            insort(items, item)

    def discard(self, member: Any) -> None:
        for items, item in self._places(member):
            _remove(items, item)
        del self._members[member]

    def _places(self, member: Any) -> list[tuple[list[Any], tuple[Any, ...]]]:
        """The sorted lists a member is in, with its item in each."""
        _, at, task_id = self._members[member]
        if at is None:
            return [(self._unstamped, (task_id, member))]
        if at <= self._cutoff:
            return [(self._saturated, (at, task_id, member)), (self._saturated_ids, (task_id, member))]
        return [(self._live, (at, task_id, member))]

    def ranked(self, now: dt.datetime) -> Iterator[tuple[float, str, Any]]:
        """(score, id, member) for every member at `now`, best first."""
        self._saturate(now)
        score, parts = 0.0, []
        for run_score, run in self._runs(now):
            if parts and run_score != score:
                yield from _emit(score, parts)
                parts = []
            score = run_score
            parts.append(run)
        if parts:
            yield from _emit(score, parts)

    def _saturate(self, now: dt.datetime) -> None:
        """Move the members that crossed saturation since the last look (either way in time)."""
        if self._saturation is None:
            return
        cutoff = now.timestamp() - self._saturation
        forward = cutoff > self._cutoff
        if forward:
            k = bisect_right(self._live, cutoff, key=itemgetter(0))
            moved, self._live[:k] = self._live[:k], []
            self._saturated.extend(moved)
        else:
            k = bisect_right(self._saturated, cutoff, key=itemgetter(0))
            moved, self._saturated[k:] = self._saturated[k:], []
            self._live[:0] = moved
        for _, task_id, member in moved:
            if forward:
                insort(self._saturated_ids, (task_id, member))
            else:
                _remove(self._saturated_ids, (task_id, member))
        self._cutoff = cutoff

    def _score_of(self, member: Any, now: dt.datetime) -> float:
        return self._score(seconds_since(self._members[member][0], now) or 0.0)

    def _runs(self, now: dt.datetime) -> Iterator[tuple[float, list[tuple[str, Any]]]]:
        """(score, its members by id) for each run of equal scores, best first; runs next to each
        other may tie (`ranked` joins them)."""
        if self._sign < 0 and self._unstamped:
            yield self._score(0.0), self._unstamped
        if self._saturated_ids:
            yield self._score_of(self._saturated_ids[0][1], now), self._saturated_ids
        live, i = self._live, 0
        while i < len(live):
            score = self._score_of(live[i][2], now)
            j = self._run_end(i, score, now)
            run = live[i:j]
            same_stamp = run[0][0] == run[-1][0]  # then already in id order
            yield score, [(task_id, m) for _, task_id, m in (run if same_stamp else sorted(run, key=_by_id))]
            i = j
        if self._sign > 0 and self._unstamped:
            yield self._score(0.0), self._unstamped

    def _run_end(self, i: int, score: float, now: dt.datetime) -> int:
        """The first live member after i scoring less than `score` (live[i] scores it), galloping."""
        live, last, step = self._live, i, 1
        while last + step < len(live) and self._score_of(live[last + step][2], now) == score:
            last += step
            step *= 2
        lo, hi = last + 1, min(last + step, len(live))
        while lo < hi:
            mid = (lo + hi) // 2
            if self._score_of(live[mid][2], now) == score:
                lo = mid + 1
            else:
                hi = mid
        return lo


def _by_id(item: tuple[float, str, Any]) -> tuple[str, Any]:
    return item[1], item[2]


def _emit(score: float, parts: list[list[tuple[str, Any]]]) -> Iterator[tuple[float, str, Any]]:
    for task_id, member in parts[0] if len(parts) == 1 else heapq.merge(*parts):
        yield score, task_id, member


class _Graph:
    """The dependency graph as `dependency_graph` and the rules see it, kept from changes.

    A task's dependencies are resolved when it comes and again when an id it could name (the
    dependency itself, or an id it is a prefix of) comes or goes. Per id (the copies of one id
    joined, as the graph joins them): its resolved dependencies (`edges`), how many resolve and
    how many of those are not done (`deps_done`), and how many open or blocked tasks wait on it
    (`waited_on`, the unblocks term). `touched` collects the ids whose open and blocked copies must
    look again.
    """

    def __init__(self, ids: Iterable[str] = ()) -> None:
        """ids: those of the tasks about to be put, if known (one sort instead of an insert each)."""
        self.ids = ShortIds(ids)  # every id once: resolving prefixes, and the problems' short ids
        self._done: Counter[str] = Counter()  # copies in done
        self._waiting: Counter[str] = Counter()  # copies in open or blocked
        self._tasks: dict[Key, Task] = {}  # the tasks with dependencies
        self._resolved_of: dict[Key, list[str]] = {}
        self._problems_of: dict[Key, list[ProblemAt]] = {}
        self._naming: dict[
            str, list[Key]
        ] = {}  # a dependency as written and as a prefix -> its tasks (a set each: 7 MB)
        self.edges: dict[str, Counter[str]] = {}
        self._resolved: Counter[str] = Counter()
        self._undone: Counter[str] = Counter()
        self._dependents: dict[str, Counter[str]] = {}
        self.waited_on: Counter[str] = Counter()
        self.problems: list[ProblemAt] = []  # sorted
        self.cycles: list[tuple[str, ...]] = []  # sorted, each sorted
        self._cycle_of: dict[str, tuple[str, ...]] = {}
        self._to_resolve: set[Key] = set()
        self._came_or_went: set[str] = set()
        self._changed: set[str] = set()  # ids whose set of dependencies changed: look for cycles there
        self.touched: set[str] = set()

    def deps_done(self, task: Task) -> bool:
        return deps_done(task, self._resolved[task.id], self._undone[task.id])

    def first_undone(self, task: Task) -> str | None:
        """What a task still waits on, by `deps_done`'s rule: None when every dependency is done,
        else the first one not done (an id), or "" for one naming no task or several."""
        if self.deps_done(task):
            return None
        return next((dep for dep in sorted(self.edges.get(task.id, ())) if not self._done[dep]), "")

    def put(self, key: Key, task: Task, new_id: bool) -> None:
        """A task file comes (new_id: the first file of its id)."""
        if new_id:
            self.ids.add(task.id)
            self._came_or_went.add(task.id)
        if task.state == "done" and _bump(self._done, task.id, 1) == 1:
            self._flip_done(task.id, -1)
        if task.state in ("open", "blocked"):
            self._wait(task.id, 1)
        if task.depends:
            self._tasks[key] = task
            for name in _names(task):
                self._naming.setdefault(name, []).append(key)
            self._to_resolve.add(key)

    def drop(self, key: Key, task: Task, id_gone: bool) -> None:
        """A task file goes (id_gone: the last file of its id)."""
        if task.depends:
            self._link(task.id, self._resolved_of.pop(key, []), [])
            for problem in self._problems_of.pop(key, []):
                _remove(self.problems, problem)
            for name in _names(task):
                self._naming[name].remove(key)
                if not self._naming[name]:
                    del self._naming[name]
            del self._tasks[key]
            self._to_resolve.discard(key)
        if task.state in ("open", "blocked"):
            self._wait(task.id, -1)
        if task.state == "done" and not _bump(self._done, task.id, -1):
            self._flip_done(task.id, 1)
        if id_gone:
            self.ids.discard(task.id)
            self._came_or_went.add(task.id)

    def settle(self, loading: bool = False) -> set[str]:
        """Resolve what the changes may have changed, find the cycles again where the graph changed;
        the ids touched since the last settle (`touched`, emptied). loading: every task was just
        put, so no resolution depends on the order ids came in."""
        keys = self._to_resolve
        if not loading:
            for task_id in self._came_or_went:
                for end in range(1, len(task_id) + 1):
                    keys.update(self._naming.get(task_id[:end], ()))
        for key in keys:
            if key in self._tasks:
                self._resolve(key)
        self._to_resolve, self._came_or_went = set(), set()
        self._find_cycles()
        touched, self.touched = self.touched, set()
        return touched

    def _resolve(self, key: Key) -> None:
        task = self._tasks[key]
        resolved: list[str] = []
        problems: list[ProblemAt] = []
        for index, dep in enumerate(task.depends):
            matches = resolve_dependency(dep, self.ids, self.ids.ids())
            if len(matches) == 1:
                resolved.append(matches[0])
            else:
                problems.append((task.id, problem_kind(len(matches)), key, index, dep, len(matches)))
        self._link(task.id, self._resolved_of.get(key, []), resolved)
        self._resolved_of[key] = resolved
        for problem in self._problems_of.pop(key, []):
            _remove(self.problems, problem)
        for problem in problems:
            insort(self.problems, problem)
        if problems:
            self._problems_of[key] = problems

    def _link(self, source: str, old: list[str], new: list[str]) -> None:
        """One copy of `source` now resolves `new` where it resolved `old`."""
        before, after = Counter(old), Counter(new)
        for target, count in (after - before).items():
            self._edge(source, target, count)
        for target, count in (before - after).items():
            self._edge(source, target, -count)

    def _edge(self, source: str, target: str, delta: int) -> None:
        edges = self.edges.setdefault(source, Counter())
        had = bool(edges[target])
        if bool(_bump(edges, target, delta)) != had:
            self._changed.add(source)
        if not edges:
            del self.edges[source]
        dependents = self._dependents.setdefault(target, Counter())
        _bump(dependents, source, delta)
        if not dependents:
            del self._dependents[target]
        _bump(self._resolved, source, delta)
        if not self._done[target]:
            _bump(self._undone, source, delta)
        _bump(self.waited_on, target, self._waiting[source] * delta)
        self.touched.update((source, target))

    def _flip_done(self, task_id: str, sign: int) -> None:
        """The id's first copy came into done (sign -1: one fewer undone dependency for each
        task depending on it) or its last left it (+1)."""
        for source, count in self._dependents.get(task_id, {}).items():
            _bump(self._undone, source, sign * count)
            self.touched.add(source)

    def _wait(self, task_id: str, delta: int) -> None:
        """One more (or fewer) copy of the id in open or blocked waits on its dependencies."""
        _bump(self._waiting, task_id, delta)
        for target, count in self.edges.get(task_id, {}).items():
            _bump(self.waited_on, target, delta * count)
            self.touched.add(target)

    def _find_cycles(self) -> None:
        """The cycles again, among the ids reachable from where the dependencies changed and the
        cycles those were in (no other cycle can have changed)."""
        region: set[str] = set()
        stack = [*self._changed, *(m for task_id in self._changed for m in self._cycle_of.get(task_id, ()))]
        while stack:
            node = stack.pop()
            if node not in region:
                region.add(node)
                stack.extend(self.edges.get(node, ()))
        for node in region:
            cycle = self._cycle_of.get(node)
            if cycle is not None:
                _remove(self.cycles, cycle)
                for member in cycle:
                    del self._cycle_of[member]
        if region:
            for found in find_cycles(self.edges, region):
                cycle = tuple(found)
                insort(self.cycles, cycle)
                self._cycle_of.update(dict.fromkeys(cycle, cycle))
        self._changed = set()


def _names(task: Task) -> set[str]:
    """What a task's dependencies could name: each as written, and as the prefix it is read as."""
    return {name for dep in task.depends for name in (dep, dep.strip().lower()) if name}


class _Doing:
    """The tasks in doing: in start order (`doing_order`: the WIP level, the oldest), a touch index
    over them, each one's earlier clashes (the pairs `overlaps_in_doing` names, by first id), and
    the time boxes: a `Ladder` for consider-split and one for split, and a heap of the moments each
    task will cross its next box."""

    def __init__(self, settings: HeartbeatSettings) -> None:
        self.settings = settings
        self.order: list[OrderKey] = []
        self.ids: Counter[str] = Counter()
        self.index = TouchIndex()
        self._tasks: dict[OrderKey, Task] = {}
        self._clashes: dict[OrderKey, list[OrderKey]] = {}  # a task -> the earlier ones it is paired with
        self._clashed_by: dict[OrderKey, set[OrderKey]] = {}
        self._pairs: dict[str, set[tuple[str, OrderKey, OrderKey]]] = {}  # first id -> (second id, both)
        self._pair_ids: list[str] = []  # the first ids, sorted
        cap = TERM_CAP * 60 + SATURATION_MARGIN_S
        self.boxes = {kind: Ladder(partial(_box_score, kind), cap) for kind in ("split", "consider-split")}
        self._box: dict[OrderKey, str | None] = {}  # the tasks with a readable start -> their box ladder
        self._events: list[tuple[float, int, OrderKey]] = []  # (when, version, task)
        self._version: dict[OrderKey, int] = {}
        self._versions = itertools.count()
        self._now: dt.datetime | None = None

    def task(self, key: OrderKey) -> Task:
        return self._tasks[key]

    def wip(self) -> Wip:
        """Doing against its limit, each id once (core/wip.py's rule)."""
        return Wip(len(self.ids), self.settings.wip_doing)

    def put(self, task: Task) -> None:
        key = doing_order(task)
        self._tasks[key] = task
        insort(self.order, key)
        _bump(self.ids, task.id, 1)
        self.index.add(key, task.touches)
        self._reclash(key)
        for later in self.index.owners(task.touches, after=key):
            earlier = self._clashes.get(later, [])
            if len(earlier) < CLASHES_PER_TASK or key < earlier[-1]:
                self._reclash(later)
        moment = parse_time(task.started)
        if moment is not None and not task.children:  # split into parts: no box of its own (past_box)
            self._box[key] = None
            self._version[key] = version = next(self._versions)
            heapq.heappush(
                self._events, (moment.timestamp() + time_box(task, self.settings)[0], version, key)
            )

    def drop(self, task: Task) -> None:
        key = doing_order(task)
        _remove(self.order, key)
        _bump(self.ids, task.id, -1)
        self.index.discard(key, task.touches)
        for later in sorted(self._clashed_by.get(key, ())):
            self._reclash(later)
        for earlier in self._clashes.pop(key, []):
            self._unpair(earlier, key)
        self._version.pop(key, None)
        box = self._box.pop(key, None)
        if box is not None:
            self.boxes[box].discard(key)
        del self._tasks[key]

    def conflicts(self) -> Iterator[Entry]:
        """The pairs in doing touching the same things, in rank order."""
        for first in self._pair_ids:
            for second, a, b in sorted(self._pairs[first]):
                yield (
                    -BAND["conflict"],
                    (first, second),
                    "conflict",
                    partial(conflict, self._tasks[a], self._tasks[b]),
                )

    def advance(self, now: dt.datetime) -> None:
        """Move each task whose time in doing crossed a box since the last look into its ladder."""
        if self._now is not None and now < self._now:  # the clock went back: look at every box again
            self._events = [(-math.inf, version, key) for key, version in self._version.items()]
            heapq.heapify(self._events)
        self._now = now
        due, again = now.timestamp() + EVENT_MARGIN_S, []
        while self._events and self._events[0][0] <= due:
            _, version, key = heapq.heappop(self._events)
            if self._version.get(key) != version:
                continue  # left doing since
            task = self._tasks[key]
            box, held = past_box(task, seconds_since(task.started, now) or 0.0, self.settings), self._box[key]
            if box != held:
                if held is not None:
                    self.boxes[held].discard(key)
                if box is not None:
                    self.boxes[box].add(key, task.id, task.started)
                self._box[key] = box
            if box != "split":  # the next box it will cross, and when
                moment = parse_time(task.started)
                assert moment is not None
                event = (moment.timestamp() + time_box(task, self.settings)[box is not None], version, key)
                if event[0] <= due:
                    again.append(event)  # not crossed yet by the exact count: look again next beat
                else:
                    heapq.heappush(self._events, event)
        for event in again:
            heapq.heappush(self._events, event)

    def _reclash(self, key: OrderKey) -> None:
        """Pair a task with the earliest tasks before it that touch the same (`earlier_overlaps`)."""
        new = [
            earlier
            for earlier in self.index.first(self._tasks[key].touches, CLASHES_PER_TASK)
            if earlier < key
        ]
        old = self._clashes.get(key, [])
        for earlier in old:
            if earlier not in new:
                self._unpair(earlier, key)
        for earlier in new:
            if earlier not in old:
                self._clashed_by.setdefault(earlier, set()).add(key)
                group = self._pairs.get(earlier[1])
                if group is None:
                    group = self._pairs[earlier[1]] = set()
                    insort(self._pair_ids, earlier[1])
                group.add((key[1], earlier, key))
        if new:
            self._clashes[key] = new
        else:
            self._clashes.pop(key, None)

    def _unpair(self, earlier: OrderKey, later: OrderKey) -> None:
        by = self._clashed_by[earlier]
        by.discard(later)
        if not by:
            del self._clashed_by[earlier]
        group = self._pairs[earlier[1]]
        group.discard((later[1], earlier, later))
        if not group:
            del self._pairs[earlier[1]]
            _remove(self._pair_ids, earlier[1])


def _box_score(kind: str, elapsed: float) -> float:
    """A time box suggestion's score (`time_box_note`)."""
    return BAND[kind] + minutes_in_doing(elapsed)


def _wait_score(waited: float) -> float:
    """A blocked task's score (`wait_note`)."""
    return BAND["blocked"] + hours_waited(waited)


def _entries(suggestions: Iterable[Suggestion]) -> Iterator[Entry]:
    """Suggestions already made, as entries in rank order."""
    for s in rank(suggestions):
        yield (-s.score, s.ids, s.kind, partial(_same, s))


def _same(suggestion: Suggestion) -> Suggestion:
    """An entry's maker for a suggestion made already."""
    return suggestion


class HeartbeatEngine:
    """`beat` for a board that changes a file at a time: `load` it once, `update` (or `follow`) it
    with each change, and `suggest` gives what `beat(...)[:limit]` gives for the board as it is.

    Tasks are held by file, (state, file name): one task per file, as on disk."""

    def __init__(self, settings: HeartbeatSettings) -> None:
        self.settings = settings
        self.load(())

    @property
    def debt(self) -> int:
        """Open tasks with a debt tag, each id once (the status line's count)."""
        return len(self._debt)

    # -- changes ----------------------------------------------------------------------------------

    def load(self, tasks: Iterable[Task]) -> None:
        """Hold exactly these tasks (a whole board read)."""
        tasks = list(tasks)
        self._tasks: dict[Key, Task] = {}
        self._first: dict[str, Key] = {}  # each id's first file; a list each was 9 MB at 100,000
        self._twins: dict[str, list[Key]] = {}  # its other files (the same task in two places)
        self._two_places: list[str] = []  # ids with copies in two places or more, sorted
        self._markers: list[tuple[str, Key]] = []  # files with conflict markers, by id
        self._graph = _Graph(t.id for t in tasks)
        self._doing = _Doing(self.settings)
        self._unblock: list[tuple[str, Key]] = []  # blocked, every dependency done: by id
        self._waits = Ladder(_wait_score, TERM_CAP * 3600 + SATURATION_MARGIN_S)  # the other blocked
        self._place: dict[Key, str] = {}  # a blocked task -> "unblock" or "wait"
        self._waits_on: Counter[str] = Counter()  # whom the blocked tasks wait on
        self._blocked = 0
        self._debt: Counter[str] = Counter()  # open tasks with a debt tag, by id (a copy counts once)
        self._done: Counter[str] = Counter()  # copies in done, by id
        self._parents: dict[str, set[Key]] = {}  # a part's id -> the tasks not done that list it
        self._undone: dict[Key, int] = {}  # a task not done with parts -> how many of them are not done
        self._finish: list[tuple[str, Key]] = []  # those with every part done, by id
        self._class_of: dict[Key, StartClass] = {}  # an open task ready to start -> its class
        self._starts: dict[StartClass, Ladder] = {}
        self._ready = TouchIndex()  # the open tasks ready to start
        self._clashing: dict[Key, int] = {}  # each of those -> its overlapping pairs of touches with doing
        self._classes: dict[Key, tuple[StartClass, StartClass]] = {}  # each of those -> (no clash, clash)
        self._class_pairs: dict[tuple[StartClass, StartClass], tuple[StartClass, StartClass]] = {}  # one each
        self._dirty: set[Key] = set()  # open and blocked tasks to place again
        self._flipped: set[Key] = set()  # open tasks ready to start that began or stopped clashing
        # re-read: the ids with a stale copy in doing, kept as `modified` and doing change. A spec is
        # stale when its file changed after min(start, now): as time goes on a note can only go, and
        # the notes are made from the copies when taken, so time never needs a pass over them all.
        self._modified: dict[str, float] = {}  # `modified` as the last suggest gave it
        self._stale: list[str] = []  # sorted; an id that time made fresh again waits for a change
        self._stale_dirty: set[str] = set()  # ids whose copies in doing changed since the last beat
        self._stale_now: dt.datetime | None = None  # the last beat's now (a clock gone back: all again)
        for task in sorted(tasks, key=lambda t: doing_order(t) if t.state == "doing" else ("",)):
            self._put(task)  # doing in start order: each comes last, and no earlier pair changes
        self._settle(loading=True)

    def update(self, added: Iterable[Task] = (), removed: Iterable[Task] = ()) -> None:
        """removed: tasks whose files are gone (as they were); added: tasks as their files now are
        (each replaces the task held for its file). Removals go first; for a batch in which one
        file changes more than once, use `follow`."""
        for task in removed:
            held = self._tasks.get((task.state, task.name))
            if held is not None:
                self._drop(held)
        for task in added:
            self._put(task)
        self._settle()

    def follow(self, events: Iterable[Event]) -> None:
        """`update` from a reconcile's events (`Changes.events`), in their order."""
        for event in events:
            held = event.before and self._tasks.get((event.before.state, event.before.name))
            if held is not None:
                self._drop(held)
            if event.after is not None:
                self._put(event.after)
        self._settle()

    def _put(self, task: Task) -> None:
        key = (task.state, task.name)
        held = self._tasks.get(key)
        if held == task:
            return
        if held is not None:
            self._drop(held)
        self._tasks[key] = task
        first = self._first.setdefault(task.id, key)
        if first != key:
            twins = self._twins.setdefault(task.id, [])
            twins.append(key)
            if len(twins) == 1:
                insort(self._two_places, task.id)
        if has_conflict_markers(task):
            insort(self._markers, (task.id, key))
        self._graph.put(key, task, first == key)
        if task.state == "doing":
            self._doing.put(task)
            self._clash(task, 1)
            self._stale_dirty.add(task.id)
        elif task.state == "blocked":
            self._waits_on[waits_on(task)] += 1
            self._blocked += 1
        elif task.state == "open" and is_debt(task, self.settings):
            self._debt[task.id] += 1
        if task.state == "done" and _bump(self._done, task.id, 1) == 1:
            self._part_done(task.id, True)
        if task.children and task.state != "done":
            self._add_parent(key, task)
        self._dirty.add(key)

    def _add_parent(self, key: Key, task: Task) -> None:
        """A task not done with parts: counted by its parts not done; ready to finish at none."""
        parts = dict.fromkeys(task.children)
        for part in parts:
            self._parents.setdefault(part, set()).add(key)
        self._undone[key] = undone = sum(part not in self._done for part in parts)
        if not undone:
            insort(self._finish, (task.id, key))

    def _drop_parent(self, key: Key, task: Task) -> None:
        for part in dict.fromkeys(task.children):
            keys = self._parents[part]
            keys.discard(key)
            if not keys:
                del self._parents[part]
        if not self._undone.pop(key):
            _remove(self._finish, (task.id, key))

    def _part_done(self, part: str, done: bool) -> None:
        """A part's id got its first copy in done (done) or lost its last: its parents count it."""
        for key in self._parents.get(part, ()):
            before = self._undone[key]
            self._undone[key] = after = before - 1 if done else before + 1
            if not after:
                insort(self._finish, (self._tasks[key].id, key))
            elif not before:
                _remove(self._finish, (self._tasks[key].id, key))

    def _copies(self, task_id: str) -> list[Key]:
        """Every file of an id, first first."""
        first = self._first.get(task_id)
        return [] if first is None else [first, *self._twins.get(task_id, ())]

    def _drop(self, task: Task) -> None:
        key = (task.state, task.name)
        del self._tasks[key]
        twins = self._twins.get(task.id)
        if self._first[task.id] == key:
            if twins:
                self._first[task.id] = twins.pop(0)
            else:
                del self._first[task.id]
        elif twins is not None:
            twins.remove(key)
        if twins is not None and not twins:
            del self._twins[task.id]
            _remove(self._two_places, task.id)
        if has_conflict_markers(task):
            _remove(self._markers, (task.id, key))
        self._graph.drop(key, task, task.id not in self._first)
        if task.state == "doing":
            self._doing.drop(task)
            self._clash(task, -1)
            self._stale_dirty.add(task.id)
        elif task.state == "blocked":
            _bump(self._waits_on, waits_on(task), -1)
            self._blocked -= 1
            self._set_place(key, task, None)
        elif task.state == "open":
            self._set_class(key, task, None)
            if is_debt(task, self.settings):
                _bump(self._debt, task.id, -1)
        if task.children and task.state != "done":
            self._drop_parent(key, task)
        if task.state == "done" and not _bump(self._done, task.id, -1):
            self._part_done(task.id, False)

    def _clash(self, doing: Task, delta: int) -> None:
        """A task came into doing (delta 1) or left it: the open tasks ready to start that it
        overlaps count its overlapping pairs of touches in (or out)."""
        for keys in self._ready.owner_lists(doing.touches):
            for key in keys:
                before = self._clashing[key]
                self._clashing[key] = before + delta
                if not before or before + delta == 0:  # it clashes now and did not, or the other way
                    self._flipped.add(key)

    def _settle(self, loading: bool = False) -> None:
        """Bring every open and blocked task the changes touched to its place."""
        for task_id in self._graph.settle(loading):
            self._dirty.update(self._copies(task_id))
        for key in self._dirty:
            task = self._tasks.get(key)
            if task is None:
                continue
            if task.state == "open":
                ready = not task.error and not task.children and self._graph.deps_done(task)
                self._set_class(key, task, self._start_class(key, task) if ready else None)
            elif task.state == "blocked":
                ready = bool(task.depends) and self._graph.deps_done(task)
                self._set_place(key, task, "unblock" if ready else "wait")
        for key in self._flipped - self._dirty:
            if key in self._clashing:  # still ready: only its clash changed
                self._set_class(key, self._tasks[key], self._classes[key][self._clashing[key] > 0])
        self._dirty, self._flipped = set(), set()

    def _start_class(self, key: Key, task: Task) -> StartClass:
        """The class of an open task ready to start: what its score is made of, but for age (kept
        with and without a clash, for when only that changes)."""
        if key not in self._clashing:
            self._clashing[key] = sum(map(len, self._doing.index.owner_lists(task.touches)))
            self._ready.add(key, task.touches)
        unblocks = self._graph.waited_on[task.id]
        classes = []
        for clash in (None, ""):
            points = [p for _, p in start_terms(task, self.settings, 0.0, unblocks, clash)]
            classes.append((start_kind(task, self.settings, clash is not None), points[0], tuple(points[2:])))
        pair = (classes[0], classes[1])
        self._classes[key] = pair = self._class_pairs.setdefault(pair, pair)  # tasks alike share theirs
        return pair[self._clashing[key] > 0]

    def _set_class(self, key: Key, task: Task, want: StartClass | None) -> None:
        held = self._class_of.get(key)
        if want is None and key in self._clashing:
            del self._clashing[key], self._classes[key]
            self._ready.discard(key, task.touches)
        if want == held:
            return
        if held is not None:
            ladder = self._starts[held]
            ladder.discard(key)
            if not len(ladder):
                del self._starts[held]
            del self._class_of[key]
        if want is not None:
            ladder = self._starts.get(want) or self._starts.setdefault(want, self._start_ladder(want))
            ladder.add(key, task.id, task.created)
            self._class_of[key] = want

    def _start_ladder(self, start: StartClass) -> Ladder:
        """The ladder for one class of open tasks: the score rises with age while age points do."""
        kind, first, rest = start
        weights = self.settings.weights

        def score(age_s: float) -> float:
            return BAND[kind] + urgency((first, age_points(age_s, weights), *rest))

        if weights.age_per_day < 0:
            return Ladder(score, rising=False)  # the youngest first
        saturation = 0.0  # age points never change
        if weights.age_per_day > 0 and weights.age_cap > 0:
            saturation = weights.age_cap / weights.age_per_day * 86400 + SATURATION_MARGIN_S
        return Ladder(score, saturation)

    def _set_place(self, key: Key, task: Task, want: str | None) -> None:
        held = self._place.pop(key, None)
        if held == "unblock":
            _remove(self._unblock, (task.id, key))
        elif held == "wait":
            self._waits.discard(key)
        if want == "unblock":
            insort(self._unblock, (task.id, key))
        elif want == "wait":
            self._waits.add(key, task.id, (task.blocked or {}).get("since"))
        if want is not None:
            self._place[key] = want

    # -- the beat ---------------------------------------------------------------------------------

    def waiting_on(self, task: Task) -> str | None:
        """What a task with dependencies still waits on (a card's ⇠ mark): `_Graph.first_undone`,
        the rule that keeps it out of the start suggestions; None for one with none or all done."""
        return self._graph.first_undone(task) if task.depends else None

    def touches_doing(self, task: Task) -> bool:
        """Whether the task touches what another task in doing touches (a card's overlap mark):
        through the index of doing the engine keeps, so no pass over doing per change."""
        if not task.touches:
            return False
        doing = self._doing
        found = doing.index.first(task.touches, doing.ids[task.id] + 1)
        return any(doing.task(key).id != task.id for key in found)

    def doing_touching(self, touches: Sequence[str]) -> list[Task]:
        """Every task in doing with an entry overlapping touches, through the index of doing."""
        doing = self._doing
        return [doing.task(key) for key in doing.index.owners(touches)]

    def suggest(
        self,
        now: dt.datetime,
        modified: Mapping[str, float] | None = None,
        push_failed: str | None = None,
        limit: int | None = None,
    ) -> list[Suggestion]:
        """`beat(tasks, now, settings, modified, push_failed)[:limit]` for the tasks held (limit
        None: all of them); sentences and terms are made only for these."""
        if limit is not None and limit <= 0:
            return []
        taken: list[Entry] = []
        for entry in self._ranked(now, modified or {}, push_failed):
            if limit is not None and len(taken) >= limit and _ORDER(entry) != _ORDER(taken[-1]):
                break
            taken.append(entry)
        return rank(entry[3]() for entry in taken)[:limit]

    def _ranked(
        self, now: dt.datetime, modified: Mapping[str, float], push_failed: str | None
    ) -> Iterator[Entry]:
        """Every suggestion at `now` as an entry, in rank order but for ties of score, ids and
        kind: each rule's stream, merged."""
        self._doing.advance(now)
        wip = self._doing.wip()
        streams = [
            self._two_places_entries(),
            self._marker_entries(),
            _entries(push_note(push_failed)),
            self._wip_entries(wip),
            self._doing.conflicts(),
            self._stale_entries(now, modified),
            *(self._ladder_entries(ladder, kind, now) for kind, ladder in self._doing.boxes.items()),
            self._unblock_entries(),
            self._finish_entries(),
            *(() if wip.full else (self._ladder_entries(lad, c[0], now) for c, lad in self._starts.items())),
            self._problem_entries(),
            self._cycle_entries(),
            self._ladder_entries(self._waits, "blocked", now),
            _entries(debt_note(len(self._debt), self.settings)),
        ]
        heads: list[Entry] = []
        started: list[Iterator[Entry]] = []
        for stream in streams:
            head = next(stream, None)
            if head is not None:
                heads.append(head)
                started.append(itertools.chain([head], stream))
        if not any(is_active(head[3]()) for head in heads):  # each stream says one action, one band
            started.append(_entries([idle_note(self._blocked, +self._waits_on)]))
        return heapq.merge(*started, key=_ORDER)

    def _two_places_entries(self) -> Iterator[Entry]:
        for task_id in self._two_places:
            copies = [self._tasks[key] for key in self._copies(task_id)]
            yield (-BAND["two-places"], (task_id,), "two-places", partial(two_places, copies))

    def _marker_entries(self) -> Iterator[Entry]:
        for task_id, key in self._markers:
            yield (
                -BAND["conflict-markers"],
                (task_id,),
                "conflict-markers",
                partial(conflict_marker, self._tasks[key]),
            )

    def _wip_entries(self, wip: Wip) -> Iterator[Entry]:
        """Over the limit: the oldest in doing; at it: each id in doing once, oldest first."""
        order = self._doing.order
        if wip.level == "over":
            oldest = self._doing.task(order[0])
            yield (-BAND["over-limit"], (oldest.id,), "over-limit", partial(over_limit, wip, oldest))
        elif wip.level == "at":
            seen: set[str] = set()
            for key in order:
                if key[1] not in seen:
                    place = len(seen)
                    seen.add(key[1])
                    make = partial(at_limit, wip, place, self._doing.task(key))
                    yield (-(BAND["at-limit"] - place), (key[1],), "at-limit", make)

    def _stale_entries(self, now: dt.datetime, modified: Mapping[str, float]) -> Iterator[Entry]:
        """The re-read notes in rank order (one score and kind: by id, then text), made only as far
        as they are taken; the ids looked at again are those whose file time or copies in doing
        changed, and all of them when the clock went back."""
        changed = {task_id for task_id, _ in modified.items() - self._modified.items()}
        changed.update(self._modified.keys() - modified.keys(), self._stale_dirty)
        if self._stale_now is not None and now < self._stale_now:
            changed.update(modified)
        self._modified, self._stale_dirty, self._stale_now = dict(modified), set(), now
        for task_id in changed:
            stale = bool(self._stale_notes(task_id, now))
            if stale != _holds(self._stale, task_id):
                (insort if stale else _remove)(self._stale, task_id)
        for task_id in self._stale:
            yield from _entries(self._stale_notes(task_id, now))

    def _stale_notes(self, task_id: str, now: dt.datetime) -> list[Suggestion]:
        """The re-read notes of an id's copies in doing at `now`."""
        mtime, now_ts = self._modified.get(task_id), now.timestamp()
        copies = (self._tasks[key] for key in self._copies(task_id) if key[0] == "doing")
        notes = (stale_spec(task, seconds_since(task.started, now), mtime, now_ts) for task in copies)
        return [note for note in notes if note is not None]

    def _ladder_entries(self, ladder: Ladder, kind: str, now: dt.datetime) -> Iterator[Entry]:
        make = self._maker(kind, now)
        for score, task_id, member in ladder.ranked(now):
            yield (-score, (task_id,), kind, partial(make, member))

    def _maker(self, kind: str, now: dt.datetime) -> Callable[[Any], Suggestion]:
        """How a ladder's member of this kind becomes its suggestion."""
        if kind == "blocked":
            return lambda key: wait_note(self._tasks[key], now)
        if kind in self._doing.boxes:

            def box(key: OrderKey) -> Suggestion:
                task = self._doing.task(key)
                note = time_box_note(task, seconds_since(task.started, now) or 0.0, self.settings)
                assert note is not None
                return note

            return box
        return partial(self._start_note, now=now)

    def _start_note(self, key: Key, now: dt.datetime) -> Suggestion:
        task = self._tasks[key]
        first = self._doing.index.first(task.touches) if self._clashing[key] else []
        age = age_points(seconds_since(task.created, now) or 0.0, self.settings.weights)
        clash = self._doing.task(first[0]) if first else None
        return start_note(task, self.settings, age, self._graph.waited_on[task.id], clash)

    def _unblock_entries(self) -> Iterator[Entry]:
        for task_id, key in self._unblock:
            yield (-BAND["unblock"], (task_id,), "unblock", partial(unblock_note, self._tasks[key]))

    def _finish_entries(self) -> Iterator[Entry]:
        for task_id, key in self._finish:
            yield (-BAND["parts-done"], (task_id,), "parts-done", partial(parts_done_note, self._tasks[key]))

    def _problem_entries(self) -> Iterator[Entry]:
        for task_id, kind, key, _, dep, matches in self._graph.problems:
            yield (-BAND[kind], (task_id,), kind, partial(self._problem_note, key, dep, matches))

    def _problem_note(self, key: Key, dep: str, matches: int) -> Suggestion:
        task = self._tasks[key]
        return problem_note(dependency_problem(task, dep, matches, self._graph.ids.short(task.id)))

    def _cycle_entries(self) -> Iterator[Entry]:
        for cycle in self._graph.cycles:
            yield (-BAND["cycle"], cycle, "cycle", partial(cycle_note, cycle))
