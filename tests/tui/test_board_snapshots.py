"""Snapshots of the board app (pytest-textual-snapshot): one picture of every screen.

Pictured: the board; the board at 160x50 and 80x24 in the dark, light and 16-colour themes;
compact cards with two marked and the heartbeat folded; Doing zoomed with the score terms shown;
the board over its WIP limit; the board at 80x24 with the heartbeat folded; a task's detail view (its
fields as `pulse show` lists them, core/task_view.task_rows); the new-task form with a title typed;
the form reopened with the core's refusal in #problem (an estimate of "soon"); the block prompt
(key b); the choice dialog (key a on the heartbeat's over-limit "finish" suggestion); the confirm
dialog for starting past a hard WIP limit (key s); the key help (key ?); the stats screen with its
plotext charts (key v).

Everything on screen is fixed: task ids come from a seeded random source, every stamp from a fixed
`now=`, the app's clock is frozen, the theme is pulse-dark unless set, the journal's actor is `test`, and the
board sits at ./tasks so the top bar shows `tasks`, never the per-run tmp_path. textual is pinned
(<8.3) because a patch release can change these pictures. Update them with
`pytest tests/tui/test_board_snapshots.py --snapshot-update` and look at the SVGs before committing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from support.board_helpers import Maker, beaten, frozen, loaded, make_board, quiet, screen_text, wait_for
from support.clock import at
from textual.pilot import Pilot
from textual.widgets import Static

from pulseboard.core import actions
from pulseboard.core.board import STATES, Board
from pulseboard.tui.app import PulseApp
from pulseboard.tui.screens.block import BlockScreen
from pulseboard.tui.screens.choice import ChoiceScreen, ConfirmScreen
from pulseboard.tui.screens.detail import DetailScreen
from pulseboard.tui.screens.help import HelpScreen
from pulseboard.tui.screens.new_task import NewTaskScreen
from pulseboard.tui.screens.stats import StatsScreen

pytestmark = pytest.mark.timeout(60)

SIZE = (120, 36)
SMALL = (80, 24)
HARD_WIP = "wip:\n  doing: 3\n  hard: true\ntheme: pulse-dark\n"  # as test_board_app.wip_config writes it

BODY = """Users lose what they typed when the session times out.

## Acceptance criteria

- [x] the draft is kept in local storage
- [ ] a banner offers to restore it
- [ ] the draft is dropped after a successful save

See the support ticket for the original report.
"""


def fill(board: Board, extra_doing: int = 0) -> dict[str, str]:
    """A board with something in every column; returns task names by title."""
    maker = Maker(board, seed=20261122)
    made = [
        maker.task(
            "Fix the login redirect loop", priority="critical", estimate="10m", touches=["src/auth.py"]
        ),
        maker.task("Add a dark mode toggle to settings", priority="high", estimate="15m", tags=["ui"]),
        maker.task("Write the changelog for 0.2", priority="low", estimate="5m", touches=["CHANGELOG.md"]),
        maker.task("Rename the config loader", touches=["src/config.py", "src/auth.py"]),
        maker.task(
            "Keep drafts across session timeouts",
            "doing",
            priority="high",
            estimate="30m",
            touches=["src/auth.py"],
            body=BODY,
        ),
        maker.task("Cache the avatar thumbnails", "doing", estimate="10m", touches=["src/img.py"]),
        maker.task("Upgrade the database driver", "blocked", priority="high"),
        maker.task("Set up the CI matrix", "done", estimate="20m"),
        maker.task("Document the task file format", "done", priority="low"),
    ]
    made += [maker.task(f"Extra work item {n}", "doing", estimate="5m") for n in range(extra_doing)]
    return {task.title: task.name for task in made}


def board_app(board: Board) -> PulseApp:
    app = PulseApp(board, clock=frozen(at(75)), changes=quiet)
    app.animation_level = "none"
    return app


def no_tmp_path(app: PulseApp, tmp_path: Path) -> None:
    for line in screen_text(app):
        assert str(tmp_path) not in line, line


def focus_shown(app: PulseApp) -> bool:
    """Each column's title shows focus exactly when the column has it."""
    board = app.board_screen
    return all(board.query_one(f"#box-{s}").has_class("focused") == board.column(s).has_focus for s in STATES)


def before(tmp_path: Path, then: Callable[[Pilot], object] | None = None):
    async def run_before(pilot: Pilot) -> None:
        await loaded(pilot)
        await beaten(pilot)
        assert pilot.app.theme == "pulse-dark"  # pulse.yaml as `pulse init` writes it
        if then is not None:
            await then(pilot)
        await pilot.pause()
        await wait_for(pilot, lambda: focus_shown(pilot.app))  # a blur comes as a message: let it land
        no_tmp_path(pilot.app, tmp_path)

    return run_before


def test_snapshot_board(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)
    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path))


def test_snapshot_board_over_its_wip_limit(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board, extra_doing=2)  # four in doing, limit three
    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path))


def test_snapshot_detail_view(snap_compare, tmp_path: Path) -> None:
    # The detail view shows the task's file path as the board holds it. A board found by `pulse`
    # has an absolute root (the per-run tmp_path here), so this board is opened by its relative
    # path `tasks` (cwd is tmp_path) to keep the picture stable; see test_detail_view_path_* below.
    make_board(tmp_path / "tasks")
    board = Board(Path("tasks"))
    names = fill(board)
    actions.move_task(board, names["Keep drafts across session timeouts"][:10], "blocked",
                      reason="needs the session API", waiting_on="ana", now=at(70))  # fmt: skip
    actions.move_task(board, names["Keep drafts across session timeouts"][:10], "doing", now=at(72))

    async def open_detail(pilot: Pilot) -> None:
        app: PulseApp = pilot.app  # type: ignore[assignment]
        task = app.board_screen.snapshot.get("doing", names["Keep drafts across session timeouts"])
        app.board_screen.go_to(task)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))

    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, open_detail))


