"""The body index: each task file's Markdown body, lower-cased, where a query's plain words and phrases
look after the title and the other fields (core/query.py).

The board keeps no bodies in memory, and reading 10,000 files per keystroke would break the filter's
budget, so a face that filters keeps a `BodyIndex`: `refresh` lists the state folders and reads only
the files whose signature (inode, size, modification and change times: the parse cache's, cache.py)
changed since it last read them, and forgets the files that went. It touches the disk, so a face
calls it off its UI thread; `body` is a dict look-up, safe from any thread while a refresh runs, so
a keystroke costs a look-up and an `in` per task. A file that can't be read as a task file (a link,
a FIFO, too large, not UTF-8) has an empty body. `body_text` reads one body, for a face that reads
them as it goes (`pulse ls WORDS`).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pulseboard.core.board import STATES, Task, is_task_name
from pulseboard.core.cache import Signature, signature
from pulseboard.core.taskfile import read_body


def body_text(path: Path) -> str:
    """A task file's body as a query searches it: lower-cased; empty if it can't be read."""
    return (read_body(path) or "").lower()


class BodyIndex:
    """The lower-cased body of every task file of one board, as of its last `refresh`, by file name:
    a task moved to another folder keeps its body (a move does not change it) until it is read
    again. Two copies of one file name in two folders share the body read last."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._texts: dict[str, str] = {}  # file name -> lower-cased body
        self._read: dict[str, dict[str, Signature]] = {state: {} for state in STATES}  # when read
        self._lock = threading.Lock()  # one refresh at a time

    def body(self, task: Task) -> str | None:
        """The task's body as last read; None when its file has not been read yet."""
        return self._texts.get(task.name)

    def refresh(self) -> int:
        """Bring the index level with the task files on disk; how many files it read or forgot
        (0: nothing changed). Safe off the UI thread; a folder that can't be listed counts as empty."""
        with self._lock:
            changed = 0
            names: set[str] = set()
            for state in STATES:
                changed += self._refresh_folder(state, self._read[state])
                names |= self._read[state].keys()
            for name in self._texts.keys() - names:
                del self._texts[name]
            return changed

    def _refresh_folder(self, state: str, read: dict[str, Signature]) -> int:
        """Read the folder's files whose signature changed since they were read; forget the ones gone."""
        changed = 0
        seen: set[str] = set()
        try:
            with os.scandir(self.root / state) as found:
                for entry in found:
                    if not is_task_name(entry.name):
                        continue
                    try:
                        sig = signature(entry.stat(follow_symlinks=False))
                    except OSError:
                        continue  # gone since the listing
                    seen.add(entry.name)
                    if read.get(entry.name) != sig:
                        self._texts[entry.name] = body_text(Path(entry.path))
                        read[entry.name] = sig
                        changed += 1
        except OSError:
            pass
        for name in read.keys() - seen:
            del read[name]
            changed += 1
        return changed
