"""The parse cache: task records keyed by file, valid while its inode, size, mtime and ctime hold.

Records are value lists in taskfile.RECORD_KEYS order. The cache lives in `tasks/.pulse/cache/`
(git-ignored) and is safe to delete: a missing, stale or corrupt cache only costs a re-parse.
JSON, not pickle, so a cache committed by someone else can't run code.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from pulseboard.core.fsops import atomic_write

CACHE_VERSION = 2
Signature = tuple[int, int, int, int]


def signature(st: os.stat_result) -> Signature:
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


class ParseCache:
    """Records of parsed task files, loaded once and saved only if something changed."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / "tasks.json"
        self._entries: dict[str, list[Any]] = {}
        self._seen: set[str] = set()
        self._dirty = False
        try:
            data = json.loads(self.path.read_bytes())
            if data.get("version") == CACHE_VERSION and isinstance(data.get("entries"), dict):
                self._entries = data["entries"]
        except (OSError, ValueError, AttributeError):
            pass

    def get(self, key: str, sig: Signature) -> list[Any] | None:
        self._seen.add(key)
        entry = self._entries.get(key)
        if entry is not None and tuple(entry[0]) == sig:
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
        """Write the cache (dropping files not seen this scan); silently skip a read-only board."""
        if not self.needs_save:
            return
        stale = set(self._entries) - self._seen
        for key in stale:
            del self._entries[key]
        data = json.dumps(
            {"version": CACHE_VERSION, "entries": self._entries}, ensure_ascii=False, separators=(",", ":")
        )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(self.path, data.encode("utf-8"), durable=False)
        except OSError:
            return
        self._dirty = False
