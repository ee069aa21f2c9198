"""The command palette's "go to task": find any task by its title or id and jump to it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from pulseboard.core.text import inert

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
