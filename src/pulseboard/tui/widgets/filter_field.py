"""The board's filter field: an Input that hands each change of its text to the board at once.

Input.Changed is a message that bubbles up to the screen a few turns later, after the field has
drawn its new text; the board's columns then came a frame later (about 30 ms at 10,000 tasks, the
filter bench). Called from the value's watcher, the board filters in the key's own turn and the
field and the columns are drawn in one frame.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Input


class FilterField(Input):
    """The filter's text; `apply` is called with each new value, in the turn that changed it."""

    def __init__(self, apply: Callable[[str], None], **options: str) -> None:
        super().__init__(**options)  # type: ignore[arg-type]
        self._apply = apply

    def watch_value(self, value: str) -> None:
        self._apply(value)
