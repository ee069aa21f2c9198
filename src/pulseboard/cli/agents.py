"""`pulse agents`: print the loop an agent follows on this board, or (--install FILE) keep it as a
marked block in AGENTS.md / CLAUDE.md (core/agents_text.py)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from pulseboard.cli.common import open_board
from pulseboard.core.agents_text import install, instructions


def cmd_agents(args: argparse.Namespace) -> int:
    """Print the loop; with --install, write it into FILE and say whether that changed anything.

    The board is named relative to where the loop is read: the current folder when printed,
    FILE's folder when installed (so the block is the same on every machine)."""
    board = open_board(args)
    if args.install is None:
        print(instructions(board.settings, os.path.relpath(board.root, Path.cwd())), end="")
        return 0
    path = Path(args.install)
    text = instructions(board.settings, os.path.relpath(board.root, path.absolute().parent))
    if install(path, text):
        print(f"wrote the pulse loop into {args.install}")
    else:
        print(f"{args.install} already has the current pulse loop")
    return 0
