"""The board's figures come from core/figures.Figures, kept level with the board (core/kept.py) and
fed what changed: after moves on the board, a batch, an undo and changes on disk, the status line's
figures equal a full pass (progress.board_stats) over the board the screen holds and the journal,
and so do the stats screen's (with every ageing task)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from support.board_helpers import Feed, Maker, beaten, drive, make_board, new_app, wait_for
from textual.pilot import Pilot

from pulseboard.core import actions, journal
from pulseboard.core.metrics import Stats
from pulseboard.core.progress import board_stats
from pulseboard.tui.app import PulseApp
from pulseboard.tui.screens.board_pulse import STATS_DAYS

pytestmark = pytest.mark.timeout(120)


def full(app: PulseApp) -> Stats:
    screen = app.board_screen
    tasks = list(screen.live.snapshot)
    events = journal.read_events(screen.board.root)
    return board_stats(screen.board, screen.clock().astimezone(), STATS_DAYS, tasks, events)


def test_the_board_figures_equal_a_full_pass_after_moves_and_disk_changes(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    for n in range(6):
        maker.task(f"Task {n}", ["open", "doing", "done", "blocked"][n % 4], estimate="10m")
    feed = Feed()
    app = new_app(board, changes=feed)

    async def settle(pilot: Pilot) -> None:
        screen = app.board_screen
        screen.request_beat()
        await wait_for(pilot, lambda: screen.stats == replace(full(app), ageing=()))  # the line shows none
        assert screen.figures_in_full() == full(app)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await settle(pilot)
        assert app.board_screen._figures.value is not None  # kept, not worked out whole
        for keys in (("s",), ("l", "d"), ("h", "space", "j", "space", "d"), ("u",), ("l", "l", "o")):
            await pilot.press(*keys)
            await settle(pilot)
        made = actions.create_task(board, "Made on disk", now=None)
        feed.send(made.path)
        await settle(pilot)
        made.path.unlink()
        feed.send(made.path)
        await settle(pilot)

    drive(app, script)
