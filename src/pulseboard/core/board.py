"""The board store, read side: finding the board, listing task files, loading tasks, resolving ids.

A task's state is the folder its file sits in; its id comes from its file name, so listing ids
needs only a directory scan. Parsed records are cached (see cache.py) so unchanged files are
never parsed twice.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pulseboard.core import ids
from pulseboard.core.cache import ParseCache, Signature, signature
from pulseboard.core.config import CONFIG_NAME, Settings, load_settings
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import format_time
from pulseboard.core.journal import ensure_pulse_dir
from pulseboard.core.parse_pool import parse_all
from pulseboard.core.taskfile import RECORD_KEYS, read_task_file, title_from_name

STATES = ("open", "doing", "done", "blocked")
BOARD_DIR = "tasks"
_MONTH = re.compile(r"\d{4}-\d\d")
ARCHIVE_DIR = "archive"  # done tasks set aside by month in archive/YYYY-MM/ (core/archive.py); not a column


def is_task_name(name: str) -> bool:
    """Task files end in `.md`; dotfiles (editor swap and temp files, pulse's own) never count."""
    return len(name) > 3 and name[-3:].lower() == ".md" and not name.startswith(".")


def looks_like_board(folder: Path) -> bool:
    """A board folder: it holds pulse.yaml or at least one of the state folders."""
    return folder.is_dir() and (
        (folder / CONFIG_NAME).is_file() or any((folder / s).is_dir() for s in STATES)
    )


class NoMatch(PulseError):
    """No task file on the board has the id or name asked for."""


class BoardMissing(PulseError):
    """A board named by --board or $PULSE_BOARD that does not exist (yet); `path` is where it would be."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.path = path


@dataclass(frozen=True, slots=True)
class Located:
    """Where the board is, and what `locate` made there (empty: it was there already)."""

    root: Path
    made: tuple[str, ...] = ()


def locate(explicit: str | None, env: str | None, cwd: Path, create: bool = False) -> Located:
    """The board folder, decided here for every face (`pulse init`, the commands, the bare `pulse`).

    A named folder (`explicit`: --board or `pulse init DIR`; else `env`: $PULSE_BOARD) is the board
    if it is one, else its tasks/ if that is one. Nothing named: the nearest tasks/ upwards from cwd.
    A board's state folder, or a folder of .md files that would be taken as the board, is refused
    in one sentence (`pulse add` would write into tasks/open/open/). With `create`, a board is made
    where none is: in the named folder if it is called tasks, else in its tasks/ (in cwd/tasks when
    nothing is named and none is found). Without it, a missing named folder is BoardMissing, no board
    upwards a PulseError, and an existing named folder holding no board is used as it is.
    """
    given = explicit or env
    source = "--board" if explicit else "$PULSE_BOARD"
    if not given:
        cwd = cwd.absolute()
        for parent in (cwd, *cwd.parents):
            if looks_like_board(parent / BOARD_DIR):
                return Located(parent / BOARD_DIR)
        if not create:
            raise PulseError(
                "no tasks/ folder here or in any parent folder; run `pulse init` to make one, "
                "or pass --board DIR."
            )
        return _make(cwd / BOARD_DIR)
    folder = (cwd / Path(given).expanduser()).absolute()  # a relative name is relative to cwd
    if looks_like_board(folder):
        return Located(folder)
    if looks_like_board(folder / BOARD_DIR):
        return Located(folder / BOARD_DIR)
    if folder.name in STATES and looks_like_board(folder.parent):
        raise PulseError(
            f"{given} is the {folder.name}/ folder of a board, not a board: the board "
            f"folder is the one holding open/ doing/ done/ blocked/, here {folder.parent}."
        )
    if create:
        root = _board_in(folder)
        _refuse_task_files(root, given)
        return _make(root)
    if not folder.is_dir():
        raise BoardMissing(f"the board folder {given} (from {source}) does not exist.", folder)
    _refuse_task_files(folder, given)
    return Located(folder)


def _refuse_task_files(folder: Path, given: str) -> None:
    """PulseError for a folder of .md files that would be taken as the board: task files belong in
    the board's state folders, so it is someone else's folder (or a state folder under another name)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    if any(is_task_name(name) for name in names):
        raise PulseError(
            f"{given} holds .md files but is not a board: the board folder is the one "
            "holding open/ doing/ done/ blocked/ (and pulse.yaml), as `pulse init` makes it."
        )


def _board_in(folder: Path) -> Path:
    """Where a board is made for a named folder: the folder itself if it is called tasks, else its tasks/."""
    return folder if folder.name == BOARD_DIR else folder / BOARD_DIR


def _make(root: Path) -> Located:
    from pulseboard.core.actions import init_board  # the write side imports this module

    return Located(root, tuple(init_board(root)))


def discover(explicit: str | None, cwd: Path) -> Path:
    """The board folder: --board DIR, else $PULSE_BOARD, else the nearest `tasks/` upwards (see locate)."""
    return locate(explicit, os.environ.get("PULSE_BOARD"), cwd).root


# Entry and Task are made once per file on every read (100,000 at a time): not frozen, since a frozen
# dataclass takes nine times as long to make. Treat them as values all the same: replace, never set.
@dataclass(slots=True, unsafe_hash=True)
class Entry:
    """A task file as a directory scan sees it: no content read."""

    state: str
    name: str
    id: str
    folder: Path

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @property
    def key(self) -> str:
        return f"{self.state}/{self.name}"

    @property
    def fallback_title(self) -> str:
        return name_title(self.name)


def name_title(name: str) -> str:
    """The title a task file's name gives (`7kq2m9xw4d-add-date.md` -> `Add date`), for a file not read."""
    return title_from_name(ids.name_part(name[:-3]))


DATED = {"done": "done", "doing": "started"}  # the stamp a task moved there by hand is given by its ctime
_DATED_AT = {state: RECORD_KEYS.index(stamp) for state, stamp in DATED.items()}
_ERROR_AT = RECORD_KEYS.index("error")
_TITLE_AT = RECORD_KEYS.index("title")


_SHARED: dict[Any, Any] = {}  # values many tasks repeat: priorities, tag lists, check counts


def _share(value: Any) -> Any:
    """One object for equal values (100,000 tasks each with its own "medium" and ("backend",) and
    (0, 5) took 20 MB)."""
    return _SHARED.setdefault(value, value)


def dated(state: str, values: list[Any], changed: float) -> list[Any]:
    """A task in done/ without a `done` stamp, or in doing/ without a `started` one (moved there by
    hand), is taken as done or started when its file last changed place (`changed`: its ctime), as
    the figures take it: the column's order, the card, its time box and the figures tell one story.
    The file is not written. values: a record's in RECORD_KEYS order (a copy is returned if dated)."""
    at = _DATED_AT.get(state)
    if at is None or values[at] is not None or values[_ERROR_AT] is not None:
        return values
    values = values.copy()
    values[at] = format_time(dt.datetime.fromtimestamp(changed, dt.UTC))
    return values


@dataclass(slots=True, unsafe_hash=True)
class Task:
    """A task: where its file is, and what its file says."""

    id: str
    state: str
    name: str
    folder: Path
    title: str
    priority: str
    estimate: int | None
    touches: tuple[str, ...]
    depends: tuple[str, ...]
    tags: tuple[str, ...]
    created: str | None
    started: str | None
    done: str | None
    blocked: dict[str, str | None] | None
    criteria: tuple[int, int]
    error: str | None
    writable: bool
    holder: str | None = None  # who holds it, where the file names one (`holder:`)
    parent: str | None = None  # the task it is a part of (`parent:`, written by `pulse split`)
    children: tuple[str, ...] = ()  # the ids of its parts (`children:`), in order

    @property
    def path(self) -> Path:
        return self.folder / self.name

    @classmethod
    def from_values(cls, task_id: str, state: str, name: str, folder: Path, values: list[Any]) -> Task:
        """A task from its file and its record's values in RECORD_KEYS order (as cached)."""
        (title, priority, estimate, touches, depends, tags, created, started, done, blocked, criteria,
         error, writable, holder, parent, children) = values  # fmt: skip
        return cls(
            task_id, state, name, folder, title, _share(priority), estimate,
            tuple(touches), tuple(depends), _share(tuple(tags)) if tags else (), created, started, done,
            blocked, _share(tuple(criteria)), error, writable, holder, parent,
            tuple(children) if children else (),
        )  # fmt: skip


class Board:
    """One tasks folder: its settings, its files and the tasks in them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @cached_property
    def settings(self) -> Settings:
        return load_settings(self.root)

    def relative(self, path: Path) -> str:
        return os.path.relpath(path, self.root)

    def entries(self, states: Iterable[str] = STATES) -> list[Entry]:
        """Every task file in the given state folders, sorted by folder then name."""
        found: list[Entry] = []
        for state in states:
            folder = self.root / state
            try:
                names = sorted(n for n in os.listdir(folder) if is_task_name(n))
            except (FileNotFoundError, NotADirectoryError):
                continue
            found.extend(Entry(state, n, ids.id_from_stem(n[:-3]), folder) for n in names)
        return found

    def load(self, entry: Entry, values: list[Any] | None = None) -> Task:
        """Read one task from disk, bypassing the cache (values: its file as already parsed)."""
        values = self._parse(entry) if values is None else values
        if entry.state in DATED:
            with contextlib.suppress(OSError):  # gone since it was read: as it was
                values = dated(entry.state, values, os.lstat(entry.path).st_ctime)
        return Task.from_values(entry.id, entry.state, entry.name, entry.folder, values)

    def _parse(self, entry: Entry) -> list[Any]:
        """A task file's record, as values in RECORD_KEYS order (the cache's form)."""
        record = read_task_file(entry.path, self.root, entry.fallback_title)
        return [record[k] for k in RECORD_KEYS]

    def tasks(self, states: Iterable[str] = STATES, *, save: bool = True) -> list[Task]:
        """Every task, parsing only files that changed since the cache last saw them. save: write
        each folder's cache back if it changed (the board's rescans of one folder do not: a
        folder of 25,000 tasks is a 7 MB write, and the next start reads what changed anyway)."""
        states = tuple(states)
        if not states:
            return []  # and no cache to load (it is megabytes on a big board)
        result: list[Any] = []  # Task, or for a file to parse its place (a slot filled after the parse)
        saving = save  # and until the cache can't be written (a read-only board)
        for state in states:
            folder = self.root / state
            cache = ParseCache(self.root, state)
            misses: list[tuple[int, Entry, Signature | None, float]] = []  # (place, file, sig; None: a link)
            for name, st in _stats(folder):
                task_id = ids.id_from_stem(name[:-3])
                if stat.S_ISLNK(st.st_mode):  # its target can change under an unchanged link
                    misses.append((len(result), Entry(state, name, task_id, folder), None, st.st_ctime))
                    result.append(None)
                    continue
                sig = signature(st)
                values = cache.get(name, sig)
                if values is None:
                    misses.append((len(result), Entry(state, name, task_id, folder), sig, st.st_ctime))
                    result.append(None)
                    continue
                result.append(
                    Task.from_values(task_id, state, name, folder, dated(state, values, st.st_ctime))
                )
            parsed = parse_all(self._parse, [entry for _, entry, _, _ in misses])
            for (place, entry, sig, ctime), values in zip(misses, parsed, strict=True):
                if sig is None:
                    result[place] = self.load(entry, values)
                    continue
                cache.put(entry.name, sig, values)
                result[place] = Task.from_values(
                    entry.id, state, entry.name, folder, dated(state, values, ctime)
                )
            if saving and cache.needs_save:
                try:
                    ensure_pulse_dir(self.root)
                except (OSError, PulseError):  # read-only, or a link where .pulse/ should be: no cache
                    saving = False
                    continue
                cache.save()
        return result

    def titles(
        self, prefix: str, states: Iterable[str] = STATES, *, most: int | None = None
    ) -> dict[str, str]:
        """The tasks whose id starts with `prefix`, id to title, for a shell's TAB: the titles come
        from the parse cache and no file is parsed; a file the cache does not hold as it is now is
        named by its file name. Only the folders with a match have their cache read. most: read
        titles only if no more than this many tasks match (0: never), else the ids alone, titles ""."""
        wanted = prefix.strip().lower()
        matched: dict[str, list[tuple[str, str]]] = {}  # state: (name, id) of each match
        for state in states:
            try:
                names = [n for n in os.listdir(self.root / state) if is_task_name(n)]
            except (FileNotFoundError, NotADirectoryError):
                continue
            matched[state] = [(n, i) for n in names if (i := ids.id_from_stem(n[:-3])).startswith(wanted)]
        if most is not None and sum(map(len, matched.values())) > most:
            return {task_id: "" for matches in matched.values() for _, task_id in matches}
        found: dict[str, str] = {}
        for state, matches in matched.items():
            if not matches:
                continue
            cache = ParseCache(self.root, state)
            base = os.path.join(self.root, state, "")  # by hand: a Path per file costs more than its stat
            for name, task_id in matches:
                try:
                    values = cache.get(name, signature(os.lstat(base + name)))
                except FileNotFoundError:
                    continue  # moved away since the listing
                found[task_id] = values[_TITLE_AT] if values else name_title(name)
        return found

    def find(self, query: str, entries: list[Entry] | None = None) -> Entry:
        """The one task a user means: an id prefix, a file name, or a path."""
        entries = self.entries() if entries is None else entries
        wanted = query.strip()
        if not wanted:
            raise PulseError("an empty ID matches every task; give a few characters of one.")
        prefix, name = wanted.lower(), Path(wanted).name
        matches = [e for e in entries if e.id.startswith(prefix)]
        if not matches:
            matches = [e for e in entries if name in (e.name, e.name[:-3], ids.name_part(e.name[:-3]))]
        if not matches:
            matches = [e for e in entries if ids.name_part(e.name[:-3]).startswith(name)]
        if len(matches) > 1:  # a mover may have renamed one between our folder listings
            matches = [e for e in matches if os.path.lexists(e.path)] or matches
        found_ids = sorted({e.id for e in matches})
        if not found_ids:
            raise NoMatch(self._no_match(wanted, entries))
        if len(found_ids) > 1:
            shown = ", ".join(f"{e.id} ({self.load(e).title})" for e in matches[:8] if e.id in found_ids)
            more = f" and {len(found_ids) - 8} more" if len(found_ids) > 8 else ""
            raise PulseError(f"'{wanted}' is ambiguous: it matches {shown}{more}; give more of the ID.")
        if len(matches) > 1:
            places = ", ".join(e.key for e in matches)
            raise PulseError(
                f"task {found_ids[0]} is in {len(matches)} places ({places}); "
                "run `pulse doctor` to sort it out."
            )
        return matches[0]

    def _no_match(self, wanted: str, entries: list[Entry]) -> str:
        """Why nothing matched: an archived task's id says where it is (the archive is listed only
        here, when a search of the columns has failed, and never for a search of the archive)."""
        archived = [] if entries and entries[0].state not in STATES else self.archived_entries()
        if archived:
            with contextlib.suppress(PulseError):
                found = self.find(wanted, archived)
                return (
                    f"{found.id[: ids.SHORT_LENGTH]} is archived ({found.key}); "
                    f"`pulse unarchive {found.id[: ids.SHORT_LENGTH]}` brings it back to done/."
                )
        return f"no task matches '{wanted}'; `pulse ls` lists the tasks."

    def archive_months(self) -> list[Path]:
        """The archive's month folders (archive/YYYY-MM), oldest first; links and files are left out."""
        folder = self.root / ARCHIVE_DIR
        try:
            names = os.listdir(folder)
        except (FileNotFoundError, NotADirectoryError):
            return []
        months = [folder / n for n in sorted(names) if _MONTH.fullmatch(n)]
        return [m for m in months if stat.S_ISDIR(os.lstat(m).st_mode)]

    def archived_entries(self) -> list[Entry]:
        """Every archived task file, as a directory scan sees it (state `archive/YYYY-MM`)."""
        found: list[Entry] = []
        for month in self.archive_months():
            state = f"{ARCHIVE_DIR}/{month.name}"
            names = sorted(n for n in os.listdir(month) if is_task_name(n))
            found.extend(Entry(state, n, ids.id_from_stem(n[:-3]), month) for n in names)
        return found

    def archived_count(self) -> int:
        """How many task files the archive holds: names counted, no file read or stat'ed."""
        return sum(sum(1 for n in os.listdir(month) if is_task_name(n)) for month in self.archive_months())


