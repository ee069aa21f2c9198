"""The board screen: the four columns, the heartbeat pane, the status line and the filter; the
board's keys and what they do.

A thin face over the core. The live board (core/live.py) keeps the snapshot level with the disk
and the schedule (core/schedule.py) says when to beat; this screen runs their slow parts in
workers, which end in messages (tui/messages.py), and shows what changed. Moves, creations and
ticks go through pulseboard.core exactly as the CLI's do.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
from collections import Counter
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from textual import events
from textual.app import ComposeResult
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState

from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.bodies import BodyIndex
from pulseboard.core.config import CONFIG_NAME, load_settings
from pulseboard.core.errors import PulseError
from pulseboard.core.keymap import BOARD
from pulseboard.core.live import LiveBoard, Loaded, Step
from pulseboard.core.overlap import TouchIndex
from pulseboard.core.prefs import Prefs
from pulseboard.core.query import Bodies, Query, find_tasks
from pulseboard.core.read_ahead import ReadAhead
from pulseboard.core.reconcile import Changes
from pulseboard.core.schedule import Schedule
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.task_view import display_path
from pulseboard.core.text import inert
from pulseboard.core.wip import Wip
from pulseboard.services.git import CommitQueue
from pulseboard.tui import messages
from pulseboard.tui.bindings import bindings
from pulseboard.tui.plain import say
from pulseboard.tui.screens.board_archive import BoardArchive
from pulseboard.tui.screens.board_keys import BoardKeys
from pulseboard.tui.screens.board_pulse import BoardPulse
from pulseboard.tui.widgets.cards import CardContext, nothing_waited_on
from pulseboard.tui.widgets.column import TaskColumn
from pulseboard.tui.widgets.columns import Columns, TopBar
from pulseboard.tui.widgets.filter_field import FilterField
from pulseboard.tui.widgets.heartbeat import HeartbeatPane
from pulseboard.tui.widgets.key_bar import KeyBar
from pulseboard.tui.widgets.status import StatusLine

if TYPE_CHECKING:  # and what is imported where first used: not needed for the first paint
    from pulseboard.services.watcher import Batch
    from pulseboard.tui.screens.detail import DetailScreen  # imported when first opened: Markdown is slow

ChangeSource = Callable[[], AsyncIterator["Batch"]]
STATS_PACE = 9  # the figures wait nine times as long as they took before they are computed again
IDLE_S = 0.4  # background work waits until the keys have paused this long
BEAT_DELAY_S = 0.15  # a beat comes this soon after a change: one beat for a burst of changes
FILTER_HINT = (
    'Filter: words (in the body text too), #tag, @who, p:high, state:doing, "a phrase", -word; escape clears'
)
FIRST_RUN = "No tasks yet. {key} adds one here; `pulse add TITLE` or any .md file in open/ does too."
NO_MATCH = "Nothing here matches the filter; escape clears it."
FOOTER_FIRST = ("help", "quit")  # a narrow terminal cuts the key bar's end: these two stay in view
FAILED = {"load": "Could not read the board", "reconcile": "Could not re-read the board",
          "beat": "Could not work out the heartbeat", "figures": "Could not work out the figures",
          "watch": "Stopped following changes on disk",
          "engine": "Could not build the heartbeat's engine; the full beat goes on",
          "figures-build": "Could not keep the figures up to date; they are worked out whole",
          "plan": "Could not make the plan", "ready": "Could not work out what is ready now",
          "hooks": "Could not run the hooks", "archive": "Could not look at the archive",
          "split": "Could not split the task"}  # fmt: skip


class BoardScreen(BoardKeys, BoardPulse, BoardArchive, Screen[None]):
    """The pulse board."""

    BINDINGS: ClassVar = bindings(BOARD, first=FOOTER_FIRST)  # the table of actions, core/keymap.py

    def __init__(
        self,
        board: Board,
        clock: Callable[[], dt.datetime],
        changes: ChangeSource | None,
        poll: bool,
        ahead: ReadAhead | None = None,
    ) -> None:
        """changes: where hints about changes on disk come from (default: watchfiles on the board
        folder; tests inject their own). poll: watch by polling. ahead: the board's first read,
        started before the app."""
        super().__init__()
        self.board = board
        self.clock = clock
        self.live = LiveBoard(board, ahead)
        self.schedule = Schedule(
            board.settings.heartbeat.interval_s, after_change=BEAT_DELAY_S, idle=IDLE_S, pace=STATS_PACE
        )
        self.keys_hint = ""  # the heartbeat pane's hint, with the keys as mapped (set by the app)
        self.why_hint = ""  # the pane's hint for its score terms ("w why"), as mapped
        self.new_key = "n"  # the new-task key as mapped (set by the app)
        self.filter_text = ""
        self._changes = changes
        self._poll = poll
        self._stop_watching = asyncio.Event()
        self._wake: Timer | None = None
        self._return_to: TaskColumn | None = None
        self._last_column = "open"  # the column focused last (the filter's field may have the focus now)
        self.compact: bool | None = None  # one line per card: chosen with a key, or None: by width
        self.compact_below = 0  # with no choice made, compact below this many columns (0: never)
        self.zoomed = False  # the focused column alone
        self.hide_empty = False  # empty columns out of sight (the focused one stays)
        self.marked: set[str] = set()  # file names of the tasks marked for a batch move (space)
        self.silent_ids: frozenset[str] = frozenset()  # tasks whose holder went silent (the last beat)
        self.by_rank = False  # Open in the heartbeat's order (r), not by priority and age
        self._rank: dict[str, int] = {}  # task id -> its place among the last beat's suggestions
        self._detail: DetailScreen | None = None
        self._overlap_check: Callable[[Task], bool] | None = None
        self._suggested: str | None = None  # the id of the selected suggestion's first task: its card wears ★
        path = board.root / CONFIG_NAME
        self._settings_paths = frozenset({str(path), os.path.abspath(path)})  # as a watcher names it
        self._commits: CommitQueue | None = None
        # The filter's query, parsed once per text typed; the task bodies its words look in
        # (core/bodies.py), made the first time it looks, read in a worker when the disk may have changed.
        self._query = Query.parse("")
        self._narrowing: dict[str, tuple[Query, list[Task]]] = {}  # per column: the query shown, its tasks
        self._body_index: BodyIndex | None = None
        self._bodies_stale = True
        self._bodies_reading = False
        self.init_pulse()  # the heartbeat's engine and the figures, kept level with the board

    # -- layout and life ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Columns(self.card_context, id="columns")
        yield HeartbeatPane(id="heartbeat")
        yield StatusLine(id="status")
        yield FilterField(self.apply_filter, placeholder=FILTER_HINT, id="filter")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#filter", Input).display = False
        self.pane.show_hints(self.keys_hint, self.why_hint)
        self.focus_now(self.column("open"))
        self._take_prefs(self.app.prefs)  # type: ignore[attr-defined]  # PulseApp's
        self._refresh_chrome()
        self.set_interval(1, self._tick_clock)  # a card's time shows seconds in its first minute
        self.call_after_refresh(self.follow_disk)  # the watcher's start-up after the first paint
        if self.live.read_ahead:  # read while pulse started: the first frame shows the board
            self._show_loaded(self.live.load())
        else:
            self._run(lambda: messages.BoardLoaded(self.live.load()), "load")

    def show_key_hints(self, new_key: str, keys_hint: str, why_hint: str) -> None:
        """The keys as mapped now (pulse.yaml and the user's keys), where the board names them."""
        self.new_key, self.keys_hint, self.why_hint = new_key, keys_hint, why_hint
        if self.is_mounted:
            self.pane.show_hints(keys_hint, why_hint)
            self._refresh_chrome()  # an empty Open names the new-task key

    def _take_prefs(self, prefs: Prefs) -> None:
        """The user's view settings (core/prefs.py): compact cards, empty columns, Open's order, the pane."""
        self.compact = True if prefs.compact else None  # not chosen compact: by the terminal's width
        self.compact_below = prefs.compact_below
        self.hide_empty = prefs.hide_empty
        self.by_rank = prefs.sort == "rank"
        if prefs.folded != self.pane.folded:
            self.pane.fold()
        self.apply_view()

    def on_unmount(self) -> None:
        self._stop_watching.set()
        if self._commits is not None:
            self._commits.close()  # the last commits land before pulse exits

    def reread_settings(self) -> None:
        """pulse.yaml as it is now: the WIP limit, the heartbeat, keys and theme follow it at once.
        A file that can't be used is one sentence, and the settings in use stay."""
        try:
            fresh = load_settings(self.board.root)
        except PulseError as exc:
            self.say(f"pulse.yaml not applied: {exc}", severity="error", timeout=10)
            return
        if fresh == self.board.settings:
            return
        heartbeat_changed = fresh.heartbeat != self.board.settings.heartbeat
        self.board.__dict__["settings"] = fresh  # Board.settings is a cached property
        if heartbeat_changed and self.live.loaded:
            self.build_kept(("engine",))
        self.schedule.interval = fresh.heartbeat.interval_s
        self.app.follow_settings(fresh)  # type: ignore[attr-defined]
        for state in STATES:
            self.column(state).forget()  # time boxes and the WIP level show on the cards
        self._refresh_chrome()
        self.request_beat()
        self.say("Settings read again from pulse.yaml.", timeout=4)

    def say(self, message: str, **options: object) -> None:
        say(self, message, **options)

    def column(self, state: str) -> TaskColumn:
        return self.query_one(f"#col-{state}", TaskColumn)  # asked on every change: one query

    @property
    def detail(self) -> DetailScreen | None:
        """The detail view open over the board, if one is."""
        return self._detail

    @property
    def pane(self) -> HeartbeatPane:
        return self.query_one(HeartbeatPane)

    @property
    def snapshot(self) -> Snapshot:
        return self.live.snapshot

    def _run(self, job: Callable[[], Message], group: str) -> None:
        """Run a job in a thread; it ends in the message it returns, posted to this screen."""
        self.run_worker(lambda: self.post_message(job()), thread=True, group=group, description=group,
                        exit_on_error=False)  # fmt: skip  # description: never a repr of the board

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR or event.worker.group not in FAILED:
            return
        group = event.worker.group
        self.say(f"{FAILED[group]}: {event.worker.error}", severity="error", timeout=10)
        if group == "load":
            self.query_one(Columns).empty_text("Could not read the board.")  # never "Loading…" forever
            self.app.board_shown()  # type: ignore[attr-defined]  # the collector runs even if the board never shows
        elif group == "reconcile":
            self.live.read_failed()
        elif group in ("beat", "figures"):
            self.schedule.ended(group)
            self._rearm()
        elif group in ("engine", "figures-build"):
            self.kept_build_failed(group.removesuffix("-build"))  # nothing waits: the full pass goes on

    # -- following the disk ---------------------------------------------------------------------

    def on_board_loaded(self, message: messages.BoardLoaded) -> None:
        self._show_loaded(message.loaded)

    def _show_loaded(self, loaded: Loaded) -> None:
        selected = self._selections()
        step = self.live.install(loaded)
        self.drop_kept()  # built anew from the board as it is then: after the board is on screen
        self.call_after_refresh(self._first_beat)  # (their builds would slow the paint)
        self._show_all()
        self._take(step, selected)

    def _first_beat(self) -> None:
        self.app.board_shown()  # type: ignore[attr-defined]  # PulseApp's
        self.build_kept()
        self.schedule.start()
        self._rearm()
        self.start_archive()

    def follow_disk(self) -> None:
        """Turn each batch of changes on disk into a message, for as long as the board is up."""

        async def follow() -> None:
            from pulseboard.services.watcher import watch

            if self._changes is not None:
                source = self._changes()
            else:
                source = watch(self.board.root, poll=self._poll, stop=self._stop_watching)
            async for batch in source:
                self.post_message(messages.DiskChanged(batch.paths, batch.notice, batch.ready))

        self.run_worker(follow, group="watch", description="watch", exit_on_error=False)

    def on_disk_changed(self, message: messages.DiskChanged) -> None:
        if message.notice:
            self.say(message.notice, title="Watching", severity="warning", timeout=8)
        if message.paths is None or not self._settings_paths.isdisjoint(message.paths):
            self.reread_settings()
        if self.archive_touched(message.paths):
            self.look_at_archive()
        try:
            selected = self._selections()
            follow = self.live.watching if message.ready else self.live.hint
            self._take(follow(message.paths), selected)
        except Exception as exc:  # one bad batch must not stop the board following the disk
            self.say(f"Could not show a change on disk: {exc}", severity="error", timeout=10)

    def on_disk_read(self, message: messages.DiskRead) -> None:
        selected = self._selections()
        self._take(self.live.finish(message.plan), selected)

    def _take(self, step: Step, selected: dict[str, Task | None]) -> None:
        """Show what a step of the live board did; start the read it asks for."""
        self._after_changes(step.changes, selected)
        for notice in step.notices:
            self.say(notice, severity="warning")
        if step.notices:  # a folder gone or back: its column says so
            self._refresh_chrome()
        if step.read:
            paths = step.paths
            self._run(lambda: messages.DiskRead(self.live.read(paths)), "reconcile")

    def _selections(self) -> dict[str, Task | None]:
        """Each column's selected task, taken before the snapshot changes under the columns' views."""
        return {state: self.column(state).selected for state in STATES}

    def _after_changes(self, changes: Changes, selected: dict[str, Task | None]) -> None:
        """Redraw what a reconcile changed, keeping each cursor on its task."""
        self._bodies_changed()  # also for no change: an edit of a body alone leaves the snapshot as it was
        if not changes:
            return
        for state in changes.states:
            self._show(state, keep=selected[state])
        for state in STATES:
            self.column(state).forget()  # marks (two places, overlaps) depend on other columns
        if changes.ids_removed:  # gone from the board: out of the pane now, not at the next beat
            self.pane.drop(changes.ids_removed)
            self._mark_suggested()
        self._refresh_chrome()
        self.request_beat()
        if self._detail is not None:
            now = self.live.current(self._detail.task)
            if now is not None and now != self._detail.task:
                self._refresh_detail(self._detail.task, now)

    def on_git_problem(self, message: messages.GitProblem) -> None:
        self.say(message.text, title="git", severity="warning", timeout=8)

    def find(self, text: str) -> list[tuple[float, str, Task]]:
        """The palette's question: tasks matching `text` by the filter's rule (bodies too, from the
        filter's body index), best first, each with its score and the line that names it."""
        shorts = self.live.shorts
        found = find_tasks(text, self.live.snapshot, body=self._bodies(Query.parse(text)))
        return [(score, inert(f"{shorts.short(t.id)}  {t.title}  ({t.state})"), t) for score, t in found]

    def action_stats(self) -> None:
        """The stats screen, with the figures now (every task in progress in its ageing list)."""
        stats = self.figures_in_full()
        if stats is None:
            self.say("The figures come with the first heartbeat, in a moment.", timeout=4)
            return
        from pulseboard.tui.screens.stats import StatsScreen

        self.app.push_screen(StatsScreen(stats, self.live.shorts.short))

    def action_plan(self, hands: int | None = None) -> None:
        """The plan screen: lanes of open tasks that can run side by side (as many lanes as doing
        holds, unless asked), made off the UI thread (0.2 s at 10,000 open tasks)."""
        hands = hands or self.board.settings.wip_doing
        snapshot = self.live.snapshot
        tasks = snapshot.copy_of(STATES)
        board, now = self.board, self.clock()

        def made() -> messages.PlanReady:
            from pulseboard.core.plan import plan
            from pulseboard.core.plan_text import plan_text

            text = plan_text(plan(tasks, board.settings, now, hands, board.root), self.live.shorts.short)
            return messages.PlanReady(text, hands)

        self._run(made, "plan")

    def on_plan_ready(self, message: messages.PlanReady) -> None:
        from pulseboard.tui.screens.plan import PlanScreen

        self.app.push_screen(PlanScreen(message.text, message.hands, lambda hands: self.action_plan(hands)))

    def action_step_suggestion(self, delta: int) -> None:
        self.pane.step(delta)
        self._mark_suggested()

    def _mark_suggested(self) -> None:
        """The card of the selected suggestion wears a star: redraw the card that had it and the one
        that has it now."""
        selected = self.pane.selected
        now = selected.ids[0] if selected is not None and selected.ids else None
        if now == self._suggested:
            return
        ids = [task_id for task_id in (self._suggested, now) if task_id]
        names = {task.name for task_id in ids for task in self.live.snapshot.with_id(task_id)}
        self._suggested = now
        for state in STATES:
            self.column(state).forget(names)

    def on_heartbeat_pane_selected(self, message: HeartbeatPane.Selected) -> None:
        """A click selected a suggestion in the pane: its card wears the star now."""
        self._mark_suggested()

    # -- what the cards need, and showing -------------------------------------------------------

    def card_context(self) -> CardContext:
        """What cards need from the board; called for every card drawn, so it costs O(1)."""
        engine = self._engine.value
        return CardContext(
            now=self.clock(),
            short=self.live.shorts.short,
            overlaps_doing=self._overlaps_doing(),
            in_two_places=lambda task_id: len(self.live.snapshot.with_id(task_id)) > 1,
            heartbeat=self.board.settings.heartbeat,
            suggested=self._suggested,
            marked=self.marked,
            silent=self.silent_ids,
            is_done=self.live.snapshot.is_done,
            waiting_on=engine.waiting_on if engine is not None else nothing_waited_on,
        )

    def _overlaps_doing(self) -> Callable[[Task], bool]:
        """Whether a task touches what another task in doing touches: the engine's index of doing
        once it is built; until then one index of doing, made again only when the doing column is
        shown anew (10,000 in doing: no scan per card)."""
        engine = self._engine.value
        if engine is not None:  # kept level with doing: nothing to make again after a change
            return engine.touches_doing
        if self._overlap_check is None:
            doing = list(self.live.snapshot.column("doing"))
            index = TouchIndex([t.touches for t in doing])
            owners = [t.id for t in doing]
            copies = Counter(owners)

            def check(task: Task) -> bool:
                found = index.first(task.touches, copies[task.id] + 1) if task.touches else []
                return any(owners[n] != task.id for n in found)

            self._overlap_check = check
        return self._overlap_check

    def _matches(self, task: Task) -> bool:
        """The filter's rule is core/query.py's, shared with the palette and `pulse ls`; its words
        look in task bodies too, as far as the body index has read them."""
        query = self._filter_query()
        return query.matches(task, self._bodies(query))

    def _filtered(self, state: str) -> list[Task]:
        """The column's tasks the filter matches. While the filter is typed on (its query narrows the
        one the column shows), only the tasks shown are looked at again; any other redraw (a change,
        the bodies read, the filter opened again) looks at every task in the column. The same tasks
        as shown come back as the list shown, so the column need not draw them again."""
        query, column = self._filter_query(), self.column(state)
        last = self._narrowing.get(state)
        shown = last[1] if last is not None and column.tasks is last[1] else None
        if shown is not None and last is not None and last[0] != query and query.narrows(last[0]):
            tasks = query.filter(shown, self._bodies(query))
        else:
            tasks = query.filter(self.live.snapshot.column(state), self._bodies(query))
        if shown is not None and tasks == shown:
            tasks = shown
        self._narrowing[state] = (query, tasks)
        return tasks

    def _filter_query(self) -> Query:
        if self._query.text != self.filter_text:
            self._query = Query.parse(self.filter_text)
        return self._query

    def _bodies(self, query: Query) -> Bodies | None:
        """Where the query looks for bodies (None: it has no plain word or phrase): the body index as
        read so far (made now the first time; read again if the disk may have changed since)."""
        if not query.searches_bodies:
            return None
        if self._body_index is None:
            self._body_index = BodyIndex(self.board.root)
        if self._bodies_stale:
            self.call_after_refresh(self._read_bodies)  # the screen first: a read shares the interpreter
        return self._body_index.body

    def _read_bodies(self) -> None:
        """Read the body index again in a worker, if the disk may have changed since it was last
        read (one read at a time; it reads only the files that changed)."""
        index = self._body_index
        if index is None or not self._bodies_stale or self._bodies_reading:
            return
        self._bodies_stale, self._bodies_reading = False, True

        def read() -> Message:
            return events.Callback(callback=partial(self._bodies_read, index.refresh()))

        self._run(read, "bodies")

    def _bodies_read(self, changed: int) -> None:
        """The body index has been read (`changed` files read or forgotten): filter again if that
        can change what the filter shows; read again if the disk changed meanwhile."""
        self._bodies_reading = False
        if self.filter_text and self._filter_query().searches_bodies:
            if changed:
                self._show_all()
            elif self._bodies_stale:
                self._read_bodies()

    def _bodies_changed(self) -> None:
        """The disk changed: the body index is out of date; read again soon if the filter looks in bodies."""
        self._bodies_stale = True
        if self.filter_text and self._filter_query().searches_bodies:
            self.call_after_refresh(self._read_bodies)

    def _show(self, state: str, keep: Task | None = None) -> None:
        if state == "doing":
            self._overlap_check = None  # the cards' overlap marks follow doing as it is now
        snapshot = self.live.snapshot
        if keep is not None:
            keep = snapshot.get(keep.state, keep.name)  # as it is now (it may have been edited)
        if self.filter_text:
            tasks = self._filtered(state)
            index = next((i for i, task in enumerate(tasks) if task is keep), None)
            column = self.column(state)
            if tasks is column.tasks and index in (None, column.cursor):
                return  # the column shows these already, its cursor where it was: nothing to draw
        else:
            tasks, index = snapshot.column(state), self._index(keep)
        if state == "open" and self.by_rank and self._rank:
            rank, rest = self._rank, len(self._rank)
            tasks = sorted(tasks, key=lambda task: rank.get(task.id, rest))  # the rest keep their order
            index = tasks.index(keep) if keep in tasks else None
        self.column(state).show(tasks, index)

    def _index(self, task: Task | None) -> int | None:
        try:
            return None if task is None else self.live.snapshot.index(task)
        except ValueError:
            return None

    def _show_all(self) -> None:
        for state in STATES:
            self._show(state, keep=self.column(state).selected)
        self._refresh_chrome()

    # -- the view: compact cards, zoom, hidden empty columns ------------------------------------

    @property
    def compact_now(self) -> bool:
        """Whether cards take one line: as chosen, else by the terminal's width."""
        if self.compact is not None:
            return self.compact
        return 0 < self.app.size.width < self.compact_below

    def apply_view(self) -> None:
        """Show the columns and cards as the view settings say."""
        compact = self.compact_now
        for state in STATES:
            self.column(state).set_compact(compact)
        self._arrange()

    def _arrange(self) -> None:
        """Which columns are in sight: the focused one alone when zoomed; with empty columns
        hidden, those with cards and the focused one."""
        here = self._last_column
        if self.zoomed:
            shown = {here}
        elif self.hide_empty:
            shown = {state for state in STATES if state == here or self.column(state).tasks}
        else:
            shown = set(STATES)
        self.query_one(Columns).show_only(shown)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, TaskColumn) and event.widget.state != self._last_column:
            self._last_column = event.widget.state
            self._arrange()

    def on_resize(self) -> None:
        self.apply_view()  # compact by width
        self.pane.fit(self.size.height)  # more suggestions on a tall screen
        self._refresh_chrome()  # titles that fit

    def _refresh_chrome(self) -> None:
        """Column titles, which columns are in sight, and the top bar (which turns into the WIP
        warning)."""
        snapshot = self.live.snapshot
        if self.live.loaded:
            self._say_when_empty(len(snapshot))
        wip = Wip(snapshot.distinct_ids("doing"), self.board.settings.wip_doing)
        counts = {state: snapshot.count(state) for state in STATES}
        self.query_one(Columns).show_titles(counts, wip, bool(self.filter_text), self.archived)
        self._arrange()
        view = "zoomed: z shows every column" if self.zoomed else ""
        if self.hide_empty and not self.zoomed:
            view = "empty columns hidden: H shows them"
        self.query_one(TopBar).show(
            wip, display_path(self.board.root), self.filter_text, len(self.marked), view
        )

    def _say_when_empty(self, total: int) -> None:
        """What an empty column says: under a filter, that nothing matches; else an empty Open says
        how to add a task, and an empty board how to start."""
        texts = dict.fromkeys(STATES, NO_MATCH if self.filter_text else "Nothing here.")
        if not self.filter_text:
            texts["open"] = (FIRST_RUN if not total else "Nothing here: {key} adds a task.").format(
                key=self.new_key
            )
        for state in self.live.missing:
            texts[state] = f"{state}/ is gone: its tasks show again when the folder is back."
        for state, text in texts.items():
            self.column(state).say_when_empty(text)

    def _tick_clock(self) -> None:
        for state in ("doing", "blocked", "done"):
            self.column(state).tick()
