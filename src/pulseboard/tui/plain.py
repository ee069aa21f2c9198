"""Task text on screen, as written: never read as markup, control characters made visible."""

from __future__ import annotations

from textual.content import Content
from textual.dom import DOMNode

from pulseboard.core.text import inert


def plain(text: str) -> Content:
    """Text shown as written: control characters made visible, `[` never markup."""
    return Content(inert(text))


def say(node: DOMNode, message: str, **options: object) -> None:
    """A notification whose text is shown as written: task titles are data, not markup."""
    node.notify(inert(message), markup=False, **options)  # type: ignore[arg-type,attr-defined]
