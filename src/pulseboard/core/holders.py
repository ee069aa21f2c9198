"""Who holds what: a task's weight, a holder's limit and load, and the rule a start answers to.

Starting or claiming a task records its holder (`holder:`, next to `started`; journal.actor()).
Besides the board's WIP limit (a count), each holder has a limit of weight (holders in pulse.yaml):
a task estimated over heartbeat.big or tagged with a heavy tag weighs `heavy` (1.5), any other 1,
so "two concurrent tasks for features, three for simpler work" is one limit of 3. The CLI's
moves, `claim`, the board and `plan` all ask `holder_check` / `room_for`.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.errors import PulseError
from pulseboard.core.text import named


def weight(task: Task, settings: HeartbeatSettings) -> float:
    """How much of a holder's limit the task takes: `heavy` if big or heavy-tagged, else 1."""
    holders = settings.holders
    big = task.estimate is not None and task.estimate > settings.big_s
    return holders.heavy if big or any(tag in holders.heavy_tags for tag in task.tags) else 1.0


def limit_of(holder: str, settings: HeartbeatSettings) -> float:
    """A holder's limit: the first `limits` entry whose name or glob matches, else `limit`."""
    for pattern, limit in settings.holders.limits:
        if fnmatchcase(holder, pattern):
            return limit
    return settings.holders.limit


def held(doing: Iterable[Task], holder: str) -> list[Task]:
    """The tasks in doing a holder holds, each id once (a copy in two folders counts once)."""
    seen: set[str] = set()
    mine = []
    for task in doing:
        if task.holder == holder and task.id not in seen:
            seen.add(task.id)
            mine.append(task)
    return mine


def load(doing: Iterable[Task], holder: str, settings: HeartbeatSettings) -> float:
    """The weight a holder has in doing now."""
    return sum(weight(task, settings) for task in held(doing, holder))


def room_for(task: Task, doing: Iterable[Task], holder: str, settings: HeartbeatSettings) -> bool:
    """Whether holder can take task without passing their limit (a task they hold already fits)."""
    mine = held(doing, holder)
    if any(t.id == task.id for t in mine):
        return True
    return sum(weight(t, settings) for t in mine) + weight(task, settings) <= limit_of(holder, settings)


def over_message(task: Task, doing: Iterable[Task], holder: str, settings: HeartbeatSettings) -> str:
    """One sentence: starting task takes holder past their limit (what they hold, by weight)."""
    mine = held(doing, holder)
    total = sum(weight(t, settings) for t in mine) + weight(task, settings)
    shown = ", ".join(named(t.id[:4], t.title) for t in mine[:3]) + (" and more" if len(mine) > 3 else "")
    return (
        f"{holder} would hold {total:g} of {limit_of(holder, settings):g} "
        f"(holding {shown or 'nothing'}; {named(task.id[:4], task.title)} weighs {weight(task, settings):g})"
    )


def holder_check(
    task: Task, doing: Iterable[Task], holder: str, settings: HeartbeatSettings, *, hard: bool, force: bool
) -> list[str]:
    """The per-holder rule for a start: [] within the limit; past it, a warning (or PulseError when
    the board's limit is hard and the start is not forced), as the board's WIP limit does."""
    doing = list(doing)
    if room_for(task, doing, holder, settings):
        return []
    message = over_message(task, doing, holder, settings)
    if hard and not force:
        raise PulseError(f"{message}; finish one first, or use --force.")
    return [f"{message}: past {holder}'s limit."]
