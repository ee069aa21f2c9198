"""The command palette's "go to task": find any task by its title or id and jump to it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import Hit, Hits, Provider

from pulseboard.core.text import inert

if TYPE_CHECKING:
    from pulseboard.tui.app import PulseApp

MAX_HITS = 40


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
            yield Hit(score, matcher.highlight(text), partial(app.go_to, task), text=text,
                      help=f"Go to this task in {task.state}/")  # fmt: skip
            found += 1
            if found >= MAX_HITS:
                return
