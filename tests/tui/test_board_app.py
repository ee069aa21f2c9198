"""The board app end to end: real boards in tmp_path, the real PulseApp under Textual's Pilot.

Moves are checked on disk (which folder holds the file, what its frontmatter says), not only on
screen. The one stub is PulseApp.run in the `pulse` (no command) test, which stands in for a terminal.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from support.board_helpers import (
    Maker,
    column_text,
    drive,
    files_in,
    focused_state,
    make_board,
    new_app,
    notices,
    screen_segments,
    screen_text,
    titles,
    wait_for,
)
from support.helpers import frontmatter, where_is
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, SelectionList, Static

from pulseboard.core.board import STATES, Board
from pulseboard.tui.app import PulseApp
from pulseboard.tui.screens.block import BlockScreen
from pulseboard.tui.screens.board import BoardScreen
from pulseboard.tui.screens.choice import ConfirmScreen
from pulseboard.tui.screens.detail import DetailScreen
from pulseboard.tui.screens.help import HelpScreen
from pulseboard.tui.screens.new_task import NewTaskScreen
from pulseboard.tui.widgets.cards import CARD_HEIGHT
from pulseboard.tui.widgets.column import TaskColumn

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def board(tmp_path: Path) -> Board:
    return make_board(tmp_path / "tasks")


@pytest.fixture
def maker(board: Board) -> Maker:
    return Maker(board)


def wip_config(doing: int, hard: bool = False, extra: str = "") -> str:
    return f"wip:\n  doing: {doing}\n  hard: {'true' if hard else 'false'}\ntheme: pulse-dark\n{extra}"


def text_of(widget: Static) -> str:
    return str(widget.render())


# -- 1. moves with keys ------------------------------------------------------------------------------


def status_note(app: PulseApp) -> str:
    return str(app.board_screen.query_one("#status-note", Static).render())


def test_s_starts_the_selected_task_and_the_cursor_follows_it(board: Board, maker: Maker) -> None:
    first, second, third = maker.task("First"), maker.task("Second"), maker.task("Third")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert titles(app, "open") == ["First", "Second", "Third"]
        await pilot.press("j")
        assert app.board_screen.column("open").selected == second
        await pilot.press("s")
        assert files_in(board.root, "doing") == [second.name]
        assert files_in(board.root, "open") == sorted([first.name, third.name])
        assert frontmatter(board.root / "doing" / second.name)["started"]
        assert focused_state(app) == "doing"
        assert app.board_screen.column("doing").selected.name == second.name
        assert titles(app, "open") == ["First", "Third"]

    drive(app, script)


def test_d_finishes_and_o_reopens_with_the_stamps_on_disk(board: Board, maker: Maker) -> None:
    task = maker.task("Ship it", "doing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("l")  # to the doing column
        assert focused_state(app) == "doing"
        await pilot.press("d")
        assert where_is(board.root, task.name) == ["done"]
        front = frontmatter(board.root / "done" / task.name)
        assert front["done"] and front["started"]
        assert focused_state(app) == "done" and app.board_screen.column("done").selected.name == task.name
        await pilot.press("o")
        assert where_is(board.root, task.name) == ["open"]
        front = frontmatter(board.root / "open" / task.name)
        assert "done" not in front and "started" not in front
        assert focused_state(app) == "open" and app.board_screen.column("open").selected.name == task.name

    drive(app, script)


def test_b_asks_why_and_who_then_blocks_the_file(board: Board, maker: Maker) -> None:
    task = maker.task("Needs a key")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("b")
        assert isinstance(app.screen, BlockScreen)
        assert where_is(board.root, task.name) == ["open"]  # nothing moves before the answer
        await pilot.press(*"API key")
        await pilot.press("tab")
        await pilot.press(*"Dana")
        await pilot.press("enter")
        assert not isinstance(app.screen, BlockScreen)
        assert where_is(board.root, task.name) == ["blocked"]
        blocked = frontmatter(board.root / "blocked" / task.name)["blocked"]
        assert blocked["reason"] == "API key"
        assert blocked["waiting_on"] == "Dana"
        assert blocked["since"]
        assert set(blocked) == {"reason", "waiting_on", "since"}
        assert (
            focused_state(app) == "blocked" and app.board_screen.column("blocked").selected.name == task.name
        )

    drive(app, script)


def test_block_prompt_needs_a_reason_and_escape_cancels(board: Board, maker: Maker) -> None:
    task = maker.task("Needs a key")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("b", "enter")  # no reason given
        assert isinstance(app.screen, BlockScreen)
        assert "needed" in text_of(app.screen.query_one("#problem", Static))
        assert where_is(board.root, task.name) == ["open"]
        await pilot.press("escape")
        assert not isinstance(app.screen, BlockScreen)
        assert where_is(board.root, task.name) == ["open"]
        assert focused_state(app) == "open"

    drive(app, script)


def test_shift_arrows_move_one_column_and_focus_follows(board: Board, maker: Maker) -> None:
    task = maker.task("Walker")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("shift+left")  # open is the first column: nothing to the left
        assert where_is(board.root, task.name) == ["open"]
        for expected in ("doing", "done"):
            await pilot.press("shift+right")
            assert where_is(board.root, task.name) == [expected]
            assert focused_state(app) == expected
            assert app.board_screen.column(expected).selected.name == task.name
        await pilot.press("shift+right")  # done -> blocked asks why first
        assert isinstance(app.screen, BlockScreen)
        await pilot.press(*"legal", "enter")
        assert where_is(board.root, task.name) == ["blocked"]
        assert focused_state(app) == "blocked"
        for expected in ("done", "doing", "open"):
            await pilot.press("shift+left")
            assert where_is(board.root, task.name) == [expected]
            assert focused_state(app) == expected
            assert app.board_screen.column(expected).selected.name == task.name

    drive(app, script)


def test_arrows_and_hjkl_move_the_cursor_and_the_focus(board: Board, maker: Maker) -> None:
    for title in ("One", "Two", "Three"):
        maker.task(title)
    maker.task("Busy", "doing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        column = app.board_screen.column("open")
        assert focused_state(app) == "open" and column.cursor == 0
        await pilot.press("down")
        assert column.cursor == 1
        await pilot.press("j")
        assert column.cursor == 2
        await pilot.press("j")  # stays on the last card
        assert column.cursor == 2
        await pilot.press("up")
        assert column.cursor == 1
        await pilot.press("k", "k")
        assert column.cursor == 0
        await pilot.press("end")
        assert column.cursor == 2
        await pilot.press("home")
        assert column.cursor == 0
        await pilot.press("right")
        assert focused_state(app) == "doing"
        await pilot.press("l")
        assert focused_state(app) == "done"
        await pilot.press("h")
        assert focused_state(app) == "doing"
        await pilot.press("left", "left")  # stops at Open, and says so
        assert focused_state(app) == "open" and column.cursor == 0
        assert "Open is the first column." in status_note(app)
        await pilot.press("l", "l", "l", "l")
        assert focused_state(app) == "blocked"
        assert "Blocked is the last column." in status_note(app)

    drive(app, script)


# -- 2. WIP states --------------------------------------------------------------------------------


def test_page_and_end_keys_move_the_cursor_and_keep_it_in_sight(board: Board, maker: Maker) -> None:
    """No key may act on a card the user cannot see: the page keys and End move the cursor, and
    the column scrolls to it (they used to scroll and leave the cursor out of sight)."""
    for n in range(40):
        maker.task(f"Task {n:02d}")
    app = new_app(board)

    def cursor_in_sight(column: TaskColumn) -> bool:
        top = column.cursor * CARD_HEIGHT - column.scroll_offset.y
        return top >= 0 and top + CARD_HEIGHT - 1 <= column.scrollable_content_region.height

    async def script(pilot: Pilot) -> None:
        column = app.board_screen.column("open")
        await pilot.press("pagedown")
        await pilot.pause()
        assert column.cursor > 1 and cursor_in_sight(column)
        await pilot.press("end")
        await pilot.pause()
        assert column.cursor == 39 and cursor_in_sight(column)
        await pilot.press("pageup")
        await pilot.pause()
        assert column.cursor < 39 and cursor_in_sight(column)
        chosen = column.selected
        await pilot.press("s")
        await wait_for(pilot, lambda: where_is(board.root, chosen.name) == ["doing"])

    drive(app, script)


def test_a_cards_time_follows_the_clock_each_second(board: Board, maker: Maker) -> None:
    """A card shows seconds in a task's first minute, so it must change each second (it was
    redrawn every 30 s: a timer that jumped from 5s to 35s)."""
    task = maker.task("Just started", "doing")
    started = task.started
    now = [dt.datetime.fromisoformat(started.replace("Z", "+00:00")) + dt.timedelta(seconds=5)]
    app = new_app(board, clock=lambda: now[0])

    async def script(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: any("▶ 5s" in line for line in column_text(app, "doing")))
        now[0] += dt.timedelta(seconds=2)
        await wait_for(pilot, lambda: any("▶ 7s" in line for line in column_text(app, "doing")), timeout=3)
        now[0] += dt.timedelta(minutes=3)
        await wait_for(pilot, lambda: any("▶ 3m" in line for line in column_text(app, "doing")), timeout=3)

    drive(app, script)


def test_at_80_columns_a_card_keeps_its_estimate_and_marks(board: Board, maker: Maker) -> None:
    """A narrow card shows the priority by its mark alone, so the estimate and the overlap mark
    after it stay in view (they were cut off behind "▲▲critical")."""
    maker.task("In progress", "doing", touches=["src/auth.py"])
    maker.task("Fix the login loop", priority="critical", estimate="10m", touches=["src/auth.py"])
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        first = column_text(app, "open")[0]
        assert "▲▲" in first and "10m" in first and "⇄" in first and "critical" not in first, first

    drive(app, script, size=(80, 24))


def test_an_empty_board_says_how_to_start(board: Board) -> None:
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.pause()
        text = " ".join(" ".join(column_text(app, "open")).split())
        assert "No tasks yet. n adds one here; `pulse add TITLE` or any .md file in open/ does too." in text
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"First", "enter")
        await wait_for(pilot, lambda: titles(app, "open") == ["First"])
        app.board_screen.focus_now(app.board_screen.column("doing"))
        await pilot.press("k")  # nothing: Doing is empty
        assert "Nothing here." in " ".join(column_text(app, "doing"))

    drive(app, script)


def test_the_focused_columns_title_stands_out(board: Board, maker: Maker) -> None:
    maker.task("Something")
    app = new_app(board)

    def reversed_titles() -> list[str]:
        return [s for s in STATES if app.board_screen.query_one(f"#title-{s}", Static).rich_style.underline]

    async def script(pilot: Pilot) -> None:
        await pilot.pause()
        assert reversed_titles() == ["open"]
        await pilot.press("l")
        await pilot.pause()
        assert reversed_titles() == ["doing"]

    drive(app, script)


def test_doing_title_shows_at_and_over_the_soft_limit(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", wip_config(2))
    maker = Maker(board)
    maker.task("Running", "doing")
    a, b = maker.task("A"), maker.task("B")
    maker.task("C")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        title = app.board_screen.query_one("#title-doing", Static)
        banner = app.board_screen.query_one("#topbar", Static)  # the top bar turns into the WIP warning
        assert text_of(title).startswith("Doing 1/2")
        assert not title.has_class("wip-at") and not title.has_class("wip-over")
        assert not banner.has_class("wip-over")
        await pilot.press("s")  # A: 2/2, at the limit
        assert where_is(board.root, a.name) == ["doing"]
        assert text_of(title).startswith("Doing 2/2")
        assert title.has_class("wip-at") and not title.has_class("wip-over")
        assert not banner.has_class("wip-over")
        assert not any("over its limit" in n for n in notices(app))
        await pilot.press("h", "s")  # B: 3/2, a soft limit lets it through with a warning
        assert where_is(board.root, b.name) == ["doing"]
        assert text_of(title).startswith("Doing 3/2")
        assert title.has_class("wip-over") and not title.has_class("wip-at")
        assert banner.has_class("wip-over") and "3/2" in text_of(banner)
        assert any("over its limit" in n for n in notices(app))
        await pilot.press("h", "n")  # other work (a new-task form, cancelled) leaves the banner up
        await pilot.press("escape")
        await pilot.press("slash", "x", "escape")
        assert banner.has_class("wip-over") and title.has_class("wip-over")
        app.board_screen.column("doing").focus()
        await pilot.press("d")  # back to 2/2: the banner goes, the title says "at"
        assert text_of(title).startswith("Doing 2/2")
        assert not banner.has_class("wip-over")
        assert title.has_class("wip-at") and not title.has_class("wip-over")
        await pilot.press("h", "d")
        assert text_of(title).startswith("Doing 1/2")
        assert not title.has_class("wip-at") and not title.has_class("wip-over")

    drive(app, script)


# -- 3. hard WIP limit ----------------------------------------------------------------------------


def test_hard_limit_asks_first_n_keeps_y_moves(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", wip_config(3, hard=True))
    maker = Maker(board)
    for title in ("One", "Two", "Three"):
        maker.task(title, "doing")
    fourth = maker.task("Fourth")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("s")
        assert isinstance(app.screen, ConfirmScreen)
        assert "Fourth" in text_of(app.screen.query_one(".question", Static))
        await pilot.press("n")
        assert not isinstance(app.screen, ConfirmScreen)
        assert where_is(board.root, fourth.name) == ["open"]
        assert len(files_in(board.root, "doing")) == 3
        await pilot.press("s")
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        assert where_is(board.root, fourth.name) == ["doing"]
        assert focused_state(app) == "doing" and app.board_screen.column("doing").selected.name == fourth.name
        assert text_of(app.board_screen.query_one("#title-doing", Static)).startswith("Doing 4/3")
        assert app.board_screen.query_one("#topbar", Static).has_class("wip-over")

    drive(app, script)


# -- 4. filter ------------------------------------------------------------------------------------


def test_filter_narrows_every_column_and_escape_restores(board: Board, maker: Maker) -> None:
    nav = maker.task("Fix the navbar")
    maker.task("Write docs", touches=["docs/index.md"])
    touched = maker.task("Refactor", touches=["src/navigation.py"])
    tagged = maker.task("Polish", tags=["navy"])
    busy = maker.task("Navigate home", "doing")
    maker.task("Unrelated", "doing")
    maker.task("Old nav work", "done")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        field = app.board_screen.query_one("#filter", Input)
        assert not field.display
        await pilot.press("slash")
        assert field.display and app.focused is field
        await pilot.press(*"nav")
        assert titles(app, "open") == ["Fix the navbar", "Refactor", "Polish"]  # title, touches, tag
        assert titles(app, "doing") == ["Navigate home"]
        assert titles(app, "done") == ["Old nav work"]
        assert text_of(app.board_screen.query_one("#title-open", Static)) == "Open 4  (3 shown)"
        assert text_of(app.board_screen.query_one("#title-doing", Static)).endswith("(1 shown)")
        assert text_of(app.board_screen.query_one("#title-blocked", Static)).endswith("(0 shown)")
        assert [t.name for t in app.board_screen.column("open").tasks] == [
            nav.name,
            touched.name,
            tagged.name,
        ]
        assert [t.name for t in app.board_screen.column("doing").tasks] == [busy.name]
        await pilot.press(*"sdbo")  # board keys typed into the field are text, not moves
        assert where_is(board.root, nav.name) == ["open"] and where_is(board.root, busy.name) == ["doing"]
        assert app.board_screen.filter_text == "navsdbo" and all(
            len(app.board_screen.column(s).tasks) == 0 for s in STATES
        )
        await pilot.press("escape")
        assert not field.display and app.board_screen.filter_text == ""
        assert (
            len(app.board_screen.column("open").tasks) == 4
            and len(app.board_screen.column("doing").tasks) == 2
        )
        assert text_of(app.board_screen.query_one("#title-open", Static)) == "Open 4"
        assert "shown" not in text_of(app.board_screen.query_one("#title-doing", Static))

    drive(app, script)


def test_filter_by_id_prefix_and_enter_returns_to_the_board(board: Board, maker: Maker) -> None:
    tasks = [maker.task(f"Task {n}") for n in range(4)]
    target = tasks[2]
    prefix = next(
        target.id[:n]
        for n in range(1, 10)
        if not any(t.id.startswith(target.id[:n]) for t in tasks if t != target)
    )
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("slash", *prefix.upper())  # ids match case-insensitively
        assert [t.name for t in app.board_screen.column("open").tasks] == [target.name]
        await pilot.press("enter")
        assert focused_state(app) == "open"
        assert app.board_screen.query_one("#filter", Input).display  # the filter stays on after enter
        await pilot.press("s")  # moves the one shown task
        assert where_is(board.root, target.name) == ["doing"]
        await pilot.press("escape")
        assert len(app.board_screen.column("open").tasks) == 3

    drive(app, script)


# -- 5. detail view -------------------------------------------------------------------------------

BODY = """Make the login form honest.

