"""Undo: revert the last transition pulse made, from the history journal.

The journal records each move with the stamps the task had before it, so an undo puts the file
back where it was with exactly those stamps. Undos are journalled too, naming the move they
revert; the next undo goes one step further back, like an undo stack. By default only the
current actor's own moves are undone: an agent's `pulse undo` never reverts a person's move.
A move that belongs to a batch (core/batch.py) is undone with the rest of its batch, each move
reverted with its own journal line, so the next undo reaches the move before the batch. An archive
run (core/archive.py) is undone the same way: each file back in done/.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from pulseboard.core import archive, catchup, ids, journal
from pulseboard.core.actions import WIP_NAMED, MoveResult, move_entry
from pulseboard.core.batch import BatchResult, Refusal, summary
from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.errors import PulseError
from pulseboard.core.text import named, one_line


def undoable_moves(board: Board, by: str | None) -> list[journal.Event]:
    """The moves not yet undone (and not themselves undos), by `by` if given, oldest first.

    Moves the folders show but the journal never got (a process killed between its rename and
    its history line; see catchup.py) count as the newest, by "unknown": `--any` reverts them.
    """
    history = list(journal.read_events(board.root))
    found = (catchup.found_move(gap) for gap in catchup.gaps(board, history))
    events = [e for e in history if e.op in journal.UNDOABLE] + [e for e in found if e is not None]
    undone = {e.undoes for e in history if e.undoes}  # an unarchive line undoes an archive line
    return [e for e in events if not (e.undoes or e.key in undone or (by is not None and e.by != by))]


def last_undoable(board: Board, by: str | None) -> journal.Event | None:
    """The newest move not yet undone (and not itself an undo), by `by` if given."""
    moves = undoable_moves(board, by)
    return moves[-1] if moves else None


def last_batch(board: Board, by: str | None) -> list[journal.Event]:
    """What the next undo reverts, oldest first: the newest undoable move and, when it belongs to
    a batch, the batch's other moves not yet undone. Empty when there is nothing to undo."""
    moves = undoable_moves(board, by)
    if not moves:
        return []
    last = moves[-1]
    return [e for e in moves if e.batch == last.batch] if last.batch else [last]


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


class _Moved(Exception):
    """The task is no longer where the move to undo left it; the message says where it is."""


def undo_batch(board: Board, *, anyone: bool = False, now: dt.datetime | None = None) -> BatchResult:
    """Revert the last undoable move, or every move of the batch it belongs to (the last first),
    each task back with its stamps as they were. A task of a batch that has moved since is
    refused (one sentence) and the others still go back.

    Raises PulseError when there is nothing to undo, or nothing could be reverted (for a single
    move the same sentence as always). `result.batch` is None when a single move was undone."""
    events = last_batch(board, None if anyone else journal.actor())
    if not events:
        mine = "" if anyone else f" by {journal.actor()}"
        raise PulseError(f"nothing to undo: the journal has no move{mine} left to revert.")
    by_id: dict[str, list[Entry]] = defaultdict(list)
    for entry in board.entries():
        by_id[entry.id].append(entry)
    short_of = ids.ShortIds(by_id).short
    result = BatchResult(batch=journal.new_batch_id() if len(events) > 1 else None)
    stuck: list[str] = []  # `a1b2: it is open/x.md now`, for when nothing went back
    for event in reversed(events):
        short, found = short_of(event.id), by_id.get(event.id, [])
        try:
            result.moved.append(_revert(board, event, found, short, now, result.batch))
        except _Moved as exc:
            stuck.append(f"{short}: {exc}")
            where = f"{event.to_state}/{event.file}"
            why = f"can't undo: {short} was moved to {where} at {event.at}, but {exc}; nothing was changed."
            result.refused.append(_refusal(board, found, short, why))
        except PulseError as exc:
            stuck.append(f"{short}: {str(exc).rstrip('.')}")
            result.refused.append(_refusal(board, found, short, str(exc)))
    if result.moved:
        return result
    if len(events) == 1:
        raise PulseError(result.refused[0].reason)
    more = f"; and {len(stuck) - WIP_NAMED:,} more" if len(stuck) > WIP_NAMED else ""
    raise PulseError(
        f"can't undo the last batch of {len(events)} moves: none of its tasks could go back "
        f"({'; '.join(stuck[:WIP_NAMED])}{more}); nothing was changed."
    )


def _revert(
    board: Board,
    event: journal.Event,
    found: list[Entry],
    short: str,
    now: dt.datetime | None,
    batch: str | None,
) -> MoveResult:
    """Move one task back to where `event` took it from; _Moved if it has moved since."""
    if event.op == "archive":
        return _unarchive(board, event, short, now, batch)
    here = next((e for e in found if e.state == event.to_state), None)
    if here is None or here.name != event.file or event.from_state is None:
        now_at = sorted(e.key for e in found)
        raise _Moved(f"it is {', '.join(now_at)} now" if now_at else "it is no longer on the board")
    stamps = event.before if event.before is not None else _fallback_stamps(event, board.load(here))
    return move_entry(
        board, Entry(here.state, here.name, here.id, here.folder), event.from_state, force=True,
        stamps=stamps, now=now, short_of=lambda _: short, undoes=event.key, batch=batch,
    )  # fmt: skip


def _unarchive(
    board: Board, event: journal.Event, short: str, now: dt.datetime | None, batch: str | None
) -> MoveResult:
    """An archive undone: the file back in done/ from its month folder; _Moved if it left it."""
    entry = Entry(event.to_state, event.file, event.id, board.root / event.to_state)
    if not entry.path.is_file():
        raise _Moved(f"it is no longer in {event.to_state}/")
    return archive.unarchive(board, entry, now=now, undoes=event.key, batch=batch, short_of=lambda _: short)


def _refusal(board: Board, found: list[Entry], short: str, reason: str) -> Refusal:
    entry = found[0] if found else None
    return Refusal(short, reason, entry, board.load(entry).title if entry else None, "undone")


def undo_last(board: Board, *, anyone: bool = False, now: dt.datetime | None = None) -> MoveResult:
    """undo_batch for a caller that shows one move: the last move reverted (of a batch, the
    others went back too; undo_batch returns them all)."""
    return undo_batch(board, anyone=anyone, now=now).moved[-1]


def undo_message(result: BatchResult) -> str:
    """What an undo did, for a face: `Undone: a1b2 "Title": done -> open` for a single move,
    `Undone 3 moves: a1b2 "A" (done -> open), ...; 1 not undone.` for a batch."""
    if result.batch is None:
        moved = result.moved[0]
        return one_line(
            f"Undone: {named(moved.short, moved.task.title)}: {moved.from_state} -> {moved.task.state}"
        )
    return summary(result, "Undone", "move")
