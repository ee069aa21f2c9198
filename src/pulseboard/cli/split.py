"""`pulse split ID [TITLE ...] [--pick N,M]`: a task's parts made in open/ (core/split.py)."""

from __future__ import annotations

import argparse
import sys

from pulseboard.cli import hooks_glue, output
from pulseboard.cli.common import open_board, warn
from pulseboard.cli.gitglue import commit_paths
from pulseboard.core import ids
from pulseboard.core.split import split_task
from pulseboard.core.text import one_line


def cmd_split(args: argparse.Namespace) -> int:
    """Make the parts; a line each (a JSON list of them with --json), the parent's first."""
    board = open_board(args)
    result = split_task(board, args.id, args.titles, [n - 1 for n in args.pick])
    for warning in result.warnings:
        warn(warning)
    short = ids.ShortIds(e.id for e in board.entries()).short
    parent, children = result.parent, result.children
    parts = f"{len(children)} part{'' if len(children) == 1 else 's'}"
    message = f'pulse: split {short(parent.id)} "{one_line(parent.title)}" into {parts}'
    commit_paths(board, [parent.path, *(child.path for child in children)], message)
    if args.json:
        print(output.dumps([output.task_json(child, short(child.id)) for child in children]))
    else:
        lines = [f'Split {short(parent.id)} "{output.plain(parent.title)}" into {parts}:']
        lines += [f"  {short(child.id)}  {output.plain(child.title)}" for child in children]
        sys.stdout.write("".join(line + "\n" for line in lines))
    hooks_glue.created(board, *children)
    return 0
