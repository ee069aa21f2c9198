"""`pulse archive` and `pulse unarchive`: done tasks out of the columns into archive/YYYY-MM/ and back
(core/archive.py); with git.commit on, each run is one commit."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable

from pulseboard.cli import output
from pulseboard.cli.common import open_board, warn
from pulseboard.cli.gitglue import commit_batch
from pulseboard.core import archive, ids
from pulseboard.core.batch import BatchResult, Refusal, summary
from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import format_duration, parse_age
from pulseboard.core.metrics_history import seconds
from pulseboard.core.text import one_line


def cmd_archive(args: argparse.Namespace) -> int:
    """Archive the done tasks named, or those done longer ago than --older-than (else the board's
    archive.after, else 30 days); --dry-run says which without moving any."""
    board = open_board(args)
    tasks = board.tasks()
    short_of = ids.ShortIds(t.id for t in tasks).short
    if args.ids:
        entries = board.entries(["done", "open", "doing", "blocked"])
        chosen, refused = [], []
        for query in args.ids:
            try:
                entry = board.find(query, entries)
            except PulseError as exc:
                refused.append(Refusal(one_line(query), str(exc), None, None, "archived"))
                continue
            chosen.extend(t for t in tasks if (t.state, t.name) == (entry.state, entry.name))
    else:
        older = older_than(args.older_than, board)
        chosen, refused = archive.due(tasks, older, dt.datetime.now(dt.UTC)), []
    if args.dry_run:
        return _print_due(args, chosen, short_of)
    result = archive.archive(board, chosen, short_of=short_of)
    result.refused[:0] = refused
    commit_batch(board, result.moved)
    return _print(args, result, "Archived")


def older_than(given: str | None, board: Board) -> int:
    """--older-than as seconds; else the board's archive.after; else 30 days."""
    if given is None:
        return board.settings.archive_after_s or archive.DEFAULT_AFTER_S
    try:
        return parse_age(given)
    except ValueError as exc:
        raise PulseError(f"--older-than: {exc}.") from None


def cmd_unarchive(args: argparse.Namespace) -> int:
    """Put archived tasks back in done/, each as it was."""
    board = open_board(args)
    archived = board.archived_entries()
    short_of = ids.ShortIds([*(e.id for e in board.entries()), *(e.id for e in archived)]).short
    result = BatchResult(batch=None)
    found: list[Entry] = []
    for query in args.ids:
        try:
            found.append(board.find(query, archived))
        except PulseError as exc:
            reason = str(exc).replace("no task", "no archived task", 1)
            result.refused.append(Refusal(one_line(query), reason))
    if len(found) > 1:
        from pulseboard.core.journal import new_batch_id

        result.batch = new_batch_id()
    for entry in found:
        try:
            result.moved.append(archive.unarchive(board, entry, batch=result.batch, short_of=short_of))
        except PulseError as exc:
            result.refused.append(Refusal(short_of(entry.id), str(exc), entry, None, "restored"))
    commit_batch(board, result.moved, undo=True)
    return _print(args, result, "Restored")


def _print(args: argparse.Namespace, result: BatchResult, lead: str) -> int:
    """A summary line (JSON: each task's JSON and where it went), a sentence per refusal; exit 1
    if any task was refused."""
    for moved in result.moved:
        for warning in moved.warnings:
            warn(warning)
    if args.json:
        items: list[dict[str, object]] = [
            {**output.task_json(r.task, r.short), "from": r.from_state, "moved": True} for r in result.moved
        ]
        items += [
            {"id": r.task_id, "short": r.name, "moved": False, "error": r.reason} for r in result.refused
        ]
        print(output.dumps(items))
    elif result.moved or not result.refused:
        print(summary(result, lead) if result.moved else f"{lead} nothing: no done task is old enough.")
        if result.moved and lead == "Archived":
            print("`pulse undo` puts them back; `pulse ls --archived` lists the archive.")
    for refused in result.refused:
        print(f"pulse: {one_line(refused.text)}", file=sys.stderr)
    return 1 if result.refused else 0


def _print_due(args: argparse.Namespace, chosen: list[Task], short_of: Callable[[str], str]) -> int:
    """--dry-run: the tasks an archive would move, a line each (or JSON)."""
    if args.json:
        print(output.dumps([output.task_json(t, short_of(t.id)) for t in chosen]))
        return 0
    now = dt.datetime.now(dt.UTC).timestamp()
    for task in chosen:
        done = seconds(task.done, now)
        ago = f"done {format_duration(now - done)} ago" if done is not None else ""
        print(f'{short_of(task.id)}  "{output.plain(task.title)}"  {ago} -> archive/{archive.month_of(task)}')
    print(f"{len(chosen)} task{'' if len(chosen) == 1 else 's'} would be archived.")
    return 0
