"""The heartbeat's rules, one function each, and what they share: `Suggestion`, `BoardView`, `time_box`,
the score bands (`BAND`).

A rule takes a `BoardView` (the board as the engine sees it at one moment) and returns the
suggestions it decides, each with the action it proposes, the tasks it names, one line a person
reads and the score terms behind its rank (like Taskwarrior's `task info`). The rules come from the
seeds: three in progress, 15/30-minute time boxes, re-read the spec before going on, blockers say
who must act, tasks touching the same files run one after the other, small moves first. Pure: no
file reads, no clock (now is in the view). The engine that runs them in order and ranks what they
say is core/heartbeat.py; each rule can be called alone.

Each rule decides which tasks it speaks of; the sentence, action and score for one of them is a
function of its own (`two_places`, `time_box_note`, `start_note`, ...), which the incremental engine
(core/engine.py) calls too, for the few suggestions it shows: one rule, one place.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pulseboard.core import ids
from pulseboard.core.board import STATES, Task
from pulseboard.core.config import HeartbeatSettings, Weights
from pulseboard.core.doctor import Problem, dependency_graph, find_cycles
from pulseboard.core.fields import format_duration, seconds_since
from pulseboard.core.overlap import TouchIndex, any_overlap, earlier_overlaps, first_overlap
from pulseboard.core.text import clip, one_line
from pulseboard.core.wip import Wip, distinct, wip_level

# Each kind's score band: the band decides the order first (docs/heartbeat.md, "The rules"). Time
# boxes and waits add their minutes or hours (up to TERM_CAP), starts their urgency, at-limit
# subtracts its place.
BAND = {
    "two-places": 1100, "conflict-markers": 1050, "push-failed": 1000, "over-limit": 1000, "conflict": 900,
    "stale-spec": 800, "split": 700, "unblock": 600, "consider-split": 500, "at-limit": 400, "start": 300,
    "start-after": 300, "split-before-start": 280, "missing-dependency": 250, "ambiguous-dependency": 250,
    "cycle": 250, "blocked": 150, "idle": 0, "debt-session": 350, "parts-done": 600,
}  # fmt: skip
TERM_CAP = 99  # minutes in doing and hours waited stop counting here: a split never outranks a re-read
STALE_GRACE_S = 5  # pulse writes `started` a moment after the move; later edits mean a new spec
CLASHES_PER_TASK = 3  # a task in doing is paired with at most this many earlier ones touching the same
# "Add the tests and update the docs": two phrases of two words or more around and/&/+, so that
# "Support drag and drop" or "Fix search & replace" are not taken for bundles. Linear in the title:
# a try starts only where a word starts (the lookbehind), and no quantifier gives back what it took
# (possessive `++`), so a 100,000-letter title costs one pass, not one pass per letter.
BUNDLE_TITLE = re.compile(
    r"(?<![^\W\d_])[^\W\d_]++\s++[^\W\d_]++\s++(?:and|&|\+)\s++[^\W\d_]++\s++[^\W\d_]", re.I
)
# What asks a person to act: with none of these (and nothing scored 1000 or more) the board is idle.
ACTIVE = ("start", "finish", "split", "re-read", "unblock", "sync")


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One thing to do next."""

    kind: str
    action: str  # finish | block | split | re-read | unblock | resolve | start | wait | sync
    ids: tuple[str, ...]
    text: str
    score: float
    reasons: tuple[tuple[str, float], ...] = ()
    also: tuple[str, ...] = ()  # the texts of lower-ranked suggestions about the same task (`group_by_task`)


