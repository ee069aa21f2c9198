"""Batches of moves (core/batch.py) and their undo (core/undo.py), on real files in a temp board.

Each move of a batch is a normal move: its own checks, journal line, stamps and warnings. The
journal lines share a batch id; undo reverts the batch whole, each move with its own line.
"""

from __future__ import annotations

import json

import pytest
from support.clock import at
from support.helpers import frontmatter, journal_events, task_files

from pulseboard.core import journal
from pulseboard.core.actions import create_task, move_task
from pulseboard.core.batch import BatchResult, move_batch, move_tasks, summary
from pulseboard.core.board import Board, Entry
from pulseboard.core.errors import PulseError
from pulseboard.core.undo import last_batch, undo_batch, undo_last, undo_message
from pulseboard.services.git import batch_message


@pytest.fixture(autouse=True)
def _actor(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PULSE_ACTOR", "me")


def tasks(board: Board, *titles: str) -> list[Entry]:
    """New tasks in open/, as the entries a batch takes (in the order given)."""
    made = [create_task(board, title, now=at(0)) for title in titles]
    by_id = {e.id: e for e in board.entries()}
    return [by_id[task.id] for task in made]


def with_wip(board: Board, doing: int, *, hard: bool) -> Board:
    (board.root / "pulse.yaml").write_text(f"wip:\n  doing: {doing}\n  hard: {str(hard).lower()}\n")
    return Board(board.root)


def moves(board: Board) -> list[dict[str, object]]:
    return [e for e in journal_events(board.root) if e["op"] == "move"]


def states(board: Board) -> dict[str, str]:
    """Each task's title -> the folder its file is in."""
    return {t.title: t.state for t in board.tasks()}


def test_a_batch_moves_each_task_with_its_own_journal_line_and_one_shared_batch_id(board: Board) -> None:
    entries = tasks(board, "Alpha", "Beta", "Gamma")
    result = move_batch(board, entries, "done", now=at(5))
    assert [r.task.title for r in result.moved] == ["Alpha", "Beta", "Gamma"]
    assert result.refused == [] and result.batch
    assert states(board) == {"Alpha": "done", "Beta": "done", "Gamma": "done"}
    lines = moves(board)
    assert [line["id"] for line in lines] == [e.id for e in entries]
    assert {line["batch"] for line in lines} == {result.batch}
    assert len({line["uid"] for line in lines}) == 3  # each its own move
    assert {task.done for task in board.tasks()} == {"2026-11-22T09:05:00Z"}  # the stamps of a normal move


def test_a_refused_task_does_not_stop_the_others(board: Board) -> None:
    alpha, beta, gamma = tasks(board, "Alpha", "Beta", "Gamma")
    move_task(board, beta.id, "done")
    gone = Entry("open", "nothing-here.md", "zzzzzzzzzz", board.root / "open")
    result = move_batch(board, [alpha, beta, gone, gamma], "done")
    assert [r.task.title for r in result.moved] == ["Alpha", "Gamma"]
    assert [(r.task_id, r.reason) for r in result.refused] == [
        (beta.id, f"{beta.key} is gone: another process moved or deleted it first."),
        ("zzzzzzzzzz", "open/nothing-here.md is gone: another process moved or deleted it first."),
    ]
    assert result.refused[0].text == f'{beta.id[:4]} "Beta" not moved: {result.refused[0].reason}'
    assert states(board) == {"Alpha": "done", "Beta": "done", "Gamma": "done"}
    assert [line.get("batch") for line in moves(board)] == [None, result.batch, result.batch]
    assert summary(result) == (
        f'Moved 2 tasks: {alpha.id[:4]} "Alpha" (open -> done), {gamma.id[:4]} "Gamma" (open -> done)'
        "; 2 not moved."
    )


def test_a_task_given_twice_moves_once(board: Board) -> None:
    (alpha,) = tasks(board, "Alpha")
    result = move_batch(board, [alpha, alpha], "doing")
    assert len(result.moved) == 1 and result.refused == []


def test_options_no_task_could_move_with_refuse_the_batch_before_anything_moves(board: Board) -> None:
    entries = tasks(board, "Alpha", "Beta")
    with pytest.raises(PulseError, match="a blocked task needs a reason"):
        move_batch(board, entries, "blocked", reason="  ")
    with pytest.raises(PulseError, match="'later' is not a state"):
        move_batch(board, entries, "later")
    assert states(board) == {"Alpha": "open", "Beta": "open"} and moves(board) == []


def test_a_blocked_batch_shares_one_reason_and_waiting_on(board: Board) -> None:
    entries = tasks(board, "Alpha", "Beta")
    result = move_batch(board, entries, "blocked", reason="needs the API key", waiting_on="ops", now=at(3))
    blocked = [r.task.blocked for r in result.moved]
    assert (
        blocked == [{"reason": "needs the API key", "waiting_on": "ops", "since": "2026-11-22T09:03:00Z"}] * 2
    )


def test_past_a_hard_wip_limit_the_tasks_that_fit_start_and_the_rest_are_refused(board: Board) -> None:
    board = with_wip(board, 2, hard=True)
    entries = tasks(board, "Alpha", "Beta", "Gamma", "Delta")
    result = move_batch(board, entries, "doing")
    assert [r.task.title for r in result.moved] == ["Alpha", "Beta"]
    assert [r.title for r in result.refused] == ["Gamma", "Delta"]
    for refusal in result.refused:
        assert refusal.reason.startswith("doing/ is full (2/2: ") and refusal.reason.endswith(
            "or pass --force."
        )
    assert len(task_files(board.root)["doing"]) == 2


def test_force_starts_the_whole_batch_past_a_hard_limit_each_move_warning(board: Board) -> None:
    board = with_wip(board, 1, hard=True)
    entries = tasks(board, "Alpha", "Beta", "Gamma")
    result = move_batch(board, entries, "doing", force=True)
    assert len(result.moved) == 3 and result.refused == []
    assert [len(r.warnings) for r in result.moved] == [0, 1, 1]
    assert result.moved[2].warnings[0].startswith("doing/ is now over its limit (3/1)")


def test_past_a_soft_limit_every_task_starts_with_the_single_move_warning(board: Board) -> None:
    board = with_wip(board, 1, hard=False)
    result = move_batch(board, tasks(board, "Alpha", "Beta"), "doing")
    assert len(result.moved) == 2 and result.refused == []
    assert result.moved[1].warnings[0].startswith("doing/ is now over its limit (2/1)")


def test_move_tasks_resolves_the_words_given_and_refuses_those_that_name_no_task(board: Board) -> None:
    alpha, beta = tasks(board, "Alpha", "Beta")
    result = move_tasks(board, [alpha.id[:5], "nope", beta.name], "done")
    assert [r.task.title for r in result.moved] == ["Alpha", "Beta"]
    assert [(r.name, r.task_id, r.title) for r in result.refused] == [("nope", None, None)]
    assert result.refused[0].text == "nope not moved: no task matches 'nope'; `pulse ls` lists the tasks."


def test_undo_reverts_the_whole_batch_and_a_second_undo_reaches_the_move_before_it(board: Board) -> None:
    alpha, beta, gamma = tasks(board, "Alpha", "Beta", "Gamma")
    move_task(board, alpha.id, "doing", now=at(1))  # the move before the batch
    alpha = next(e for e in board.entries() if e.id == alpha.id)
    batch = move_batch(board, [alpha, beta, gamma], "done", now=at(2))
    assert [e.uid for e in last_batch(board, "me")] == [line["uid"] for line in moves(board)[-3:]]

    undone = undo_batch(board, now=at(3))
    assert [r.task.title for r in undone.moved] == ["Gamma", "Beta", "Alpha"]  # the last move first
    assert undone.refused == [] and undone.batch and undone.batch != batch.batch
    assert states(board) == {"Alpha": "doing", "Beta": "open", "Gamma": "open"}
    alpha_now = next(e for e in board.entries() if e.id == alpha.id)
    assert frontmatter(alpha_now.path).get("done") is None and frontmatter(alpha_now.path)["started"]
    lines = moves(board)
    assert [line["undoes"] for line in lines[-3:]] == [line["uid"] for line in reversed(lines[1:4])]
    assert undo_message(undone).startswith(f'Undone 3 moves: {gamma.id[:4]} "Gamma" (done -> open), ')

    again = undo_batch(board, now=at(4))
    assert again.batch is None and [r.task.title for r in again.moved] == ["Alpha"]
    assert undo_message(again) == f'Undone: {alpha.id[:4]} "Alpha": doing -> open'
    assert states(board) == {"Alpha": "open", "Beta": "open", "Gamma": "open"}
    with pytest.raises(PulseError, match="nothing to undo"):
        undo_batch(board)


def test_undo_last_still_returns_one_move_and_reverts_the_whole_batch(board: Board) -> None:
    entries = tasks(board, "Alpha", "Beta")
    move_batch(board, entries, "doing")
    result = undo_last(board)
    assert result.task.title == "Alpha" and result.task.state == "open"
    assert states(board) == {"Alpha": "open", "Beta": "open"}


def test_a_task_of_the_batch_moved_since_is_refused_and_the_others_go_back(board: Board) -> None:
    alpha, beta = tasks(board, "Alpha", "Beta")
    move_batch(board, [alpha, beta], "done")
    (board.root / "done" / beta.name).rename(board.root / "blocked" / beta.name)  # by hand, unjournalled
    undone = undo_batch(board)
    assert [r.task.title for r in undone.moved] == ["Alpha"]
    (refusal,) = undone.refused
    assert refusal.text.startswith(f'{beta.id[:4]} "Beta" not undone: can\'t undo: {beta.id[:4]} was moved')
    assert refusal.reason.endswith(f"but it is blocked/{beta.name} now; nothing was changed.")
    assert undo_message(undone).endswith("; 1 not undone.")


def test_a_batch_none_of_whose_tasks_can_go_back_changes_nothing(board: Board) -> None:
    entries = tasks(board, "Alpha", "Beta")
    move_batch(board, entries, "done")
    for entry in entries:
        (board.root / "done" / entry.name).unlink()
    before = journal_events(board.root)
    with pytest.raises(
        PulseError, match=r"can't undo the last batch of 2 moves: none of its tasks could go back"
    ):
        undo_batch(board)
    assert journal_events(board.root) == before


def test_a_journal_line_with_a_batch_of_the_wrong_type_is_skipped_and_old_lines_still_read(
    board: Board,
) -> None:
    (alpha,) = tasks(board, "Alpha")
    move_task(board, alpha.id, "doing")  # a single move: no batch key at all
    (line,) = [json.dumps(e) for e in moves(board)]
    assert '"batch"' not in line
    month = next((board.root / ".pulse" / "journal").glob("*.jsonl"))
    bad = {**json.loads(line), "uid": "x1", "batch": 7}
    with month.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(bad) + "\n")
    read = [e for e in journal.read_events(board.root) if e.op == "move"]
    assert [(e.uid, e.batch) for e in read] == [(json.loads(line)["uid"], None)]


def test_a_batch_commit_message_names_the_count_and_every_task(board: Board) -> None:
    entries = tasks(board, *(f"Task {n}" for n in range(7)))
    result = move_batch(board, entries, "done")
    shorts = [r.short for r in result.moved]
    subject, blank, *body = batch_message(result.moved).split("\n")
    named = ", ".join(f'{s} "Task {n}"' for n, s in enumerate(shorts[:5]))
    assert subject == f"pulse: done 7 tasks: {named} and 2 more"
    assert blank == "" and body == [f'done {s} "Task {n}"' for n, s in enumerate(shorts)]
    undone = undo_batch(board)
    assert batch_message(undone.moved, undo=True).startswith("pulse: undo done 7 tasks: ")


def test_an_empty_batch_result_says_nothing_moved() -> None:
    assert summary(BatchResult()) == "Moved 0 tasks."
