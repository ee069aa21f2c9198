"""The heartbeat engine, rule by rule with a fixed clock, and a property: it never crashes and
never proposes starting a task whose dependencies aren't done, or while Doing is full."""

from __future__ import annotations

import datetime as dt
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.helpers import aged_task, minutes_before

from pulseboard.core.board import Task
from pulseboard.core.heartbeat import HeartbeatSettings, Suggestion, beat, time_box

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
CONF = HeartbeatSettings()


stamp = partial(minutes_before, NOW)  # stamp(5): five minutes before NOW
task = partial(aged_task, NOW)  # task(id, state, **fields): made an hour before NOW


def kinds(result: list[Suggestion]) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.kind, s.ids) for s in result]


CASES = [
    pytest.param(  # 1. over the limit: finish or block, naming the oldest in doing
        [task("d1", "doing", started=stamp(9)), task("d2", "doing", started=stamp(50)),
         task("d3", "doing"), task("d4", "doing"), task("o1")],
        ("over-limit", ("d2",)), id="over-limit",
    ),
    pytest.param(  # 2. at the limit: finish first
        [task("d1", "doing", started=stamp(9)), task("d2", "doing"), task("d3", "doing"), task("o1")],
        ("at-limit", ("d1",)), id="at-limit",
    ),
    pytest.param(  # 3. past twice the 15-minute box: split
        [task("d1", "doing", started=stamp(31)), task("o1")], ("split", ("d1",)), id="split-after-30m",
    ),
    pytest.param(  # 3. past the box: consider splitting
        [task("d1", "doing", started=stamp(16))], ("consider-split", ("d1",)), id="consider-after-15m",
    ),
    pytest.param(  # 3. the estimate sets the box: 5m estimate, 11 minutes in
        [task("d1", "doing", started=stamp(11), estimate=300)], ("split", ("d1",)), id="estimate-sets-box",
    ),
    pytest.param(  # 3. an open task estimated over 30 minutes: split before starting
        [task("o1", estimate=3600)], ("split-before-start", ("o1",)), id="too-big-to-start",
    ),
    pytest.param(  # 3. a bundle: "X and Y"
        [task("o1", title="Add datetime tracking and update the dashboard")],
        ("split-before-start", ("o1",)), id="bundle-title",
    ),
    pytest.param(  # 5. a blocked task whose depends are all done: unblock it
        [task("b1", "blocked", depends=("x1",),
              blocked={"reason": "r", "waiting_on": "ana", "since": stamp(90)}),
         task("x1", "done")], ("unblock", ("b1",)), id="unblock",
    ),
    pytest.param(  # 6. two tasks in doing touching the same file
        [task("d1", "doing", touches=("src/a.py",)), task("d2", "doing", touches=("src/*.py",))],
        ("conflict", ("d1", "d2")), id="conflict",
    ),
    pytest.param(  # 7. next to start: priority first
        [task("o1", priority="low"), task("o2", priority="critical"), task("o3")],
        ("start", ("o2",)), id="start-by-priority",
    ),
    pytest.param(  # 8. nothing to do
        [task("b1", "blocked", blocked={"reason": "key", "waiting_on": "ops", "since": stamp(30)})],
        ("blocked", ("b1",)), id="only-blocked",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("tasks", "top"), CASES)
def test_each_rule_tops_the_list(tasks: list[Task], top: tuple[str, tuple[str, ...]]) -> None:
    result = beat(tasks, NOW, CONF)
    assert kinds(result)[0] == top, kinds(result)
    assert all((s.text and s.reasons) or s.kind == "idle" for s in result)


def test_at_the_limit_nothing_is_proposed_to_start() -> None:
    result = beat([task("d1", "doing"), task("d2", "doing"), task("d3", "doing"), task("o1")], NOW, CONF)
    assert not [s for s in result if s.action == "start"]


def test_stale_spec_when_the_file_changed_after_start() -> None:
    doing = task("d1", "doing", started=stamp(10))
    fresh = beat([doing], NOW, CONF, modified={"d1": (NOW - dt.timedelta(minutes=10)).timestamp() + 1})
    stale = beat([doing], NOW, CONF, modified={"d1": (NOW - dt.timedelta(minutes=2)).timestamp()})
    assert "stale-spec" not in [s.kind for s in fresh]
    assert kinds(stale)[0] == ("stale-spec", ("d1",))


def test_blocked_surface_by_wait_and_say_who() -> None:
    result = beat(
        [task("b1", "blocked", blocked={"reason": "needs the key", "waiting_on": "ops", "since": stamp(30)}),
         task("b2", "blocked", blocked={"reason": "review", "waiting_on": "ana", "since": stamp(600)})],
        NOW, CONF,
    )  # fmt: skip
    blocked = [s for s in result if s.kind == "blocked"]
    assert [s.ids for s in blocked] == [("b2",), ("b1",)]
    assert "ana" in blocked[0].text and "review" in blocked[0].text
    assert result[-1].kind == "idle" and "ana, ops" in result[-1].text


def test_candidates_rank_small_unblocking_work_and_demote_overlap() -> None:
    result = beat(
        [task("d1", "doing", touches=("navbar",)),
         task("o1", estimate=300), task("o2", estimate=1500), task("o3", touches=("navbar",)),
         task("o4"), task("w1", depends=("o4",)), task("w2", depends=("o4",))],
        NOW, CONF,
    )  # fmt: skip
    starts = [s.ids[0] for s in result if s.action == "start"]
    assert starts.index("o4") < starts.index("o2") and starts.index("o1") < starts.index("o2")
    assert starts[-1] == "o3"
    clash = next(s for s in result if s.ids == ("o3",))
    assert any("in doing" in term and points < 0 for term, points in clash.reasons)
    assert "touch the same things" in clash.text
    assert "w1" not in starts and "w2" not in starts  # their dependency isn't done


def test_cycles_and_missing_ids_are_suggestions() -> None:
    result = beat(
        [task("a1", depends=("b1",)), task("b1", depends=("a1",)), task("c1", depends=("zz",))], NOW, CONF
    )
    assert {"cycle", "missing-dependency"} <= {s.kind for s in result}


def test_time_box_from_estimate_or_default() -> None:
    assert time_box(task("x", estimate=None), CONF) == (900, 1800)
    assert time_box(task("x", estimate=600), CONF) == (600, 1200)


def test_deterministic() -> None:
    tasks = [task(f"t{i}", priority=["low", "high"][i % 2]) for i in range(20)]
    assert beat(tasks, NOW, CONF) == beat(list(reversed(tasks)), NOW, CONF)


STATES = st.sampled_from(["open", "doing", "done", "blocked"])
IDS = st.sampled_from([f"t{i}" for i in range(8)] + ["zz"])
TASKS = st.lists(
    st.builds(
        lambda i, state, prio, est, deps, touch, age, blocked: task(
            f"t{i}", state, priority=prio, estimate=est, depends=tuple(deps), touches=tuple(touch),
            created=stamp(age), started=stamp(age / 2) if state == "doing" else None,
            blocked={"reason": "r", "waiting_on": None, "since": stamp(age)}
            if state == "blocked" and blocked
            else None,
        ),
        st.integers(0, 7), STATES, st.sampled_from(["critical", "high", "medium", "low"]),
        st.one_of(st.none(), st.integers(0, 7200)), st.lists(IDS, max_size=3),
        st.lists(st.sampled_from(["src/a.py", "src/*.py", "navbar", "docs"]), max_size=2),
        st.floats(0, 100_000), st.booleans(),
    ),
    max_size=12, unique_by=lambda t: t.id,
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(tasks=TASKS, limit=st.integers(1, 4))
def test_property_never_crashes_never_starts_what_it_must_not(tasks: list[Task], limit: int) -> None:
    conf = HeartbeatSettings(wip_doing=limit)
    result = beat(tasks, NOW, conf)
    assert result
    done = {t.id for t in tasks if t.state == "done"}
    doing = sum(1 for t in tasks if t.state == "doing")
    by_id = {t.id: t for t in tasks}
    for suggestion in result:
        if suggestion.action == "start":
            assert doing < limit
            started = by_id[suggestion.ids[0]]
            assert started.state == "open"
            assert all(d in done for d in started.depends)  # each names a done task (ids here are whole)


def test_cards_colour_time_in_doing_by_the_engines_time_box() -> None:
    """One rule: the card turns amber when the engine says consider splitting, red when it says split."""
    from pulseboard.tui.widgets.cards import time_box_style

    five = task("d1", "doing", estimate=300)
    assert [time_box_style(five, m * 60, CONF) for m in (4, 6, 11)] == [
        "card--meta",
        "card--age-warn",
        "card--age-over",
    ]
    plain = task("d2", "doing")
    assert [time_box_style(plain, m * 60, CONF) for m in (14, 16, 31)] == [
        "card--meta",
        "card--age-warn",
        "card--age-over",
    ]
    assert {s.kind for s in beat([task("d1", "doing", estimate=300, started=stamp(11))], NOW, CONF)} >= {
        "split"
    }


@pytest.mark.parametrize(
    ("title", "bundle"),
    [
        ("Add datetime tracking and update the dashboard", True),
        ("Write the tests & fix the docs", True),
        ("Support drag and drop", False),
        ("Fix search & replace", False),
        ("Add 2 + 2 test", False),
        ("Rock and roll", False),
    ],
)
def test_a_bundle_title_joins_two_phrases_not_two_words(title: str, bundle: bool) -> None:
    result = beat([task("o1", title=title)], NOW, CONF)
    assert (result[0].kind == "split-before-start") is bundle
    if bundle:
        assert result[0].reasons[0] == ("bundles independent parts", 280)