## Acceptance criteria

- [ ] the form says which field is wrong
- [ ] a wrong password keeps the e-mail
- [x] errors are read out by screen readers

Notes: nothing else.
"""


def test_detail_view_ticks_one_criterion_on_disk_and_nothing_else(board: Board, maker: Maker) -> None:
    maker.task("Unrelated")
    task = maker.task("Login errors", priority="high", body=BODY)
    path = board.root / "open" / task.name
    before = path.read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.board_screen.column("open").selected.name == task.name  # high priority sorts first
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, DetailScreen) and screen.task.name == task.name
        selection = screen.query_one("#criteria", SelectionList)
        prompts = [str(selection.get_option_at_index(i).prompt) for i in range(selection.option_count)]
        assert prompts == [
            "the form says which field is wrong",
            "a wrong password keeps the e-mail",
            "errors are read out by screen readers",
        ]
        assert selection.selected == [2]
        assert app.focused is selection
        prose = screen.query_one("#body", Markdown).source  # the criteria once: in the list, not the body
        assert "wrong password" not in prose and "- [" not in prose
        assert "Make the login form honest." in prose and "Notes: nothing else." in prose
        for _ in range(3):  # to the second criterion (today the first down highlights the first one)
            if selection.highlighted == 1:
                break
            await pilot.press("down")
        assert selection.highlighted == 1
        await pilot.press("space")
        expected = before.replace(b"- [ ] a wrong password", b"- [x] a wrong password")
        assert expected != before
        assert path.read_bytes() == expected
        assert sorted(selection.selected) == [1, 2]
        assert selection.highlighted == 1  # the cursor stays put after the refresh
        await pilot.press("space")  # and back again
        assert path.read_bytes() == before
        await pilot.press("escape")
        assert not isinstance(app.screen, DetailScreen)
        assert focused_state(app) == "open"

    drive(app, script)


def test_space_right_after_opening_the_detail_view_ticks_the_first_criterion(
    board: Board, maker: Maker
) -> None:
    task = maker.task("Login errors", body=BODY)
    path = board.root / "open" / task.name
    before = path.read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("enter")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("space")  # the label says "space ticks"
        assert path.read_bytes() == before.replace(b"- [ ] the form says", b"- [x] the form says", 1)

    drive(app, script)


def test_move_keys_in_the_detail_view_move_the_task_shown(board: Board, maker: Maker) -> None:
    maker.task("First")
    second = maker.task("Second", body="- [ ] works\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("j", "enter")
        assert isinstance(app.screen, DetailScreen) and app.screen.task.name == second.name
        await pilot.press("s")
        assert where_is(board.root, second.name) == ["doing"]
        assert isinstance(app.screen, DetailScreen)
        assert app.screen.task.state == "doing"
        assert "doing" in text_of(app.screen.query_one("#detail-title", Static))
        await pilot.press("escape")
        assert focused_state(app) == "doing" and app.board_screen.column("doing").selected.name == second.name

    drive(app, script)


def test_board_keys_do_nothing_while_a_dialog_is_open(board: Board, maker: Maker) -> None:
    task = maker.task("Careful")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("s", "d", "u")
        assert where_is(board.root, task.name) == ["open"]
        await pilot.press("ctrl+p", *"done")  # over a dialog the palette offers no board command
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 0, timeout=3)
        offered = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        assert not any(prompt.startswith("Done") for prompt in offered)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), timeout=2)
        await pilot.pause()
        assert where_is(board.root, task.name) == ["open"]
        await pilot.press("escape", "b")
        assert isinstance(app.screen, BlockScreen)
        await pilot.press("s", "d", "u")  # typed into the reason field
        assert where_is(board.root, task.name) == ["open"]
        assert app.screen.query_one("#reason", Input).value == "sdu"

    drive(app, script)


# -- 6. new-task form -----------------------------------------------------------------------------


def test_new_task_form_writes_a_file_with_its_fields(board: Board, maker: Maker) -> None:
    maker.task("Existing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("n")
        assert isinstance(app.screen, NewTaskScreen)
        assert app.focused is app.screen.query_one("#title", Input)
        await pilot.press(*"Dark mode")
        await pilot.press("tab")  # priority
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#estimate", Input)
        await pilot.press(*"5m")
        await pilot.press("tab")
        assert app.focused is app.screen.query_one("#touches", Input)
        await pilot.press(*"src/a.py, navbar")
        await pilot.press("enter")
        assert not isinstance(app.screen, NewTaskScreen)
        new = [n for n in files_in(board.root, "open") if "dark-mode" in n]
        assert len(new) == 1, files_in(board.root, "open")
        front = frontmatter(board.root / "open" / new[0])
        assert front["title"] == "Dark mode"
        assert front["estimate"] == "5m"
        assert front["touches"] == ["src/a.py", "navbar"]
        assert front["priority"] == "medium"
        assert focused_state(app) == "open" and app.board_screen.column("open").selected.name == new[0]

    drive(app, script)


def test_new_task_form_shows_a_bad_estimate_and_writes_nothing(board: Board, maker: Maker) -> None:
    maker.task("Existing")
    before = sorted(p.name for p in board.root.rglob("*.md"))
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("n", *"Bad", "tab", "tab", *"soon", "enter")
        assert isinstance(app.screen, NewTaskScreen)
        problem = text_of(app.screen.query_one("#problem", Static))
        assert "soon" in problem or "estimate" in problem.lower(), problem
        assert sorted(p.name for p in board.root.rglob("*.md")) == before
        await pilot.press("escape")
        assert not isinstance(app.screen, NewTaskScreen)
        assert sorted(p.name for p in board.root.rglob("*.md")) == before
        assert titles(app, "open") == ["Existing"]

    drive(app, script)


# -- 7. undo --------------------------------------------------------------------------------------


def test_undo_puts_the_file_back_and_drops_the_started_stamp(board: Board, maker: Maker) -> None:
    task = maker.task("Oops")
    before = frontmatter(board.root / "open" / task.name)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("s")
        assert where_is(board.root, task.name) == ["doing"]
        await pilot.press("u")
        assert where_is(board.root, task.name) == ["open"]
        assert "started" not in frontmatter(board.root / "open" / task.name)
        assert frontmatter(board.root / "open" / task.name) == before
        assert focused_state(app) == "open" and app.board_screen.column("open").selected.name == task.name

    drive(app, script)


def test_undo_walks_back_several_moves_and_restores_every_stamp(board: Board, maker: Maker) -> None:
    blocked_task = maker.task("Blocked one", "blocked")
    started_task = maker.task("Started one", "doing")
    blocked_before = (board.root / "blocked" / blocked_task.name).read_bytes()
    started_before = (board.root / "doing" / started_task.name).read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        app.board_screen.column("blocked").focus()
        await pilot.press("o")  # blocked -> open
        await pilot.press("s")  # open -> doing
        assert where_is(board.root, blocked_task.name) == ["doing"]
        app.board_screen.go_to(app.board_screen.snapshot.get("doing", started_task.name))
        await pilot.press("d")  # the other task: doing -> done
        assert where_is(board.root, started_task.name) == ["done"]
        await pilot.press("u")
        assert where_is(board.root, started_task.name) == ["doing"]
        assert (board.root / "doing" / started_task.name).read_bytes() == started_before  # its time box
        await pilot.press("u")
        assert where_is(board.root, blocked_task.name) == ["open"]
        await pilot.press("u")
        assert where_is(board.root, blocked_task.name) == ["blocked"]
        assert (board.root / "blocked" / blocked_task.name).read_bytes() == blocked_before  # reason, since
        assert focused_state(app) == "blocked"

    drive(app, script)


def test_undo_after_someone_else_moved_the_file_changes_nothing(board: Board, maker: Maker) -> None:
    task = maker.task("Contested")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("s")
        os.rename(board.root / "doing" / task.name, board.root / "done" / task.name)
        snapshot = {p: p.read_bytes() for p in board.root.rglob("*.md")}
        await pilot.press("u")
        assert where_is(board.root, task.name) == ["done"]
        assert {p: p.read_bytes() for p in board.root.rglob("*.md")} == snapshot
        assert any("undo" in n.lower() for n in notices(app))

    drive(app, script)


def test_undo_with_nothing_to_undo_does_nothing(board: Board, maker: Maker) -> None:
    task = maker.task("Calm")
    snapshot = {p: p.read_bytes() for p in board.root.rglob("*.md")}
    journal = sorted((board.root / ".pulse").rglob("*.jsonl"))
    lines = sum(len(p.read_text().splitlines()) for p in journal)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("u")
        assert where_is(board.root, task.name) == ["open"]
        assert titles(app, "open") == ["Calm"]
        assert any("Nothing to undo" in n for n in notices(app))

    drive(app, script)
    assert {p: p.read_bytes() for p in board.root.rglob("*.md")} == snapshot
    assert (
        sum(len(p.read_text().splitlines()) for p in sorted((board.root / ".pulse").rglob("*.jsonl")))
        == lines
    )


# -- 8. themes ------------------------------------------------------------------------------------


def test_switching_theme_is_remembered_in_the_users_config(board: Board, tmp_path: Path) -> None:
    config = board.root / "pulse.yaml"
    before = config.read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.theme == "pulse-dark"
        app.theme = "pulse-light"
        await pilot.pause()
        assert app.prefs.theme == "pulse-light"

    drive(app, script)
    assert config.read_bytes() == before  # the team's file: not a byte changed
    mine = tmp_path / "config" / "pulseboard" / "config.yaml"
    assert yaml.safe_load(mine.read_text(encoding="utf-8")) == {"theme": "pulse-light"}


def test_a_bad_user_theme_file_does_not_stop_the_app(board: Board, tmp_path: Path) -> None:
    themes = tmp_path / "config" / "pulseboard" / "themes"
    themes.mkdir(parents=True)
    (themes / "broken.yaml").write_text('name: broken\nprimary: "not a colour"\n', encoding="utf-8")
    (themes / "pulse-dark.yaml").write_text("name: pulse-dark\nprimary: [\n", encoding="utf-8")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.theme == "pulse-dark"
        assert "broken" not in app.available_themes
        said = " ".join(notices(app))
        assert "broken.yaml" in said and "pulse-dark.yaml" in said

    drive(app, script)
    assert "theme: pulse-dark" in (board.root / "pulse.yaml").read_text(encoding="utf-8")


def test_an_unknown_theme_in_pulse_yaml_falls_back_to_pulse_dark(tmp_path: Path) -> None:
    text = "wip:\n  doing: 3\ntheme: no-such-theme\n"
    board = make_board(tmp_path / "tasks", text)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.theme == "pulse-dark"
        assert any("no-such-theme" in n for n in notices(app))

    drive(app, script)
    assert (board.root / "pulse.yaml").read_text(encoding="utf-8") == text  # the fallback is not saved


# -- 9. task text is data, never markup or terminal control ---------------------------------------

CLICK = "[@click=app.quit]x[/]"
BOLD = "[bold red]hi"
ESCAPE = "clear \x1b[2J screen"


def test_markup_and_escapes_in_titles_show_as_written(board: Board, maker: Maker) -> None:
    click, bold, escape = maker.task(CLICK), maker.task(BOLD), maker.task(ESCAPE)
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.pause()
        lines = column_text(app, "open")
        assert any(CLICK in line for line in lines), lines
        assert any(BOLD in line for line in lines), lines
        assert any("clear \\x1b[2J screen" in line for line in lines), lines
        assert not any("\x1b" in segment for segment in screen_segments(app))
        column = app.board_screen.column("open")
        for index, task in enumerate(column.tasks):
            await pilot.click(column, offset=(3, index * 4 + 1))  # on the title line
            assert app.is_running
            assert column.selected == task
            await pilot.press("enter")
            assert isinstance(app.screen, DetailScreen)
            shown = "\n".join(screen_text(app))
            assert not any("\x1b" in segment for segment in screen_segments(app))
            expected = {click.name: CLICK, bold.name: BOLD, escape.name: "clear \\x1b[2J screen"}[task.name]
            assert expected in shown
            await pilot.click("#detail-title", offset=(8, 0))
            assert app.is_running
            await pilot.press("escape")
            assert not isinstance(app.screen, DetailScreen)

    drive(app, script)


def test_go_to_palette_shows_markup_titles_as_written(board: Board, maker: Maker) -> None:
    maker.task(CLICK)
    maker.task("fix x[/] now")
    app = new_app(board)

    async def hits(pilot: Pilot, query: str) -> list[str]:
        await pilot.press("ctrl+p")
        await pilot.press(*query)
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 0, timeout=2)
        shown = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        await pilot.press("escape")
        return shown

    async def script(pilot: Pilot) -> None:
        assert any(CLICK in hit for hit in await hits(pilot, "click")), "markup was interpreted"
        assert any("fix x[/] now" in hit for hit in await hits(pilot, "fix x")), "no hit: MarkupError"

    drive(app, script)


def test_a_notification_naming_a_markup_title_does_not_crash_the_app(board: Board, maker: Maker) -> None:
    maker.task("Existing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("n", *"x[/]", "enter")
        await pilot.pause(0.2)  # the "Created" toast is drawn
        assert app.is_running, "MarkupError drawing the toast stopped the app"

    drive(app, script, notifications=True)


def test_clicking_a_toast_naming_a_click_title_does_not_quit(board: Board, maker: Maker) -> None:
    maker.task("Existing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("n", *CLICK, "enter")
        await pilot.pause(0.2)
        text = screen_text(app)
        row = next(y for y, line in enumerate(text) if "Created" in line)
        start = text[row].index("Created")
        assert CLICK in text[row], text[row]  # shown as written...
        for x in range(start, start + len(text[row][start:].rstrip())):
            await pilot.click(offset=(x, row))  # ...and clicking anywhere on it runs nothing
            assert app.is_running, f"clicking column {x} of the toast quit the app"

    drive(app, script, notifications=True)


# -- 10. moves that fail --------------------------------------------------------------------------


def test_a_vanished_file_is_not_moved_and_its_card_goes(board: Board, maker: Maker) -> None:
    gone, stays = maker.task("Gone"), maker.task("Stays")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.board_screen.column("open").selected.name == gone.name
        os.unlink(board.root / "open" / gone.name)
        await pilot.press("d")
        assert files_in(board.root, "done") == []
        assert where_is(board.root, gone.name) == []
        assert [t.name for t in app.board_screen.column("open").tasks] == [stays.name]
        assert all(t.name != gone.name for t in app.board_screen.snapshot)
        assert any("gone" in n for n in notices(app))
        await pilot.press("d")  # the cursor is on a real task again: this one moves
        assert where_is(board.root, stays.name) == ["done"]

    drive(app, script)


def test_a_file_moved_behind_the_apps_back_shows_where_it_now_is(board: Board, maker: Maker) -> None:
    task = maker.task("Elsewhere")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        os.rename(board.root / "open" / task.name, board.root / "done" / task.name)
        await pilot.press("s")
        assert where_is(board.root, task.name) == ["done"]
        assert files_in(board.root, "doing") == []
        assert [t.name for t in app.board_screen.column("done").tasks] == [task.name]
        assert len(app.board_screen.column("open").tasks) == 0
        assert len(app.board_screen.column("doing").tasks) == 0

    drive(app, script)


def test_the_process_is_tuned_once_the_board_is_shown_and_put_back_after(board: Board, maker: Maker) -> None:
    """While the board is first read and painted the switch interval is Python's own (a short one
    makes the read and the paint hand the interpreter to and fro); once it is shown the keys get
    the interpreter back soon from the workers; at exit the setting is as it was."""
    from pulseboard.tui.tuning import SWITCH_INTERVAL_S

    maker.task("One")
    before = sys.getswitchinterval()
    app = new_app(board)
    seen: list[float] = []
    show = BoardScreen._show_loaded

    def showing(screen: BoardScreen, loaded: object) -> None:
        seen.append(sys.getswitchinterval())
        show(screen, loaded)  # type: ignore[arg-type]

    async def script(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: sys.getswitchinterval() == SWITCH_INTERVAL_S)

    BoardScreen._show_loaded = showing  # type: ignore[method-assign]
    try:
        drive(app, script)
    finally:
        BoardScreen._show_loaded = show  # type: ignore[method-assign]
    assert seen == [before] and before != SWITCH_INTERVAL_S
    assert sys.getswitchinterval() == before


# -- 11. `pulse` with no board -------------------------------------------------------------------


@pytest.fixture
def recorded_runs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[PulseApp]]:
    """PulseApp.run replaced by a recorder: the one stub, standing in for a terminal."""
    runs: list[PulseApp] = []
    monkeypatch.setattr(PulseApp, "run", lambda self, *a, **k: runs.append(self))
    was_enabled = gc.isenabled()
    yield runs
    if was_enabled:
        gc.enable()  # main() disables gc for one-shot commands


def test_pulse_alone_makes_a_board_in_the_current_folder(
    tmp_path: Path, recorded_runs: list[PulseApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pulseboard.cli.main import main

    here = tmp_path / "project"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main([]) == 0
    assert len(recorded_runs) == 1
    app = recorded_runs[0]
    assert app.board.root == here / "tasks"
    for state in ("open", "doing", "done", "blocked"):
        assert (here / "tasks" / state).is_dir()
    assert (here / "tasks" / "pulse.yaml").is_file()
    assert app._notice and "made one" in app._notice and str(here / "tasks") in app._notice


def test_pulse_alone_finds_a_board_upwards_without_a_notice(
    board: Board, tmp_path: Path, recorded_runs: list[PulseApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    from pulseboard.cli.main import main

    deep = tmp_path / "src" / "pkg"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    assert main([]) == 0
    assert recorded_runs[0].board.root == board.root
    assert recorded_runs[0]._notice is None
    assert not (deep / "tasks").exists()


def test_pulse_alone_with_a_missing_pulse_board_opens_it_empty_and_makes_nothing(
    tmp_path: Path, recorded_runs: list[PulseApp], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 4: a board named but missing at start is shown empty, with a notice, and followed
    until it appears; pulse does not create it (that is `pulse init`'s job)."""
    from pulseboard.cli.main import main

    monkeypatch.setenv("PULSE_BOARD", str(tmp_path / "nowhere"))
    assert main([]) == 0
    assert len(recorded_runs) == 1 and recorded_runs[0].board.root == tmp_path / "nowhere"
    assert "does not exist" in (recorded_runs[0]._notice or "")
    assert not (tmp_path / "tasks").exists() and not (tmp_path / "nowhere").exists()


