"""The CLI's git glue: with `git.commit` on, each change becomes a commit of just its files; `pulse sync`.

services.git is imported only when git is used, so a board without git never loads it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pulseboard.cli.common import open_board, warn
from pulseboard.core.actions import MoveResult
from pulseboard.core.board import Board, Task
from pulseboard.core.errors import PulseError


def commit_move(board: Board, result: MoveResult, *, undo: bool = False) -> None:
    """With git.commit on, the move becomes a commit of just its file (and the journal)."""
    if board.settings.git_commit:
        from pulseboard.services import git

        problem = git.commit_move(board, result, undo=undo)
        if problem:
            warn(problem)


def commit_batch(board: Board, results: list[MoveResult], *, undo: bool = False) -> None:
    """With git.commit on, the moves of one batch (or its undo) become one commit."""
    if board.settings.git_commit and results:
        from pulseboard.services import git

        problem = git.commit_batch(board, results, undo=undo)
        if problem:
            warn(problem)


def commit_file(board: Board, task: Task, short: str, verb: str) -> None:
    """With git.commit on, a new or edited task file becomes a commit of just that file."""
    if board.settings.git_commit:
        from pulseboard.services.git import commit_message

        commit_paths(board, [task.path], commit_message(verb, short, task))


def commit_paths(board: Board, paths: list[Path], message: str) -> None:
    """With git.commit on, a commit of just these files; a git problem is a warning, not a failure."""
    if board.settings.git_commit:
        from pulseboard.services.git import commit

        problem = commit(board, paths, message)
        if problem:
            warn(problem)


def cmd_sync(args: argparse.Namespace) -> int:
    """Commit the board's pending changes, pull with rebase, push."""
    from pulseboard.services.git import GitError
    from pulseboard.services.git_sync import sync

    try:
        said = sync(open_board(args))
    except GitError as exc:
        raise PulseError(f"{exc}.") from None
    print("\n".join(said))
    return 0
