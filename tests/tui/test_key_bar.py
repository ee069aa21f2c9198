"""The board's key bar (tui/widgets/key_bar.py): the keys as mapped, help and quit first, the palette's
key at the right end whatever the width, a click presses a key, and the line is not drawn again
when the focus moves and the keys stay the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.board_helpers import Maker, drive, files_in, make_board, new_app, wait_for
from textual.pilot import Pilot

from pulseboard.tui.app import PulseApp
from pulseboard.tui.widgets.key_bar import KeyBar

pytestmark = pytest.mark.timeout(60)


KEYS = {("?", "Keys"), ("q", "Quit"), ("s", "Start"), ("d", "Done"), ("b", "Block"), ("o", "Reopen"),
        ("n", "New"), ("⏎", "Detail"), ("u", "Undo"), ("/", "Filter"), ("a", "Apply"),
        ("v", "Stats")}  # fmt: skip


def bar_text(app: PulseApp) -> str:
    bar = app.board_screen.query_one(KeyBar)
    return bar.render().plain


@pytest.mark.parametrize("size", [(160, 50), (80, 24), (40, 12)])
def test_help_and_quit_lead_and_the_palette_key_ends_the_line(tmp_path: Path, size: tuple[int, int]) -> None:
    board = make_board(tmp_path / "tasks")
    Maker(board).task("One")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.resize_terminal(*size)
        await pilot.pause()
        line = bar_text(app)
        assert len(line) == size[0]
        assert line.startswith(" ? Keys  q Quit ")
        assert line.rstrip().endswith("^p palette")
        if size[0] >= 160:
            assert " s Start " in line and " n New " in line
        words = line.split()
        assert words[-2:] == ["^p", "palette"]
        for key, description in zip(words[:-2:2], words[1:-2:2], strict=True):  # whole keys: none cut short
            assert (key, description) in KEYS, (key, description)

    drive(app, script, size=size)


def test_a_remapped_key_shows_as_mapped(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", "keys:\n  start: x\n")
    Maker(board).task("One")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        line = bar_text(app)
        assert " x Start " in line and " s Start " not in line

    drive(app, script, size=(160, 50))


def test_a_click_on_a_key_presses_it(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    Maker(board).task("Click me")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        line = bar_text(app)
        x = line.index(" s Start ") + 2
        await pilot.click(KeyBar, offset=(x, 0))
        await wait_for(pilot, lambda: len(files_in(board.root, "doing")) == 1)
        assert files_in(board.root, "open") == []

    drive(app, script, size=(160, 50))


def test_moving_between_columns_keeps_the_line_when_the_keys_stay(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("Open one")
    maker.task("Doing one", "doing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        bar = app.board_screen.query_one(KeyBar)
        before = bar_text(app)
        drawn: list[int] = []
        render = bar.render
        bar.render = lambda: (drawn.append(1), render())[1]  # type: ignore[method-assign]
        for key in "llhh":
            await pilot.press(key)
            await pilot.pause()
        assert drawn == []  # the focus moved four times; the keys stayed, and so did the line
        assert bar_text(app) == before

    drive(app, script, size=(160, 50))
