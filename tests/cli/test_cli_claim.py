"""`pulse claim` end to end: real processes racing for real files, and every reason to claim nothing.

The racers run the real CLI entry point (`pulseboard.cli.main.main(["claim", "--json"])`) in
their own interpreters and wait on a file barrier first, so all eight really claim at the same
instant rather than one interpreter start apart.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from support.helpers import (
    STABLE_KEYS,
    assert_user_error,
    clean_env,
    frontmatter,
    journal_events,
    leftover_temp_files,
    places_by_id,
    pulse,
    pulse_json,
    pulse_ok,
    pulse_together,
    task_files,
)

from pulseboard.core import ids
from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board
from pulseboard.core.plan import plan

pytestmark = pytest.mark.timeout(60)

SUGGESTION_KEYS = {"kind", "action", "ids", "short", "text", "score", "reasons"}


def set_wip(project: Path, limit: int) -> None:
    (project / "tasks" / "pulse.yaml").write_text(f"wip: {{doing: {limit}}}\n", encoding="utf-8")


def assert_every_task_in_one_folder(root: Path, expected_ids: set[str]) -> None:
    places = places_by_id(root)
    assert set(places) == expected_ids
    assert all(len(keys) == 1 for keys in places.values()), places
    assert leftover_temp_files(root) == []


def where_ids(root: Path) -> dict[str, list[str]]:
    """Ids by state folder (only non-empty folders)."""
    return {
        state: sorted(p.name.split("-")[0] for p in paths)
        for state, paths in task_files(root).items()
        if paths
    }


# --------------------------------------------------------------------------- races


def test_eight_claims_at_once_get_eight_different_tasks(project: Path, tmp_path: Path) -> None:
    root = project / "tasks"
    set_wip(project, 8)
    board = Board(root)
    made = {create_task(board, f"Task number {n}").id for n in range(8)}

    results = pulse_together("claim", "--json", workers=8, cwd=project, sync=tmp_path / "sync", actors=True)

    claimed: list[dict[str, Any]] = []
    for rc, out, err in results:
        assert rc == 0, (rc, out, err)
        assert err == "", err  # no warning: eight fit in a limit of eight
        assert out.count("\n") == 1
        claimed.append(json.loads(out))
    assert sorted(c["id"] for c in claimed) == sorted(made), "each claimer got a different task"
    assert all(c["state"] == "doing" and c["from"] == "open" and c["warnings"] == [] for c in claimed)
    files = task_files(root)
    assert files["open"] == []
    assert len(files["doing"]) == 8
    assert all(frontmatter(p)["started"] for p in files["doing"])
    assert sorted(frontmatter(p)["holder"] for p in files["doing"]) == [f"agent-{n}" for n in range(8)]
    assert_every_task_in_one_folder(root, made)
    moves = [e for e in journal_events(root) if e["op"] == "move"]
    assert sorted(e["id"] for e in moves) == sorted(made)
    assert all((e["from"], e["to"]) == ("open", "doing") for e in moves)
    assert sorted(e["by"] for e in moves) == [f"agent-{n}" for n in range(8)]
    assert {c["holder"] for c in claimed} == {f"agent-{n}" for n in range(8)}


def test_eight_agents_at_once_each_keep_to_their_own_limit(project: Path, tmp_path: Path) -> None:
    """With agents at a limit of one each, eight agents claiming twice at once get eight distinct
    tasks: each agent's second claim is refused, in one sentence naming their limit."""
    root = project / "tasks"
    (root / "pulse.yaml").write_text('wip: {doing: 20}\nholders: {limits: {"agent-*": 1}}\n')
    board = Board(root)
    made = {create_task(board, f"Area {n}", touches=[f"src/area{n}.py"]).id for n in range(12)}

    first = pulse_together("claim", "--json", workers=8, cwd=project, sync=tmp_path / "one", actors=True)
    again = pulse_together("claim", "--json", workers=8, cwd=project, sync=tmp_path / "two", actors=True)

    assert all(rc == 0 for rc, _, _ in first), first
    assert len({json.loads(out)["id"] for _, out, _ in first}) == 8
    for rc, out, err in again:
        assert rc == 1 and "holds 1 of their limit of 1" in err, (rc, out, err)
    held = [frontmatter(p)["holder"] for p in task_files(root)["doing"]]
    assert sorted(held) == [f"agent-{n}" for n in range(8)]
    assert_every_task_in_one_folder(root, made)


