"""The board's first read, made while the board app imports textual and sets itself up.

Where the system can fork, the read is shared with a child process on another core: the child
reads done/ (on a long-lived board the folder that holds most of the tasks) while a thread here
reads the other folders; the child hands its tasks back as marshal data through a pipe, a tuple
of fields each, already in the column's order, and this process makes them Task objects and
sorts the board into a snapshot. At 100,000 tasks this process spends a fifth of the read's time
on done/, and never holds its parse cache. The child is forked before any thread exists and
imports nothing. Where there is no fork, or the child fails, done/ is read here too.
"""

from __future__ import annotations

import marshal
import operator
import os
import threading
from pathlib import Path

from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.live import Loaded, folder_stamps, loaded
from pulseboard.core.snapshot import column_key

CHILD_STATES = ("done",)  # read by the child; the rest here
FORK_FROM = 64 << 10  # a done/ folder this big (its size as the system gives it: ~1,000+ names) is shared
_FOLDER = Task.__slots__.index("folder")
_ROW = operator.attrgetter(*(name for name in Task.__slots__ if name != "folder"))  # a task as sent


class ReadAhead:
    """The board read from the moment this is made; `result` waits for it."""

    def __init__(self, board: Board, *, fork: bool | None = None) -> None:
        """fork: share the read with a child process where the system can (None: when done/ is big
        enough to be worth a process; False: read all of it here)."""
        self._done = threading.Event()
        self._loaded: Loaded | None = None
        self._error: Exception | None = None
        stamps = folder_stamps(board)  # before either read begins
        if fork is None:
            fork = _folder_size(board.root / CHILD_STATES[0]) >= FORK_FROM
        child = _fork_reader(board) if fork and hasattr(os, "fork") else None
        threading.Thread(
            target=self._read, args=(board, stamps, child), name="pulse-read-ahead", daemon=True
        ).start()

    def _read(self, board: Board, stamps: dict[str, int | None], child: tuple[int, int] | None) -> None:
        try:
            tasks = board.tasks(state for state in STATES if state not in CHILD_STATES)
            rows = _receive(*child) if child is not None else None
            if rows is None:  # no child, or it failed: read its folders here (raising what that raises)
                tasks += board.tasks(CHILD_STATES)
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


def _fork_reader(board: Board) -> tuple[int, int] | None:
    """A child process that reads CHILD_STATES and writes their tasks to a pipe: (its pid, the
    pipe's end to read), or None if it could not be made."""
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1  # the child: whatever happens, it ends here, and never runs the parent's code
    try:
        os.close(read_end)
        tasks = sorted(board.tasks(CHILD_STATES), key=column_key)  # the snapshot's sort then finds it done
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(marshal.dumps([_ROW(task) for task in tasks]))
        status = 0
    finally:
        os._exit(status)


def _receive(pid: int, read_end: int) -> list[tuple[object, ...]] | None:
    """The rows the child sent, once it ended well; None if it failed."""
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if status != 0 or not data:
        return None
    return marshal.loads(data)  # type: ignore[no-any-return]  # our own child's, through our pipe
