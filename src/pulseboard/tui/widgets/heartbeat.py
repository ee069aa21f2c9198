"""The heartbeat pane: the engine's top suggestions with their reasons, when it last beat, a pulse.

It shows what the app hands it (the rules live in pulseboard.core.heartbeat_rules) and keeps which
suggestion is selected across beats, so stepping through the list survives the next beat.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

from textual.content import Content
from textual.widgets import Static

from pulseboard.core.heartbeat import Suggestion
from pulseboard.core.text import one_line

SHOWN = 3  # suggestions on screen at once; the selected one is always among them
PULSE_S = 0.8  # how long the heart stays lit after a beat
ACTION_STYLE = {
    "start": "bold $success",
    "unblock": "bold $success",
    "finish": "bold $warning",
    "split": "bold $warning",
    "re-read": "bold $accent",
    "resolve": "bold $error",
    "wait": "$text-muted",
}


def _key(suggestion: Suggestion) -> tuple[str, tuple[str, ...]]:
    return suggestion.kind, suggestion.ids


class HeartbeatPane(Static):
    """What to do next and why, as of the last beat."""

    def __init__(self, **options: object) -> None:
        super().__init__(Content(" ♥ reading the board…"), **options)  # type: ignore[arg-type]
        self.suggestions: Sequence[Suggestion] = ()
        self.index = 0
        self.beat_at: dt.datetime | None = None
        self.keys_hint = ""
        self.lit = False
        self.folded = False  # one line: the selected suggestion only
        self._short: Callable[[str], str] = lambda task_id: task_id[:4]

    @property
    def selected(self) -> Suggestion | None:
        return self.suggestions[self.index] if self.suggestions else None

    def show_beat(
        self, suggestions: Sequence[Suggestion], at: dt.datetime, short: Callable[[str], str]
    ) -> None:
        """Show a new beat, keeping the selection on the same suggestion when it is still there."""
        kept = self.selected
        self.suggestions, self.beat_at, self._short = suggestions, at, short
        keys = [_key(s) for s in suggestions]
        self.index = keys.index(_key(kept)) if kept is not None and _key(kept) in keys else 0
        if self.app.animation_level == "none":  # TEXTUAL_ANIMATIONS=none: no blinking
            self._render_pane()
            return
        self._light(True)
        self.set_timer(PULSE_S, lambda: self._light(False))

    def _light(self, lit: bool) -> None:
        """The visible pulse: the heart and the pane's rule light up for a moment after a beat."""
        self.lit = lit
        self.set_class(lit, "beat")
        self._render_pane()

    def step(self, delta: int) -> None:
        if self.suggestions:
            self.index = (self.index + delta) % len(self.suggestions)
            self._render_pane()

    def fold(self) -> None:
        """Fold the pane to one line (the selected suggestion), or open it again."""
        self.folded = not self.folded
        self.set_class(self.folded, "folded")
        self._render_pane()

    def _render_pane(self) -> None:
        total = len(self.suggestions)
        if self.folded and total:
            heart = "bold $pulse-heartbeat" if self.lit else "$text-muted"
            self.update(Content.assemble(("♥ ", heart), self._line(self.index)), layout=False)
            return
        when = self.beat_at.astimezone().strftime("%H:%M:%S") if self.beat_at else "-"
        heart = "bold $pulse-heartbeat" if self.lit else "$text-muted"
        head: list[tuple[str, str] | str] = [("♥ ", heart), ("heartbeat", "bold"), f"  last beat {when}"]
        if total:
            head.append(f"  ·  {self.index + 1}/{total}")
        if self.keys_hint:
            head.append((f"  ·  {self.keys_hint}", "$text-muted"))
        lines = [Content.assemble(*head)]
        first = min(max(0, self.index - SHOWN + 1), max(0, total - SHOWN))
        for position in range(first, min(first + SHOWN, total)):
            lines.append(self._line(position))
        self.update(Content("\n").join(lines), layout=False)

    def _line(self, position: int) -> Content:
        suggestion = self.suggestions[position]
        selected = position == self.index
        who = " ".join(self._short(task_id) for task_id in suggestion.ids[:2])
        terms = " · ".join(f"{term} {points:+g}" for term, points in suggestion.reasons)
        return Content.assemble(
            ("▶ " if selected else "  ", "bold $accent"),
            (f"{position + 1}. ", "$text-muted"),
            (f"{suggestion.action:<8}", ACTION_STYLE.get(suggestion.action, "")),
            (f"{who:<10} ", "$accent"),
            (one_line(suggestion.text), "bold" if selected else ""),
            (f"   {terms}" if terms else "", "$text-muted"),
        )
