"""pulse's own data inside a board: the `.pulse/` layout, spelled out here and nowhere else.

    .pulse/
      .gitattributes   journal/*.jsonl merge=union: git merges two clones' histories
      .gitignore       cache/ and trash/: local to one machine, never committed
      journal/         YYYY-MM.jsonl, the history (journal.py)
      cache/           tasks-<state>.json (the parse cache, cache.py), read-marks.json (heartbeat_inputs.py),
                       push.json (written by services/git, read by heartbeat_inputs.py),
                       claim.lock (claim.py); everything here is safe to delete
      trash/           copies `pulse doctor --fix` set aside (doctor.py)

Two kinds of function. `journal_dir` and `cache_path` only name where a thing is: for reading, which
goes through fsops.open_regular / read_regular (no link, no FIFO). `ensure_pulse_dir`, `cache_dir`,
`cache_file` and `trash_dir` are for writing: they make each folder through fsops.safe_folder, so
pulse never writes through a link, and a cloned repository can't point it outside the board.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from pulseboard.core.fsops import UnsafePathError, ensure_file, ensure_lines, safe_folder

PULSE_DIR = ".pulse"
JOURNAL = "journal"
CACHE = "cache"
TRASH = "trash"

PARSE_CACHE = "tasks-{state}.json"  # one per state folder: read (and freed) one at a time
READ_MARKS = "read-marks.json"
PUSH_STATUS = "push.json"
CLAIM_LOCK = "claim.lock"
NOTES_LOCK = "notes.lock"

GITATTRIBUTES = ".gitattributes"
GITIGNORE = ".gitignore"
_LINES_SEEN: set[Path] = set()  # git files whose lines this process has checked (every journal line asks)
_META = {
    GITATTRIBUTES: f"{JOURNAL}/*.jsonl merge=union\n",
    GITIGNORE: f"{CACHE}/\n{TRASH}/\n",
}


# ---------------------------------------------------------------- where things are (for reading)


def pulse_dir(root: Path) -> Path:
    return root / PULSE_DIR


def journal_dir(root: Path) -> Path:
    """`.pulse/journal/`, as a path: readers open its files with fsops.open_regular."""
    return root / PULSE_DIR / JOURNAL


def cache_path(root: Path, name: str) -> Path:
    """A file in `.pulse/cache/`, as a path: read it with fsops.read_regular / open_regular."""
    return root / PULSE_DIR / CACHE / name


def own_folders(root: Path) -> list[Path]:
    """pulse's own folders under `.pulse/` (what `doctor` checks are real folders, not links)."""
    base = pulse_dir(root)
    return [base, *(base / name for name in (JOURNAL, CACHE, TRASH))]


def own_files(root: Path) -> list[Path]:
    """pulse's own fixed files under `.pulse/` (the git attributes and ignore file)."""
    return [pulse_dir(root) / name for name in (GITIGNORE, GITATTRIBUTES)]


def listed_folders(root: Path) -> list[Path]:
    """The folders whose every file pulse writes (each must be a regular file, never a link)."""
    return [journal_dir(root), pulse_dir(root) / CACHE]


# ---------------------------------------------------------------- made for writing (never a link)


def ensure_pulse_dir(root: Path) -> Path:
    """`.pulse/` with its journal folder, git attributes (union merge) and ignore file (caches).

    Each is a real folder or file inside the board: UnsafePathError for a link.
    """
    base = safe_folder(root, PULSE_DIR, JOURNAL).parent
    for name, content in _META.items():
        if (base / name) in _LINES_SEEN:
            ensure_file(base / name, content.encode("utf-8"))
        else:  # read once a process: a board made by an older pulse gets the lines it lacks
            ensure_lines(base / name, content.encode("utf-8"))
            _LINES_SEEN.add(base / name)
    return base


def journal_folder(root: Path) -> Path:
    """`.pulse/journal/` (with `.pulse/`'s git files), made if missing; never a link. Only the two
    folders must be real for history to be written: a git file that is a link is left as it is
    (doctor reports it) rather than stopping every move's journal line."""
    folder = safe_folder(root, PULSE_DIR, JOURNAL)
    with contextlib.suppress(UnsafePathError):
        ensure_pulse_dir(root)
    return folder


def cache_dir(root: Path) -> Path:
    """`.pulse/cache/` (git-ignored, local to one machine), made if missing; never a link."""
    return safe_folder(root, PULSE_DIR, CACHE)


def cache_file(root: Path, name: str) -> Path:
    """Where to write a file of `.pulse/cache/`: its folder made if missing, never a link."""
    return cache_dir(root) / name


def trash_dir(root: Path) -> Path:
    """`.pulse/trash/` (git-ignored), made if missing; never a link."""
    return safe_folder(root, PULSE_DIR, TRASH)
