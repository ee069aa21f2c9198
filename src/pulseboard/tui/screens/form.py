"""The base of the board's small dialogs: fields, a line saying what is wrong, OK and Cancel."""

from __future__ import annotations

from typing import TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from pulseboard.tui.plain import plain

ResultT = TypeVar("ResultT")


class FormScreen(ModalScreen[ResultT | None]):
    """A small dialog: fields, a line saying what is wrong, an OK button and Cancel (or escape)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def buttons(self, label: str, variant: ButtonVariant, ok_id: str, problem: str = "") -> ComposeResult:
        yield Static(plain(problem), id="problem", classes="problem")
        with Horizontal(classes="buttons"):
            yield Button(label, variant=variant, id=ok_id)
            yield Button("Cancel", id="cancel")

    def show_problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(plain(text))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)
