"""The archive: done tasks leave the four columns for tasks/archive/YYYY-MM/, and come back.

The board lists only open/, doing/, done/ and blocked/, so an archived file is never read when the
board opens: a year of finished work costs the daily board nothing. Archiving is a rename per file
into the month the task was done (never overwriting, its bytes untouched) and a journal line each
(op "archive", the task's stamps kept in `before` so the figures need no file), all of one run in
a batch that `pulse undo` reverts together. `unarchive` is the way back (an "unarchive" line, which
undoes the archive line). Archived tasks are still found by id (`Board.find` says where), listed
and searched (`pulse ls --archived`), and counted in the figures (`archived_tasks`, from the journal).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable, Container, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from pulseboard.core import ids, journal
from pulseboard.core.actions import MoveResult, os_reason, record_history, rename_task
from pulseboard.core.batch import BatchResult, Refusal
from pulseboard.core.board import ARCHIVE_DIR, Board, Entry, Task
from pulseboard.core.doctor import dependency_graph
from pulseboard.core.errors import PulseError
from pulseboard.core.fsops import safe_folder
from pulseboard.core.metrics_history import seconds

DEFAULT_AFTER_S = 30 * 86400  # `pulse archive` with no --older-than and no archive.after setting
STAMPS = ("created", "started", "done")  # kept in an archive line: what the figures read of the task


def month_of(task: Task) -> str:
    """The archive month a done task goes to: the month of its done stamp (UTC), else of its file time."""
    done = seconds(task.done, float("inf"))
    if done is None:
        try:
            done = task.path.lstat().st_mtime
        except OSError:
            done = dt.datetime.now(dt.UTC).timestamp()
    return dt.datetime.fromtimestamp(done, dt.UTC).strftime("%Y-%m")


def due(tasks: Sequence[Task], older_than_s: float, now: dt.datetime) -> list[Task]:
    """The done tasks (of the whole board, `tasks`) done longer ago than `older_than_s`, oldest
    first. Stays in done/: a task with no readable done stamp or a broken file (when it was done is
    not known), and one that a task not yet done depends on (the heartbeat reads dependencies on the
    board alone: an archived one would look missing)."""
    cutoff = now.timestamp() - older_than_s
    waited_on = _waited_on(tasks)
    found = []
    for task in tasks:
        if task.state != "done" or task.error is not None or task.id in waited_on:
            continue
        done = seconds(task.done, float("inf"))
        if done is not None and done <= cutoff:
            found.append((done, task.id, task))
    return [task for _, _, task in sorted(found, key=lambda item: item[:2])]


def _waited_on(tasks: Sequence[Task]) -> set[str]:
    """The ids that tasks not done depend on, as the heartbeat resolves them."""
    graph, _ = dependency_graph(list(tasks))
    waiting = {t.id for t in tasks if t.state != "done" and t.depends}
    return {dep for task_id, deps in graph.items() if task_id in waiting for dep in deps}


def archive(
    board: Board,
    tasks: Sequence[Task],
    *,
    now: dt.datetime | None = None,
    short_of: Callable[[str], str] = lambda task_id: task_id[: ids.SHORT_LENGTH],
) -> BatchResult:
    """Move these done tasks into the archive as one batch; each result's task is where it went
    (state `archive/YYYY-MM`). A task gone or moved since it was listed is refused, never chased."""
    moment = now or dt.datetime.now(dt.UTC)
    result = BatchResult(batch=journal.new_batch_id() if len(tasks) > 1 else None)
    folders: dict[str, Path] = {}  # each month's folder, made (and checked not to be a link) once
    for task in tasks:
        month = month_of(task)
        state = f"{ARCHIVE_DIR}/{month}"
        try:
            if task.state != "done":
                raise PulseError(f"{task.state}/{task.name} is not done; only done tasks are archived.")
            if month not in folders:
                folders[month] = safe_folder(board.root, ARCHIVE_DIR, month)
            folder = folders[month]
            rename_task(task.path, f"done/{task.name}", folder / task.name, f"{state}/{task.name}")
        except PulseError as exc:
            result.refused.append(Refusal(short_of(task.id), str(exc), None, task.title, "archived"))
            continue
        except OSError as exc:  # what a batch of moves says too
            why = f"done/{task.name} can't be moved ({os_reason(exc)})."
            result.refused.append(Refusal(short_of(task.id), why, None, task.title, "archived"))
            continue
        kept = {key: getattr(task, key) for key in STAMPS}
        event = journal.new_event(
            "archive", task.id, task.name, "done", state, moment, before=kept, batch=result.batch
        )
        moved = replace(task, state=state, folder=folder)
        problem = record_history(board, event)
        warnings = [f"archived, but {problem}"] if problem else []
        result.moved.append(MoveResult(moved, "done", short_of(task.id), warnings))
    return result


def unarchive(
    board: Board,
    entry: Entry,
    *,
    now: dt.datetime | None = None,
    undoes: str | None = None,
    batch: str | None = None,
    short_of: Callable[[str], str] = lambda task_id: task_id[: ids.SHORT_LENGTH],
) -> MoveResult:
    """Put an archived task back in done/ as it was; its "unarchive" line undoes the archive line
    (`undoes`, else the newest archive of this id found in the journal)."""
    if not entry.state.startswith(f"{ARCHIVE_DIR}/"):
        raise PulseError(f"{entry.key} is not archived.")
    done = safe_folder(board.root, "done")
    rename_task(entry.path, entry.key, done / entry.name, f"done/{entry.name}")
    with contextlib.suppress(OSError):  # the month's last file gone back: no empty folder left behind
        entry.folder.rmdir()
    undoes = undoes or _last_archive(board, entry.id)
    event = journal.new_event(
        "unarchive", entry.id, entry.name, entry.state, "done", now, undoes=undoes, batch=batch
    )
    problem = record_history(board, event)
    back = board.load(Entry("done", entry.name, entry.id, done))
    return MoveResult(back, entry.state, short_of(entry.id), [f"restored, but {problem}"] if problem else [])


def _last_archive(board: Board, task_id: str) -> str | None:
    """The journal key of the newest archive line of a task, if any."""
    keys = [e.key for e in journal.read_events(board.root) if e.op == "archive" and e.id == task_id]
    return keys[-1] if keys else None


def archived_tasks(root: Path, events: Iterable[journal.Event], on_board: Container[str]) -> list[Task]:
    """The archived tasks the journal knows of, as the figures need them (done, with their stamps),
    leaving out any id still on the board (`on_board`): an archive undone or unarchived, or a file
    put back by hand, counts once, from its file."""
    newest: dict[str, journal.Event] = {}
    for event in events:
        if event.op in ("archive", "unarchive"):
            newest[event.id] = event
    return [archived_task(root, e) for e in newest.values() if e.op == "archive" and e.id not in on_board]


def archived_task(root: Path, event: journal.Event) -> Task:
    """A task as its archive line keeps it: done, with its stamps, nothing read from its file. Its
    name is its place under the board (`archive/YYYY-MM/x.md`), so it is never taken for the file
    it was in done/."""
    get = (event.before or {}).get
    name = f"{event.to_state}/{event.file}"  # its title is its file's name: the figures never show it
    return Task(
        event.id, "done", name, root, event.file, "medium", None, (), (), (),
        get("created"), get("started"), get("done") or event.at, None, (0, 0), None, False,
    )  # fmt: skip
