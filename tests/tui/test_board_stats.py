"""The board's progress views under Pilot: the status line after a move, the stats screen (v) with
its charts, and undo (u) from the journal, which works across restarts and only for your moves."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.board_helpers import Maker, beaten, drive, make_board, new_app, notices, screen_text, wait_for
from support.helpers import where_is
from textual.pilot import Pilot
from textual.widgets import Sparkline, Static
from textual_plotext import PlotextPlot

from pulseboard.core.actions import move_task
from pulseboard.tui.app import PulseApp
from pulseboard.tui.screens.stats import StatsScreen

pytestmark = pytest.mark.timeout(60)


def real_clock() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def status(app: PulseApp) -> str:
    return "".join(str(w.render()) for w in app.board_screen.query("#status Static").results(Static))


def test_the_status_line_counts_a_task_done_now(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Ship it", "doing")
    app = new_app(board, clock=real_clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert "done today 0" in status(app)
        app.board_screen.go_to(app.board_screen.snapshot.with_id(task.id)[0])
        before = app.board_screen.stats
        await pilot.press("d")
        await wait_for(pilot, lambda: app.board_screen.stats is not before)
        assert "done today 1" in status(app)
        assert "1 in 14d" in status(app)
        assert app.board_screen.query_one("#status-velocity", Sparkline).data[-1] == 1

    drive(app, script)


def test_v_opens_the_stats_screen_with_its_charts_and_board_keys_sleep_there(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    waiting = maker.task("Waiting", "open")
    maker.task("Finished", "done")
    app = new_app(board, clock=real_clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("v")
        assert isinstance(app.screen, StatsScreen)
        assert len(app.screen.query(PlotextPlot)) == 3
        text = "\n".join(screen_text(app))
        for words in ("done today", "velocity", "cycle time", "lead time", "time blocked", "Done per day"):
            assert words in text
        await pilot.press("s")  # a board key: nothing moves while the stats are up
        assert where_is(board.root, waiting.name) == ["open"]
        await pilot.press("escape")
        assert not isinstance(app.screen, StatsScreen)

    drive(app, script)


def test_a_remapped_stats_key_opens_and_closes_the_stats_screen(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  stats: y\n")
    Maker(board).task("Finished", "done")
    app = new_app(board, clock=real_clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("y")
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("v")  # the old key no longer closes it
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("y")
        assert not isinstance(app.screen, StatsScreen)

    drive(app, script)


def test_u_reverts_the_last_move_from_the_journal_after_a_restart(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Started yesterday")
    before = task.path.read_bytes()
    move_task(board, task.id, "doing")  # a move made earlier (by this actor), not in this session
    app = new_app(board, clock=real_clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("u")
        assert where_is(board.root, task.name) == ["open"]
        assert (board.root / "open" / task.name).read_bytes() == before
        assert (
            app.board_screen.column("open").selected is not None
            and app.board_screen.column("open").selected.id == task.id
        )
        short = app.board_screen.live.shorts.short(task.id)
        assert f'Undone: {short} "Started yesterday": doing -> open' in notices(app)  # says what it undid

    drive(app, script, notifications=True)


def test_u_leaves_other_peoples_moves_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Theirs")
    monkeypatch.setenv("PULSE_ACTOR", "ana")
    move_task(board, task.id, "doing")
    monkeypatch.setenv("PULSE_ACTOR", "test")
    app = new_app(board, clock=real_clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("u")
        assert where_is(board.root, task.name) == ["doing"]
        assert any("nothing to undo" in n.lower() for n in notices(app))

    drive(app, script)


def chart_text(app: PulseApp, selector: str) -> list[str]:
    """What a chart shows on screen, line by line."""
    region = app.screen.query_one(selector).region
    lines = screen_text(app)[region.y : region.y + region.height]
    return [line[region.x : region.x + region.width] for line in lines]


@pytest.mark.parametrize("finished", [0, 1])
def test_an_empty_cycle_chart_says_so_and_a_day_with_nothing_done_draws_no_bar(
    tmp_path: Path, finished: int
) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("Waiting", "open")
    for n in range(finished):
        maker.task(f"Finished {n}", "done")
    app = new_app(board, clock=real_clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("v")
        await pilot.pause()
        if not finished:  # (a task done straight from open has no cycle time either)
            assert "nothing finished to plot" in "\n".join(screen_text(app))
        bars = sum(line.count("█") for line in chart_text(app, "#chart-done"))
        assert (bars > 0) == bool(finished)  # plotext drew a sliver for each day with nothing done

    drive(app, script, size=(160, 50))
