"""How the board tunes the Python process, in one place: the thread switch interval, the garbage
collector and the memory the C library keeps, set when the board starts and put back when it
stops."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterator

from pulseboard.core.libc import libc

# The engine and the figures run in threads. With Python's default 5 ms switch interval, every
# time the UI thread waits on a write or a system call, a busy worker keeps the interpreter for
# 5 ms: a move at 100,000 tasks took 1.4 s. Hand it back 10 times sooner.
SWITCH_INTERVAL_S = 0.0005


class ProcessTuning:
    """The process settings the board changes, and how to put them back."""

    def __init__(self) -> None:
        self._switch_before: float | None = None

    def start(self) -> None:
        """The board is read and shown (again, after a reload): its objects are long-lived now,
        and the UI thread gets the interpreter back soon from the workers."""
        settle_long_lived()
        if self._switch_before is None:
            self._switch_before = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)

    def stop(self) -> None:
        if self._switch_before is not None:
            sys.setswitchinterval(self._switch_before)
        gc.unfreeze()


def settle_long_lived() -> None:
    """The board is read and shown: its many long-lived objects are made, never scan them again
    (a full collection over them is a 200 ms pause at 100,000 tasks); undone by ProcessTuning.stop.
    The collector runs from now on: `pulse` starts with it off (a one-shot command never needs
    it), and start-up and the first read of the board make little cyclic garbage, fast."""
    gc.collect()
    gc.freeze()
    gc.enable()
    give_back_memory()


def keep_long_lived() -> None:
    """Something long-lived was just built after the board was shown (the heartbeat engine, the
    kept figures: 100,000 tasks' state): out of the collector's scans too (a full pass over it held
    the UI thread ~0.1 s); undone by ProcessTuning.stop."""
    gc.freeze()
    give_back_memory()


def give_back_memory() -> None:
    """Hand the memory a one-off job freed (the first read, a build) back to the system, where the
    C library keeps it otherwise (glibc's malloc_trim: ~1 ms). The board's peak over a session at
    100,000 tasks, a quarter in each state: 300 -> 286 MB in-process."""
    trim = getattr(libc, "malloc_trim", None)
    if trim is not None:
        trim(0)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a worker allocates its many short-lived objects (all freed by
    reference counting): a full collection would hold the interpreter, and the keys, for most of
    a second on a 100,000-task board."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()
