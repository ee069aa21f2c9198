"""Regenerate the README's pictures: `python scripts/pictures.py [--out DIR]` (default docs/pictures/).

This script owns the pictures in docs/pictures/ and the demo board they show. It builds that board
(the backlog of a small recipe web app: about thirty tasks in every state, with a fortnight of
finished work so the stats have something to chart) in a temporary folder through pulseboard's
core API, with fixed ids and fixed times, then runs the real `pulse` app headless under Textual's
Pilot with a frozen clock and saves SVG screenshots: the board in the dark and the light theme, the
board in an 80x24 terminal, and the stats screen (key v). Everything it touches (the board, the
personal config file a theme choice is remembered in, the working folder, TZ) is temporary and put
back, so running it twice gives the same pictures and never changes your own settings.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulseboard.core import actions
from pulseboard.core.board import Board, Task

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from pulseboard.services.watcher import Batch

REPO = Path(__file__).resolve().parent.parent
DEFAULT_OUT = REPO / "docs" / "pictures"

NOW = dt.datetime(2026, 11, 20, 14, 30, tzinfo=dt.UTC)  # the app's frozen clock: a Friday afternoon
SEED = 20261120  # the task ids come from a random source seeded with this
ACTOR = "ana"  # who the journal says made the moves (the holder's own moves are agent-2's)
LOAD_TIMEOUT_S = 10.0


@dataclass(frozen=True)
class Picture:
    """One screenshot: its file name, the terminal size, the theme and the keys pressed first."""

    name: str
    size: tuple[int, int]
    theme: str
    keys: tuple[str, ...] = ()


PICTURES: tuple[Picture, ...] = (
    Picture("board-dark.svg", (160, 50), "pulse-dark"),
    Picture("board-light.svg", (160, 50), "pulse-light"),
    Picture("board-80x24.svg", (80, 24), "pulse-dark"),
    Picture("stats.svg", (160, 50), "pulse-dark", ("v",)),
)


# -- the demo board ----------------------------------------------------------------------------------


def ago(days: float = 0, hours: float = 0, minutes: float = 0) -> dt.datetime:
    """A moment before NOW."""
    return NOW - dt.timedelta(days=days, hours=hours, minutes=minutes)


def on_day(days_back: int, hour: int, minute: int = 0) -> dt.datetime:
    """A time of day `days_back` calendar days before NOW's day."""
    day = NOW - dt.timedelta(days=days_back)
    return day.replace(hour=hour, minute=minute, second=0, microsecond=0)


class DemoMaker:
    """Creates and moves tasks with fixed ids and fixed times, as if each was written at its time."""

    def __init__(self, board: Board, seed: int = SEED) -> None:
        self.board = board
        self.rng = random.Random(seed)

    def add(self, title: str, created: dt.datetime, holder: str | None = None, **fields: Any) -> Task:
        task = actions.create_task(self.board, title, now=created, randbits=self.rng.getrandbits, **fields)
        if holder is not None:  # a key pulse keeps but never writes: put it in the frontmatter by hand
            text = task.path.read_text(encoding="utf-8")
            task.path.write_text(text.replace("\ncreated: ", f"\nholder: {holder}\ncreated: ", 1), "utf-8")
        return self._touched(task, created)

    def move(self, task: Task, state: str, when: dt.datetime, actor: str = ACTOR, **options: Any) -> Task:
        with _env(PULSE_ACTOR=actor):
            moved = actions.move_task(self.board, task.id, state, force=True, now=when, **options).task
        return self._touched(moved, when)

    def finished(self, title: str, days_back: int, hour: int, cycle_min: int, **fields: Any) -> Task:
        """A task made a few days before it was started, started at `hour` that day, done after
        `cycle_min` minutes."""
        started = on_day(days_back, hour, self.rng.randrange(0, 50))
        task = self.add(title, started - dt.timedelta(days=self.rng.randrange(1, 4), hours=2), **fields)
        task = self.move(task, "doing", started)
        return self.move(task, "done", started + dt.timedelta(minutes=cycle_min))

    @staticmethod
    def _touched(task: Task, when: dt.datetime) -> Task:
        os.utime(task.path, (when.timestamp(), when.timestamp()))  # as if the file was written then
        return task


UPLOAD_BODY = """Cooks want a picture on every recipe card.

## Acceptance criteria
- [x] an image field on the recipe form (jpeg, png, webp; 5 MB at most)
- [x] resized to 1200 px and 400 px on upload
- [ ] the card shows the small one, the detail page the large one
- [ ] a recipe without a photo keeps the placeholder
"""

SHOPPING_BODY = """Turn a recipe's ingredients into a shopping list, scaled to the servings.

## Acceptance criteria
- [ ] a "shopping list" button on the recipe page
- [ ] quantities scale with the servings picker
- [ ] the same ingredient from two recipes is merged
- [ ] the list can be printed
- [ ] the list can be shared by link
"""


