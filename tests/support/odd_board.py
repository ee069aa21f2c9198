"""A board with every kind of file a read meets, for tests that read a board two ways."""

from __future__ import annotations

from pathlib import Path

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board
from support.clock import at


def odd_board(board: Board, tmp_path: Path) -> None:
    """Every kind of file a read meets, in done/ (the child's folder) and elsewhere."""
    for n, state in enumerate(["open", "doing", "done", "done", "blocked"]):
        task = create_task(board, f"Task {n}", priority="high", tags=["backend", "ui"], touches=["src/a.py"])
        if state != "open":
            move_task(board, task.id, state, reason="waiting", waiting_on="ana", now=at(n))
    (board.root / "done" / "by-hand.md").write_text("# Moved here by hand\n")  # dated by its ctime
    (board.root / "done" / "broken.md").write_bytes(b"---\ntitle: [unclosed\n---\n")
    outside = tmp_path / "outside.md"
    outside.write_text("---\ntitle: Through a link\n---\n")
    (board.root / "done" / "linked.md").symlink_to(outside)
    (board.root / "done" / "café ☕.md").write_text("---\ntitle: Accents é and ☕\n---\n")
