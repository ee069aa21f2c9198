"""The key help (key ?): every key as currently mapped, then the detail view's own."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from pulseboard.tui.plain import plain


class HelpScreen(ModalScreen[None]):
    """Every key of the board as currently mapped, then the detail view's own."""

    DEFAULT_CSS = """
    HelpScreen .help { max-height: 100%; }
    HelpScreen #help-keys { height: 1fr; }
    HelpScreen #detail-keys { grid-size: 2; grid-columns: 16 1fr; height: auto; }
    HelpScreen .section { margin-top: 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close"),
        Binding("question_mark", "dismiss(None)", "Close", id="help"),  # the help key, remapped or not
    ]

    def __init__(self, rows: list[tuple[str, str]], detail_rows: list[tuple[str, str]] | None = None) -> None:
        """rows: (keys, what they do) on the board; detail_rows: those only the detail view has."""
        super().__init__()
        self._rows = rows
        self._detail_rows = detail_rows or []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog help"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                with Grid(id="keys"):
                    for keys, what in self._rows:
                        yield Static(plain(keys), classes="key")  # `[` is a key here, not markup
                        yield Static(plain(what))
                if self._detail_rows:
                    yield Label("In a task's detail view, besides the task's keys above", classes="section")
                    with Grid(id="detail-keys"):
                        for keys, what in self._detail_rows:
                            yield Static(plain(keys), classes="key")
                            yield Static(plain(what))
            yield Static(
                "Card marks: ✖ a file pulse can't read (enter shows why) · ⧉ the same task in two "
                "folders · ⇄ touches the same files as a task in Doing · ★ the heartbeat's pick · "
                "● marked (space) · ☑ 2/5 criteria ticked · ⋔ 2/3 parts done · ⇠ a1b2 waits on a1b2\n"
                "ctrl+p: every action, go to a task, change the theme.  escape: close",
                classes="hint",
            )
