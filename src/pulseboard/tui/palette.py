"""The command palette's entries: the board's actions (from the table in core/keymap.py) and
"go to task", which finds any task by its title or id and jumps to it."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from pulseboard.core.keymap import ACTIONS, BOARD
from pulseboard.core.text import inert
from pulseboard.tui.bindings import current_keys

if TYPE_CHECKING:
    from pulseboard.tui.app import PulseApp

MAX_HITS = 40


def highlight_plain(matcher: Matcher, text: str) -> Content:
    """Matcher.highlight for plain text: Textual's own reads the candidate as markup."""
    content = Content(text)
    score, offsets = matcher.fuzzy_search.match(matcher.query, text)
    for offset in offsets if score else ():
        if not text[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content


def action_commands(app: App[object], keymap: Mapping[str, str]) -> Iterator[SystemCommand]:
    """A palette entry for every board action the table offers there, saying its key; the app
    runs it (and its check_action decides, as for the key)."""
    for action in ACTIONS:
        if action.palette and action.applies_in(BOARD):
            help = escape(f"{action.help} · key {current_keys(action, keymap)}")  # the palette reads markup
            yield SystemCommand(action.label, help, partial(app.run_action, action.run))


class TaskFinder(Provider):
    """Tasks whose id starts with, or whose title contains, what is typed."""

    async def search(self, query: str) -> Hits:
        app: PulseApp = self.app  # type: ignore[assignment]
        needle = query.strip().lower()
        if not needle:
            return
        matcher = self.matcher(query)
        found = 0
        for task in app.snapshot:
            if not (task.id.startswith(needle) or needle in task.title.lower()):
                continue
            short = app.shorts.short(task.id)
            text = inert(f"{short}  {task.title}  ({task.state})")
            score = 1.0 if task.id.startswith(needle) else max(matcher.match(task.title), 0.1)
            yield Hit(score, highlight_plain(matcher, text), partial(app.go_to, task), text=text,
                      help=f"Go to this task in {task.state}/")  # fmt: skip
            found += 1
            if found >= MAX_HITS:
                return
