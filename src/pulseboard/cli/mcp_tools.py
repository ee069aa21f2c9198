"""The MCP face's tools (cli/mcp.py serves them): each a method mapped onto the core call its CLI
command makes, answering the JSON that command prints with --json.

A method's docstring is the description MCP clients show the model, its parameters the tool's
schema (`next` and `list` are next_tasks and list_tasks here, clear of the builtins). The board is
opened afresh for every call (the parse cache makes that cheap), so moves by others are seen; the
holder is the server's PULSE_ACTOR (core/journal.actor). A change runs the board's hooks as the CLI's
does (cli/hooks_glue.py), a hook gone wrong being a warning on the server's stderr.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pulseboard.cli import hooks_glue, output
from pulseboard.cli.common import warn
from pulseboard.cli.gitglue import commit_file, commit_move
from pulseboard.cli.heartbeat import next_json, suggestions
from pulseboard.cli.tasks import ReadyAfter, move_json
from pulseboard.core import actions, holders, ids, journal
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.errors import PulseError

State = Literal["open", "doing", "done", "blocked"]
BRIEF = ("id", "short", "title", "state", "priority", "estimate", "holder")  # list's brief=True keys


class Refused(PulseError):
    """A refusal the CLI answers with JSON too (nothing to claim): the tool error's text is `data`."""

    def __init__(self, message: str, data: dict[str, Any]) -> None:
        super().__init__(message)
        self.data = data


