"""Helpers for the board app tests: real boards on disk, a real app under Textual's Pilot.

Nothing here is a mock: boards are made with pulseboard.core.actions, the app is the real PulseApp,
and every check reads either the widgets the app shows or the files on disk.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from pulseboard.core import actions
from pulseboard.core.board import Board, Task
from pulseboard.services.watcher import Batch
from pulseboard.tui.app import PulseApp
from support.clock import T0, at

SIZE = (120, 36)
LOAD_TIMEOUT_S = 5.0


def frozen(moment: dt.datetime = T0) -> Callable[[], dt.datetime]:
    """A clock for PulseApp(clock=...) that always says `moment`."""
    return lambda: moment


def make_board(root: Path, config: str | None = None) -> Board:
    """An initialised board at `root` (with `config` as its pulse.yaml if given)."""
    actions.init_board(root)
    if config is not None:
        (root / "pulse.yaml").write_text(config, encoding="utf-8")
    return Board(root)


class Maker:
    """Creates tasks with fixed ids (a seeded random source) and fixed timestamps."""

    def __init__(self, board: Board, seed: int = 1234) -> None:
        self.board = board
        self.rng = random.Random(seed)
        self.minute = 0

    def task(self, title: str, state: str = "open", **fields: Any) -> Task:
        """Create a task in open/ (a minute after the last one), then move it to `state`."""
        self.minute += 1
        created = at(self.minute)
        task = actions.create_task(self.board, title, now=created, randbits=self.rng.getrandbits, **fields)
        written = created
        if state != "open":
            written = created + dt.timedelta(seconds=30)
            options: dict[str, Any] = {"force": True, "now": written}
            if state == "blocked":
                options.update(reason="waiting for review", waiting_on="ana")
            task = actions.move_task(self.board, task.id, state, **options).task
        os.utime(task.path, (written.timestamp(), written.timestamp()))  # as if written at that time
        return task


def files_in(root: Path, state: str) -> list[str]:
    """Names of the task files in one state folder (no dotfiles), sorted."""
    folder = root / state
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".md" and not p.name.startswith("."))


async def _never() -> AsyncIterator[Batch]:
    await asyncio.Event().wait()
    yield Batch(None)  # never reached


def quiet() -> AsyncIterator[Batch]:
    """A change source that never reports anything: the board sees only its own actions."""
    return _never()


class Feed:
    """An injected change source: the test says which paths changed, as a watcher would."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Batch] = asyncio.Queue()

    def __call__(self) -> AsyncIterator[Batch]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[Batch]:
        while True:
            yield await self.queue.get()

    def send(self, *paths: Path) -> None:
        self.queue.put_nowait(Batch(frozenset(str(p) for p in paths)))

    def everything(self) -> None:
        self.queue.put_nowait(Batch(None))

    def ready(self) -> None:
        """The first batch of a watcher just set up: nothing changed since it began watching."""
        self.queue.put_nowait(Batch(frozenset(), ready=True))


def new_app(board: Board, **kwargs: Any) -> PulseApp:
    kwargs.setdefault("clock", frozen(at(60)))
    kwargs.setdefault("changes", quiet)
    app = PulseApp(board, **kwargs)
    app.animation_level = "none"
    return app


async def wait_for(pilot: Pilot, condition: Callable[[], bool], timeout: float = LOAD_TIMEOUT_S) -> None:
    """Let the app run until `condition()` holds; fail (not hang) after `timeout` seconds."""
    steps = int(timeout / 0.02)
    for _ in range(steps):
        if condition():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"condition not met within {timeout}s: {condition}")


async def beaten(pilot: Pilot) -> None:
    """Wait until the heartbeat pane and the status line show a beat (the first comes just after
    the board loads)."""
    app: PulseApp = pilot.app  # type: ignore[assignment]
    await wait_for(
        pilot, lambda: app.board_screen.pane.beat_at is not None and app.board_screen.stats is not None
    )


async def loaded(pilot: Pilot) -> None:
    """Wait until the board has been read and shown."""
    app = pilot.app
    await wait_for(pilot, lambda: app.board_screen.live.loaded)
    await pilot.pause()


def column_text(app: PulseApp, state: str) -> list[str]:
    """Every rendered line of a column, as plain text (what the terminal would show)."""
    column = app.board_screen.column(state)
    return [column.render_line(y).text for y in range(column.size.height)]


def titles(app: PulseApp, state: str) -> list[str]:
    """The titles of the tasks a column shows, in order."""
    return [task.title for task in app.board_screen.column(state).tasks]


def focused_state(app: PulseApp) -> str | None:
    focused = app.focused
    return getattr(focused, "state", None)


def names(tasks: Iterable[Task]) -> list[str]:
    return [task.name for task in tasks]


def isolate(monkeypatch: Any, tmp_path: Path) -> None:
    """Run in tmp_path with nothing from the user's environment steering pulse or textual."""
    monkeypatch.chdir(tmp_path)
    for name in ("PULSE_BOARD", "PULSE_DEBUG", "VISUAL", "EDITOR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PULSE_ACTOR", "test")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("TZ", "UTC")  # the heartbeat pane shows local times
    time.tzset()


def drive(
    app: PulseApp,
    script: Callable[[Pilot], Awaitable[None]],
    *,
    size: tuple[int, int] = SIZE,
    notifications: bool = False,
    wait_loaded: bool = True,
) -> None:
    """Run the app headless, wait for the board to load, run `script` with the pilot.

    A crash inside the app does not raise out of run_test (textual prints it and stops the app),
    so this fails the test if the app did not end cleanly.
    """

    async def main() -> None:
        async with app.run_test(size=size, notifications=notifications) as pilot:
            if wait_loaded:
                await loaded(pilot)
            await script(pilot)
            assert app.is_running, f"the app stopped during the test (return code {app.return_code})"

    asyncio.run(main())
    assert app.return_code in (None, 0), f"the app ended with return code {app.return_code}"


def screen_text(app: PulseApp) -> list[str]:
    """The whole terminal as the app last drew it, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def screen_segments(app: PulseApp) -> list[str]:
    """Every segment's text on the whole terminal (to look for raw control characters)."""
    return [segment.text for strip in app.screen._compositor.render_strips() for segment in strip]


def notices(app: PulseApp) -> list[str]:
    """The messages the app has notified (recorded even when run_test hides toasts)."""
    return [notification.message for notification in app._notifications]
