"""The heartbeat engine: what to do next, and why. A pure function of (tasks, now, settings).

`beat` returns a ranked shortlist of suggestions, each with the action it proposes, the tasks it
names, one line a person reads and the score terms behind its rank (like Taskwarrior's
`task info`). The rules come from the seeds: three in progress, 15/30-minute time boxes,
re-read the spec before going on, blockers say who must act, tasks touching the same files run
one after the other, small moves first. The board's pane, `pulse next` and `pulse claim` all
call this one function.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.doctor import dependency_graph, find_cycles
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import seconds_since
from pulseboard.core.fsops import SMALL_FILE, atomic_write, read_regular
from pulseboard.core.journal import PULSE_DIR, cache_dir
from pulseboard.core.overlap import TouchIndex, any_overlap, earlier_overlaps, first_overlap

STALE_GRACE_S = 5  # pulse writes `started` a moment after the move; later edits mean a new spec
MAX_MARKS = 500
PUSH_STATUS = Path(PULSE_DIR) / "cache" / "push.json"  # written by services/git after each push
CLASHES_PER_TASK = 3  # a task in doing is paired with at most this many earlier ones touching the same
# "Add the tests and update the docs": two phrases of two words or more around and/&/+, so that
# "Support drag and drop" or "Fix search & replace" are not taken for bundles. Linear in the title:
# a try starts only where a word starts (the lookbehind), and no quantifier gives back what it took
# (possessive `++`), so a 100,000-letter title costs one pass, not one pass per letter.
BUNDLE_TITLE = re.compile(
    r"(?<![^\W\d_])[^\W\d_]++\s++[^\W\d_]++\s++(?:and|&|\+)\s++[^\W\d_]++\s++[^\W\d_]", re.I
)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """One thing to do next."""

    kind: str
    action: str  # finish | block | split | re-read | unblock | resolve | start | wait
    ids: tuple[str, ...]
    text: str
    score: float
    reasons: tuple[tuple[str, float], ...] = ()


def time_box(task: Task, settings: HeartbeatSettings) -> tuple[int, int]:
    """(consider splitting after, split after) seconds in doing: the estimate sets the box.
    The board colours a card's time in doing by the same rule."""
    box = task.estimate or settings.box_s
    return box, 2 * box


def _marks_path(root: Path) -> Path:
    return root / PULSE_DIR / "cache" / "read-marks.json"


def read_marks(root: Path) -> dict[str, float]:
    """Task id -> the file's mtime when it was last re-read (in the board or with `pulse show`)."""
    try:
        marks = json.loads(read_regular(_marks_path(root), SMALL_FILE))
    except (OSError, ValueError):
        return {}
    return marks if isinstance(marks, dict) else {}


def mark_read(root: Path, task: Task) -> None:
    """Remember that a task in doing was re-read as it now is, which settles its stale-spec note."""
    if task.state != "doing":
        return
    try:
        mtime = task.path.stat().st_mtime
        marks = read_marks(root)
        marks[task.id] = mtime
        if len(marks) > MAX_MARKS:  # keep the newest: marks of long-finished tasks are no use
            marks = dict(sorted(marks.items(), key=lambda item: item[1])[-MAX_MARKS:])
        atomic_write(cache_dir(root) / _marks_path(root).name, json.dumps(marks).encode())
    except (OSError, PulseError):
        return  # a read mark is a convenience: never fail a view for it


def modified_times(tasks: Iterable[Task], root: Path | None = None) -> dict[str, float]:
    """Task id -> file mtime for the tasks in doing changed since they were last re-read:
    what the stale-spec rule compares with their start."""
    marks = read_marks(root) if root is not None else {}
    times: dict[str, float] = {}
    folders: dict[Path, str] = {}  # one fspath per folder, not a Path per task: 10,000 in doing
    for task in tasks:
        if task.state == "doing":
            folder = folders.get(task.folder) or folders.setdefault(task.folder, os.fspath(task.folder))
            try:
                mtime = os.stat(os.path.join(folder, task.name)).st_mtime
            except OSError:
                continue
            if mtime > marks.get(task.id, 0.0):
                times[task.id] = mtime
    return times


def suggest(
    tasks: Iterable[Task], settings: HeartbeatSettings, root: Path, now: dt.datetime
) -> list[Suggestion]:
    """One beat over a board as it is on disk: the one entry point for the board's pane and
    `pulse next`, `claim` and `beat`."""
    tasks = list(tasks)
    return beat(tasks, now, settings, modified_times(tasks, root), push_failure(root))


def push_failure(root: Path) -> str | None:
    """Why the last push from here failed (as services/git recorded it), or None if it did not."""
    try:
        status = json.loads(read_regular(root / PUSH_STATUS, SMALL_FILE))
    except (OSError, ValueError):
        return None
    if not isinstance(status, dict) or status.get("ok", True):
        return None
    return f"{status.get('error') or 'git push failed'} (at {status.get('at') or '?'})"


def _minutes(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60}h{minutes % 60:02d}m" if minutes >= 60 else f"{minutes}m"


