"""Hooks from the board under Pilot: a move fires the same hooks as the CLI (core/hooks.py), off
the UI thread, and a hook that fails is a toast while the move stands. Real hook processes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support.board_helpers import beaten, drive, make_board, new_app, notices, wait_for
from support.helpers import silent_task, where_is
from textual.pilot import Pilot

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board

pytestmark = pytest.mark.timeout(60)


def test_a_move_on_the_board_runs_its_hooks_and_a_failing_one_is_a_toast(tmp_path: Path) -> None:
    seen = tmp_path / "seen.json"
    script = tmp_path / "on-done.sh"
    script.write_text(f"#!/bin/sh\ncat > {seen}\n")
    script.chmod(0o755)
    config = f'hooks:\n  done: [{script}]\n  moved: [sh, -c, "echo no >&2; exit 3"]\n'
    board = make_board(tmp_path / "tasks", config)
    task = create_task(board, "$(touch pwned) finished on the board")
    move_task(board, task.id, "doing")
    app = new_app(board)

    async def script_(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("l")  # Doing
        await pilot.press("d")
        await wait_for(pilot, lambda: seen.exists() and seen.read_text().strip() != "")
        event = json.loads(seen.read_text())
        assert (event["event"], event["from"], event["to"]) == ("done", "doing", "done")
        assert event["task"]["title"] == "$(touch pwned) finished on the board"
        await wait_for(pilot, lambda: any("moved hook" in n and "exit 3" in n for n in notices(app)))
        assert where_is(board.root, task.name) == ["done"]
        assert not (tmp_path / "pwned").exists() and not (tmp_path / "tasks" / "pwned").exists()

    drive(app, script_, notifications=True)


def test_the_board_tells_a_lease_run_out_to_its_hooks_once(tmp_path: Path) -> None:
    board = make_board(tmp_path / "proj" / "tasks")
    task_id = silent_task(board)
    seen = tmp_path / "seen.jsonl"
    hook = tmp_path / "on-expiry.sh"
    hook.write_text(f"#!/bin/sh\ncat >> {seen}\necho >> {seen}\n")
    hook.chmod(0o755)
    with (board.root / "pulse.yaml").open("a") as config:
        config.write(f"hooks:\n  lease-expired: [{hook}]\n")
    board = Board(board.root)  # the settings as now written
    app = new_app(board, clock=lambda: dt.datetime.now(dt.UTC))

    async def script_(pilot: Pilot) -> None:
        await beaten(pilot)
        await wait_for(pilot, lambda: seen.exists() and seen.read_text().strip() != "")
        app.board_screen.request_beat()
        await pilot.pause(1.0)
        told = [json.loads(line) for line in seen.read_text().splitlines() if line.strip()]
        assert [(e["event"], e["task"]["id"], e["holder"]) for e in told] == [
            ("lease-expired", task_id, "agent-1")
        ]

    drive(app, script_)
