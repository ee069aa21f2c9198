"""The live board: one snapshot kept level with the disk, for every face that follows it.

It owns following the disk: hints that come before the board is read or while a rescan reads,
small batches re-read at once, storms and full rescans read by the caller off its UI thread,
short ids kept in step, state folders that vanish and come back. The board, `pulse watch` and
`pulse beat` feed it hints and show the `Step`s it returns; none of them decides anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from pulseboard.core.board import STATES, Board, Entry, Task
from pulseboard.core.ids import ShortIds
from pulseboard.core.reconcile import Changes, Plan, Reconciler
from pulseboard.core.snapshot import Snapshot

INLINE_HINTS = 64  # up to this many hinted paths are re-read at once (~30 ms); more are read apart
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


class LiveBoard:
    """A board's tasks as they are on disk now, with their short ids."""

    def __init__(self, board: Board) -> None:
        self.board = board
        self.snapshot = Snapshot()
        self.shorts = ShortIds()
        self.reconciler = Reconciler(board, self.snapshot)
        self.loaded = False
        self._waiting: Hints = set()  # hints that came before the board was read, or during a read
        self._reading = False
        self._missing: set[str] = set()  # state folders known to be gone

    # -- reading the whole board --------------------------------------------------------------

    def load(self) -> list[Task]:
        """Every task on disk (parsing only what the cache has not seen): safe off the UI thread."""
        return self.board.tasks()

    def install(self, tasks: Iterable[Task]) -> Step:
        """Show what `load` read; then follow whatever changed while it read."""
        self.snapshot = Snapshot(tasks)
        self.shorts = ShortIds(self.snapshot.ids())
        self.reconciler = Reconciler(self.board, self.snapshot)
        self.loaded = True
        self._reading = False
        waiting, self._waiting = self._waiting, set()
        return self.hint(waiting) if waiting is None or waiting else Step()

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
        if paths is not None and len(paths) <= INLINE_HINTS:
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
        self.snapshot.put(task)
        self.shorts.add(task.id)

    def remove(self, task: Task) -> None:
        """A task file the face just moved away."""
        self.snapshot.remove(task.state, task.name)
        if not self.snapshot.with_id(task.id):
            self.shorts.discard(task.id)

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
        """Keep the short ids in step with what a reconcile changed."""
        for task_id in changes.ids_added:
            self.shorts.add(task_id)
        for task_id in changes.ids_removed:
            self.shorts.discard(task_id)
        return changes

    def _check_folders(self) -> list[str]:
        """Sentences for state folders that went (their column shows empty) or came back."""
        if not self.board.root.is_dir():
            return []  # the watcher already says the whole board is gone
        notices: list[str] = []
        for state in STATES:
            present = (self.board.root / state).is_dir()
            if not present and state not in self._missing:
                self._missing.add(state)
                notices.append(f"{state}/ is gone; its column shows empty until it is back.")
            elif present and state in self._missing:
                self._missing.discard(state)
                notices.append(f"{state}/ is back.")
        return notices
