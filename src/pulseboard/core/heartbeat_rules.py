"""The heartbeat's rules, one function each, and what they share: `Suggestion`, `BoardView`, `time_box`.

A rule takes a `BoardView` (the board as the engine sees it at one moment) and returns the
suggestions it decides, each with the action it proposes, the tasks it names, one line a person
reads and the score terms behind its rank (like Taskwarrior's `task info`). The rules come from the
seeds: three in progress, 15/30-minute time boxes, re-read the spec before going on, blockers say
who must act, tasks touching the same files run one after the other, small moves first. Pure: no
file reads, no clock (now is in the view). The engine that runs them in order and ranks what they
say is core/heartbeat.py; each rule can be called alone.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.doctor import Problem, dependency_graph, find_cycles
from pulseboard.core.fields import format_duration, seconds_since
from pulseboard.core.overlap import TouchIndex, any_overlap, earlier_overlaps, first_overlap
from pulseboard.core.wip import Wip, distinct, wip_level

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
        doing = sorted(by_state["doing"], key=lambda t: (t.started or "", t.id))
        graph, dep_problems = dependency_graph(tasks)
        return cls(
            tasks, by_state, doing, [seconds_since(t.started, now) for t in doing],
            {t.id for t in by_state["done"]}, graph, dep_problems, now, settings, modified or {}, push_failed,
        )  # fmt: skip


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


def deps_done(task: Task, graph: dict[str, list[str]], done_ids: set[str]) -> bool:
    """Every dependency names a task, and each is done (one naming no task is never done)."""
    resolved = graph.get(task.id, [])
    return len(resolved) == len(task.depends) and all(d in done_ids for d in resolved)


# What git leaves for people to settle comes first.


def in_two_places(board: BoardView) -> list[Suggestion]:
    """resolve: one task id in two folders (moved on both sides of a merge, or copied)."""
    copies: dict[str, list[Task]] = {}
    for task in board.tasks:
        copies.setdefault(task.id, []).append(task)
    out: list[Suggestion] = []
    for task_id, group in copies.items():
        if len(group) > 1:
            where = " and ".join(sorted(f"{t.state}/" for t in group))
            out.append(Suggestion(
                "two-places", "resolve", (task_id,),
                f'"{group[0].title}" is in {where}: moved on both sides, or copied; keep one '
                "(pulse doctor --fix).", 1100, (("one task in two places", 1100),),
            ))  # fmt: skip
    return out


def conflict_markers(board: BoardView) -> list[Suggestion]:
    """resolve: a task file a merge left with conflict markers (both sides changed it)."""
    out: list[Suggestion] = []
    for task in board.tasks:
        if task.error and "conflict markers" in task.error:
            out.append(Suggestion(
                "conflict-markers", "resolve", (task.id,), f"{task.state}/{task.name} {task.error}.", 1050,
                (("changed on both sides", 1050),),
            ))  # fmt: skip
    return out


def failed_push(board: BoardView) -> list[Suggestion]:
    """sync: the last push from here failed, so the remote is behind."""
    if not board.push_failed:
        return []
    return [Suggestion(
        "push-failed", "sync", (), f"The last push failed: {board.push_failed}; run pulse sync.", 1000,
        (("the remote is behind", 1000),),
    )]  # fmt: skip


# Work in progress.


def wip_limit(board: BoardView) -> list[Suggestion]:
    """finish: doing over its limit (name the oldest), or at it (each task in doing once, oldest
    first); the level is core/wip.py's, counting a copy in doing once."""
    wip = board.wip
    if wip.level == "over":
        oldest = board.doing[0]
        return [Suggestion(
            "over-limit", "finish", (oldest.id,),
            f"Doing is over its limit ({wip.count}/{wip.limit}): finish or block something before starting "
            f'more; the oldest is "{oldest.title}".', 1000, (("over the WIP limit", 1000),),
        )]  # fmt: skip
    if wip.level == "at":
        return [Suggestion(
            "at-limit", "finish", (task.id,),
            f'Doing is full ({wip.limit}/{wip.limit}): finish "{task.title}" before starting anything new.',
            400 - rank, (("doing at its limit", 400), ("older in doing first", -rank)),
        ) for rank, task in enumerate(distinct(board.doing))]  # fmt: skip
    return []


