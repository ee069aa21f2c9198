"""`holder:` in a task file names who holds the task: read into Task.holder, shown by every face,
and a value that is not a name is the file's error, never a crash."""

from __future__ import annotations

import pytest
from support.clock import at
from support.helpers import clean_env, frontmatter, pulse_json, pulse_ok

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board
from pulseboard.core.taskfile import parse_text
from pulseboard.core.undo import undo_last


def test_a_holder_is_read_as_a_name() -> None:
    assert parse_text("---\nholder: agent-2\n---\n# T\n", "t")["holder"] == "agent-2"
    assert parse_text("---\nholder: 7\n---\n# T\n", "t")["holder"] == "7"
    assert parse_text("---\nholder: ''\n---\n# T\n", "t")["holder"] is None
    assert parse_text("# T\n", "t")["holder"] is None


def test_a_holder_that_is_not_a_name_is_the_files_error() -> None:
    record = parse_text("---\nholder: [a, b]\n---\n# T\n", "t")
    assert record["holder"] is None and "holder must be a name" in record["error"]


def test_a_start_records_who_holds_the_task_and_a_reopen_clears_it(board: Board, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_ACTOR", "agent-2")
    task = create_task(board, "Held", now=at(0))
    move_task(board, task.id, "doing", now=at(1))
    assert frontmatter(board.root / "doing" / task.name)["holder"] == "agent-2"
    assert board.load(board.find(task.id)).holder == "agent-2"
    move_task(board, task.id, "done", now=at(2))  # who did it stays on the finished task
    assert frontmatter(board.root / "done" / task.name)["holder"] == "agent-2"
    move_task(board, task.id, "open", now=at(3))
    assert "holder" not in frontmatter(board.root / "open" / task.name)


@pytest.mark.parametrize("name", ["ana", "agent-2", "yes", "Null", "ana lópez", "#1", "x: y", "'q'"])
def test_any_actor_name_is_written_so_that_it_reads_back_the_same(
    board: Board, monkeypatch, name: str
) -> None:
    monkeypatch.setenv("PULSE_ACTOR", name)
    task = create_task(board, "Held", now=at(0))
    result = move_task(board, task.id, "doing", now=at(1))
    assert result.warnings == [] and result.task.holder == name


def test_an_undone_start_takes_the_holder_back_off(board: Board, monkeypatch) -> None:
    monkeypatch.setenv("PULSE_ACTOR", "ana")
    task = create_task(board, "Held", now=at(0))
    move_task(board, task.id, "doing", now=at(1))
    undo_last(board)
    assert "holder" not in frontmatter(board.root / "open" / task.name)


def test_ls_shows_the_holder_and_filters_by_it(board: Board) -> None:
    for actor, title in (("ana", "Ana's"), ("agent-1", "The agent's"), ("test", "Mine")):
        task = create_task(board, title, now=at(0))
        pulse_ok("start", task.id, cwd=board.root.parent, env=clean_env(PULSE_ACTOR=actor))
    listed = pulse_json("ls", "--json", cwd=board.root.parent)
    assert sorted(t["holder"] for t in listed) == ["agent-1", "ana", "test"]
    assert [t["title"] for t in pulse_json("ls", "--mine", "--json", cwd=board.root.parent)] == ["Mine"]
    held = pulse_json("ls", "--held-by", "agent-1", "--json", cwd=board.root.parent)
    assert [t["title"] for t in held] == ["The agent's"]
    assert "@ana" in pulse_ok("ls", "--held-by", "ana", cwd=board.root.parent)
    assert [t["title"] for t in pulse_json("ls", "@ag", "--json", cwd=board.root.parent)] == ["The agent's"]
