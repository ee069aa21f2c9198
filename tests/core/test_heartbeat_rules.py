"""Each heartbeat rule called alone on a `BoardView`, and the engine that runs them: `beat` is the
rules in order, plus idle, ranked; and it reads no file."""

from __future__ import annotations

import builtins
import datetime as dt
import os
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from test_heartbeat import NOW, stamp, task

from pulseboard.core import heartbeat_rules as rules
from pulseboard.core.board import Task
from pulseboard.core.heartbeat import RULES, HeartbeatSettings, Suggestion, beat, rank
from pulseboard.core.heartbeat_rules import BoardView

CONF = HeartbeatSettings()


def view(*tasks: Task, settings: HeartbeatSettings = CONF, **inputs: Any) -> BoardView:
    return BoardView.of(tasks, NOW, settings, **inputs)


def said(result: list[Suggestion]) -> list[tuple[str, tuple[str, ...]]]:
    return [(s.kind, s.ids) for s in result]


def test_the_view_sorts_doing_by_start_and_times_it() -> None:
    board = view(task("d1", "doing", started=stamp(3)), task("d2", "doing", started=stamp(20)),
                 task("d3", "doing", started=None), task("x1", "done"))  # fmt: skip
    assert [t.id for t in board.doing] == ["d3", "d2", "d1"]  # no stamp sorts first
    assert board.elapsed == [None, 1200.0, 180.0]
    assert board.done_ids == {"x1"} and board.modified == {} and board.push_failed is None


def test_in_two_places_names_both_folders() -> None:
    result = rules.in_two_places(view(task("a1", "open"), task("a1", "doing"), task("b1")))
    assert said(result) == [("two-places", ("a1",))]
    assert "doing/ and open/" in result[0].text and result[0].score == 1100
    assert rules.in_two_places(view(task("a1"), task("b1"))) == []


def test_conflict_markers_only_for_that_error() -> None:
    marked = task("a1", error="has conflict markers (<<<<<<<)")
    broken = task("b1", error="is not valid YAML")
    result = rules.conflict_markers(view(marked, broken))
    assert said(result) == [("conflict-markers", ("a1",))]
    assert result[0].text == "open/a1.md has conflict markers (<<<<<<<)."


def test_failed_push_asks_for_a_sync() -> None:
    assert rules.failed_push(view()) == []
    assert rules.failed_push(view(push_failed="")) == []
    result = rules.failed_push(view(push_failed="no remote (at 12:00)"))
    assert [(s.kind, s.action, s.score) for s in result] == [("push-failed", "sync", 1000)]
    assert "no remote (at 12:00)" in result[0].text


def test_wip_limit_over_names_the_oldest() -> None:
    doing = [task(f"d{i}", "doing", started=stamp(10 + i)) for i in range(4)]
    result = rules.wip_limit(view(*doing))
    assert said(result) == [("over-limit", ("d3",))]
    assert "(4/3)" in result[0].text


def test_wip_limit_at_asks_to_finish_each_oldest_first() -> None:
    doing = [task(f"d{i}", "doing", started=stamp(10 + i)) for i in range(3)]
    result = rules.wip_limit(view(*doing))
    assert [(s.kind, s.ids, s.score) for s in result] == [
        ("at-limit", ("d2",), 400), ("at-limit", ("d1",), 399), ("at-limit", ("d0",), 398),
    ]  # fmt: skip
    assert rules.wip_limit(view(*doing[:2])) == []


@pytest.mark.parametrize(
    ("started", "estimate", "expected"),
    [(5, None, []), (16, None, ["consider-split"]), (31, None, ["split"]), (11, 300, ["split"]),
     (16, 3600, []), (None, None, [])],
)  # fmt: skip
def test_time_boxes(started: float | None, estimate: int | None, expected: list[str]) -> None:
    doing = task("d1", "doing", started=None if started is None else stamp(started), estimate=estimate)
    result = rules.time_boxes(view(doing))
    assert [s.kind for s in result] == expected
    if expected == ["split"] and estimate is None:
        assert result[0].score == 700 + 31.0 and "31m" in result[0].text and "15m box" in result[0].text


def test_stale_specs_after_the_grace_only() -> None:
    doing = task("d1", "doing", started=stamp(10))
    start = (NOW - dt.timedelta(minutes=10)).timestamp()
    assert rules.stale_specs(view(doing, modified={"d1": start + rules.STALE_GRACE_S})) == []
    assert rules.stale_specs(view(doing)) == []
    result = rules.stale_specs(view(doing, modified={"d1": start + 60}))
    assert [(s.kind, s.action, s.ids) for s in result] == [("stale-spec", "re-read", ("d1",))]


