"""The heartbeat engine: what to do next, and why. Pure: `beat` is a function of (tasks, now, settings,
the specs changed since start, why the last push failed) that reads no file and no clock.

`beat` looks at the board once (`BoardView`), runs each rule in `RULES` (core/heartbeat_rules.py,
one function per thing the heartbeat decides), adds `idle` when none of them asks anyone to act,
and ranks the lot: highest score first, then by the ids named and the kind (then the text and the
terms, so that the order never depends on the order the tasks came in). The inputs that live on
disk (file times, read marks, push status) are gathered by core/heartbeat_inputs.py, whose `suggest`
is what the board's pane, `pulse next`, `claim` and `beat` call. `group_by_task` turns a ranking into
each task once, its other suggestions' texts as grouped reasons: what the pane and `pulse next` show.
core/engine.py gives the same ranking kept up to date from changes, for a live board.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import replace

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.heartbeat_rules import (
    BUNDLE_TITLE,
    CLASHES_PER_TASK,
    STALE_GRACE_S,
    BoardView,
    Suggestion,
    conflict_markers,
    debt_session,
    dependency_problems,
    failed_push,
    idle,
    in_two_places,
    next_to_start,
    overlaps_in_doing,
    parts_finished,
    stale_specs,
    time_box,
    time_boxes,
    unblock_or_wait,
    wip_limit,
)

__all__ = [
    "BUNDLE_TITLE", "CLASHES_PER_TASK", "RULES", "STALE_GRACE_S", "BoardView", "HeartbeatSettings",
    "Suggestion", "beat", "group_by_task", "rank", "rank_key", "time_box",
]  # fmt: skip

Rule = Callable[[BoardView], list[Suggestion]]

# Every rule, in the order the engine runs them (the ranking, not this order, decides what shows first).
RULES: tuple[Rule, ...] = (
    in_two_places,  # resolve: what git merges leave, first
    conflict_markers,  # resolve
    failed_push,  # sync
    wip_limit,  # finish: doing over or at its limit
    time_boxes,  # split / consider splitting what runs past its box
    stale_specs,  # re-read what changed after it was started
    overlaps_in_doing,  # finish: two in doing touch the same things
    unblock_or_wait,  # unblock what no longer waits, else wait
    parts_finished,  # finish: every part of a split task is done
    dependency_problems,  # resolve: missing or ambiguous ids, cycles
    next_to_start,  # start / start-after / split-before-start, when doing has room
    debt_session,  # focus: too much debt open, a session of debt alone
)


def rank_key(
    suggestion: Suggestion,
) -> tuple[float, tuple[str, ...], str, str, tuple[tuple[str, float], ...]]:
    """Where a suggestion ranks: highest score first; ties by the ids named, the kind, the text, the terms."""
    return (-suggestion.score, suggestion.ids, suggestion.kind, suggestion.text, suggestion.reasons)


def rank(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """The suggestions in rank order (`rank_key`)."""
    return sorted(suggestions, key=rank_key)


def beat(
    tasks: Iterable[Task],
    now: dt.datetime,
    settings: HeartbeatSettings,
    modified: Mapping[str, float] | None = None,
    push_failed: str | None = None,
) -> list[Suggestion]:
    """The ranked suggestions for a board. modified: task id -> file mtime (for stale specs);
    push_failed: why the last git push failed, if it did."""
    board = BoardView.of(tasks, now, settings, modified, push_failed)
    out = [suggestion for rule in RULES for suggestion in rule(board)]
    out.extend(idle(board, out))
    return rank(out)


def group_by_task(ranked: Iterable[Suggestion]) -> list[Suggestion]:
    """Each task once, in rank order: the first suggestion naming a task first leads (its action, its
    text, its score), and the texts of the later ones naming that task first join its `also`.

    A suggestion about two tasks or more (an overlap in doing, a cycle) groups under its first id
    only: an overlap under the task started earlier, while the other keeps its own row. One naming
    no task (nothing to do, a failed push) stands alone. Grouping a grouped list changes nothing."""
    leaders: list[Suggestion] = []
    place: dict[str, int] = {}  # task id -> its leader's place in `leaders`
    extra: dict[int, list[str]] = {}  # a leader's place -> the texts grouped under it, in rank order
    for suggestion in ranked:
        at = place.get(suggestion.ids[0]) if suggestion.ids else None
        if at is None:
            if suggestion.ids:
                place[suggestion.ids[0]] = len(leaders)
            leaders.append(suggestion)
        else:
            extra.setdefault(at, []).extend((suggestion.text, *suggestion.also))
    for at, texts in extra.items():
        leaders[at] = replace(leaders[at], also=(*leaders[at].also, *texts))
    return leaders
