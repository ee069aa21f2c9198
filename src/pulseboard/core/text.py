"""Task text made inert for display: control characters shown, never sent to a terminal.

Task text is data. Wherever pulse shows it (CLI lines, board cards, messages) it passes through
here first, so an escape sequence in a title can't move the cursor or retitle the terminal.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def inert(text: str) -> str:
    """Text with terminal control characters (not tab or newline) written as `\\xNN`."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def one_line(text: str) -> str:
    """Inert text on one line: line breaks become ` / `."""
    return inert(text.replace("\r\n", "\n").replace("\n", " / "))
