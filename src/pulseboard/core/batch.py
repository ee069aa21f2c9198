"""Batches: several tasks moved to one state at once (the board's marked cards, `pulse done a b c`).

Each task goes through actions.move_entry, so it gets the checks, journal line, stamps and
warnings of a single move; the journal lines of one batch share a `batch` id, which is how undo
(core/undo.py) reverts the batch whole and git (services/git.commit_batch) makes it one commit.
A task that can't move is refused with one sentence and the others still move.

WIP: each start is checked as it is made, in the order given, by the single-move rule
(actions.wip_check). Past a soft limit a task still starts, with the usual warning. Past a hard
limit without `force` the tasks that fit start and the rest are refused ("doing/ is full ...");
with `force` (the board's "start anyway", `--force`) every task starts. Options that would refuse
every task (an unknown state, a block without a reason) refuse the batch before anything moves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pulseboard.core import ids, journal
from pulseboard.core.actions import WIP_NAMED, MoveResult, check_move_options, move_entry, os_reason
from pulseboard.core.board import Board, Entry
from pulseboard.core.doing_view import DoingOnDisk, Held
from pulseboard.core.errors import PulseError
from pulseboard.core.text import clip, named, one_line


@dataclass(frozen=True, slots=True)
class Refusal:
    """A task a batch did not move, and why."""

    name: str  # the task's short id, or the words given when they matched no task (or several)
    reason: str  # one sentence
    entry: Entry | None = None  # the task's file as the batch knew it; None when nothing matched
    title: str | None = None  # the task's title, when there is a task
    what: str = "moved"  # or "undone"

    @property
    def task_id(self) -> str | None:
        return self.entry.id if self.entry else None

    @property
    def text(self) -> str:
        """`a1b2 "Title" not moved: doing/ is full (...)`: the one sentence a face shows."""
        who = self.name if self.title is None else named(self.name, self.title)
        return f"{who} not {self.what}: {self.reason}"


@dataclass
class BatchResult:
    """What a batch did: the moves made, in order, and the tasks refused, each with its reason."""

    moved: list[MoveResult] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    batch: str | None = None  # the id its journal lines share (None: an undo of a single move)


def move_batch(
    board: Board,
    entries: Sequence[Entry],
    to_state: str,
    *,
    reason: str | None = None,
    waiting_on: str | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    short_of: Callable[[str], str] = lambda task_id: task_id[: ids.SHORT_LENGTH],
    held: Held | None = None,
) -> BatchResult:
    """Move each task to to_state as one batch (a task given twice moves once); see the module.

    A blocked batch shares one reason and waiting_on; every move of it has the same time.
    Raises PulseError, before anything moves, only for options no task could move with."""
    check_move_options(to_state, reason, waiting_on)
    moment = now or dt.datetime.now(dt.UTC)
    result = BatchResult(batch=journal.new_batch_id())
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            continue
        seen.add(entry.id)
        try:
            moved = move_entry(
                board, entry, to_state, reason=reason, waiting_on=waiting_on, force=force, now=moment,
                short_of=short_of, batch=result.batch, doing=DoingOnDisk(board, held),
            )  # fmt: skip
        except PulseError as exc:
            result.refused.append(_refused(board, entry, str(exc), short_of))
        except OSError as exc:
            problem = f"{entry.key} can't be moved ({os_reason(exc)})."
            result.refused.append(_refused(board, entry, problem, short_of))
        else:
            result.moved.append(moved)
    return result


def move_tasks(
    board: Board,
    queries: Sequence[str],
    to_state: str,
    *,
    reason: str | None = None,
    waiting_on: str | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
) -> BatchResult:
    """Move the tasks a user names (id prefixes or file names) as one batch; words that name no
    task, or more than one, are refused like a task that can't move."""
    check_move_options(to_state, reason, waiting_on)
    entries = board.entries()
    found: list[Entry] = []
    unmatched: list[Refusal] = []
    for query in queries:
        try:
            found.append(board.find(query, entries))
        except PulseError as exc:
            unmatched.append(Refusal(one_line(clip(query, 40)), str(exc)))
    short_of = ids.ShortIds(e.id for e in entries).short
    result = move_batch(
        board, found, to_state, reason=reason, waiting_on=waiting_on, force=force, now=now, short_of=short_of
    )
    result.refused[:0] = unmatched
    return result


def _refused(board: Board, entry: Entry, reason: str, short_of: Callable[[str], str]) -> Refusal:
    """A refusal naming the task by its short id and title (read from its file, if it is still there)."""
    return Refusal(short_of(entry.id), reason, entry, board.load(entry).title)


def names(moved: Sequence[MoveResult], limit: int = WIP_NAMED) -> str:
    """`a1b2 "A" (open -> done), c3d4 "B" (open -> done) and 3 more`: the first `limit` moves."""
    shown = [f"{named(r.short, r.task.title)} ({r.from_state} -> {r.task.state})" for r in moved[:limit]]
    text = ", ".join(shown)
    return f"{text} and {len(moved) - limit:,} more" if len(moved) > limit else text


def summary(result: BatchResult, lead: str = "Moved", noun: str = "task") -> str:
    """One sentence for a face: `Moved 3 tasks: a1b2 "A" (open -> done), ...; 1 not moved.`
    (an undo's: `Undone 3 moves: ...; 1 not undone.`)."""
    count = len(result.moved)
    text = f"{lead} {count} {noun}{'' if count == 1 else 's'}"
    if result.moved:
        text += f": {names(result.moved)}"
    if result.refused:
        text += f"; {len(result.refused)} not {lead.lower()}"
    return one_line(text) + "."