@dataclass(frozen=True, slots=True)
class BoardView:
    """The board as every rule sees it, worked out once a beat. doing: in start order (oldest
    first), with `elapsed` its seconds in doing (None without a readable `started`); modified: task
    id -> file mtime of the tasks in doing changed since last re-read; push_failed: why the last git
    push failed, if it did."""

    tasks: Sequence[Task]
    by_state: Mapping[str, list[Task]]
    doing: Sequence[Task]
    elapsed: Sequence[float | None]
    done_ids: set[str]
    graph: dict[str, list[str]]
    dep_problems: Sequence[Problem]
    now: dt.datetime
    settings: HeartbeatSettings
    modified: Mapping[str, float]
    push_failed: str | None = None

    @property
    def wip(self) -> Wip:
        """Doing against its limit, each task id once (core/wip.py: the one rule for every face)."""
        return wip_level(self.doing, self.settings.wip_doing)

    @classmethod
    def of(
        cls,
        tasks: Iterable[Task],
        now: dt.datetime,
        settings: HeartbeatSettings,
        modified: Mapping[str, float] | None = None,
        push_failed: str | None = None,
    ) -> BoardView:
        tasks = list(tasks)
        by_state: dict[str, list[Task]] = {"open": [], "doing": [], "done": [], "blocked": []}
        for task in tasks:
            by_state.setdefault(task.state, []).append(task)
        doing = sorted(by_state["doing"], key=doing_order)
        graph, dep_problems = dependency_graph(tasks)
        return cls(
            tasks, by_state, doing, [seconds_since(t.started, now) for t in doing],
            {t.id for t in by_state["done"]}, graph, dep_problems, now, settings, modified or {}, push_failed,
        )  # fmt: skip

    def deps_done(self, task: Task) -> bool:
        """`deps_done` over the board's dependency graph."""
        resolved = self.graph.get(task.id, [])
        return deps_done(task, len(resolved), sum(d not in self.done_ids for d in resolved))


def doing_order(task: Task) -> tuple[str, str, str]:
    """Where a task in doing sorts: by its `started` stamp as written, then id, then file name."""
    return (task.started or "", task.id, task.name)


def time_box(task: Task, settings: HeartbeatSettings) -> tuple[int, int]:
    """(consider splitting after, split after) seconds in doing: the estimate sets the box.
    The board colours a card's time in doing by the same rule."""
    box = task.estimate or settings.box_s
    return box, 2 * box


def is_bundle(task: Task, settings: HeartbeatSettings) -> bool:
    """A title "X and Y", or many unchecked criteria over touches that don't overlap each other."""
    if BUNDLE_TITLE.search(task.title):
        return True
    unchecked = task.criteria[1] - task.criteria[0]
    return unchecked >= settings.bundle and len(task.touches) >= 2 and not any_overlap(task.touches)


def deps_done(task: Task, resolved: int, undone: int) -> bool:
    """Every dependency names a task, and each is done (one naming no task is never done).
    resolved: how many dependencies of the task's id name one task (a copy's count too, as the
    graph joins them); undone: how many of those are not done."""
    return resolved == len(task.depends) and not undone


# What git leaves for people to settle comes first.


def _listed(task: Task) -> tuple[int, str, str]:
    """Where `Board.tasks` lists a task: by state folder, then file name."""
    return (STATES.index(task.state) if task.state in STATES else len(STATES), task.state, task.name)


def two_places(copies: Sequence[Task]) -> Suggestion:
    """resolve: the copies of one task id, in two folders or more (named by the copy listed first)."""
    first = min(copies, key=_listed)
    where = " and ".join(sorted(f"{t.state}/" for t in copies))
    return Suggestion(
        "two-places", "resolve", (first.id,),
        f'"{first.title}" is in {where}: moved on both sides, or copied; keep one (pulse doctor --fix).',
        BAND["two-places"], (("one task in two places", BAND["two-places"]),),
    )  # fmt: skip


def in_two_places(board: BoardView) -> list[Suggestion]:
    """resolve: one task id in two folders (moved on both sides of a merge, or copied)."""
    copies: dict[str, list[Task]] = {}
    for task in board.tasks:
        copies.setdefault(task.id, []).append(task)
    return [two_places(group) for group in copies.values() if len(group) > 1]


def has_conflict_markers(task: Task) -> bool:
    """Whether a merge left the task's file with conflict markers (both sides changed it)."""
    return bool(task.error and "conflict markers" in task.error)


def conflict_marker(task: Task) -> Suggestion:
    """resolve: a task file with conflict markers."""
    return Suggestion(
        "conflict-markers", "resolve", (task.id,), f"{task.state}/{task.name} {task.error}.",
        BAND["conflict-markers"], (("changed on both sides", BAND["conflict-markers"]),),
    )  # fmt: skip


def conflict_markers(board: BoardView) -> list[Suggestion]:
    """resolve: each task file a merge left with conflict markers."""
    return [conflict_marker(task) for task in board.tasks if has_conflict_markers(task)]


