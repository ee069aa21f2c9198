"""Bringing a snapshot level with the disk, from hints about what may have changed.

A watcher (or anything else) says "these paths changed" or "anything may have changed"; the
reconciler re-reads only those files, rescans a whole state folder only when the folder itself
changed, and the whole board only for a storm (a `git checkout` of thousands of files) or when
told everything may differ. Hints are only hints: the disk decides. The same path serves edits
by hand, editors' atomic saves, moves by `mv` or another pulse, and the echo of the board's own
moves (which finds the snapshot already right and changes nothing).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pulseboard.core import ids
from pulseboard.core.board import STATES, Board, Entry, Task, is_task_name
from pulseboard.core.snapshot import Snapshot

STORM = 500  # more hinted paths than this in one batch: one full rescan instead


@dataclass(frozen=True, slots=True)
class Event:
    """One task file's change: added, changed, removed, or moved (a remove and an add of one id)."""

    kind: str
    before: Task | None
    after: Task | None

    @property
    def task(self) -> Task:
        return self.after or self.before  # type: ignore[return-value]


def pair_moves(events: list[Event]) -> list[Event]:
    """The events with each remove + add of one id (a move between folders) told as one move."""
    removed = {e.task.id: e.task for e in events if e.kind == "removed"}
    moved = {e.task.id for e in events if e.kind == "added"} & removed.keys()
    told: list[Event] = []
    for event in events:
        if event.task.id not in moved:
            told.append(event)
        elif event.kind == "added":
            told.append(Event("moved", removed[event.task.id], event.after))
    return told


@dataclass
class Changes:
    """What a reconcile changed: the columns to redraw, and ids that came or went."""

    states: set[str] = field(default_factory=set)
    ids_added: set[str] = field(default_factory=set)
    ids_removed: set[str] = field(default_factory=set)
    full_rescan: bool = False
    events: list[Event] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.states)


@dataclass
class Plan:
    """What the disk says now, for the hinted places: read off the UI thread, applied on it."""

    folders: dict[str, list[Task]] = field(default_factory=dict)  # state -> every task in it
    files: dict[tuple[str, str], Task | None] = field(default_factory=dict)  # None: gone
    full: bool = False


class Reconciler:
    """Applies change hints for one board to one snapshot.

    `read` only touches the disk (safe in a worker thread); `update` only touches the snapshot
    (call it where the snapshot lives); `apply` does both.
    """

    def __init__(self, board: Board, snapshot: Snapshot) -> None:
        self.board = board
        self.snapshot = snapshot
        self._root = os.path.abspath(board.root)

    def apply(self, paths: Iterable[str | Path] | None) -> Changes:
        """Reconcile after these paths changed (None: anything may have changed)."""
        return self.update(self.read(paths))

    def read(self, paths: Iterable[str | Path] | None) -> Plan:
        """Read what the hinted places hold now."""
        hinted = None if paths is None else list(paths)
        if hinted is None or len(hinted) > STORM:
            return self._read_folders(STATES, full=True)
        files: set[tuple[str, str]] = set()
        folders: set[str] = set()
        for path in hinted:
            kind = self._classify(os.path.abspath(path))
            if kind is None:
                continue
            if kind[1] is None:
                folders.add(kind[0])
            else:
                files.add((kind[0], kind[1]))
        if "*" in folders:
            return self._read_folders(STATES, full=True)
        plan = self._read_folders(sorted(folders)) if folders else Plan()
        for state, name in sorted(files):
            if state not in folders:
                plan.files[(state, name)] = self._read_file(state, name)
        return plan

    def files_only(self, paths: Iterable[str | Path]) -> bool:
        """Whether these hints name no folder to list again: a few files, cheap to read at once."""
        kinds = (self._classify(os.path.abspath(path)) for path in paths)
        return all(kind is None or kind[1] is not None for kind in kinds)

    def update(self, plan: Plan) -> Changes:
        """Make the snapshot say what the plan read."""
        changes = Changes(full_rescan=plan.full)
        for state, tasks in plan.folders.items():
            now = {t.name for t in tasks}
            for task in list(self.snapshot.column(state)):
                if task.name not in now:
                    self._remove(task, changes)
            for task in tasks:
                if self.snapshot.get(state, task.name) != task:
                    self._put(task, changes)
        for (state, name), task in plan.files.items():
            old = self.snapshot.get(state, name)
            if task is None:
                if old is not None:
                    self._remove(old, changes)
            elif task != old:
                self._put(task, changes)
        return changes

    def _classify(self, path: str) -> tuple[str, str | None] | None:
        """(state, name) for a task file, (state, None) for a state folder, ("*", None) for the
        board itself or anything above it, None for what pulse ignores (.pulse/, other files)."""
        if path == self._root or self._root.startswith(path.rstrip(os.sep) + os.sep):
            return ("*", None)
        try:
            rel = os.path.relpath(path, self._root)
        except ValueError:
            return None
        parts = rel.split(os.sep)
        if parts[0] not in STATES:
            return None
        if len(parts) == 1:
            return (parts[0], None)
        if len(parts) == 2 and is_task_name(parts[1]):
            return (parts[0], parts[1])
        return None

    def _read_file(self, state: str, name: str) -> Task | None:
        path = self.board.root / state / name
        if not os.path.lexists(path):
            return None
        return self.board.load(Entry(state, name, ids.id_from_stem(name[:-3]), path.parent))

    def _read_folders(self, states: Iterable[str], full: bool = False) -> Plan:
        """List whole state folders again (the parse cache spares unchanged files a re-parse)."""
        states = list(states)
        plan = Plan(folders={state: [] for state in states}, full=full)
        for task in self.board.tasks(states, save=full):
            plan.folders[task.state].append(task)
        return plan

    def _put(self, task: Task, changes: Changes) -> None:
        known = bool(self.snapshot.with_id(task.id))
        old = self.snapshot.put(task)
        changes.events.append(Event("added" if old is None else "changed", old, task))
        if not known and old is None:
            changes.ids_added.add(task.id)
            changes.ids_removed.discard(task.id)
        changes.states.add(task.state)

    def _remove(self, task: Task, changes: Changes) -> None:
        self.snapshot.remove(task.state, task.name)
        changes.events.append(Event("removed", task, None))
        if not self.snapshot.with_id(task.id):
            changes.ids_removed.add(task.id)
            changes.ids_added.discard(task.id)
        changes.states.add(task.state)
