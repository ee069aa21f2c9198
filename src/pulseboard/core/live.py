"""The live board: one snapshot kept level with the disk, for every face that follows it.

It owns following the disk: hints that come before the board is read or while a rescan reads,
small batches re-read at once, storms and full rescans read by the caller off its UI thread,
short ids kept in step, state folders that vanish and come back. The board, `pulse watch` and
`pulse beat` feed it hints and show the `Step`s it returns; none of them decides anything else.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pulseboard.core.board import STATES, Board, Entry, Task
from pulseboard.core.ids import ShortIds
from pulseboard.core.reconcile import Changes, Event, Plan, Reconciler
from pulseboard.core.snapshot import Snapshot

if TYPE_CHECKING:
    from pulseboard.core.read_ahead import ReadAhead

INLINE_HINTS = 64  # up to this many hinted paths are re-read at once (~30 ms); more are read apart
UNSURE_NS = 100_000_000  # a folder changed this soon before its stamp may change again unseen (mtime ticks)
Hints = frozenset[str] | set[str] | None  # paths that may have changed; None: anything may have


@dataclass
class Step:
    """What following one batch of hints did, and what is left to do.

    `changes` happened to the snapshot just now; `notices` are sentences for the person (a state
    folder went or came back); when `read` is set, the caller reads `paths` (`LiveBoard.read`,
    safe off the UI thread) and hands the plan to `LiveBoard.finish`.
    """

    changes: Changes = field(default_factory=Changes)
    notices: list[str] = field(default_factory=list)
    read: bool = False
    paths: Hints = None


def _merge(first: Changes, then: Changes) -> Changes:
    """Two reconciles told as one (the second came right after the first)."""
    merged = Changes(
        states=first.states | then.states,
        full_rescan=first.full_rescan or then.full_rescan,
        events=first.events + then.events,
    )
    merged.ids_added = (first.ids_added - then.ids_removed) | then.ids_added
    merged.ids_removed = (first.ids_removed - then.ids_added) | then.ids_removed
    return merged


def _chain(first: Step, then: Step) -> Step:
    """Two steps told as one: both steps' changes and notices, and what is left after the second."""
    return Step(_merge(first.changes, then.changes), first.notices + then.notices, then.read, then.paths)


def _union(waiting: Hints, paths: Hints) -> Hints:
    return None if waiting is None or paths is None else waiting | paths


@dataclass
class Loaded:
    """A whole board read off the UI thread, ready to show: its snapshot, its short ids, and each
    state folder's modification time taken before the read (None: missing, or changed just then)."""

    snapshot: Snapshot
    shorts: ShortIds
    stamps: dict[str, int | None]


def read_board(board: Board) -> Loaded:
    """Every task on disk (parsing only what the cache has not seen), as a snapshot: safe off
    the UI thread."""
    stamps = folder_stamps(board)
    return loaded(board.tasks(), stamps)


def folder_stamps(board: Board) -> dict[str, int | None]:
    """Each state folder's time, taken before its tasks are read (see Loaded)."""
    return {state: _stamp(board.root / state) for state in STATES}


def loaded(tasks: list[Task], stamps: dict[str, int | None]) -> Loaded:
    """The tasks read (and the folders' times taken before), ready to show."""
    snapshot = Snapshot(tasks)
    return Loaded(snapshot, ShortIds(snapshot.ids()), stamps)


def _stamp(folder: Path) -> int | None:
    """The folder's modification time, or None when it is missing or changed so recently that a
    change now might leave the same time (file systems keep it in ticks of a few milliseconds)."""
    try:
        mtime = os.stat(folder).st_mtime_ns
    except OSError:
        return None
    return None if time.time_ns() - mtime < UNSURE_NS else mtime