def push_note(push_failed: str | None) -> list[Suggestion]:
    """sync: the last push from here failed (why: push_failed), so the remote is behind."""
    if not push_failed:
        return []
    return [Suggestion(
        "push-failed", "sync", (), f"The last push failed: {push_failed}; run pulse sync.",
        BAND["push-failed"], (("the remote is behind", BAND["push-failed"]),),
    )]  # fmt: skip


def failed_push(board: BoardView) -> list[Suggestion]:
    """sync: the last push from here failed."""
    return push_note(board.push_failed)


# Work in progress.


def over_limit(wip: Wip, oldest: Task) -> Suggestion:
    """finish: doing is over its limit; name the oldest task in it."""
    return Suggestion(
        "over-limit", "finish", (oldest.id,),
        f"Doing is over its limit ({wip.count}/{wip.limit}): finish or block something before starting "
        f'more; the oldest is "{oldest.title}".',
        BAND["over-limit"], (("over the WIP limit", BAND["over-limit"]),),
    )  # fmt: skip


def at_limit(wip: Wip, place: int, task: Task) -> Suggestion:
    """finish: doing is at its limit; one per task in doing, place 0 the oldest."""
    return Suggestion(
        "at-limit", "finish", (task.id,),
        f'Doing is full ({wip.limit}/{wip.limit}): finish "{task.title}" before starting anything new.',
        BAND["at-limit"] - place,
        (("doing at its limit", BAND["at-limit"]), ("older in doing first", -place)),
    )  # fmt: skip


def wip_limit(board: BoardView) -> list[Suggestion]:
    """finish: doing over its limit (name the oldest), or at it (each task in doing once, oldest
    first); the level is core/wip.py's, counting a copy in doing once."""
    wip = board.wip
    if wip.level == "over":
        return [over_limit(wip, board.doing[0])]
    if wip.level == "at":
        return [at_limit(wip, place, task) for place, task in enumerate(distinct(board.doing))]
    return []


def minutes_in_doing(elapsed: float) -> float:
    """A time box's score term: more minutes in doing, more urgent (up to TERM_CAP)."""
    return round(min(elapsed / 60, TERM_CAP), 1)


def past_box(task: Task, elapsed: float, settings: HeartbeatSettings) -> str | None:
    """ "split" past twice the task's time box, "consider-split" past it, else None (always for a
    task split into parts already: its parts have their own boxes)."""
    if task.children:
        return None
    consider, split = time_box(task, settings)
    if elapsed > split:
        return "split"
    return "consider-split" if elapsed > consider else None


def time_box_note(task: Task, elapsed: float, settings: HeartbeatSettings) -> Suggestion | None:
    """split: a task in doing `elapsed` seconds, past twice its time box; consider splitting one
    past its box."""
    kind = past_box(task, elapsed, settings)
    if kind is None:
        return None
    consider, _ = time_box(task, settings)
    minutes = minutes_in_doing(elapsed)
    if kind == "split":
        text = (
            f'"{task.title}" has been in progress {format_duration(elapsed)}, past twice its '
            f"{format_duration(consider)} box: split it and ship the part that is done."
        )
        why = "past twice its time box"
    else:
        text = (
            f'"{task.title}" has been in progress {format_duration(elapsed)}, '
            f"past its {format_duration(consider)} box: consider splitting it."
        )
        why = "past its time box"
    return Suggestion(
        kind,
        "split",
        (task.id,),
        text,
        BAND[kind] + minutes,
        ((why, BAND[kind]), ("minutes in doing", minutes)),
    )


def time_boxes(board: BoardView) -> list[Suggestion]:
    """split: a task in doing past twice its time box; consider splitting one past its box."""
    notes = (
        time_box_note(task, elapsed, board.settings)
        for task, elapsed in zip(board.doing, board.elapsed, strict=True)
        if elapsed is not None
    )
    return [note for note in notes if note is not None]


def stale_spec(task: Task, elapsed: float | None, mtime: float | None, now_ts: float) -> Suggestion | None:
    """re-read: a task in doing (`elapsed` seconds) whose file changed (at mtime, if it was not
    re-read since) after it was started."""
    if elapsed is None or mtime is None or mtime <= now_ts - elapsed + STALE_GRACE_S:
        return None
    return Suggestion(
        "stale-spec", "re-read", (task.id,),
        f'"{task.title}" changed after it was started: re-read it before going on.', BAND["stale-spec"],
        (("spec changed since start", BAND["stale-spec"]),),
    )  # fmt: skip


