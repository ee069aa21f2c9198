"""The status line under the board: done today, the velocity sparkline, the median cycle time,
how many hold tasks in doing (and how many went silent), the open debt, a failed push (which stays
in view until a later push succeeds) and a short note about the last key (why it did nothing),
gone after a few seconds."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.timer import Timer
from textual.widgets import Sparkline, Static

from pulseboard.core.report import span

if TYPE_CHECKING:
    from pulseboard.core.metrics import Stats  # the figures come after the first paint


class StatusLine(Horizontal):
    """Done today, the velocity of the last days as a sparkline, and the median cycle time."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: dict[str, str] = {}  # each part's text as last drawn
        self._clear: Timer | None = None  # when the note goes

    def compose(self) -> ComposeResult:
        yield Static("", id="status-note")  # first: a narrow terminal cuts the line's end
        yield Static("", id="status-today")
        yield Sparkline([], id="status-velocity")
        yield Static("", id="status-cycle")
        yield Static("", id="status-holders")
        yield Static("", id="status-debt")
        yield Static("", id="status-git")

    def note(self, text: str, seconds: float = 4.0) -> None:
        """A sentence about the last key, shown for a few seconds (task text in it is never markup)."""
        self._put("status-note", f" {text} ·")
        if self._clear is not None:
            self._clear.stop()
        self._clear = self.set_timer(seconds, lambda: self._put("status-note", ""))

    def show(self, stats: Stats) -> None:
        counts = [day.count for day in stats.velocity]
        self._put("status-today", f" done today {stats.done_today} · velocity ")
        self.query_one("#status-velocity", Sparkline).data = counts
        median = span(stats.cycle.median_s)
        self._put("status-cycle", f" {sum(counts)} in {stats.days}d · cycle time {median}")

    def show_holders(self, active: int, silent: int) -> None:
        """How many hold tasks in doing now, and how many of them went silent past the lease."""
        text = f" · {active} holder{'s' if active != 1 else ''} active" if active else ""
        self._put("status-holders", text + (f", {silent} silent" if silent else ""))
        self.query_one("#status-holders", Static).set_class(silent > 0, "failed")

    def show_debt(self, count: int) -> None:
        """How many open tasks are tagged as debt (heartbeat.debt_tags)."""
        self._put("status-debt", f" · {count} debt open" if count else "")

    def show_push(self, failure: str | None) -> None:
        """A failed git push stays in view until a later push succeeds."""
        self._put("status-git", f" · push failed: {failure}" if failure else "")
        self.query_one("#status-git", Static).set_class(failure is not None, "failed")

    def _put(self, part: str, text: str) -> None:
        """A part of the line says something new: redraw it. Its width may change, so that is a
        layout pass: never for the same text (the figures and the beat come after every move)."""
        if self._shown.get(part) != text:
            self._shown[part] = text
            self.query_one(f"#{part}", Static).update(Content(text))  # task text is never markup
