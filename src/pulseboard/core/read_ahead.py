"""The board's first read, made while the board app imports textual and sets itself up.

Where the system can fork and the board is big, the read is shared with a child process on
another core: the child reads the folders that make a little over half of the board (on a
long-lived board, done/; with a quarter in each state, two of them; this process's share is
less by what importing and setting up the app costs it), while a thread here reads the rest and
this process imports and sets up the app; the child hands its tasks back as marshal data
through a pipe, a tuple of fields each, already in their columns' order, and this process makes
them Task objects and sorts the board into a snapshot (a fifth of the child's time at 100,000
tasks, and none of its parse cache's memory). The child is forked before any thread exists and
imports nothing. Where there is no fork, or the child fails, its folders are read here too.
"""

from __future__ import annotations

import itertools
import marshal
import operator
import os
import threading
from pathlib import Path
from typing import NamedTuple

from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.live import Loaded, folder_stamps, loaded
from pulseboard.core.snapshot import column_key

FORK_FROM = 64 << 10  # folders this big together (their sizes as the system gives them: ~1,000+ names)
CHILD_SHARE = 0.55  # of the board, as near as whole folders allow (0.7: at 100,000 the child ended 1 s later)
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
        child = _fork_reader(board, theirs) if theirs else None
        ours = tuple(state for state in STATES if child is None or state not in theirs)
        threading.Thread(
            target=self._read, args=(board, stamps, ours, child), name="pulse-read-ahead", daemon=True
        ).start()

    def _read(
        self, board: Board, stamps: dict[str, int | None], ours: tuple[str, ...], child: Child | None
    ) -> None:
        try:
            tasks = board.tasks(ours)
            if child is not None:
                rows = _receive(child)
                if rows is None:  # it failed: read its folders here (raising what that raises)
                    tasks += board.tasks(child.states)
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
    """The folders the child reads: those whose share of the board is nearest CHILD_SHARE (the
    fewer folders on a tie), in the board's order."""
    total = sum(sizes.values()) or 1
    subsets = (c for n in range(1, len(STATES) + 1) for c in itertools.combinations(STATES, n))
    return min(
        subsets, key=lambda states: (abs(sum(sizes[s] for s in states) / total - CHILD_SHARE), len(states))
    )


class Child(NamedTuple):
    """A child process reading some of the board's folders (`states`) into a pipe."""

    pid: int
    pipe: int  # the end to read
    states: tuple[str, ...]


def _fork_reader(board: Board, states: tuple[str, ...]) -> Child | None:
    """A child process that reads these folders and writes their tasks to a pipe, or None if it
    could not be made."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        os.close(write_end)
        return Child(pid, read_end, states)
    status = 1  # the child: whatever happens, it ends here, and never runs the parent's code
    try:
        os.close(read_end)
        tasks = sorted(board.tasks(states), key=column_key)  # the snapshot's sort then finds each run
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(marshal.dumps([_ROW(task) for task in tasks]))
        status = 0
    finally:
        os._exit(status)


def _receive(child: Child) -> list[tuple[object, ...]] | None:
    """The rows the child sent, once it ended well; None if it failed."""
    with os.fdopen(child.pipe, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(child.pid, 0)
    if status != 0 or not data:
        return None
    return marshal.loads(data)  # type: ignore[no-any-return]  # our own child's, through our pipe
