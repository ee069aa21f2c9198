"""The WIP level of doing/, decided once: under, at or over its limit, and whether starting one
more must be confirmed (a hard limit: the board asks, the CLI wants --force).

Counting rule: each task id once. A task copied into doing/ (two files with one id, say after a git
merge) is one task in progress; `pulse doctor` and the board show the copy, the WIP level does not
count it twice. Every place that says "Doing is full" asks this module's `Wip`: `actions.wip_check`
(`pulse start`, `mv`, `claim`), the heartbeat's `wip_limit` rule, and the board's Doing title, top
bar and hard-limit confirm. The count comes from `wip_level` over the tasks or entries in doing, or
on the board from `Snapshot.distinct_ids` (the same count, worked out from the copies alone, so a
change with 25,000 in doing builds no set). Pure: no files, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal, Protocol, TypeVar

Level = Literal["under", "at", "over"]


class HasId(Protocol):
    """A task or a store entry: anything with the task id."""

    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=HasId)


@dataclass(frozen=True, slots=True)
class Wip:
    """Doing/ against its limit. count: distinct task ids in doing (without the one being started)."""

    count: int
    limit: int
    hard: bool = False

    @property
    def level(self) -> Level:
        if self.count > self.limit:
            return "over"
        return "at" if self.count == self.limit else "under"

    @property
    def full(self) -> bool:
        """No room for one more: starting another goes over the limit."""
        return self.count >= self.limit

    @property
    def must_confirm(self) -> bool:
        """Starting one more needs a yes on the board or --force on the command line."""
        return self.hard and self.full


def wip_level(doing: Iterable[HasId], limit: int, hard: bool = False, *, starting: str | None = None) -> Wip:
    """The WIP level of the tasks (or entries) in doing/, each id counted once.

    starting: the id of the task about to move into doing/, left out of the count (a copy of it
    already in doing/ is the same task, not one more)."""
    ids = {task.id for task in doing}
    if starting is not None:
        ids.discard(starting)
    return Wip(len(ids), limit, hard)


def distinct(doing: Iterable[T]) -> list[T]:
    """The first of each id, in the given order: the tasks the WIP level counts."""
    first: dict[str, T] = {}
    for task in doing:
        first.setdefault(task.id, task)
    return list(first.values())
