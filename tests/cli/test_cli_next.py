"""`pulse next` end to end in a real subprocess: the heartbeat's shortlist, as text and JSON."""

from __future__ import annotations

import json
from pathlib import Path

from support.helpers import pulse

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board


def test_next_ranks_and_explains(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    board = Board(root)
    urgent = create_task(board, "Fix the login loop", priority="critical", estimate="5m")
    create_task(board, "Tidy the docs", priority="low")
    big = create_task(board, "Rewrite the parser", estimate="2h")
    blocked = create_task(board, "Ship the release")
    move_task(board, blocked.id, "blocked", reason="needs the signing key", waiting_on="ops")
    result = pulse("next", "--json", "-n", "10", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shortlist = json.loads(result.stdout)
    assert shortlist[0]["action"] == "start" and shortlist[0]["ids"] == [urgent.id]
    assert {"term": "priority critical", "points": 6.0} in shortlist[0]["reasons"]
    split = next(s for s in shortlist if s["ids"] == [big.id])
    assert split["kind"] == "split-before-start"
    waiting = next(s for s in shortlist if s["ids"] == [blocked.id])
    assert "ops" in waiting["text"] and "signing key" in waiting["text"]
    assert set(shortlist[0]) == {"kind", "action", "ids", "short", "text", "score", "reasons"}
    text = pulse("next", "-n", "1", cwd=tmp_path)
    assert text.returncode == 0 and text.stdout.startswith("1. start") and "Fix the login loop" in text.stdout