def _is_bundle(task: Task, settings: HeartbeatSettings) -> bool:
    """A title "X and Y", or many unchecked criteria over touches that don't overlap each other."""
    if BUNDLE_TITLE.search(task.title):
        return True
    unchecked = task.criteria[1] - task.criteria[0]
    return unchecked >= settings.bundle and len(task.touches) >= 2 and not any_overlap(task.touches)


def _deps_done(task: Task, graph: dict[str, list[str]], done_ids: set[str]) -> bool:
    """Every dependency names a task, and each is done (one naming no task is never done)."""
    resolved = graph.get(task.id, [])
    return len(resolved) == len(task.depends) and all(d in done_ids for d in resolved)


def beat(
    tasks: Iterable[Task],
    now: dt.datetime,
    settings: HeartbeatSettings,
    modified: dict[str, float] | None = None,
    push_failed: str | None = None,
) -> list[Suggestion]:
    """The ranked suggestions for a board. modified: task id -> file mtime (for stale specs);
    push_failed: why the last git push failed, if it did."""
    tasks = list(tasks)
    modified = modified or {}
    by_state: dict[str, list[Task]] = {"open": [], "doing": [], "done": [], "blocked": []}
    for task in tasks:
        by_state.setdefault(task.state, []).append(task)
    doing = sorted(by_state["doing"], key=lambda t: (t.started or "", t.id))
    done_ids = {t.id for t in by_state["done"]}
    graph, dep_problems = dependency_graph(tasks)
    out: list[Suggestion] = []
    limit = settings.wip_doing

    # What git merges leave for people to settle comes first: copies, files both sides changed.
    copies: dict[str, list[Task]] = {}
    for task in tasks:
        copies.setdefault(task.id, []).append(task)
    for task_id, group in copies.items():
        if len(group) > 1:
            where = " and ".join(sorted(f"{t.state}/" for t in group))
            out.append(Suggestion(
                "two-places", "resolve", (task_id,),
                f'"{group[0].title}" is in {where}: moved on both sides, or copied; keep one '
                "(pulse doctor --fix).", 1100, (("one task in two places", 1100),),
            ))  # fmt: skip
    for task in tasks:
        if task.error and "conflict markers" in task.error:
            out.append(Suggestion(
                "conflict-markers", "resolve", (task.id,), f"{task.state}/{task.name} {task.error}.", 1050,
                (("changed on both sides", 1050),),
            ))  # fmt: skip
    if push_failed:
        out.append(Suggestion(
            "push-failed", "sync", (), f"The last push failed: {push_failed}; run pulse sync.", 1000,
            (("the remote is behind", 1000),),
        ))  # fmt: skip

    # 1-2. Work in progress.
    if len(doing) > limit:
        oldest = doing[0]
        out.append(Suggestion(
            "over-limit", "finish", (oldest.id,),
            f"Doing is over its limit ({len(doing)}/{limit}): finish or block something before starting "
            f'more; the oldest is "{oldest.title}".', 1000, (("over the WIP limit", 1000),),
        ))  # fmt: skip
    elif len(doing) == limit:
        for rank, task in enumerate(doing):
            out.append(Suggestion(
                "at-limit", "finish", (task.id,),
                f'Doing is full ({limit}/{limit}): finish "{task.title}" before starting anything new.',
                400 - rank, (("doing at its limit", 400), ("older in doing first", -rank)),
            ))  # fmt: skip

    # 3-4, 6. Tasks in doing: time boxes, stale specs, overlaps.
    for task in doing:
        elapsed = seconds_since(task.started, now)
        consider, split = time_box(task, settings)
        minutes = round(min((elapsed or 0) / 60, 99), 1)  # a score term: more minutes, more urgent
        if elapsed is not None and elapsed > split:
            out.append(Suggestion(
                "split", "split", (task.id,),
                f'"{task.title}" has been in progress {_minutes(elapsed)}, past twice its '
                f"{_minutes(consider)} box: split it and ship the part that is done.",
                700 + minutes, (("past twice its time box", 700), ("minutes in doing", minutes)),
            ))  # fmt: skip
        elif elapsed is not None and elapsed > consider:
            out.append(Suggestion(
                "consider-split", "split", (task.id,),
                f'"{task.title}" has been in progress {_minutes(elapsed)}, past its {_minutes(consider)} '
                "box: consider splitting it.", 500 + minutes,
                (("past its time box", 500), ("minutes in doing", minutes)),
            ))  # fmt: skip
        mtime = modified.get(task.id)
        if elapsed is not None and mtime is not None and mtime > now.timestamp() - elapsed + STALE_GRACE_S:
            out.append(Suggestion(
                "stale-spec", "re-read", (task.id,),
                f'"{task.title}" changed after it was started: re-read it before going on.', 800,
                (("spec changed since start", 800),),
            ))  # fmt: skip
    # Each task with the few earliest started before it that touch the same: every pair when
    # doing holds a handful, and never a number of pairs that grows with the square of doing.
    clashes = earlier_overlaps([t.touches for t in doing], CLASHES_PER_TASK)
    for i, j in sorted((i, j) for j, earlier in enumerate(clashes) for i in earlier):
        a, b = doing[i], doing[j]
        out.append(Suggestion(
            "conflict", "finish", (a.id, b.id),
            f'"{a.title}" and "{b.title}" both touch {first_overlap(a.touches, b.touches)}: '
            "run them one after the other.",
            900, (("two tasks in doing touch the same things", 900),),
        ))  # fmt: skip

    # 5. Blocked tasks: by how long they have waited; unblock what no longer waits.
    for task in by_state["blocked"]:
        if task.depends and _deps_done(task, graph, done_ids):
            out.append(Suggestion(
                "unblock", "unblock", (task.id,),
                f'"{task.title}" waited on tasks that are now all done: unblock it.', 600,
                (("its dependencies are done", 600),),
            ))  # fmt: skip
            continue
        info = task.blocked or {}
        waited = seconds_since(info.get("since"), now) or 0.0
        hours = round(min(waited / 3600, 99), 1)
        who = info.get("waiting_on") or "someone (nobody named)"
        out.append(Suggestion(
            "blocked", "wait", (task.id,),
            f'"{task.title}" has waited {_minutes(waited)} on {who}: '
            f'{info.get("reason") or "no reason given"}.',
            150 + hours, (("blocked", 150), ("hours waited", hours)),
        ))  # fmt: skip

    # Dependency problems never crash the engine: they become suggestions.
    for problem in dep_problems:
        out.append(
            Suggestion(
                problem.kind, "resolve", problem.ids, problem.message, 250, (("dependency problem", 250),)
            )
        )
    for cycle in find_cycles(graph):
        out.append(Suggestion(
            "cycle", "resolve", tuple(cycle), "These tasks depend on each other in a cycle: break it.", 250,
            (("dependency cycle", 250),),
        ))  # fmt: skip

    # 7. Next to start, when doing has room.
    if len(doing) < limit:
        out.extend(_candidates(by_state, graph, doing, done_ids, now, settings))

    # 8. Nothing to do.
    if not any(
        s.action in ("start", "finish", "split", "re-read", "unblock", "sync") or s.score >= 1000 for s in out
    ):
        waiting = sorted({(t.blocked or {}).get("waiting_on") or "someone" for t in by_state["blocked"]})
        text = "Nothing to start or finish."
        if waiting:
            text += f" {len(by_state['blocked'])} blocked, waiting on {', '.join(waiting)}."
        out.append(Suggestion("idle", "wait", (), text, 0))
    return sorted(out, key=lambda s: (-s.score, s.ids, s.kind))


