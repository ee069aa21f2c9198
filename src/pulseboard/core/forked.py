"""Work done in a forked child process, its result handed back as marshal data: the board's
first read (core/read_ahead.py) and a cold parse of many files (core/parse_pool.py) share a core
this way. The caller forks only where nothing else runs in the process that a fork could catch
half-way (no other thread, or none yet).

The child writes its result to a file in memory where the system has them, read once the child
has ended; else to a pipe, read as it writes. A pipe is read 64 KB at a time, and each read waits
for the interpreter while this process is busy (10,000 tasks, 2 MB, arrived 150 ms after the
child had sent them while the app imported).
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable
from typing import Any, NamedTuple


class Child(NamedTuple):
    """A child process at work; `result(child)` waits for what it sends."""

    pid: int
    fd: int  # where it writes: a file in memory, read once it ended; else a pipe
    in_memory: bool


def fork(work: Callable[[], Any]) -> Child | None:
    """A child process that runs work() and sends back what it returns (marshal data), or None if
    no child could be made."""
    in_memory = hasattr(os, "memfd_create")
    read_end, write_end = (fd := os.memfd_create("pulse-forked"), fd) if in_memory else os.pipe()
    try:
        pid = os.fork()
    except OSError:
        for end in {read_end, write_end}:
            os.close(end)
        return None
    if pid:
        if not in_memory:
            os.close(write_end)
        return Child(pid, read_end, in_memory)
    status = 1  # the child: whatever happens, it ends here, and never runs the parent's code
    try:
        if not in_memory:
            os.close(read_end)
        data = marshal.dumps(work())
        with os.fdopen(write_end, "wb") as out:
            out.write(data)
        status = 0
    finally:
        os._exit(status)


def result(child: Child) -> Any | None:
    """What the child sent, once it ended well; None if it failed."""
    if child.in_memory:
        _, status = os.waitpid(child.pid, 0)
        os.lseek(child.fd, 0, os.SEEK_SET)
    with os.fdopen(child.fd, "rb") as sent:
        data = sent.read()
    if not child.in_memory:
        _, status = os.waitpid(child.pid, 0)
    if status != 0 or not data:
        return None
    return marshal.loads(data)  # our own child's, through our own file
