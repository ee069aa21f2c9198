"""A plan for N hands (issue 15, item 7): the open tasks that can run side by side, as N lanes.

"Tasks touching the same files run sequentially; tasks in different areas can run concurrently."
`plan` sorts the open work into lanes, each a queue one hand works through, a task at a time:
`pulse plan` prints it, `pulse claim` takes the head of a free lane (`Plan.heads`), the board shows it.

- Candidates: open, readable tasks the heartbeat would start now or soon: not to be split first (its
  own `start_kind`), each dependency naming one task that is done or is itself planned (then it runs
  first, in the same lane). A task waiting on work blocked, in doing, or left out, or in a
  dependency cycle, or in two places, is left out with a sentence saying why.
- Order: the heartbeat's. Open tasks rank among themselves by `heartbeat_rules.urgency` of their
  `start_terms` (priority, age, small estimates, unblocks, overlap with doing: a start note scores
  300 plus that), ties by id as `rank_key` breaks them; here also while Doing is full or a task
  still waits on planned work, where the heartbeat itself says nothing to start. Tasks waiting on
  doing go after the others. The start notes themselves are not made (only a split-first task's,
  whose sentence says why it is left out): for 10,000 tasks they would add a third to the plan.
- Areas: candidates touching the same things (core/overlap.py's rule), or depending on one another,
  form one area: union-find over one `TouchIndex` of the open tasks and those in doing, asked once
  per distinct `touches` entry (never every pair; see `_Touches`). An area is one lane's work, in
  the order above with dependencies first (Kahn's algorithm over a heap).
- Doing: a task touching what a task in doing touches stays in the plan, waiting for it (`waits_for`,
  at most CLASHES_PER_TASK named, the earliest started). Leaving it out would break its area apart
  and let its neighbours into other lanes; kept, its lane is the one that goes on when that task is
  done, and re-planning after each claim keeps the area together. A lane whose head waits is not
  free.
- Lanes: areas in the order of their best task; the first N head the N lanes (so the best
  independent work starts first; an area whose best task waits on others starts on those first),
  then each next area joins the lane with the least planned time (list scheduling: the lanes end
  close together). Planned time is the estimate, or the time box (heartbeat.box) for a task with none.
- Holders: a hand holds one task at a time (a lane runs in order), so a task fits a hand when its
  weight (core/holders.py) is within the default per-holder limit, `holders.limit`.
"""

from __future__ import annotations

import datetime as dt
import heapq
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings, Settings
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import seconds_since
from pulseboard.core.heartbeat_rules import (
    CLASHES_PER_TASK,
    BoardView,
    age_points,
    start_kind,
    start_note,
    start_terms,
    time_box,
    urgency,
    waiting_on,
)
from pulseboard.core.holders import weight
from pulseboard.core.overlap import TouchIndex, first_overlap
from pulseboard.core.text import clip
from pulseboard.core.wip import Wip

MAX_HANDS = 1000


@dataclass(frozen=True, slots=True)
class Step:
    """One task in a lane. urgency: what ranks it (see the module's first lines); depends: the planned
    tasks it depends on (earlier in its lane); waits_for: tasks in doing it touches the same as."""

    task: Task
    urgency: float
    weight: float
    fits: bool  # within the default per-holder limit
    planned_s: int  # its estimate, else the time box
    depends: tuple[Task, ...]
    waits_for: tuple[Task, ...]

    @property
    def after(self) -> tuple[str, ...]:
        """The ids it must wait for, besides the tasks before it in its lane."""
        return tuple(t.id for t in (*self.depends, *self.waits_for))


@dataclass(frozen=True, slots=True)
class Lane:
    """What one hand works through, in order (1-based number)."""

    number: int
    steps: tuple[Step, ...]

    @property
    def seconds(self) -> int:
        return sum(step.planned_s for step in self.steps)

    @property
    def free(self) -> bool:
        """Whether a free hand can take its head now (Doing's limit aside)."""
        return bool(self.steps) and not self.steps[0].waits_for


@dataclass(frozen=True, slots=True)
class LeftOut:
    """An open task not in the plan; reason: one sentence (task text in it is data)."""

    task: Task
    reason: str


