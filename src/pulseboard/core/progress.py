"""What the metrics read from a board: its tasks, its journal and when each file last changed place.

The metrics themselves (core/metrics.py) are pure; this is the one place that gathers their input,
so `pulse stats`, the board's status line and its stats screen show the same figures.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence

from pulseboard.core.archive import archived_tasks
from pulseboard.core.board import Board, Task
from pulseboard.core.journal import Event, read_events
from pulseboard.core.metrics import Stats, compute


class FileTimes(Mapping[str, float]):
    """Task id -> the file's ctime: when it last changed (a plain `mv` sets it), for the moves the
    journal and the stamps say nothing about. Looked up lazily: most tasks never need one."""

    def __init__(self, tasks: Sequence[Task]) -> None:
        self._tasks = {task.id: task for task in tasks}

    def __getitem__(self, task_id: str) -> float:
        try:
            return os.lstat(self._tasks[task_id].path).st_ctime
        except OSError:
            raise KeyError(task_id) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._tasks)

    def __len__(self) -> int:
        return len(self._tasks)


def board_stats(
    board: Board,
    now: dt.datetime,
    days: int = 14,
    tasks: Sequence[Task] | None = None,
    events: Iterable[Event] | None = None,
) -> Stats:
    """The board's figures now (tasks, events: the board and journal as the caller holds them)."""
    tasks = board.tasks() if tasks is None else tasks
    events = list(read_events(board.root) if events is None else events)
    tasks = [*tasks, *archived_tasks(board.root, events, {t.id for t in tasks})]  # counted from the journal
    settings = board.settings.heartbeat
    return compute(tasks, events, now, days=days, settings=settings, file_times=FileTimes(tasks))
