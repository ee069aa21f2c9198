"""A question with a few answers, each a button and a key; a yes/no question is one of them."""

from __future__ import annotations

from dataclasses import dataclass

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static
from textual.widgets.button import ButtonVariant

from pulseboard.tui.plain import plain


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    key: str  # a single key that picks it
    variant: ButtonVariant = "default"


class ChoiceScreen(ModalScreen[str | None]):
    """A question with a few answers, each a button and a key; escape answers None. The last
    answer (the safe one) has the focus, so enter alone never does the bold thing."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, choices: list[Choice]) -> None:
        super().__init__()
        self._question = question
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(plain(self._question), classes="question")
            with Horizontal(classes="buttons"):
                for choice in self._choices:
                    yield Button(f"{choice.label} ({choice.key})", variant=choice.variant, id=choice.id)

    def on_mount(self) -> None:
        self.query_one(f"#{self._choices[-1].id}", Button).focus()

    def on_key(self, event: events.Key) -> None:
        for choice in self._choices:
            if event.key == choice.key:
                event.stop()
                self.dismiss(choice.id)
                return

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


class ConfirmScreen(ChoiceScreen):
    """A yes/no question: y answers "yes"; n or escape say no."""

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__(question, [Choice("yes", yes, "y", "warning"), Choice("no", "No", "n")])
