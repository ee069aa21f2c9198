"""The board's first read, made while the board app imports textual and sets itself up.

Where the system can fork and the board is big, the read is shared with a child process on
another core, and the child's share is what ends both together: this process also imports and
sets up the app, so the child reads a board of up to ~20,000 files whole (this process only
imports, at full speed) and a little over half of a bigger one (on a long-lived board, done/;
with a quarter in each state, two folders), while a thread here reads the rest. The child hands
its tasks back as marshal data, a tuple of fields each, already in their columns' order, in a
file in memory read once it has ended (a pipe where the system has none), and this process
makes them Task objects and sorts the board into a snapshot (a fifth of the child's time at
100,000 tasks, and none of its parse cache's memory). The child is forked before any thread
exists and imports nothing. Where there is no fork, or the child fails, its folders are read
here too.
"""

from __future__ import annotations

import itertools
import operator
import os
import threading
from functools import partial
from pathlib import Path

from pulseboard.core import forked
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.live import Loaded, folder_stamps, loaded
from pulseboard.core.snapshot import column_key

FORK_FROM = 64 << 10  # folders this big together (their sizes as the system gives them: ~1,000+ names)
APP_SETUP = 3 << 19  # what importing textual and setting up the app costs this process, in folder bytes read
CHILD_COST = 1.25  # a file read costs the child this many times what it costs here (it sorts and sends it)
_FOLDER = Task.__slots__.index("folder")
_ROW = operator.attrgetter(*(name for name in Task.__slots__ if name != "folder"))  # a task as sent


class ReadAhead:
    """The board read from the moment this is made; `result` waits for it."""

    def __init__(self, board: Board, *, fork: bool | None = None) -> None:
        """fork: share the read with a child process where the system can (None: when the board
        is big enough to be worth a process; False: read all of it here)."""
        self._done = threading.Event()
        self._loaded: Loaded | None = None
        self._error: Exception | None = None
        stamps = folder_stamps(board)  # before either read begins
        sizes = {state: _folder_size(board.root / state) for state in STATES}
        fork = sum(sizes.values()) >= FORK_FROM if fork is None else fork
        theirs = _child_states(sizes) if fork and hasattr(os, "fork") else ()
        child = forked.fork(partial(_rows, board, theirs)) if theirs else None
        ours = tuple(state for state in STATES if child is None or state not in theirs)
        threading.Thread(
            target=self._read, args=(board, stamps, ours, child, theirs), name="pulse-read-ahead", daemon=True
        ).start()

    def _read(
        self,
        board: Board,
        stamps: dict[str, int | None],
        ours: tuple[str, ...],
        child: forked.Child | None,
        theirs: tuple[str, ...],
    ) -> None:
        try:
            tasks = board.tasks(ours)
            if child is not None:
                rows = forked.result(child)
                if rows is None:  # it failed: read its folders here (raising what that raises)
                    tasks += board.tasks(theirs)
                else:
                    folders = {state: board.root / state for state in STATES}
                    tasks += [Task(*row[:_FOLDER], folders[row[1]], *row[_FOLDER:]) for row in rows]
            self._loaded = loaded(tasks, stamps)
        except Exception as exc:  # handed to whoever waits for the result
            self._error = exc
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> Loaded:
        """The board as read; waits for the read to end, raises what it raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._loaded is not None
        return self._loaded


def _folder_size(folder: Path) -> int:
    try:
        return os.stat(folder).st_size
    except OSError:
        return 0


def _child_states(sizes: dict[str, int]) -> tuple[str, ...]:
    """The folders the child reads: those whose share of the board is nearest its fair share (the
    fewer folders on a tie), in the board's order. Its fair share ends both reads together: this
    process also imports and sets up the app, so up to ~20,000 files (1.5 MB of folders) the child
    reads them all; at 100,000 a little over half."""
    total = sum(sizes.values()) or 1
    share = min(1.0, (APP_SETUP + total) / ((1 + CHILD_COST) * total))
    subsets = (c for n in range(1, len(STATES) + 1) for c in itertools.combinations(STATES, n))
    return min(subsets, key=lambda some: (abs(sum(sizes[s] for s in some) / total - share), len(some)))


def _rows(board: Board, states: tuple[str, ...]) -> list[tuple[object, ...]]:
    """The child's work: these folders' tasks as rows, in their columns' order (the snapshot's
    sort then finds each run)."""
    return [_ROW(task) for task in sorted(board.tasks(states), key=column_key)]
