"""`pulse next` end to end in a real subprocess: the heartbeat's shortlist, as text and JSON; each task
once (its other suggestions grouped under it), the score terms only with --why."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from support.helpers import pulse

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board


def test_next_ranks_and_explains(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    board = Board(root)
    urgent = create_task(board, "Fix the login loop", priority="critical", estimate="5m")
    create_task(board, "Tidy the docs", priority="low")
    big = create_task(board, "Rewrite the parser", estimate="2h")
    blocked = create_task(board, "Ship the release")
    move_task(board, blocked.id, "blocked", reason="needs the signing key", waiting_on="ops")
    result = pulse("next", "--json", "-n", "10", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    shortlist = json.loads(result.stdout)
    assert shortlist[0]["action"] == "start" and shortlist[0]["ids"] == [urgent.id]
    assert {"term": "priority critical", "points": 6.0} in shortlist[0]["reasons"]
    split = next(s for s in shortlist if s["ids"] == [big.id])
    assert split["kind"] == "split-before-start"
    waiting = next(s for s in shortlist if s["ids"] == [blocked.id])
    assert "ops" in waiting["text"] and "signing key" in waiting["text"]
    assert set(shortlist[0]) == {"kind", "action", "ids", "short", "text", "score", "reasons"}
    text = pulse("next", "-n", "1", cwd=tmp_path)
    assert text.returncode == 0 and text.stdout.startswith("1. start") and "Fix the login loop" in text.stdout


def test_next_hides_the_score_terms_unless_asked_why(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    create_task(Board(root), "Fix the login loop", priority="critical", estimate="5m")
    quiet = pulse("next", cwd=tmp_path)
    assert quiet.returncode == 0, quiet.stderr
    assert re.fullmatch(r'1\. start +\w+ +Start "Fix the login loop"\.\n', quiet.stdout), quiet.stdout
    why = pulse("next", "--why", cwd=tmp_path)
    assert why.returncode == 0, why.stderr
    assert why.stdout.startswith(quiet.stdout.rstrip("\n") + "  (307.5: startable +300, priority critical +6")


def test_next_lists_a_task_once_with_its_other_reasons_grouped_under_it(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    board = Board(root)
    an_hour_ago = dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)
    made = [
        create_task(board, t, estimate="5m", touches=["src/nav.py"]) for t in ("Fix the nav", "Pin the nav")
    ]
    for task in made:  # started an hour ago, its spec edited now: past its box, a changed spec, an overlap
        move_task(board, task.id, "doing", now=an_hour_ago)
        path = root / "doing" / task.name
        path.write_text(path.read_text() + "\nIt must work on mobile too.\n")
    first, second = sorted(made, key=lambda t: t.id)  # doing: by start, then id
    shortlist = json.loads(pulse("next", "--json", cwd=tmp_path).stdout)
    assert [(s["kind"], s["ids"]) for s in shortlist] == [
        ("conflict", [first.id, second.id]), ("stale-spec", [second.id]),
    ]  # fmt: skip
    split = r"has been in progress 1h\S*, past twice its 5m box: split it and ship the part that is done\."
    stale, split_first = shortlist[0]["also"]  # in rank order: 800, then 700 and the minutes
    assert stale == f'"{first.title}" changed after it was started: re-read it before going on.'
    assert re.fullmatch(f'"{first.title}" {split}', split_first), split_first
    (split_second,) = shortlist[1]["also"]  # the overlap names the second task second: its own row
    assert re.fullmatch(f'"{second.title}" {split}', split_second), split_second
    assert set(shortlist[0]) == {"kind", "action", "ids", "short", "text", "score", "reasons", "also"}

    quiet = pulse("next", "-n", "1", cwd=tmp_path).stdout.splitlines()
    assert quiet[0].startswith("1. finish") and quiet[0].endswith("run them one after the other.")
    assert quiet[1:] == [f"   also: {text}" for text in shortlist[0]["also"]]
    why = pulse("next", "-n", "1", "--why", cwd=tmp_path).stdout.splitlines()
    assert why[0].endswith("(900.0: two tasks in doing touch the same things +900)")
    assert why[1:] == quiet[1:]
