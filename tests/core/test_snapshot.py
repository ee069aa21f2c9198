"""The snapshot: column order, in-place updates, lookups; checked against a fresh sort."""

from __future__ import annotations

import random

from support.clock import at

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import STATES, Board
from pulseboard.core.snapshot import Snapshot, column_key


def test_column_order(board: Board) -> None:
    low = create_task(board, "Low one", priority="low")
    crit = create_task(board, "Critical one", priority="critical")
    med = create_task(board, "Medium one")
    snap = Snapshot(board.tasks())
    assert [t.id for t in snap.column("open")] == [crit.id, med.id, low.id]
    move_task(board, low.id, "done", now=at(1))
    move_task(board, med.id, "done", now=at(2))
    snap = Snapshot(board.tasks())
    assert snap.column("done")[0].id == med.id  # newest first
    assert snap.index(snap.column("done")[0]) == 0


def test_put_and_remove_match_a_fresh_sort(board: Board) -> None:
    rng = random.Random(3)
    tasks = [create_task(board, f"T{i}", priority=rng.choice(["low", "high", "medium"])) for i in range(40)]
    for task in tasks[:25]:
        move_task(board, task.id, rng.choice(["doing", "done", "blocked"]), reason="r")
    everything = board.tasks()
    snap = Snapshot()
    for task in rng.sample(everything, len(everything)):
        snap.put(task)
    for victim in rng.sample(everything, 10):
        assert snap.remove(victim.state, victim.name) == victim
        assert snap.remove(victim.state, victim.name) is None
    remaining = [t for t in everything if snap.get(t.state, t.name)]
    fresh = Snapshot(remaining)
    for state in STATES:
        assert list(snap.column(state)) == list(fresh.column(state))
        expected = sorted((t for t in remaining if t.state == state), key=column_key)
        if state == "done":
            expected.reverse()
        assert list(snap.column(state)) == expected
        for i, task in enumerate(snap.column(state)):
            assert snap.index(task) == i
    assert len(snap) == len(remaining)


def test_same_task_in_two_folders_is_two_entries(board: Board) -> None:
    task = create_task(board, "Twice")
    (board.root / "done" / task.name).write_bytes(task.path.read_bytes())
    snap = Snapshot(board.tasks())
    assert {t.state for t in snap.with_id(task.id)} == {"open", "done"}
