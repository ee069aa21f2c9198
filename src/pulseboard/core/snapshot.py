"""The board as one picture: every task in its column, in display order, updated in place.

Column order (one rule for the board and `pulse ls`): open by priority then age, doing by when
it started, blocked by how long it has waited, done newest first. Adding or removing one task
costs a bisection, never a re-sort, so a change on a 100,000-task board stays cheap.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator, Mapping, Sequence
from itertools import chain
from types import MappingProxyType
from typing import overload

from pulseboard.core.board import STATES, Task
from pulseboard.core.fields import PRIORITIES

NEWEST_FIRST = frozenset({"done"})
_RANK = {p: str(i) for i, p in enumerate(PRIORITIES)}
SortKey = str


def column_key(task: Task) -> SortKey:
    """Where a task sorts within its column (ascending; done is shown reversed): open by priority,
    then when it was made (none: last); doing by when it started, blocked by since when, done by
    when (none: first); then by file name. One string ("\\0" before the name, so a shorter time
    sorts first, as in a tuple): strings compare in C, and 100,000 tuples sorted took 0.15 s."""
    if task.state == "open":
        return f"{_RANK.get(task.priority, '2')}{task.created or '~'}\0{task.name}"
    if task.state == "doing":
        return f"{task.started or ''}\0{task.name}"
    if task.state == "blocked":
        return f"{(task.blocked or {}).get('since') or ''}\0{task.name}"
    return f"{task.done or ''}\0{task.name}"


class _Reversed(Sequence[Task]):
    """A reversed, live view of a list."""

    def __init__(self, items: list[Task]) -> None:
        self._items = items

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, index: int) -> Task: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Task]: ...
    def __getitem__(self, index: int | slice) -> Task | Sequence[Task]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self._items)
        if not 0 <= index < len(self._items):
            raise IndexError(index)
        return self._items[len(self._items) - 1 - index]

    def __iter__(self) -> Iterator[Task]:
        return reversed(self._items)


class Snapshot:
    """Tasks per column in display order, with lookups by file and by id."""

    def __init__(self, tasks: Iterable[Task] = ()) -> None:
        # Nothing per task but the task: the sort keys are worked out when a bisection needs them
        # (a key per task kept was 11 MB at 100,000 tasks), files are found by name in their column.
        self._tasks: dict[str, list[Task]] = {s: [] for s in STATES}
        self._files: dict[str, dict[str, Task]] = {s: {} for s in STATES}
        self._by_id: dict[str, Task] = {}  # each id's first copy; a list each would be 100,000 lists
        self._twins: dict[str, list[Task]] = {}  # its other copies (the same task in two folders)
        for task in tasks:
            self._files[task.state][task.name] = task
        for state, files in self._files.items():
            for task in files.values():
                self._add_id(task)
            self._tasks[state] = sorted(files.values(), key=column_key)

    def column(self, state: str) -> Sequence[Task]:
        """A column's tasks in display order (a live view: it follows later changes)."""
        items = self._tasks[state]
        return _Reversed(items) if state in NEWEST_FIRST else items

    def count(self, state: str) -> int:
        return len(self._tasks[state])

    def __len__(self) -> int:
        return sum(len(files) for files in self._files.values())

    def __iter__(self) -> Iterator[Task]:
        for state in STATES:
            yield from self.column(state)

    def get(self, state: str, name: str) -> Task | None:
        return self._files[state].get(name)

    def files(self, state: str) -> Mapping[str, Task]:
        """A column's tasks by file name (a live, read-only view)."""
        return MappingProxyType(self._files[state])

    def copy_of(self, states: Sequence[str]) -> list[Task]:
        """The tasks of these states as a list of their own, in no set order: copied in C (at
        100,000 tasks a keypress can afford it, a loop over the columns it can not)."""
        return list(chain.from_iterable(self._files[state].values() for state in states))

    def with_id(self, task_id: str) -> list[Task]:
        """Every copy of a task (more than one means the same task sits in two folders)."""
        first = self._by_id.get(task_id)
        return [] if first is None else [first, *self._twins.get(task_id, ())]

    def is_done(self, task_id: str) -> bool:
        """Whether a copy of the task is in done/ (a card's parts count: a lookup, not a scan)."""
        first = self._by_id.get(task_id)
        if first is None:
            return False
        return first.state == "done" or any(t.state == "done" for t in self._twins.get(task_id, ()))

    def distinct_ids(self, state: str, leaving_out: str | None = None) -> int:
        """How many tasks a column holds, each id once, and the one with `leaving_out` not at all
        (core/wip.py's count): worked out from the copies alone, not from every task."""
        count = len(self._files[state])
        for task_id, twins in self._twins.items():
            copies = sum(task.state == state for task in (self._by_id[task_id], *twins))
            count -= max(copies - 1, 0)
        if leaving_out is not None and any(task.state == state for task in self.with_id(leaving_out)):
            count -= 1
        return count

    def ids(self) -> Iterable[str]:
        return self._by_id.keys()

    def index(self, task: Task) -> int:
        """The task's position in its column's display order (ValueError if absent)."""
        items = self._tasks[task.state]
        i = bisect.bisect_left(items, column_key(task), key=column_key)
        if i >= len(items) or items[i].name != task.name:
            raise ValueError(f"{task.state}/{task.name} is not on the board")
        return len(items) - 1 - i if task.state in NEWEST_FIRST else i

    def put(self, task: Task) -> Task | None:
        """Add a task, or replace the one in the same file; return the replaced one."""
        old = self.remove(task.state, task.name)
        items = self._tasks[task.state]
        items.insert(bisect.bisect_left(items, column_key(task), key=column_key), task)
        self._files[task.state][task.name] = task
        self._add_id(task)
        return old

    def remove(self, state: str, name: str) -> Task | None:
        """Take a task's file off the board; return it, or None if it was not there."""
        task = self._files[state].pop(name, None)
        if task is None:
            return None
        items = self._tasks[state]
        i = bisect.bisect_left(items, column_key(task), key=column_key)
        while items[i].name != name:
            i += 1
        del items[i]
        if self._by_id[task.id] is task:
            twins = self._twins.get(task.id)
            if twins:
                self._by_id[task.id] = twins.pop(0)
            else:
                del self._by_id[task.id]
        else:
            twins = self._twins[task.id]
            twins.remove(task)
        if twins is not None and not twins:
            del self._twins[task.id]
        return task

    def _add_id(self, task: Task) -> None:
        first = self._by_id.setdefault(task.id, task)
        if first is not task:
            self._twins.setdefault(task.id, []).append(task)
