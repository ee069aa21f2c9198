"""One task's detail view: its fields, its parent and parts, its body as Markdown, criteria to tick,
its history.

It shows and asks; it never writes. The task's keys (start, done, block, edit, ...) and a ticked
criterion go to the board screen that opened it, as messages; the board acts on the task shown
and hands the view the task as it then is (`refresh_task`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import Footer, Label, Markdown, SelectionList, Static
from textual.widgets.selection_list import Selection

from pulseboard.core.board import Task
from pulseboard.core.journal import Event
from pulseboard.core.keymap import DETAIL
from pulseboard.core.task_view import history_line, task_rows
from pulseboard.core.taskfile import criteria, without_criteria
from pulseboard.core.text import inert
from pulseboard.tui.bindings import bindings
from pulseboard.tui.plain import plain

if TYPE_CHECKING:
    from pulseboard.services.drift import Commit

DRIFT_SHOWN = 10  # commits listed under "Code changed since it started"


class DetailScreen(Screen[None]):
    """One task, shown for reading, ticking and acting on."""

    # Its keys come from the table of actions (core/keymap.py): back, and the task's keys, which
    # go to the board as `board('<action>')`. Back and edit lead the footer.
    BINDINGS: list[Binding] = bindings(DETAIL, route="board", first=("back", "edit"))

    class Run(Message):
        """A task key pressed here: the board runs `action` on the task shown."""

        def __init__(self, action: str) -> None:
            super().__init__()
            self.action = action

    class Ticked(Message):
        """The person ticked (or unticked) criterion `index` of `task`."""

        def __init__(self, task: Task, index: int) -> None:
            super().__init__()
            self.task = task
            self.index = index

    def __init__(
        self,
        task: Task,
        short: str,
        body: str | None,
        events: list[Event],
        owner: MessagePump,
        family: list[tuple[str, str]] | None = None,
        root: Path | None = None,
    ) -> None:
        """owner: the board screen, which gets this view's messages; family: its parent and parts
        (core/task_view.py `family_rows`); root: the board's folder, where git is asked what
        changed under a task in doing (services/drift.py)."""
        super().__init__()
        self._shown = task
        self._family = family or []
        self._short = short
        self._body = body
        self._events = events
        self._owner = owner
        self._root = root

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-title")
            yield Static(id="detail-fields")
            yield Label("Code changed since it started: re-read it", classes="section", id="drift-label")
            yield Static(id="drift")
            yield Label("Acceptance criteria (space ticks)", classes="section", id="criteria-label")
            yield SelectionList[int](id="criteria")
            yield Markdown(id="body")
            yield Label("History", classes="section")
            yield Static(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#criteria", SelectionList).focus()
        self._look_for_drift()

    def _look_for_drift(self) -> None:
        """Others' commits on what a task in doing touches, asked of git off the UI thread."""
        self.query_one("#drift-label").display = self.query_one("#drift").display = False
        task, root = self._shown, self._root
        if root is None or task.state != "doing" or not task.touches:
            return

        def ask() -> None:
            from pulseboard.services.drift import task_drift

            found = task_drift(task, root)
            if found:
                self.app.call_from_thread(self._show_drift, task, found)

        self.run_worker(ask, thread=True, group="drift", exclusive=True, exit_on_error=False)

    def _show_drift(self, task: Task, found: list[tuple[Commit, tuple[str, ...]]]) -> None:
        if task is not self._shown:
            return  # the view moved on to the task as it now is
        lines = [
            f"{dt.datetime.fromtimestamp(commit.when).strftime('%Y-%m-%d %H:%M')}  {commit.author}: "
            f"{commit.subject}  ({', '.join(files)})"
            for commit, files in found[:DRIFT_SHOWN]
        ]
        if len(found) > DRIFT_SHOWN:
            lines.append(f"and {len(found) - DRIFT_SHOWN} older commits")
        self.query_one("#drift", Static).update(plain("\n".join(lines)))
        self.query_one("#drift-label").display = self.query_one("#drift").display = True

    def _fill(self) -> None:
        task = self._shown
        self.query_one("#detail-title", Static).update(
            Content.assemble(
                (self._short, "bold $accent"), "  ", (inert(task.title), "bold"), f"   {task.state}"
            )
        )
        rows = [
            (name, value) for name, value in [*task_rows(task), *self._family] if value
        ]  # as `pulse show`
        lines = [Content.assemble((f"{name:<9}", "dim"), inert(value)) for name, value in rows]
        self.query_one("#detail-fields", Static).update(Content("\n").join(lines))
        body = self._body or ""
        items = criteria(body)
        selection = self.query_one("#criteria", SelectionList)
        selection.clear_options()
        selection.add_options([Selection(plain(text), i, done) for i, (done, text) in enumerate(items)])
        selection.display = bool(items)
        if items:
            selection.highlighted = 0  # so the first space ticks the first criterion
        self.query_one("#criteria-label").display = bool(items)
        prose = without_criteria(body) if items else body  # the criteria are the list above
        self.query_one("#body", Markdown).update(inert(prose) if prose.strip() else "*No description.*")
        history = [history_line(event) for event in self._events]
        self.query_one("#history", Static).update(plain("\n".join(history) or "No moves recorded by pulse."))

    @property
    def task(self) -> Task:
        return self._shown

    def action_board(self, action: str) -> None:
        self._owner.post_message(self.Run(action))

    @on(SelectionList.SelectionToggled)
    def tick(self, event: SelectionList.SelectionToggled) -> None:
        self._owner.post_message(self.Ticked(self._shown, int(event.selection.value)))

    def refresh_task(
        self, task: Task, body: str | None, events: list[Event], family: list[tuple[str, str]] | None = None
    ) -> None:
        """Show the task as it now is on disk, keeping the criteria cursor where it was."""
        selection = self.query_one("#criteria", SelectionList)
        highlighted = selection.highlighted
        self._shown, self._body, self._events = task, body, events
        if family is not None:
            self._family = family
        self._fill()
        self._look_for_drift()
        if highlighted is not None and highlighted < selection.option_count:
            selection.highlighted = highlighted
