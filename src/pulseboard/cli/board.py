"""`pulse` with no command: the board app (the TUI) on the discovered tasks/, made in ./tasks if none.

textual is imported here, inside the command, so no other command ever loads it.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pulseboard.core.board import Board, BoardMissing, locate
from pulseboard.core.read_ahead import ReadAhead


def cmd_board(args: argparse.Namespace) -> int:
    """Open the board app; a named board that does not exist yet is shown empty until it appears."""
    root, notice = _locate(args.board)
    board = Board(root)
    _ = board.settings  # a broken pulse.yaml is reported before the screen takes over
    ahead = ReadAhead(board)  # the board is read while textual is imported and the app set up
    from pulseboard.tui.app import PulseApp

    PulseApp(board, notice=notice, poll=args.poll, ahead=ahead).run()
    return 0


def _locate(named: str | None) -> tuple[Path, str | None]:
    """The board's folder (core's `locate` decides), and what to tell the user about it (None: nothing).

    A board named but not there (yet) is shown empty and followed until it comes; pulse makes a
    board itself only when none is named and none is found (then in ./tasks)."""
    env = os.environ.get("PULSE_BOARD")
    try:
        located = locate(named, env, Path.cwd(), create=not (named or env))
    except BoardMissing as missing:
        root = missing.path
        return root, f"{root} does not exist (yet); the board will show it as soon as it does."
    root = located.root
    if located.made:
        made = f"No tasks/ folder was found, so pulse made one here: {root} (open, doing, done, blocked)."
        return root, made
    return root, None
