"""`pulse watch --json` in a real subprocess with real watchfiles: one JSON line per change."""

from __future__ import annotations

import json
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from support.helpers import clean_env, ctrl_c_as_in_a_terminal

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board


def read_lines(stream, want: int, timeout: float = 10.0) -> list[str]:
    lines: list[str] = []
    selector = selectors.DefaultSelector()
    selector.register(stream, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while len(lines) < want and time.monotonic() < deadline:
        if selector.select(timeout=0.1):
            line = stream.readline()
            if not line:
                break
            lines.append(line)
    return lines


def test_watch_prints_each_change_as_json_lines(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    board = Board(root)
    task = create_task(board, "Watched")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pulseboard", "--board", str(root), "watch", "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(), cwd=tmp_path,
        preexec_fn=ctrl_c_as_in_a_terminal,
    )  # fmt: skip
    try:
        assert "watching" in read_lines(proc.stderr, 1)[0]
        time.sleep(0.3)
        move_task(board, task.id, "doing")  # another pulse process, in effect
        first = [json.loads(line) for line in read_lines(proc.stdout, 1)]
        (root / "open" / "from-an-agent.md").write_text("# From an agent\n")
        second = [json.loads(line) for line in read_lines(proc.stdout, 1)]
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    finally:
        proc.kill()
    assert [(e["event"], e["id"], e["from"], e["to"]) for e in first] == [("moved", task.id, "open", "doing")]
    assert [(e["event"], e["title"], e["to"]) for e in second] == [("added", "From an agent", "open")]
    assert set(first[0]) == {"at", "event", "id", "short", "title", "from", "to", "path"}
    assert proc.returncode == 130 and "Traceback" not in proc.stderr.read()
