"""A state holding 10,000 tasks (issue 11, item 13): nothing in the CLI or the engine is quadratic.

10,000 tasks in doing (an import, a team far over its limit): `pulse start`, `next` and `claim`
answer in seconds, not minutes, and the WIP warning names a few tasks and counts the rest. The
engine's overlap index answers exactly what comparing every pair answers (a property test on
small random boards), so the index can't drift from the rule in core/overlap.py.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import os
import random
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.helpers import memory_task, pulse

from pulseboard.core import actions
from pulseboard.core.actions import init_board, wip_check
from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.doing_view import DoingOnDisk
from pulseboard.core.heartbeat import CLASHES_PER_TASK, beat
from pulseboard.core.heartbeat_inputs import suggest
from pulseboard.core.overlap import TouchIndex, any_overlap, earlier_overlaps, first_overlap, overlaps

DOING = 10_000
ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"  # pulse ids: 10 of these, no i, l, o, u
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def task_id(prefix: str, number: int) -> str:
    digits = ""
    for _ in range(9):
        number, digit = divmod(number, 32)
        digits = ALPHABET[digit] + digits
    return prefix + digits


def touches_of(number: int) -> str:
    """Shared touches: 200 modules, 7 components, and now and then a glob or a folder."""
    touches = [f"src/mod{number % 200}.py", f"comp{number % 7}"]
    if number % 500 == 0:
        touches.append(f"src/mod{number % 10}*.py")
    if number % 777 == 0:
        touches.append("docs")
    return "[" + ", ".join(touches) + "]"


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A board with 10,000 tasks in doing and 3 open ones, written directly, its parse cache warm."""
    root = tmp_path_factory.mktemp("big") / "tasks"
    init_board(root)
    for number in range(DOING):
        minute = number % 60
        text = (
            f"---\ntitle: Doing task {number}\npriority: medium\ntouches: {touches_of(number)}\n"
            f"started: 2026-11-22T10:{minute:02d}:00Z\n---\nWork in progress.\n"
        )
        with open(root / "doing" / f"{task_id('d', number)}-doing-{number}.md", "w") as handle:
            handle.write(text)
    for number in range(3):
        (root / "open" / f"{task_id('o', number)}-open-{number}.md").write_text(
            f"---\ntitle: Open task {number}\npriority: high\ntouches: [src/mod{number}.py]\n---\n"
        )
    Board(root).tasks()  # parse once: the timed commands read the cache, as every later command does
    return root


@contextlib.contextmanager
def collector_off() -> Iterator[None]:
    """The engine as every face runs it: the CLI and the board's workers turn the collector off."""
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def in_doing(root: Path) -> int:
    return sum(1 for name in os.listdir(root / "doing") if name.endswith(".md"))


@pytest.mark.timeout(60)
def test_start_with_10000_in_doing_is_quick_and_its_warning_is_short(big: Path) -> None:
    count = in_doing(big)
    wanted = min(name for name in os.listdir(big / "open") if name.endswith(".md"))
    started = time.perf_counter()
    result = pulse("start", wanted.split("-")[0], cwd=big.parent, timeout=30)
    took = time.perf_counter() - started
    assert result.returncode == 0, result.stderr[:2000]
    assert took < 5, f"pulse start took {took:.2f} s"
    (warning,) = [line for line in result.stderr.splitlines() if "over its limit" in line]
    assert len(warning) < 1000, warning[:2000]
    assert f"({count + 1:,}/3)" in warning or f"({count + 1}/3)" in warning, warning
    assert f"and {count - actions.WIP_NAMED:,} more" in warning, warning


@pytest.mark.timeout(60)
@pytest.mark.parametrize("command", ["next", "claim"])
def test_next_and_claim_with_10000_in_doing_are_quick(big: Path, command: str) -> None:
    started = time.perf_counter()
    result = pulse(command, cwd=big.parent, timeout=30)
    took = time.perf_counter() - started
    assert took < 5, f"pulse {command} took {took:.2f} s"
    if command == "next":
        assert result.returncode == 0 and "over its limit" in result.stdout, result.stderr[:2000]
    else:  # far over the limit: nothing to claim, said in one short line
        assert result.returncode == 1 and "nothing to claim" in result.stderr, result.stderr[:2000]
        assert len(result.stderr) < 1000


@pytest.mark.timeout(60)
def test_suggest_on_10000_in_doing_is_quick(big: Path) -> None:
    board = Board(big)
    tasks = board.tasks()
    doing = [t for t in tasks if t.state == "doing"]
    assert len(doing) >= DOING
    with collector_off():
        started = time.perf_counter()
        result = suggest(tasks, board.settings.heartbeat, board.root, NOW)
        took = time.perf_counter() - started
    assert took < 2, f"suggest() took {took:.2f} s"
    assert result[0].kind == "over-limit"
    conflicts = [s for s in result if s.kind == "conflict"]
    assert 0 < len(conflicts) <= CLASHES_PER_TASK * len(doing)


