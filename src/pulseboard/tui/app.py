"""The board app: four columns over the state folders, moves by single keys, WIP warnings.

A thin face over the core: every move, creation and tick goes through pulseboard.core, exactly
as the CLI's do. The app keeps one Snapshot of the board and changes it in place after each
action, updating only the columns (and cards) that changed.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult, SuspendNotSupported
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Static
from textual.worker import Worker, WorkerState

if TYPE_CHECKING:
    from pulseboard.services.watcher import Batch

from pulseboard.core import actions, journal
from pulseboard.core.board import STATES, Board, Entry, Task
from pulseboard.core.config import save_theme
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat_inputs import mark_read, push_failure, suggest
from pulseboard.core.ids import ShortIds
from pulseboard.core.keymap import ACTIONS, BOARD, DETAIL
from pulseboard.core.metrics import Stats
from pulseboard.core.overlap import TouchIndex
from pulseboard.core.progress import board_stats
from pulseboard.core.query import Query
from pulseboard.core.reconcile import Changes, Plan, Reconciler
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.taskfile import read_body
from pulseboard.core.text import inert, one_line
from pulseboard.core.undo import undo_last
from pulseboard.core.wip import wip_level
from pulseboard.services import git
from pulseboard.services.editor import editor_command
from pulseboard.tui.bindings import bindings, help_rows, key_hint
from pulseboard.tui.cards import CardContext
from pulseboard.tui.column import TaskColumn
from pulseboard.tui.heartbeat import HeartbeatPane
from pulseboard.tui.palette import TaskFinder, action_commands
from pulseboard.tui.screens import (
    BlockReason,
    BlockScreen,
    Choice,
    ChoiceScreen,
    ConfirmScreen,
    DetailScreen,
    HelpScreen,
    NewTask,
    NewTaskScreen,
    display_path,
)
from pulseboard.tui.stats import StatsScreen, StatusLine

INLINE_HINTS = 64  # up to this many hinted paths are re-read at once (~30 ms); more go to a worker thread
ChangeSource = Callable[[], AsyncIterator["Batch"]]
TITLES = {"open": "Open", "doing": "Doing", "done": "Done", "blocked": "Blocked"}
# Keys that do nothing in a detail view: the table's actions that apply on the board only (textual's
# ctrl+q shares the name "quit", so quit stays; in a detail view q goes back).
BOARD_ONLY = frozenset(action.name for action in ACTIONS if not action.applies_in(DETAIL)) - {"quit"}
BOARD_ACTIONS = frozenset(
    {"start", "done", "block", "reopen", "shift", "new", "detail", "edit", "undo", "filter", "apply",
     "step_suggestion", "stats"}
)  # fmt: skip
STATS_DAYS = 14
PANE_KEEPS = 100  # suggestions the pane keeps to step through (a 100,000-task board makes ~28,000)
STATS_PACE = 9  # the figures wait nine times as long as they took before they are computed again
SWITCH_INTERVAL_S = 0.0005
IDLE_S = 0.4  # background work waits until the keys have paused this long
BEAT_DELAY_S = 0.15  # a beat comes this soon after a change: one beat for a burst of changes
FALLBACK_THEME = "textual-dark"


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection while a worker allocates its many short-lived objects (all freed by
    reference counting): a full collection would hold the interpreter, and the keys, for most of
    a second on a 100,000-task board."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


class PulseApp(App[None]):
    """The pulse board."""

    TITLE = "pulse"
    CSS_PATH = Path(__file__).parent / "pulse.tcss"
    COMMANDS: ClassVar = App.COMMANDS | {TaskFinder}
    BINDINGS: ClassVar = bindings(BOARD)  # from the table of actions, core/keymap.py

    def __init__(
        self,
        board: Board,
        notice: str | None = None,
        clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC),
        changes: ChangeSource | None = None,
        poll: bool = False,
    ) -> None:
        """changes: where hints about changes on disk come from (default: watching the board
        folder with watchfiles; tests inject their own). poll: watch by polling."""
        super().__init__()
        self.board = board
        self.clock = clock
        self._changes = changes
        self._poll = poll
        self._stop_watching = asyncio.Event()
        self.reconciler = Reconciler(board, Snapshot())
        self._pending: set[str] | None = set()  # hints that came before the board was read
        self._rescanning = False
        self._during_rescan: set[str] | None = set()
        self._missing: set[str] = set()  # state folders known to be gone
        self.snapshot = Snapshot()
        self.shorts = ShortIds()
        self.loaded = False
        self.filter_text = ""
        self._overlap_check: Callable[[Task], bool] | None = None
        self._notice = notice
        self._theme_ready = False
        self._return_to: TaskColumn | None = None
        self._beat_soon: Timer | None = None
        self.stats: Stats | None = None
        self._journal = journal.JournalTail(board.root)  # read incrementally for the figures
        self._journal_lock = threading.Lock()
        self._stats_soon: Timer | None = None
        self._stats_due = 0.0  # monotonic time before which the figures are not computed again
        self._last_key = 0.0  # monotonic time of the last key pressed
        self._git: ThreadPoolExecutor | None = None  # commits, one at a time and in order

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static(id="topbar")
        with Horizontal(id="columns"):
            for state in STATES:
                with Vertical(classes=f"column-box column-{state}", id=f"box-{state}"):
                    yield Static(TITLES[state], classes="column-title", id=f"title-{state}")
                    yield TaskColumn(state, self.card_context, id=f"col-{state}")
        yield HeartbeatPane(id="heartbeat")
        yield StatusLine(id="status")
        yield Input(placeholder="Filter by title, id, touches or tag; escape clears", id="filter")
        yield Footer()

    def on_mount(self) -> None:
        # The engine and the figures run in threads. With Python's default 5 ms switch interval,
        # every time the UI thread waits on a write or a system call, a busy worker keeps the
        # interpreter for 5 ms: a move at 100,000 tasks took 1.4 s. Hand it back 10 times sooner.
        self._switch_before = sys.getswitchinterval()
        sys.setswitchinterval(SWITCH_INTERVAL_S)
        self._setup_theme()
        keys = dict(self.board.settings.keys)
        if keys:
            self.set_keymap(keys)
        self.query_one("#filter", Input).display = False
        self.focus_now(self.column("open"))
        self._refresh_chrome()
        if self._notice:
            self.say(self._notice, title="pulse", timeout=8)
        self.set_interval(30, self._tick_clock)
        self.set_interval(self.board.settings.heartbeat.interval_s, self.request_beat)
        self.pane.keys_hint = self._keys_hint()
        self.follow_disk()
        self.load_board()

    def say(self, message: str, **options: object) -> None:
        """A notification whose text is shown as written: task titles are data, not markup."""
        self.notify(inert(message), markup=False, **options)  # type: ignore[arg-type]

    def on_unmount(self) -> None:
        self._stop_watching.set()
        sys.setswitchinterval(getattr(self, "_switch_before", sys.getswitchinterval()))
        if self._git is not None:
            self._git.shutdown(wait=True)  # the last commits land before pulse exits
        gc.unfreeze()

    def column(self, state: str) -> TaskColumn:
        return self.query_one(f"#col-{state}", TaskColumn)

    @property
    def pane(self) -> HeartbeatPane:
        return self.query_one("#heartbeat", HeartbeatPane)

    # -- loading --------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_board(self) -> None:
        """Read the board (parsing only files the cache has not seen) off the UI thread."""
        tasks = self.board.tasks()
        self.call_from_thread(self._loaded, tasks)

    def _loaded(self, tasks: list[Task]) -> None:
        self.snapshot = Snapshot(tasks)
        self.shorts = ShortIds(self.snapshot.ids())
        self.reconciler = Reconciler(self.board, self.snapshot)
        self.loaded = True
        gc.collect()
        gc.freeze()  # the board's many long-lived objects: never rescan them (a 200 ms pause at 100k)
        for state in STATES:
            self.column(state).empty_text = "Nothing here."
        self._show_all()
        self.call_after_refresh(self.request_beat)  # the board on screen first, then the engine
        pending, self._pending = self._pending, set()
        if pending is None or pending:
            self._follow(pending)

    # -- following the disk -----------------------------------------------------------------------

    @work(group="watch", exit_on_error=False)
    async def follow_disk(self) -> None:
        """Turn each batch of changes on disk into a reconcile, for as long as the app runs."""
        from pulseboard.services.watcher import watch

        source = (
            self._changes()
            if self._changes
            else watch(self.board.root, poll=self._poll, stop=self._stop_watching)
        )
        async for batch in source:
            if batch.notice:
                self.say(batch.notice, title="Watching", severity="warning", timeout=8)
            if not self.loaded:
                self._pending = (
                    None if batch.paths is None or self._pending is None else self._pending | batch.paths
                )
                continue
            try:
                self._follow(batch.paths)
            except Exception as exc:  # one bad batch must not stop the board following the disk
                self.say(f"Could not show a change on disk: {exc}", severity="error", timeout=10)

    def _follow(self, paths: frozenset[str] | set[str] | None) -> None:
        """Reconcile now for a few files; in a worker thread for a storm or a full rescan."""
        if self._rescanning:
            if paths is None or self._during_rescan is None:
                self._during_rescan = None
            else:
                self._during_rescan |= paths
            return
        if paths is not None and len(paths) <= INLINE_HINTS:
            selected = self._selections()
            self._after_changes(self.reconciler.apply(paths), selected)
            self._check_folders()
            return
        self._rescanning = True
        self._read_in_background(paths)

    @work(thread=True, group="reconcile", exit_on_error=False)
    def _read_in_background(self, paths: frozenset[str] | set[str] | None) -> None:
        plan = self.reconciler.read(paths)
        self.call_from_thread(self._apply_plan, plan)

    def _apply_plan(self, plan: Plan) -> None:
        self._rescanning = False
        selected = self._selections()
        self._after_changes(self.reconciler.update(plan), selected)
        self._check_folders()
        again, self._during_rescan = self._during_rescan, set()
        if again is None or again:
            self._follow(again)  # what changed while the rescan was reading

    def _check_folders(self) -> None:
        """Say when a state folder disappears (its column shows empty) and when it is back."""
        if not self.board.root.is_dir():
            return  # the watcher already said the whole board is gone
        for state in STATES:
            present = (self.board.root / state).is_dir()
            if not present and state not in self._missing:
                self._missing.add(state)
                self.say(f"{state}/ is gone; its column shows empty until it is back.", severity="warning")
            elif present and state in self._missing:
                self._missing.discard(state)
                self.say(f"{state}/ is back.")

    def _selections(self) -> dict[str, Task | None]:
        """Each column's selected task, taken before the snapshot changes under the columns' views."""
        return {state: self.column(state).selected for state in STATES}

    def _after_changes(self, changes: Changes, selected: dict[str, Task | None]) -> None:
        """Redraw what a reconcile changed, keeping each cursor on its task."""
        if not changes:
            return
        for task_id in changes.ids_added:
            self.shorts.add(task_id)
        for task_id in changes.ids_removed:
            self.shorts.discard(task_id)
        for state in changes.states:
            self._show(state, keep=selected[state])
        for state in STATES:
            self.column(state).forget()  # marks (two places, overlaps) depend on other columns
        self._refresh_chrome()
        self.request_beat()
        screen = self.screen
        if isinstance(screen, DetailScreen):
            now = self.snapshot.get(screen.task.state, screen.task.name) or next(
                iter(self.snapshot.with_id(screen.task.id)), None
            )
            if now is not None and now != screen.task:
                self._refresh_detail(screen.task, now)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "load":
            self.say(f"Could not read the board: {event.worker.error}", severity="error", timeout=10)
            for state in STATES:  # never "Loading..." forever
                self.column(state).empty_text = "Could not read the board."
                self.column(state).refresh()
        elif event.worker.group == "reconcile":
            self._rescanning = False
            self.say(f"Could not re-read the board: {event.worker.error}", severity="error", timeout=10)
        elif event.worker.group in ("beat", "stats"):
            what = "the heartbeat" if event.worker.group == "beat" else "the figures"
            self.say(f"Could not work out {what}: {event.worker.error}", severity="error", timeout=10)
        elif event.worker.group == "watch":
            self.say(f"Stopped following changes on disk: {event.worker.error}", severity="error", timeout=10)

    # -- what the cards need --------------------------------------------------------------------

    def card_context(self) -> CardContext:
        """What cards need from the board; called for every card drawn, so it costs O(1)."""
        return CardContext(
            now=self.clock(),
            short=self.shorts.short,
            overlaps_doing=self._overlaps_doing(),
            in_two_places=lambda task_id: len(self.snapshot.with_id(task_id)) > 1,
            heartbeat=self.board.settings.heartbeat,
        )

    def _overlaps_doing(self) -> Callable[[Task], bool]:
        """Whether a task touches what another task in doing touches: one index of doing, made
        again only when the doing column is shown anew (10,000 in doing: no scan per card)."""
        if self._overlap_check is None:
            doing = list(self.snapshot.column("doing"))
            index = TouchIndex([t.touches for t in doing])
            owners = [t.id for t in doing]
            copies = Counter(owners)

            def check(task: Task) -> bool:
                found = index.first(task.touches, copies[task.id] + 1) if task.touches else []
                return any(owners[n] != task.id for n in found)

            self._overlap_check = check
        return self._overlap_check

    # -- showing --------------------------------------------------------------------------------

    def _matches(self, task: Task) -> bool:
        """The filter's rule is core/query.py's, shared with the palette and `pulse ls`."""
        return Query.parse(self.filter_text).matches(task)

    def _show(self, state: str, keep: Task | None = None) -> None:
        if state == "doing":
            self._overlap_check = None  # the cards' overlap marks follow doing as it is now
        column = self.column(state)
        if keep is not None:
            keep = self.snapshot.get(keep.state, keep.name)  # as it is now (it may have been edited)
        if self.filter_text:
            tasks = [t for t in self.snapshot.column(state) if self._matches(t)]
            index = tasks.index(keep) if keep in tasks else None
        else:
            tasks = self.snapshot.column(state)
            index = self._index(keep)
        column.show(tasks, index)

    def _index(self, task: Task | None) -> int | None:
        if task is None:
            return None
        try:
            return self.snapshot.index(task)
        except ValueError:
            return None

    def _show_all(self) -> None:
        for state in STATES:
            column = self.column(state)
            self._show(state, keep=column.selected)
        self._refresh_chrome()

    def _refresh_chrome(self) -> None:
        """Column titles, the top bar (which turns into the WIP warning) and the heartbeat pane.

        Each is a fixed-size line, updated without a layout pass, so a move redraws and never
        reflows the board.
        """
        wip = wip_level(self.snapshot.column("doing"), self.board.settings.wip_doing)
        for state in STATES:
            count = f"{wip.count}/{wip.limit}" if state == "doing" else self.snapshot.count(state)
            text = f"{TITLES[state]} {count}"
            if self.filter_text:
                text += f"  ({len(self.column(state).tasks)} shown)"
            self.query_one(f"#title-{state}", Static).update(text, layout=False)
        title = self.query_one("#title-doing", Static)
        title.set_class(wip.level == "at", "wip-at")
        title.set_class(wip.level == "over", "wip-over")
        topbar = self.query_one("#topbar", Static)
        topbar.set_class(wip.level == "over", "wip-over")
        if wip.level == "over":
            text = (
                f" Doing is over its limit: {wip.count}/{wip.limit} in progress. "
                "Finish or block something before starting more."
            )
        else:
            filtered = f"   filter: {self.filter_text}" if self.filter_text else ""
            text = f" pulse  {display_path(self.board.root)}{filtered}"
        topbar.update(Content(inert(text)), layout=False)

    def _tick_clock(self) -> None:
        for state in ("doing", "blocked", "done"):
            self.column(state).forget()

    # -- the heartbeat ----------------------------------------------------------------------------

    def request_beat(self) -> None:
        """Beat soon (at once after the interval; just after a change, coalescing a burst), and
        bring the figures up to date as soon as their pace allows."""
        if self.loaded and self._beat_soon is None:
            self._beat_soon = self.set_timer(BEAT_DELAY_S, self._beat)
        if self.loaded and self._stats_soon is None:
            delay = max(BEAT_DELAY_S, self._stats_due - time.monotonic())
            self._stats_soon = self.set_timer(delay, self._figures)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._last_key = time.monotonic()
        await super().on_event(event)

    def _busy(self) -> float:
        """How long to wait before background work, so a burst of keys never shares the
        interpreter with it (the engine and the figures run while the keys have paused)."""
        return max(0.0, self._last_key + IDLE_S - time.monotonic())

    def _beat(self) -> None:
        if wait := self._busy():
            self._beat_soon = self.set_timer(wait, self._beat)
            return
        self._beat_soon = None
        self._beat_in_background(list(self.snapshot), self.clock())

    def _figures(self) -> None:
        if wait := self._busy():
            self._stats_soon = self.set_timer(wait, self._figures)
            return
        self._stats_soon = None
        self._stats_in_background(list(self.snapshot), self.clock())

    @work(thread=True, group="beat", exit_on_error=False)
    def _beat_in_background(self, tasks: list[Task], now: dt.datetime) -> None:
        """The engine, off the UI thread (it stats the files in doing; 190 ms at 100,000 tasks)."""
        with collector_paused():
            suggestions = suggest(tasks, self.board.settings.heartbeat, self.board.root, now)[:PANE_KEEPS]
        self.call_from_thread(self.pane.show_beat, suggestions, now, self.shorts.short)
        self.call_from_thread(self.query_one("#status", StatusLine).show_push, push_failure(self.board.root))

    @work(thread=True, group="stats", exit_on_error=False)
    def _stats_in_background(self, tasks: list[Task], now: dt.datetime) -> None:
        """The figures, off the UI thread, at a pace that keeps them under a tenth of the time:
        at 100,000 tasks they take ~0.8 s, so they come at most every 8 s."""
        with self._journal_lock, collector_paused():  # one at a time: the journal's tail is incremental
            started = time.monotonic()
            stats = board_stats(self.board, now.astimezone(), STATS_DAYS, tasks, self._journal.events())
            self._stats_due = time.monotonic() + STATS_PACE * (time.monotonic() - started)
        self.call_from_thread(self._show_stats, stats)

    def _show_stats(self, stats: Stats) -> None:
        self.stats = stats
        self.query_one("#status", StatusLine).show(stats)

    def action_stats(self) -> None:
        """The stats screen, with the figures of the last beat."""
        if self.stats is None:
            self.say("The figures come with the first heartbeat, in a moment.", timeout=4)
            return
        self.push_screen(StatsScreen(self.stats, self.shorts.short))

    def _keys_hint(self) -> str:
        return f"{key_hint(self._keymap, 'apply')} apply · {key_hint(self._keymap, 'next_suggestion')} next"

    def action_step_suggestion(self, delta: int) -> None:
        self.pane.step(delta)

    def action_apply(self) -> None:
        """Do what the selected suggestion proposes, for the task it names."""
        suggestion = self.pane.selected
        if suggestion is None:
            self.say("No suggestion yet: the heartbeat has not beaten.", timeout=4)
            return
        copies = self.snapshot.with_id(suggestion.ids[0]) if suggestion.ids else []
        if not copies:
            self.say(suggestion.text, title="Heartbeat", timeout=6)
            return
        task = copies[0]
        self.go_to(task)
        action = suggestion.action
        if action == "start":
            self.request_move("doing", task)
        elif action == "unblock":
            self.request_move("open", task)
        elif action == "finish":
            self._ask_finish(task, suggestion.text)
        elif action == "split":
            self.push_screen(NewTaskScreen(
                self._validate_new, heading=f'Split "{one_line(task.title)}": a first part', like=task
            ))  # fmt: skip
        elif action in ("re-read", "resolve"):
            self.action_detail()
        else:
            self.say(suggestion.text, title="Heartbeat", timeout=6)

    def _ask_finish(self, task: Task, why: str) -> None:
        choices = [Choice("done", "Done", "d", "success"), Choice("block", "Block…", "b", "warning"),
                   Choice("later", "Not yet", "n")]  # fmt: skip

        def answer(choice: str | None) -> None:
            if choice == "done":
                self.move(task, "done")
            elif choice == "block":
                self.request_move("blocked", task)

        self.push_screen(ChoiceScreen(why, choices), answer)

    # -- cursor and focus -----------------------------------------------------------------------

    def focus_now(self, column: TaskColumn) -> None:
        """Focus a column at once: widget.focus() waits a turn, and a key arriving in the meantime
        (fast typing, a paste, an agent driving the terminal) would act on the old column. The focus
        is the board's own: a move made in a detail view leaves the detail view's keys working there."""
        column.screen.set_focus(column)

    def focused_column(self) -> TaskColumn:
        focused = self.focused
        return focused if isinstance(focused, TaskColumn) else self.column("open")

    def selected_task(self) -> Task | None:
        """The task keys act on: the one a detail view shows, else the board's cursor."""
        if isinstance(self.screen, DetailScreen):
            return self.snapshot.get(self.screen.task.state, self.screen.task.name) or self.screen.task
        return self.focused_column().selected

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Board keys do nothing while a dialog or the stats screen is open (they would act on a
        task out of sight), and keys about the board's layout do nothing in a detail view."""
        if action in BOARD_ACTIONS and isinstance(self.screen, ModalScreen | StatsScreen):
            return False
        return not (action in BOARD_ONLY and isinstance(self.screen, DetailScreen))

    def action_focus_column(self, step: int) -> None:
        index = STATES.index(self.focused_column().state)
        self.focus_now(self.column(STATES[(index + step) % len(STATES)]))

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
        if task is None:
            return
        index = STATES.index(task.state) + step
        if 0 <= index < len(STATES):
            self.request_move(STATES[index])

    def request_move(self, to_state: str, task: Task | None = None) -> None:
        """Move a task (the selected one by default), asking first where the rules say to."""
        task = task or self.selected_task()
        if task is None or task.state == to_state:
            return
        settings = self.board.settings
        doing = self.snapshot.column("doing")
        wip = wip_level(doing, settings.wip_doing, settings.wip_hard, starting=task.id)
        if to_state == "doing" and wip.must_confirm:
            question = f'Doing is full ({wip.count}/{wip.limit}). Start "{task.title}" anyway?'

            self.push_screen(
                ConfirmScreen(question, yes="Start anyway"),
                lambda answer: self.move(task, to_state, force=True) if answer == "yes" else None,
            )
        elif to_state == "blocked":

            def blocked(answer: BlockReason | None) -> None:
                if answer is not None:
                    self.move(task, "blocked", reason=answer.reason, waiting_on=answer.waiting_on)

            self.push_screen(BlockScreen(task), blocked)
        else:
            self.move(task, to_state)

    def move(
        self,
        task: Task,
        to_state: str,
        *,
        reason: str | None = None,
        waiting_on: str | None = None,
        force: bool = False,
    ) -> Task | None:
        """Move through the core; on failure say why and show the disk as it now is."""
        entry = Entry(task.state, task.name, task.id, task.folder)
        try:
            result = actions.move_entry(
                self.board, entry, to_state, reason=reason, waiting_on=waiting_on, force=force,
                short_of=self.shorts.short, now=self.clock(),
            )  # fmt: skip
        except PulseError as exc:
            self.say(inert(str(exc)), title="Not moved", severity="error", timeout=8)
            self.resync(task)
            return None
        self._show_move(task, result)
        self._commit(lambda: git.commit_move(self.board, result))
        return result.task

    def _commit(self, job: Callable[[], str | None]) -> None:
        """With git.commit on, commit off the UI thread, in the order the changes were made."""
        if not self.board.settings.git_commit:
            return
        if self._git is None:
            self._git = ThreadPoolExecutor(max_workers=1, thread_name_prefix="pulse-git")

        def run() -> None:
            try:
                problem = job()
            except Exception as exc:  # a commit must never take the board down
                problem = f"not committed: {exc}"
            if problem:
                self.call_from_thread(self.say, problem, title="git", severity="warning", timeout=8)

        self._git.submit(run)

    def _commit_file(self, task: Task, verb: str) -> None:
        short = self.shorts.short(task.id)
        self._commit(lambda: git.commit(self.board, [task.path], git.commit_message(verb, short, task)))

    def _show_move(self, task: Task, result: actions.MoveResult) -> None:
        """Show a move the core made: the task leaves one column for another, the cursor follows."""
        self.snapshot.remove(task.state, task.name)
        self.snapshot.put(result.task)
        for warning in result.warnings:
            self.say(inert(warning), title="Moved", severity="warning", timeout=8)
        self._show(task.state)
        self._show(result.task.state, keep=result.task)
        self._forget_markers()
        self._refresh_chrome()
        self.request_beat()
        self.go_to(result.task)
        self._refresh_detail(task, result.task)

    def resync(self, task: Task) -> None:
        """Re-read one task's file from disk: wherever it now is, or gone."""
        self.snapshot.remove(task.state, task.name)
        for state in STATES:
            path = self.board.root / state / task.name
            if path.exists():
                self.snapshot.put(self.board.load(Entry(state, task.name, task.id, path.parent)))
        self._show_all()
        self.request_beat()

    def _forget_markers(self) -> None:
        """Overlap markers depend on what is in doing/: redraw the cards that can carry one."""
        for state in ("open", "doing", "blocked"):
            self.column(state).forget()

    def action_undo(self) -> None:
        """Revert your last move, from the journal: the same undo as `pulse undo`."""
        try:
            result = undo_last(self.board, now=self.clock())
        except PulseError as exc:
            message = inert(str(exc))
            self.say(message[:1].upper() + message[1:], title="Undo", severity="warning", timeout=8)
            return
        self._commit(lambda: git.commit_move(self.board, result, undo=True))
        shown = self.snapshot.get(result.from_state, result.task.name)
        if shown is None:  # the board had not seen the file where the undo found it
            self.resync(result.task)
            return
        self._show_move(shown, result)

    # -- creating, editing, ticking -------------------------------------------------------------

    def action_new(self) -> None:
        self.push_screen(NewTaskScreen(self._validate_new))

    def _validate_new(self, new: NewTask) -> str | None:
        """Create the task the form describes; say what is wrong instead, if anything is."""
        try:
            self._create(new)
        except PulseError as exc:
            return str(exc)
        return None

    def _create(self, new: NewTask) -> None:
        warnings: list[str] = []
        task = actions.create_task(
            self.board, new.title, priority=new.priority, estimate=new.estimate, touches=new.touches,
            depends=new.depends, now=self.clock(), warnings=warnings,
        )  # fmt: skip
        for warning in warnings:
            self.say(warning, severity="warning", timeout=10)
        self.snapshot.put(task)
        self.shorts.add(task.id)
        self._show("open", keep=task)
        self._refresh_chrome()
        self.request_beat()
        self.go_to(task)
        self.say(f"Created {self.shorts.short(task.id)}: {inert(task.title)}", timeout=4)
        self._commit_file(task, "add")

    def action_detail(self) -> None:
        task = self.selected_task()
        if task is None:
            return
        past = journal.history(self.board.root, task.id)
        self.push_screen(
            DetailScreen(task, self.shorts.short(task.id), read_body(task.path), past, self.tick)
        )
        if task.state == "doing":
            mark_read(self.board.root, task)  # its spec is on screen: settles a stale-spec note
            self.request_beat()

    def tick(self, task: Task, index: int) -> None:
        try:
            updated = actions.tick_criterion(
                self.board, Entry(task.state, task.name, task.id, task.folder), index
            )
        except PulseError as exc:
            self.say(inert(str(exc)), severity="error")
            self.resync(task)
            return
        mark_read(self.board.root, updated)  # the person ticking it is reading it: not a stale spec
        self._replace(task, updated)
        self._commit_file(updated, "edit")

    def action_edit(self) -> None:
        task = self.selected_task()
        if task is not None:
            self.edit(task)

    def edit(self, task: Task) -> None:
        """Open the task's file in $VISUAL / $EDITOR, then show what the editor left on disk."""
        command = editor_command()
        if command is None:
            self.say("No editor found: set $VISUAL or $EDITOR.", severity="error")
            return
        try:
            with self.suspend():
                subprocess.call([*command, str(task.path)])
        except (OSError, SuspendNotSupported) as exc:
            self.say(
                f"Could not run the editor: {exc or 'this terminal cannot be suspended'}", severity="error"
            )
        self.resync(task)
        updated = self.snapshot.get(task.state, task.name)
        if updated is not None:
            mark_read(self.board.root, updated)  # edited by the person who will work on it
            self._replace(task, updated)
            self._commit_file(updated, "edit")

    def _replace(self, old: Task, new: Task) -> None:
        """Show a task's new content wherever it is shown (its column and an open detail view)."""
        self.snapshot.put(new)
        self._show(new.state, keep=new)
        self.column(new.state).forget({new.name})
        self._refresh_detail(old, new)
        self.request_beat()

    def _refresh_detail(self, old: Task, new: Task) -> None:
        """If a detail view shows this task, show it as it now is."""
        screen = self.screen
        if isinstance(screen, DetailScreen) and screen.task.name == old.name:
            screen.refresh_task(new, read_body(new.path), journal.history(self.board.root, new.id))

    def action_reload(self) -> None:
        self.loaded = False
        self.load_board()

    # -- filter ---------------------------------------------------------------------------------

    def action_filter(self) -> None:
        self._return_to = self.focused_column()
        field = self.query_one("#filter", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter_text = event.value.strip().lower()
        self._show_all()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.focus_now(self.focused_column_or_first())

    def focused_column_or_first(self) -> TaskColumn:
        """Back to the column the filter was opened from, unless the filter emptied it."""
        back = self._return_to or self.column("open")
        if back.tasks:
            return back
        for state in STATES:
            if self.column(state).tasks:
                return self.column(state)
        return back

    def action_clear_filter(self) -> None:
        field = self.query_one("#filter", Input)
        if field.display or self.filter_text:
            field.value = ""
            field.display = False
            self.filter_text = ""
            self._show_all()
            self.focus_now(self.focused_column_or_first())

    # -- help, palette, themes ------------------------------------------------------------------

    def action_help(self) -> None:
        rows = [*help_rows(self._keymap, BOARD), ("ctrl+p", "Command palette: actions, go to task, theme")]
        self.push_screen(HelpScreen(rows, help_rows(self._keymap, DETAIL, besides=BOARD)))

    def get_system_commands(self, screen: Screen) -> object:
        yield from super().get_system_commands(screen)
        yield from action_commands(self, self._keymap)

    def _setup_theme(self) -> None:
        from pulseboard.services.themes import DEFAULT_THEME, load_themes

        themes, notices = load_themes()
        for theme in themes:
            self.register_theme(theme)
        for notice in notices:
            self.say(notice, title="Theme not loaded", severity="warning", timeout=10)
        wanted = self.board.settings.theme or DEFAULT_THEME
        if wanted not in self.available_themes:
            if self.board.settings.theme:
                self.say(f"No theme named {wanted!r}; using {DEFAULT_THEME}.", severity="warning")
            wanted = DEFAULT_THEME if DEFAULT_THEME in self.available_themes else FALLBACK_THEME
        self.theme = wanted
        self._theme_ready = True

    def watch_theme(self, name: str) -> None:
        if not self._theme_ready or name == self.board.settings.theme:
            return
        try:
            save_theme(self.board.root, name)
        except (PulseError, OSError) as exc:
            self.say(f"Theme not remembered: {exc}", severity="warning")
            return
        self.board.__dict__.pop("settings", None)  # re-read pulse.yaml next time

    def get_theme_variable_defaults(self) -> dict[str, str]:
        from pulseboard.services.themes import THEME_VARIABLES

        return {name: "#888888" for name in THEME_VARIABLES}

    def get_css_variables(self) -> dict[str, str]:
        """Textual's own themes lack pulse's variables: the theme service derives them."""
        from pulseboard.services.themes import pulse_variables

        return {**super().get_css_variables(), **pulse_variables(self.current_theme)}
