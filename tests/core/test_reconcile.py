"""The reconciler: after any change on disk and the hints a watcher gives for it, the snapshot
equals a fresh scan, and only the columns that changed are reported."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from support.clock import at

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import STATES, Board
from pulseboard.core.reconcile import STORM, Reconciler
from pulseboard.core.snapshot import Snapshot


def fresh(board: Board) -> dict[str, list[str]]:
    snap = Snapshot(board.tasks())
    return {s: [f"{t.name}:{t.title}" for t in snap.column(s)] for s in STATES}


def shown(snap: Snapshot) -> dict[str, list[str]]:
    return {s: [f"{t.name}:{t.title}" for t in snap.column(s)] for s in STATES}


@pytest.fixture
def world(board: Board) -> tuple[Board, Snapshot, Reconciler]:
    for i in range(6):
        create_task(board, f"Task {i}", now=at(i))
    move_task(board, "task-1", "doing", now=at(10))
    move_task(board, "task-2", "done", now=at(11))
    snap = Snapshot(board.tasks())
    return board, snap, Reconciler(board, snap)


def path_of(board: Board, words: str) -> Path:
    return next(p for s in STATES for p in (board.root / s).glob(f"*{words}*.md"))


def test_added_edited_deleted(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    added = board.root / "open" / "fix-navbar-typo.md"
    added.touch()
    assert rec.apply([added]).states == {"open"}
    edited = path_of(board, "task-3")
    edited.write_text(edited.read_text().replace("title: Task 3", "title: Renamed by hand"))
    assert rec.apply([edited]).states == {"open"}
    gone = path_of(board, "task-4")
    gone.unlink()
    changes = rec.apply([gone])
    assert changes.states == {"open"} and len(changes.ids_removed) == 1
    assert shown(snap) == fresh(board)


def test_mv_between_folders_and_another_pulse_moving(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    src = path_of(board, "task-0")
    dst = board.root / "blocked" / src.name
    os.rename(src, dst)
    changes = rec.apply([dst, src])  # watchfiles gives added + deleted, in no order
    assert changes.states == {"open", "blocked"} and not changes.ids_added and not changes.ids_removed
    result = move_task(board, "task-5", "doing", now=at(20))  # another process
    rec.apply([result.task.path, board.root / "open" / result.task.name])
    assert shown(snap) == fresh(board)


def test_editor_atomic_save(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    target = path_of(board, "task-3")
    temp = target.with_name(".task-3.md.swp")
    temp.write_text(target.read_text().replace("Task 3", "Saved atomically"))
    os.replace(temp, target)
    assert rec.apply([temp, target]).states == {"open"}  # the temp file is ignored
    assert snap.get("open", target.name).title == "Saved atomically"


def test_echo_of_own_move_changes_nothing(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    task = snap.get("open", path_of(board, "task-3").name)
    result = move_task(board, task.id, "doing", now=at(30))
    snap.remove(task.state, task.name)  # what the board does right after its own move
    snap.put(result.task)
    before = shown(snap)
    changes = rec.apply([result.task.path, task.path])
    assert not changes and shown(snap) == before


def test_folder_deleted_and_recreated(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    saved = board.root.parent / "saved-open"
    shutil.move(board.root / "open", saved)
    changes = rec.apply([board.root / "open"])
    assert changes.states == {"open"} and snap.count("open") == 0
    shutil.move(saved, board.root / "open")
    rec.apply([board.root / "open"])
    assert shown(snap) == fresh(board)
    shutil.rmtree(board.root)
    assert rec.apply([board.root]).full_rescan and len(snap) == 0


def test_copy_instead_of_move_shows_in_both_columns(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    src = path_of(board, "task-0")
    copy = board.root / "done" / src.name
    shutil.copyfile(src, copy)
    rec.apply([copy])
    assert {t.state for t in snap.with_id(snap.get("open", src.name).id)} == {"open", "done"}


def test_storm_is_one_full_rescan(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, snap, rec = world
    paths = []
    for i in range(STORM + 50):
        path = board.root / "open" / f"checkout-{i}.md"
        path.write_text(f"# Checked out {i}\n")
        paths.append(path)
    for victim in list((board.root / "done").glob("*.md")):
        victim.unlink()
        paths.append(victim)
    changes = rec.apply(paths)
    assert changes.full_rescan and changes.states == {"open", "done"}
    assert len(changes.ids_added) == STORM + 50
    assert shown(snap) == fresh(board)


def test_ignored_paths_change_nothing(world: tuple[Board, Snapshot, Reconciler]) -> None:
    board, _snap, rec = world
    (board.root / "open" / "notes.txt").write_text("x")
    (board.root / ".pulse" / "journal" / "x.jsonl").write_text("x")
    assert not rec.apply([board.root / "open" / "notes.txt", board.root / ".pulse" / "journal" / "x.jsonl"])


def test_a_file_hint_reads_that_file_and_no_folder(world: tuple[Board, Snapshot, Reconciler]) -> None:
    """A one-file change costs one file read at any board size: no folder listing, no cache load
    (the parse cache is megabytes on a 100,000-task board; loading it per change cost a second)."""
    board, _snap, rec = world
    target = path_of(board, "task-3")
    target.write_text(target.read_text().replace("Task 3", "Edited"))
    plan = rec.read([target])
    assert plan.folders == {} and list(plan.files) == [("open", target.name)]
    assert plan.files[("open", target.name)].title == "Edited"
    assert board.tasks([]) == []
