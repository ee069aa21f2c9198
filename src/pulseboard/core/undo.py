"""Undo: revert the last transition pulse made, from the history journal.

The journal records each move with the stamps the task had before it, so an undo puts the file
back where it was with exactly those stamps. Undos are journalled too, naming the move they
revert; the next undo goes one step further back, like an undo stack. By default only the
current actor's own moves are undone: an agent's `pulse undo` never reverts a person's move.
"""

from __future__ import annotations

import datetime as dt

from pulseboard.core import catchup, ids, journal
from pulseboard.core.actions import MoveResult, move_entry
from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.errors import PulseError


def last_undoable(board: Board, by: str | None) -> journal.Event | None:
    """The newest move not yet undone (and not itself an undo), by `by` if given.

    Moves the folders show but the journal never got (a process killed between its rename and
    its history line; see catchup.py) count as the newest, by "unknown": `--any` reverts them.
    """
    history = list(journal.read_events(board.root))
    found = (catchup.found_move(gap) for gap in catchup.gaps(board, history))
    events = [e for e in history if e.op == "move"] + [e for e in found if e is not None]
    undone = {e.undoes for e in events if e.undoes}
    for event in reversed(events):
        if event.undoes or event.key in undone or (by is not None and event.by != by):
            continue
        return event
    return None


def _fallback_stamps(event: journal.Event, now: Task) -> dict[str, object]:
    """Stamps for a move journalled before moves kept their `before` stamps: the file's own where
    they still hold for the folder it goes back to, the move's time where one is missing."""
    back = event.from_state
    if back == "open":
        return {"started": None, "done": None, "blocked": None}
    blocked = now.blocked or {"reason": "blocked again by undo", "waiting_on": None, "since": event.at}
    return {
        "started": now.started or (None if back == "blocked" else event.at),  # blocked: perhaps never started
        "done": (now.done or event.at) if back == "done" else None,
        "blocked": blocked if back == "blocked" else None,
    }


def undo_last(board: Board, *, anyone: bool = False, now: dt.datetime | None = None) -> MoveResult:
    """Move the task of the last undoable move back, with its stamps as they were before it."""
    event = last_undoable(board, None if anyone else journal.actor())
    if event is None:
        mine = "" if anyone else f" by {journal.actor()}"
        raise PulseError(f"nothing to undo: the journal has no move{mine} left to revert.")
    entries = board.entries()
    short = ids.short_id(event.id, [e.id for e in entries])
    here = next((e for e in entries if e.id == event.id and e.state == event.to_state), None)
    if here is None or here.name != event.file or event.from_state is None:
        now_at = sorted(f"{e.state}/{e.name}" for e in entries if e.id == event.id)
        where = f"it is {', '.join(now_at)} now" if now_at else "it is no longer on the board"
        raise PulseError(
            f"can't undo: {short} was moved to {event.to_state}/{event.file} at {event.at}, "
            f"but {where}; nothing was changed."
        )
    stamps = event.before if event.before is not None else _fallback_stamps(event, board.load(here))
    return move_entry(
        board, Entry(here.state, here.name, here.id, here.folder), event.from_state, force=True,
        stamps=stamps, now=now, short_of=lambda _: short, undoes=event.key,
    )  # fmt: skip
