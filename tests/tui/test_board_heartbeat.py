"""The board's heartbeat pane under Textual's Pilot: it beats after a move and after its interval,
shows the engine's suggestions each task once (its other reasons grouped), the score terms behind
the `w` key, steps through them or takes a click, and applies the selected one.

Real boards on disk and the real app; the clock is a fixed one the tests move forward by hand.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support.board_helpers import (
    Feed,
    Maker,
    beaten,
    drive,
    files_in,
    make_board,
    new_app,
    screen_text,
    wait_for,
)
from support.clock import at
from support.helpers import frontmatter, where_is
from textual.pilot import Pilot
from textual.widgets import Input

from pulseboard.core.board import Board
from pulseboard.core.heartbeat_inputs import read_marks
from pulseboard.tui.app import PulseApp
from pulseboard.tui.screens.block import BlockScreen
from pulseboard.tui.screens.choice import ChoiceScreen
from pulseboard.tui.screens.detail import DetailScreen
from pulseboard.tui.screens.new_task import NewTaskScreen
from pulseboard.tui.widgets.heartbeat import HeartbeatPane

pytestmark = pytest.mark.timeout(60)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, moment: dt.datetime) -> None:
        self.moment = moment

    def __call__(self) -> dt.datetime:
        return self.moment


def pane_text(app: PulseApp) -> str:
    return "\n".join(line for line in screen_text(app)[-6:-1])


def pane_lines(app: PulseApp) -> list[str]:
    """The pane's lines as the terminal shows them (its header, then a row a suggestion)."""
    region = app.board_screen.pane.content_region
    lines = screen_text(app)[region.y : region.bottom]
    return [shown for line in lines if (shown := line[region.x : region.right].rstrip())]


def top(app: PulseApp) -> tuple[str, tuple[str, ...]]:
    selected = app.board_screen.pane.selected
    assert selected is not None
    return selected.kind, selected.ids


def starred(app: PulseApp) -> list[str]:
    """The titles of the cards in Open that wear the selected suggestion's star."""
    column = app.board_screen.column("open")
    return [task.title for i, task in enumerate(column.tasks) if "★" in column.render_line(i * 4).text]


def test_the_pane_shows_the_top_suggestions_and_w_shows_their_score_terms(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    urgent = maker.task("Fix the login loop", priority="critical", estimate="5m")
    maker.task("Tidy the docs", priority="low")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app) == ("start", (urgent.id,))
        text = pane_text(app)
        assert "last beat 10:00:00" in text  # the frozen clock, at(60), in UTC
        assert 'Start "Fix the login loop".' in text
        assert "startable" not in text and "priority critical" not in text  # quiet: the terms wait for w
        assert "a apply · ] next · w why" in text
        await pilot.press("w")
        text = pane_text(app)
        assert "priority critical +6" in text and "startable +300" in text
        assert "w why" not in text
        await pilot.press("w")
        assert "startable" not in pane_text(app)

    drive(app, script)


def test_a_task_is_listed_once_with_its_other_reasons_after_its_text(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)  # both started about an hour before the clock: past twice their 5m box
    first = maker.task("Nav A", "doing", estimate="5m", touches=["x.py"])
    second = maker.task("Nav B", "doing", estimate="5m", touches=["x.py"])
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        pane = app.board_screen.pane
        assert [(s.kind, s.ids) for s in pane.suggestions] == [
            ("conflict", (first.id, second.id)), ("split", (second.id,)),
        ]  # fmt: skip
        assert [reason.split(",")[0] for reason in pane.suggestions[0].also] == [
            '"Nav A" has been in progress 58m'
        ]
        lines = pane_lines(app)
        assert len(lines) == 3 and "1/2" in lines[0]  # the header and one row a task
        assert '"Nav A" and "Nav B" both touch x.py' in lines[1]
        assert lines[1].endswith('   also: "Nav A" has been i…')  # muted, cut at the pane's edge
        assert '"Nav B" has been in progress' in lines[2] and "also" not in lines[2]

    drive(app, script)