# -- 12. go to a task from the command palette ---------------------------------------------------


def test_palette_goes_to_a_task_by_part_of_its_title(board: Board, maker: Maker) -> None:
    for title in ("Alpha", "Beta", "Gamma"):
        maker.task(title)
    maker.task("Other", "doing")
    target = maker.task("Zebra crossing", "doing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert focused_state(app) == "open"
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"zebra")
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count > 0, timeout=3)
        assert "Zebra crossing" in str(commands.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), timeout=2)
        await pilot.pause()
        assert focused_state(app) == "doing"
        assert app.board_screen.column("doing").selected.name == target.name

    drive(app, script)


def test_palette_finds_a_task_by_a_word_in_its_body_as_the_filter_does(board: Board, maker: Maker) -> None:
    maker.task("Alpha")
    target = maker.task("Speed up the import", body="The kafka consumer lags behind.\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("ctrl+p")
        commands = app.screen.query_one(CommandList)
        await pilot.press(*"kafk")  # the body index is read while the first letters are typed
        await wait_for(pilot, lambda: app.board_screen._body_index is not None)
        await pilot.pause(0.3)
        await pilot.press("a")
        await wait_for(pilot, lambda: commands.option_count > 0, timeout=3)
        assert "Speed up the import" in str(commands.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await wait_for(pilot, lambda: not isinstance(app.screen, CommandPalette), timeout=2)
        assert app.board_screen.column("open").selected.name == target.name

    drive(app, script)


# -- 13. help and remapped keys -------------------------------------------------------------------


def test_help_lists_every_key_including_a_remapped_one(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  start: x\n")
    task = Maker(board).task("Remapped")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        cells = [text_of(s) for s in app.screen.query("#keys Static")]
        rows = dict(zip(cells[::2], cells[1::2], strict=True))
        assert rows["x"].startswith("Start")
        assert "s" not in rows
        expected = {
            "d": "Done", "b": "Block", "o": "Reopen", "n": "New", "enter": "Detail", "e": "Edit", "u": "Undo",
            "/": "Filter", "?": "", "q": "Quit", "shift+left": "Move", "shift+right": "Move",
            "ctrl+p": "Command palette",
        }  # fmt: skip
        for key, what in expected.items():
            assert key in rows, (key, rows)
            assert rows[key].startswith(what), (key, rows[key])
        assert len(rows) == len(BoardScreen.BINDINGS) + 1  # every binding, and the palette
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("s")  # no longer bound
        assert where_is(board.root, task.name) == ["open"]
        await pilot.press("x")
        assert where_is(board.root, task.name) == ["doing"]

    drive(app, script)


# -- the editor -----------------------------------------------------------------------------------


def test_e_where_the_terminal_cannot_be_suspended_does_not_crash(
    board: Board, maker: Maker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """run_test's headless driver can't suspend (like textual-web): `e` must say so, not crash."""
    task = maker.task("Edit me")
    script_path = tmp_path / "editor.py"
    script_path.write_text("import sys\nopen(sys.argv[1], 'a').write('edited\\n')\n", encoding="utf-8")
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script_path}")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("e")
        assert app.is_running
        assert where_is(board.root, task.name) == ["open"]

    drive(app, script)


# Settings of the test's own process that must not reach the app: COLUMNS and LINES (set under
# pytest-xdist) would override the pseudo-terminal's size.
TERMINAL_ENV_DROPPED = ("TEXTUAL", "PULSE", "VISUAL", "EDITOR", "COLUMNS", "LINES")


class Terminal:
    """`python -m pulseboard` on a real pseudo-terminal: keys in, screen bytes out.

    The headless driver of run_test can't suspend, so this is how the editor round trip is tested.
    The output is always drained: a child blocked on a full pty can't redraw or exit.
    """

    def __init__(self, cwd: Path, env: dict[str, str], size: tuple[int, int] = (100, 30)) -> None:
        import fcntl
        import pty
        import struct
        import subprocess
        import termios

        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", size[1], size[0], 0, 0))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pulseboard"], cwd=cwd, env=env, stdin=slave, stdout=slave, stderr=slave,
            start_new_session=True,
        )  # fmt: skip
        os.close(slave)
        self.output = b""

    def pump(self, seconds: float) -> None:
        import select
        import time

        end = time.monotonic() + seconds
        while time.monotonic() < end:
            ready, _, _ = select.select([self.master], [], [], 0.02)
            if ready:
                try:
                    self.output += os.read(self.master, 65536)
                except OSError:
                    return

    def wait_until(self, condition, what: str, timeout: float = 15.0) -> None:
        import time

        end = time.monotonic() + timeout
        while time.monotonic() < end:
            exited = self.process.poll() is not None
            if condition():
                return
            if exited:
                break
            self.pump(0.05)
        raise AssertionError(
            f"{what} did not happen; exit {self.process.poll()}; last output {self.output[-600:]!r}"
        )

    def press(self, keys: bytes) -> None:
        self.output = b""
        os.write(self.master, keys)

    def close(self) -> int | None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)
        os.close(self.master)
        return self.process.returncode


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_e_opens_the_editor_in_a_real_terminal_and_the_board_shows_its_work(
    board: Board, maker: Maker, tmp_path: Path
) -> None:
    task = maker.task("Edit me")
    path = board.root / "open" / task.name
    before = path.read_bytes()
    editor = tmp_path / "editor.py"
    editor.write_text(  # retitles the task and appends a line, as a person would in an editor
        "import pathlib, sys\n"
        "path = pathlib.Path(sys.argv[1])\n"
        "text = path.read_text().replace('title: Edit me', 'title: Retitled by hand')\n"
        "path.write_text(text + 'Appended-by-the-editor\\n')\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(TERMINAL_ENV_DROPPED)}
    env.update(EDITOR=f"{sys.executable} {editor}", PULSE_ACTOR="test", TERM="xterm-256color",
               XDG_CONFIG_HOME=str(tmp_path / "config"))  # fmt: skip
    terminal = Terminal(tmp_path, env)
    try:
        terminal.wait_until(lambda: b"Edit me" in terminal.output, "the board showing the task")
        terminal.press(b"e")
        terminal.wait_until(lambda: path.read_bytes().endswith(b"-editor\n"), "the editor writing the file")
        assert (
            path.read_bytes() == before.replace(b"Edit me", b"Retitled by hand") + b"Appended-by-the-editor\n"
        )
        terminal.wait_until(lambda: b"Retitled by hand" in terminal.output, "the card showing the new title")
        terminal.press(b"\r")  # the detail view, read afresh from disk, shows the editor's line
        terminal.wait_until(lambda: b"Appended-by-the-editor" in terminal.output, "the detail view")
        terminal.press(b"q")  # back to the board
        terminal.pump(0.3)
        terminal.press(b"q")  # quit
        terminal.wait_until(lambda: terminal.process.poll() is not None, "the app quitting")
    finally:
        code = terminal.close()
    assert code == 0
    assert where_is(board.root, task.name) == ["open"]


def without_escapes(output: bytes) -> bytes:
    """What a terminal shows of some output, roughly: its escape sequences taken out."""
    return re.sub(rb"\x1b\[[0-9;?]*[A-Za-z]", b"", output)


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize(
    ("editor", "said"),
    [("false", b"'false' exited with code 1"), ("nonexistent-editor-xyz", b"'nonexistent-editor-xyz'")],
)
def test_an_editor_that_fails_is_one_sentence_and_the_board_comes_back(
    board: Board, maker: Maker, tmp_path: Path, editor: str, said: bytes
) -> None:
    """A failing or missing $EDITOR: the board says so in one sentence and is whole again
    (it used to stay blank with q, escape and ctrl+q dead)."""
    task = maker.task("Edit me")
    env = {k: v for k, v in os.environ.items() if not k.startswith(TERMINAL_ENV_DROPPED)}
    env.update(EDITOR=editor, PULSE_ACTOR="test", TERM="xterm-256color",
               XDG_CONFIG_HOME=str(tmp_path / "config"))  # fmt: skip
    terminal = Terminal(tmp_path, env)
    try:
        terminal.wait_until(lambda: b"why" in terminal.output, "the board and its first beat")
        terminal.pump(0.3)
        terminal.press(b"e")
        terminal.wait_until(lambda: said in without_escapes(terminal.output), "the sentence about the editor")
        terminal.wait_until(lambda: b"Edit me" in terminal.output, "the board drawn again")
        terminal.press(b"q")
        terminal.wait_until(lambda: terminal.process.poll() is not None, "the app quitting")
    finally:
        code = terminal.close()
    assert code == 0
    assert where_is(board.root, task.name) == ["open"]
