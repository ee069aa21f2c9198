"""Holders on the board under Pilot: a Doing card names its holder and, past the lease, that the
holder went silent; the status line counts the holders and the silent ones; `a` on the heartbeat's
note reopens the task. A real board on disk, the real app, the wall clock (leases run on it)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.board_helpers import (
    beaten,
    column_text,
    drive,
    make_board,
    new_app,
    notices,
    screen_text,
    wait_for,
)
from support.helpers import silent_task
from textual.pilot import Pilot

from pulseboard.core.actions import create_task, move_task
from pulseboard.tui.screens.plan import PlanScreen

pytestmark = pytest.mark.timeout(60)


def test_a_silent_holders_card_and_the_status_line_say_so(tmp_path: Path, monkeypatch) -> None:
    board = make_board(tmp_path / "tasks")
    task_id = silent_task(board)
    mine = create_task(board, "Mine now", touches=["b.py"])
    move_task(board, mine.id, "doing")  # held by `test`, who is at the board: never "silent"
    app = new_app(board, clock=lambda: dt.datetime.now(dt.UTC))

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await wait_for(pilot, lambda: any("agent-1 silent" in line for line in column_text(app, "doing")))
        doing = "\n".join(column_text(app, "doing"))
        assert "· test" in doing and "test silent" not in doing
        status = screen_text(app)[-2]
        assert "2 holders active, 1 silent" in status
        assert "agent-1 went silent on" in "\n".join(screen_text(app))
        await pilot.press("a")  # the note is first: it reopens the task
        await wait_for(
            pilot, lambda: any(p.name.startswith(task_id) for p in (board.root / "open").iterdir())
        )

    drive(app, script)


def test_p_shows_the_plans_lanes_and_plus_asks_for_one_hand_more(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    for n in range(3):
        create_task(board, f"Area {n} work", touches=[f"src/area{n}.py"])
    create_task(board, "More in area 0", touches=["src/area0.py"])
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, PlanScreen))
        text = "\n".join(screen_text(app))
        assert "Plan for 3 hands" in text and "lane 1: free" in text and "lane 3: free" in text
        assert "More in area 0" in text
        await pilot.press("plus")
        await wait_for(
            pilot, lambda: isinstance(app.screen, PlanScreen) and "4 hands" in "\n".join(screen_text(app))
        )
        assert "lane 4: empty" in "\n".join(screen_text(app))
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PlanScreen))

    drive(app, script)


def test_done_names_at_once_what_it_let_start(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    first = create_task(board, "Lay the schema", touches=["db.sql"])
    create_task(board, "Write the queries", depends=[first.id], touches=["q.py"])
    move_task(board, first.id, "doing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("l")  # Doing
        await pilot.press("d")
        await wait_for(pilot, lambda: any(n.startswith("Ready now:") for n in notices(app)))
        assert any('"Write the queries"' in n for n in notices(app))

    drive(app, script, notifications=True)