def test_a_click_on_a_row_selects_its_suggestion_and_stars_its_card(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    made = [maker.task(f"Task {n}", priority=p) for n, p in enumerate(("critical", "high", "medium", "low"))]
    app = new_app(board)
    row = {n: (20, 1 + n) for n in (1, 2, 3)}  # the pane's rule, its header, then the rows

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        pane = app.board_screen.pane
        await wait_for(pilot, lambda: starred(app) == [made[0].title])
        await pilot.click(HeartbeatPane, offset=row[2])
        assert pane.index == 1 and top(app)[1] == (made[1].id,)
        assert "▶ 2." in pane_text(app) and "2/4" in pane_text(app)
        await wait_for(pilot, lambda: starred(app) == [made[1].title])
        await pilot.click(HeartbeatPane, offset=(20, 1))  # the header selects nothing
        assert pane.index == 1
        await pilot.press("left_square_bracket", "left_square_bracket")  # to the last: rows 2, 3 and 4
        assert [line.split(".")[0].strip(" ▶") for line in pane_lines(app)[1:]] == ["2", "3", "4"]
        await pilot.click(HeartbeatPane, offset=row[1])
        assert top(app)[1] == (made[1].id,)  # and the rows stay where they were
        assert [line.split(".")[0].strip(" ▶") for line in pane_lines(app)[1:]] == ["2", "3", "4"]
        await wait_for(pilot, lambda: starred(app) == [made[1].title])

    drive(app, script)


def test_f_folds_the_pane_to_its_top_suggestion_and_opens_it_again(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("Fix the login loop", priority="critical", estimate="5m")
    maker.task("Tidy the docs", priority="low")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        pane = app.board_screen.pane
        tall = pane.size.height
        await pilot.press("f")
        await pilot.pause()
        assert pane.size.height == 1 < tall  # one line under its rule
        text = pane_text(app)
        assert 'Start "Fix the login loop".' in text and "last beat" not in text and "Tidy" not in text
        await pilot.press("f")
        await pilot.pause()
        assert pane.size.height == tall and "last beat" in pane_text(app)

    drive(app, script)


def test_the_selected_suggestions_card_wears_a_star(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    urgent = maker.task("Fix the login loop", priority="critical", estimate="5m")
    later = maker.task("Tidy the docs", priority="low")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await wait_for(pilot, lambda: starred(app) == [urgent.title])
        await pilot.press("right_square_bracket")
        assert app.board_screen.pane.selected.ids == (later.id,)
        await wait_for(pilot, lambda: starred(app) == [later.title])

    drive(app, script)


def test_a_move_makes_the_pane_beat_again(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "wip:\n  doing: 1\n")
    maker = Maker(board)
    first = maker.task("First thing", priority="high")
    maker.task("Second thing")
    # A real clock: the move stamps `started` with it and the file's mtime comes from the real one.
    app = new_app(board, clock=lambda: dt.datetime.now(dt.UTC))

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app) == ("start", (first.id,))
        before = app.board_screen.pane.beat_at
        app.board_screen.go_to(app.board_screen.snapshot.with_id(first.id)[0])
        await pilot.press("s")
        assert where_is(board.root, first.name) == ["doing"]
        await wait_for(pilot, lambda: app.board_screen.pane.beat_at != before)
        assert top(app) == ("at-limit", (first.id,))
        assert 'Doing is full (1/1): finish "First thing"' in pane_text(app)

    drive(app, script)


def test_the_pane_beats_on_its_interval_with_no_change_on_disk(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "heartbeat:\n  interval: 0.2\n")
    maker = Maker(board)
    task = maker.task("Long haul", "doing", estimate="10m")  # started at at(1) + 30 s
    clock = Clock(at(5))
    app = new_app(board, clock=clock)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert app.board_screen.pane.selected is not None and app.board_screen.pane.selected.kind == "idle"
        clock.moment = at(13)  # past its 10-minute box: consider splitting
        await wait_for(pilot, lambda: app.board_screen.pane.beat_at == at(13))
        assert top(app) == ("consider-split", (task.id,))
        assert "past its 10m box: consider splitting it" in pane_text(app)
        clock.moment = at(25)  # past twice its box: split it
        await wait_for(pilot, lambda: app.board_screen.pane.beat_at == at(25))
        assert top(app) == ("split", (task.id,))

    drive(app, script)


def test_the_heart_lights_up_for_a_moment_after_each_beat(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    Maker(board).task("Something")
    app = new_app(board)
    app.animation_level = "full"  # new_app turns animations off; the pulse is one

    async def script(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: app.board_screen.pane.lit)
        assert app.board_screen.pane.has_class("beat")
        await wait_for(pilot, lambda: not app.board_screen.pane.lit)
        assert not app.board_screen.pane.has_class("beat")

    drive(app, script)


def test_step_keys_move_the_selection_and_it_survives_a_beat(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    made = [maker.task(f"Task {n}", priority=p) for n, p in enumerate(("critical", "high", "medium", "low"))]
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app)[1] == (made[0].id,)
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert top(app)[1] == (made[2].id,)
        assert app.board_screen.pane.index == 2 and "3/4" in pane_text(app)
        assert any(line.lstrip().startswith("▶ 3.") for line in screen_text(app))
        await pilot.press("right_square_bracket", "right_square_bracket")  # wraps to the first
        assert top(app)[1] == (made[0].id,)
        await pilot.press("left_square_bracket")
        assert top(app)[1] == (made[3].id,)
        assert "▶ 4." in pane_text(app)  # the window follows the selection
        shown = app.board_screen.pane.suggestions
        app.board_screen.request_beat()
        await wait_for(pilot, lambda: app.board_screen.pane.suggestions is not shown)  # a new beat came
        assert top(app)[1] == (made[3].id,)

    drive(app, script)


def test_apply_starts_the_proposed_task(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("Later", priority="low")
    wanted = maker.task("Now", priority="critical")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("a")
        assert where_is(board.root, wanted.name) == ["doing"]
        assert frontmatter(board.root / "doing" / wanted.name)["started"]
        assert app.board_screen.column("doing").selected.name == wanted.name

    drive(app, script)


def test_apply_applies_the_selected_suggestion_not_only_the_top_one(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("First", priority="critical")
    second = maker.task("Second", priority="low")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("right_square_bracket", "a")
        assert files_in(board.root, "doing") == [second.name]

    drive(app, script)


def test_apply_on_a_full_doing_asks_done_or_block(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "wip:\n  doing: 1\n")
    maker = Maker(board)
    busy = maker.task("Busy", "doing")
    maker.task("Waiting its turn")
    app = new_app(board, clock=Clock(at(5)))  # 4 minutes in: inside its time box

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app) == ("at-limit", (busy.id,))
        await pilot.press("a")
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("n")  # not yet: nothing moves
        assert not isinstance(app.screen, ChoiceScreen)
        assert where_is(board.root, busy.name) == ["doing"]
        await pilot.press("a", "b")  # block it: the block prompt asks why
        assert isinstance(app.screen, BlockScreen)
        await pilot.press(*"needs a review", "enter")
        assert where_is(board.root, busy.name) == ["blocked"]
        assert frontmatter(board.root / "blocked" / busy.name)["blocked"]["reason"] == "needs a review"

    drive(app, script)


def test_apply_finish_with_d_moves_the_task_to_done(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "wip:\n  doing: 1\n")
    busy = Maker(board).task("Busy", "doing")
    app = new_app(board, clock=Clock(at(5)))

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        await pilot.press("a", "d")
        assert where_is(board.root, busy.name) == ["done"]

    drive(app, script)


def test_apply_split_opens_the_new_task_form_like_the_task(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    big = Maker(board).task("Rewrite the parser", priority="high", estimate="2h", touches=["src/parser.py"])
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app) == ("split-before-start", (big.id,))
        await pilot.press("a")
        assert isinstance(app.screen, NewTaskScreen)
        assert app.screen.query_one("#touches", Input).value == "src/parser.py"
        assert 'Split "Rewrite the parser"' in "\n".join(screen_text(app))
        await pilot.press(*"Parse the header", "enter")
        assert not isinstance(app.screen, NewTaskScreen)
        made = [name for name in files_in(board.root, "open") if name != big.name]
        assert len(made) == 1
        front = frontmatter(board.root / "open" / made[0])
        assert front["title"] == "Parse the header" and front["priority"] == "high"
        assert front["touches"] == ["src/parser.py"]

    drive(app, script)


def test_a_stale_spec_is_settled_by_reading_it(tmp_path: Path) -> None:
    board: Board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Changing spec", "doing")
    stamp = at(30).timestamp()  # edited well after it was started at at(1)
    import os

    task.path.write_text(task.path.read_text() + "\nAnd the export must be CSV too.\n")
    os.utime(task.path, (stamp, stamp))
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app) == ("stale-spec", (task.id,))
        assert "changed after it was started: re-read it" in pane_text(app)
        await pilot.press("a")  # re-read: the detail view opens on it
        assert isinstance(app.screen, DetailScreen) and app.screen.task.id == task.id
        assert task.id in read_marks(board.root)
        await wait_for(
            pilot,
            lambda: (
                app.board_screen.pane.selected is not None
                and app.board_screen.pane.selected.kind != "stale-spec"
            ),
        )
        await pilot.press("escape")
        assert all(s.kind != "stale-spec" for s in app.board_screen.pane.suggestions)

    drive(app, script)


def test_apply_with_nothing_to_do_says_so(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert top(app) == ("idle", ())
        await pilot.press("a")
        assert "Nothing to start or finish." in "\n".join(screen_text(app))

    drive(app, script, notifications=True)


def test_apply_and_step_keys_can_be_remapped(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  apply: x\n  next_suggestion: ctrl+n\n")
    maker = Maker(board)
    maker.task("First", priority="high")
    second = maker.task("Second", priority="low")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert "x apply · ctrl+n next" in pane_text(app)
        await pilot.press("ctrl+n", "x")
        assert files_in(board.root, "doing") == [second.name]

    drive(app, script)


def test_the_panes_key_hints_follow_a_remap_in_pulse_yaml_while_the_board_runs(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  why: y\n")
    Maker(board).task("Something to start")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        assert "y why" in pane_text(app)
        config = board.root / "pulse.yaml"
        config.write_text(config.read_text(encoding="utf-8").replace("why: y", "why: x\n  apply: ctrl+a"))
        app.board_screen.reread_settings()
        await pilot.pause()
        assert "x why" in pane_text(app) and "ctrl+a apply" in pane_text(app)

    drive(app, script)


def test_a_task_removed_from_disk_leaves_the_pane_at_once_not_at_the_next_beat(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    gone = maker.task("Remove me", priority="critical")
    maker.task("Stay")
    feed = Feed()
    app = new_app(board, changes=feed)

    async def script(pilot: Pilot) -> None:
        await beaten(pilot)
        screen = app.board_screen
        assert screen.pane.suggestions[0].ids[0] == gone.id
        screen.schedule.after_change = 60  # no beat comes to tidy the pane
        gone.path.unlink()
        feed.send(gone.path)
        await wait_for(pilot, lambda: gone.name not in [t.name for t in screen.column("open").tasks])
        assert all(gone.id not in s.ids for s in screen.pane.suggestions)
        assert "Remove me" not in pane_text(app)

    drive(app, script)
