"""Whether tasks touch the same things: files, globs or component names.

"Tasks touching the same files should run sequentially." Two `touches` entries overlap when they
are equal, when one is a glob matching the other, or when one is a folder holding the other
(case, `./`, `\\` and a trailing `/` aside). The board's markers and the heartbeat both ask this
module, so they always agree.

`items_overlap` is the rule for one pair. `TouchIndex` answers the same rule for one entry against
every task in a state at once, without comparing every pair, so a beat over 10,000 tasks in doing
stays linear: equal entries are found by hashing, the folders holding an entry by walking its
parts down a tree of the indexed entries' parts, the entries inside a folder as a range of the
sorted entries, and a glob is matched only against the distinct entries that start with its
literal part (and an entry only against the globs whose literal part starts it). An entry longer
than MAX_GLOB characters is compared whole (equal, folder), never as a glob or against one: no
real path is that long, and fnmatch's cost on such text grows with the product of the lengths.
An index can also change in place, an owner at a time: the incremental heartbeat (core/engine.py)
keeps the tasks in doing and the open tasks ready to start in two.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable, Iterator, Sequence
from fnmatch import fnmatchcase
from functools import lru_cache
from itertools import islice
from typing import Any

_GLOB_CHARS = frozenset("*?[")
MAX_GLOB = 1000  # characters: longer entries are compared whole, never as or against a glob


@lru_cache(maxsize=8192)  # a board names the same few paths again and again
def _normal(item: str) -> str:
    item = item.strip().replace("\\", "/")
    while item.startswith("./"):
        item = item[2:]
    return item.rstrip("/").lower()


def _is_glob(key: str) -> bool:
    """Whether a normalised entry is matched as a glob."""
    return len(key) <= MAX_GLOB and not _GLOB_CHARS.isdisjoint(key)


def _literal_prefix(glob: str) -> str:
    """What every text a glob matches starts with: the glob up to its first special character."""
    return glob[: min((i for i in map(glob.find, _GLOB_CHARS) if i >= 0), default=len(glob))]


@lru_cache(maxsize=16384)  # tasks in doing pairwise name the same few entries
def _keys_overlap(a: str, b: str) -> bool:
    """The rule, on normalised entries."""
    if not a or not b:
        return False
    if a == b:
        return True
    if len(a) <= MAX_GLOB and len(b) <= MAX_GLOB:
        if _is_glob(a) and fnmatchcase(b, a):
            return True
        if _is_glob(b) and fnmatchcase(a, b):
            return True
    return b.startswith(a + "/") or a.startswith(b + "/")


def items_overlap(a: str, b: str) -> bool:
    """Whether two `touches` entries name overlapping things."""
    return _keys_overlap(_normal(a), _normal(b))


def overlaps(a: Iterable[str], b: Iterable[str]) -> list[tuple[str, str]]:
    """Every pair (from a, from b) of overlapping entries (for a few entries; see TouchIndex)."""
    b = list(b)
    return [(x, y) for x in a for y in b if items_overlap(x, y)]


class TouchIndex:
    """Many owners' `touches`, asked which owners overlap an entry. Built at once from lists (owner
    n is the n-th list given), or changed in place (`add`, `discard`) with any owners that sort
    (core/engine.py keeps the tasks in doing, in start order, this way).

    Answers exactly what `items_overlap` answers pair by pair; the work per question grows with
    what overlaps, not with the number of owners (see the module's first lines).
    """

    def __init__(self, touch_lists: Iterable[Iterable[str]] = ()) -> None:
        owners: dict[str, list[Any]] = {}  # normalised entry -> its owners, ascending, once each
        for number, touches in enumerate(touch_lists):
            for item in touches:
                key = _normal(item)
                if key:
                    numbers = owners.setdefault(key, [])
                    if not numbers or numbers[-1] != number:
                        numbers.append(number)
        self._owners = owners
        self._sorted = sorted(owners)
        self._tree: dict[Any, Any] = {}  # path part -> subtree; the key None holds the entry ending there
        self._globs: dict[str, list[str]] = {}  # literal prefix -> the globs starting with it
        self._prefix_lengths: list[int] = []  # of the globs' literal prefixes, ascending, once each
        for key in owners:
            self._place(key)
        self._firsts: dict[tuple[str, int], list[Any]] = {}

    def _place(self, key: str) -> None:
        """Put a new entry in the tree of parts and, for a glob, under its literal prefix."""
        node = self._tree
        for part in key.split("/"):
            node = node.setdefault(part, {})
        node[None] = key
        if _is_glob(key):
            prefix = _literal_prefix(key)
            self._globs.setdefault(prefix, []).append(key)
            if len(self._globs[prefix]) == 1 and len(prefix) not in self._prefix_lengths:
                insort(self._prefix_lengths, len(prefix))

    def _unplace(self, key: str) -> None:
        """Take an entry no owner names any more out of the tree and the globs."""
        parts = key.split("/")
        nodes = [self._tree]
        for part in parts:
            nodes.append(nodes[-1][part])
        del nodes[-1][None]
        for depth in range(len(parts), 0, -1):  # prune the branches left empty
            if nodes[depth]:
                break
            del nodes[depth - 1][parts[depth - 1]]
        if _is_glob(key):
            prefix = _literal_prefix(key)
            self._globs[prefix].remove(key)
            if not self._globs[prefix]:
                del self._globs[prefix]
                if not any(len(other) == len(prefix) for other in self._globs):
                    self._prefix_lengths.remove(len(prefix))

    def add(self, owner: Any, touches: Iterable[str]) -> None:
        """Index one more owner's touches (an owner sorts among the others; it is new here)."""
        for key in {_normal(item) for item in touches} - {""}:
            numbers = self._owners.get(key)
            if numbers is None:
                self._owners[key] = [owner]
                insort(self._sorted, key)
                self._place(key)
            else:
                insort(numbers, owner)
        self._firsts.clear()

    def discard(self, owner: Any, touches: Iterable[str]) -> None:
        """Forget one owner, given the touches it was added with."""
        for key in {_normal(item) for item in touches} - {""}:
            numbers = self._owners[key]
            del numbers[bisect_left(numbers, owner)]
            if not numbers:
                del self._owners[key]
                del self._sorted[bisect_left(self._sorted, key)]
                self._unplace(key)
        self._firsts.clear()

    def matching(self, item: str) -> set[str]:
        """The distinct indexed entries (normalised) that overlap item."""
        return self._matching(_normal(item))

    def _matching(self, key: str) -> set[str]:
        found: set[str] = set()
        if not key:
            return found
        if key in self._owners:
            found.add(key)
        node = self._tree  # the folders holding key: its leading parts
        for part in islice(key.split("/"), key.count("/")):
            node = node.get(part)
            if node is None:
                break
            if None in node:
                found.add(node[None])
        entries = self._sorted  # the entries inside key: those starting with key + "/"
        found.update(entries[bisect_left(entries, key + "/") : bisect_left(entries, key + "0")])
        if len(key) > MAX_GLOB:
            return found
        if _is_glob(key):  # what key matches: entries starting with its literal part
            prefix = _literal_prefix(key)
            for entry in islice(entries, bisect_left(entries, prefix), None):
                if not entry.startswith(prefix):
                    break
                if len(entry) <= MAX_GLOB and fnmatchcase(entry, key):
                    found.add(entry)
        for length in self._prefix_lengths:  # the globs matching key: their literal part starts key
            if length > len(key):
                break
            for glob in self._globs.get(key[:length], ()):
                if fnmatchcase(key, glob):
                    found.add(glob)
        return found

    def _first_of(self, key: str, k: int) -> list[Any]:
        """The k smallest owners overlapping one normalised entry (remembered per entry until the
        index changes)."""
        first = self._firsts.get((key, k))
        if first is None:
            heads = {n for entry in self._matching(key) for n in self._owners[entry][:k]}
            first = self._firsts[(key, k)] = heapq.nsmallest(k, heads)
        return first

    def first(self, touches: Iterable[str], k: int = 1) -> list[Any]:
        """The k smallest owners with an entry overlapping any of touches, ascending."""
        heads: set[Any] = set()
        for item in touches:
            heads.update(self._first_of(_normal(item), k))
        return heapq.nsmallest(k, heads)

    def owner_lists(self, touches: Iterable[str]) -> Iterator[list[Any]]:
        """For each pair (a distinct entry of touches, an indexed entry overlapping it), the
        indexed entry's owners: an owner overlaps touches when it is in one of these lists (as
        often as its entries and touches' make overlapping pairs), so counting needs no set."""
        for key in {_normal(item) for item in touches} - {""}:
            for entry in self._matching(key):
                yield self._owners[entry]

    def owners(self, touches: Iterable[str], after: Any = None) -> set[Any]:
        """Every owner with an entry overlapping any of touches; with `after`, only the owners
        that sort after it."""
        found: set[Any] = set()
        for entry in {match for item in touches for match in self.matching(item)}:
            numbers = self._owners[entry]
            found.update(numbers if after is None else numbers[bisect_right(numbers, after) :])
        return found


def first_overlap(a: Sequence[str], b: Sequence[str]) -> str | None:
    """The first entry of a that overlaps an entry of b (`overlaps(a, b)[0][0]`), or None."""
    if len(a) * len(b) > 64:
        index = TouchIndex([b])
        return next((x for x in a if index.first([x])), None)
    keys = {_normal(y) for y in b}
    for x in a:
        key = _normal(x)
        if key and (key in keys or any(_keys_overlap(key, y) for y in keys)):
            return x
    return None


def any_overlap(touches: Sequence[str]) -> bool:
    """Whether any two entries of one list overlap each other."""
    if len(touches) <= 8:
        return any(items_overlap(a, b) for i, a in enumerate(touches) for b in touches[i + 1 :])
    index = TouchIndex([item] for item in touches)
    return any(len(index.first([item], 2)) > 1 for item in touches)


def earlier_overlaps(touch_lists: Sequence[Iterable[str]], k: int) -> list[list[int]]:
    """For each owner j, the (at most k) smallest owners i < j whose touches overlap j's, ascending."""
    index = TouchIndex(touch_lists)
    return [[i for i in index.first(touches, k) if i < j] for j, touches in enumerate(touch_lists)]
