"""The board's view keys: compact one-line cards (by key, and below a width), zoom one column,
hide empty columns; and the column titles that fit a narrow column under a filter."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.board_helpers import (
    Maker,
    beaten,
    column_text,
    drive,
    focused_state,
    make_board,
    new_app,
    screen_text,
    wait_for,
)
from support.helpers import user_config, write_file
from textual.pilot import Pilot
from textual.widgets import Static

from pulseboard.tui.app import PulseApp
from pulseboard.tui.widgets.filter_field import FilterField

pytestmark = pytest.mark.timeout(60)


def board_with(tmp_path: Path, opens: int = 6) -> PulseApp:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    for n in range(opens):
        maker.task(f"Open task {n}", estimate="30m")
    maker.task("Being done", "doing")
    return new_app(board)


def shown_columns(app: PulseApp) -> list[str]:
    return [
        s for s in ("open", "doing", "done", "blocked") if app.board_screen.query_one(f"#box-{s}").display
    ]


def test_compact_shows_one_line_per_card_with_the_cursor_on_the_same_task(tmp_path: Path) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        screen = app.board_screen
        await pilot.press("j", "j")
        before = screen.column("open").selected
        full = [line for line in column_text(app, "open") if "Open task" in line]
        await pilot.press("c")
        await pilot.pause()
        lines = column_text(app, "open")
        assert screen.column("open").selected == before
        cards = [line for line in lines if "Open task" in line]
        assert len(cards) == 6 and len(full) < 6  # every card in sight, one line each
        assert all("30m" in line for line in cards)  # the estimate at the right end
        assert lines.index(cards[1]) == lines.index(cards[0]) + 1  # no gap between cards
        await pilot.press("c")
        await pilot.pause()
        assert len([line for line in column_text(app, "open") if "Open task" in line]) == len(full)

    drive(app, script, size=(120, 30))


def test_compact_comes_on_by_itself_below_the_width_chosen_until_a_key_decides(tmp_path: Path) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        screen = app.board_screen
        screen.compact_below = 100
        screen.apply_view()
        assert screen.column("open").compact  # 80 columns: below 100
        await pilot.resize_terminal(120, 30)
        await wait_for(pilot, lambda: not screen.column("open").compact)
        await pilot.press("c")  # chosen: the width no longer decides
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert screen.column("open").compact

    drive(app, script, size=(80, 24))


def test_zoom_shows_the_focused_column_alone_and_h_l_step_through_the_others(tmp_path: Path) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        await pilot.press("z")
        await pilot.pause()
        assert shown_columns(app) == ["open"]
        assert "zoomed: z shows every column" in str(app.board_screen.query_one("#topbar").render())
        assert app.board_screen.column("open").size.width > 100  # the whole width
        await pilot.press("l")
        await wait_for(pilot, lambda: shown_columns(app) == ["doing"])
        assert focused_state(app) == "doing"
        await pilot.press("d")  # keys act on the column in sight; the zoom follows the task
        await wait_for(pilot, lambda: shown_columns(app) == ["done"])
        assert any("Being done" in line for line in screen_text(app))
        await pilot.press("z")
        await pilot.pause()
        assert shown_columns(app) == ["open", "doing", "done", "blocked"]

    drive(app, script, size=(120, 30))


def test_hide_empty_hides_columns_without_cards_and_h_l_skip_them(tmp_path: Path) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        await pilot.press("H")
        await pilot.pause()
        assert shown_columns(app) == ["open", "doing"]
        await pilot.press("l", "l")
        assert focused_state(app) == "doing"  # done and blocked are empty: doing is the last
        await pilot.press("d")  # done now has a card and the focus; doing is empty
        await wait_for(pilot, lambda: shown_columns(app) == ["open", "done"])
        await pilot.press("H")
        await pilot.pause()
        assert shown_columns(app) == ["open", "doing", "done", "blocked"]

    drive(app, script, size=(120, 30))


def test_a_narrow_column_under_a_filter_says_how_many_of_how_many(tmp_path: Path) -> None:
    app = board_with(tmp_path, opens=36)

    async def script(pilot: Pilot) -> None:
        await pilot.press("slash", *"task 1")
        await pilot.pause()
        title = str(app.board_screen.query_one("#title-open", Static).render())
        shown = len(app.board_screen.column("open").tasks)
        assert 0 < shown < 36 and title.startswith(f"Open {shown} of 36"), title

    drive(app, script, size=(80, 24))


def test_a_click_selects_a_card_and_a_double_click_opens_it(tmp_path: Path) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        screen = app.board_screen
        await pilot.click("#col-open", offset=(3, 9))  # the third card (four lines a card)
        await pilot.pause()
        assert screen.column("open").cursor == 2
        await pilot.click("#col-doing", offset=(3, 1))
        await pilot.pause()
        assert focused_state(app) == "doing"
        await pilot.double_click("#col-open", offset=(3, 5))
        await wait_for(pilot, lambda: type(app.screen).__name__ == "DetailScreen")
        assert app.screen.task.title == "Open task 1"  # type: ignore[attr-defined]

    drive(app, script, size=(120, 30))


def test_r_shows_open_in_the_heartbeats_order_and_is_remembered(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    low = maker.task("Low, but the high one waits on it", priority="low")
    first = maker.task("Waits on the low one", priority="high", depends=[low.id])
    maker.task("Medium", priority="medium")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        screen = app.board_screen
        await beaten(pilot)
        by_priority = [t.id for t in screen.column("open").tasks]
        await pilot.press("r")
        await pilot.pause()
        ranked = [s.ids[0] for s in screen.pane.suggestions if s.ids]
        shown = [t.id for t in screen.column("open").tasks]
        assert shown == sorted(shown, key=lambda i: ranked.index(i) if i in ranked else len(ranked))
        assert by_priority[0] == first.id and shown[0] == ranked[0] != first.id  # it waits: not first
        assert app.prefs.sort == "rank"
        await pilot.press("r")
        await pilot.pause()
        assert [t.id for t in screen.column("open").tasks] == by_priority

    drive(app, script, size=(120, 30))
    assert "sort: rank" not in user_config(tmp_path).read_text()  # r twice


def test_the_view_starts_as_the_users_own_settings_say(tmp_path: Path) -> None:
    config = write_file(user_config(tmp_path), "view:\n  compact: true\n  folded: true\n  hide_empty: true\n")
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        screen = app.board_screen
        assert screen.column("open").compact and screen.pane.folded
        assert shown_columns(app) == ["open", "doing"]
        await pilot.press("c", "f")  # chosen: written to the user's file, never to pulse.yaml
        await pilot.pause()

    drive(app, script, size=(120, 30))
    text = config.read_text(encoding="utf-8")
    assert "compact: false" in text and "folded: false" in text
    team = (tmp_path / "tasks" / "pulse.yaml").read_text(encoding="utf-8")
    assert "\nview:" not in team and "folded:" not in team


def test_a_column_the_filter_empties_says_nothing_matches_and_says_so_no_more_once_cleared(
    tmp_path: Path,
) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        await pilot.press("slash", *"zzz")
        await pilot.pause()
        assert "Nothing here matches the" in " ".join(column_text(app, "open"))
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert "Nothing here." in " ".join(column_text(app, "done"))
        assert "Open task 0" in " ".join(column_text(app, "open"))

    drive(app, script, size=(120, 30))


def test_the_filter_shows_its_matches_in_the_turn_its_text_changes(tmp_path: Path) -> None:
    """The columns are drawn in the same frame as the field's text (a message to the screen came a
    frame later: half of a keystroke's time at 10,000 tasks)."""
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        await pilot.press("slash")
        screen = app.board_screen
        screen.query_one("#filter", FilterField).value = "task 3"  # no await: nothing else has run
        assert screen.filter_text == "task 3"
        assert [t.title for t in screen.column("open").tasks] == ["Open task 3"]

    drive(app, script, size=(120, 30))


def test_a_key_that_does_nothing_says_why_in_the_status_line(tmp_path: Path) -> None:
    app = board_with(tmp_path)

    async def script(pilot: Pilot) -> None:
        def note() -> str:
            return str(app.board_screen.query_one("#status-note", Static).render())

        await pilot.press("l", "s")  # the task in doing, started again
        await wait_for(pilot, lambda: "is in Doing already" in note())
        await pilot.press("l", "d")  # done is empty
        await wait_for(pilot, lambda: "Done is empty" in note())
        await pilot.press("enter")
        assert "Done is empty" in note()

    drive(app, script, size=(120, 30))