def _candidates(
    by_state: dict[str, list[Task]],
    graph: dict[str, list[str]],
    doing: list[Task],
    done_ids: set[str],
    now: dt.datetime,
    settings: HeartbeatSettings,
) -> list[Suggestion]:
    w = settings.weights
    waiting_on: dict[str, int] = {}
    for task in by_state["open"] + by_state["blocked"]:
        for dep in graph.get(task.id, []):
            waiting_on[dep] = waiting_on.get(dep, 0) + 1
    result: list[Suggestion] = []
    in_doing = TouchIndex(d.touches for d in doing)  # the first in doing that an open task overlaps
    for task in by_state["open"]:
        if task.error or not _deps_done(task, graph, done_ids):
            continue  # unreadable, or waiting on unfinished work
        terms: list[tuple[str, float]] = [(f"priority {task.priority}", getattr(w, task.priority, 0.0))]
        age_days = (seconds_since(task.created, now) or 0.0) / 86400
        terms.append(("age", round(min(age_days * w.age_per_day, w.age_cap), 2)))
        if task.estimate is not None:
            if task.estimate <= settings.small_s:
                terms.append((f"estimate up to {_minutes(settings.small_s)}", w.small_estimate))
            elif task.estimate <= settings.big_s:
                terms.append((f"estimate up to {_minutes(settings.big_s)}", w.medium_estimate))
            else:
                terms.append((f"estimate over {_minutes(settings.big_s)}", w.large_estimate))
        if waiting_on.get(task.id):
            terms.append((f"unblocks {waiting_on[task.id]}", w.unblocks * min(waiting_on[task.id], 3)))
        first = in_doing.first(task.touches) if task.touches else []
        clash = doing[first[0]] if first else None
        if clash is not None:
            terms.append((f'touches the same as "{clash.title}" in doing', w.overlap))
        score = round(sum(v for _, v in terms), 2)
        too_big = task.estimate is not None and task.estimate > settings.big_s
        if too_big or _is_bundle(task, settings):
            why = f"is estimated over {_minutes(settings.big_s)}" if too_big else "bundles independent parts"
            result.append(Suggestion(
                "split-before-start", "split", (task.id,), f'"{task.title}" {why}: split it before starting.',
                280 + score, (("too big to start" if too_big else "bundles independent parts", 280), *terms),
            ))  # fmt: skip
            continue
        if clash is None:
            line, kind = f'Start "{task.title}".', "start"
        else:  # startable, but better after the task in doing it overlaps
            line, kind = (
                f'Start "{task.title}" after "{clash.title}": they touch the same things.',
                "start-after",
            )
        result.append(Suggestion(kind, "start", (task.id,), line, 300 + score, (("startable", 300), *terms)))
    return result
