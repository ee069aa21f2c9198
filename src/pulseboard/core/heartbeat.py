"""The heartbeat engine: what to do next, and why. Pure: `beat` is a function of (tasks, now, settings,
the specs changed since start, why the last push failed) that reads no file and no clock.

`beat` looks at the board once (`BoardView`), runs each rule in `RULES` (core/heartbeat_rules.py,
one function per thing the heartbeat decides), adds `idle` when none of them asks anyone to act,
and ranks the lot: highest score first, then by the ids named and the kind. The inputs that live on
disk (file times, read marks, push status) are gathered by core/heartbeat_inputs.py, whose `suggest`
is what the board's pane, `pulse next`, `claim` and `beat` call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.heartbeat_rules import (
    BUNDLE_TITLE,
    CLASHES_PER_TASK,
    STALE_GRACE_S,
    BoardView,
    Suggestion,
    conflict_markers,
    dependency_problems,
    failed_push,
    idle,
    in_two_places,
    next_to_start,
    overlaps_in_doing,
    stale_specs,
    time_box,
    time_boxes,
    unblock_or_wait,
    wip_limit,
)

__all__ = [
    "BUNDLE_TITLE", "CLASHES_PER_TASK", "RULES", "STALE_GRACE_S", "BoardView", "HeartbeatSettings",
    "Suggestion", "beat", "rank", "time_box",
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
    dependency_problems,  # resolve: missing or ambiguous ids, cycles
    next_to_start,  # start / start-after / split-before-start, when doing has room
)


def rank(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Highest score first; ties by the ids named, then the kind."""
    return sorted(suggestions, key=lambda s: (-s.score, s.ids, s.kind))


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
