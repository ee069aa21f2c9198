"""The split dialog (key a on a "split" suggestion): a task's unchecked acceptance criteria, each
a checkbox, all picked at first; enter makes the picked ones its parts, escape cancels.

The dialog only collects the criteria's indexes; the board makes the parts through core/split.py,
as `pulse split ID --pick N,M` does.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from pulseboard.core.board import Task
from pulseboard.core.text import inert
from pulseboard.tui.plain import plain
from pulseboard.tui.screens.form import FormScreen


class SplitScreen(FormScreen[list[int]]):
    """The criteria to make parts of; enter splits, space unpicks one, escape cancels."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("enter", "split", "Split", priority=True),  # in the list, enter would toggle a box
    ]

    def __init__(self, task: Task, items: list[tuple[int, str]]) -> None:
        """items: the criteria offered, (index among all the task's criteria, text)."""
        super().__init__()
        self._shown = task
        self._items = items

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog split"):
            yield Label(
                Content.assemble("Split ", (inert(self._shown.title), "bold")), classes="dialog-title"
            )
            yield Static(
                "Each picked criterion becomes a task in Open (space unpicks one):", classes="question"
            )
            yield SelectionList[int](
                *(Selection(plain(text), i, True) for i, text in self._items), id="parts"
            )
            yield from self.buttons("Split", "primary", "split")

    def on_mount(self) -> None:
        parts = self.query_one("#parts", SelectionList)
        parts.highlighted = 0  # so the first space unpicks the first criterion
        parts.focus()

    @on(Button.Pressed, "#split")
    def action_split(self) -> None:
        picked = sorted(self.query_one("#parts", SelectionList).selected)
        if not picked:
            self.show_problem("Pick at least one criterion, or escape to cancel.")
            return
        self.dismiss(picked)
