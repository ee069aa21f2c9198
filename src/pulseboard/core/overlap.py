"""Whether two tasks touch the same things: files, globs or component names.

"Tasks touching the same files should run sequentially." Two `touches` entries overlap when they
are equal, when one is a glob matching the other, or when one is a folder holding the other.
The board's markers and the heartbeat both ask this module, so they always agree.
"""

from __future__ import annotations

from collections.abc import Iterable
from fnmatch import fnmatchcase
from functools import lru_cache

_GLOB_CHARS = frozenset("*?[")


@lru_cache(maxsize=8192)  # a board names the same few paths again and again
def _normal(item: str) -> str:
    item = item.strip().replace("\\", "/")
    while item.startswith("./"):
        item = item[2:]
    return item.rstrip("/").lower()


def items_overlap(a: str, b: str) -> bool:
    """Whether two `touches` entries name overlapping things."""
    a, b = _normal(a), _normal(b)
    if not a or not b:
        return False
    if a == b:
        return True
    if _GLOB_CHARS.intersection(a) and fnmatchcase(b, a):
        return True
    if _GLOB_CHARS.intersection(b) and fnmatchcase(a, b):
        return True
    return b.startswith(a + "/") or a.startswith(b + "/")


def overlaps(a: Iterable[str], b: Iterable[str]) -> list[tuple[str, str]]:
    """Every pair (from a, from b) of overlapping entries."""
    b = list(b)
    return [(x, y) for x in a for y in b if items_overlap(x, y)]
