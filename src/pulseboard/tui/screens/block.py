"""The block prompt: what is needed to unblock a task and who must act (key b)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label

from pulseboard.core.board import Task
from pulseboard.core.text import inert
from pulseboard.tui.screens.form import FormScreen


@dataclass(frozen=True, slots=True)
class BlockReason:
    reason: str
    waiting_on: str | None


class BlockScreen(FormScreen[BlockReason]):
    """Why a task is blocked and who must act; enter blocks it, escape cancels."""

    def __init__(self, task: Task, count: int = 1) -> None:
        """task: the task to block; count: how many marked tasks are blocked with it."""
        super().__init__()
        self._shown = task
        self._count = count

    def compose(self) -> ComposeResult:
        what = inert(self._shown.title) if self._count == 1 else f"{self._count} marked tasks"
        with Vertical(id="dialog", classes="dialog"):
            yield Label(Content.assemble("Block ", (what, "bold")), classes="dialog-title")
            yield Input(placeholder="What is needed to unblock it?", id="reason")
            yield Input(placeholder="Who must act? (a person, a team, an agent)", id="waiting-on")
            yield from self.buttons("Block", "warning", "block")

    @on(Input.Submitted)
    @on(Button.Pressed, "#block")
    def block(self) -> None:
        reason = " ".join(self.query_one("#reason", Input).value.split())
        waiting = " ".join(self.query_one("#waiting-on", Input).value.split())
        if not reason:
            self.show_problem("Say what is needed: a blocker names its way out.")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(BlockReason(reason, waiting or None))