# (title, days before NOW's day, start hour, minutes from start to done, fields): two weeks of work.
FINISHED: tuple[tuple[str, int, int, int, dict[str, Any]], ...] = (
    ("Set up the Flask app skeleton", 13, 9, 25, {"estimate": "20m", "tags": ["backend"]}),
    ("Add the users table migration", 13, 11, 12, {"estimate": "10m", "touches": ["migrations/"]}),
    ("Hash passwords with argon2", 12, 10, 18, {"priority": "high", "estimate": "15m"}),
    ("Sign-up form with validation", 11, 14, 35, {"estimate": "30m", "tags": ["frontend"]}),
    ("Log in and log out", 10, 9, 20, {"priority": "high", "estimate": "20m"}),
    ("CI: run pytest and ruff on every push", 7, 10, 9, {"estimate": "10m", "touches": [".ci/"]}),
    ("Navbar with the signed-in user's name", 7, 15, 14, {"estimate": "10m", "tags": ["frontend"]}),
    ("Add the recipes table and model", 6, 11, 28, {"estimate": "20m", "touches": ["app/models.py"]}),
    ("List recipes on the home page", 5, 10, 16, {"estimate": "15m", "tags": ["frontend"]}),
    ("Favicon and page titles", 4, 16, 6, {"priority": "low", "estimate": "5m"}),
    ("Recipe detail page", 3, 9, 22, {"estimate": "20m", "tags": ["frontend"]}),
    ("Fix the 500 on an empty search", 3, 14, 11, {"priority": "critical", "estimate": "10m"}),
    ("Servings picker on the recipe page", 0, 9, 19, {"estimate": "15m", "tags": ["frontend"]}),
    ("Trim whitespace in ingredient names", 0, 11, 8, {"priority": "low", "estimate": "5m"}),
)

# (title, hours before NOW it was made, fields): the backlog. "depends" names titles on this board.
BACKLOG: tuple[tuple[str, float, dict[str, Any]], ...] = (
    ("Rate-limit the login endpoint", 49, {
        "priority": "critical", "estimate": "10m", "touches": ["app/auth.py"], "tags": ["security"]}),
    ("Edit and delete your own recipes", 120, {
        "priority": "high", "estimate": "15m", "touches": ["app/recipes.py"], "tags": ["backend"]}),
    ("Deploy to staging", 144, {
        "priority": "high", "estimate": "20m", "touches": ["deploy/"], "tags": ["ops"],
        "depends": ["Send the password-reset email"]}),
    ("Share a recipe by link", 52, {
        "estimate": "15m", "touches": ["app/views.py"], "depends": ["Recipe detail page"]}),
    ("Add an index on recipes.title", 27, {"estimate": "5m", "touches": ["app/models.py", "migrations/"]}),
    ("Paginate the recipe list", 24, {"estimate": "10m", "touches": ["app/views.py"]}),
    ("Show a toast after saving a recipe", 74, {
        "estimate": "5m", "touches": ["web/toast.js"], "tags": ["frontend"]}),
    ("Shopping list from a recipe", 102, {"estimate": "45m", "tags": ["frontend"], "body": SHOPPING_BODY}),
    ("Tag recipes: vegetarian, quick, budget", 192, {"estimate": "20m", "tags": ["backend"]}),
    ("Empty state for a cook with no recipes", 54, {
        "priority": "low", "estimate": "5m", "tags": ["frontend"]}),
    ("Dark mode", 216, {"priority": "low", "estimate": "10m", "tags": ["frontend", "design"]}),
    ("Write the deploy guide", 30, {
        "priority": "low", "estimate": "10m", "touches": ["docs/deploy.md"], "tags": ["docs"]}),
)  # fmt: skip


def build_demo_board(root: Path) -> Board:
    """The demo board at `root`: the backlog of "Larder", a small recipe-sharing web app, with 14
    tasks done over the last two weeks, 2 blocked, 2 in doing (under the limit of 3, so the
    heartbeat suggests what to start next, and why) and 12 open."""
    actions.init_board(root)
    board = Board(root)
    make = DemoMaker(board)
    made: dict[str, Task] = {}
    for title, days_back, hour, cycle_min, fields in FINISHED:
        made[title] = make.finished(title, days_back, hour, cycle_min, **fields)

    # Blocked: one waiting on a person since yesterday, one on a team since this morning.
    reset = make.add(
        "Send the password-reset email",
        ago(days=4),
        priority="high",
        estimate="15m",
        touches=["app/auth.py", "app/mail.py"],
        tags=["backend"],
    )
    reset = make.move(reset, "doing", ago(days=1, hours=2))
    why = {"reason": "SMTP credentials for staging", "waiting_on": "priya"}
    made[reset.title] = make.move(reset, "blocked", ago(days=1, hours=1, minutes=40), **why)
    colours = make.add("Pick the brand colours", ago(days=3), priority="low", tags=["design"])
    why = {"reason": "the palette from the design review", "waiting_on": "design"}
    made[colours.title] = make.move(colours, "blocked", ago(hours=3), **why)

    # Doing: one past its time box (15m), half its criteria ticked; one held by an agent.
    upload = make.add(
        "Upload a photo for a recipe",
        ago(days=2),
        priority="high",
        estimate="15m",
        touches=["app/recipes.py", "app/storage.py"],
        tags=["backend"],
        body=UPLOAD_BODY,
    )
    made[upload.title] = make.move(upload, "doing", ago(minutes=23))
    search = make.add(
        "Search recipes by ingredient",
        ago(days=1, hours=5),
        holder="agent-2",
        estimate="10m",
        touches=["app/search.py", "app/models.py"],
        tags=["backend"],
    )
    made[search.title] = make.move(search, "doing", ago(minutes=6), actor="agent-2")

    for title, hours_ago, fields in BACKLOG:
        depends = [made[name].id for name in fields.get("depends", ())]
        make.add(title, ago(hours=hours_ago), **{**fields, "depends": depends})
    return board