def test_overlaps_in_doing_pair_each_with_a_few_earlier() -> None:
    doing = [task(f"d{i}", "doing", started=stamp(50 - i), touches=("src/a.py",)) for i in range(6)]
    result = rules.overlaps_in_doing(view(*doing, task("d9", "doing", touches=("docs",))))
    assert all(s.kind == "conflict" and s.action == "finish" for s in result)
    assert ("d0", "d1") in [s.ids for s in result] and "src/a.py" in result[0].text
    per_task = [sum(1 for s in result if s.ids[1] == f"d{i}") for i in range(6)]
    assert per_task == [0, 1, 2, rules.CLASHES_PER_TASK, rules.CLASHES_PER_TASK, rules.CLASHES_PER_TASK]
    assert not [s for s in result if "d9" in s.ids]


def test_unblock_when_every_dependency_is_done_else_wait() -> None:
    info = {"reason": "review", "waiting_on": "ana", "since": stamp(120)}
    ready = task("b1", "blocked", depends=("x1",), blocked=info)
    waiting = task("b2", "blocked", depends=("x2",), blocked=info)
    unnamed = task("b3", "blocked")
    result = rules.unblock_or_wait(view(ready, waiting, unnamed, task("x1", "done"), task("x2")))
    assert [(s.kind, s.action, s.ids, s.score) for s in result] == [
        ("unblock", "unblock", ("b1",), 600), ("blocked", "wait", ("b2",), 152.0),
        ("blocked", "wait", ("b3",), 150.0),
    ]  # fmt: skip
    assert "waited 2h on ana: review" in result[1].text
    assert "someone (nobody named): no reason given" in result[2].text


def test_dependency_problems_missing_ambiguous_and_cycles() -> None:
    result = rules.dependency_problems(
        view(task("a1", depends=("b1",)), task("b1", depends=("a1",)), task("c1", depends=("zz",)),
             task("c2", depends=("a",)), task("a2"))
    )  # fmt: skip
    assert said(result) == [
        ("missing-dependency", ("c1",)), ("ambiguous-dependency", ("c2",)), ("cycle", ("a1", "b1")),
    ]  # fmt: skip
    assert all(s.action == "resolve" and s.score == 250 for s in result)


def test_waiting_on_counts_open_and_blocked_dependants() -> None:
    board = view(task("o1"), task("w1", depends=("o1",)), task("w2", "blocked", depends=("o1",)),
                 task("w3", "done", depends=("o1",)))  # fmt: skip
    assert rules.waiting_on(board) == {"o1": 2}


def test_start_terms_add_up_what_ranks_an_open_task() -> None:
    age = rules.age_points(3600, CONF.weights)  # made an hour ago
    terms = dict(rules.start_terms(task("o1", priority="high", estimate=300), CONF, age, 2, "Navbar"))
    assert terms == {
        "priority high": 3.9, "age": 0.01, "estimate up to 10m": 1.5, "unblocks 2": 2.0,
        'touches the same as "Navbar" in doing': -3.0,
    }  # fmt: skip
    assert dict(rules.start_terms(task("o2", estimate=3600), CONF, age, 0, None)) == {
        "priority medium": 1.8, "age": 0.01, "estimate over 30m": -1.0,
    }  # fmt: skip


def test_next_to_start_start_after_and_split_before() -> None:
    board = view(
        task("d1", "doing", touches=("navbar",)), task("o1"), task("o2", touches=("navbar",)),
        task("o3", estimate=3600), task("o4", title="Add the tests and update the docs"),
        task("o5", depends=("o1",)), task("o6", error="is not valid YAML"),
    )  # fmt: skip
    result = {s.ids[0]: s for s in rules.next_to_start(board)}
    assert {key: s.kind for key, s in result.items()} == {
        "o1": "start", "o2": "start-after", "o3": "split-before-start", "o4": "split-before-start",
    }  # fmt: skip
    assert result["o1"].score == 300 + 1.8 + 0.01 + 1  # it unblocks o5
    assert '"Task d1"' in result["o2"].text
    assert "estimated over 30m" in result["o3"].text and "bundles independent parts" in result["o4"].text


def test_next_to_start_says_nothing_when_doing_is_full() -> None:
    doing = [task(f"d{i}", "doing") for i in range(3)]
    assert rules.next_to_start(view(*doing, task("o1"))) == []
    assert rules.next_to_start(view(*doing, task("o1"), settings=replace(CONF, wip_doing=4)))


def test_idle_only_when_nobody_is_asked_to_act() -> None:
    b1 = task("b1", "blocked", blocked={"waiting_on": "ops"})
    b2 = task("b2", "blocked")
    board = view(b1, b2)
    waits = rules.unblock_or_wait(board)
    [quiet] = rules.idle(board, waits)
    assert (quiet.kind, quiet.action, quiet.ids, quiet.score) == ("idle", "wait", (), 0)
    assert quiet.text == "Nothing to start or finish. 2 blocked, waiting on ops, someone."
    assert rules.idle(view(), [])[0].text == "Nothing to start or finish."
    assert rules.idle(board, [Suggestion("start", "start", ("o1",), "", 301)]) == []
    assert rules.idle(board, [Suggestion("two-places", "resolve", ("o1",), "", 1100)]) == []


