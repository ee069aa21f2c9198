"""The board's other screens: a task's detail view, the new-task form, the block prompt, a
question with a few answers and the key help. Task text is always shown as plain Content, never markup.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Input, Label, Markdown, Select, SelectionList, Static
from textual.widgets.button import ButtonVariant
from textual.widgets.selection_list import Selection

from pulseboard.core.board import Task
from pulseboard.core.fields import PRIORITIES, format_estimate
from pulseboard.core.journal import Event
from pulseboard.core.keymap import DETAIL
from pulseboard.core.taskfile import criteria
from pulseboard.core.text import inert
from pulseboard.tui.bindings import bindings


def display_path(path: Path) -> str:
    """A path as the user knows it: relative to where pulse was started, when it is under there."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _plain(text: str) -> Content:
    return Content(inert(text))


@dataclass(frozen=True, slots=True)
class NewTask:
    """What the new-task form collected."""

    title: str
    priority: str
    estimate: str | None
    touches: list[str]
    depends: list[str]


def _split_list(text: str) -> list[str]:
    return [part.strip() for part in text.replace(",", " ").split() if part.strip()]


ResultT = TypeVar("ResultT")


class FormScreen(ModalScreen[ResultT | None]):
    """A small dialog: fields, a line saying what is wrong, an OK button and Cancel (or escape)."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def buttons(self, label: str, variant: ButtonVariant, ok_id: str) -> ComposeResult:
        yield Static("", id="problem", classes="problem")
        with Horizontal(classes="buttons"):
            yield Button(label, variant=variant, id=ok_id)
            yield Button("Cancel", id="cancel")

    def show_problem(self, text: str) -> None:
        self.query_one("#problem", Static).update(_plain(text))

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)


class NewTaskScreen(FormScreen[NewTask]):
    """Title, priority, estimate, touches and depends; enter creates, escape cancels."""

    def __init__(
        self, validate: Callable[[NewTask], str | None], heading: str = "New task", like: Task | None = None
    ) -> None:
        """like: a task whose priority and touches the form starts with (a part of it, when splitting)."""
        super().__init__()
        self._validate = validate
        self._heading = heading
        self._like = like

    def compose(self) -> ComposeResult:
        like = self._like
        with Vertical(id="dialog", classes="dialog"):
            yield Label(_plain(self._heading), classes="dialog-title")
            yield Input(placeholder="Title: what is done when this is done", id="title")
            with Horizontal(classes="row"):
                priority = like.priority if like and like.priority in PRIORITIES else "medium"
                yield Select([(p, p) for p in PRIORITIES], value=priority, allow_blank=False, id="priority")
                yield Input(placeholder="Estimate: 5m, 1h30m", id="estimate")
            yield Input(
                ", ".join(like.touches) if like else "",
                placeholder="Touches: files, globs or components (comma or space separated)",
                id="touches",
            )
            yield Input(placeholder="Depends on: task ids", id="depends")
            yield from self.buttons("Create", "primary", "create")

    @on(Input.Submitted)
    @on(Button.Pressed, "#create")
    def create(self) -> None:
        estimate = self.query_one("#estimate", Input).value.strip()
        result = NewTask(
            title=self.query_one("#title", Input).value,
            priority=str(self.query_one("#priority", Select).value),
            estimate=estimate or None,
            touches=_split_list(self.query_one("#touches", Input).value),
            depends=_split_list(self.query_one("#depends", Input).value),
        )
        problem = self._validate(result)
        if problem:
            self.show_problem(problem)
        else:
            self.dismiss(result)


@dataclass(frozen=True, slots=True)
class BlockReason:
    reason: str
    waiting_on: str | None


class BlockScreen(FormScreen[BlockReason]):
    """Why a task is blocked and who must act; enter blocks it, escape cancels."""

    def __init__(self, task: Task) -> None:
        super().__init__()
        self._shown = task

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Label(
                Content.assemble("Block ", (inert(self._shown.title), "bold")), classes="dialog-title"
            )
            yield Input(placeholder="What is needed to unblock it?", id="reason")
            yield Input(placeholder="Who must act? (a person, a team, an agent)", id="waiting-on")
            yield from self.buttons("Block", "warning", "block")

    @on(Input.Submitted)
    @on(Button.Pressed, "#block")
    def block(self) -> None:
        reason = " ".join(self.query_one("#reason", Input).value.split())
        waiting = " ".join(self.query_one("#waiting-on", Input).value.split())
        if not reason:
            self.show_problem("Say what is needed: a blocker names its way out.")
            self.query_one("#reason", Input).focus()
            return
        self.dismiss(BlockReason(reason, waiting or None))


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    label: str
    key: str  # a single key that picks it
    variant: ButtonVariant = "default"


class ChoiceScreen(ModalScreen[str | None]):
    """A question with a few answers, each a button and a key; escape answers None. The last
    answer (the safe one) has the focus, so enter alone never does the bold thing."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, question: str, choices: list[Choice]) -> None:
        super().__init__()
        self._question = question
        self._choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(_plain(self._question), classes="question")
            with Horizontal(classes="buttons"):
                for choice in self._choices:
                    yield Button(f"{choice.label} ({choice.key})", variant=choice.variant, id=choice.id)

    def on_mount(self) -> None:
        self.query_one(f"#{self._choices[-1].id}", Button).focus()

    def on_key(self, event: events.Key) -> None:
        for choice in self._choices:
            if event.key == choice.key:
                event.stop()
                self.dismiss(choice.id)
                return

    @on(Button.Pressed)
    def answer(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id)