# -- the app, headless -------------------------------------------------------------------------------


@contextlib.contextmanager
def _env(**values: str | None) -> Iterator[None]:
    """Set (or, for None, remove) environment variables for the block; put them back after."""
    before = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def isolated(workdir: Path) -> Iterator[None]:
    """Run in `workdir` (the top bar shows the board's path relative to it) with nothing from the
    user's environment steering pulse or textual: a temporary config home (a theme set here would be
    remembered there), UTC (the heartbeat pane shows local times), a fixed actor for the journal."""
    old_cwd = os.getcwd()
    config = workdir / "config"
    config.mkdir(parents=True, exist_ok=True)
    settings = {
        "XDG_CONFIG_HOME": str(config),
        "TZ": "UTC",
        "PULSE_ACTOR": ACTOR,
        "TEXTUAL_ANIMATIONS": "none",
        **dict.fromkeys(("PULSE_BOARD", "PULSE_DEBUG", "VISUAL", "EDITOR")),
    }
    with _env(**settings):
        time.tzset()
        os.chdir(workdir)
        try:
            yield
        finally:
            os.chdir(old_cwd)
    time.tzset()


@contextlib.contextmanager
def stable_plotext() -> Iterator[None]:
    """plotext drops duplicate ticks through a set, so which axis labels fit follows the per-process
    string hash; its order-preserving alternative makes the stats chart one picture (as the snapshot
    tests do)."""
    import plotext._utility as utility

    original = utility.no_duplicates
    utility.no_duplicates = lambda data: list(dict.fromkeys(data))
    try:
        yield
    finally:
        utility.no_duplicates = original


async def _never() -> AsyncIterator[Batch]:
    await asyncio.Event().wait()
    yield  # type: ignore[misc]  # never reached: this only makes the function an async generator


def quiet() -> AsyncIterator[Batch]:
    """A change source that never reports anything: nothing changes the demo board while it is shown."""
    return _never()


async def wait_for(pilot: Pilot[None], condition: Callable[[], bool], what: str) -> None:
    """Let the app run until `condition()` holds; fail (not hang) after LOAD_TIMEOUT_S."""
    for _ in range(int(LOAD_TIMEOUT_S / 0.02)):
        if condition():
            return
        await pilot.pause(0.02)
    raise RuntimeError(f"the app did not get there within {LOAD_TIMEOUT_S}s: {what}")


def shoot(board: Board, picture: Picture, out: Path) -> Path:
    """Run the app on `board` at the picture's size and theme, press its keys, save the SVG."""
    from pulseboard.tui.app import PulseApp

    app = PulseApp(board, clock=lambda: NOW, changes=quiet)
    app.animation_level = "none"

    async def run() -> None:
        async with app.run_test(size=picture.size) as pilot:
            screen = app.board_screen
            await wait_for(pilot, lambda: screen.live.loaded, "the board loaded")
            await wait_for(pilot, lambda: screen.pane.beat_at is not None, "the first heartbeat")
            await wait_for(pilot, lambda: screen.stats is not None, "the figures")
            app.theme = picture.theme
            await pilot.pause()
            for key in picture.keys:
                await pilot.press(key)
                await pilot.pause()
            await pilot.wait_for_scheduled_animations()
            await pilot.pause(0.1)  # let the last refresh (charts, a blur) land
            app.save_screenshot(filename=picture.name, path=str(out))

    asyncio.run(run())
    if app.return_code not in (None, 0):
        raise RuntimeError(f"the app ended with return code {app.return_code} while making {picture.name}")
    return out / picture.name


def make_pictures(out: Path, pictures: Sequence[Picture] = PICTURES) -> list[Path]:
    """Build the demo board in a temporary folder and save each picture into `out`; return the files."""
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pulse-pictures-") as temp:
        workdir = Path(temp)
        with isolated(workdir), stable_plotext():
            board = build_demo_board(Path("tasks"))  # relative: the top bar shows `tasks`
            return [shoot(board, picture, out) for picture in pictures]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="where to write the SVGs")
    args = parser.parse_args(argv)
    started = time.monotonic()
    for path in make_pictures(args.out):
        print(path)
    print(f"{len(PICTURES)} pictures in {time.monotonic() - started:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