def time_boxes(board: BoardView) -> list[Suggestion]:
    """split: a task in doing past twice its time box; consider splitting one past its box."""
    out: list[Suggestion] = []
    for task, elapsed in zip(board.doing, board.elapsed, strict=True):
        if elapsed is None:
            continue
        consider, split = time_box(task, board.settings)
        minutes = round(min(elapsed / 60, 99), 1)  # a score term: more minutes, more urgent
        if elapsed > split:
            out.append(Suggestion(
                "split", "split", (task.id,),
                f'"{task.title}" has been in progress {format_duration(elapsed)}, past twice its '
                f"{format_duration(consider)} box: split it and ship the part that is done.",
                700 + minutes, (("past twice its time box", 700), ("minutes in doing", minutes)),
            ))  # fmt: skip
        elif elapsed > consider:
            out.append(Suggestion(
                "consider-split", "split", (task.id,),
                f'"{task.title}" has been in progress {format_duration(elapsed)}, '
                f"past its {format_duration(consider)} box: consider splitting it.", 500 + minutes,
                (("past its time box", 500), ("minutes in doing", minutes)),
            ))  # fmt: skip
    return out


def stale_specs(board: BoardView) -> list[Suggestion]:
    """re-read: a task in doing whose file changed after it was started (and was not re-read since)."""
    now_ts = board.now.timestamp()
    out: list[Suggestion] = []
    for task, elapsed in zip(board.doing, board.elapsed, strict=True):
        mtime = board.modified.get(task.id)
        if elapsed is not None and mtime is not None and mtime > now_ts - elapsed + STALE_GRACE_S:
            out.append(Suggestion(
                "stale-spec", "re-read", (task.id,),
                f'"{task.title}" changed after it was started: re-read it before going on.', 800,
                (("spec changed since start", 800),),
            ))  # fmt: skip
    return out


def overlaps_in_doing(board: BoardView) -> list[Suggestion]:
    """finish: two tasks in doing touch the same things. Each task is paired with the few earliest
    started before it that do: every pair when doing holds a handful, and never a number of pairs
    that grows with the square of doing."""
    doing = board.doing
    clashes = earlier_overlaps([t.touches for t in doing], CLASHES_PER_TASK)
    out: list[Suggestion] = []
    for i, j in sorted((i, j) for j, earlier in enumerate(clashes) for i in earlier):
        a, b = doing[i], doing[j]
        out.append(Suggestion(
            "conflict", "finish", (a.id, b.id),
            f'"{a.title}" and "{b.title}" both touch {first_overlap(a.touches, b.touches)}: '
            "run them one after the other.",
            900, (("two tasks in doing touch the same things", 900),),
        ))  # fmt: skip
    return out


# Blocked tasks and dependencies.


def unblock_or_wait(board: BoardView) -> list[Suggestion]:
    """unblock: a blocked task whose dependencies are all done; else wait, ranked by how long it has
    waited and saying on whom."""
    out: list[Suggestion] = []
    for task in board.by_state["blocked"]:
        if task.depends and deps_done(task, board.graph, board.done_ids):
            out.append(Suggestion(
                "unblock", "unblock", (task.id,),
                f'"{task.title}" waited on tasks that are now all done: unblock it.', 600,
                (("its dependencies are done", 600),),
            ))  # fmt: skip
            continue
        info = task.blocked or {}
        waited = seconds_since(info.get("since"), board.now) or 0.0
        hours = round(min(waited / 3600, 99), 1)
        who = info.get("waiting_on") or "someone (nobody named)"
        out.append(Suggestion(
            "blocked", "wait", (task.id,),
            f'"{task.title}" has waited {format_duration(waited)} on {who}: '
            f'{info.get("reason") or "no reason given"}.',
            150 + hours, (("blocked", 150), ("hours waited", hours)),
        ))  # fmt: skip
    return out


