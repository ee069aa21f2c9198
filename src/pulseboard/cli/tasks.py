"""The task commands: init, add, ls, show, the moves (start, done, block, reopen, mv), undo and edit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from pulseboard.cli import hooks_glue, output
from pulseboard.cli.common import open_board, warn
from pulseboard.cli.gitglue import commit_batch, commit_file, commit_move
from pulseboard.core import actions, ids, journal
from pulseboard.core.board import STATES, Board, NoMatch, Task, locate
from pulseboard.core.errors import PulseError
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.taskfile import read_body
from pulseboard.core.text import one_line

if TYPE_CHECKING:
    from pulseboard.core.batch import BatchResult


def cmd_init(args: argparse.Namespace) -> int:
    """Make a board: tasks/ (or the folder itself if it is one) with its four folders and pulse.yaml."""
    located = locate(args.dir or ".", None, Path.cwd(), create=True)
    root = located.root
    made = list(located.made) or actions.init_board(root)  # a board already: complete what it lacks
    if made:
        print(f"Made a board in {root}: {', '.join(made)}")
    else:
        print(f"{root} is already a board; nothing changed.")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """Create a task in open/ (and open it in the editor with --edit; with --start, start it)."""
    board = open_board(args)
    warnings: list[str] = []
    task = actions.create_task(
        board,
        args.title,
        priority=args.priority,
        estimate=args.estimate,
        touches=args.touches,
        depends=args.depends,
        tags=args.tags,
        body=args.body or "",
        parent=args.parent,
        warnings=warnings,
    )
    for warning in warnings:
        warn(warning)
    if args.edit:
        from pulseboard.services.editor import open_in_editor

        open_in_editor(task.path)
        task = board.load(board.find(task.id))
    short = ids.short_id(task.id, [e.id for e in board.entries()])
    commit_file(board, task, short, "add")
    hooks_glue.created(board, task)
    if args.start:  # straight into doing: the move every start makes (WIP, holder, stamps, journal)
        try:
            result = actions.move_task(board, task.id, "doing", force=args.force)
        except PulseError as exc:
            raise PulseError(f"{short} was added to open/ but not started: {exc}") from None
        commit_move(board, result)
        for warning in result.warnings:
            warn(warning)
        hooks_glue.moved(board, [result])
        task = result.task
    if args.json:
        print(output.dumps(output.task_json(task, short)))
    else:
        print(f"{short}  {task.path}")
    return 0


def cmd_ls(args: argparse.Namespace) -> int:
    """The tasks of the chosen states that match the query words, a line each (a JSON list with --json).

    The query is the board filter's (core/query.py): `pulse ls navbar '#ui'`, or the same as one
    string with --filter; a word with spaces in it (quoted for the shell) is a phrase. A word the
    fields miss is looked for in the body, read from the file only for a task the rest lets through."""
    from pulseboard.core.bodies import body_text
    from pulseboard.core.query import Query

    board = open_board(args)
    states = args.state or list(STATES)
    words = [f'"{word}"' if " " in word and '"' not in word else word for word in args.query]
    query = Query.parse(" ".join([*words, args.filter or ""]))
    tasks = board.tasks(STATES)
    shorts = ids.short_ids(t.id for t in tasks)  # short among all tasks, as on the board
    snapshot = Snapshot(tasks)
    columns = [snapshot.column(state) for state in STATES if state in states]
    holder = journal.actor() if args.mine else args.held_by
    if holder is not None:
        columns = [[t for t in column if t.holder == holder] for column in columns]
    if args.archived:
        archived = board.tasks(month.relative_to(board.root).as_posix() for month in board.archive_months())
        shorts.update(ids.short_ids(t.id for t in [*tasks, *archived]))
        columns.append(archived)
    chosen = [t for column in columns for t in query.filter(column, lambda task: body_text(task.path))]
    if args.json:
        output.write_json_list(sys.stdout, (output.task_json(t, shorts[t.id]) for t in chosen))
        return 0
    width = max((len(shorts[t.id]) for t in chosen), default=4)
    sys.stdout.write("".join(output.task_line(t, shorts[t.id], width) + "\n" for t in chosen))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """One task's fields and body; showing a task in doing/ counts as re-reading its spec."""
    from pulseboard.core.task_view import family_rows, history_line, show_json

    board = open_board(args)
    entries = board.entries()
    try:
        entry = board.find(args.id, entries)
    except NoMatch:  # an archived task is shown as it is, where it is
        entries = board.archived_entries()
        entry = board.find(args.id, entries)
    task = board.load(entry)
    short = ids.short_id(task.id, [e.id for e in entries])
    family: list[tuple[str, str]] = []
    if task.parent or task.children:  # read only the files of the tasks it names
        wanted = {task.parent, *task.children}
        found = [e for e in entries if e.id in wanted]
        shorts = ids.ShortIds(e.id for e in entries).short
        family = family_rows(task, lambda i: [board.load(e) for e in found if e.id == i], shorts)
    body = read_body(task.path)
    if task.state == "doing":
        from pulseboard.core.heartbeat_inputs import mark_read

        mark_read(board.root, task)  # the spec re-read: settles the heartbeat's stale-spec note
    if args.json:
        print(output.dumps(show_json(board.root, task, short, body)))
        return 0
    print(output.task_details(task, short, None if body is None else body.replace("\r\n", "\n"), family))
    past = journal.history(board.root, task.id, task.created)
    if past:
        print("\nHistory\n" + "\n".join(f"  {history_line(event)}" for event in past))
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    """start, done, block, reopen (the parser sets `to_state`) and mv (the user names the state).

    Several ids move as one batch (core/batch.py): one commit, a line per task moved, a sentence
    per task refused, exit 1 if any was."""
    board = open_board(args)
    reason, waiting_on = getattr(args, "reason", None), getattr(args, "waiting_on", None)
    force = getattr(args, "force", False)
    if len(args.ids) > 1:
        from pulseboard.core.batch import move_tasks

        batch = move_tasks(board, args.ids, args.to_state, reason=reason, waiting_on=waiting_on, force=force)
        commit_batch(board, batch.moved)
        code = print_batch(board, args, batch)
        hooks_glue.moved(board, batch.moved)
        return code
    result = actions.move_task(
        board, args.ids[0], args.to_state, reason=reason, waiting_on=waiting_on, force=force
    )
    commit_move(board, result)
    code = print_move(board, args, result)
    hooks_glue.moved(board, [result])
    return code