def stale_specs(board: BoardView) -> list[Suggestion]:
    """re-read: a task in doing whose file changed after it was started (and was not re-read since)."""
    now_ts = board.now.timestamp()
    notes = (
        stale_spec(task, elapsed, board.modified.get(task.id), now_ts)
        for task, elapsed in zip(board.doing, board.elapsed, strict=True)
    )
    return [note for note in notes if note is not None]


def conflict(a: Task, b: Task) -> Suggestion:
    """finish: two tasks in doing touch the same things (a started first)."""
    return Suggestion(
        "conflict", "finish", (a.id, b.id),
        f'"{a.title}" and "{b.title}" both touch {first_overlap(a.touches, b.touches)}: '
        "run them one after the other.",
        BAND["conflict"], (("two tasks in doing touch the same things", BAND["conflict"]),),
    )  # fmt: skip


def overlaps_in_doing(board: BoardView) -> list[Suggestion]:
    """finish: two tasks in doing touch the same things. Each task is paired with the few earliest
    started before it that do: every pair when doing holds a handful, and never a number of pairs
    that grows with the square of doing."""
    doing = board.doing
    clashes = earlier_overlaps([t.touches for t in doing], CLASHES_PER_TASK)
    return [conflict(doing[i], doing[j]) for j, earlier in enumerate(clashes) for i in earlier]


# Blocked tasks and dependencies.


def unblock_note(task: Task) -> Suggestion:
    """unblock: a blocked task whose dependencies are all done."""
    return Suggestion(
        "unblock", "unblock", (task.id,),
        f'"{task.title}" waited on tasks that are now all done: unblock it.',
        BAND["unblock"], (("its dependencies are done", BAND["unblock"]),),
    )  # fmt: skip


def hours_waited(waited: float) -> float:
    """A blocked task's score term: more hours waited, more urgent (up to TERM_CAP)."""
    return round(min(waited / 3600, TERM_CAP), 1)


def wait_note(task: Task, now: dt.datetime) -> Suggestion:
    """wait: a blocked task, ranked by how long it has waited and saying on whom."""
    info = task.blocked or {}
    waited = seconds_since(info.get("since"), now) or 0.0
    hours = hours_waited(waited)
    who = info.get("waiting_on") or "someone (nobody named)"
    return Suggestion(
        "blocked", "wait", (task.id,),
        f'"{task.title}" has waited {format_duration(waited)} on {who}: '
        f'{info.get("reason") or "no reason given"}.',
        BAND["blocked"] + hours, (("blocked", BAND["blocked"]), ("hours waited", hours)),
    )  # fmt: skip


def unblock_or_wait(board: BoardView) -> list[Suggestion]:
    """unblock: a blocked task whose dependencies are all done; else wait, ranked by how long it has
    waited and saying on whom."""
    return [
        unblock_note(task) if task.depends and board.deps_done(task) else wait_note(task, board.now)
        for task in board.by_state["blocked"]
    ]


def parts_done_note(task: Task) -> Suggestion:
    """finish: a task whose every part (`children`, made by `pulse split`) is done."""
    count = len(task.children)
    parts = f"All {count} parts" if count > 1 else "The one part"
    text = f'{parts} of "{task.title}" {"are" if count > 1 else "is"} done: finish it.'
    band = BAND["parts-done"]
    return Suggestion("parts-done", "finish", (task.id,), text, band, (("every part done", band),))


def parts_finished(board: BoardView) -> list[Suggestion]:
    """finish: each task not done that has parts, every one of them done (a part is done when a
    copy of its id is in done/; one naming no task is never done)."""
    return [
        parts_done_note(task)
        for task in board.tasks
        if task.children and task.state != "done" and all(c in board.done_ids for c in task.children)
    ]


def problem_note(problem: Problem) -> Suggestion:
    """resolve: a dependency naming no task or several (core/doctor.py says which)."""
    return Suggestion(
        problem.kind, "resolve", problem.ids, problem.message, BAND[problem.kind],
        (("dependency problem", BAND[problem.kind]),),
    )  # fmt: skip


