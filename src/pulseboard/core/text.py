"""Task text made inert for display: control characters shown, never sent to a terminal.

Task text is data. Wherever pulse shows it (CLI lines, board cards, messages) it passes through
here first, so an escape sequence in a title can't move the cursor or retitle the terminal.
Error messages quote a user's value through `quoted`, so a huge value makes a short message.
"""

from __future__ import annotations

import re
import reprlib

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """Text with terminal control characters (not tab or newline) written as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(text: str) -> str:
    """Inert text on one line: line breaks become ` / `."""
    return inert(text.replace("\r\n", "\n").replace("\n", " / "))


_SHORT_REPR = reprlib.Repr()  # bounded however big the value: a few items per level, a few levels


def clip(text: str, limit: int = 60) -> str:
    """Text cut to at most `limit` characters, the cut marked with `…`."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quoted(value: object, limit: int = 60) -> str:
    """A user's value as an error message quotes it: its repr, at most `limit` characters."""
    if isinstance(value, str):
        return clip(repr(value[: limit + 1]), limit)  # repr only what can be shown
    return clip(_SHORT_REPR.repr(value), limit)