def cmd_mv(args: argparse.Namespace) -> int:
    """mv: a move to the state named on the command line."""
    args.to_state = args.state
    return cmd_move(args)


def cmd_undo(args: argparse.Namespace) -> int:
    """Revert the last move (yours, unless --any) from the journal; a batch is reverted whole."""
    from pulseboard.core.undo import undo_batch

    board = open_board(args)
    batch = undo_batch(board, anyone=args.any)
    if batch.batch is None:
        commit_move(board, batch.moved[0], undo=True)
        code = print_move(board, args, batch.moved[0], "undone: ")
    else:
        commit_batch(board, batch.moved, undo=True)
        code = print_batch(board, args, batch, "undone: ")
    hooks_glue.moved(board, batch.moved)
    return code


def print_move(board: Board, args: argparse.Namespace, result: actions.MoveResult, what: str = "") -> int:
    """Say what a move did: its warnings on stderr, then one line and what it let start (or the
    task as JSON)."""
    for warning in result.warnings:
        warn(warning)
    ready = ReadyAfter(board, result.task)
    if args.json:
        print(output.dumps(move_json(result, ready)))
    else:
        print(move_line(result, what))
        sys.stdout.write("".join(line + "\n" for line in ready.lines()))
    return 0


class ReadyAfter:
    """What moving tasks to done let start (core/ready.py): the open tasks ready now and the
    blocked ones whose every dependency is done. The board is read only after a done."""

    def __init__(self, board: Board, *moved: Task) -> None:
        self._finished = {task.id for task in moved if task.state == "done"}
        self._board = board if self._finished else None
        self._found: tuple[list[dict[str, object]], list[dict[str, object]]] | None = None

    def json(self) -> dict[str, list[dict[str, object]]]:
        """`ready_now` and `can_unblock`: each task's id, short id, title and state."""
        if self._found is None:
            self._found = ([], [])
            if self._board is not None:
                from pulseboard.core.ready import ready_now

                tasks = self._board.tasks()
                short = ids.ShortIds(t.id for t in tasks).short
                ready = ready_now(tasks, self._finished)
                for found, group in zip(self._found, (ready.open, ready.blocked), strict=True):
                    found.extend(
                        {"id": t.id, "short": short(t.id), "title": t.title, "state": t.state} for t in group
                    )
        return {"ready_now": self._found[0], "can_unblock": self._found[1]}

    def lines(self) -> list[str]:
        """`ready now: a1b2 "Title", ...` and `every dependency done, unblock: ...` (when any)."""
        found = self.json()
        return [
            f"{label}: " + ", ".join(f'{t["short"]} "{output.plain(str(t["title"]))}"' for t in tasks)
            for label, tasks in (
                ("ready now", found["ready_now"]),
                ("every dependency done, unblock", found["can_unblock"]),
            )
            if tasks
        ]


def move_json(result: actions.MoveResult, ready: ReadyAfter) -> dict[str, object]:
    """A moved task as JSON: the task, where it came from, the move's warnings, what it let start."""
    return {
        **output.task_json(result.task, result.short),
        "from": result.from_state,
        "warnings": result.warnings,
        **ready.json(),
    }


def move_line(result: actions.MoveResult, what: str = "") -> str:
    """`a1b2 "Title": open -> doing` (what: `undone: ` for an undo)."""
    title = output.plain(result.task.title)
    return f'{what}{result.short} "{title}": {result.from_state} -> {result.task.state}'


def print_batch(board: Board, args: argparse.Namespace, batch: BatchResult, what: str = "") -> int:
    """Say what a batch did: a move's warnings and line each, then a sentence on stderr per task
    refused; with --json a list (`"moved": false` and `"error"` for a refused task). Exit 1 if any
    task was refused."""
    items: list[dict[str, object]] = []
    for result in batch.moved:
        for warning in result.warnings:
            warn(warning)
        if args.json:
            items.append({**move_json(result, ReadyAfter(board, result.task)), "moved": True})
        else:
            print(move_line(result, what))
    if batch.moved and not args.json:
        lines = ReadyAfter(board, *(result.task for result in batch.moved)).lines()
        sys.stdout.write("".join(line + "\n" for line in lines))
    for refused in batch.refused:
        print(f"pulse: {one_line(refused.text)}", file=sys.stderr)
        short, title = refused.name, refused.title
        items.append(
            {"id": refused.task_id, "short": short, "title": title, "moved": False, "error": refused.reason}
        )
    if args.json:
        print(output.dumps(items))
    return 1 if batch.refused else 0


def cmd_edit(args: argparse.Namespace) -> int:
    """Open a task's file in $VISUAL / $EDITOR; with git.commit on, commit what the editor left."""
    from pulseboard.services.editor import open_in_editor

    board = open_board(args)
    entry = board.find(args.id)
    open_in_editor(entry.path)
    commit_file(board, board.load(entry), ids.short_id(entry.id, [e.id for e in board.entries()]), "edit")
    return 0
