"""The plan screen (key p): the open tasks that can run side by side now, as lanes for N hands.

It shows what `pulse plan --hands N` prints (core/plan_text.py); + and - ask the board for a plan
with one hand more or fewer (the board makes it off the UI thread and opens this screen again).
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

MAX_HANDS = 20


class PlanScreen(ModalScreen[None]):
    """The plan's lanes as text; + / - for one hand more or fewer."""

    DEFAULT_CSS = """
    PlanScreen #plan-lanes { height: 1fr; }
    PlanScreen #plan-text { width: auto; }
    """  # its width and height: `.dialog.plan` in pulse.tcss (the app's sheet outranks this one)
    BINDINGS = [
        Binding("escape,q,p", "dismiss(None)", "Close"),
        Binding("plus,equals_sign", "hands(1)", "One hand more"),
        Binding("minus", "hands(-1)", "One hand fewer"),
    ]

    def __init__(self, text: str, hands: int, replan: Callable[[int], None]) -> None:
        super().__init__()
        self._text = text
        self._hands = hands
        self._replan = replan

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog plan"):
            yield Label(f"Plan for {self._hands} hands", classes="dialog-title")
            with ScrollableContainer(id="plan-lanes"):  # long lines scroll sideways
                yield Static(Content(self._text), id="plan-text")  # task text is never markup
            yield Static("+ / -: one hand more or fewer · escape: close", classes="hint")

    def action_hands(self, delta: int) -> None:
        hands = min(max(self._hands + delta, 1), MAX_HANDS)
        if hands != self._hands:
            self.dismiss(None)
            self._replan(hands)