def test_eight_claims_at_once_respect_the_default_limit_of_three(project: Path, tmp_path: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    made = {create_task(board, f"Task number {n}").id for n in range(8)}

    results = pulse_together("claim", "--json", workers=8, cwd=project, sync=tmp_path / "sync")

    winners = [json.loads(out) for rc, out, _ in results if rc == 0]
    losers = [(rc, out, err) for rc, out, err in results if rc != 0]
    assert len(winners) == 3, results
    assert len({w["id"] for w in winners}) == 3
    assert len(losers) == 5
    for rc, out, err in losers:
        assert rc == 1, (rc, out, err)
        answer = json.loads(out)
        assert answer["claimed"] is False and answer["reason"] == err.removeprefix("pulse: ").rstrip("\n")
        assert err.count("\n") == 1 and err.startswith("pulse: nothing to claim"), err
        assert "Traceback" not in err and "internal error" not in err
        assert "3/3" in err, err  # says why: doing is full
    files = task_files(root)
    assert sorted(p.name.split("-")[0] for p in files["doing"]) == sorted(w["id"] for w in winners)
    assert len(files["doing"]) == 3 and len(files["open"]) == 5
    assert_every_task_in_one_folder(root, made)


# --------------------------------------------------------------------------- nothing to claim


def test_empty_board_has_nothing_to_claim(project: Path) -> None:
    assert_user_error(pulse("claim", cwd=project), "nothing to claim", "no open task is ready to start")
    assert journal_events(project / "tasks") == []


def test_nothing_to_claim_with_json_answers_in_json_and_exits_1(project: Path) -> None:
    """A script reading stdout gets an answer (it used to get nothing); the sentence stays on stderr."""
    root = project / "tasks"
    (root / "open" / "waits.md").write_text("---\ndepends: [zzzz]\n---\n# Waits on a missing task\n")
    waiting_id = ids.id_from_stem("waits")
    result = pulse("claim", "--json", cwd=project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) == {"claimed", "reason", "suggestions"} and answer["claimed"] is False
    assert answer["reason"].startswith("nothing to claim")
    assert result.stderr == f"pulse: {answer['reason']}\n"
    assert answer["suggestions"] and all(set(s) == SUGGESTION_KEYS for s in answer["suggestions"])
    assert [waiting_id] in [s["ids"] for s in answer["suggestions"]]  # its dependency names no task
    assert journal_events(root) == []


def test_tasks_waiting_on_unfinished_work_are_not_claimed(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    blocker = create_task(board, "Get the signing key")
    move_task(board, blocker.id, "blocked", reason="needs the key", waiting_on="ops")
    in_progress = create_task(board, "Build the parser")
    move_task(board, in_progress.id, "doing")
    waits_on_blocked = create_task(board, "Sign the release", priority="critical", depends=[blocker.id])
    waits_on_doing = create_task(board, "Use the parser", priority="high", depends=[in_progress.id])
    before = task_files(root)

    assert_user_error(pulse("claim", cwd=project), "nothing to claim", "no open task is ready to start")

    assert task_files(root) == before
    open_names = [p.name for p in before["open"]]
    assert {name.split("-")[0] for name in open_names} == {waits_on_blocked.id, waits_on_doing.id}


def test_tasks_naming_a_missing_dependency_are_not_claimed(project: Path) -> None:
    root = project / "tasks"
    (root / "open" / "lonely.md").write_text("---\ntitle: Lonely\ndepends: [nosuchtask]\n---\n")
    assert_user_error(pulse("claim", cwd=project), "nothing to claim")
    assert (root / "open" / "lonely.md").exists()


def test_only_big_tasks_say_split_them_first(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    create_task(board, "Rewrite the parser", estimate="1h")
    create_task(board, "Port the board", estimate="45m", priority="critical")

    line = assert_user_error(pulse("claim", cwd=project), "nothing to claim")

    assert "split" in line, line
    assert len(task_files(root)["open"]) == 2 and task_files(root)["doing"] == []


def test_a_task_touching_what_is_in_doing_waits_while_another_is_claimed(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    busy = create_task(board, "Restyle the navbar", touches=["src/site/navbar.py"])
    move_task(board, busy.id, "doing")
    clash = create_task(board, "Fix the navbar links", priority="critical", touches=["src/site/*.py"])

    line = assert_user_error(pulse("claim", cwd=project), "nothing to claim", "touch")
    assert "the same things" in line, line
    assert "Fix the navbar links" in line and "Restyle the navbar" in line
    assert [p.name.split("-")[0] for p in task_files(root)["open"]] == [clash.id]

    calm = create_task(board, "Update the changelog", priority="low", touches=["CHANGELOG.md"])
    claimed = pulse_json("claim", cwd=project)

    assert claimed["id"] == calm.id, "the lower priority task that overlaps nothing is claimed"
    assert where_ids(root) == {"open": [clash.id], "doing": sorted([busy.id, calm.id])}


# --------------------------------------------------------------------------- what is claimed


def test_claim_takes_the_top_of_pulse_next_in_order(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    low = create_task(board, "Tidy the docs", priority="low")
    critical = create_task(board, "Fix the login loop", priority="critical", estimate="5m")
    high = create_task(board, "Add the export button", priority="high")

    order = []
    for _ in range(3):
        top = next(s for s in pulse_json("next", "-n", "20", cwd=project) if s["kind"] == "start")
        claimed = pulse_json("claim", cwd=project)
        assert claimed["id"] == top["ids"][0]
        assert claimed["suggestion"] == top, "claim says why, in the words of pulse next"
        order.append(claimed["id"])

    assert order == [critical.id, high.id, low.id]
    assert_user_error(pulse("claim", cwd=project), "nothing to claim", "3/3")


def test_claim_json_shape_and_journal(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    create_task(board, "Tidy the docs", priority="low")
    task = create_task(board, "Fix the login loop", priority="critical", estimate="5m", touches=["src/a.py"])

    result = pulse("claim", "--json", cwd=project)

    assert result.returncode == 0 and result.stderr == "", result.stderr
    claimed = json.loads(result.stdout)
    assert set(claimed) == STABLE_KEYS | {"claimed", "from", "warnings", "suggestion", "taken_from"}
    assert claimed["claimed"] is True
    assert claimed["id"] == task.id and claimed["title"] == "Fix the login loop"
    assert (claimed["state"], claimed["from"], claimed["warnings"]) == ("doing", "open", [])
    assert claimed["estimate"] == "5m" and claimed["touches"] == ["src/a.py"]
    assert Path(claimed["path"]) == root / "doing" / Path(claimed["path"]).name
    assert Path(claimed["path"]).is_file()
    stamp = frontmatter(Path(claimed["path"]))["started"]  # YAML reads it as a datetime
    assert stamp.strftime("%Y-%m-%dT%H:%M:%SZ") == claimed["started"]

    why = claimed["suggestion"]
    assert set(why) == SUGGESTION_KEYS
    assert (why["kind"], why["action"], why["ids"]) == ("start", "start", [task.id])
    assert why["short"] == [claimed["short"]]
    assert why["text"] == 'Start "Fix the login loop".'
    assert {"term": "priority critical", "points": 6.0} in why["reasons"]
    assert {"term": "estimate up to 10m", "points": 1.5} in why["reasons"]
    assert why["score"] == round(sum(r["points"] for r in why["reasons"]), 2)

    moves = [e for e in journal_events(root) if e["op"] == "move"]
    assert len(moves) == 1
    move = moves[0]
    assert (move["id"], move["from"], move["to"], move["by"]) == (task.id, "open", "doing", "test")
    assert move["file"] == Path(claimed["path"]).name
    assert move["at"] == claimed["started"]


def test_claim_text_output(project: Path) -> None:
    board = Board(project / "tasks")
    task = create_task(board, "Fix the login loop", priority="high")

    out = pulse_ok("claim", cwd=project)

    first, second = out.splitlines()
    assert first.endswith('"Fix the login loop": claimed, open -> doing')
    assert task.id.startswith(first.split()[0])
    assert second.startswith("1. start") and "priority high +3.9" in second


def test_claim_with_actor_records_who(project: Path) -> None:
    root = project / "tasks"
    create_task(Board(root), "Anything")
    ok_run = pulse("claim", cwd=project, env=clean_env(PULSE_ACTOR="agent-7"))
    assert ok_run.returncode == 0, ok_run.stderr
    assert [e["by"] for e in journal_events(root) if e["op"] == "move"] == ["agent-7"]


def test_a_task_copied_into_doing_does_not_stop_claims(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    dup = create_task(board, "Fix the login loop", priority="critical")
    other = create_task(board, "Tidy the docs", priority="low")
    copy = next((root / "open").glob(f"{dup.id}-*.md"))
    (root / "doing" / copy.name).write_bytes(copy.read_bytes())  # the task is in two folders now

    result = pulse("claim", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == other.id


def test_each_claim_takes_the_head_of_a_free_lane_of_the_plan(project: Path) -> None:
    """`pulse claim` and `pulse plan` answer from one ranking: what a claim takes is the head of
    a free lane of the plan made just before it, and the lane it came from is no longer free."""
    root = project / "tasks"
    set_wip(project, 10)
    board = Board(root)
    for area in range(3):
        for n in range(2):
            create_task(board, f"Area {area} step {n}", touches=[f"src/area{area}.py"], estimate=f"{5 + n}m")
    for _ in range(3):
        made = plan(Board(root).tasks(), Board(root).settings, dt.datetime.now(dt.UTC), 3, root)
        heads = {step.task.id for step in made.heads()}
        claimed = json.loads(pulse_ok("claim", "--json", cwd=project))
        assert claimed["id"] in heads
    after = plan(Board(root).tasks(), Board(root).settings, dt.datetime.now(dt.UTC), 3, root)
    assert after.heads() == []  # every area has a task in doing now: its lane waits for it
