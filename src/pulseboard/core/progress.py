"""What the metrics read from a board: its tasks, its journal and when each file last changed place.

The metrics themselves (core/metrics.py) are pure; this is the one place that gathers their input,
so `pulse stats`, the board's status line and its stats screen show the same figures.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence

from pulseboard.core.board import Board, Task
from pulseboard.core.journal import read_events
from pulseboard.core.metrics import Stats, compute


def file_times(tasks: Sequence[Task]) -> dict[str, float]:
    """Task id -> the file's ctime: when it last changed (a plain `mv` sets it), for the moves
    the journal and the stamps say nothing about."""
    times: dict[str, float] = {}
    for task in tasks:
        try:
            times[task.id] = os.lstat(task.path).st_ctime
        except OSError:
            continue
    return times


def board_stats(board: Board, now: dt.datetime, days: int = 14, tasks: Sequence[Task] | None = None) -> Stats:
    """The board's figures now (tasks: the board as the caller already holds it)."""
    tasks = board.tasks() if tasks is None else tasks
    return compute(
        tasks, read_events(board.root), now, days=days, settings=board.settings.heartbeat,
        file_times=file_times(tasks),
    )  # fmt: skip