@dataclass(frozen=True, slots=True)
class Plan:
    """The plan: `hands` lanes, the open tasks left out, Doing against its limit. like(step): the first
    other task in the step's lane touching the same as it, and the step's entry that does (worked
    out when asked: only the sentences of a face need it)."""

    hands: int
    lanes: tuple[Lane, ...]
    left_out: tuple[LeftOut, ...]
    wip: Wip
    like: Callable[[Step], tuple[Task, str] | None] = field(repr=False, compare=False)

    def heads(self) -> list[Step]:
        """The head of each free lane, in lane order: what a free hand claims next."""
        return [lane.steps[0] for lane in self.lanes if lane.free]

    def why(self, step: Step, short: Callable[[str], str]) -> str:
        """Why a task is where it is in its lane, in a few words (short: a task id's short form)."""
        parts = []
        if step.depends:
            parts.append("after " + ", ".join(short(t.id) for t in step.depends))
        like = self.like(step)
        if like is not None:
            parts.append(f"touches {like[1]} like {short(like[0].id)}")
        for task in step.waits_for:
            shared = first_overlap(step.task.touches, task.touches)
            parts.append(f"waits for {short(task.id)} in doing ({shared})")
        if not parts:
            parts.append("nothing else planned touches the same" if step.task.touches else "names no touches")
        return "; ".join(parts)


class _Touches:
    """The `touches` of open tasks and of doing in one TouchIndex (owner n: opened[n], then doing in
    start order), asked once per distinct entry of the open tasks: what each overlaps is read from
    those answers, each owner list looked through at most once, so the work grows with the
    overlapping entries, never with the pairs of tasks."""

    def __init__(self, opened: Sequence[Task], doing: Sequence[Task]) -> None:
        self.count = count = len(opened)
        index = TouchIndex([*(t.touches for t in opened), *(t.touches for t in doing)])
        self.lists: dict[str, list[list[int]]] = {}  # entry -> the owner lists of the entries it overlaps
        for task in opened:
            for item in task.touches:
                if item not in self.lists:
                    self.lists[item] = list(index.owner_lists([item]))
        self._near: dict[str, list[int]] = {}  # entry -> the two smallest keys overlapping it (`nearest`)
        self._twos: dict[int, list[int]] = {}  # id of an owner list (alive in self.lists) -> its two smallest
        self._clashes: dict[str, list[int]] = {}  # entry -> the first places in doing overlapping it
        for item, lists in self.lists.items() if doing else ():
            tails = [
                owners[bisect_left(owners, count) :][:CLASHES_PER_TASK]
                for owners in lists
                if owners[-1] >= count
            ]
            if tails:
                self._clashes[item] = sorted({n - count for tail in tails for n in tail})[:CLASHES_PER_TASK]

    def doing(self, touches: Sequence[str]) -> list[int]:
        """The CLASHES_PER_TASK earliest started tasks in doing (places in doing) overlapping touches."""
        found = [n for item in touches for n in self._clashes.get(item, ())]
        return sorted(set(found))[:CLASHES_PER_TASK] if found else found

    def nearest(self, touches: Sequence[str], mine: int, key: dict[int, int]) -> tuple[int, str] | None:
        """The smallest key[n] but `mine` of the owners n in `key` overlapping touches, and the entry of
        touches that overlaps it (one `key` for the life of a _Touches: answers are remembered)."""
        best = None
        for item in touches:
            near = self._near.get(item)
            if near is None:
                near = self._near[item] = sorted(
                    {at for owners in self.lists[item] for at in self._two(owners, key)}
                )[:2]
            for at in near:
                if at != mine:
                    if best is None or at < best[0]:
                        best = (at, item)
                    break
        return best

    def _two(self, owners: list[int], key: dict[int, int]) -> list[int]:
        two = self._twos.get(id(owners))
        if two is None:
            two = self._twos[id(owners)] = sorted(key[n] for n in owners if n in key)[:2]
        return two


@dataclass(slots=True)
class _Candidate:
    task: Task
    number: int  # its owner number in _Touches
    urgency: float
    waits_for: tuple[Task, ...]
    deps: list[str]  # ids of the undone dependencies, each an open task


def _titled(task: Task) -> str:
    return f'"{clip(task.title, 80)}"'


