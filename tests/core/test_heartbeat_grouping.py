"""`group_by_task`: each task once in the heartbeat's ranking, its other suggestions as grouped reasons.
Pure: suggestions made by hand and beats over tasks made in memory."""

from __future__ import annotations

import datetime as dt

from support.helpers import memory_task

from pulseboard.core.heartbeat import HeartbeatSettings, Suggestion, beat, group_by_task, rank

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)


def made(kind: str, ids: tuple[str, ...], score: float, text: str = "") -> Suggestion:
    return Suggestion(kind, "finish", ids, text or f"{kind} {' '.join(ids)}.", score, ((kind, score),))


def test_a_task_named_first_by_several_suggestions_is_listed_once_led_by_the_best() -> None:
    ranked = rank([
        made("consider-split", ("a",), 520, "past its box."),
        made("at-limit", ("a",), 400, "doing is full."),
        made("stale-spec", ("a",), 800, "re-read it."),
        made("at-limit", ("b",), 399),
        made("start", ("c",), 305),
    ])  # fmt: skip
    grouped = group_by_task(ranked)
    assert [(s.kind, s.ids) for s in grouped] == [
        ("stale-spec", ("a",)), ("at-limit", ("b",)), ("start", ("c",)),
    ]  # fmt: skip
    lead = grouped[0]
    assert lead.also == ("past its box.", "doing is full.")  # in rank order
    assert (lead.text, lead.score, lead.reasons) == ("re-read it.", 800, (("stale-spec", 800),))
    assert grouped[1].also == () and grouped[2].also == ()


def test_a_suggestion_about_two_tasks_groups_under_its_first_id_only() -> None:
    overlap = made("conflict", ("a", "b"), 900, '"A" and "B" both touch x.py.')
    ranked = rank([
        overlap, made("split", ("a",), 710, "split a."), made("split", ("b",), 705, "split b."),
        made("conflict", ("a", "c"), 900, '"A" and "C" both touch y.py.'),
    ])  # fmt: skip
    grouped = group_by_task(ranked)
    assert [(s.kind, s.ids) for s in grouped] == [("conflict", ("a", "b")), ("split", ("b",))]
    assert grouped[0].also == ('"A" and "C" both touch y.py.', "split a.")
    assert grouped[1].also == ()  # the overlap names b second: b keeps its own row


def test_suggestions_naming_no_task_stand_alone() -> None:
    ranked = [made("push-failed", (), 1000), made("idle", (), 0), made("idle", (), 0)]
    assert group_by_task(ranked) == ranked


def test_grouping_keeps_the_order_and_grouping_again_changes_nothing() -> None:
    ranked = rank(made(kind, (task_id,), score) for kind, task_id, score in (
        ("a1", "t1", 900), ("b1", "t2", 800), ("a2", "t1", 700), ("c1", "t3", 600), ("b2", "t2", 500),
    ))  # fmt: skip
    grouped = group_by_task(ranked)
    assert [s.ids[0] for s in grouped] == ["t1", "t2", "t3"]
    assert [s.score for s in grouped] == sorted((s.score for s in grouped), reverse=True)
    assert group_by_task(grouped) == grouped
    assert group_by_task([]) == []


def test_a_beat_lists_a_task_in_doing_once_with_its_box_overlap_and_stale_spec() -> None:
    started = (NOW - dt.timedelta(minutes=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    first = memory_task("d1", "doing", title="Fix navbar typo", touches=("src/nav.py",), estimate=300,
                        started=started)  # fmt: skip
    second = memory_task("d2", "doing", title="Make it sticky", touches=("src/nav.py",), started=started)
    changed = {"d1": (NOW - dt.timedelta(minutes=1)).timestamp()}
    ranked = beat([first, second], NOW, HeartbeatSettings(), modified=changed)
    assert [s.ids[0] for s in ranked].count("d1") == 3  # the overlap, the stale spec, the split
    grouped = group_by_task(ranked)
    assert [s.ids[0] for s in grouped].count("d1") == 1
    lead = grouped[0]
    assert (lead.kind, lead.ids) == ("conflict", ("d1", "d2"))
    assert lead.also == (
        '"Fix navbar typo" changed after it was started: re-read it before going on.',
        '"Fix navbar typo" has been in progress 40m, past twice its 5m box: split it and ship the part '
        "that is done.",
    )
    assert [(s.kind, s.ids) for s in grouped[1:]] == [("split", ("d2",))]