class ConfirmScreen(ChoiceScreen):
    """A yes/no question: y answers "yes"; n or escape say no."""

    def __init__(self, question: str, yes: str = "Yes") -> None:
        super().__init__(question, [Choice("yes", yes, "y", "warning"), Choice("no", "No", "n")])


class HelpScreen(ModalScreen[None]):
    """Every key of the board as currently mapped, then the detail view's own."""

    DEFAULT_CSS = """
    HelpScreen .help { max-height: 100%; }
    HelpScreen #help-keys { height: 1fr; }
    HelpScreen #detail-keys { grid-size: 2; grid-columns: 16 1fr; height: auto; }
    HelpScreen .section { margin-top: 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close"),
        Binding("question_mark", "dismiss(None)", "Close", id="help"),  # the help key, remapped or not
    ]

    def __init__(self, rows: list[tuple[str, str]], detail_rows: list[tuple[str, str]] | None = None) -> None:
        """rows: (keys, what they do) on the board; detail_rows: those only the detail view has."""
        super().__init__()
        self._rows = rows
        self._detail_rows = detail_rows or []

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog help"):
            yield Label("Keys", classes="dialog-title")
            with VerticalScroll(id="help-keys"):
                with Grid(id="keys"):
                    for keys, what in self._rows:
                        yield Static(_plain(keys), classes="key")  # `[` is a key here, not markup
                        yield Static(_plain(what))
                if self._detail_rows:
                    yield Label("In a task's detail view, besides the task's keys above", classes="section")
                    with Grid(id="detail-keys"):
                        for keys, what in self._detail_rows:
                            yield Static(_plain(keys), classes="key")
                            yield Static(_plain(what))
            yield Static(
                "Card marks: ✖ a file pulse can't read (enter shows why) · ⧉ the same task in two "
                "folders · ⇄ touches the same files as a task in Doing\n"
                "ctrl+p: every action, go to a task, change the theme.  escape: close",
                classes="hint",
            )


class DetailScreen(Screen[None]):
    """One task: its fields, its body as Markdown, criteria to tick, and its history."""

    # Its keys come from the table of actions (core/keymap.py): its own (back) and the task's keys,
    # which the app runs on the task shown. Back and edit lead the footer.
    BINDINGS = bindings(DETAIL, route="app", first=("back", "edit"))

    def __init__(
        self,
        task: Task,
        short: str,
        body: str | None,
        events: list[Event],
        tick: Callable[[Task, int], None],
    ) -> None:
        super().__init__()
        self._shown = task
        self._short = short
        self._body = body
        self._events = events
        self._tick = tick

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="detail"):
            yield Static(id="detail-title")
            yield Static(id="detail-fields")
            yield Label("Acceptance criteria (space ticks)", classes="section", id="criteria-label")
            yield SelectionList[int](id="criteria")
            yield Markdown(id="body")
            yield Label("History", classes="section")
            yield Static(id="history")
        yield Footer()

    def on_mount(self) -> None:
        self._fill()
        self.query_one("#criteria", SelectionList).focus()

    def _fill(self) -> None:
        task = self._shown
        self.query_one("#detail-title", Static).update(
            Content.assemble(
                (self._short, "bold $accent"), "  ", (inert(task.title), "bold"), f"   {task.state}"
            )
        )
        rows = [
            ("priority", task.priority),
            ("estimate", format_estimate(task.estimate) if task.estimate is not None else "-"),
            ("touches", ", ".join(task.touches) or "-"),
            ("depends", ", ".join(task.depends) or "-"),
            ("tags", ", ".join(task.tags) or "-"),
            ("created", task.created or "-"),
            ("started", task.started or "-"),
            ("done", task.done or "-"),
            ("file", display_path(task.path)),
        ]
        if task.blocked:
            b = task.blocked
            rows.append(("blocked", f"{b.get('reason')} (waiting on {b.get('waiting_on') or 'nobody named'}, "
                                    f"since {b.get('since') or '?'})"))  # fmt: skip
        if task.error:
            rows.append(("error", task.error))
        lines = [Content.assemble((f"{name:<9}", "dim"), inert(value)) for name, value in rows]
        self.query_one("#detail-fields", Static).update(Content("\n").join(lines))
        body = self._body or ""
        items = criteria(body)
        selection = self.query_one("#criteria", SelectionList)
        selection.clear_options()
        selection.add_options([Selection(_plain(text), i, done) for i, (done, text) in enumerate(items)])
        selection.display = bool(items)
        if items:
            selection.highlighted = 0  # so the first space ticks the first criterion
        self.query_one("#criteria-label").display = bool(items)
        self.query_one("#body", Markdown).update(inert(body) if body.strip() else "*No description.*")
        history = [f"{e.at}  {e.op:<6} {e.from_state or '-'} → {e.to_state}  by {e.by}" for e in self._events]
        self.query_one("#history", Static).update(_plain("\n".join(history) or "No moves recorded by pulse."))

    @property
    def task(self) -> Task:
        return self._shown

    @on(SelectionList.SelectionToggled)
    def tick(self, event: SelectionList.SelectionToggled) -> None:
        self._tick(self._shown, int(event.selection.value))

    def refresh_task(self, task: Task, body: str | None, events: list[Event]) -> None:
        """Show the task as it now is on disk, keeping the criteria cursor where it was."""
        selection = self.query_one("#criteria", SelectionList)
        highlighted = selection.highlighted
        self._shown, self._body, self._events = task, body, events
        self._fill()
        if highlighted is not None and highlighted < selection.option_count:
            selection.highlighted = highlighted
