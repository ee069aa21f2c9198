"""Claiming work: move the heartbeat's best startable task to doing/, safely under concurrency.

Eight agents claiming at once get eight different tasks. Two things make it so: claims by pulse
on one machine take turns on a lock file (so each sees the previous claim's move and the WIP
limit holds), and the move itself is a rename that never overwrites, so a claim that loses a
race with any other mover (another machine, a person's `pulse start`) tries the next task.
A claim takes only what the actor has room for (core/holders.py: their limit by weight), and
with take_stale first takes over a task whose holder went silent past the lease: under the same
lock, so of racing takers exactly one gets it (the take-over is itself a sign of life).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from pulseboard.core import holders, ids, journal
from pulseboard.core.actions import MoveResult, move_entry
from pulseboard.core.board import Board, Entry
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat import Suggestion
from pulseboard.core.heartbeat_inputs import suggest
from pulseboard.core.layout import CLAIM_LOCK
from pulseboard.core.turns import taking_turns

LOCK_NAME = CLAIM_LOCK  # in .pulse/cache/: git-ignored, like everything local to one machine


class NothingToClaim(PulseError):
    """No task could be claimed: the sentence says why; `suggestions` are the heartbeat's, ranked."""

    def __init__(self, message: str, suggestions: list[Suggestion]) -> None:
        super().__init__(message)
        self.suggestions = suggestions


@dataclass(frozen=True, slots=True)
class Claim:
    move: MoveResult
    suggestion: Suggestion  # why this task: its rank and score terms
    taken_from: str | None = None  # a task taken over from a silent holder: who held it


def nothing_to_claim(suggestions: list[Suggestion]) -> str:
    """Why no task can be claimed now, in one sentence."""
    by_kind = {s.kind: s for s in reversed(suggestions)}  # the best of each kind
    for kind in ("over-limit", "at-limit"):
        if kind in by_kind:
            return f"nothing to claim: {by_kind[kind].text}"
    if "start-after" in by_kind:
        return (
            "nothing to claim: every task ready to start touches the same things as one in doing; "
            + by_kind["start-after"].text[0].lower()
            + by_kind["start-after"].text[1:]
        )
    if "split-before-start" in by_kind:
        return f"nothing to claim: the ready tasks must be split first; {by_kind['split-before-start'].text}"
    idle = by_kind.get("idle")
    detail = f" {idle.text}" if idle else ""
    return f"nothing to claim: no open task is ready to start.{detail}"


def claim(board: Board, now: dt.datetime | None = None, *, take_stale: bool = False) -> Claim:
    """Move the best startable task the actor has room for to doing/ and return it; PulseError
    says why there is none. take_stale: first take over a task whose holder went silent."""
    with taking_turns(board.root, LOCK_NAME):
        moment = now or dt.datetime.now(dt.UTC)
        tasks = board.tasks()
        settings = board.settings.heartbeat
        me = journal.actor()
        doing = [t for t in tasks if t.state == "doing"]
        all_ids = list({t.id for t in tasks})

        def short_of(task_id: str) -> str:
            return ids.short_id(task_id, all_ids)

        mine = holders.held_by(doing, me)
        if take_stale:
            stale = [
                item
                for item in holders.silent(doing, board.root, moment, settings)
                if item.holder != me and holders.room_for(item.task, mine, me, settings)
            ]
            if stale:
                return _take_over(board, stale[0], moment, short_of)
        suggestions = suggest(tasks, settings, board.root, moment)
        open_tasks = {t.id: t for t in tasks if t.state == "open"}
        refused: PulseError | None = None  # why a candidate could not move (not a lost race)
        full = False  # a ready task was left for want of room in the actor's limit
        for suggestion in suggestions:
            task = open_tasks.get(suggestion.ids[0]) if suggestion.kind == "start" else None
            if task is None:
                continue
            if not holders.room_for(task, mine, me, settings):
                full = True
                continue
            entry = Entry(task.state, task.name, task.id, task.folder)
            try:
                result = move_entry(board, entry, "doing", now=moment, short_of=short_of)
            except PulseError as exc:
                if entry.path.exists():  # say, a copy already in doing/: try the next candidate
                    refused = refused or exc
                continue
            return Claim(result, suggestion)
        if refused is not None:
            raise refused
        if full:
            load, limit = sum(holders.weight(t, settings) for t in mine), holders.limit_of(me, settings)
            then = "finish one first" if mine else "every ready task weighs more than that"
            raise NothingToClaim(
                f"nothing to claim: {me} holds {load:g} of their limit of {limit:g} "
                f"and every ready task would take them past it; {then}.",
                suggestions,
            )
        if any(s.kind == "start" for s in suggestions):
            raise NothingToClaim(
                "every task ready to start was taken by another mover first; try again.", suggestions
            )
        raise NothingToClaim(nothing_to_claim(suggestions), suggestions)


def _take_over(
    board: Board, item: holders.Silent, moment: dt.datetime, short_of: Callable[[str], str]
) -> Claim:
    """The claim of a silent holder's task: it stays in doing, held by the actor now."""
    short = short_of(item.task.id)
    text = holders.silent_text(item, moment, board.settings.holders.lease_s)
    taken = holders.take_over(board, item, moment)
    why = Suggestion("take-over", "claim", (taken.id,), text, 0.0)
    return Claim(MoveResult(taken, "doing", short, []), why, taken_from=item.holder)