def _candidates(view: BoardView) -> tuple[list[tuple[Task, list[str]]], dict[str, str]]:
    """The open tasks that might be planned, each with its undone dependencies (open tasks), and why
    each other open task is left out."""
    hb = view.settings
    copies = Counter(t.id for t in view.tasks)
    problems = {p.ids[0]: p.message for p in view.dep_problems if p.ids}
    by_id = {t.id: t for t in view.tasks}
    kept: list[tuple[Task, list[str]]] = []
    out: dict[str, str] = {}
    for task in view.by_state["open"]:
        undone = [d for d in view.graph[task.id] if d not in view.done_ids] if task.depends else []
        if task.error:
            out[task.id] = f"pulse can't read its file: {task.error}"
        elif copies[task.id] > 1:
            out[task.id] = "it is in two places: keep one (pulse doctor --fix)."
        elif task.id in problems:
            out[task.id] = problems[task.id]
        elif start_kind(task, hb, False) == "split-before-start":  # the heartbeat's sentence says why
            out[task.id] = start_note(task, hb, 0.0, 0, None).text
        elif undone and (blocker := next((by_id[d] for d in undone if by_id[d].state != "open"), None)):
            out[task.id] = f"it waits on {_titled(blocker)}, which is {blocker.state}."
        else:
            kept.append((task, undone))
    return kept, out


def _ranked(view: BoardView, kept: list[tuple[Task, list[str]]], touches: _Touches) -> dict[str, _Candidate]:
    """The kept tasks by id, each with its urgency and the tasks in doing it waits for."""
    hb, unblocks = view.settings, waiting_on(view)
    found: dict[str, _Candidate] = {}
    for number, (task, undone) in enumerate(kept):
        places = touches.doing(task.touches)
        doing = tuple(view.doing[i] for i in places) if places else ()
        age = age_points(seconds_since(task.created, view.now) or 0.0, hb.weights)
        terms = start_terms(task, hb, age, unblocks.get(task.id, 0), doing[0].title if doing else None)
        found[task.id] = _Candidate(task, number, urgency(p for _, p in terms), doing, undone)
    return found


def _exclude(found: dict[str, _Candidate], out: dict[str, str], open_tasks: dict[str, Task]) -> None:
    """Leave out the candidates waiting, directly or not, on a task left out."""
    dependents: dict[str, list[str]] = {}
    for task_id, candidate in found.items():
        for dep in candidate.deps:
            dependents.setdefault(dep, []).append(task_id)
    queue = [task_id for task_id in dependents if task_id in out]
    while queue:
        dep = queue.pop()
        for task_id in dependents.get(dep, ()):
            if task_id in found:
                out[task_id] = f"it waits on {_titled(open_tasks[dep])}, which is left out too."
                del found[task_id]
                queue.append(task_id)


def _in_order(order: Sequence[_Candidate], place: dict[str, int]) -> Iterator[int]:
    """The places of `order` with dependencies first, else the best first (Kahn's algorithm over a
    heap); the places never given are in a dependency cycle or wait on one."""
    waiting = [len(c.deps) for c in order]
    dependents: dict[int, list[int]] = {}
    for at, candidate in enumerate(order):
        for dep in candidate.deps:
            dependents.setdefault(place[dep], []).append(at)
    heap = [at for at, count in enumerate(waiting) if not count]
    while heap:
        at = heapq.heappop(heap)
        yield at
        for later in dependents.get(at, ()):
            waiting[later] -= 1
            if not waiting[later]:
                heapq.heappush(heap, later)


def _areas(
    planned: Sequence[_Candidate],
    ranked: Sequence[_Candidate],
    by_id: dict[str, _Candidate],
    touches: _Touches,
) -> list[list[_Candidate]]:
    """The planned tasks (given in lane order) by area, each area in that order, the areas in the
    order of their best task in `ranked` (the heartbeat's order). Union-find over owner numbers: each
    task joins the first planned task naming each of its entries, and that one the first planned
    owner of every entry overlapping it; each dependency joins its dependent."""
    parent = {c.number: c.number for c in planned}

    def find(n: int) -> int:
        while parent[n] != n:
            parent[n] = n = parent[parent[n]]
        return n

    def union(a: int, b: int) -> None:
        a, b = find(a), find(b)
        if a != b:
            parent[max(a, b)] = min(a, b)

    heads: dict[int, int | None] = {}  # id of an owner list -> its first planned owner
    anchors: dict[str, int] = {}
    for candidate in planned:
        for item in candidate.task.touches:
            union(candidate.number, anchors.setdefault(item, candidate.number))
        for dep in candidate.deps:
            union(candidate.number, by_id[dep].number)
    for item, number in anchors.items():
        for owners in touches.lists[item]:
            head = heads.get(id(owners), -1)
            if head == -1:
                head = heads[id(owners)] = next((n for n in owners if n in parent), None)
            if head is not None:
                union(number, head)
    root = {number: find(number) for number in parent}
    areas: dict[int, list[_Candidate]] = {}
    for candidate in ranked:  # the areas in order, made empty
        if candidate.number in root:
            areas.setdefault(root[candidate.number], [])
    for candidate in planned:
        areas[root[candidate.number]].append(candidate)
    return list(areas.values())


