"""The CLI's and MCP face's hook glue: after a change is made and said, the events it makes (created;
moved, done, blocked, claimed; ready-now for the tasks a done lets start), each with its JSON
payload, go to core/hooks.py; a hook that went wrong is one warning on stderr.

core.hooks is imported only when the board has hooks, so a board without them starts nothing.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from typing import Any

from pulseboard.cli import output
from pulseboard.cli.common import warn
from pulseboard.core import ids, journal
from pulseboard.core.actions import MoveResult
from pulseboard.core.board import Board, Task
from pulseboard.core.fields import format_time


def payload(event: str, task: Task, short: str, from_state: str | None) -> dict[str, Any]:
    """What a hook reads on stdin: the event, when, who, the task (as `--json` gives it), the move."""
    return {
        "event": event,
        "at": format_time(dt.datetime.now(dt.UTC)),
        "actor": journal.actor(),
        "task": output.task_json(task, short),
        "from": from_state,
        "to": task.state,
    }


def created(board: Board, task: Task, short: str) -> None:
    """The hooks of a new task."""
    if board.settings.hooks:
        run(board, [("created", payload("created", task, short, None))])


def moved(board: Board, results: Sequence[MoveResult], *, claimed: bool = False) -> None:
    """The hooks of moves (one, a batch, an undo or a claim), and ready-now for what a done lets start."""
    if not board.settings.hooks or not results:
        return
    from pulseboard.core.hooks import move_events, wanted

    events = [
        (event, payload(event, result.task, result.short, result.from_state))
        for result in results
        for event in move_events(result.from_state, result.task.state, claimed=claimed)
    ]
    finished = {result.task.id for result in results if result.task.state == "done"}
    if finished and wanted(board.settings, "ready-now"):
        from pulseboard.core.ready import ready_now

        tasks = board.tasks()
        short = ids.ShortIds(t.id for t in tasks).short
        ready = ready_now(tasks, finished)
        events += [
            ("ready-now", payload("ready-now", t, short(t.id), None)) for t in (*ready.open, *ready.blocked)
        ]
    run(board, events)


def run(board: Board, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Run the hooks of these events once what the command prints is out; warn for each gone wrong."""
    from pulseboard.core.hooks import fire

    sys.stdout.flush()  # a reader of the output has it while the hooks run
    for problem in fire(board.root, board.settings, events):
        warn(problem)