_STAT_AT = os.stat in os.supports_dir_fd  # a stat relative to an open folder: its path not looked up again


def _stats(folder: Path) -> Iterator[tuple[str, os.stat_result]]:
    """The task files in a folder, by name, each with its lstat, taken one at a time (a stat result
    is 0.4 KB); a file gone between the listing and its stat is left out, a missing folder has none."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0)) if _STAT_AT else None
    except (FileNotFoundError, NotADirectoryError):
        return
    base = os.path.join(folder, "")  # joined by hand where needed: os.path.join costs more than the stat
    try:
        for name in sorted(n for n in os.listdir(folder if fd is None else fd) if is_task_name(n)):
            try:
                if fd is None:
                    yield name, os.lstat(base + name)
                else:
                    yield name, os.stat(name, dir_fd=fd, follow_symlinks=False)
            except FileNotFoundError:
                continue  # moved away since the listing
    except (FileNotFoundError, NotADirectoryError):
        return
    finally:
        if fd is not None:
            os.close(fd)


def resolve_prefix(prefix: str, sorted_ids: list[str]) -> list[str]:
    """The ids (from a sorted, de-duplicated list) that a prefix names: one when all is well."""
    wanted = prefix.strip().lower()
    if not wanted:
        return []
    start = bisect.bisect_left(sorted_ids, wanted)
    end = start
    while end < len(sorted_ids) and sorted_ids[end].startswith(wanted):
        end += 1
    return sorted_ids[start:end]
