"""The board's incremental heartbeat (core/engine.py) stays level with the board: after key moves,
a batch, an undo, a task created and files made, moved, edited and removed on disk, in a seeded
random order, the engine's ranking equals a full beat over the board the screen holds, and the
pane shows what the engine ranked."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from support.board_helpers import Feed, Maker, beaten, drive, make_board, new_app, wait_for
from textual.pilot import Pilot

from pulseboard.core import actions
from pulseboard.core.board import STATES
from pulseboard.core.heartbeat import beat, group_by_task
from pulseboard.core.heartbeat_inputs import modified_times, push_failure
from pulseboard.tui.app import PulseApp
from pulseboard.tui.screens.board_pulse import PANE_KEEPS

pytestmark = pytest.mark.timeout(120)
TOUCHES = ["src/a.py", "src/b.py", "docs/x.md"]


def level(app: PulseApp) -> bool:
    """The engine ranks what a full beat over the screen's snapshot ranks."""
    screen = app.board_screen
    engine = screen._engine.value
    if engine is None:
        return False
    now = screen.clock()
    tasks = list(screen.live.snapshot)
    full = beat(tasks, now, screen.board.settings.heartbeat)
    return engine.suggest(now) == full


def on_disk(app: PulseApp) -> dict[str, set[str]]:
    root = app.board_screen.board.root
    return {s: {n for n in os.listdir(root / s) if n.endswith(".md")} for s in STATES}


def shown(app: PulseApp) -> dict[str, set[str]]:
    snapshot = app.board_screen.live.snapshot
    return {s: {t.name for t in snapshot.column(s)} for s in STATES}


def test_the_engine_stays_level_with_a_full_beat_through_keys_and_disk_changes(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    rng = random.Random(7)
    for n in range(8):
        state = rng.choice(["open", "open", "doing", "done", "blocked"])
        maker.task(f"Task {n}", state, touches=rng.sample(TOUCHES, rng.randint(0, 2)), estimate="10m")
    feed = Feed()
    app = new_app(board, changes=feed)

    async def settle(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: shown(app) == on_disk(app) and level(app))

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await settle(pilot)
        for step in range(30):
            kind = rng.choice(["key", "key", "create", "rename", "edit", "remove", "batch"])
            if kind == "key":
                await pilot.press(rng.choice(["h", "l", "j", "k"]), rng.choice(["s", "d", "o", "u"]))
            elif kind == "batch":
                await pilot.press("space", "j", "space", rng.choice(["s", "d", "o"]))
            elif kind == "create":
                task = actions.create_task(board, f"Made on disk {step}", touches=rng.sample(TOUCHES, 1))
                feed.send(task.path)
            else:
                files = [board.root / s / n for s, names in on_disk(app).items() for n in names]
                if not files:
                    continue
                path = rng.choice(files)
                if kind == "rename":
                    target = board.root / rng.choice(STATES) / path.name
                    if not target.exists():
                        os.rename(path, target)
                        feed.send(path, target)
                elif kind == "edit":
                    text = path.read_text(encoding="utf-8").replace("priority: medium", "priority: high")
                    path.write_text(text, encoding="utf-8")
                    feed.send(path)
                else:
                    path.unlink()
                    feed.send(path)
            await settle(pilot)
        screen = app.board_screen
        screen.request_beat()
        now = screen.clock()
        tasks = list(screen.live.snapshot)
        inputs = modified_times(tasks, board.root), push_failure(board.root)
        full = group_by_task(beat(tasks, now, board.settings.heartbeat, *inputs))[:PANE_KEEPS]
        await wait_for(pilot, lambda: [s.ids for s in screen.pane.suggestions] == [s.ids for s in full])

    drive(app, script)
