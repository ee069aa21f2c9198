"""Task text as Textual Content: shown as written, never read as markup."""

from __future__ import annotations

from textual.content import Content

from pulseboard.core.text import inert


def plain(text: str) -> Content:
    """Text shown as written: control characters made visible, `[` never markup."""
    return Content(inert(text))
