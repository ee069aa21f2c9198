"""`pulse plan --hands N [--json]` end to end: a real process on a small board on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from support.helpers import assert_usage_error, assert_user_error, pulse, pulse_json, pulse_ok

from pulseboard.core import ids
from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board
from pulseboard.core.plan import MAX_HANDS

pytestmark = pytest.mark.timeout(60)

TASK_KEYS = {"id", "short", "title", "estimate", "estimate_seconds", "weight", "fits", "after"}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A board: two tasks on the navbar, one on the database, one too big, one in doing."""
    project = tmp_path / "proj"
    init_board(project / "tasks")
    board = Board(project / "tasks")
    create_task(board, "Fix the navbar typo", priority="high", estimate="5m", touches=["src/nav.py"])
    create_task(board, "Make the navbar sticky", touches=["src/nav.py"], tags=["feature"])
    create_task(board, "Tidy the \x1b[31mdatabase\x1b[0m code", estimate="10m", touches=["src/db.py"])
    create_task(board, "Move the site to the new host", estimate="2h")
    deploy = create_task(board, "Deploy to staging", touches=["infra"])
    move_task(board, deploy.id, "doing")
    return project


def by_title(project: Path) -> dict[str, str]:
    tasks = Board(project / "tasks").tasks()
    short = ids.ShortIds(t.id for t in tasks).short
    return {t.title: short(t.id) for t in tasks}


def test_json_gives_lanes_for_the_hands_and_what_was_left_out(project: Path) -> None:
    shape = pulse_json("plan", "--hands", "2", cwd=project)
    assert set(shape) == {"hands", "doing", "lanes", "left_out"}
    assert shape["hands"] == 2 and shape["doing"] == {"count": 1, "limit": 3}
    assert [lane["lane"] for lane in shape["lanes"]] == [1, 2]
    titles = [[t["title"] for t in lane["tasks"]] for lane in shape["lanes"]]
    assert titles == [
        ["Fix the navbar typo", "Make the navbar sticky"],
        ["Tidy the \x1b[31mdatabase\x1b[0m code"],
    ]
    first, second = shape["lanes"][0]["tasks"]
    assert set(first) == TASK_KEYS
    assert (first["estimate"], first["estimate_seconds"], first["weight"], first["fits"]) == (
        "5m",
        300,
        1.0,
        True,
    )
    assert (second["estimate"], second["weight"], second["after"]) == (None, 1.5, [])
    assert shape["lanes"][0]["estimate_seconds"] == 300 + 15 * 60  # no estimate: the 15m time box
    assert all(lane["free"] for lane in shape["lanes"])
    [left] = shape["left_out"]
    assert set(left) == {"id", "short", "reason"} and "split it before starting" in left["reason"]


def test_text_numbers_the_lanes_and_keeps_task_text_inert(project: Path) -> None:
    out = pulse_ok("plan", "--hands", "3", cwd=project)
    short = by_title(project)
    lines = out.splitlines()
    assert lines[0] == "3 tasks in 3 lanes (2 free), 1 left out; doing 1/3"
    assert lines[1] == "lane 1: free, 20m"
    assert lines[2].split()[:2] == ["1.", short["Fix the navbar typo"]]
    assert "5m  w1 " in lines[2] and lines[2].endswith(
        f"touches src/nav.py like {short['Make the navbar sticky']}"
    )
    assert lines[3].endswith(f"touches src/nav.py like {short['Fix the navbar typo']}") and "w1.5" in lines[3]
    assert lines[4] == "lane 2: free, 10m"
    assert "Tidy the \\x1b[31mdatabase\\x1b[0m code" in lines[5]
    assert lines[5].endswith("nothing else planned touches the same")
    assert lines[6] == "lane 3: empty"
    assert lines[7] == "left out:" and short["Move the site to the new host"] in lines[8]
    assert "\x1b" not in out


def test_a_bad_hands_count_is_one_line_and_a_nonzero_exit(project: Path) -> None:
    assert_usage_error(pulse("plan", "--hands", "0", cwd=project))
    result = pulse("plan", "--hands", "two", cwd=project)
    assert_usage_error(result)
    assert (
        result.stderr.splitlines()[-1]
        == "pulse plan: error: argument --hands: 'two' is not a whole number of at least 1"
    )
    assert_user_error(pulse("plan", "--hands", str(MAX_HANDS + 1), cwd=project), f"1 to {MAX_HANDS} hands")


def test_a_lane_waiting_on_doing_and_a_task_too_heavy_for_one_hand(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    (root / "pulse.yaml").write_text("holders: {limit: 1}\n", encoding="utf-8")
    board = Board(root)
    doing = create_task(board, "Fix navbar typo", touches=["navbar"])
    move_task(board, doing.id, "doing")
    create_task(board, "Make the navbar sticky", touches=["navbar/sticky.css"], tags=["feature"])
    shape = pulse_json("--board", root, "plan", "--hands", "1", cwd=tmp_path)
    [lane] = shape["lanes"]
    [step] = lane["tasks"]
    assert lane["free"] is False and step["after"] == [doing.id]
    assert (step["weight"], step["fits"]) == (1.5, False)
    lines = pulse_ok("--board", root, "plan", "--hands", "1", cwd=tmp_path).splitlines()
    short = by_title(tmp_path)
    assert lines[1] == f"lane 1: waits for {short['Fix navbar typo']} in doing, 15m"
    assert "w1.5!" in lines[2] and lines[2].endswith(
        f"waits for {short['Fix navbar typo']} in doing (navbar/sticky.css)"
    )
    assert lines[-1] == "w: weight; !: heavier than one hand may hold (holders.limit)"
