"""The board screen's heartbeat and figures (mixed into BoardScreen): when they are worked out
(core/schedule.py), and by what.

Two things are kept level with the board (core/kept.py): the heartbeat engine (core/engine.py)
and the figures (core/figures.py). Each is built off the UI thread after a whole read of the
board and then fed every change the live board makes, so a beat or the status line's figures
cost about a millisecond on the UI thread at any board size. While one is being built its job
waits; if one fails, its full pass (the whole board, in a worker) takes over.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from textual import events
from textual.message import Message

from pulseboard.core import journal
from pulseboard.core.board import Task
from pulseboard.core.heartbeat import group_by_task, rank
from pulseboard.core.heartbeat_inputs import modified_times, push_failure, suggest
from pulseboard.core.heartbeat_rules import is_debt
from pulseboard.core.holders import lease_notes
from pulseboard.core.kept import Kept
from pulseboard.core.reconcile import Event
from pulseboard.core.schedule import BEAT, FIGURES
from pulseboard.services.drift import drift_notes
from pulseboard.tui import messages
from pulseboard.tui.tuning import collector_paused, keep_long_lived
from pulseboard.tui.widgets.status import StatusLine

if TYPE_CHECKING:
    from pulseboard.core.config import HeartbeatSettings
    from pulseboard.core.engine import HeartbeatEngine
    from pulseboard.core.figures import Figures
    from pulseboard.core.metrics import Stats
    from pulseboard.tui.screens.board import BoardScreen as _Screen
else:
    _Screen = object

STATS_DAYS = 14
PANE_KEEPS = 100  # suggestions the pane keeps to step through (a 100,000-task board makes ~28,000)
RANKED = 4 * PANE_KEEPS  # ranked by the engine, then grouped by task and cut to PANE_KEEPS
KEPT_FAILED = {"engine": "Could not keep the heartbeat up to date; it is worked out whole now",
               "figures": "Could not keep the figures up to date; they are worked out whole now"}  # fmt: skip


class KeptFigures:
    """The figures and the journal tail that feeds them (a tail of their own: `appended` and
    `events` share one place in the journal)."""

    def __init__(self, figures: Figures, tail: journal.JournalTail) -> None:
        self.figures = figures
        self.tail = tail

    def follow(self, changes: Sequence[Event]) -> None:
        self.figures.tasks_changed(changes)

    def stats(self, now: dt.datetime, ageing: int | None, settings: HeartbeatSettings) -> Stats:
        """The figures now, after the journal's new lines (`ageing`: how many ageing rows; None: all)."""
        added = self.tail.appended()
        if added is None:  # rewritten (a merge): read whole again
            self.figures.follow(self.tail.events())
        else:
            self.figures.add_events(added)
        return self.figures.stats(now.astimezone(), STATS_DAYS, settings, ageing=ageing)


