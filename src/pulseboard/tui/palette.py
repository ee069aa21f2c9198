"""The command palette's entries: the board's actions (from the table in core/keymap.py) and
"go to task", which asks the board screen for tasks matching what is typed (core/query.py's rule)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape
from textual.screen import Screen

from pulseboard.core.keymap import ACTIONS
from pulseboard.tui.bindings import binding, current_keys

if TYPE_CHECKING:
    from pulseboard.tui.app import PulseApp


def highlight_plain(matcher: Matcher, text: str) -> Content:
    """Matcher.highlight for plain text: Textual's own reads the candidate as markup."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def action_commands(
    screen: Screen[object], place: str, keymap: Mapping[str, str], route: str = ""
) -> Iterator[SystemCommand]:
    """A palette entry for every action the table offers in `place`, saying its key; choosing it
    runs what the key runs on `screen` (the same binding, tui/bindings.py)."""
    for action in ACTIONS:
        if action.palette and action.applies_in(place):
            help = escape(f"{action.help} · key {current_keys(action, keymap)}")  # the palette reads markup
            yield SystemCommand(
                action.label, help, partial(screen.run_action, binding(action, place, route).action)
            )


class TaskFinder(Provider):
    """Tasks that match what is typed, by the board filter's rule (core/query.py), best first."""

    async def search(self, query: str) -> Hits:
        app: PulseApp = self.app  # type: ignore[assignment]
        board = app.board_screen
        matcher = self.matcher(query)
        for score, text, task in board.find(query):
            yield Hit(score, highlight_plain(matcher, text), partial(board.go_to, task), text=text,
                      help=f"Go to this task in {task.state}/")  # fmt: skip
