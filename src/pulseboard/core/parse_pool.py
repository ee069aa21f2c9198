"""Parsing many task files at once: with thousands to parse, a forked child takes half.

A task file costs 40-90 µs to read and parse (core/frontmatter_fast.py, else PyYAML's constructor,
in Python), so a cold read of 10,000 tasks (no parse cache, say after a `git checkout`) is most
of a second on one core. Where the system can fork, the process
has a single thread (a fork copies no other thread, so a lock one held would stay held in the
child) and the files to parse are many, a child parses the second half and hands its records
back as marshal data (core/forked.py) while this process parses the first. A child that fails
leaves its half to this process, which then raises what the parse raises, as without a child.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from pulseboard.core import forked

FORK_FROM = 300  # files to parse: fewer are parsed here (a fork costs 2-3 ms, 300 files ~15 ms)
CHILD_SHARE = 0.5  # the part of the files the child parses

T = TypeVar("T")
Values = list[Any]


def parse_all(parse: Callable[[T], Values], items: Sequence[T], *, fork: bool | None = None) -> list[Values]:
    """parse(item) for each item, in order. fork: None shares the work with a child when it is
    worth it and safe; True wherever the system can fork (tests); False never."""
    if fork is None:
        fork = len(items) >= FORK_FROM and threading.active_count() == 1
    split = len(items) - int(len(items) * CHILD_SHARE)
    can = fork and hasattr(os, "fork") and split < len(items)
    child = forked.fork(lambda: [parse(item) for item in items[split:]]) if can else None
    if child is None:
        return [parse(item) for item in items]
    ours = [parse(item) for item in items[:split]]
    theirs = forked.result(child)
    return ours + (theirs if theirs is not None else [parse(item) for item in items[split:]])
