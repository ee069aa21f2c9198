"""Claiming work: move the heartbeat's best startable task to doing/, safely under concurrency.

Eight agents claiming at once get eight different tasks. Two things make it so: claims by pulse
on one machine take turns on a lock file (so each sees the previous claim's move and the WIP
limit holds), and the move itself is a rename that never overwrites, so a claim that loses a
race with any other mover (another machine, a person's `pulse start`) tries the next task.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pulseboard.core import ids
from pulseboard.core.actions import MoveResult, move_entry
from pulseboard.core.board import Board, Entry
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat import Suggestion
from pulseboard.core.heartbeat_inputs import suggest
from pulseboard.core.layout import CLAIM_LOCK, cache_file, ensure_pulse_dir

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


@contextlib.contextmanager
def _turn(root: Path) -> Iterator[None]:
    """Take turns with other claims on this board (a no-op where the lock can't be made)."""
    try:  # never through a link, never a FIFO that would block
        ensure_pulse_dir(root)
        flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK
        fd = os.open(cache_file(root, LOCK_NAME), flags, 0o644)
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise OSError("the claim lock is not a regular file")
    except (OSError, PulseError):
        yield  # a read-only or odd .pulse/: the rename still keeps claims apart
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


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


def claim(board: Board, now: dt.datetime | None = None) -> Claim:
    """Move the best startable task to doing/ and return it; PulseError says why there is none."""
    with _turn(board.root):
        moment = now or dt.datetime.now(dt.UTC)
        tasks = board.tasks()
        suggestions = suggest(tasks, board.settings.heartbeat, board.root, moment)
        open_tasks = {t.id: t for t in tasks if t.state == "open"}
        all_ids = list({t.id for t in tasks})
        refused: PulseError | None = None  # why a candidate could not move (not a lost race)
        for suggestion in suggestions:
            task = open_tasks.get(suggestion.ids[0]) if suggestion.kind == "start" else None
            if task is None:
                continue
            entry = Entry(task.state, task.name, task.id, task.folder)
            try:
                result = move_entry(
                    board, entry, "doing", now=moment, short_of=lambda i: ids.short_id(i, all_ids)
                )
            except PulseError as exc:
                if entry.path.exists():  # say, a copy already in doing/: try the next candidate
                    refused = refused or exc
                continue
            return Claim(result, suggestion)
        if refused is not None:
            raise refused
        if any(s.kind == "start" for s in suggestions):
            raise NothingToClaim(
                "every task ready to start was taken by another mover first; try again.", suggestions
            )
        raise NothingToClaim(nothing_to_claim(suggestions), suggestions)
