"""The live board (issue 4): changes on disk show up without a key press, the cursor stays on
its task, the board's own moves don't flicker, and the board ends equal to a fresh scan.
Most tests feed the change hints a watcher would give through an injected source; the last
ones use real watchfiles on real folders."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

from support.board_helpers import (
    Feed,
    Maker,
    column_text,
    drive,
    make_board,
    new_app,
    notices,
    titles,
    wait_for,
)
from textual.pilot import Pilot
from textual.widgets import Static

from pulseboard.core.board import STATES, Board
from pulseboard.core.read_ahead import ReadAhead
from pulseboard.core.snapshot import Snapshot


def fresh(board: Board) -> dict[str, list[str]]:
    snap = Snapshot(board.tasks())
    return {s: [t.name for t in snap.column(s)] for s in STATES}


def shown(app) -> dict[str, list[str]]:
    return {s: [t.name for t in app.board_screen.column(s).tasks] for s in STATES}


def test_added_edited_deleted_moved_with_the_cursor_kept(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    first, second, third = (maker.task(t, priority="high") for t in ("First", "Second", "Third"))
    feed = Feed()
    app = new_app(board, changes=feed)

    async def script(pilot: Pilot) -> None:
        await pilot.press("j")  # cursor on Second
        assert app.board_screen.column("open").selected.name == second.name
        added = board.root / "open" / "urgent-hotfix.md"
        added.write_text("---\ntitle: Urgent hotfix\npriority: critical\n---\n")
        feed.send(added)
        await wait_for(pilot, lambda: "Urgent hotfix" in titles(app, "open"))
        assert titles(app, "open")[0] == "Urgent hotfix"  # critical sorts first...
        assert app.board_screen.column("open").selected.name == second.name  # ...and the cursor stays put
        path = board.root / "open" / second.name
        path.write_text(path.read_text().replace("title: Second", "title: Second, edited"))
        feed.send(path)
        await wait_for(pilot, lambda: "Second, edited" in titles(app, "open"))
        assert app.board_screen.column("open").selected.name == second.name
        os.rename(board.root / "open" / first.name, board.root / "doing" / first.name)  # a plain mv
        feed.send(board.root / "doing" / first.name, board.root / "open" / first.name)
        await wait_for(pilot, lambda: titles(app, "doing") == ["First"])
        assert app.board_screen.column("open").selected.name == second.name
        path.unlink()  # the selected task is deleted: the cursor goes to a neighbour
        feed.send(path)
        await wait_for(pilot, lambda: "Second, edited" not in titles(app, "open"))
        assert app.board_screen.column("open").selected.name in (third.name, "urgent-hotfix.md")
        assert shown(app) == fresh(board)

    drive(app, script)


def test_own_moves_echo_without_flicker_or_duplicates(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Mine")
    feed = Feed()
    app = new_app(board, changes=feed)

    async def script(pilot: Pilot) -> None:
        await pilot.press("s")
        before = shown(app)
        redraws: list[set[str]] = []
        original = app.board_screen._after_changes

        def spy(changes, selected):
            redraws.append(set(changes.states))
            original(changes, selected)

        app.board_screen._after_changes = spy  # type: ignore[method-assign]
        feed.send(board.root / "doing" / task.name, board.root / "open" / task.name)
        await wait_for(pilot, lambda: bool(redraws), timeout=5)
        assert shown(app) == before and redraws == [set()]
        assert (
            app.board_screen.snapshot.count("doing") == 1
            and len(app.board_screen.snapshot.with_id(task.id)) == 1
        )

    drive(app, script)


def test_copy_instead_of_move_shows_in_both_with_a_mark(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    task = Maker(board).task("Copied")
    feed = Feed()
    app = new_app(board, changes=feed)

    async def script(pilot: Pilot) -> None:
        copy = board.root / "done" / task.name
        shutil.copyfile(board.root / "open" / task.name, copy)
        feed.send(copy)
        await wait_for(pilot, lambda: titles(app, "done") == ["Copied"])
        assert titles(app, "open") == ["Copied"]
        lines = [
            app.board_screen.column("done").render_line(0).text,
            app.board_screen.column("open").render_line(0).text,
        ]
        assert all("⧉" in line for line in lines)

    drive(app, script)


def test_folder_deleted_then_back_and_a_full_rescan(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    for title in ("A", "B"):
        maker.task(title)
    feed = Feed()
    app = new_app(board, changes=feed)

    async def script(pilot: Pilot) -> None:
        saved = tmp_path / "saved"
        shutil.move(board.root / "open", saved)
        feed.send(board.root / "open")
        await wait_for(pilot, lambda: titles(app, "open") == [])
        shutil.move(saved, board.root / "open")
        (board.root / "blocked" / "new-one.md").touch()
        feed.everything()
        await wait_for(pilot, lambda: len(titles(app, "open")) == 2 and titles(app, "blocked") == ["New one"])
        assert shown(app) == fresh(board)

    drive(app, script)


def test_the_board_read_ahead_is_shown_and_what_changed_before_watching_is_read(tmp_path: Path) -> None:
    """`pulse` reads the board while textual starts: the board shows that read, and once the
    watcher is set up, the folders that changed in between are read again."""
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    kept, gone = maker.task("Kept"), maker.task("Deleted before the watcher was set up")
    past = time.time() - 60
    for state in STATES:
        os.utime(board.root / state, (past, past))
    ahead = ReadAhead(board)
    ahead.result()
    gone.path.unlink()  # no hint will ever name it
    feed = Feed()
    app = new_app(board, changes=feed, ahead=ahead)

    async def script(pilot: Pilot) -> None:
        assert sorted(titles(app, "open")) == sorted([kept.title, gone.title])  # as read ahead
        feed.ready()
        await wait_for(pilot, lambda: titles(app, "open") == [kept.title])
        assert shown(app) == fresh(board)

    drive(app, script)


def test_pulse_yaml_edited_while_the_board_runs_applies_at_once(tmp_path: Path) -> None:
    """The WIP limit (and the rest of pulse.yaml) follows an edit at once; a broken edit is one
    sentence and the settings in use stay; ctrl+r reads it again too. (It changed nothing.)"""
    board = make_board(tmp_path / "tasks")
    Maker(board).task("Busy", "doing")
    feed = Feed()
    app = new_app(board, changes=feed)
    config = board.root / "pulse.yaml"

    def doing_title() -> str:
        return str(app.board_screen.query_one("#title-doing", Static).render())

    async def script(pilot: Pilot) -> None:
        assert doing_title() == "Doing 1/3"
        config.write_text("wip:\n  doing: 1\n", encoding="utf-8")
        feed.send(config)
        await wait_for(pilot, lambda: doing_title() == "Doing 1/1")
        assert any("Settings read again from pulse.yaml" in n for n in notices(app))
        config.write_text("wip:\n  doing: lots\n", encoding="utf-8")
        feed.send(config)
        await wait_for(pilot, lambda: any("pulse.yaml not applied" in n for n in notices(app)))
        assert doing_title() == "Doing 1/1"
        config.write_text("wip:\n  doing: 2\n", encoding="utf-8")  # no hint: ctrl+r reads it
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: doing_title() == "Doing 1/2")

    drive(app, script, notifications=True)


def test_real_watchfiles_follows_an_outside_change(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    Maker(board).task("Existing")
    app = new_app(board, changes=None)  # the real watcher

    async def script(pilot: Pilot) -> None:
        await pilot.pause(0.3)  # let the watch start
        (board.root / "open" / "from-an-agent.md").write_text("# From an agent\n")
        await wait_for(pilot, lambda: "From an agent" in titles(app, "open"), timeout=10)

    drive(app, script)


def test_real_watchfiles_storm_ends_equal_to_a_fresh_scan(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    app = new_app(board, changes=None)

    async def script(pilot: Pilot) -> None:
        await pilot.pause(0.3)
        for i in range(5000):  # a git checkout writing 5,000 task files
            (board.root / ("done" if i % 3 else "open") / f"checkout-{i:04d}.md").write_text(f"# Task {i}\n")
        await wait_for(
            pilot, lambda: sum(len(app.board_screen.column(s).tasks) for s in STATES) == 5000, timeout=60
        )
        assert shown(app) == fresh(board)

    drive(app, script)


def test_a_state_folder_gone_is_said_and_its_return_too(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    Maker(board).task("In open")
    feed = Feed()
    app = new_app(board, changes=feed)

    async def script(pilot: Pilot) -> None:
        saved = tmp_path / "saved"
        shutil.move(board.root / "open", saved)
        feed.send(board.root / "open")
        await wait_for(pilot, lambda: any("open/ is gone" in n for n in notices(app)))
        assert titles(app, "open") == []
        assert "open/ is gone" in " ".join(column_text(app, "open"))  # on the column, not only a toast
        shutil.move(saved, board.root / "open")
        feed.send(board.root / "open")
        await wait_for(pilot, lambda: any("open/ is back" in n for n in notices(app)))
        assert titles(app, "open") == ["In open"]
        shutil.rmtree(board.root / "blocked")  # an empty column's folder gone: said on it all the same
        feed.send(board.root / "blocked")
        await wait_for(pilot, lambda: "blocked/ is gone" in " ".join(column_text(app, "blocked")))

    drive(app, script)


def test_board_folder_missing_at_start_is_followed_when_it_comes(tmp_path: Path) -> None:
    root = tmp_path / "not-yet" / "tasks"
    app = new_app(Board(root), changes=None)  # the real watcher, on a folder that isn't there

    async def script(pilot: Pilot) -> None:
        await pilot.pause(0.3)
        assert all(titles(app, s) == [] for s in STATES)
        make_board(root)
        await pilot.pause(0.6)
        (root / "doing" / "arrived.md").write_text("# Arrived\n")
        await wait_for(pilot, lambda: titles(app, "doing") == ["Arrived"], timeout=10)

    drive(app, script)
