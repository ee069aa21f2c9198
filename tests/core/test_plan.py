"""The plan for N hands (core/plan.py): lanes of open tasks that can run side by side, on hand-made
boards with a fixed clock, and a property over random boards: no two lanes touch the same things,
dependencies come first in their own lane, every open task is planned or left out, once."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.board_helpers import Maker
from support.helpers import aged_task, minutes_before

from pulseboard.core.board import Board, Task
from pulseboard.core.config import HeartbeatSettings, HolderSettings, Settings
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat import beat
from pulseboard.core.overlap import overlaps
from pulseboard.core.plan import MAX_HANDS, Plan, plan

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
ROOT = Path("/b")


stamp = partial(minutes_before, NOW)  # stamp(5): five minutes before NOW
task = partial(aged_task, NOW)  # task(id, state, **fields): made an hour before NOW


def planned(tasks: list[Task], hands: int = 3, config: Settings | None = None) -> Plan:
    return plan(tasks, config or Settings(), NOW, hands, ROOT)


def lanes(result: Plan) -> list[list[str]]:
    return [[step.task.id for step in lane.steps] for lane in result.lanes]


def left(result: Plan) -> dict[str, str]:
    return {item.task.id: item.reason for item in result.left_out}


def test_tasks_touching_the_same_file_share_one_lane_in_the_heartbeats_order() -> None:
    tasks = [
        task("a1", priority="low", touches=("src/nav.py",)),
        task("b2", priority="critical", touches=("./SRC/nav.py",)),  # the overlap rule: case and ./ aside
        task("c3", priority="high", touches=("src/*.py",)),  # a glob matching it
        task("d4", priority="medium", touches=("src",)),  # the folder holding it
    ]
    result = planned(tasks)
    assert lanes(result) == [["b2", "c3", "d4", "a1"], [], []]
    starts = [s.ids[0] for s in beat(tasks, NOW, HeartbeatSettings()) if s.kind == "start"]
    assert lanes(result)[0] == starts  # the heartbeat's rank, not a new one
    step = result.lanes[0].steps[3]
    assert result.like(step) == (tasks[1], "src/nav.py")  # the first in its lane touching the same
    assert result.why(step, lambda i: i) == "touches src/nav.py like b2"


def test_disjoint_areas_spread_over_the_lanes_best_first() -> None:
    tasks = [
        task("a1", priority="low", touches=("docs/setup.md",)),
        task("b2", priority="critical", touches=("src/nav.py",)),
        task("c3", priority="high", touches=("billing",)),
    ]
    result = planned(tasks)
    assert lanes(result) == [["b2"], ["c3"], ["a1"]]
    assert all(lane.free for lane in result.lanes)
    assert [step.task.id for step in result.heads()] == ["b2", "c3", "a1"]
    assert result.why(result.lanes[0].steps[0], str) == "nothing else planned touches the same"


def test_areas_beyond_the_hands_join_the_lane_with_the_least_planned_time() -> None:
    tasks = [
        task("a1", priority="critical", estimate=25 * 60, touches=("a",)),
        task("b2", priority="high", estimate=5 * 60, touches=("b",)),
        task("c3", priority="medium", estimate=10 * 60, touches=("c",)),
        task("d4", priority="low", estimate=10 * 60, touches=("d",)),
        task("e5", priority="low", touches=("e",)),  # no estimate: its 15m time box
    ]
    result = planned(tasks, hands=2)  # b2, c3, d4 fill lane 2 up to lane 1's 25m; the tie goes to lane 1
    assert lanes(result) == [["a1", "e5"], ["b2", "c3", "d4"]]
    assert [lane.seconds for lane in result.lanes] == [40 * 60, 25 * 60]


def test_a_dependency_chain_stays_in_one_lane_dependencies_first() -> None:
    tasks = [
        task("c3", priority="critical", depends=("b2",), touches=("docs/c.md",)),
        task("b2", priority="medium", depends=("a1",), touches=("src/b.py",)),
        task("a1", priority="low", touches=("src/a.py",)),
        task("x9", priority="high", touches=("src/x.py",)),
        task("z0", "done"),
        task("y8", priority="low", depends=("z0",)),  # its dependency is done: ready now, before x9
    ]
    result = planned(tasks)
    assert lanes(result) == [["a1", "b2", "c3"], ["y8"], ["x9"]]  # the chain leads: c3 is critical
    chain = result.lanes[0].steps
    assert [step.after for step in chain] == [(), ("a1",), ("b2",)]
    assert result.why(chain[2], str) == "after b2"


def test_a_task_touching_what_is_in_doing_waits_in_its_lane_behind_free_work() -> None:
    tasks = [
        task("d1", "doing", touches=("navbar", "web/styles.css")),
        task("o1", priority="critical", touches=("navbar", "src/nav.py")),  # overlaps d1
        task("o2", priority="low", touches=("src/nav.py",)),  # overlaps o1 only: runs first
        task("o3", priority="medium", touches=("web/*.css",)),  # overlaps only d1: waits alone
        task("f1", priority="low", touches=("docs/x.md",)),
    ]
    result = planned(tasks)
    assert lanes(result) == [["f1"], ["o2", "o1"], ["o3"]]  # f1 and o2 tie but for their ids
    assert [lane.free for lane in result.lanes] == [True, True, False]
    assert result.lanes[1].steps[1].after == ("d1",)
    assert (
        result.why(result.lanes[1].steps[1], str)
        == "touches src/nav.py like o2; waits for d1 in doing (navbar)"
    )
    assert result.why(result.lanes[2].steps[0], str) == "waits for d1 in doing (web/*.css)"
    assert [step.task.id for step in result.heads()] == ["f1", "o2"]


def test_one_hand_gets_one_lane_and_more_hands_than_areas_leave_lanes_empty() -> None:
    tasks = [
        task("a1", touches=("a",)),
        task("b2", priority="high", touches=("b",)),
        task("c3", touches=("a",)),
    ]
    assert lanes(planned(tasks, hands=1)) == [["b2", "a1", "c3"]]
    result = planned(tasks, hands=5)
    assert lanes(result) == [["b2"], ["a1", "c3"], [], [], []]
    assert [lane.free for lane in result.lanes] == [True, True, False, False, False]
    assert [lane.number for lane in result.lanes] == [1, 2, 3, 4, 5]


def test_tasks_that_cannot_start_soon_are_left_out_with_a_reason() -> None:
    tasks = [
        task("big1", estimate=2 * 3600),
        task("bun1", title="Add the tests and update the docs"),
        task("dep1", depends=("big1",)),  # waits on a task left out
        task("dep2", depends=("dep1",)),  # and so on down the chain
        task("blk1", "blocked", blocked={"reason": "r", "waiting_on": "ops", "since": stamp(30)}),
        task("onb1", depends=("blk1",)),
        task("doi1", "doing"),
        task("ond1", depends=("doi1",)),
        task("cy1", depends=("cy2",)),
        task("cy2", depends=("cy1",)),
        task("miss", depends=("nothere",)),
        task("bad1", error="bad YAML"),
        task("two1"),
        task("two1", "done"),
        task("ok1"),
    ]
    result = planned(tasks)
    assert lanes(result) == [["ok1"], [], []]
    reasons = left(result)
    assert set(reasons) == {
        "big1",
        "bun1",
        "dep1",
        "dep2",
        "onb1",
        "ond1",
        "cy1",
        "cy2",
        "miss",
        "bad1",
        "two1",
    }
    assert reasons["big1"] == '"Task big1" is estimated over 30m: split it before starting.'
    assert reasons["bun1"].endswith("bundles independent parts: split it before starting.")
    assert reasons["dep1"] == 'it waits on "Task big1", which is left out too.'
    assert reasons["dep2"] == 'it waits on "Task dep1", which is left out too.'
    assert reasons["onb1"] == 'it waits on "Task blk1", which is blocked.'
    assert reasons["ond1"] == 'it waits on "Task doi1", which is doing.'
    assert "cycle" in reasons["cy1"] and "cycle" in reasons["cy2"]
    assert "'nothere', which names no task" in reasons["miss"]
    assert "bad YAML" in reasons["bad1"] and "two places" in reasons["two1"]


def test_weights_say_whether_one_hand_may_take_a_task() -> None:
    tasks = [task("f1", tags=("feature",), touches=("a",)), task("p1", priority="high", touches=("b",))]
    steps = {step.task.id: step for lane in planned(tasks).lanes for step in lane.steps}
    assert (steps["f1"].weight, steps["f1"].fits) == (1.5, True)
    assert (steps["p1"].weight, steps["p1"].fits) == (1.0, True)
    strict = Settings(heartbeat=HeartbeatSettings(holders=HolderSettings(limit=1.0)))
    steps = {step.task.id: step for lane in planned(tasks, config=strict).lanes for step in lane.steps}
    assert steps["f1"].fits is False and steps["p1"].fits is True


def test_a_full_doing_still_plans_and_says_so() -> None:
    tasks = [task(f"d{i}", "doing", touches=(f"x{i}",)) for i in range(3)] + [task("o1", touches=("y",))]
    result = planned(tasks)
    assert lanes(result) == [["o1"], [], []] and result.wip.full


@pytest.mark.parametrize("hands", [0, -1, MAX_HANDS + 1])
def test_hands_out_of_range_are_refused(hands: int) -> None:
    with pytest.raises(PulseError, match="hands"):
        planned([task("a1")], hands=hands)


def test_a_board_on_disk(board: Board) -> None:
    maker = Maker(board)
    first = maker.task("Fix the navbar typo", touches=["src/nav.py"], priority="high", estimate="5m")
    second = maker.task("Make the navbar sticky", touches=["src/nav.py"])
    maker.task("Tidy the imports", touches=["src/db.py"], estimate="10m")
    maker.task("Deploy", "doing", touches=["infra"])
    result = plan(board.tasks(), board.settings, NOW, 2, board.root)
    assert [len(lane.steps) for lane in result.lanes] == [2, 1]
    assert lanes(result)[0] == [first.id, second.id]
    assert result.lanes[0].seconds == 300 + 15 * 60 and result.wip.count == 1


# -- the property ---------------------------------------------------------------------------------

TOUCHES = ["src/a.py", "src/b.py", "src", "src/*.py", "docs/x.md", "docs", "navbar", "NavBar", "tests/a.py"]
IDS = [f"t{i}" for i in range(10)]


@st.composite
def boards(draw: st.DrawFn) -> list[Task]:
    count = draw(st.integers(1, len(IDS)))
    tasks = []
    for task_id in IDS[:count]:
        state = draw(st.sampled_from(["open", "open", "open", "doing", "done", "blocked"]))
        fields: dict[str, Any] = {
            "touches": tuple(draw(st.lists(st.sampled_from(TOUCHES), max_size=3))),
            "depends": tuple(draw(st.lists(st.sampled_from(IDS[:count]), max_size=2))),
            "priority": draw(st.sampled_from(["critical", "high", "medium", "low"])),
            "estimate": draw(st.sampled_from([None, 300, 1200, 3600])),
        }
        if state == "blocked":
            fields["blocked"] = {"reason": "r", "waiting_on": "ops", "since": stamp(10)}
        tasks.append(task(task_id, state, **fields))
    return tasks


@settings(max_examples=300, deadline=None)
@given(boards(), st.integers(1, 4))
def test_lanes_never_touch_the_same_things_and_keep_dependencies_first(tasks: list[Task], hands: int) -> None:
    result = planned(tasks, hands=hands)
    assert len(result.lanes) == hands
    where = {step.task.id: (lane.number, at) for lane in result.lanes for at, step in enumerate(lane.steps)}
    assert len(where) == sum(len(lane.steps) for lane in result.lanes)  # no task twice
    opened = {t.id for t in tasks if t.state == "open"}
    assert set(where) | set(left(result)) == opened and not set(where) & set(left(result))
    steps = [step for lane in result.lanes for step in lane.steps]
    for a in steps:
        for b in steps:
            if where[a.task.id][0] != where[b.task.id][0]:
                assert not overlaps(a.task.touches, b.task.touches), (a.task.id, b.task.id)
        for dep in a.depends:
            assert where[dep.id][0] == where[a.task.id][0] and where[dep.id][1] < where[a.task.id][1]
        for dep in a.task.depends:  # every dependency is done or planned before it
            assert dep in where or any(t.id == dep and t.state == "done" for t in tasks)
        doing = [t for t in tasks if t.state == "doing" and overlaps(a.task.touches, t.touches)]
        assert bool(a.waits_for) == bool(doing)
        lane = result.lanes[where[a.task.id][0] - 1].steps
        near = [s.task for s in lane if s is not a and overlaps(a.task.touches, s.task.touches)]
        like = result.like(a)
        assert (like[0] if like else None) == (near[0] if near else None)  # the first in its lane
        assert like is None or (overlaps([like[1]], like[0].touches) and like[1] in a.task.touches)
    for lane in result.lanes:
        assert lane.free == bool(lane.steps and not lane.steps[0].waits_for)


def test_the_same_board_in_another_order_gives_the_same_plan() -> None:
    tasks = [task(f"t{i}", priority="medium", touches=(f"f{i % 3}",)) for i in range(9)]
    assert lanes(planned(tasks)) == lanes(planned(list(reversed(tasks))))
    renamed = [replace(t, name=f"z-{t.name}") for t in tasks]
    assert lanes(planned(renamed)) == lanes(planned(tasks))