def test_beat_is_the_rules_in_order_plus_idle_ranked() -> None:
    tasks = [task("d1", "doing", started=stamp(40), touches=("a",)), task("d2", "doing", touches=("a",)),
             task("o1"), task("b1", "blocked"), task("c1", depends=("zz",)), task("o1", "done")]  # fmt: skip
    board = BoardView.of(tasks, NOW, CONF, None, "offline")
    everything = [s for rule in RULES for s in rule(board)]
    assert beat(tasks, NOW, CONF, None, "offline") == rank(everything + rules.idle(board, everything))
    assert len(RULES) == len(set(RULES)) == 12
    scores = [s.score for s in beat(tasks, NOW, CONF, None, "offline")]
    assert scores == sorted(scores, reverse=True)


def test_beat_reads_no_file(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the engine read the disk")

    tasks = [task("d1", "doing", started=stamp(40)), task("o1", depends=("zz",)), task("b1", "blocked")]
    expected = beat(tasks, NOW, CONF)
    for name in ("open", "stat", "lstat", "scandir", "listdir"):
        monkeypatch.setattr(builtins if name == "open" else os, name, refuse)
    assert beat(tasks, NOW, CONF) == expected


def test_the_docs_say_what_a_bundle_is_as_the_code_decides() -> None:
    """docs/heartbeat.md's bundle examples, asked of the rule itself (it used to call "Parse and
    render" and "Support drag and drop" bundles; the rule says neither is)."""
    text = (Path(__file__).parents[2] / "docs" / "heartbeat.md").read_text(encoding="utf-8")
    bullet = text[text.index("- A task is a bundle when") :].split("\n- ")[0]
    example, *single = re.findall(r'"([^"]+)"', bullet)
    row = re.search(r'`"([^"]+)" bundles independent parts', text)
    assert row is not None and single
    settings = HeartbeatSettings()
    for title in (example, row.group(1)):
        assert rules.is_bundle(task("t1", title=title), settings), title
    for title in single:
        assert not rules.is_bundle(task("t1", title=title), settings), title


def test_parts_finished_asks_to_finish_a_task_whose_every_part_is_done() -> None:
    parent = task("p1", "doing", title="Big one", children=("c1", "c2", "c3"))
    parts = [task("c1", "done"), task("c2", "done"), task("c3", "open")]
    assert rules.parts_finished(view(parent, *parts)) == []  # one part still open
    parts[2] = task("c3", "done")
    result = rules.parts_finished(view(parent, *parts))
    assert [(s.kind, s.action, s.ids, s.score) for s in result] == [("parts-done", "finish", ("p1",), 600)]
    assert result[0].text == 'All 3 parts of "Big one" are done: finish it.'
    assert rules.parts_finished(view(replace(parent, state="done"), *parts)) == []  # finished already
    missing = replace(parent, children=("c1", "zz"))  # a part naming no task is never done
    assert rules.parts_finished(view(missing, *parts)) == []
    one = rules.parts_finished(view(replace(parent, children=("c1",)), *parts))
    assert one[0].text == 'The one part of "Big one" is done: finish it.'


def test_a_task_split_into_parts_is_not_suggested_to_start() -> None:
    """Its parts are what to start; it waits for them (then parts_finished says finish it)."""
    board = view(task("p1", children=("c1",)), task("c1"))
    assert said(rules.next_to_start(board)) == [("start", ("c1",))]


def test_a_task_split_into_parts_has_no_time_box_of_its_own() -> None:
    """Past its box in doing, a task says split it; once split, its parts have the boxes."""
    two_hours_ago = stamp(120)
    whole = task("p1", "doing", started=two_hours_ago, estimate=600)
    assert said(rules.time_boxes(view(whole))) == [("split", ("p1",))]
    split = replace(whole, children=("c1", "c2"))
    assert rules.time_boxes(view(split, task("c1"), task("c2"))) == []


def test_a_start_note_names_what_the_task_waited_on() -> None:
    """Ready now: its depends as written (a generated id by its first characters), all done."""
    done = task("a1b2c3d4e5", "done")
    board = view(done, task("o1", depends=("a1b2c3d4e5",)), task("o2", depends=("a1b2", "fix-nav")),
                 task("fix-nav", "done"))  # fmt: skip
    result = {s.ids[0]: s.text for s in rules.next_to_start(board)}
    assert result["o1"] == 'Start "Task o1". Ready now: a1b2 was done.'
    assert result["o2"] == 'Start "Task o2". Ready now: a1b2, fix-nav were done.'