def _lanes(
    areas: list[list[_Candidate]], hands: int, seconds: Callable[[_Candidate], int]
) -> list[list[_Candidate]]:
    """The first `hands` areas head the lanes; each next one joins the lane with the least planned time."""
    lanes = [list(area) for area in areas[:hands]] + [[] for _ in range(hands - len(areas))]
    load = [(sum(map(seconds, lane)), number) for number, lane in enumerate(lanes)]
    heapq.heapify(load)  # (planned seconds, lane): ties go to the lower lane
    for area in areas[hands:]:
        total, number = heapq.heappop(load)
        lanes[number].extend(area)
        heapq.heappush(load, (total + sum(map(seconds, area)), number))
    return lanes


def plan(tasks: Sequence[Task], settings: Settings, now: dt.datetime, hands: int, root: Path) -> Plan:
    """The open tasks that can run side by side, as `hands` lanes (see the module's first lines).
    root: the board's folder, as the heartbeat's `suggest` takes it (the plan reads no file)."""
    if not 1 <= hands <= MAX_HANDS:
        raise PulseError(f"a plan is for 1 to {MAX_HANDS} hands, not {hands}.")
    hb = settings.heartbeat
    view = BoardView.of(tasks, now, hb)
    opened = view.by_state["open"]
    kept, out = _candidates(view)
    touches = _Touches([task for task, _ in kept], view.doing)
    found = _ranked(view, kept, touches)
    _exclude(found, out, {t.id: t for t in opened})
    order = sorted(found.values(), key=lambda c: (bool(c.waits_for), -c.urgency, c.task.id))
    place = {c.task.id: at for at, c in enumerate(order)}
    sequence = [order[at] for at in _in_order(order, place)]
    planned = {c.task.id for c in sequence}
    for candidate in order:
        if candidate.task.id not in planned:
            out[candidate.task.id] = "its dependencies go round in a cycle, or wait on one: break it."
    lanes = _lanes(_areas(sequence, order, found, touches), hands, lambda c: time_box(c.task, hb)[0])
    left = tuple(LeftOut(t, out[t.id]) for t in opened if t.id in out)
    return Plan(hands, _steps(lanes, found, hb), left, view.wip, _nearest(lanes, touches))


def _steps(
    lanes: list[list[_Candidate]], found: dict[str, _Candidate], hb: HeartbeatSettings
) -> tuple[Lane, ...]:
    """The lanes as the plan gives them: each task with its weight, planned time and what it waits for."""
    limit = hb.holders.limit
    result = []
    for number, lane in enumerate(lanes, start=1):
        steps = []
        for candidate in lane:
            task, heft = candidate.task, weight(candidate.task, hb)
            depends = (
                tuple(found[dep].task for dep in dict.fromkeys(candidate.deps)) if candidate.deps else ()
            )
            steps.append(
                Step(
                    task,
                    candidate.urgency,
                    heft,
                    heft <= limit,
                    time_box(task, hb)[0],
                    depends,
                    candidate.waits_for,
                )
            )
        result.append(Lane(number, tuple(steps)))
    return tuple(result)


def _nearest(lanes: list[list[_Candidate]], touches: _Touches) -> Callable[[Step], tuple[Task, str] | None]:
    """`Plan.like` for these lanes: by lane position, read from `touches` (which remembers the answers)."""
    flat = [candidate for lane in lanes for candidate in lane]
    position = {candidate.number: at for at, candidate in enumerate(flat)}
    numbers = {candidate.task.id: candidate.number for candidate in flat}

    def like(step: Step) -> tuple[Task, str] | None:
        near = touches.nearest(step.task.touches, position[numbers[step.task.id]], position)
        return None if near is None else (flat[near[0]].task, near[1])

    return like
