"""History catch-up: moves the folders show but the journal never heard of, and journalling them.

A move is a rename followed by a journal line. When the line can't be written (a full disk, a
read-only `.pulse/`, a link refused) or the process dies between the two, the task sits in its new
folder with history that still says the old one, so `undo` and the figures can't see the move.
Tasks moved by hand (`mv`) look the same. `gaps` finds them by comparing each task's folder with
the state of its newest journal event; `record` journals each as a move found afterwards.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from pulseboard.core import journal
from pulseboard.core.board import Board, Entry
from pulseboard.core.fields import format_time

FOUND_BY = "unknown"  # who moved it is not known: `pulse undo --any` can revert it


@dataclass(frozen=True, slots=True)
class Gap:
    """A task whose folder is not the state its history last gave it."""

    entry: Entry
    last: journal.Event  # the newest event the journal has for it

    @property
    def message(self) -> str:
        return f"{self.entry.key} was {self.last.to_state}/ in its history ({self.last.at})"


def gaps(board: Board, events: list[journal.Event] | None = None) -> list[Gap]:
    """Every task in exactly one folder whose newest journal event leaves it in another state.

    Tasks the journal never heard of (made by hand) and tasks in two folders are not gaps.
    """
    events = list(journal.read_events(board.root)) if events is None else events
    newest: dict[str, journal.Event] = {}
    for event in events:  # newest by time; a later line wins a tie (union merges keep both clones' lines)
        if event.op not in ("create", "move"):
            continue
        held = newest.get(event.id)
        if held is None or event.at >= held.at:
            newest[event.id] = event
    places: dict[str, list[Entry]] = {}
    for entry in board.entries():
        if entry.id in newest:
            places.setdefault(entry.id, []).append(entry)
    return [
        Gap(found[0], newest[task_id])
        for task_id, found in places.items()
        if len(found) == 1 and found[0].state != newest[task_id].to_state
    ]


def found_move(gap: Gap) -> journal.Event | None:
    """The move a gap stands for, at the file's change time (when the rename happened); None if
    the file has moved again since."""
    try:
        changed = dt.datetime.fromtimestamp(os.lstat(gap.entry.path).st_ctime, dt.UTC)
    except FileNotFoundError:
        return None
    at = max(format_time(changed), gap.last.at)
    return journal.Event(
        at, "move", gap.entry.id, gap.entry.name, gap.last.to_state, gap.entry.state, FOUND_BY,
        uid=journal.new_uid(),
    )  # fmt: skip


def record(board: Board, found: list[Gap]) -> list[str]:
    """Journal each gap as the move it was."""
    said: list[str] = []
    for gap in found:
        event = found_move(gap)
        if event is None:
            continue  # moved again meanwhile: the next look sees where it is now
        journal.record(board.root, event)
        said.append(
            f"recorded the move of {gap.entry.key} from {gap.last.to_state}/ (found at {event.at}); "
            "`pulse undo --any` can revert it."
        )
    return said
