"""The new-task form: title, priority, estimate, touches and depends (key n, and a split's first part).

The form only collects; the board screen creates the task through the core and, when the core
refuses, opens the form again with what was typed and the one sentence saying why.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select

from pulseboard.core.board import Task
from pulseboard.core.fields import PRIORITIES
from pulseboard.tui.plain import plain
from pulseboard.tui.screens.form import FormScreen


@dataclass(frozen=True, slots=True)
class NewTask:
    """What the new-task form collected."""

    title: str = ""
    priority: str = "medium"
    estimate: str | None = None
    touches: list[str] = field(default_factory=list)
    depends: list[str] = field(default_factory=list)
    parent: str | None = None  # the id of the task it is a part of (a split's part)

    @classmethod
    def part_of(cls, task: Task) -> NewTask:
        """A form for a part of a task: its priority and touches, and the task as its parent."""
        priority = task.priority if task.priority in PRIORITIES else "medium"
        return cls(priority=priority, touches=list(task.touches), parent=task.id)


# The field a refusal is about, by the first of these words its sentence names (else the title).
REFUSED_FIELD = (("estimate", "#estimate"), ("depend", "#depends"), ("no task matches", "#depends"),
                 ("touches", "#touches"), ("priority", "#priority"))  # fmt: skip


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", " ").split() if part.strip()]


class NewTaskScreen(FormScreen[NewTask]):
    """Title, priority, estimate, touches and depends; enter submits, escape cancels."""

    def __init__(self, heading: str = "New task", values: NewTask | None = None, problem: str = "") -> None:
        """values: what the fields start with; problem: why the last try was refused."""
        super().__init__()
        self.heading = heading
        self._values = values or NewTask()
        self._problem = problem

    def compose(self) -> ComposeResult:
        values = self._values
        with Vertical(id="dialog", classes="dialog"):
            yield Label(plain(self.heading), classes="dialog-title")
            yield Input(values.title, placeholder="Title: what is done when this is done", id="title")
            with Horizontal(classes="row"):
                choices = [(p, p) for p in PRIORITIES]
                yield Select(choices, value=values.priority, allow_blank=False, id="priority")
                yield Input(values.estimate or "", placeholder="Estimate: 5m, 1h30m", id="estimate")
            yield Input(
                ", ".join(values.touches),
                placeholder="Touches: files, globs or components (comma or space separated)",
                id="touches",
            )
            yield Input(" ".join(values.depends), placeholder="Depends on: task ids", id="depends")
            yield from self.buttons("Create", "primary", "create", self._problem)

    def on_mount(self) -> None:
        """After a refusal, the field it is about has the focus, its cursor at the end (selecting
        the title's text made the next key replace it)."""
        if not self._problem:
            return
        problem = self._problem.lower()
        target = next((field for word, field in REFUSED_FIELD if word in problem), "#title")
        widget = self.query_one(target)
        if isinstance(widget, Input):
            widget.select_on_focus = False
            widget.cursor_position = len(widget.value)
        widget.focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#create")
    def submit(self) -> None:
        estimate = self.query_one("#estimate", Input).value.strip()
        self.dismiss(
            NewTask(
                title=self.query_one("#title", Input).value,
                priority=str(self.query_one("#priority", Select).value),
                estimate=estimate or None,
                touches=_split_list(self.query_one("#touches", Input).value),
                depends=_split_list(self.query_one("#depends", Input).value),
                parent=self._values.parent,
            )
        )
