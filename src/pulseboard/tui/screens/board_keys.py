"""What the board's keys do: the cursor, moves (asking first where the rules say to), a new task,
the detail view, editing, ticking, undo, the filter and the heartbeat's suggestions.

A part of the board screen (tui/screens/board.py), kept apart so each file reads in one sitting.
Every write goes through pulseboard.core, as the CLI's do; a refusal is one sentence on screen.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from textual.app import SuspendNotSupported
from textual.widgets import Input

from pulseboard.core import actions, batch, journal
from pulseboard.core.board import STATES, Board, Entry, Task
from pulseboard.core.doing_view import DoingHeld
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat_inputs import mark_read
from pulseboard.core.ready import ready_now
from pulseboard.core.split import split_task, unchecked
from pulseboard.core.task_view import family_rows
from pulseboard.core.taskfile import read_body
from pulseboard.core.text import named, one_line
from pulseboard.core.undo import undo_batch, undo_message
from pulseboard.core.wip import Wip
from pulseboard.services import git
from pulseboard.services.editor import open_in_editor
from pulseboard.services.git import CommitQueue
from pulseboard.tui import messages
from pulseboard.tui.screens.block import BlockReason, BlockScreen
from pulseboard.tui.screens.choice import Choice, ChoiceScreen, ConfirmScreen
from pulseboard.tui.screens.new_task import NewTask, NewTaskScreen
from pulseboard.tui.widgets.column import TaskColumn
from pulseboard.tui.widgets.columns import TITLES
from pulseboard.tui.widgets.status import StatusLine

TOAST_AFTER = 0.03  # s: a move's warnings follow the frame that shows it (~20 ms at 160x50)

if TYPE_CHECKING:
    from pulseboard.tui.screens.board import BoardScreen as _Screen
    from pulseboard.tui.screens.detail import DetailScreen
else:
    _Screen = object


def _split_job(board: Board, task: Task, picked: list[int], now: dt.datetime) -> messages.SplitDone:
    """Make the parts off the UI thread (a file each): the result, or the core's sentence why not."""
    try:
        return messages.SplitDone(task, split_task(board, task.id, pick=picked, now=now))
    except PulseError as exc:
        return messages.SplitDone(task, None, str(exc))


def sentence(text: str) -> str:
    """A core error (written to follow "pulse: ") as a sentence on its own."""
    return text[:1].upper() + text[1:]


