"""Ready when done: the tasks that finishing a task lets start, named the moment it is done.

A task is ready when each of its dependencies names one task and each of those is done: the
heartbeat's own rule (heartbeat_rules.deps_done over doctor's dependency resolution). For tasks
just finished, `ready_now` says which open tasks waiting on one of them can start now, and which
blocked tasks waiting on one of them have every dependency done (so they can be unblocked).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass

from pulseboard.core.board import Task
from pulseboard.core.doctor import resolve_dependency
from pulseboard.core.heartbeat_rules import deps_done
from pulseboard.core.wip import distinct


@dataclass(frozen=True, slots=True)
class Ready:
    open: tuple[Task, ...] = ()  # can start now
    blocked: tuple[Task, ...] = ()  # every dependency done: can be unblocked


def ready_now(tasks: Sequence[Task], finished: Collection[str]) -> Ready:
    """The tasks waiting on one of `finished` (ids) whose every dependency is done now."""
    waiting = distinct(t for t in tasks if t.depends and t.state in ("open", "blocked"))
    if not waiting or not finished:
        return Ready()
    id_set = {t.id for t in tasks}
    all_ids = sorted(id_set)
    done = {t.id for t in tasks if t.state == "done"}
    found: dict[str, list[Task]] = {"open": [], "blocked": []}
    for task in waiting:
        resolved = [m[0] for dep in task.depends if len(m := resolve_dependency(dep, id_set, all_ids)) == 1]
        if not any(dep in finished for dep in resolved):
            continue
        if deps_done(task, len(resolved), sum(dep not in done for dep in resolved)):
            found[task.state].append(task)
    return Ready(tuple(found["open"]), tuple(found["blocked"]))
