"""Ready when done (core/ready.py): finishing a task names the open tasks it let start and the
blocked tasks whose every dependency is now done, by the heartbeat's rule for dependencies; and
debt in view (a session of debt alone past heartbeat.debt)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from support.helpers import memory_task, pulse, pulse_json, pulse_ok

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.heartbeat import beat
from pulseboard.core.ready import ready_now


def test_the_open_tasks_waiting_only_on_what_was_finished_are_ready() -> None:
    tasks = [
        memory_task("aaaa000001", "done"),
        memory_task("bbbb000002", "done"),
        memory_task("cccc000003", "open", depends=("aaaa000001",)),
        memory_task("dddd000004", "open", depends=("aaaa", "bbbb000002")),  # by prefix, both done
        memory_task("eeee000005", "open", depends=("aaaa000001", "ffff000006")),  # one still open
        memory_task("ffff000006", "open"),
        memory_task("gggg000007", "open", depends=("bbbb000002",)),  # not waiting on the finished one
    ]
    ready = ready_now(tasks, {"aaaa000001"})
    assert [t.id for t in ready.open] == ["cccc000003", "dddd000004"]
    assert ready.blocked == ()


def test_a_blocked_task_whose_dependencies_are_all_done_can_be_unblocked() -> None:
    tasks = [
        memory_task("aaaa000001", "done"),
        memory_task("hhhh000008", "blocked", depends=("aaaa000001",)),
        memory_task("iiii000009", "blocked", depends=("aaaa000001", "zzzz")),  # names no task: never done
    ]
    assert [t.id for t in ready_now(tasks, {"aaaa000001"}).blocked] == ["hhhh000008"]


def test_nothing_finished_or_nothing_waiting_is_nothing_ready() -> None:
    tasks = [memory_task("aaaa000001", "done"), memory_task("cccc000003", "open", depends=("aaaa000001",))]
    assert ready_now(tasks, set()).open == ()
    assert ready_now(tasks[:1], {"aaaa000001"}).open == ()
    assert len(ready_now([*tasks, tasks[1]], {"aaaa000001"}).open) == 1  # a copy in two places: once


def test_a_task_ready_now_leads_the_start_suggestions() -> None:
    """The heartbeat: a task whose dependencies are all done comes first among the starts, with
    the reason (the `ready_now` weight, above any priority)."""
    now = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
    tasks = [
        memory_task("aaaa000001", "done"),
        memory_task("bbbb000002", "open", priority="critical", created="2026-11-01T00:00:00Z"),
        memory_task("cccc000003", "open", priority="low", depends=("aaaa000001",)),
    ]
    starts = [s for s in beat(tasks, now, HeartbeatSettings()) if s.kind == "start"]
    assert [s.ids[0] for s in starts] == ["cccc000003", "bbbb000002"]
    assert ("ready now: what it waited on is done", 10.0) in starts[0].reasons


def test_pulse_done_names_what_it_let_start_in_text_and_json(project: Path) -> None:
    board = Board(project / "tasks")
    schema = create_task(board, "Lay the schema")
    queries = create_task(board, "Write the queries", depends=[schema.id])
    waiting = create_task(board, "Ship the report", depends=[schema.id])
    move_task(board, waiting.id, "blocked", reason="needs the schema", waiting_on="ana")
    out = pulse_ok("done", schema.id, cwd=project)
    assert "ready now: " in out and '"Write the queries"' in out
    assert "every dependency done, unblock: " in out and '"Ship the report"' in out
    pulse_ok("reopen", schema.id, cwd=project)
    moved = pulse_json("done", schema.id, "--json", cwd=project)
    assert [t["id"] for t in moved["ready_now"]] == [queries.id]
    assert [(t["id"], t["state"]) for t in moved["can_unblock"]] == [(waiting.id, "blocked")]
    assert pulse_json("reopen", schema.id, "--json", cwd=project)["ready_now"] == []


def test_debt_past_its_limit_asks_for_a_session_of_debt_alone(project: Path) -> None:
    """Issue 16, debt in view: more open debt tasks than heartbeat.debt and `pulse next` asks for a
    session of debt alone; the setting and the tags come from pulse.yaml."""
    (project / "tasks" / "pulse.yaml").write_text("heartbeat: {debt: 2, debt_tags: [debt]}\n")
    board = Board(project / "tasks")
    for n in range(2):
        create_task(board, f"Old debt {n}", tags=["debt"])
    assert "debt alone" not in pulse_ok("next", "-n", "9", cwd=project)
    create_task(board, "Old debt 2", tags=["debt"])
    create_task(board, "Not debt", tags=["ui"])
    found = pulse_json("next", "-n", "9", "--json", cwd=project)
    notes = [s for s in found if s["kind"] == "debt-session"]
    assert len(notes) == 1 and notes[0]["text"].startswith("3 debt tasks are open, more than 2:")
    (project / "tasks" / "pulse.yaml").write_text("heartbeat: {debt: lots}\n")
    bad = pulse("next", cwd=project)
    assert bad.returncode == 1 and "heartbeat.debt must be a whole number" in bad.stderr
