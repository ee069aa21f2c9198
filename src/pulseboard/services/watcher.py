"""Watching a board's folder with watchfiles: batches of changed paths, as hints for the reconciler.

The watcher never decides what changed; it only says where to look. It watches the board's own
folders one by one, not the tree under them (`watched_folders`), and survives what a real folder
goes through: the board folder missing at start, deleted and recreated while watched (a native
watch then goes silent for good, so a periodic tick checks the folder is still there and
restarts), a state folder made or removed (the watch starts again on the folders there are), and
native watching failing (it falls back to polling and says so). watchfiles is imported only here,
only when the board starts watching.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core.board import ARCHIVE_DIR, STATES

TICK_MS = 500  # how often an idle watch wakes to check the folder is still there
STEP_MS = 30  # a batch closes after this long without a new change (watchfiles' step)
MISSING_POLL_S = 0.25


@dataclass(frozen=True, slots=True)
class Batch:
    """Paths that may have changed, or None: anything may have (a restart, a folder come back)."""

    paths: frozenset[str] | None
    notice: str | None = None
    ready: bool = False  # the first batch once the watch is set up: later changes all come in batches


async def watch(root: Path, *, poll: bool = False, stop: asyncio.Event | None = None) -> AsyncIterator[Batch]:
    """Batches of changes under root, for as long as stop is not set."""
    import watchfiles

    stop = stop or asyncio.Event()
    polling = poll
    missing = False
    announced = False
    while not stop.is_set():
        if not root.is_dir():
            if not missing:
                missing = True
                yield Batch(
                    None, f"The board folder {root} is gone; the board will follow it when it is back."
                )
            await _sleep_or_stop(stop, MISSING_POLL_S)
            continue
        if missing:
            missing = False
            yield Batch(None, f"The board folder {root} is back.")
        watched = _inode(root)
        folders = watched_folders(root)
        try:
            async for changes in watchfiles.awatch(
                *folders, watch_filter=None, step=STEP_MS, stop_event=stop, force_polling=polling,
                rust_timeout=TICK_MS, yield_on_timeout=True, recursive=False,
            ):  # fmt: skip
                if changes or not announced:
                    yield Batch(frozenset(path for _change, path in changes), ready=not announced)
                    announced = True
                if _inode(root) != watched:
                    # Deleted (and perhaps made again): the old watch stays silent for good.
                    if root.is_dir():
                        yield Batch(None)
                    break
                if changes and watched_folders(root) != folders:
                    break  # a folder made, gone or made again: watch the folders there are now
        except FileNotFoundError:
            continue
        except (OSError, RuntimeError) as exc:  # watchfiles reports a failed native watch as RuntimeError
            if polling:
                raise
            polling = True
            yield Batch(None, f"Watching files natively failed ({exc}); polling the folder instead.")


def watched_folders(root: Path) -> dict[Path, int | None]:
    """What a watch looks at, each folder alone (never recursively), with its inode: the board
    folder (pulse.yaml, a state folder made or removed), each state folder there is (its task
    files) and the archive's folder (a month made). Not the archive's months: a watch lists the
    files of each folder it is given, and a board with 90,000 archived files must start watching as
    fast as one without (a recursive watch of the board walked them all: 0.2 s, holding the
    interpreter). What leaves done/ tells the board to count the archive again."""
    folders = [root, *(root / state for state in STATES), root / ARCHIVE_DIR]
    return {folder: inode for folder in folders if (inode := _inode(folder)) is not None and folder.is_dir()}


def _inode(folder: Path) -> int | None:
    try:
        return folder.stat().st_ino
    except OSError:
        return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), seconds)
