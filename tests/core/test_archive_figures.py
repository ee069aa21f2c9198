"""The figures with an archive: archived tasks count from their archive lines, the same in the full
pass (`progress.board_stats`) and in the board's incremental `Figures`, through an archive run, its
undo and a journal rewritten whole; and `archive.due` picks by the done stamp and spares what a
task not yet done waits on."""

from __future__ import annotations

import datetime as dt

from pulseboard.core import actions, archive, journal
from pulseboard.core.board import Board
from pulseboard.core.figures import Figures
from pulseboard.core.progress import board_stats
from pulseboard.core.reconcile import Event as Change
from pulseboard.core.undo import undo_batch

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def finished(board: Board, titles: list[str]) -> None:
    for title in titles:
        task = actions.create_task(board, title)
        actions.move_task(board, task.id, "doing")
        actions.move_task(board, task.id, "done")


def test_incremental_figures_follow_an_archive_and_its_undo(board: Board) -> None:
    finished(board, ["A", "B", "C"])
    tasks = board.tasks()
    tail = journal.JournalTail(board.root)
    figures = Figures(tasks, tail.events(), root=board.root)
    local = NOW.astimezone()
    baseline = board_stats(board, local)
    assert baseline.done_today == 3
    assert figures.stats(local) == baseline

    result = archive.archive(board, [t for t in tasks if t.title != "C"])
    assert len(result.moved) == 2
    figures.tasks_changed([Change("removed", r_task, None) for r_task in tasks if r_task.title != "C"])
    figures.add_events(tail.appended() or [])
    assert board_stats(board, local) == baseline, "the full pass counts archived tasks"
    assert figures.stats(local) == baseline, "so does the incremental one"

    undo_batch(board)
    figures.tasks_changed([Change("added", None, t) for t in board.tasks() if t.title != "C"])
    figures.add_events(tail.appended() or [])
    assert figures.stats(local) == board_stats(board, local) == baseline

    archive.archive(board, [t for t in board.tasks() if t.title == "A"])
    figures.tasks_changed([Change("removed", t, None) for t in tasks if t.title == "A"])
    figures.follow(list(journal.read_events(board.root)))  # a journal read whole again (a merge)
    assert figures.stats(local) == board_stats(board, local) == baseline
    fresh = Figures(board.tasks(), journal.read_events(board.root), root=board.root)
    assert fresh.stats(local) == baseline


def test_due_goes_by_the_done_stamp_and_spares_what_is_waited_on(board: Board) -> None:
    finished(board, ["Old", "Waited on", "Recent"])
    by_title = {t.title: t for t in board.tasks()}
    waiter = actions.create_task(board, "Waiter", depends=[by_title["Waited on"].id])
    assert waiter.state == "open"
    later = NOW + dt.timedelta(days=31)
    due = archive.due(board.tasks(), 30 * 86400, later)
    assert sorted(t.title for t in due) == ["Old", "Recent"]
    assert archive.due(board.tasks(), 30 * 86400, NOW) == []
