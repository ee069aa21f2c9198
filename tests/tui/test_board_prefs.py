"""The user's own settings in the board (core/prefs.py through PulseApp): a theme picked in the
palette goes to $XDG_CONFIG_HOME/pulseboard/config.yaml and never to the team's pulse.yaml; the
user's theme beats pulse.yaml's; the user's keys go on top of pulse.yaml's; a broken personal file
is one warning and the defaults; `remember` keeps view choices. The suite's XDG_CONFIG_HOME is
tmp_path/config (tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.board_helpers import Maker, drive, make_board, new_app, notices, wait_for
from support.helpers import user_config, where_is, write_file
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot

from pulseboard.core.board import Board
from pulseboard.core.prefs import Prefs, load_prefs
from pulseboard.tui.app import PulseApp

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def mine(tmp_path: Path) -> Path:
    return user_config(tmp_path)


async def pick(pilot: Pilot, *words: str) -> None:
    """Type words into the command palette (opening it if needed) and run the first hit."""
    app = pilot.app
    if not isinstance(app.screen, CommandPalette):
        await pilot.press("ctrl+p")
    await pilot.press(*" ".join(words))
    commands = app.screen.query_one(CommandList)
    await wait_for(pilot, lambda: commands.option_count > 0, timeout=3)
    await pilot.press("enter")
    await pilot.pause()


def test_a_theme_picked_in_the_palette_goes_to_the_users_config_only(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "theme: pulse-dark  # the team's\nwip:\n  doing: 2\n")
    team = (board.root / "pulse.yaml").read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pick(pilot, "theme")  # "Theme: change the current theme" opens the theme list
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), timeout=2)
        await pick(pilot, "pulse-light")
        await wait_for(pilot, lambda: app.theme == "pulse-light", timeout=2)

    drive(app, script)
    assert (board.root / "pulse.yaml").read_bytes() == team
    assert load_prefs(mine) == (Prefs("pulse-light"), None)
    again = new_app(Board(board.root))  # the next start shows the user's choice

    async def check(pilot: Pilot) -> None:
        assert again.theme == "pulse-light"

    drive(again, check)
    assert (board.root / "pulse.yaml").read_bytes() == team


def test_the_users_theme_beats_pulse_yamls(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "theme: pulse-light\n")
    write_file(mine, "theme: pulse-high-contrast  # mine\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.theme == "pulse-high-contrast"
        assert app.prefs == Prefs("pulse-high-contrast")

    drive(app, script)
    assert mine.read_text(encoding="utf-8") == "theme: pulse-high-contrast  # mine\n"  # nothing written
    assert (board.root / "pulse.yaml").read_text(encoding="utf-8") == "theme: pulse-light\n"


def test_an_unknown_user_theme_falls_back_to_the_teams_and_is_not_saved(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "theme: pulse-light\n")
    write_file(mine, "theme: gone\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.theme == "pulse-light"
        assert any("'gone'" in n and "pulse-light" in n for n in notices(app))

    drive(app, script)
    assert mine.read_text(encoding="utf-8") == "theme: gone\n"


def test_a_fallback_theme_is_saved_nowhere(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "theme: no-such-theme\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.theme == "pulse-dark"

    drive(app, script)
    assert not mine.parent.exists()
    assert (board.root / "pulse.yaml").read_text(encoding="utf-8") == "theme: no-such-theme\n"


def test_the_users_keys_go_on_top_of_the_teams(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  start: x\n  done: D\n")
    write_file(mine, "keys:\n  start: y\n")
    maker = Maker(board)
    first, second = maker.task("First"), maker.task("Second")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("x", "s")  # neither the team's key nor the default starts it
        assert where_is(board.root, first.name) == ["open"]
        await pilot.press("y")  # the user's
        await wait_for(pilot, lambda: where_is(board.root, first.name) == ["doing"])
        await pilot.press("D")  # the team's key for what the user left alone
        await wait_for(pilot, lambda: where_is(board.root, first.name) == ["done"])
        assert where_is(board.root, second.name) == ["open"]

    drive(app, script)


def test_a_clash_with_the_teams_keys_is_one_warning_naming_the_users_file(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  start: x\n")
    write_file(mine, "keys:\n  stats: x\n")  # fine alone; x is the team's key for start
    task = Maker(board).task("Task")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        said = [n for n in notices(app) if "both use x" in n]
        assert said == [
            f"{mine} (on top of {board.root / 'pulse.yaml'}): keys.start and keys.stats both use x; "
            "give each action its own key."
        ]
        await pilot.press("x")  # the team's keys hold
        await wait_for(pilot, lambda: where_is(board.root, task.name) == ["doing"])

    drive(app, script)


def test_a_broken_personal_file_is_one_warning_the_defaults_and_never_overwritten(
    tmp_path: Path, mine: Path
) -> None:
    board = make_board(tmp_path / "tasks", "theme: pulse-light\n")
    write_file(mine, "theme: [pulse-dark\nview: {compact: true\n")
    broken = mine.read_bytes()
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert app.prefs == Prefs()
        assert app.theme == "pulse-light"  # the team's default
        said = [n for n in notices(app) if str(mine) in n]
        assert len(said) == 1 and "has bad YAML" in said[0] and "Traceback" not in said[0]
        app.theme = "pulse-high-contrast"
        await pilot.pause()
        assert any(n.startswith("Not remembered:") for n in notices(app))
        assert app.prefs.theme == "pulse-high-contrast"  # holds until pulse quits

    drive(app, script)
    assert mine.read_bytes() == broken


def test_remember_writes_only_what_changed(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks")
    write_file(mine, "# mine\ntheme: pulse-light\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        app.remember(compact=False, sort="priority")  # the defaults already: nothing to write
        assert mine.read_text(encoding="utf-8") == "# mine\ntheme: pulse-light\n"
        app.remember(compact=True, folded=True, sort="rank", hide_empty=True)
        assert app.prefs == Prefs("pulse-light", compact=True, folded=True, sort="rank", hide_empty=True)

    drive(app, script)
    assert mine.read_text(encoding="utf-8") == (
        "# mine\ntheme: pulse-light\n"
        'view:\n  compact: true\n  folded: true\n  sort: "rank"\n  hide_empty: true\n'
    )
    assert load_prefs(mine)[0] == Prefs(
        "pulse-light", compact=True, folded=True, sort="rank", hide_empty=True
    )


def follow(app: PulseApp, board: Board, text: str) -> None:
    """pulse.yaml edited while the board runs, and read again as a watcher's hint would have it."""
    (board.root / "pulse.yaml").write_text(text, encoding="utf-8")
    app.board_screen.reread_settings()


def test_an_edit_of_pulse_yaml_keeps_the_users_theme_and_keys_on_top(tmp_path: Path, mine: Path) -> None:
    board = make_board(tmp_path / "tasks", "theme: pulse-dark\n")
    write_file(mine, "keys:\n  start: y\n")
    task = Maker(board).task("Task")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        follow(app, board, "theme: pulse-light\nkeys:\n  start: x\n  done: D\n")
        await pilot.pause()
        assert app.theme == "pulse-light"  # no personal theme: the team's default follows
        assert app.prefs.theme is None  # and is not taken for the user's own
        await pilot.press("x")
        assert where_is(board.root, task.name) == ["open"]
        await pilot.press("y")
        await wait_for(pilot, lambda: where_is(board.root, task.name) == ["doing"])
        app.theme = "pulse-high-contrast"  # the user's own choice now
        await pilot.pause()
        follow(app, board, "theme: pulse-ansi16\nkeys:\n  start: x\n  done: D\n")
        await pilot.pause()
        assert app.theme == "pulse-high-contrast"

    drive(app, script)
    assert load_prefs(mine) == (Prefs("pulse-high-contrast", keys=(("start", "y"),)), None)
