"""What a start asks of the tasks already in doing, from where the caller has them.

A move into doing/ needs three things of doing (core/actions.py): how many tasks it holds (each
id once: core/wip.py's count), the first few by file name (the WIP message names them), and the
tasks whose `touches` overlap the newcomer's. The CLI, and each move of a batch, list the folder
as it is now (`DoingOnDisk`); the board answers from what it holds (`DoingHeld`: its snapshot and
the heartbeat engine's index of doing), so a start with 25,000 tasks in doing lists no folder,
reads no file and compares no pair. The messages are made from these answers by one rule.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Protocol, TypeVar

from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.overlap import first_overlap
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.wip import distinct, wip_level

READ_DIRECTLY = 64  # up to this many tasks in doing are read from their files, not the parse cache
Held = Callable[[Entry], Task | None]  # a task as the caller holds it, by its entry (None: not held)
M = TypeVar("M", Entry, Task)


def held_by(doing: Iterable[Task], holder: str) -> list[Task]:
    """The tasks in doing a holder holds, each id once."""
    return distinct(task for task in doing if task.holder == holder)


class Doing(Protocol):
    """The tasks in doing as a start consults them."""

    def count(self, leaving_out: str) -> int:
        """The tasks in doing, each id once, but the one with this id (core/wip.py's count)."""
        ...

    def first_named(self, k: int, leaving_out: str) -> list[Task]:
        """The first k tasks by file name (a copied task once), but the one with this id."""
        ...

    def touching(self, touches: Sequence[str]) -> Iterable[Task]:
        """Every task in doing with an entry overlapping touches (core/overlap.py's rule)."""
        ...

    def held_by(self, holder: str) -> list[Task]:
        """The tasks in doing this holder holds (core/holders.py: their limit by weight)."""
        ...


def _first_named(files: Mapping[str, M], k: int, leaving_out: str) -> list[M]:
    """The first k of files by name, an id once, leaving one id out: the names compared as they
    are (in C), as many as it takes, not a key made for each."""
    take = k + 1
    while True:
        shown: dict[str, M] = {}
        for name in heapq.nsmallest(take, files):
            member = files[name]
            if member.id != leaving_out:
                shown.setdefault(member.id, member)
        if len(shown) >= k or take >= len(files):
            return list(shown.values())[:k]
        take *= 2


class DoingOnDisk:
    """doing/ as listed now; a task is the caller's copy (`held`) or read from its file, and all of
    them come from the parse cache when there are many (reading each would cost more)."""

    def __init__(self, board: Board, held: Held | None = None) -> None:
        self._board = board
        self._held = held
        self._entries: list[Entry] | None = None

    def _members(self) -> list[Entry]:
        if self._entries is None:
            self._entries = self._board.entries(["doing"])
        return self._entries

    def _task(self, entry: Entry) -> Task:
        return (self._held and self._held(entry)) or self._board.load(entry)

    def count(self, leaving_out: str) -> int:
        return wip_level(self._members(), 0, starting=leaving_out).count

    def first_named(self, k: int, leaving_out: str) -> list[Task]:
        files = {entry.name: entry for entry in self._members()}
        return [self._task(entry) for entry in _first_named(files, k, leaving_out)]

    def _tasks(self) -> list[Task]:
        members = self._members()
        if self._held is not None or len(members) <= READ_DIRECTLY:
            return [self._task(entry) for entry in members]
        return self._board.tasks(["doing"])

    def touching(self, touches: Sequence[str]) -> list[Task]:
        return [task for task in self._tasks() if first_overlap(touches, task.touches) is not None]

    def held_by(self, holder: str) -> list[Task]:
        return held_by(self._tasks(), holder)


class DoingHeld:
    """Doing as the caller holds it: its snapshot, and (once built) an index of doing's touches
    that answers `touching` with work that grows with the answer, not with doing."""

    def __init__(
        self, snapshot: Snapshot, touching: Callable[[Sequence[str]], Iterable[Task]] | None = None
    ) -> None:
        self._snapshot = snapshot
        self._touching = touching

    def count(self, leaving_out: str) -> int:
        return self._snapshot.distinct_ids("doing", leaving_out)

    def first_named(self, k: int, leaving_out: str) -> list[Task]:
        return _first_named(self._snapshot.files("doing"), k, leaving_out)

    def touching(self, touches: Sequence[str]) -> Iterable[Task]:
        if self._touching is not None:
            return self._touching(touches)
        tasks = self._snapshot.files("doing").values()
        return [task for task in tasks if first_overlap(touches, task.touches) is not None]

    def held_by(self, holder: str) -> list[Task]:
        return held_by(self._snapshot.files("doing").values(), holder)
