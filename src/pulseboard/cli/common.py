"""What every command shares: opening the board named by --board / $PULSE_BOARD, and printing a warning."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pulseboard.core.board import Board, discover
from pulseboard.core.text import one_line


def open_board(args: argparse.Namespace) -> Board:
    """The board the command works on; a broken pulse.yaml is reported here, by every command."""
    board = Board(discover(args.board, Path.cwd()))
    _ = board.settings
    return board


def warn(message: str) -> None:
    """One line on stderr: the command went on, but something needs the user's eye."""
    print(f"pulse: warning: {one_line(message)}", file=sys.stderr)
