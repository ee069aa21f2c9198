"""The heartbeat pane: the engine's top suggestions, each task once, when it last beat, a pulse.

It shows what the app hands it (the rules live in pulseboard.core.heartbeat_rules), grouped by task
(`group_by_task`: a task's other reasons follow its text, muted), and keeps which suggestion is
selected across beats, so stepping through the list survives the next beat. The score terms behind
each rank are hidden until asked for (`toggle_terms`, the `why` key); a click on a row selects it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence, Set

from textual import events
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from pulseboard.core.heartbeat import Suggestion, group_by_task
from pulseboard.core.text import clip, one_line

SHOWN = 3  # suggestions on screen at once, under the header line; the selected one is always among them
MOST_SHOWN = 8  # on a tall screen the pane grows to this many (`fit`)
ROOMY = 40  # screen lines from which the pane grows: a row more for each 5 lines more
PULSE_S = 0.8  # how long the heart stays lit after a beat
ALSO_CHARS = 160  # a row's grouped reasons are cut here (the pane's width cuts them sooner)
ACTION_STYLE = {
    "start": "bold $success",
    "unblock": "bold $success",
    "finish": "bold $warning",
    "split": "bold $warning",
    "re-read": "bold $accent",
    "resolve": "bold $error",
    "wait": "$text-muted",
}


def _key(suggestion: Suggestion) -> tuple[tuple[str, ...], str]:
    """A row's identity across beats: its task (each task is one row), or its kind if it names none."""
    return suggestion.ids[:1], "" if suggestion.ids else suggestion.kind


def _also(suggestion: Suggestion) -> str:
    """The grouped reasons as one muted tail: `also: past its 15m box; re-read it`."""
    if not suggestion.also:
        return ""
    reasons = "; ".join(text.removesuffix(".") for text in suggestion.also)
    return f"   also: {one_line(clip(reasons, ALSO_CHARS))}"


class HeartbeatPane(Static):
    """What to do next and why, as of the last beat."""

    class Selected(Message):
        """A click selected a suggestion in the pane (the board marks its card)."""

        def __init__(self, pane: HeartbeatPane, suggestion: Suggestion) -> None:
            super().__init__()
            self.pane = pane
            self.suggestion = suggestion

        @property
        def control(self) -> HeartbeatPane:
            return self.pane

    def __init__(self, **options: object) -> None:
        super().__init__(Content(" ♥ reading the board…"), **options)  # type: ignore[arg-type]
        self.suggestions: Sequence[Suggestion] = ()
        self.index = 0
        self.beat_at: dt.datetime | None = None
        self.keys_hint = ""  # "a apply · ] next", as the keys are mapped
        self.why_hint = ""  # "w why": shown while the score terms are hidden
        self.lit = False
        self.folded = False  # one line: the selected suggestion only
        self.terms = False  # the score terms behind each rank: hidden until asked for
        self._first = 0  # the position of the first row on screen
        self.shown = SHOWN  # rows on screen (`fit`)
        self._short: Callable[[str], str] = lambda task_id: task_id[:4]

    @property
    def selected(self) -> Suggestion | None:
        return self.suggestions[self.index] if self.suggestions else None

    def show_beat(
        self, suggestions: Sequence[Suggestion], at: dt.datetime, short: Callable[[str], str]
    ) -> None:
        """Show a new beat (ranked suggestions), each task once, keeping the selection on the same
        task (or, for one naming none, the same kind) when it is still there."""
        kept = self.selected
        self.suggestions, self.beat_at, self._short = group_by_task(suggestions), at, short
        keys = [_key(s) for s in self.suggestions]
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
        self._size_pane()
        self._render_pane()

    def fit(self, screen_height: int) -> None:
        """As many rows as the screen has room for: SHOWN up to ROOMY lines, one more each 5 lines
        after (a tall terminal's columns are half empty anyway), MOST_SHOWN at most."""
        shown = max(SHOWN, min(MOST_SHOWN, SHOWN + (screen_height - ROOMY) // 5))
        if shown != self.shown:
            self.shown = shown
            self._size_pane()
            self._render_pane()

    def _size_pane(self) -> None:
        """The pane's height: its rows, the header and the border (folded: pulse.tcss's)."""
        self.styles.height = None if self.folded else self.shown + 2

    def drop(self, gone: Set[str]) -> None:
        """Tasks gone from the board leave the pane at once, not at the next beat."""
        kept = [s for s in self.suggestions if gone.isdisjoint(s.ids)]
        if len(kept) == len(self.suggestions):
            return
        selected = self.selected
        keys = [_key(s) for s in kept]
        self.suggestions = kept
        if selected is not None and _key(selected) in keys:
            self.index = keys.index(_key(selected))
        else:
            self.index = min(self.index, max(len(kept) - 1, 0))
        self._render_pane()

    def show_hints(self, keys_hint: str, why_hint: str) -> None:
        """The keys the header names, as mapped now."""
        self.keys_hint, self.why_hint = keys_hint, why_hint
        if self.beat_at is not None:
            self._render_pane()

    def toggle_terms(self) -> None:
        """Show the score terms behind each rank, or hide them again."""
        self.terms = not self.terms
        self._render_pane()

    def on_click(self, event: events.Click) -> None:
        """A click on a suggestion's row selects it: the header is the first line, the rows follow."""
        where = event.get_content_offset(self)
        if self.folded or where is None or where.y < 1:
            return
        position = self._first + where.y - 1
        if position >= min(self._first + self.shown, len(self.suggestions)):
            return
        self.index = position
        self._render_pane()
        self.post_message(self.Selected(self, self.suggestions[position]))

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
        hints = " · ".join(hint for hint in (self.keys_hint, "" if self.terms else self.why_hint) if hint)
        if hints:
            head.append((f"  ·  {hints}", "$text-muted"))
        # The rows scroll only as far as the selection needs: a clicked row stays where it was.
        self._first = max(0, min(self._first, self.index, total - self.shown), self.index - self.shown + 1)
        lines = [Content.assemble(*head)]
        end = min(self._first + self.shown, total)
        lines.extend(self._line(position) for position in range(self._first, end))
        self.update(Content("\n").join(lines), layout=False)

    def _line(self, position: int) -> Content:
        suggestion = self.suggestions[position]
        selected = position == self.index
        who = " ".join(self._short(task_id) for task_id in suggestion.ids[:2])
        terms = " · ".join(f"{term} {points:+g}" for term, points in suggestion.reasons) if self.terms else ""
        return Content.assemble(
            ("▶ " if selected else "  ", "bold $accent"),
            (f"{position + 1}. ", "$text-muted"),
            (f"{suggestion.action:<8}", ACTION_STYLE.get(suggestion.action, "")),
            (f"{who:<10} ", "$accent"),
            (one_line(suggestion.text), "bold" if selected else ""),
            (f"   {terms}" if terms else "", "$text-muted"),
            (_also(suggestion), "$text-muted"),
        )
