"""The WIP level, one rule (core/wip.py): under / at / over the limit and the hard-limit confirm, and
a task copied in doing/ (two files, one id) counted once by every place that asks: `pulse start`,
the heartbeat's suggestions and the board's Doing title, top bar and confirm."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from support.board_helpers import Maker, drive, isolate, make_board, new_app
from support.helpers import assert_user_error, memory_task, ok, pulse, where_is
from textual.pilot import Pilot
from textual.widgets import Static

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board, Task
from pulseboard.core.heartbeat import HeartbeatSettings, beat
from pulseboard.core.wip import distinct, wip_level
from pulseboard.tui.screens.choice import ConfirmScreen

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def doing(*ids: str) -> list[Task]:
    """Tasks in doing, started in the order given (a repeated id is a copy of that task)."""
    return [
        memory_task(task_id, "doing", started=f"2026-11-22T11:{n:02d}:00Z") for n, task_id in enumerate(ids)
    ]


def text_of(widget: Static) -> str:
    return str(widget.render())


def copy_in_doing(task: Task) -> Path:
    """A second file for the task in doing/: another name, the same id (what a bad merge leaves)."""
    copy = task.path.with_name(f"{task.path.stem}-copy.md")
    shutil.copyfile(task.path, copy)
    return copy


# -- the rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "level", "full"), [(2, "under", False), (3, "at", True), (4, "over", True)]
)
@pytest.mark.parametrize("hard", [False, True])
def test_levels_at_limit_minus_one_limit_and_limit_plus_one(
    count: int, level: str, full: bool, hard: bool
) -> None:
    wip = wip_level(doing(*(f"d{n}" for n in range(count))), 3, hard)
    assert (wip.count, wip.limit, wip.level, wip.full) == (count, 3, level, full)
    assert wip.must_confirm is (hard and full)


def test_a_copy_counts_once_and_the_task_being_started_not_at_all() -> None:
    assert wip_level(doing("a", "b", "b"), 3).level == "under"
    assert wip_level(doing("a", "b", "b", "c"), 3).level == "at"
    assert wip_level(doing("a", "b", "b", "c", "c", "d"), 3).count == 4
    wip = wip_level(doing("a", "b", "c"), 3, True, starting="c")  # a copy of c already in doing
    assert (wip.count, wip.full, wip.must_confirm) == (2, False, False)
    assert [t.id for t in distinct(doing("b", "a", "b", "c", "a"))] == ["b", "a", "c"]


# -- the heartbeat -----------------------------------------------------------------------------------


def wip_texts(tasks: list[Task], limit: int) -> list[str]:
    result = beat(tasks, NOW, HeartbeatSettings(wip_doing=limit))
    return [s.text for s in result if s.kind in ("at-limit", "over-limit")]


def test_the_heartbeat_counts_a_copy_once() -> None:
    assert wip_texts(doing("a", "b", "b"), 3) == []  # limit - 1
    assert wip_texts(doing("a", "b", "b"), 2) == [  # at the limit: each task named once
        'Doing is full (2/2): finish "Task a" before starting anything new.',
        'Doing is full (2/2): finish "Task b" before starting anything new.',
    ]
    assert wip_texts(doing("a", "b", "b", "c"), 2) == [  # limit + 1
        "Doing is over its limit (3/2): finish or block something before starting more; "
        'the oldest is "Task a".'
    ]


def test_with_room_left_by_a_copy_the_heartbeat_still_suggests_a_start() -> None:
    tasks = [*doing("a", "b", "b"), memory_task("o1", "open")]
    starts = [s for s in beat(tasks, NOW, HeartbeatSettings(wip_doing=3)) if s.kind == "start"]
    assert [s.ids for s in starts] == [("o1",)]


def test_the_heartbeat_of_a_real_board_with_a_copy(board: Board) -> None:
    move_task(board, create_task(board, "One").id, "doing", now=NOW - dt.timedelta(minutes=2))
    two = move_task(board, create_task(board, "Two").id, "doing", now=NOW - dt.timedelta(minutes=1)).task
    copy_in_doing(two)
    tasks = board.tasks()
    assert sum(t.state == "doing" for t in tasks) == 3
    assert wip_texts(tasks, 3) == []
    texts = wip_texts(tasks, 2)
    assert [t.split('"')[1] for t in texts] == ["One", "Two"]
    assert all(t.startswith("Doing is full (2/2)") for t in texts)


# -- pulse start -------------------------------------------------------------------------------------


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    init_board(project / "tasks")
    return project


def two_in_doing_one_copied(root: Path) -> list[Task]:
    board = Board(root)
    started = [move_task(board, create_task(board, f"Busy {n}").id, "doing").task for n in range(2)]
    copy_in_doing(started[1])
    return started


def test_pulse_start_counts_a_copy_once(proj: Path) -> None:
    root = proj / "tasks"
    two_in_doing_one_copied(root)
    board = Board(root)
    third, fourth = create_task(board, "Third").id, create_task(board, "Fourth").id
    result = ok(pulse("start", third, cwd=proj))  # 3 files in doing, 2 tasks: room for one more
    assert "over its limit" not in result.stderr
    result = ok(pulse("start", fourth, cwd=proj))
    assert "over its limit (4/3)" in result.stderr
    assert result.stderr.count('"Busy 1"') == 1


def test_pulse_start_under_a_hard_limit_counts_a_copy_once(proj: Path) -> None:
    root = proj / "tasks"
    (root / "pulse.yaml").write_text("wip: {doing: 3, hard: true}\n", encoding="utf-8")
    two_in_doing_one_copied(root)
    board = Board(root)
    third, fourth = create_task(board, "Third").id, create_task(board, "Fourth").id
    ok(pulse("start", third, cwd=proj))
    line = assert_user_error(pulse("start", fourth, cwd=proj), "doing/ is full (3/3", "--force")
    assert line.count('"Busy 1"') == 1


# -- the board ---------------------------------------------------------------------------------------


def wip_config(doing: int, hard: bool = False) -> str:
    return f"wip:\n  doing: {doing}\n  hard: {'true' if hard else 'false'}\ntheme: pulse-dark\n"


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("limit", "at"), [(3, False), (2, True)])
def test_the_board_title_counts_a_copy_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, limit: int, at: bool
) -> None:
    isolate(monkeypatch, tmp_path)
    board = make_board(tmp_path / "tasks", wip_config(limit))
    maker = Maker(board)
    maker.task("One", "doing")
    copy_in_doing(maker.task("Two", "doing"))
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        assert len(app.board_screen.column("doing").tasks) == 3  # the copy is shown
        title = app.board_screen.query_one("#title-doing", Static)
        assert text_of(title).startswith(f"Doing 2/{limit}")
        assert title.has_class("wip-at") is at and not title.has_class("wip-over")
        assert not app.board_screen.query_one("#topbar", Static).has_class("wip-over")

    drive(app, script)


@pytest.mark.timeout(60)
def test_the_board_hard_limit_confirm_counts_a_copy_once(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    isolate(monkeypatch, tmp_path)
    board = make_board(tmp_path / "tasks", wip_config(3, hard=True))
    maker = Maker(board)
    maker.task("One", "doing")
    copy_in_doing(maker.task("Two", "doing"))
    third, fourth = maker.task("Third"), maker.task("Fourth")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("s")  # Third: 2 tasks in doing, room for one more, no question
        assert not isinstance(app.screen, ConfirmScreen)
        assert where_is(board.root, third.name) == ["doing"]
        title = app.board_screen.query_one("#title-doing", Static)
        assert text_of(title).startswith("Doing 3/3") and title.has_class("wip-at")
        app.board_screen.column("open").focus()
        await pilot.press("s")  # Fourth: full, asks
        assert isinstance(app.screen, ConfirmScreen)
        assert "Doing is full (3/3)" in text_of(app.screen.query_one(".question", Static))
        await pilot.press("n")
        assert where_is(board.root, fourth.name) == ["open"]

    drive(app, script)