def cycle_note(cycle: Sequence[str]) -> Suggestion:
    """resolve: tasks that depend on each other in a cycle (ids sorted)."""
    return Suggestion(
        "cycle", "resolve", tuple(cycle), "These tasks depend on each other in a cycle: break it.",
        BAND["cycle"], (("dependency cycle", BAND["cycle"]),),
    )  # fmt: skip


def dependency_problems(board: BoardView) -> list[Suggestion]:
    """resolve: a dependency naming no task or several, and each dependency cycle. Problems in the
    graph never crash the engine: they become suggestions."""
    return [problem_note(problem) for problem in board.dep_problems] + [
        cycle_note(cycle) for cycle in find_cycles(board.graph)
    ]


# Next to start.


def waiting_on(board: BoardView) -> dict[str, int]:
    """Task id -> how many open or blocked tasks depend on it."""
    counts: dict[str, int] = {}
    for task in board.by_state["open"] + board.by_state["blocked"]:
        for dep in board.graph.get(task.id, []):
            counts[dep] = counts.get(dep, 0) + 1
    return counts


def age_points(age_s: float, weights: Weights) -> float:
    """An open task's `age` term, for `age_s` seconds since it was created."""
    return round(min(age_s / 86400 * weights.age_per_day, weights.age_cap), 2)


def start_terms(
    task: Task, settings: HeartbeatSettings, age: float, unblocks: int, clash: str | None
) -> list[tuple[str, float]]:
    """The score terms of an open task: priority, age (its `age_points`, always the second term),
    estimate, what it unblocks (unblocks: how many wait on it), if it touches the same as the
    task in doing titled `clash`, the overlap penalty, and for a task that waited on others (all
    done: it is asked only of tasks ready to start) the `ready_now` lift."""
    w = settings.weights
    terms: list[tuple[str, float]] = [
        (f"priority {task.priority}", getattr(w, task.priority, 0.0)),
        ("age", age),
    ]
    if task.estimate is not None:
        if task.estimate <= settings.small_s:
            terms.append((f"estimate up to {format_duration(settings.small_s)}", w.small_estimate))
        elif task.estimate <= settings.big_s:
            terms.append((f"estimate up to {format_duration(settings.big_s)}", w.medium_estimate))
        else:
            terms.append((f"estimate over {format_duration(settings.big_s)}", w.large_estimate))
    if unblocks:
        terms.append((f"unblocks {unblocks}", w.unblocks * min(unblocks, 3)))
    if clash is not None:
        terms.append((f'touches the same as "{clash}" in doing', w.overlap))
    if task.depends:  # started only when each is done (deps_done): it waited, and is ready now
        terms.append(("ready now: what it waited on is done", w.ready_now))
    return terms


def urgency(points: Iterable[float]) -> float:
    """What ranks open tasks among themselves: the sum of their terms' points, in the terms' order."""
    return round(sum(points), 2)


def start_kind(task: Task, settings: HeartbeatSettings, clash: bool) -> str:
    """split-before-start for a task too big to start or a bundle, start-after for one touching the
    same as a task in doing (clash), else start."""
    if (task.estimate is not None and task.estimate > settings.big_s) or is_bundle(task, settings):
        return "split-before-start"
    return "start-after" if clash else "start"


def start_note(
    task: Task, settings: HeartbeatSettings, age: float, unblocks: int, clash: Task | None
) -> Suggestion:
    """An open task ready to start (terms: `start_terms`): split it first, start it after the task in
    doing it overlaps (clash), or start it."""
    terms = start_terms(task, settings, age, unblocks, None if clash is None else clash.title)
    score = urgency(points for _, points in terms)
    kind = start_kind(task, settings, clash is not None)
    if kind == "split-before-start":
        too_big = task.estimate is not None and task.estimate > settings.big_s
        why = (
            f"is estimated over {format_duration(settings.big_s)}" if too_big else "bundles independent parts"
        )
        return Suggestion(
            kind, "split", (task.id,), f'"{task.title}" {why}: split it before starting.', BAND[kind] + score,
            (("too big to start" if too_big else "bundles independent parts", BAND[kind]), *terms),
        )  # fmt: skip
    text = f'Start "{task.title}".'
    if clash is not None:  # startable, but better after the task in doing it overlaps
        text = f'Start "{task.title}" after "{clash.title}": they touch the same things.'
    if task.depends:  # it waited, and what it waited on is done: named as its `depends:` has it
        text += f" Ready now: {waited_text(task.depends)} done."
    return Suggestion(
        kind, "start", (task.id,), text, BAND[kind] + score, (("startable", BAND[kind]), *terms)
    )


