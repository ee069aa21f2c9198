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
    """The folders the child reads: those whose share of the board is nearest its fair share (the
    fewer folders on a tie), in the board's order. Its fair share ends both reads together: this
    process also imports and sets up the app, so up to ~20,000 files (1.5 MB of folders) the child
    reads them all; at 100,000 a little over half."""
    total = sum(sizes.values()) or 1
    share = min(1.0, (APP_SETUP + total) / ((1 + CHILD_COST) * total))
    subsets = (c for n in range(1, len(STATES) + 1) for c in itertools.combinations(STATES, n))
    return min(subsets, key=lambda some: (abs(sum(sizes[s] for s in some) / total - share), len(some)))


class Child(NamedTuple):
    """A child process reading some of the board's folders (`states`) into a file or a pipe."""

    pid: int
    fd: int  # where it writes: a file in memory, read once it ended; else a pipe, read as it writes
    states: tuple[str, ...]
    in_memory: bool


def _fork_reader(board: Board, states: tuple[str, ...]) -> Child | None:
    """A child process that reads these folders and writes their tasks to a file in memory (where
    the system has them) or a pipe, or None if it could not be made. A pipe is read 64 KB at a
    time, each read waiting for the interpreter while the app imports: 10,000 tasks (2 MB) arrived
    150 ms after the child had sent them; a file in memory is read once, when the child is done."""
    in_memory = hasattr(os, "memfd_create")
    read_end, write_end = (fd := os.memfd_create("pulse-read-ahead"), fd) if in_memory else os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        if write_end != read_end:
            os.close(write_end)
        return None
    if pid:
        if write_end != read_end:
            os.close(write_end)
        return Child(pid, read_end, states, in_memory)
    status = 1  # the child: whatever happens, it ends here, and never runs the parent's code
    try:
        if write_end != read_end:
            os.close(read_end)
        tasks = sorted(board.tasks(states), key=column_key)  # the snapshot's sort then finds each run
        with os.fdopen(write_end, "wb") as out:
            out.write(marshal.dumps([_ROW(task) for task in tasks]))
        status = 0
    finally:
        os._exit(status)


def _receive(child: Child) -> list[tuple[object, ...]] | None:
    """The rows the child sent, once it ended well; None if it failed."""
    if child.in_memory:
        _, status = os.waitpid(child.pid, 0)
        os.lseek(child.fd, 0, os.SEEK_SET)
    with os.fdopen(child.fd, "rb") as written:
        data = written.read()
    if not child.in_memory:
        _, status = os.waitpid(child.pid, 0)
    if status != 0 or not data:
        return None
    return marshal.loads(data)  # type: ignore[no-any-return]  # our own child's, through our pipe
