"""`pulse doctor`: report the board's problems; with --fix, settle them, asking which copy to keep of a
task found in two folders (or taking --keep's folder)."""

from __future__ import annotations

import argparse
import sys

from pulseboard.cli import output
from pulseboard.cli.common import open_board, warn
from pulseboard.cli.gitglue import commit_paths
from pulseboard.core import doctor
from pulseboard.core.board import Board, Task


def cmd_doctor(args: argparse.Namespace) -> int:
    """Check the board (after fixing what --fix can); exit 1 while any problem remains."""
    board = open_board(args)
    if args.fix:
        _fix(board, args.keep)
    problems = doctor.check(board)
    if args.json:
        print(output.dumps([{"kind": p.kind, "message": p.message, "ids": list(p.ids)} for p in problems]))
    elif problems:
        for problem in problems:
            print(f"{problem.kind}: {output.plain(problem.message)}")
    else:
        print("No problems found.")
    return 1 if problems else 0


def _fix(board: Board, keep: str | None) -> None:
    """Settle copies in two folders, remove leftover temp files, record missing history; say each."""
    said, set_aside = doctor.fix_copies(board, lambda copies: choose_copy(copies, keep))
    said += doctor.remove_leftovers(board)
    said += doctor.record_history(board)
    if set_aside:
        commit_paths(board, set_aside, f"pulse: doctor --fix, one copy of {len(set_aside)} task(s) kept")
    for line in said:
        print(output.plain(line))


def choose_copy(copies: list[Task], keep: str | None) -> Task | None:
    """The copy of a task in two folders to keep: the one in --keep's folder, else the user's pick."""
    if keep is not None:
        return next((t for t in copies if t.state == keep), None)
    if not sys.stdin.isatty():
        warn(f'"{copies[0].title}" is in several folders; choose with --keep STATE (or run in a terminal).')
        return None
    print(f'"{output.plain(copies[0].title)}" ({copies[0].id}) is in {len(copies)} folders:')
    for number, task in enumerate(copies, start=1):
        stamp = task.done or (task.blocked or {}).get("since") or task.started or task.created or "?"
        print(f"  {number}. {task.state}/{task.name}  ({stamp})")
    answer = input("Keep which (number, empty to leave it)? ").strip()
    return copies[int(answer) - 1] if answer.isdigit() and 1 <= int(answer) <= len(copies) else None