class BoardKeys(_Screen):
    """The board screen's actions (mixed into BoardScreen). Handlers here go by name (`on_...`):
    textual's @on collects handlers only from classes made by its own metaclass."""

    # -- cursor and focus -----------------------------------------------------------------------

    def focus_now(self, column: TaskColumn) -> None:
        """Focus a column at once: widget.focus() waits a turn, and a key arriving in the meantime
        (fast typing, a paste, an agent driving the terminal) would act on the old column."""
        self.set_focus(column)

    def focused_column(self) -> TaskColumn:
        focused = self.focused
        return focused if isinstance(focused, TaskColumn) else self.column("open")

    def selected_task(self) -> Task | None:
        """The task keys act on: the one the detail view shows, else the board's cursor."""
        if self._detail is not None:
            return self.live.current(self._detail.task) or self._detail.task
        return self.focused_column().selected

    def _say_empty(self) -> None:
        """A key for a task, in a column with none: the status line says so."""
        here = TITLES[self.focused_column().state]
        self.query_one(StatusLine).note(f"{here} is empty: no task for this key.")

    def action_focus_column(self, step: int) -> None:
        """The column beside; at either end the focus stays and the status line says why (a
        wrap round from Open to Blocked made `h h h` land somewhere unexpected)."""
        here = self.focused_column().state
        reachable = [s for s in STATES if s == here or not self.hide_empty or self.column(s).tasks]
        index = reachable.index(here) + step
        if not 0 <= index < len(reachable):
            edge = "first" if step < 0 else "last"
            self.query_one(StatusLine).note(f"{TITLES[here]} is the {edge} column.")
            return
        self.focus_now(self.column(reachable[index]))

    def action_cursor(self, delta: int) -> None:
        self.focused_column().move_cursor(delta)

    def action_page(self, direction: int) -> None:
        self.focused_column().page(direction)

    def action_cursor_to(self, index: int) -> None:
        column = self.focused_column()
        if column.tasks:
            column.cursor = index % len(column.tasks)

    def go_to(self, task: Task) -> None:
        """Focus a task's column with the cursor on it (clearing a filter that hides it)."""
        if self.filter_text and not self._matches(task):
            self.action_clear_filter()
        column = self.column(task.state)
        index = self._index(task) if not self.filter_text else list(column.tasks).index(task)
        if index is not None:
            column.cursor = index
        self.focus_now(column)

    # -- moves ----------------------------------------------------------------------------------

    def action_start(self) -> None:
        self.request_move("doing")

    def action_done(self) -> None:
        self.request_move("done")

    def action_block(self) -> None:
        self.request_move("blocked")

    def action_reopen(self) -> None:
        self.request_move("open")

    def action_shift(self, step: int) -> None:
        task = self.selected_task()
        index = STATES.index(task.state) + step if task else -1
        if 0 <= index < len(STATES):
            self.request_move(STATES[index])

    def request_move(self, to_state: str, task: Task | None = None) -> None:
        """Move a task (the selected one by default; with cards marked, every marked one), asking
        first where the rules say to."""
        if task is None and self.marked and self._detail is None:
            self.request_batch(to_state)
            return
        task = task or self.selected_task()
        if task is None:
            self._say_empty()
            return
        if task.state == to_state:
            self.query_one(StatusLine).note(
                f"{self.live.shorts.short(task.id)} is in {TITLES[to_state]} already."
            )
            return
        settings = self.board.settings
        wip = Wip(self.live.snapshot.distinct_ids("doing", task.id), settings.wip_doing, settings.wip_hard)
        if to_state == "doing" and wip.must_confirm:
            question = f'Doing is full ({wip.count}/{wip.limit}). Start "{task.title}" anyway?'
            self.app.push_screen(
                ConfirmScreen(question, yes="Start anyway"),
                lambda answer: self.move(task, to_state, force=True) if answer == "yes" else None,
            )
        elif to_state == "blocked":

            def blocked(answer: BlockReason | None) -> None:
                if answer is not None:
                    self.move(task, "blocked", reason=answer.reason, waiting_on=answer.waiting_on)

            self.app.push_screen(BlockScreen(task), blocked)
        else:
            self.move(task, to_state)

    def move(self, task: Task, to_state: str, **options: object) -> Task | None:
        """Move through the core (options: reason, waiting_on, force); on failure say why and
        show the disk as it now is."""
        entry = Entry(task.state, task.name, task.id, task.folder)
        try:
            result = actions.move_entry(
                self.board, entry, to_state, short_of=self.live.shorts.short, now=self.clock(),
                doing=self._doing_held(), **options,
            )  # type: ignore[arg-type]  # fmt: skip
        except PulseError as exc:
            self.say(str(exc), title="Not moved", severity="error", timeout=8)
            self.resync(task)
            return None
        self._show_move(task, result)
        self._commit(lambda: git.commit_move(self.board, result))
        self.fire_hooks([result])
        return result.task

    def request_batch(self, to_state: str) -> None:
        """Move every marked task to a state, as one batch (core/batch.py): asking first, as for
        one task, when starting them takes doing past a hard limit or when blocking them."""
        snapshot = self.live.snapshot
        marked = sorted(self.marked)
        tasks = [t for s in STATES if s != to_state for n in marked if (t := snapshot.get(s, n))]
        if not tasks:
            self.query_one(StatusLine).note(f"Every marked task is in {TITLES[to_state]} already.")
            return
        settings = self.board.settings
        joining = {t.id for t in tasks[:-1] if all(c.state != "doing" for c in snapshot.with_id(t.id))}
        before_last = Wip(
            snapshot.distinct_ids("doing") + len(joining), settings.wip_doing, settings.wip_hard
        )
        if to_state == "doing" and before_last.must_confirm:
            question = (
                f"Starting {len(tasks)} tasks takes doing past its limit of {settings.wip_doing}. "
                "Start them anyway?"
            )
            self.app.push_screen(
                ConfirmScreen(question, yes="Start anyway"),
                lambda answer: self.move_batch(tasks, to_state, force=True) if answer == "yes" else None,
            )
        elif to_state == "blocked":

            def blocked(answer: BlockReason | None) -> None:
                if answer is not None:
                    self.move_batch(tasks, "blocked", reason=answer.reason, waiting_on=answer.waiting_on)

            self.app.push_screen(BlockScreen(tasks[0], len(tasks)), blocked)
        else:
            self.move_batch(tasks, to_state)

    def move_batch(self, tasks: Sequence[Task], to_state: str, **options: object) -> None:
        """Move tasks as one batch through the core: one journal line each sharing a batch id, one
        commit, one undo; a task refused is one sentence, the others still move."""
        entries = [Entry(t.state, t.name, t.id, t.folder) for t in tasks]
        try:
            result = batch.move_batch(
                self.board, entries, to_state, short_of=self.live.shorts.short, now=self.clock(),
                held=self._held, **options,
            )  # type: ignore[arg-type]  # fmt: skip
        except PulseError as exc:
            self.say(str(exc), title="Not moved", severity="error", timeout=8)
            return
        self.unmark()
        self._show_results(result)
        if result.moved:
            self._commit(lambda: git.commit_batch(self.board, result.moved))
            self.fire_hooks(result.moved)
        severity = "warning" if result.refused else "information"
        self.say(batch.summary(result), title="Moved", severity=severity, timeout=8)

    def _show_results(self, result: batch.BatchResult) -> None:
        """Show what a batch (or an undo) did: the moves made, and each refused task as it is on disk."""
        moves = []
        for moved in result.moved:
            held = moved.from_state in STATES  # not so for a task back from the archive
            shown = self.live.snapshot.get(moved.from_state, moved.task.name) if held else None
            if shown is None:  # the board had not seen the file where the core found it
                self.resync(moved.task)
            else:
                moves.append((shown, moved))
        for refusal in result.refused:
            entry = refusal.entry
            shown = self.live.snapshot.get(entry.state, entry.name) if entry is not None else None
            if shown is not None:
                self.resync(shown)
        if moves:
            self._show_moves(moves)

    def _held(self, entry: Entry) -> Task | None:
        """A task as the board holds it (a start's overlap warning reads nothing from disk)."""
        return self.live.snapshot.get(entry.state, entry.name)

    def _doing_held(self) -> DoingHeld:
        """Doing as the board holds it, for a start's WIP and overlap warnings: its column, and
        the engine's index of its touches once built (until then each task is compared)."""
        engine = self._engine.value
        return DoingHeld(self.live.snapshot, engine.doing_touching if engine else None)

    def _commit(self, job: git.CommitJob) -> None:
        """With git.commit on, commit off the UI thread, in the order the changes were made."""
        if not self.board.settings.git_commit:
            return
        if self._commits is None:
            self._commits = CommitQueue(lambda problem: self.post_message(messages.GitProblem(problem)))
        self._commits.submit(job)

    def fire_hooks(
        self,
        results: Sequence[actions.MoveResult] = (),
        created: Sequence[Task] = (),
        made: Sequence[tuple[str, dict[str, Any]]] = (),
    ) -> None:
        """The hooks of a change (core/hooks.py), and events already `made` (a lease run out), run
        off the UI thread; each that went wrong is a toast."""
        if not self.board.settings.hooks:
            return
        board = self.board

        def fired() -> messages.HooksDone:
            from pulseboard.core.hooks import change_events, fire

            events = [*made, *(change_events(board, results, created=created) if results or created else ())]
            return messages.HooksDone(fire(board.root, board.settings, events))

        self._run(fired, "hooks")

    def on_hooks_done(self, message: messages.HooksDone) -> None:
        for problem in message.problems:
            self.say(problem, title="Hook", severity="warning", timeout=10)

    def _commit_file(self, task: Task, verb: str) -> None:
        message = git.commit_message(verb, self.live.shorts.short(task.id), task)
        self._commit(lambda: git.commit(self.board, [task.path], message))

    def _show_move(self, task: Task, result: actions.MoveResult) -> None:
        """Show a move the core made: the task leaves one column for another, the cursor follows."""
        self._show_moves([(task, result)])

    def _show_moves(self, moves: Sequence[tuple[Task, actions.MoveResult]]) -> None:
        """Show moves the core made (task as shown, what the core did): each task leaves one column
        for another, the cursor follows the last; each column is shown once, each warning said once."""
        states: set[str] = set()
        warnings: dict[str, None] = {}
        for task, result in moves:
            self.live.remove(task)
            self.live.put(result.task)
            states.update((task.state, result.task.state))
            warnings.update(dict.fromkeys(result.warnings))
        if warnings:  # once the move is on screen: mounting a toast is a layout of the whole screen
            said = list(warnings)
            self.set_timer(TOAST_AFTER, lambda: self._say_moved(said))
        finished = {result.task.id for _, result in moves if result.task.state == "done"}
        if finished:
            self._name_ready(finished)
        last = moves[-1][1].task
        for state in sorted(states - {last.state}):
            self._show(state)
        self._show(last.state, keep=last)
        for state in ("open", "doing", "blocked"):  # overlap marks depend on what is in doing
            self.column(state).forget()
        self._refresh_chrome()
        self.request_beat()
        self.go_to(last)
        for task, result in moves:
            self._refresh_detail(task, result.task)

    def _name_ready(self, finished: set[str]) -> None:
        """What the tasks just done let start (core/ready.py), worked out off the UI thread."""
        snapshot = self.live.snapshot
        tasks = snapshot.copy_of(("open", "blocked", "done", "doing"))
        self._run(lambda: messages.ReadyNow(ready_now(tasks, finished)), "ready")

    def on_ready_now(self, message: messages.ReadyNow) -> None:
        ready, short = message.ready, self.live.shorts.short
        if ready.open:
            shown = ", ".join(named(short(t.id), t.title) for t in ready.open[:3])
            more = f" and {len(ready.open) - 3} more" if len(ready.open) > 3 else ""
            self.say(f"Ready now: {shown}{more}.", title="Done", timeout=8)
        if ready.blocked:
            shown = ", ".join(named(short(t.id), t.title) for t in ready.blocked[:3])
            self.say(f"Every dependency done, unblock: {shown}.", title="Done", timeout=8)

    def _say_moved(self, warnings: list[str]) -> None:
        for warning in warnings:
            self.say(warning, title="Moved", severity="warning", timeout=8)

    def resync(self, task: Task) -> None:
        """Re-read one task's file from disk: wherever it now is, or gone."""
        self.live.resync(task)
        self._show_all()
        self.request_beat()

    def action_fold(self) -> None:
        self.pane.fold()
        self.app.remember(folded=self.pane.folded)  # type: ignore[attr-defined]

    def action_sort_rank(self) -> None:
        """Open in the heartbeat's order (the tasks it suggests first), or by priority and age."""
        self.by_rank = not self.by_rank
        self._show("open", keep=self.column("open").selected)
        self.app.remember(sort="rank" if self.by_rank else "priority")  # type: ignore[attr-defined]
        order = "in the heartbeat's order" if self.by_rank else "by priority and age"
        self.query_one(StatusLine).note(f"Open {order}.")

    def action_why(self) -> None:
        self.pane.toggle_terms()

    # -- marks: many at once --------------------------------------------------------------------

    def action_mark(self) -> None:
        """Mark the card (or unmark it) and step to the next: a move key then moves every marked task."""
        column = self.focused_column()
        task = column.selected
        if task is None:
            self._say_empty()
            return
        self.marked ^= {task.name}
        column.forget({task.name})
        column.move_cursor(1)
        self._refresh_chrome()

    def unmark(self) -> None:
        """Clear every mark."""
        names = set(self.marked)
        self.marked.clear()
        for state in STATES:
            self.column(state).forget(names)
        self._refresh_chrome()

    # -- the view -------------------------------------------------------------------------------

    def action_compact(self) -> None:
        self.compact = not self.compact_now
        self.apply_view()
        self.app.remember(compact=self.compact)  # type: ignore[attr-defined]  # PulseApp's
        self.query_one(StatusLine).note("One line per card." if self.compact else "Full cards.")

    def action_zoom(self) -> None:
        self.zoomed = not self.zoomed
        self._refresh_chrome()
        here = TITLES[self._last_column]
        self.query_one(StatusLine).note(f"{here} alone: h and l show the others." if self.zoomed
                                        else "Every column.")  # fmt: skip

    def action_hide_empty(self) -> None:
        self.hide_empty = not self.hide_empty
        self._refresh_chrome()
        self.app.remember(hide_empty=self.hide_empty)  # type: ignore[attr-defined]
        self.query_one(StatusLine).note("Empty columns hidden." if self.hide_empty else "Every column.")

    def action_undo(self) -> None:
        """Revert your last move, from the journal: the same undo as `pulse undo`."""
        try:
            result = undo_batch(self.board, now=self.clock())
        except PulseError as exc:
            self.say(sentence(str(exc)), title="Undo", severity="warning", timeout=8)
            return
        self._commit(lambda: git.commit_batch(self.board, result.moved, undo=True))
        self.fire_hooks(result.moved)
        self.say(undo_message(result), title="Undo", timeout=5)
        self._show_results(result)
        if any(moved.from_state not in STATES for moved in result.moved):  # back from the archive
            self.look_at_archive()

    # -- creating, the detail view, editing, ticking --------------------------------------------

    def action_new(self, heading: str = "New task", values: NewTask | None = None, problem: str = "") -> None:
        form = NewTaskScreen(heading, values, problem)
        self.app.push_screen(form, lambda new: self._create(new, heading))

    def _create(self, new: NewTask | None, heading: str) -> None:
        """Create the task the form describes; when the core refuses, the form again, saying why."""
        if new is None:
            return
        warnings: list[str] = []
        try:
            task = actions.create_task(
                self.board, new.title, priority=new.priority, estimate=new.estimate, touches=new.touches,
                depends=new.depends, parent=new.parent, now=self.clock(), warnings=warnings,
            )  # fmt: skip
        except PulseError as exc:
            self.action_new(heading, new, sentence(str(exc)))
            return
        for warning in warnings:
            self.say(warning, severity="warning", timeout=10)
        self.live.put(task)
        if new.parent is not None:
            self._parent_changed(new.parent)
        self._show("open", keep=task)
        self._refresh_chrome()
        self.request_beat()
        self.go_to(task)
        self.say(f"Created {self.live.shorts.short(task.id)}: {task.title}", timeout=4)
        self._commit_file(task, "add")
        self.fire_hooks(created=[task])

    def _parent_changed(self, parent_id: str) -> None:
        """Show a parent as its file is after pulse gave it a part (its card's parts count)."""
        for shown in self.live.snapshot.with_id(parent_id):
            self._replace(shown, self.board.load(Entry(shown.state, shown.name, shown.id, shown.folder)))

    def action_detail(self) -> None:
        task = self.selected_task()
        if task is None:
            self._say_empty()
            return
        past = journal.history(self.board.root, task.id, created=task.created)
        from pulseboard.tui.screens.detail import DetailScreen  # Markdown and its parser: not at start

        short = self.live.shorts.short
        self._detail = DetailScreen(
            task, short(task.id), read_body(task.path), past, self, self._family(task), self.board.root
        )
        self.app.push_screen(self._detail, lambda _: setattr(self, "_detail", None))
        if task.state == "doing":
            mark_read(self.board.root, task)  # its spec is on screen: settles a stale-spec note
            self.request_beat()

    def on_task_column_opened(self, message: TaskColumn.Opened) -> None:
        self.focus_now(message.column)
        self.action_detail()

    async def on_detail_screen_run(self, message: DetailScreen.Run) -> None:
        """A task key pressed in the detail view: the same action, on the task it shows."""
        await self.run_action(message.action)

    def on_detail_screen_ticked(self, message: DetailScreen.Ticked) -> None:
        task = message.task
        try:
            updated = actions.tick_criterion(self.board, Entry(task.state, task.name, task.id, task.folder),
                                             message.index)  # fmt: skip
        except PulseError as exc:
            self.say(str(exc), severity="error")
            self.resync(task)
            return
        mark_read(self.board.root, updated)  # the person ticking it is reading it: not a stale spec
        self._replace(task, updated)
        self._commit_file(updated, "edit")

    def action_edit(self) -> None:
        """Open the task's file in $VISUAL / $EDITOR (services/editor, as `pulse edit` does), then
        show what the editor left on disk."""
        task = self.selected_task()
        if task is None:
            self._say_empty()
            return
        problem = None
        try:
            with self.app.suspend():  # an error must not leave this block: the board would stay blank
                try:
                    open_in_editor(task.path)
                except PulseError as exc:
                    problem = sentence(str(exc))
        except SuspendNotSupported:
            problem = "Could not run the editor: this terminal cannot be suspended."
        if problem:
            self.say(problem, title="Editor", severity="error", timeout=8)
        self.resync(task)
        updated = self.live.snapshot.get(task.state, task.name)
        if updated is not None and updated != task:
            mark_read(self.board.root, updated)  # edited by the person who will work on it
            self._replace(task, updated)
            self._commit_file(updated, "edit")

    def _replace(self, old: Task, new: Task) -> None:
        """Show a task's new content wherever it is shown (its column and an open detail view)."""
        self.live.put(new)
        self._show(new.state, keep=new)
        self.column(new.state).forget({new.name})
        self._refresh_detail(old, new)
        self.request_beat()

    def _refresh_detail(self, old: Task, new: Task) -> None:
        """If the detail view shows this task, show it as it now is."""
        if self._detail is not None and self._detail.task.name == old.name:
            past = journal.history(self.board.root, new.id)
            self._detail.refresh_task(new, read_body(new.path), past, self._family(new))

    def _family(self, task: Task) -> list[tuple[str, str]]:
        """The task's parent and parts as the detail view lists them, from the board as shown."""
        return family_rows(task, self.live.snapshot.with_id, self.live.shorts.short)

    def reload(self) -> None:
        """Read pulse.yaml and every task file again."""
        self.say("Reading pulse.yaml and every task file again.", title="Reload", timeout=3)
        self.reread_settings()
        self.live.unload()
        self._run(lambda: messages.BoardLoaded(self.live.load()), "load")

    # -- the filter -----------------------------------------------------------------------------

    def action_filter(self) -> None:
        self._return_to = self.focused_column()
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    def apply_filter(self, text: str) -> None:
        """The filter's field changed (tui/widgets/filter_field.py): show what it matches now."""
        text = text.strip().lower()
        if text != self.filter_text:  # a space typed changes nothing shown
            self.filter_text = text
            self._show_all()

    def on_input_submitted(self) -> None:
        self.focus_now(self._column_after_filter())

    def _column_after_filter(self) -> TaskColumn:
        """Back to the column the filter was opened from, unless the filter emptied it."""
        back = self._return_to or self.column("open")
        if back.tasks:
            return back
        return next((self.column(s) for s in STATES if self.column(s).tasks), back)

    def action_clear_filter(self) -> None:
        """Escape: clear the filter; with none, clear the marks."""
        field = self.query_one("#filter", Input)
        if not (field.display or self.filter_text):
            if self.marked:
                self.unmark()
        else:
            field.value = ""  # the field hands it to apply_filter: every task shown again
            field.display = False
            self.focus_now(self._column_after_filter())

    # -- the heartbeat's suggestions ------------------------------------------------------------

    def action_apply(self) -> None:
        """Do what the selected suggestion proposes, for the task it names."""
        suggestion = self.pane.selected
        if suggestion is None:
            self.say("No suggestion yet: the heartbeat has not beaten.", timeout=4)
            return
        copies = self.live.snapshot.with_id(suggestion.ids[0]) if suggestion.ids else []
        if not copies:
            self.say(suggestion.text, title="Heartbeat", timeout=6)
            return
        task = copies[0]
        self.go_to(task)
        action = suggestion.action
        if action in ("start", "unblock", "reopen"):  # reopen: a task its holder went silent on
            self.request_move("doing" if action == "start" else "open", task)
        elif action == "finish":
            self._ask_finish(task, suggestion.text)
        elif action == "split":
            self._ask_split(task)
        elif action in ("re-read", "resolve"):
            self.action_detail()
        else:
            self.say(suggestion.text, title="Heartbeat", timeout=6)

    def _ask_split(self, task: Task) -> None:
        """The split dialog over the task's unchecked criteria that are no part yet; with none, the
        new-task form for a part of it."""
        parts = {t.title for child in task.children for t in self.live.snapshot.with_id(child)}
        items = unchecked(read_body(task.path) or "", parts)
        if not items:
            self.action_new(f'Split "{one_line(task.title)}": a first part', NewTask.part_of(task))
            return
        from pulseboard.tui.screens.split import SplitScreen

        def split(picked: list[int] | None) -> None:
            if picked:
                board, now = self.board, self.clock()
                self._run(lambda: _split_job(board, task, picked, now), "split")

        self.app.push_screen(SplitScreen(task, items), split)

    def on_split_done(self, message: messages.SplitDone) -> None:
        """Show the parts the core made (and the parent's parts count), or say why there are none."""
        result = message.result
        if result is None:
            self.say(sentence(message.problem), title="Split", severity="error", timeout=8)
            return
        for warning in result.warnings:
            self.say(warning, severity="warning", timeout=10)
        for child in result.children:
            self.live.put(child)
        self._replace(message.task, result.parent)
        self._show("open", keep=result.children[0])
        self._refresh_chrome()
        short = self.live.shorts.short
        made = ", ".join(short(child.id) for child in result.children)
        self.say(f"Split {short(result.parent.id)} into {len(result.children)}: {made}", timeout=5)
        said = git.commit_message(
            f"split into {len(result.children)}:", short(result.parent.id), result.parent
        )
        paths = [result.parent.path, *(child.path for child in result.children)]
        self._commit(lambda: git.commit(self.board, paths, said))
        self.fire_hooks(created=result.children)

    def _ask_finish(self, task: Task, why: str) -> None:
        choices = [Choice("done", "Done", "d", "success"), Choice("block", "Block…", "b", "warning"),
                   Choice("later", "Not yet", "n")]  # fmt: skip

        def answer(choice: str | None) -> None:
            if choice == "done":
                self.move(task, "done")
            elif choice == "block":
                self.request_move("blocked", task)

        question = f"{named(self.live.shorts.short(task.id), task.title)}: {why}"
        self.app.push_screen(ChoiceScreen(question, choices), answer)
