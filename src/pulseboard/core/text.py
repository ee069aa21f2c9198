"""Task text made inert for display: control characters shown, never sent to a terminal.

Task text is data. Wherever pulse shows it (CLI lines, board cards, messages) it passes through
here first, so an escape sequence in a title can't move the cursor or retitle the terminal.
Error messages quote a user's value through `quoted`, so a huge value makes a short message.
"""

from __future__ import annotations

import re
import reprlib

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_SHOWN = {code: f"\\x{code:02x}" for code in (*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0))}


def inert(text: str) -> str:
    """Text with terminal control characters (not tab or newline) written as `\\xNN`."""
    return text.translate(_SHOWN) if _CONTROL.search(text) else text  # translate: C speed, linear


def one_line(text: str) -> str:
    """Inert text on one line: line breaks become ` / `."""
    return inert(text.replace("\r\n", "\n").replace("\n", " / "))


_SHORT_REPR = reprlib.Repr()  # bounded however big the value: a few items per level, a few levels


def clip(text: str, limit: int = 60) -> str:
    """Text cut to at most `limit` characters, the cut marked with `…`."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def named(short: str, title: str) -> str:
    """`a1b2 "Title"`: how messages name a task (a long title cut to 80 characters)."""
    return f'{short} "{clip(title, 80)}"'


def quoted(value: object, limit: int = 60) -> str:
    """A user's value as an error message quotes it: its repr, at most `limit` characters."""
    if isinstance(value, str):
        return clip(repr(value[: limit + 1]), limit)  # repr only what can be shown
    return clip(_SHORT_REPR.repr(value), limit)