@pytest.mark.timeout(60)
def test_the_wip_check_reads_only_the_tasks_it_names(big: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    board = Board(big)
    loaded: list[str] = []
    load = Board.load

    def counting_load(self: Board, entry: Entry) -> Task:
        loaded.append(entry.name)
        return load(self, entry)

    monkeypatch.setattr(Board, "load", counting_load)
    doing = board.entries(["doing"])
    moving = board.entries(["open"])[0] if board.entries(["open"]) else doing[0]
    asked: list[str] = []
    (warning,) = wip_check(
        DoingOnDisk(board), moving, board.settings, False, lambda i: asked.append(i) or i[:4]
    )
    assert len(loaded) == actions.WIP_NAMED and len(asked) == actions.WIP_NAMED
    assert loaded == sorted(e.name for e in doing if e.id != moving.id)[: actions.WIP_NAMED]
    assert len(warning) < 1000


@pytest.mark.timeout(60)
def test_beat_on_10000_tasks_a_quarter_in_each_state_is_quick() -> None:
    rng = random.Random(13)
    tasks: list[Task] = []
    for number in range(10_000):
        state = ("open", "doing", "done", "blocked")[number % 4]
        touches = (f"src/mod{rng.randrange(300)}.py", f"comp{rng.randrange(9)}")
        if rng.random() < 0.01:
            touches += (f"src/mod{rng.randrange(30)}*.py",)
        fields = {"touches": touches, "created": "2026-11-20T10:00:00Z"}
        if state == "doing":
            fields["started"] = "2026-11-22T11:50:00Z"
        if state == "blocked":
            fields["blocked"] = {"reason": "r", "waiting_on": "ops", "since": "2026-11-22T09:00:00Z"}
        tasks.append(memory_task(task_id("q", number), state, **fields))
    for limit in (3, 100_000):  # over the limit; and room, so every open task is checked against doing
        with collector_off():
            started = time.perf_counter()
            result = beat(tasks, NOW, HeartbeatSettings(wip_doing=limit))
            took = time.perf_counter() - started
        assert took < 2, f"beat() with a limit of {limit} took {took:.2f} s"
        assert result


# The overlap index against the rule, pair by pair.

_PARTS = ["src", "a", "b", "ui", "x.py", "*.py", "*", "?", "[ab]", "[!a]", "**", "a*", "", "A", "[", "b.py",
          "x" * 600]  # fmt: skip
ENTRY = st.tuples(
    st.sampled_from(["", "./", " ", "./."]),
    st.lists(st.sampled_from(_PARTS), min_size=1, max_size=4),
    st.sampled_from(["/", "\\"]),
    st.sampled_from(["", "/", " "]),
).map(lambda t: t[0] + t[2].join(t[1]) + t[3])
TOUCH_LISTS = st.lists(st.lists(ENTRY, max_size=3).map(tuple), max_size=9)


def naive_earlier(lists: list[tuple[str, ...]]) -> list[list[int]]:
    return [[i for i in range(j) if overlaps(lists[i], lists[j])] for j in range(len(lists))]


@settings(max_examples=300, deadline=None)
@given(TOUCH_LISTS, st.lists(ENTRY, max_size=3))
def test_the_index_answers_as_every_pair_does(lists: list[tuple[str, ...]], query: list[str]) -> None:
    naive = naive_earlier(lists)
    for k in (1, 3, 100):
        assert earlier_overlaps(lists, k) == [found[:k] for found in naive]
    index = TouchIndex(lists)
    owners = [i for i, touches in enumerate(lists) if overlaps(query, touches)]
    assert index.first(query, 2) == owners[:2]
    assert index.first(query, 100) == owners


@settings(max_examples=300, deadline=None)
@given(st.lists(ENTRY, max_size=14), st.lists(ENTRY, max_size=12))
def test_one_tasks_touches_against_each_other_and_another_list(a: list[str], b: list[str]) -> None:
    pairs = overlaps(a, b)
    assert first_overlap(a, b) == (pairs[0][0] if pairs else None)
    assert any_overlap(a) is any(overlaps([x], [y]) for i, x in enumerate(a) for y in a[i + 1 :])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(ENTRY, max_size=3).map(tuple), min_size=1, max_size=CLASHES_PER_TASK + 1))
def test_a_handful_in_doing_gives_every_overlapping_pair(lists: list[tuple[str, ...]]) -> None:
    """Up to CLASHES_PER_TASK + 1 tasks in doing: the conflicts are every overlapping pair, as before."""
    doing = [
        memory_task(f"d{n}", "doing", touches=touches, started=f"2026-11-22T11:5{n}:00Z")
        for n, touches in enumerate(lists)
    ]
    result = beat(doing, NOW, HeartbeatSettings(wip_doing=10))
    expected = [
        ((a.id, b.id), f'"{a.title}" and "{b.title}" both touch {pairs[0][0]}: run them one after the other.')
        for i, a in enumerate(doing)
        for b in doing[i + 1 :]
        if (pairs := overlaps(a.touches, b.touches))
    ]
    assert [(s.ids, s.text) for s in result if s.kind == "conflict"] == expected