def dependency_problems(board: BoardView) -> list[Suggestion]:
    """resolve: a dependency naming no task or several, and each dependency cycle. Problems in the
    graph never crash the engine: they become suggestions."""
    out = [
        Suggestion(problem.kind, "resolve", problem.ids, problem.message, 250, (("dependency problem", 250),))
        for problem in board.dep_problems
    ]
    for cycle in find_cycles(board.graph):
        out.append(Suggestion(
            "cycle", "resolve", tuple(cycle), "These tasks depend on each other in a cycle: break it.", 250,
            (("dependency cycle", 250),),
        ))  # fmt: skip
    return out


# Next to start.


def waiting_on(board: BoardView) -> dict[str, int]:
    """Task id -> how many open or blocked tasks depend on it."""
    counts: dict[str, int] = {}
    for task in board.by_state["open"] + board.by_state["blocked"]:
        for dep in board.graph.get(task.id, []):
            counts[dep] = counts.get(dep, 0) + 1
    return counts


def start_terms(task: Task, board: BoardView, unblocks: int, clash: Task | None) -> list[tuple[str, float]]:
    """The score terms of an open task: priority, age, estimate, what it unblocks (unblocks: how
    many wait on it) and, if it touches the same as `clash` in doing, the overlap penalty."""
    settings, w = board.settings, board.settings.weights
    terms: list[tuple[str, float]] = [(f"priority {task.priority}", getattr(w, task.priority, 0.0))]
    age_days = (seconds_since(task.created, board.now) or 0.0) / 86400
    terms.append(("age", round(min(age_days * w.age_per_day, w.age_cap), 2)))
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
        terms.append((f'touches the same as "{clash.title}" in doing', w.overlap))
    return terms


def next_to_start(board: BoardView) -> list[Suggestion]:
    """When doing has room, each open task that is readable and whose dependencies are done:
    split-before-start if it is too big or bundles independent parts, start-after if it touches
    the same as a task in doing (named), else start; scored by `start_terms`."""
    doing, settings = board.doing, board.settings
    if board.wip.full:  # the one WIP rule: a copy in doing counts once
        return []
    counts = waiting_on(board)
    in_doing = TouchIndex(d.touches for d in doing)  # the first in doing that an open task overlaps
    result: list[Suggestion] = []
    for task in board.by_state["open"]:
        if task.error or not deps_done(task, board.graph, board.done_ids):
            continue  # unreadable, or waiting on unfinished work
        first = in_doing.first(task.touches) if task.touches else []
        clash = doing[first[0]] if first else None
        terms = start_terms(task, board, counts.get(task.id, 0), clash)
        score = round(sum(v for _, v in terms), 2)
        too_big = task.estimate is not None and task.estimate > settings.big_s
        if too_big or is_bundle(task, settings):
            big = format_duration(settings.big_s)
            why = f"is estimated over {big}" if too_big else "bundles independent parts"
            result.append(Suggestion(
                "split-before-start", "split", (task.id,), f'"{task.title}" {why}: split it before starting.',
                280 + score, (("too big to start" if too_big else "bundles independent parts", 280), *terms),
            ))  # fmt: skip
        elif clash is None:
            result.append(Suggestion(
                "start", "start", (task.id,), f'Start "{task.title}".',
                300 + score, (("startable", 300), *terms),
            ))  # fmt: skip
        else:  # startable, but better after the task in doing it overlaps
            result.append(Suggestion(
                "start-after", "start", (task.id,),
                f'Start "{task.title}" after "{clash.title}": they touch the same things.',
                300 + score, (("startable", 300), *terms),
            ))  # fmt: skip
    return result


def idle(board: BoardView, suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """wait: nothing the other rules said asks anyone to act; say who the blocked tasks wait on."""
    if any(s.action in ACTIVE or s.score >= 1000 for s in suggestions):
        return []
    blocked = board.by_state["blocked"]
    waiting = sorted({(t.blocked or {}).get("waiting_on") or "someone" for t in blocked})
    text = "Nothing to start or finish."
    if waiting:
        text += f" {len(blocked)} blocked, waiting on {', '.join(waiting)}."
    return [Suggestion("idle", "wait", (), text, 0)]