class BoardPulse(_Screen):
    """The heartbeat and the figures of the board screen."""

    def init_pulse(self) -> None:
        """Called from BoardScreen.__init__: nothing built yet; every change goes to what is kept."""
        self.stats: Stats | None = None
        self._engine: Kept[HeartbeatEngine] = Kept(lambda engine, changes: engine.follow(changes))
        self._figures: Kept[KeptFigures] = Kept(lambda kept, changes: kept.follow(changes))
        self._builds: list[tuple[Callable[[], Message], str]] = []  # begun, waiting to run: one at a time
        self.live.followers.append(self._follow_changes)

    def request_beat(self) -> None:
        """Something changed: beat soon (one beat for a burst), the figures as their pace allows."""
        if self.live.loaded:
            self.schedule.changed()
            self._rearm()

    def on_key(self, event: events.Key) -> None:
        self.schedule.key_pressed()  # background work waits while keys come

    def _rearm(self) -> None:
        if self._wake is not None:
            self._wake.stop()
        wait = self.schedule.wait()
        # A zero delay would fail inside textual's Timer: a millisecond is "now".
        self._wake = None if wait is None else self.set_timer(max(wait, 0.001), self._wake_up)

    def _wake_up(self) -> None:
        self._wake = None
        due = self.schedule.due()
        now = self.clock()
        for job, kept in ((BEAT, self._engine), (FIGURES, self._figures)):
            if job in due and kept.building:  # it does this job when it is ready (on_built): a
                due.remove(job)  # full pass now would do the work twice
                self.schedule.began(job)
                self.schedule.ended(job)
        if FIGURES in due and self._figures.value is not None:
            due.remove(FIGURES)
            self._show_figures(now)
        engine = self._engine.value is not None
        # Copies of the board for the full passes in workers, made only for the jobs that run.
        tasks = list(self.live.snapshot) if FIGURES in due or (BEAT in due and not engine) else []
        doing = list(self.live.snapshot.column("doing")) if BEAT in due and engine else []
        for job in due:
            self.schedule.began(job)
            if job == BEAT and engine:
                self._run(lambda: self._beat_inputs(doing, now), "beat")
            elif job == BEAT:
                self._run(lambda: self._beat(tasks, now), "beat")
            else:
                self._run(lambda: self._full_figures(tasks, now), "figures")
        self._rearm()

    # -- what is kept level with the board ------------------------------------------------------

    def build_kept(self, which: Sequence[str] = ("engine", "figures")) -> None:
        """The engine and the figures over the board as it is now, built off the UI thread one after
        the other (each 1-2 s at 100,000 tasks: side by side, their peaks would add up); the changes
        made meanwhile wait for them."""
        idle = not self._builds
        tasks = list(self.live.snapshot)
        settings, root, now = self.board.settings.heartbeat, self.board.root, self.clock()
        if "engine" in which:
            generation = self._engine.begin()

            def build_engine() -> Message:
                from pulseboard.core.engine import HeartbeatEngine

                engine = HeartbeatEngine(settings)
                with collector_paused():
                    engine.load(tasks)
                return messages.Built("engine", engine, generation)

            self._builds.append((build_engine, "engine"))
        if "figures" in which:
            figures_generation = self._figures.begin()

            def build_figures() -> Message:
                from pulseboard.core.figures import Figures

                tail = journal.JournalTail(root)
                with collector_paused():
                    kept = KeptFigures(Figures(tasks, tail.events(), root=root), tail)
                    kept.figures.stats(now.astimezone(), STATS_DAYS, settings, ageing=0)  # timelines: here
                return messages.Built("figures", kept, figures_generation)

            self._builds.append((build_figures, "figures-build"))
        if idle:  # else the one running starts the next when it ends
            self._next_build()

    def _next_build(self) -> None:
        if self._builds:
            job, group = self._builds[0]
            self._run(job, group)

    def _build_ended(self) -> None:
        self._builds.pop(0)
        self._next_build()

    def drop_kept(self) -> None:
        """A whole read replaced the board: what was kept goes (built again after the next paint)."""
        self._engine.drop()
        self._figures.drop()

    def _follow_changes(self, changes: Sequence[Event]) -> None:
        """Every change to the snapshot, in order: to what is kept, or to wait for it."""
        for name, kept in (("engine", self._engine), ("figures", self._figures)):
            try:
                kept.follow(changes)
            except Exception as exc:  # never the board's undoing: the full pass takes over
                self._kept_failed(name, exc)

    def _kept(self, name: str) -> Kept[Any]:
        return self._engine if name == "engine" else self._figures

    def _kept_failed(self, name: str, exc: Exception) -> None:
        self._kept(name).drop()
        self.say(f"{KEPT_FAILED[name]}: {exc}", severity="error", timeout=10)

    def on_built(self, message: messages.Built) -> None:
        self._build_ended()
        if self._kept(message.name).built(message.value, message.generation):
            keep_long_lived()
            self.request_beat()
            if message.name == "engine":
                self.column("open").forget()  # its cards' ⇠ marks come from the engine

    def kept_build_failed(self, name: str) -> None:
        """A build raised (its worker ended in error): nothing waits for it, the full pass goes on."""
        self._build_ended()
        self._kept(name).drop()

    # -- the beat -------------------------------------------------------------------------------

    def _beat_inputs(self, doing: list[Task], now: dt.datetime) -> messages.BeatInputs:
        """What the engine's beat reads from disk, off the UI thread (it stats the files in doing)."""
        root, settings = self.board.root, self.board.settings.heartbeat
        silent = lease_notes(doing, root, now, settings) + drift_notes(doing, root, now)
        if silent and self.board.settings.hooks:  # a lease run out: its hooks, told once (core/hooks.py)
            from pulseboard.core.hooks import lease_expired

            expired = lease_expired(self.board, doing, now)
            if expired:
                self.app.call_from_thread(self.fire_hooks, made=expired)
        holders = len({t.holder for t in doing if t.holder})
        return messages.BeatInputs(modified_times(doing, root), push_failure(root), now, silent, holders)

    def on_beat_inputs(self, message: messages.BeatInputs) -> None:
        """A beat by the engine, on the UI thread: a one-file change costs about a millisecond and
        the ranking of what the pane shows a few more, at any board size."""
        engine = self._engine.value
        if engine is None:  # dropped meanwhile (a reload): the next beat comes when it is built again
            self.schedule.ended(BEAT)
            self._rearm()
            return
        try:
            found = engine.suggest(message.at, message.modified, message.push_failure, RANKED)
            found = rank([*found, *message.silent]) if message.silent else found
        except Exception as exc:  # the next beat is the full pass
            self._kept_failed("engine", exc)
            self.schedule.ended(BEAT)
            self._rearm()
            return
        ranked = group_by_task(found)[:PANE_KEEPS]
        self.on_beat_done(
            messages.BeatDone(ranked, message.at, message.push_failure, message.holders, engine.debt)
        )

    def _beat(self, tasks: list[Task], now: dt.datetime) -> messages.BeatDone:
        """The full beat, off the UI thread (it stats the files in doing; 190 ms at 100,000 tasks)."""
        with collector_paused():
            found = suggest(tasks, self.board.settings.heartbeat, self.board.root, now)
            doing = [t for t in tasks if t.state == "doing"]
            found = rank([*found, *drift_notes(doing, self.board.root, now)])
            ranked = group_by_task(found)[:PANE_KEEPS]  # each task once, then cut: no reason lost to the cut
        holders = len({t.holder for t in tasks if t.state == "doing" and t.holder})
        debt = len({t.id for t in tasks if t.state == "open" and is_debt(t, self.board.settings.heartbeat)})
        return messages.BeatDone(ranked, now, push_failure(self.board.root), holders, debt)

    def on_beat_done(self, message: messages.BeatDone) -> None:
        self.schedule.ended(BEAT)
        self._rearm()
        self.pane.show_beat(message.suggestions, message.at, self.live.shorts.short)
        self._rank = {}
        for place, suggestion in enumerate(message.suggestions):
            for task_id in suggestion.ids:
                self._rank.setdefault(task_id, place)
        if self.by_rank:
            self._show("open", keep=self.column("open").selected)
        self.query_one(StatusLine).show_push(message.push_failure)
        silent = frozenset(s.ids[0] for s in message.suggestions if s.kind == "silent")
        if silent != self.silent_ids:
            self.silent_ids = silent
            self.column("doing").forget()
        self.query_one(StatusLine).show_holders(message.holders, len(silent))
        self.query_one(StatusLine).show_debt(message.debt)
        self._mark_suggested()

    # -- the figures ----------------------------------------------------------------------------

    def _show_figures(self, now: dt.datetime) -> None:
        """The status line's figures from the kept figures, on the UI thread (under a millisecond
        at 100,000 tasks: the journal's new lines and the changes since the last time)."""
        kept = self._figures.value
        assert kept is not None
        self.schedule.began(FIGURES)
        try:
            stats = kept.stats(now, 0, self.board.settings.heartbeat)
        except Exception as exc:  # the next figures are the full pass
            self._kept_failed("figures", exc)
        else:
            self._figures_shown(stats)
        self.schedule.ended(FIGURES)

    def figures_in_full(self) -> Stats | None:
        """The figures with every ageing task, for the stats screen (None: none yet)."""
        kept = self._figures.value
        if kept is None:
            return self.stats  # the full pass's, which has them all
        return kept.stats(self.clock(), None, self.board.settings.heartbeat)

    def _full_figures(self, tasks: list[Task], now: dt.datetime) -> messages.FiguresDone:
        """The figures by the full pass, off the UI thread (~0.8 s at 100,000 tasks: the pace keeps
        them rare), while the kept figures are not there."""
        from pulseboard.core.progress import board_stats

        with collector_paused():
            return messages.FiguresDone(board_stats(self.board, now.astimezone(), STATS_DAYS, tasks))

    def on_figures_done(self, message: messages.FiguresDone) -> None:
        self.schedule.ended(FIGURES)
        self._rearm()
        self._figures_shown(message.stats)

    def _figures_shown(self, stats: Stats) -> None:
        self.stats = stats
        self.query_one(StatusLine).show(stats)
