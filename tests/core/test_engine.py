"""The incremental heartbeat (core/engine.py) pinned to the full one: for random boards and random
changes (Hypothesis), `HeartbeatEngine.suggest` equals `beat(...)[:limit]` after every change, at
several times (so the minutes in doing, hours waited and ages move, and the clock goes back too) and
limits; what it makes for a beat; and, with PULSE_BENCH=1, an update and a beat at 100,000 tasks."""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.helpers import memory_task

from pulseboard.core import engine as engine_module
from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings, Weights
from pulseboard.core.engine import HeartbeatEngine
from pulseboard.core.heartbeat import beat, rank_key
from pulseboard.core.overlap import overlaps
from pulseboard.core.reconcile import Event

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
STATES = ("open", "doing", "done", "blocked")
IDS = ("a1", "a2", "a10", "ab", "b1", "b2", "c1", "d1")  # prefixes of each other: ambiguous and exact
# times to beat at after each change: a box crossed, past TERM_CAP, ages saturated; then back to NOW
LATER = (dt.timedelta(0), dt.timedelta(minutes=7), dt.timedelta(hours=3), dt.timedelta(days=20))
SETTINGS = (
    HeartbeatSettings(),
    HeartbeatSettings(wip_doing=1, debt_limit=1),  # a debt session from two open debt tasks
    HeartbeatSettings(wip_doing=6, debt_limit=0, debt_tags=("ui",)),
    HeartbeatSettings(wip_doing=6, box_s=120),
    HeartbeatSettings(wip_doing=6, weights=Weights(age_per_day=-0.3, age_cap=-1.0)),  # youngest first
    HeartbeatSettings(wip_doing=6, weights=Weights(age_per_day=0.0, unblocks=0.0, overlap=2.0)),
    HeartbeatSettings(wip_doing=6, weights=Weights(age_per_day=40.0, age_cap=3.0)),  # ages saturate fast
)


