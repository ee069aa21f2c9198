"""The new-task form after the core refuses it: it comes back with what was typed, the sentence,
and the focus in the field the sentence is about, the cursor at its end, nothing selected."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.board_helpers import Maker, drive, make_board, new_app, wait_for
from textual.pilot import Pilot
from textual.widgets import Input

from pulseboard.tui.screens.new_task import NewTaskScreen

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("keys", "field"),
    [(("tab", "tab", *"soon"), "estimate"), (("tab", "tab", "tab", "tab", *"nosuchid"), "depends")],
)
def test_a_refused_form_focuses_the_field_it_is_about(
    tmp_path: Path, keys: tuple[str, ...], field: str
) -> None:
    board = make_board(tmp_path / "tasks")
    Maker(board).task("Existing")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("n", *"Keep this title", *keys, "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTaskScreen) and bool(app.screen._problem))
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input) and focused.id == field
        assert focused.cursor_position == len(focused.value) and focused.selection.is_empty
        await pilot.press("x")  # the next key adds to the field, replacing nothing
        assert app.screen.query_one("#title", Input).value == "Keep this title"
        assert focused.value.endswith("x") and len(focused.value) > 1

    drive(app, script)
