"""The board's four columns side by side, each under its title; the Doing title shows the WIP level.
Columns can be hidden (zoom, hidden empty columns): the shown ones share the width.

Titles are fixed-size lines updated without a layout pass, so a move redraws and never reflows.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Static

from pulseboard.core.board import STATES
from pulseboard.core.text import inert
from pulseboard.core.wip import Wip
from pulseboard.tui.widgets.cards import CardContext
from pulseboard.tui.widgets.column import CardStyles, TaskColumn

TITLES = {"open": "Open", "doing": "Doing", "done": "Done", "blocked": "Blocked"}


class Columns(Horizontal):
    """Open, Doing, Done and Blocked."""

    def __init__(self, context: Callable[[], CardContext], **options: str) -> None:
        """context: what the cards need from the board, asked for each card drawn."""
        super().__init__(**options)  # type: ignore[arg-type]
        self._card_context = context

    def compose(self) -> ComposeResult:
        styles = CardStyles()
        yield styles
        for state in STATES:
            with Vertical(classes=f"column-box column-{state}", id=f"box-{state}"):
                yield Static(TITLES[state], classes="column-title", id=f"title-{state}")
                yield TaskColumn(state, self._card_context, styles, id=f"col-{state}")

    def column(self, state: str) -> TaskColumn:
        return self.query_one(f"#col-{state}", TaskColumn)

    def show_titles(self, counts: dict[str, int], wip: Wip, filtered: bool, archived: int = 0) -> None:
        """Each title with its count (Doing: count/limit), and how many the filter shows: "Open 36
        (2 shown)", or "Open 2 of 36" where the column is narrow; Done says how many are archived,
        "Done 12 · 9,000 archived", or "Done 12 +9,000" where that does not fit."""
        for state in STATES:
            count = f"{wip.count}/{wip.limit}" if state == "doing" else counts[state]
            title = self.query_one(f"#title-{state}", Static)
            text = f"{TITLES[state]} {count}"
            if filtered:
                shown = len(self.column(state).tasks)
                wide = f"{text}  ({shown} shown)"
                text = wide if self._fits(wide, title) else f"{TITLES[state]} {shown} of {count}"
            if state == "done" and archived:
                wide = f"{text} · {archived:,} archived"
                text = wide if self._fits(wide, title) else f"{text} +{archived:,}"
            title.update(text, layout=False)
        title = self.query_one("#title-doing", Static)
        title.set_class(wip.level == "at", "wip-at")
        title.set_class(wip.level == "over", "wip-over")

    @staticmethod
    def _fits(text: str, title: Static) -> bool:
        return cell_len(text) <= title.size.width - 2 or not title.size.width  # padding 0 1

    def show_only(self, shown: Collection[str]) -> None:
        """Show only these columns, sharing the width (zoom, hidden empty columns); a layout pass
        only when which are shown changes."""
        for state in STATES:
            box = self.query_one(f"#box-{state}")
            if box.display != (state in shown):
                box.display = state in shown

    def empty_text(self, text: str) -> None:
        """What an empty column says (while loading, after a failed read, once read)."""
        for state in STATES:
            self.column(state).empty_text = text
            self.column(state).refresh()


class TopBar(Static):
    """The board's folder and filter; the WIP warning instead, while doing is over its limit."""

    def show(self, wip: Wip, where: str, filter_text: str, marked: int = 0, view: str = "") -> None:
        """The folder, the filter, how many cards are marked and what the view hides (`view`)."""
        self.set_class(wip.level == "over", "wip-over")
        if wip.level == "over":
            text = (
                f" Doing is over its limit: {wip.count}/{wip.limit} in progress. "
                "Finish or block something before starting more."
            )
        else:
            filtered = f"   filter: {filter_text}" if filter_text else ""
            marks = f"   {marked} marked: s d b o move them all, escape unmarks" if marked else ""
            text = f" pulse  {where}{filtered}{marks}{f'   {view}' if view else ''}"
        self.update(Content(inert(text)), layout=False)
