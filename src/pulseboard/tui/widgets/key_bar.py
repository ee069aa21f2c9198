"""The key bar: the keys a screen shows, in one line at its foot, drawn as one piece of text.

It stands in for Textual's Footer, which makes a widget for every key and makes them all again
each time the focus moves (on the board: 20-90 ms a column change, and a tenth of the start-up).
This one redraws its line when the bindings change, and only if the line would read differently.
Like the Footer: each action once (its first binding shown), a key that can't act now dimmed,
the command palette's key at the right end, and a click on a key presses it.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class _Key(NamedTuple):
    key: str  # what a press sends
    shown: str  # how the key reads (`get_key_display`: remaps and symbols)
    description: str
    enabled: bool


class KeyBar(Widget):
    """One line of `key description` pairs, for the screen's active bindings that show."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        background: $footer-background;
        & > .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._keys: list[_Key] = []
        self._palette: _Key | None = None
        self._spans: list[tuple[int, int, _Key]] = []  # where each key was drawn: x from, x to

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._bindings_changed(self.screen)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        app = self.app
        keys: dict[str, _Key] = {}  # by action: each action once, as the Footer shows it
        palette: _Key | None = None
        for _node, binding, enabled, _tooltip in screen.active_bindings.values():
            key = _Key(binding.key, app.get_key_display(binding), binding.description, enabled)
            if binding.key == app.COMMAND_PALETTE_BINDING and app.ENABLE_COMMAND_PALETTE:
                palette = key
            elif binding.show and binding.action not in keys:
                keys[binding.action] = key
        if list(keys.values()) != self._keys or palette != self._palette:
            self._keys, self._palette = list(keys.values()), palette
            self.refresh()

    def render(self) -> Text:
        styles = (
            self.get_component_rich_style("key-bar--key"),
            self.get_component_rich_style("key-bar--description"),
        )
        width = self.size.width
        palette = _piece(self._palette, *styles) if self._palette is not None else Text()
        room = width - palette.cell_len - (1 if palette else 0)  # the palette's key always shows
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for key in self._keys:
            piece = _piece(key, *styles)
            if line.cell_len + piece.cell_len > room:
                break  # a narrow terminal: the keys first in the table (help, quit) are the ones kept
            self._spans.append((line.cell_len, line.cell_len + piece.cell_len, key))
            line.append_text(piece)
        if self._palette is not None:
            line.append(" " * (width - palette.cell_len - line.cell_len))
            self._spans.append((line.cell_len, width, self._palette))
            line.append_text(palette)
        return line

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return


def _piece(key: _Key, key_style: Style, text_style: Style) -> Text:
    """` key description ` as the Footer draws it; dimmed when the key can't act now."""
    extra = Style() if key.enabled else Style(dim=True)
    description = f"{key.description} " if key.description else ""
    return Text.assemble((f" {key.shown} ", key_style + extra), (description, text_style + extra))
