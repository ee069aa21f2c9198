"""The snapshot: column order, in-place updates, lookups; checked against a fresh sort."""

from __future__ import annotations

import datetime as dt
import os
import random

from hypothesis import given, settings
from hypothesis import strategies as st
from support.clock import at

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.fields import parse_time
from pulseboard.core.progress import board_stats
from pulseboard.core.snapshot import Snapshot, column_key
from pulseboard.core.wip import wip_level


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


def test_a_task_moved_into_done_by_hand_is_dated_as_the_figures_date_it(board: Board) -> None:
    """Moved by hand, a task has no `done` stamp: it is taken as done when its file changed place
    (its ctime), like the figures take it. It sorted last in Done with a bare ✓ while the figures
    counted it as done today; now the column, the card and the figures agree. Its file is untouched."""
    earlier = create_task(board, "Done with pulse", now=at(0))
    move_task(board, earlier.id, "done", now=at(1))
    by_hand = create_task(board, "Moved by hand", now=at(2))
    before = by_hand.path.read_bytes()
    os.rename(by_hand.path, board.root / "done" / by_hand.path.name)
    changed = os.lstat(board.root / "done" / by_hand.path.name).st_ctime

    for task in (next(t for t in board.tasks() if t.id == by_hand.id), board.load(board.find(by_hand.id))):
        assert task.done is not None
        assert abs(parse_time(task.done).timestamp() - changed) < 1
    done = Snapshot(board.tasks()).column("done")
    assert [t.id for t in done] == [by_hand.id, earlier.id]  # newest first, as the figures see it
    stats = board_stats(board, dt.datetime.now().astimezone())
    assert stats.done_today >= 1
    assert (board.root / "done" / by_hand.path.name).read_bytes() == before


def test_a_task_moved_into_doing_by_hand_is_taken_as_started_when_it_moved(board: Board) -> None:
    """With no `started` stamp a task in doing had no time box and sorted as the oldest in progress;
    its ctime (when it changed folder) stands in, as for done. Its file is untouched."""
    by_hand = create_task(board, "Started by hand", now=at(0), estimate="5m")
    before = by_hand.path.read_bytes()
    os.rename(by_hand.path, board.root / "doing" / by_hand.path.name)
    changed = os.lstat(board.root / "doing" / by_hand.path.name).st_ctime

    for task in (next(t for t in board.tasks() if t.id == by_hand.id), board.load(board.find(by_hand.id))):
        assert task.started is not None
        assert abs(parse_time(task.started).timestamp() - changed) < 1
    assert (board.root / "doing" / by_hand.path.name).read_bytes() == before


_RANKS = {"critical": 0, "high": 1, "medium": 2, "low": 3}


def _tuple_key(task: Task) -> tuple[int, str, str]:
    """The column order written plainly, as tuples: what column_key's one string must agree with."""
    if task.state == "open":
        return (_RANKS[task.priority], task.created or "~", task.name)
    stamp = {"doing": task.started, "blocked": (task.blocked or {}).get("since"), "done": task.done}[
        task.state
    ]
    return (0, stamp or "", task.name)


_stamps = st.one_of(
    st.none(), st.sampled_from(["2026", "2026-01", "2026-01-02T00:00:00Z", "2026-01-02T00:00:01Z", "~"])
)


@st.composite
def _tasks(draw: st.DrawFn) -> Task:
    state = draw(st.sampled_from(STATES))
    stamp = draw(_stamps)
    return Task(
        draw(st.sampled_from(["aaaa1", "bbbb2", "cccc3", "dddd4"])), state,
        draw(st.sampled_from(["a.md", "a-b.md", "ab.md", "b.md", "~.md"])), None,  # type: ignore[arg-type]
        "T", draw(st.sampled_from(list(_RANKS))), None, (), (), (), draw(_stamps),
        stamp if state == "doing" else None, stamp if state == "done" else None,
        {"since": stamp} if state == "blocked" else None, (0, 0), None, True,
    )  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), _tasks()), max_size=40))
def test_any_puts_and_removes_keep_the_order_and_every_copy_of_an_id(steps: list[tuple[bool, Task]]) -> None:
    """Random files put and taken off (the same ids in several folders, times that are prefixes of
    each other or missing): each column in the tuple order, with_id every copy, oldest first, and
    distinct_ids the count wip_level makes."""
    snap, model = Snapshot(), {}
    for remove, task in steps:
        if remove:
            assert snap.remove(task.state, task.name) == model.pop((task.state, task.name), None)
        else:
            assert snap.put(task) == model.pop((task.state, task.name), None)
            model[(task.state, task.name)] = task
    for state in STATES:
        expected = sorted((t for t in model.values() if t.state == state), key=_tuple_key)
        assert list(snap.column(state)) == (expected[::-1] if state == "done" else expected)
    for task_id in {t.id for t in model.values()} | {"none"}:
        assert snap.with_id(task_id) == [t for t in model.values() if t.id == task_id]
        for state in STATES:  # the WIP level's count, each id once, from the copies alone
            in_state = [t for t in model.values() if t.state == state]
            assert snap.distinct_ids(state, task_id) == wip_level(in_state, 0, starting=task_id).count
            assert snap.distinct_ids(state) == wip_level(in_state, 0).count
    assert Snapshot(model.values()).column("open") == snap.column("open")
