"""`pulse` with no command: the board app (the TUI) on the discovered tasks/, made in ./tasks if none.

textual is imported here, inside the command, so no other command ever loads it.
"""

from __future__ import annotations

import argparse
import gc
import os
from pathlib import Path

from pulseboard.core import actions
from pulseboard.core.board import Board, discover
from pulseboard.core.errors import PulseError


def cmd_board(args: argparse.Namespace) -> int:
    """Open the board app; a named board that does not exist yet is shown empty until it appears."""
    root, notice = _locate(args.board)
    board = Board(root)
    _ = board.settings  # a broken pulse.yaml is reported before the screen takes over
    gc.enable()  # a long-lived app, unlike the one-shot commands
    from pulseboard.tui.app import PulseApp

    PulseApp(board, notice=notice, poll=args.poll).run()
    return 0


def _locate(named: str | None) -> tuple[Path, str | None]:
    """The board's folder, and what to tell the user about it (None: nothing to tell)."""
    given = named or os.environ.get("PULSE_BOARD")
    try:
        return discover(named, Path.cwd()), None
    except PulseError:
        if given:  # a board named but not there (yet): show it empty and follow it when it comes
            root = Path(given).expanduser().absolute()
            return root, f"{root} does not exist (yet); the board will show it as soon as it does."
        root = Path.cwd() / "tasks"
        actions.init_board(root)
        return (
            root,
            f"No tasks/ folder was found, so pulse made one here: {root} (open, doing, done, blocked).",
        )