def stamp(minutes_ago: float | None) -> str | None:
    if minutes_ago is None:
        return None
    return (NOW - dt.timedelta(minutes=minutes_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


MINUTES = st.one_of(st.none(), st.sampled_from([-30.0, 0.0, 3.0, 16.0, 31.0, 200.0]), st.floats(-60, 60_000))
STAMP = st.one_of(MINUTES.map(stamp), st.just("not a time"))
FIELDS = st.fixed_dictionaries({
    "title": st.sampled_from(["Fix it", "Add the tests and update the docs", "Parse and render", "Fix it"]),
    "priority": st.sampled_from(["critical", "high", "medium", "low", "urgent"]),
    "estimate": st.sampled_from([None, 0, 60, 300, 600, 1200, 1800, 3600]),
    "touches": st.lists(st.sampled_from(["src/a.py", "src/*.py", "src", "navbar", "Navbar", "docs/x.md"]),
                        max_size=3).map(tuple),
    "depends": st.lists(st.sampled_from([*IDS, "a", "zz", "A1", " b1 "]), max_size=3).map(tuple),
    "tags": st.lists(st.sampled_from(["debt", "tech-debt", "ui"]), max_size=2).map(tuple),
    "parent": st.sampled_from([None, "a1", "b1"]),
    "children": st.one_of(  # parts: some ids on the board, one that is not (never done)
        st.just(()), st.lists(st.sampled_from([*IDS, "zz"]), min_size=1, max_size=3, unique=True).map(tuple)
    ),
    "created": STAMP,
    "started": STAMP,
    "blocked": st.one_of(st.none(), st.fixed_dictionaries({
        "reason": st.sampled_from([None, "needs the key"]),
        "waiting_on": st.sampled_from([None, "ops", "ana"]),
        "since": STAMP,
    })),
    "criteria": st.tuples(st.integers(0, 2), st.integers(0, 7)),
    "error": st.sampled_from([None, None, None, "is not valid YAML", "has conflict markers (<<<<<<<)"]),
})  # fmt: skip


def made(task_id: str, state: str, copy: int, fields: dict[str, Any]) -> Task:
    """A task in memory; one id can have a file in several states, or two files in one."""
    return replace(memory_task(task_id, state, **fields), name=f"{task_id}-{copy}.md")


TASK = st.builds(made, st.sampled_from(IDS), st.sampled_from(STATES), st.integers(0, 1), FIELDS)
# A change: ("put", a task) adds or replaces a file; ("remove", n) / ("move", n, state) /
# ("edit", n, fields) take the n-th file held (modulo how many there are).
CHANGE = st.one_of(
    st.tuples(st.just("put"), TASK),
    st.tuples(st.just("remove"), st.integers(0, 99)),
    st.tuples(st.just("move"), st.integers(0, 99), st.sampled_from(STATES)),
    st.tuples(st.just("edit"), st.integers(0, 99), FIELDS),
)


def apply(board: dict[tuple[str, str], Task], change: tuple[Any, ...]) -> Event | None:
    """Make one change to the board (file -> task); the event a reconcile would tell of it."""
    if change[0] == "put":
        task = change[1]
        before = board.get((task.state, task.name))
        board[(task.state, task.name)] = task
        return Event("changed" if before else "added", before, task)
    if not board:
        return None
    before = sorted(board.values(), key=lambda t: (t.state, t.name))[change[1] % len(board)]
    del board[(before.state, before.name)]
    if change[0] == "remove":
        return Event("removed", before, None)
    if change[0] == "move":
        after = replace(before, state=change[2], folder=before.folder.parent / change[2])
    else:
        after = replace(before, **change[2])
    board[(after.state, after.name)] = after  # a move onto a file that is there replaces it here
    return Event("moved" if change[0] == "move" else "changed", before, after)


def assert_same(
    engine: HeartbeatEngine, board: dict[tuple[str, str], Task], conf: HeartbeatSettings,
    modified: dict[str, float], push: str | None,
) -> None:  # fmt: skip
    """The engine's beats equal the full ones at each time and limit; and its stream of entries (what
    `suggest` cuts) is in rank order, each entry ranked where its suggestion ranks, so a cut at any
    limit takes the right ones."""
    tasks = list(board.values())
    for later in LATER:
        now = NOW + later
        expected = beat(tasks, now, conf, modified, push)
        entries = list(engine._ranked(now, modified, push))
        made = [entry[3]() for entry in entries]
        assert [entry[:3] for entry in entries] == [rank_key(s)[:3] for s in made]
        assert [entry[:3] for entry in entries] == sorted(entry[:3] for entry in entries)
        assert sorted(made, key=rank_key) == expected
        for limit in (1, 3, None):
            assert engine.suggest(now, modified, push, limit) == expected[:limit], (later, limit)
    doing = [t for t in tasks if t.state == "doing"]
    for task in tasks:  # a card's overlap mark: pair by pair, as items_overlap says
        others = [t for t in doing if t.id != task.id]
        assert engine.touches_doing(task) == any(overlaps(task.touches, t.touches) for t in others), task
        touching = [t for t in doing if overlaps(task.touches, t.touches)]  # a start's overlap warning
        assert sorted(engine.doing_touching(task.touches), key=_file) == sorted(touching, key=_file)


def _file(task: Task) -> tuple[str, str]:
    return (task.state, task.name)


@settings(max_examples=400, deadline=None)
@given(
    tasks=st.lists(TASK, max_size=14, unique_by=lambda t: (t.state, t.name)),
    changes=st.lists(st.lists(CHANGE, min_size=1, max_size=3), max_size=8),
    conf=st.sampled_from(SETTINGS),
    stale=st.dictionaries(st.sampled_from(IDS), st.sampled_from([-10.0, 2.0, 30.0, 500.0]), max_size=4),
    push=st.sampled_from([None, "", "no remote (at 12:00)"]),
    follow=st.booleans(),
)
def test_property_incremental_equals_full(
    tasks: list[Task], changes: list[list[tuple[Any, ...]]], conf: HeartbeatSettings,
    stale: dict[str, float], push: str | None, follow: bool,
) -> None:  # fmt: skip
    """After loading and after each batch of changes (told as events, in order, or as the files
    gone and the files as they are now), the engine says what the full beat says."""
    board = {(t.state, t.name): t for t in tasks}
    modified = {task_id: (NOW - dt.timedelta(minutes=m)).timestamp() for task_id, m in stale.items()}
    engine = HeartbeatEngine(conf)
    engine.load(tasks)
    assert_same(engine, board, conf, modified, push)
    for batch in changes:
        before = dict(board)
        events = [event for change in batch if (event := apply(board, change)) is not None]
        if follow:
            engine.follow(events)
        else:  # only the net change: what was there and is not, what is there and was not
            gone = [t for key, t in before.items() if board.get(key) != t]
            engine.update([t for key, t in board.items() if before.get(key) != t], gone)
        assert_same(engine, board, conf, modified, push)


MINUTES_ON = st.sampled_from([0.0, 1.0, 600.0])
STALE = st.dictionaries(st.sampled_from(IDS), st.sampled_from([-10.0, 2.0, 30.0, 500.0]), max_size=6)
Step = tuple[list[tuple[Any, ...]], dict[str, float] | None, float]  # changes, new file times, minutes on


@settings(max_examples=500, deadline=None)
@given(
    tasks=st.lists(TASK, max_size=14, unique_by=lambda t: (t.state, t.name)),
    stale=STALE,
    steps=st.lists(
        st.tuples(st.lists(CHANGE, max_size=3), st.one_of(st.none(), STALE), MINUTES_ON),
        max_size=8,
    ),
    conf=st.sampled_from(SETTINGS),
)
def test_property_with_time_going_forward_only(
    tasks: list[Task], stale: dict[str, float], steps: list[Step], conf: HeartbeatSettings
) -> None:
    """Beats as the board makes them, the clock only going forward: each step's changes, the files'
    times as they were or new ones, a beat some minutes later. What the engine keeps from beat to
    beat (the stale specs, the boxes crossed) must equal a full beat each time."""
    board = {(t.state, t.name): t for t in tasks}
    engine = HeartbeatEngine(conf)
    engine.load(tasks)
    now = NOW
    modified = {task_id: (now - dt.timedelta(minutes=m)).timestamp() for task_id, m in stale.items()}
    for batch, fresh, minutes in steps:
        engine.follow([event for change in batch if (event := apply(board, change)) is not None])
        now += dt.timedelta(minutes=minutes)
        if fresh is not None:
            modified = {task_id: (now - dt.timedelta(minutes=m)).timestamp() for task_id, m in fresh.items()}
        assert engine.suggest(now, modified, None) == beat(list(board.values()), now, conf, modified, None)


def test_a_task_that_leaves_the_board_leaves_the_suggestions_at_once() -> None:
    engine = HeartbeatEngine(HeartbeatSettings())
    tasks = [made("o1", "open", 0, {"priority": "high"}), made("o2", "open", 0, {})]
    engine.load(tasks)
    assert [s.ids for s in engine.suggest(NOW, limit=1)] == [("o1",)]
    engine.update(removed=[tasks[0]])
    assert [s.ids for s in engine.suggest(NOW)] == [("o2",)]


def test_sentences_are_made_only_for_what_is_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    made_for: list[str] = []
    note = engine_module.start_note

    def counting(task: Task, *args: Any) -> Any:
        made_for.append(task.id)
        return note(task, *args)

    monkeypatch.setattr(engine_module, "start_note", counting)
    engine = HeartbeatEngine(HeartbeatSettings())
    opened = [made(f"t{i:04d}", "open", 0, {"created": stamp(i * 7.0)}) for i in range(2000)]
    engine.load(opened)
    assert len(engine.suggest(NOW, limit=3)) == 3
    assert len(made_for) <= 4  # the three shown, and the first looked at to know the board is not idle


def board_of(n: int, seed: int = 0) -> list[Task]:
    """A board shaped like bench/make_board.py's: 70% done, 20% open, 5 in doing, the rest blocked;
    15 touch entries, a fifth depending on recent tasks, made over two years."""
    rng = random.Random(seed)
    touches = ("src/app/nav.py", "web/Navbar.tsx", "navbar", "api/billing/*.py", "db/*.sql", "s3.tf",
               "docs/setup.md", "src/auth/session.py", "worker/queue.py", "search", "theme.css",
               "Makefile", "ci.yml", "src/export/csv.py", "billing")  # fmt: skip
    states = ["done"] * (n * 7 // 10) + ["open"] * (n // 5) + ["doing"] * 5
    states += ["blocked"] * (n - len(states))
    rng.shuffle(states)
    tasks: list[Task] = []
    for i, state in enumerate(states):
        task_id, age = f"{rng.getrandbits(50):013x}", rng.uniform(0, 2 * 365 * 1440)
        fields: dict[str, Any] = {
            "priority": rng.choice(["critical", "high", "medium", "low"]),
            "estimate": rng.choice([30, 300, 900, 3600, 7200, None, None]),
            "touches": tuple(rng.sample(touches, rng.randint(0, 3))), "created": stamp(age),
            "depends": tuple(rng.sample([t.id for t in tasks[-500:]], min(i, rng.randint(1, 3))))
            if rng.random() < 0.2 else (),
        }  # fmt: skip
        if state == "doing":
            fields["started"] = stamp(rng.uniform(0, 120))
        if state == "blocked":
            fields["blocked"] = {
                "reason": "r",
                "waiting_on": rng.choice(["ops", None]),
                "since": stamp(age / 2),
            }
        tasks.append(made(task_id, state, 0, fields))
    return tasks


@pytest.mark.skipif(os.environ.get("PULSE_BENCH") != "1", reason="timing check: set PULSE_BENCH=1")
def test_speed_an_update_and_a_beat_at_100k_tasks() -> None:
    """DESIGN.md: a beat after a one-file change at 100,000 tasks in 20 ms or less."""
    tasks = board_of(100_000)
    conf = HeartbeatSettings(wip_doing=6)
    engine = HeartbeatEngine(conf)
    engine.load(tasks)
    engine.suggest(NOW, limit=100)
    rng = random.Random(1)
    movable = [t for t in tasks if t.state != "done"]
    samples = []
    for i in range(40):
        before = movable.pop(rng.randrange(len(movable)))
        state = ("doing", "done", before.state, "open")[i % 4]  # start, finish, edit, reopen
        after = replace(before, state=state, folder=before.folder.parent / state, priority="high")
        started = time.perf_counter()
        engine.update([after], [before])
        shown = engine.suggest(NOW + dt.timedelta(seconds=i), limit=100)
        samples.append(time.perf_counter() - started)
        assert len(shown) == 100
    samples.sort()
    assert statistics.median(samples) < 0.02 and samples[int(0.9 * len(samples))] < 0.02, samples


def test_the_engine_follows_parts_done_one_at_a_time() -> None:
    """A parent's finish note comes when its last part reaches done and goes when one leaves it,
    or the parent is done: the engine counts parts, it never rescans the board."""
    parent = memory_task("p1", "doing", title="Big one", children=("c1", "c2"), started=stamp(5))
    parts = [memory_task("c1", "open"), memory_task("c2", "done")]
    engine = HeartbeatEngine(HeartbeatSettings())
    engine.load([parent, *parts])

    def finish_notes() -> list[str]:
        return [s.text for s in engine.suggest(NOW) if s.kind == "parts-done"]

    assert finish_notes() == []
    done = replace(parts[0], state="done", folder=parts[0].folder.parent / "done")
    engine.update([done], [parts[0]])
    assert finish_notes() == ['All 2 parts of "Big one" are done: finish it.']
    engine.update([parts[0]], [done])  # reopened
    assert finish_notes() == []
    engine.update([done], [parts[0]])
    finished = replace(parent, state="done", folder=parent.folder.parent / "done")
    engine.update([finished], [parent])
    assert finish_notes() == []
    assert engine.suggest(NOW) == beat([finished, done, parts[1]], NOW, HeartbeatSettings())
