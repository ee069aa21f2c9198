"""The parse cache: task records keyed by file, valid while its inode, size, mtime and ctime hold.

Records are value lists in taskfile.RECORD_KEYS order, one file per state folder keyed by file
name (`tasks-done.json`), so a board is read a folder at a time: the decoded cache of one folder
is let go before the next is read (at 100,000 tasks the whole cache decoded is 160 MB). The cache
lives in `tasks/.pulse/cache/` (git-ignored) and is safe to delete: a missing, stale or corrupt
cache only costs a re-parse.
JSON, not pickle, so a cache committed by someone else can't run code.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from pulseboard.core.errors import PulseError
from pulseboard.core.fields import PRIORITIES
from pulseboard.core.fsops import atomic_write, open_regular
from pulseboard.core.layout import PARSE_CACHE, cache_file, cache_path
from pulseboard.core.taskfile import RECORD_KEYS

CACHE_VERSION = 5  # 5: parent and children
Signature = tuple[int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


_PRIORITIES = frozenset(PRIORITIES)
_FIELDS = len(RECORD_KEYS)


def _fits(values: Any) -> bool:
    """Whether cached values have the types read_task_file gives, so a Task made of them works."""
    if type(values) is not list or len(values) != _FIELDS:
        return False
    (title, priority, estimate, touches, depends, tags, created, started, done, blocked, criteria, error,
     writable, holder, parent, children) = values  # fmt: skip
    if not (
        type(title) is str
        and type(priority) is str
        and priority in _PRIORITIES
        and (estimate is None or type(estimate) is int)
        and type(touches) is list
        and type(depends) is list
        and type(tags) is list
        and (created is None or type(created) is str)
        and (started is None or type(started) is str)
        and (done is None or type(done) is str)
        and (error is None or type(error) is str)
        and (holder is None or type(holder) is str)
        and (parent is None or type(parent) is str)
        and type(children) is list
        and type(writable) is bool
        and type(criteria) is list
        and len(criteria) == 2
        and type(criteria[0]) is int
        and type(criteria[1]) is int
    ):
        return False
    if blocked is not None and (
        type(blocked) is not dict or any(v is not None and type(v) is not str for v in blocked.values())
    ):
        return False
    try:  # names: lists of strings only (join refuses anything else, at C speed)
        "".join(touches), "".join(depends), "".join(tags), "".join(children)
    except TypeError:
        return False
    return True


class ParseCache:
    """Records of parsed task files, loaded once and saved only if something changed."""

    def __init__(self, board_root: Path, state: str) -> None:
        self._root = board_root  # cache_file checks each folder on the way when saving
        self._name = PARSE_CACHE.format(state=state.replace("/", "-"))  # archive/2026-10: archive-2026-10
        self.path = cache_path(board_root, self._name)
        self._entries: dict[str, list[Any]] = {}
        self._seen: set[str] = set()
        self._dirty = False
        try:  # a regular file only: a FIFO in its place must not stall every listing
            with open_regular(self.path) as handle:  # the bytes go before the parse: tens of MB at 100,000
                data = json.loads(handle.read().decode("utf-8"))
            if data.get("version") == CACHE_VERSION and isinstance(data.get("entries"), dict):
                self._entries = data["entries"]
        except (OSError, ValueError, AttributeError, RecursionError):  # UnicodeError is a ValueError
            pass

    def get(self, key: str, sig: Signature) -> list[Any] | None:
        """The cached values of a file whose signature still holds, or None: then it is parsed
        again and `put` replaces the entry. An entry of another shape (a cache from another
        version, edited by hand, half garbage) counts as missing: a cache is safe to be wrong."""
        self._seen.add(key)
        entry = self._entries.get(key)
        if type(entry) is list and len(entry) == 2 and entry[0] == list(sig) and _fits(entry[1]):
            return entry[1]
        return None

    def put(self, key: str, sig: Signature, values: list[Any]) -> None:
        self._seen.add(key)
        self._entries[key] = [list(sig), values]
        self._dirty = True

    @property
    def needs_save(self) -> bool:
        return self._dirty or bool(set(self._entries) - self._seen)

    def save(self) -> None:
        """Write the cache (dropping files not seen this scan); silently skip a read-only board,
        a full disk or a cache folder that is a link."""
        if not self.needs_save:
            return
        stale = set(self._entries) - self._seen
        for key in stale:
            del self._entries[key]
        data = json.dumps(
            {"version": CACHE_VERSION, "entries": self._entries}, separators=(",", ":")
        )  # ASCII: one title with an accent would make the whole text two bytes a character when read
        try:  # .pulse/cache must be a real folder of the board's: never a link to elsewhere
            atomic_write(cache_file(self._root, self._name), data.encode("utf-8"), durable=False)
        except (OSError, PulseError):
            return
        self._dirty = False
        with contextlib.suppress(OSError):  # the one cache file of earlier versions: 28 MB at 100,000 tasks
            os.unlink(cache_path(self._root, "tasks.json"))