class LiveBoard:
    """A board's tasks as they are on disk now, with their short ids."""

    def __init__(self, board: Board, ahead: ReadAhead | None = None) -> None:
        """ahead: the board's first read, already started (`load` takes its result)."""
        self.board = board
        self._ahead = ahead
        self.snapshot = Snapshot()
        self.shorts = ShortIds()
        self.reconciler = Reconciler(board, self.snapshot)
        self.loaded = False
        self._waiting: Hints = set()  # hints that came before the board was read, or during a read
        self._reading = False
        self._missing: set[str] = set()  # state folders known to be gone
        self._watching = False  # the watcher is set up: every later change comes as a hint
        self._stamps: dict[str, int | None] = {}  # per state folder, taken before the last read
        # Told every change to the snapshot after `install`, in order (the incremental heartbeat):
        # the face's own writes and what reconciles found, as reconcile Events.
        self.followers: list[Callable[[Sequence[Event]], None]] = []

    # -- reading the whole board --------------------------------------------------------------

    @property
    def read_ahead(self) -> bool:
        """Whether the first read, started ahead, has ended: `load` returns at once."""
        return self._ahead is not None and self._ahead.done

    def load(self) -> Loaded:
        """The board as on disk (the read started ahead, the first time): safe off the UI thread."""
        ahead, self._ahead = self._ahead, None
        return ahead.result() if ahead is not None else read_board(self.board)

    def install(self, loaded: Loaded) -> Step:
        """Show what `load` read; then follow whatever changed while it read."""
        self.snapshot = loaded.snapshot
        self.shorts = loaded.shorts
        self.reconciler = Reconciler(self.board, self.snapshot)
        self.loaded = True
        self._reading = False
        self._stamps = loaded.stamps
        waiting, self._waiting = self._waiting, set()
        if self._watching:
            waiting = _union(waiting, self._changed_folders())
        return self.hint(waiting) if waiting is None or waiting else Step()

    def watching(self, paths: Hints) -> Step:
        """`hint`, from a watcher set up just now: every later change will come as a hint. State
        folders that changed between the read and now (a task made, moved or removed before any
        hint could come) are read again too."""
        self._watching = True
        if self.loaded:
            paths = _union(paths, self._changed_folders())
        return self.hint(paths)  # not loaded: `install` looks at the folders when the read is shown

    def unload(self) -> None:
        """Forget the board until the next `install` (a reload); hints wait until then."""
        self.loaded = False
        self._waiting = set()

    # -- following hints ----------------------------------------------------------------------

    def hint(self, paths: Hints) -> Step:
        """These paths may have changed (None: anything may have)."""
        if not self.loaded or self._reading:
            self._waiting = _union(self._waiting, paths)
            return Step()
        if self._waiting is None or self._waiting:  # left by a failed read: follow them now too
            paths, self._waiting = _union(self._waiting, paths), set()
        if paths is not None and len(paths) <= INLINE_HINTS and self.reconciler.files_only(paths):
            return Step(self._took(self.reconciler.apply(paths)), self._check_folders())
        self._reading = True
        return Step(read=True, paths=paths)

    def read(self, paths: Hints) -> Plan:
        """Read what the hinted places hold now (touches only the disk: safe off the UI thread)."""
        return self.reconciler.read(paths)

    def finish(self, plan: Plan) -> Step:
        """Show what `read` found, then follow the hints that came while it read."""
        self._reading = False
        changes = self._took(self.reconciler.update(plan))
        notices = self._check_folders()
        waiting, self._waiting = self._waiting, set()
        if waiting is not None and not waiting:
            return Step(changes, notices)
        return _chain(Step(changes, notices), self.hint(waiting))

    def read_failed(self) -> None:
        """A read off the UI thread failed: anything may have changed, so the next hint rereads
        everything (the disk decides)."""
        self._reading = False
        self._waiting = None

    def follow_now(self, paths: Hints) -> Step:
        """`hint`, with any reading done at once (for faces with no UI thread to keep free)."""
        step = self.hint(paths)
        while step.read:
            step = _chain(step, self.finish(self.read(step.paths)))
        return step

    # -- the face's own writes ----------------------------------------------------------------

    def put(self, task: Task) -> None:
        """A task the face just wrote (created, moved, edited): shown at once, before the echo."""
        old = self.snapshot.put(task)
        self.shorts.add(task.id)
        self._tell([Event("added" if old is None else "changed", old, task)])

    def remove(self, task: Task) -> None:
        """A task file the face just moved away."""
        shown = self.snapshot.remove(task.state, task.name)
        if not self.snapshot.with_id(task.id):
            self.shorts.discard(task.id)
        if shown is not None:
            self._tell([Event("removed", shown, None)])

    def _tell(self, events: Sequence[Event]) -> None:
        for follower in self.followers:
            follower(events)

    def resync(self, task: Task) -> None:
        """Re-read one task's file from disk: wherever it now is, or gone."""
        for state in STATES:
            shown = self.snapshot.get(state, task.name)
            if shown is not None:
                self.remove(shown)
        for state in STATES:
            path = self.board.root / state / task.name
            if path.exists():
                self.put(self.board.load(Entry(state, task.name, task.id, path.parent)))

    def current(self, task: Task) -> Task | None:
        """The task as the board holds it now: in the same file, else any copy of it."""
        return self.snapshot.get(task.state, task.name) or next(iter(self.snapshot.with_id(task.id)), None)

    # -- bookkeeping --------------------------------------------------------------------------

    def _took(self, changes: Changes) -> Changes:
        """Keep the short ids (and the followers) in step with what a reconcile changed."""
        if changes.events:
            self._tell(changes.events)
        for task_id in changes.ids_added:
            self.shorts.add(task_id)
        for task_id in changes.ids_removed:
            self.shorts.discard(task_id)
        return changes

    def _changed_folders(self) -> set[str]:
        """The state folders whose modification time is not the one taken before the last read."""
        return {
            str(self.board.root / state)
            for state, stamp in self._stamps.items()
            if stamp is None or _stamp(self.board.root / state) != stamp
        }

    @property
    def missing(self) -> frozenset[str]:
        """The state folders known to be gone: their columns say so."""
        return frozenset(self._missing)

    def _check_folders(self) -> list[str]:
        """Sentences for state folders that went (their column shows empty) or came back."""
        if not self.board.root.is_dir():
            return []  # the watcher already says the whole board is gone
        notices: list[str] = []
        for state in STATES:
            present = (self.board.root / state).is_dir()
            if not present and state not in self._missing:
                self._missing.add(state)
                notices.append(f"{state}/ is gone; its column says so until it is back.")
            elif present and state in self._missing:
                self._missing.discard(state)
                notices.append(f"{state}/ is back.")
        return notices
