"""The board's keys all come from the one table of actions (core/keymap.py): the bindings of the board
and of the detail view, the help screen's rows, the palette's entries; a `keys:` remap applies through
the Binding ids wherever the action is bound."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.board_helpers import Maker, drive, make_board, new_app, notices, wait_for
from support.helpers import where_is
from textual.pilot import Pilot
from textual.widgets import Static

from pulseboard.core.board import Board
from pulseboard.core.keymap import ACTIONS, BOARD, DETAIL, EVERYWHERE, keys_label
from pulseboard.tui.app import PulseApp
from pulseboard.tui.bindings import APP_RUNS, bindings
from pulseboard.tui.screens.board import FOOTER_FIRST, BoardScreen
from pulseboard.tui.screens.detail import DetailScreen
from pulseboard.tui.screens.help import HelpScreen

pytestmark = pytest.mark.timeout(60)

# Bindings textual itself puts on every App and Screen (quit, copy, the palette, focus).
TEXTUAL_OWN = {
    "quit",
    "help_quit",
    "command_palette",
    "app.focus_next",
    "app.focus_previous",
    "screen.copy_text",
}


def table(place: str) -> list[str]:
    return [action.id for action in ACTIONS if action.applies_in(place)]


def test_the_board_and_the_detail_view_bind_exactly_the_table() -> None:
    rest = [i for i in table(BOARD) if i not in FOOTER_FIRST]  # ? and q lead: a narrow footer keeps them
    assert [binding.id for binding in BoardScreen.BINDINGS] == [*FOOTER_FIRST, *rest]
    assert sorted(binding.id for binding in DetailScreen.BINDINGS) == sorted(table(DETAIL))
    assert [binding.id for binding in PulseApp.BINDINGS] == [a.id for a in ACTIONS if EVERYWHERE in a.places]
    by_id = {action.id: action for action in ACTIONS}
    for binding in BoardScreen.BINDINGS:
        action = by_id[binding.id]
        run = f"app.{action.run}" if action.name in APP_RUNS else action.run  # quit, help, reload: the app's
        assert (binding.key, binding.action, binding.description) == (action.keys, run, action.label)
        assert binding.show == action.shown_in(BOARD), binding.id
    for binding in DetailScreen.BINDINGS:
        action = by_id[binding.id]
        if action.name in APP_RUNS:
            run = f"app.{action.run}"
        elif action.places == {DETAIL}:
            run = action.run  # the detail view's own: back
        else:
            run = f"board({action.run!r})"  # a task key: the board runs it on the task shown
        assert (binding.key, binding.action) == (action.keys, run), binding.id
        assert binding.show == action.shown_in(DETAIL), binding.id
    assert [b.id for b in DetailScreen.BINDINGS][:2] == ["back", "edit"]  # first in the detail view's footer
    assert bindings(BOARD, first=FOOTER_FIRST) == BoardScreen.BINDINGS


def live_bindings(app: PulseApp) -> dict[str, tuple[str | None, str]]:
    """What each key does now on the screen shown: (binding id, action), from the app and the screen."""
    return {
        key: (active.binding.id, active.binding.action)
        for key, active in app.screen.active_bindings.items()
        if active.node in (app, app.screen)
    }


def test_every_live_key_on_the_board_and_in_the_detail_view_is_the_tables_or_textuals(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  start: x\n  back: z\n  down: ctrl+j,j\n")
    Maker(board).task("Remapped")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        for place in (BOARD, DETAIL):
            if place == DETAIL:
                await pilot.press("enter")
                await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            live = live_bindings(app)
            ours = {binding_id for binding_id, action in live.values() if action not in TEXTUAL_OWN}
            assert None not in ours, live
            assert ours <= set(table(place)), (place, ours - set(table(place)))
            assert live["x"][0] == "start" and "s" not in live, live
        assert live["z"] == ("back", "dismiss")
        assert live.get("q") != ("back", "dismiss")  # back is on z alone now

    drive(app, script)


def test_textual_is_handed_only_the_keys_that_differ_from_their_defaults(tmp_path: Path) -> None:
    """A pulse.yaml of an older pulse named every action at its default key; Textual applies its
    keymap to each binding of the focus chain at every key press, so the defaults are left out."""
    board = make_board(tmp_path / "tasks")
    every = "keys:\n" + "".join(f"  {action.id}: {action.keys}\n" for action in ACTIONS)
    (board.root / "pulse.yaml").write_text(every.replace("  start: s\n", "  start: x\n"), encoding="utf-8")
    task = Maker(board).task("Started by its remapped key")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert len(board.settings.keys) == len(ACTIONS)
        assert app._keymap == {"start": "x"}
        await pilot.press("j")  # a default key still moves the cursor
        await pilot.press("x")
        await wait_for(pilot, lambda: where_is(board.root, task.name) == ["doing"])

    drive(app, script)


def test_a_remap_onto_a_default_key_wins_and_the_board_says_so(tmp_path: Path) -> None:
    """An older board remapped stats to w before a later pulse gave w to why: the board opens."""
    board = make_board(tmp_path / "tasks", "keys:\n  stats: w\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        taken = [n for n in notices(app) if "takes w" in n]
        why = "keys.stats takes w, the default of why (Why); give it a key under keys:."
        assert taken == [f"{board.root / 'pulse.yaml'}: {why}"]
        await pilot.press("w")
        await wait_for(pilot, lambda: type(app.screen).__name__ == "StatsScreen")

    drive(app, script)


def test_a_remap_applies_in_the_detail_view_and_to_closing_the_help(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  start: x\n  back: z\n  help: f1\n")
    task = Maker(board).task("Remapped")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("s")
        await pilot.pause()
        assert where_is(board.root, task.name) == ["open"]
        await pilot.press("x")
        await wait_for(pilot, lambda: where_is(board.root, task.name) == ["doing"])
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("z")
        assert not isinstance(app.screen, DetailScreen)

    drive(app, script)


def rows(screen: HelpScreen, grid: str) -> list[tuple[str, str]]:
    cells = [str(static.render()) for static in screen.query(f"#{grid} Static")]
    return list(zip(cells[::2], cells[1::2], strict=True))


def test_the_help_screen_lists_every_action_with_its_key(board: Board) -> None:
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("question_mark")
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        on_board = [(keys_label(a.keys), a.help) for a in ACTIONS if a.applies_in(BOARD)]
        assert rows(screen, "keys") == [*on_board, ("ctrl+p", "Command palette: actions, go to task, theme")]
        only_detail = [(keys_label(a.keys), a.help) for a in ACTIONS if not a.applies_in(BOARD)]
        assert rows(screen, "detail-keys") == only_detail == [("escape,q", "Detail view: back to the board")]
        assert ("]", "Heartbeat: select the next suggestion") in on_board  # keys as people read them
        assert all(isinstance(s, Static) for s in screen.query("#keys Static"))

    drive(app, script)


def test_the_palette_offers_every_board_action(board: Board) -> None:
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        offered = {command.title: command.help for command in app.get_system_commands(app.screen)}
        for action in ACTIONS:
            if action.applies_in(BOARD) and action.palette:
                assert action.label in offered, action.id
                assert offered[action.label].startswith(action.help.replace("[", "\\[")), action.id
            elif action.palette is False and action.id != "quit":
                assert action.label not in offered, action.id  # moving the cursor, going back
        assert "Quit" in offered  # textual's own entry
        assert offered["Next tip"].endswith("key ]")

    drive(app, script)


def test_the_palette_in_the_detail_view_offers_its_actions(board: Board) -> None:
    Maker(board).task("Shown")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        offered = {command.title for command in app.get_system_commands(app.screen)}
        assert {"Start", "Done", "Edit in $EDITOR"} <= offered and "New" not in offered

    drive(app, script)


def test_where_an_action_applies_is_what_the_detail_view_binds(board: Board) -> None:
    Maker(board).task("Shown")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        live = live_bindings(app)
        bound = {binding_id for binding_id, _ in live.values()}
        for action in ACTIONS:
            if action.applies_in(DETAIL):
                assert action.id in bound, action.id
            else:  # the board's layout keys (new, filter, the cursor...) are simply not there
                assert action.id not in bound, action.id

    drive(app, script)


def test_after_a_move_in_the_detail_view_its_own_keys_still_work(board: Board) -> None:
    """A move focuses the task's new column on the board, not in the detail view shown over it:
    escape and q still go back (q used to quit the app from there)."""
    task = Maker(board).task("Moved from its detail view")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("s", "escape")
        assert not isinstance(app.screen, DetailScreen)
        assert (
            app.focused is app.board_screen.column("doing")
            and app.board_screen.column("doing").selected.name == task.name
        )
        await pilot.press("enter", "d")
        await wait_for(pilot, lambda: where_is(board.root, task.name) == ["done"])
        await pilot.press("q")
        assert app.is_running and not isinstance(app.screen, DetailScreen)
        assert app.focused is app.board_screen.column("done")

    drive(app, script)
