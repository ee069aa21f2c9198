"""`pulse note` and `pulse renew`: what a holder says about a task while on it (core/holders.py)."""

from __future__ import annotations

import argparse

from pulseboard.cli import output
from pulseboard.cli.common import open_board
from pulseboard.cli.gitglue import commit_file
from pulseboard.core import ids
from pulseboard.core.holders import add_note, renew


def cmd_note(args: argparse.Namespace) -> int:
    """A timestamped line, with who wrote it, under the task's `## Notes`; a sign of life."""
    board = open_board(args)
    task = add_note(board, args.id, " ".join(args.text))
    short = ids.short_id(task.id, [e.id for e in board.entries()])
    commit_file(board, task, short, "note on")
    if args.json:
        print(output.dumps(output.task_json(task, short)))
    else:
        print(f'{short} "{output.plain(task.title)}": noted')
    return 0


def cmd_renew(args: argparse.Namespace) -> int:
    """The lease of each task starts again (a journal line each; the files are not touched)."""
    board = open_board(args)
    all_ids = [e.id for e in board.entries()]
    renewed = [renew(board, query) for query in args.ids]
    if args.json:
        print(output.dumps([output.task_json(t, ids.short_id(t.id, all_ids)) for t in renewed]))
    else:
        lease = board.settings.holders.lease_s // 60
        for task in renewed:
            print(f'{ids.short_id(task.id, all_ids)} "{output.plain(task.title)}": renewed for {lease}m')
    return 0
