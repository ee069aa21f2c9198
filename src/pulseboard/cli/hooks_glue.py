"""The CLI's and MCP face's hook glue: once a command's change is made and said, its events
(core/hooks.py `change_events`) go to the hooks; a hook that went wrong is one warning on stderr.

core.hooks is imported only when the board has hooks, so a board without them starts nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence

from pulseboard.cli.common import warn
from pulseboard.core.actions import MoveResult
from pulseboard.core.board import Board, Task


def created(board: Board, *tasks: Task) -> None:
    """The hooks of new tasks (one by `add`, the parts of a `split`)."""
    if board.settings.hooks and tasks:
        _run(board, created=tasks)


def moved(board: Board, results: Sequence[MoveResult], *, claimed: bool = False) -> None:
    """The hooks of moves (one, a batch, an undo or a claim), and ready-now for what a done lets start."""
    if board.settings.hooks and results:
        _run(board, results, claimed=claimed)


def lease_expired(board: Board, tasks: Sequence[Task], now: dt.datetime) -> None:
    """The hooks of each lease that has run out and was not told yet (core/hooks.py)."""
    if board.settings.hooks:
        from pulseboard.core.hooks import fire, lease_expired

        events = lease_expired(board, (t for t in tasks if t.state == "doing"), now)
        for problem in fire(board.root, board.settings, events) if events else ():
            warn(problem)


def _run(
    board: Board, results: Sequence[MoveResult] = (), *, claimed: bool = False, created: Sequence[Task] = ()
) -> None:
    from pulseboard.core.hooks import change_events, fire

    sys.stdout.flush()  # a reader of the output has it while the hooks run
    events = change_events(board, results, claimed=claimed, created=created)
    for problem in fire(board.root, board.settings, events):
        warn(problem)
