"""The command palette's entries: the board's actions (from the table in core/keymap.py) and
"go to task", which finds tasks by the board filter's rule (core/query.py) and jumps to one."""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator, Mapping
from functools import partial
from typing import TYPE_CHECKING

from textual.app import App, SystemCommand
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher
from textual.markup import escape

from pulseboard.core.keymap import ACTIONS, BOARD
from pulseboard.core.query import Query
from pulseboard.core.text import inert
from pulseboard.tui.bindings import current_keys

if TYPE_CHECKING:
    from pulseboard.core.board import Task
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
    """Tasks that match what is typed, by the board filter's rule (core/query.py), best first."""

    async def search(self, query: str) -> Hits:
        app: PulseApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for score, task in find_tasks(query, app.snapshot):
            short = app.shorts.short(task.id)
            text = inert(f"{short}  {task.title}  ({task.state})")
            yield Hit(score, highlight_plain(matcher, text), partial(app.go_to, task), text=text,
                      help=f"Go to this task in {task.state}/")  # fmt: skip


def find_tasks(text: str, tasks: Iterable[Task], limit: int = MAX_HITS) -> list[tuple[float, Task]]:
    """The palette's hits for `text`: the best `limit` matching tasks with their scores, best first
    (ties in board order); nothing for an empty query."""
    query = Query.parse(text)
    if not query:
        return []
    scored = ((query.score(task), n, task) for n, task in enumerate(tasks) if query.matches(task))
    return [(score, task) for score, _, task in heapq.nsmallest(limit, scored, key=lambda s: (-s[0], s[1]))]