def test_snapshot_board_at_80x24_with_the_heartbeat_folded(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)
    assert snap_compare(board_app(board), terminal_size=SMALL, run_before=before(tmp_path, pressing("f")))


def in_theme(theme: str, *keys: str) -> Callable[[Pilot], Awaitable[None]]:
    """A `then` for `before`: show the board in a theme, then press keys."""

    async def then(pilot: Pilot) -> None:
        pilot.app.theme = theme
        await pilot.pause()
        for key in keys:
            await pilot.press(key)

    return then


@pytest.mark.parametrize("theme", ["pulse-dark", "pulse-light", "pulse-ansi16"])
@pytest.mark.parametrize("size", [(160, 50), SMALL], ids=["160x50", "80x24"])
def test_snapshot_board_in_each_shipped_look(
    snap_compare, tmp_path: Path, size: tuple[int, int], theme: str
) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)
    assert snap_compare(board_app(board), terminal_size=size, run_before=before(tmp_path, in_theme(theme)))


@pytest.mark.parametrize("size", [(160, 50), SMALL], ids=["160x50", "80x24"])
def test_snapshot_compact_cards_two_marked_and_the_pane_folded(
    snap_compare, tmp_path: Path, size: tuple[int, int]
) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)
    then = in_theme("pulse-light", "c", "space", "j", "space", "f")
    assert snap_compare(board_app(board), terminal_size=size, run_before=before(tmp_path, then))


def test_snapshot_zoomed_on_doing_with_the_score_terms(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)
    then = in_theme("pulse-dark", "l", "z", "w")
    assert snap_compare(board_app(board), terminal_size=(160, 50), run_before=before(tmp_path, then))


async def shown(pilot: Pilot, kind: type) -> None:
    """Wait until the app shows a screen of this kind."""
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, kind))


def pressing(key: str, until: type | None = None) -> Callable[[Pilot], Awaitable[None]]:
    """A `then` for `before`: press a key, and wait for the screen it opens."""

    async def then(pilot: Pilot) -> None:
        await pilot.press(key)
        if until is not None:
            await shown(pilot, until)

    return then


def test_snapshot_new_task_form(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)

    async def type_a_title(pilot: Pilot) -> None:
        await pilot.press("n")
        await shown(pilot, NewTaskScreen)
        await pilot.press(*"Show the draft banner after login")

    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, type_a_title))


def test_snapshot_new_task_form_reopened_with_the_refusal(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)

    async def refused(pilot: Pilot) -> None:
        app = pilot.app
        await pilot.press("n")
        await shown(pilot, NewTaskScreen)
        first = app.screen
        # The title, tab past the priority to the estimate, an estimate the core refuses, enter.
        await pilot.press(*"Show the draft banner", "tab", "tab", *"soon", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, NewTaskScreen) and app.screen is not first)
        assert "soon" in str(app.screen.query_one("#problem", Static).render())

    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, refused))


def test_snapshot_block_prompt(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)

    then = pressing("b", BlockScreen)
    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, then))


def test_snapshot_choice_dialog_to_finish_a_task(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board, extra_doing=2)  # four in doing, limit three: the top suggestion is to finish the oldest

    async def apply(pilot: Pilot) -> None:
        app: PulseApp = pilot.app  # type: ignore[assignment]
        selected = app.board_screen.pane.selected
        assert selected is not None and (selected.kind, selected.action) == ("over-limit", "finish")
        await pilot.press("a")
        await wait_for(pilot, lambda: type(app.screen) is ChoiceScreen)

    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, apply))


def test_snapshot_confirm_starting_past_a_hard_wip_limit(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks", HARD_WIP)
    fill(board, extra_doing=1)  # three in doing, a hard limit of three

    then = pressing("s", ConfirmScreen)
    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, then))


def test_snapshot_help(snap_compare, tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    fill(board)

    then = pressing("question_mark", HelpScreen)
    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, then))


def test_snapshot_stats(snap_compare, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # plotext drops duplicate ticks through a set (plotext._utility.brush -> no_duplicates), so the
    # order it places the x labels in, and so which labels fit, follows the per-process string hash:
    # the picture changed from run to run. The order-preserving dedup (plotext's own commented-out
    # alternative) makes it one picture.
    import plotext._utility

    monkeypatch.setattr(plotext._utility, "no_duplicates", lambda data: list(dict.fromkeys(data)))
    board = make_board(tmp_path / "tasks")
    fill(board)

    async def stats(pilot: Pilot) -> None:
        app: PulseApp = pilot.app  # type: ignore[assignment]
        assert app.board_screen.stats is not None  # before() waited for the figures
        await pilot.press("v")
        await shown(pilot, StatsScreen)
        await pilot.pause()

    assert snap_compare(board_app(board), terminal_size=SIZE, run_before=before(tmp_path, stats))


def test_detail_view_path_is_relative_to_cwd_like_the_top_bar(tmp_path: Path) -> None:
    import asyncio

    board = make_board(tmp_path / "tasks")  # absolute, as `pulse` finds it
    fill(board)
    app = board_app(board)

    async def main() -> None:
        async with app.run_test(size=SIZE) as pilot:
            await loaded(pilot)
            assert not any(str(tmp_path) in line for line in screen_text(app))  # the top bar says `tasks`
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, DetailScreen))
            await pilot.pause()
            no_tmp_path(app, tmp_path)

    asyncio.run(main())
