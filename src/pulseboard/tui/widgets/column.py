"""One board column: a line-API scroll view that draws only the cards on screen.

Cards are not widgets. The column holds a sequence of tasks (a live view of the snapshot, or a
filtered list) and renders line y as row y % height of card y // height (CARD_HEIGHT, or one
line in compact mode), caching each card's strips until its task, the width, the cursor or the
theme changes. So a column of 70,000
tasks costs the same to draw as a column of 7.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget

from pulseboard.core.board import Task
from pulseboard.tui.widgets.cards import (
    CARD_HEIGHT,
    TAG_STYLES,
    CardContext,
    card_lines,
    clock_text,
    compact_line,
)

STYLE_NAMES = (
    "card--id", "card--title", "card--meta", "card--critical", "card--high", "card--medium",
    "card--low", "card--broken", "card--conflict", "card--overlap", "card--age-warn",
    "card--age-over", "card--blocked", "card--who", "card--suggested", "card--marked", *TAG_STYLES,
)  # fmt: skip


@lru_cache(maxsize=32)
def _wrapped(text: str, width: int) -> list[str]:
    """An empty column's text in lines of `width`: wrapped once, not for every line drawn."""
    return textwrap.wrap(text, width)


class CardStyles(Widget):
    """The cards' styles (pulse.tcss: `CardStyles > .card--title` and the like), held once for the
    four columns: a widget's component classes are worked out again each time its own classes
    change, which a column's do whenever it gains or loses the focus."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *STYLE_NAMES,
        "card--cursor",
        "card--cursor-blurred",
        "column--empty",
    }
    DEFAULT_CSS = "CardStyles { display: none; }"

    def style(self, name: str) -> Style:
        """What the style adds to a column's own (its colour, weight, background)."""
        return self.get_component_rich_style(name, partial=True)