class BoardTools:
    """The default toolset over one board folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _board(self) -> Board:
        return Board(self.root)

    def next_tasks(self, n: int = 5) -> list[dict[str, Any]]:
        """What to do next on the board, best first, each task once, with its reason and score terms
        (as `pulse next --json`). n: how many."""
        from pulseboard.core.heartbeat import group_by_task

        board = self._board()
        tasks = board.tasks()
        short = ids.ShortIds(t.id for t in tasks).short
        return [next_json(s, short) for s in group_by_task(suggestions(board, tasks))[:n]]

    def claim(self, take_stale: bool = False) -> dict[str, Any]:
        """Take the best task you can start now: it moves to doing/, held by you (as `pulse claim
        --json`). Nothing to claim is a tool error whose JSON says why (`reason`). take_stale: first
        take over a task whose holder let its lease run out."""
        from pulseboard.core.claim import NothingToClaim, claim

        board = self._board()
        try:
            claimed = claim(board, take_stale=take_stale)
        except NothingToClaim as nothing:
            short = ids.ShortIds(t.id for t in board.tasks()).short
            raise Refused(str(nothing), output.unclaimed_json(nothing, short)) from None
        commit_move(board, claimed.move)
        hooks_glue.moved(board, [claimed.move], claimed=True)
        return output.claim_json(claimed)

    def list_tasks(
        self,
        states: list[State] | None = None,
        query: str = "",
        held_by: str | None = None,
        mine: bool = False,
        ready: bool = False,
        brief: bool = True,
    ) -> list[dict[str, Any]]:
        """Tasks, as `pulse ls --json`. states: which folders (default all). query: the board filter
        (words, "a phrase", #tag, a field like priority:high). held_by: a holder's name; mine: yours.
        ready: only open tasks you could start now. brief: only id, short, title, state, priority,
        estimate and holder (false: every field)."""
        from pulseboard.core.bodies import body_text
        from pulseboard.core.query import Query
        from pulseboard.core.snapshot import Snapshot

        board = self._board()
        tasks = board.tasks()
        shorts = ids.short_ids(t.id for t in tasks)
        snapshot = Snapshot(tasks)
        holder = journal.actor() if mine else held_by
        startable = {s.ids[0] for s in suggestions(board, tasks) if s.kind == "start"} if ready else None
        chosen = [
            t
            for state in STATES
            if state in (states or STATES)
            for t in Query.parse(query).filter(snapshot.column(state), lambda task: body_text(task.path))
            if (holder is None or t.holder == holder) and (startable is None or t.id in startable)
        ]
        shapes = (output.task_json(t, shorts[t.id]) for t in chosen)
        return [{key: shape[key] for key in BRIEF} for shape in shapes] if brief else list(shapes)

    def show(self, id: str) -> dict[str, Any]:
        """One task's fields and body (as `pulse show ID --json`); for a task in doing, this is the
        re-read of its spec. id: the id, a unique prefix of it, or the file name."""
        from pulseboard.core.heartbeat_inputs import mark_read
        from pulseboard.core.task_view import show_json
        from pulseboard.core.taskfile import read_body

        board = self._board()
        entries = board.entries()
        task = board.load(board.find(id, entries))
        body = read_body(task.path)
        mark_read(board.root, task)  # only a task in doing: settles the heartbeat's stale-spec note
        return show_json(board.root, task, ids.short_id(task.id, [e.id for e in entries]), body)

    def add(
        self,
        title: str,
        priority: str | None = None,
        estimate: str | None = None,
        touches: list[str] | None = None,
        depends: list[str] | None = None,
        tags: list[str] | None = None,
        body: str | None = None,
    ) -> dict[str, Any]:
        """Create a task in open/ (as `pulse add --json`). priority: critical, high, medium or low.
        estimate: like 15m (over 30m: split it). touches: files, globs or component names it will
        change. depends: ids of tasks that must be done first."""
        board = self._board()
        warnings: list[str] = []
        task = actions.create_task(
            board, title, priority=priority, estimate=estimate, touches=touches or (),
            depends=depends or (), tags=tags or (), body=body or "", warnings=warnings,
        )  # fmt: skip
        for warning in warnings:
            warn(warning)
        short = self._short(board, task)
        commit_file(board, task, short, "add")
        hooks_glue.created(board, task)
        return output.task_json(task, short)

    def start(self, id: str, force: bool = False) -> dict[str, Any]:
        """Move a task to doing/, held by you (as `pulse start ID --json`); refused past a hard WIP
        limit unless force. Prefer claim."""
        return self._move(id, "doing", force=force)

    def done(self, id: str) -> dict[str, Any]:
        """Move a task to done/ when every acceptance criterion holds (as `pulse done ID --json`)."""
        return self._move(id, "done")

    def block(self, id: str, reason: str, waiting_on: str | None = None) -> dict[str, Any]:
        """Move a task to blocked/ (as `pulse block ID --json`). reason: what is needed; waiting_on:
        who must act."""
        return self._move(id, "blocked", reason=reason, waiting_on=waiting_on)

    def reopen(self, id: str) -> dict[str, Any]:
        """Move a task back to open/, its holder cleared (as `pulse reopen ID --json`)."""
        return self._move(id, "open")

    def note(self, id: str, text: str) -> dict[str, Any]:
        """Add a timestamped line under the task's ## Notes: what you found (as `pulse note ID TEXT
        --json`). A note renews your lease."""
        board = self._board()
        task = holders.add_note(board, id, text)
        short = self._short(board, task)
        commit_file(board, task, short, "note on")
        return output.task_json(task, short)

    def renew(self, id: str) -> list[dict[str, Any]]:
        """Say you are still on a task you hold in doing: its lease starts again (as `pulse renew ID
        --json`, a list of the one task)."""
        board = self._board()
        task = holders.renew(board, id)
        return [output.task_json(task, self._short(board, task))]

    def _move(self, query: str, to_state: str, **options: Any) -> dict[str, Any]:
        board = self._board()
        result = actions.move_task(board, query, to_state, **options)
        commit_move(board, result)
        hooks_glue.moved(board, [result])
        return move_json(result, ReadyAfter(board, result.task))

    @staticmethod
    def _short(board: Board, task: Task) -> str:
        return ids.short_id(task.id, [e.id for e in board.entries()])