def waited_text(depends: Sequence[str]) -> str:
    """`a1b2 was`, `a1b2, c3d4 were`, `a1b2, c3d4, e5f6 and 2 more were`: what a task waited on (an
    id as its short form, a name as written)."""
    shown = [clip(one_line(ids.shown(dep)), 24) for dep in depends[:3]]
    more = f" and {len(depends) - 3} more" if len(depends) > 3 else ""
    return f"{', '.join(shown)}{more} {'was' if len(depends) == 1 else 'were'}"


def next_to_start(board: BoardView) -> list[Suggestion]:
    """When doing has room, each open task that is readable, has no parts and whose dependencies are done:
    split-before-start if it is too big or bundles independent parts, start-after if it touches
    the same as a task in doing (named), else start; scored by `start_terms`."""
    doing, settings = board.doing, board.settings
    if board.wip.full:  # the one WIP rule: a copy in doing counts once
        return []
    counts = waiting_on(board)
    in_doing = TouchIndex(d.touches for d in doing)  # the first in doing that an open task overlaps
    result: list[Suggestion] = []
    for task in board.by_state["open"]:
        if task.error or task.children or not board.deps_done(task):
            continue  # unreadable, split into parts (they are what to start), or waiting on unfinished work
        first = in_doing.first(task.touches) if task.touches else []
        age = age_points(seconds_since(task.created, board.now) or 0.0, settings.weights)
        result.append(
            start_note(task, settings, age, counts.get(task.id, 0), doing[first[0]] if first else None)
        )
    return result


def is_debt(task: Task, settings: HeartbeatSettings) -> bool:
    """Whether a task is debt: one of its tags is a debt tag (heartbeat.debt_tags)."""
    return any(tag in settings.debt_tags for tag in task.tags)


def debt_note(count: int, settings: HeartbeatSettings) -> list[Suggestion]:
    """focus: more open debt tasks than heartbeat.debt; the seeds' periodic slowdown, a session of
    debt alone. count: the open tasks (each id once) with a debt tag."""
    if count <= settings.debt_limit or not settings.debt_tags:
        return []
    return [
        Suggestion(
            "debt-session", "focus", (),
            f"{count} debt tasks are open, more than {settings.debt_limit}: spend the next session on "
            f"debt alone (pulse ls '#{settings.debt_tags[0]}').",
            BAND["debt-session"], (("debt past heartbeat.debt", BAND["debt-session"]),),
        )
    ]  # fmt: skip


def debt_session(board: BoardView) -> list[Suggestion]:
    """focus: a session of debt alone, when the open debt tasks pass heartbeat.debt."""
    return debt_note(
        len({t.id for t in board.by_state["open"] if is_debt(t, board.settings)}), board.settings
    )


def is_active(suggestion: Suggestion) -> bool:
    """Whether a suggestion asks someone to act (with none, the board is idle)."""
    return suggestion.action in ACTIVE or suggestion.score >= 1000


def idle_note(blocked: int, waiting: Iterable[str]) -> Suggestion:
    """wait: nothing to start or finish; say who the blocked tasks (how many: blocked) wait on."""
    names = sorted(set(waiting))
    text = "Nothing to start or finish."
    if names:
        text += f" {blocked} blocked, waiting on {', '.join(names)}."
    return Suggestion("idle", "wait", (), text, BAND["idle"])


def waits_on(task: Task) -> str:
    """Whom a blocked task waits on, as the idle note names them."""
    return (task.blocked or {}).get("waiting_on") or "someone"


def idle(board: BoardView, suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """wait: nothing the other rules said asks anyone to act; say who the blocked tasks wait on."""
    if any(is_active(s) for s in suggestions):
        return []
    blocked = board.by_state["blocked"]
    return [idle_note(len(blocked), map(waits_on, blocked))]