class TaskColumn(ScrollView, can_focus=True, inherit_bindings=False):
    """The cards of one state folder, with a cursor.

    It has no keys of its own (a ScrollView's home/end/page keys would scroll away from the cursor):
    the board screen's keys move the cursor, and the column scrolls to keep it in view."""

    cursor: reactive[int] = reactive(0, always_update=True, init=False)

    def __init__(
        self, state: str, context: Callable[[], CardContext], styles: CardStyles, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.state = state
        self._card_context = context
        self._styles = styles
        self.tasks: Sequence[Task] = ()
        self.empty_text = "Loading…"
        self._strips: dict[tuple[str, int, bool, bool], list[Strip]] = {}
        self._clocks: dict[str, str | None] = {}  # each drawn card's time, as drawn
        self.compact = False  # one line per card

    @property
    def card_height(self) -> int:
        return 1 if self.compact else CARD_HEIGHT

    def set_compact(self, compact: bool) -> None:
        """One line per card, or full cards: the cursor's card stays in view."""
        if compact != self.compact:
            self.compact = compact
            self._strips.clear()
            self._fit_height()
            self.call_after_refresh(self._scroll_to_cursor)
            self.refresh()

    # -- data -----------------------------------------------------------------------------------

    def show(self, tasks: Sequence[Task], cursor: int | None = None) -> None:
        """Show these tasks, with the cursor at `cursor` (default: where it was, clamped)."""
        self.tasks = tasks
        self._strips.clear()
        self._clocks.clear()
        self._fit_height()
        self.cursor = self._clamp(self.cursor if cursor is None else cursor)
        self.refresh()

    def _fit_height(self) -> None:
        """The scrollable height for the cards, without a layout pass of the screen (~18 ms at
        160x50, for each column whose count a move changed): the column's own size is the layout's
        and stays, only its scrollbar follows. Textual sets a size it works out the same way; a
        scrollbar that comes or goes still asks for a layout."""
        size = Size(0, len(self.tasks) * self.card_height)
        if size != self.virtual_size:
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)  # private in textual 8.2 (pinned <8.3): the scrollbars follow

    def say_when_empty(self, text: str) -> None:
        """What the column says when it has no card (redrawn only when that changes)."""
        if text != self.empty_text:
            self.empty_text = text
            if not self.tasks:
                self.refresh()

    def forget(self, names: set[str] | None = None) -> None:
        """Drop cached strips (of some cards, or all) so they are drawn afresh."""
        if names is None:
            self._strips.clear()
        else:
            for key in [k for k in self._strips if k[0] in names]:
                del self._strips[key]
        self.refresh()

    def tick(self) -> None:
        """Redraw the cards in sight whose time would read differently now (cheap: a few cards)."""
        if not self.tasks or not self._clocks:
            return
        now = self._card_context().now
        first = self.scroll_offset.y // self.card_height
        for index in range(first, min(len(self.tasks), first + self.size.height // self.card_height + 1)):
            name = self.tasks[index].name
            if name in self._clocks and clock_text(self.tasks[index], now) != self._clocks[name]:
                for key in [k for k in self._strips if k[0] == name]:
                    del self._strips[key]
                self.refresh_card(index)

    @property
    def selected(self) -> Task | None:
        return self.tasks[self.cursor] if 0 <= self.cursor < len(self.tasks) else None

    def _clamp(self, index: int) -> int:
        return max(0, min(index, len(self.tasks) - 1))

    # -- cursor ---------------------------------------------------------------------------------

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_card(old)
        self.refresh_card(new)
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        height = self.card_height
        self.scroll_to_region(
            Region(0, self.cursor * height, 1, height), animate=False, force=True, immediate=True
        )

    def refresh_card(self, index: int) -> None:
        y = index * self.card_height - self.scroll_offset.y
        self.refresh(Region(0, y, self.size.width, self.card_height))

    def move_cursor(self, delta: int) -> None:
        if self.tasks:
            self.cursor = self._clamp(self.cursor + delta)

    def page(self, direction: int) -> None:
        self.move_cursor(direction * max(self.size.height // self.card_height, 1))

    def on_focus(self) -> None:
        self.refresh_card(self.cursor)
        if self.parent is not None:
            self.parent.add_class("focused")  # the column's box: its title stands out

    def on_blur(self) -> None:
        self.refresh_card(self.cursor)
        if self.parent is not None:
            self.parent.remove_class("focused")

    class Opened(Message):
        """A card was double-clicked: the board opens its detail view."""

        def __init__(self, column: TaskColumn) -> None:
            super().__init__()
            self.column = column

    def on_click(self, event: events.Click) -> None:
        """A click selects the card under it; a double-click opens it."""
        index = (event.y + self.scroll_offset.y) // self.card_height
        if 0 <= index < len(self.tasks):
            self.cursor = index
            if event.chain == 2:
                self.post_message(self.Opened(self))

    def on_resize(self) -> None:
        self._strips.clear()
        self._fit_height()

    # -- drawing --------------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width  # inside the vertical scrollbar
        height = self.card_height
        index, row = divmod(y + self.scroll_offset.y, height)
        if not self.tasks:
            lines = _wrapped(self.empty_text, max(width - 2, 1))  # from the second line down
            if 1 <= y <= len(lines):
                text = f" {lines[y - 1]}"[:width].ljust(width)
                return Strip([Segment(text, self.rich_style + self._styles.style("column--empty"))], width)
            return Strip.blank(width, self.rich_style)
        if index >= len(self.tasks) or (row == height - 1 and not self.compact):  # the gap
            return Strip.blank(width, self.rich_style)
        return self._card(index, width)[row]

    def _card(self, index: int, width: int) -> list[Strip]:
        task = self.tasks[index]
        selected = index == self.cursor
        key = (task.name, width, selected, selected and self.has_focus)  # cleared when compact flips
        strips = self._strips.get(key)
        if strips is None:
            strips = self._draw(task, width, selected)
            self._strips[key] = strips
        return strips

    def _draw(self, task: Task, width: int, selected: bool) -> list[Strip]:
        base = self.rich_style
        if selected:
            name = "card--cursor" if self.has_focus else "card--cursor-blurred"
            base = base + self._styles.style(name)
        styles: dict[str, Style] = {}
        context = self._card_context()
        self._clocks[task.name] = clock_text(task, context.now)

        def style_of(name: str) -> Style:
            if name not in styles:
                styles[name] = base + self._styles.style(name) if name else base
            return styles[name]

        inner = max(width - 2, 1)
        lines = [compact_line(task, context, inner)] if self.compact else card_lines(task, context, inner)
        strips = []
        for line in lines:
            segments = [Segment(" ", base), *(Segment(text, style_of(name)) for text, name in line)]
            segments.append(Segment(" " * (width - inner - 1), base))
            strips.append(Strip(segments, width))
        return strips
