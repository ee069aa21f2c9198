"""Taking turns on one board: a lock file in `.pulse/cache/` that writers of one kind hold in turn.

Claims hold `claim.lock` (so each sees the claim before it and the WIP limits hold), notes hold
`notes.lock` (so two notes written at once both land). Where the lock can't be made (a read-only
or odd `.pulse/`), the turn is taken without it: what the writer does stays safe on its own (a
rename that never overwrites; a write that refuses a file changed under it).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from pulseboard.core.errors import PulseError
from pulseboard.core.layout import cache_file, ensure_pulse_dir


@contextlib.contextmanager
def taking_turns(root: Path, lock_name: str) -> Iterator[None]:
    """Hold the board's lock of this name for the block (a no-op where it can't be made)."""
    try:  # never through a link, never a FIFO that would block
        ensure_pulse_dir(root)
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(cache_file(root, lock_name), flags, 0o644)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError(f"{lock_name} is not a regular file")
    except (OSError, PulseError):
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
