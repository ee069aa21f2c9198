"""The board store, write side: making a board, creating tasks, moving them between states.

The CLI and the board call these same functions, so a move is equally safe from either:
a rename that never overwrites, then the stamps written atomically, then a journal line.
"""

from __future__ import annotations

import datetime as dt
import errno
import heapq
import os
import secrets
import stat as stat_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path
from typing import Any

from pulseboard.core import fields, holders, ids, journal
from pulseboard.core.board import STATES, Board, Entry, Task
from pulseboard.core.config import CONFIG_NAME, DEFAULT_CONFIG_TEXT, Settings
from pulseboard.core.doing_view import Doing, DoingOnDisk
from pulseboard.core.errors import PulseError
from pulseboard.core.fsops import (
    ensure_file,
    read_regular,
    rename_noreplace,
    safe_folder,
    write_new,
)
from pulseboard.core.overlap import first_overlap
from pulseboard.core.taskfile import (
    MAX_BYTES,
    SPEC_KEYS,
    link_problem,
    read_body,
    read_task_file,
    render_new_task,
    rewrite,
    spec_digest,
    toggle_criterion,
    update_owned_keys,
)
from pulseboard.core.text import named
from pulseboard.core.wip import Wip


def init_board(root: Path) -> list[str]:
    """Create the four state folders and a commented pulse.yaml; return what was new."""
    made: list[str] = []
    root.mkdir(parents=True, exist_ok=True)
    for state in STATES:
        existed = (root / state).is_dir()
        folder = safe_folder(root, state)
        if not existed:
            made.append(f"{state}/")
        ensure_file(folder / ".gitkeep", b"")  # git keeps no empty folders; pulse ignores dotfiles
    config = root / CONFIG_NAME
    if not os.path.lexists(config):
        ensure_file(config, DEFAULT_CONFIG_TEXT.encode("utf-8"))
        made.append(CONFIG_NAME)
    journal.ensure_pulse_dir(root)
    return made


def require_text(value: str, what: str) -> None:
    """Refuse text that can't be stored as UTF-8 (say, raw bytes from a terminal in another encoding)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise PulseError(f"the {what} has bytes that are not UTF-8 text; nothing was written.") from None


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or dt.datetime.now(dt.UTC)


def create_task(
    board: Board,
    title: str,
    *,
    parent: str | None = None,
    now: dt.datetime | None = None,
    warnings: list[str] | None = None,
    **fields: Any,
) -> Task:
    """Write a new task file in open/ under a fresh id; never overwrites anything. fields: the
    task's as `new_task` takes them (priority, estimate, touches, depends, tags, body, randbits).
    parent: the task (id prefix or file name) it is a part of: the new file names it, and it lists
    the new id among its `children`.

    What half-succeeded (the file made, its history or its parent's list not written) is added to warnings.
    """
    entries = board.entries()
    above = parent_entry(board, parent, entries, "given a part") if parent is not None else None
    task = new_task(
        board, entries, title, parent=above.id if above else None, now=now, warnings=warnings, **fields
    )
    if above is not None:
        problem = link_children(board, above, [task.id], now)
        if problem and warnings is not None:
            warnings.append(f"created {task.state}/{task.name}, but {problem}")
    return task


def new_task(
    board: Board,
    entries: list[Entry],
    title: str,
    *,
    priority: str | None = None,
    estimate: str | None = None,
    touches: Sequence[str] = (),
    depends: Sequence[str] = (),
    tags: Sequence[str] = (),
    body: str = "",
    parent: str | None = None,
    now: dt.datetime | None = None,
    randbits: Callable[[int], int] = secrets.randbits,
    warnings: list[str] | None = None,
) -> Task:
    """`create_task` for a board already listed (entries) and a parent already found (its id),
    leaving the parent's file alone: `pulse split` makes several parts and lists them at once."""
    lists = (("touches", touches), ("depends", depends), ("tags", tags))
    for what, value in [("title", title), ("body", body), *((w, v) for w, vs in lists for v in vs)]:
        require_text(value, what)
    title = " ".join(title.split())
    if not title:
        raise PulseError("a task needs a title.")
    try:
        clean_priority = fields.clean_priority(priority)
        estimate_text = fields.format_estimate(fields.parse_estimate(estimate)) if estimate else None
    except ValueError as exc:
        raise PulseError(f"{exc}.") from None
    meta: dict[str, Any] = {
        "title": title,
        "priority": clean_priority,
        "estimate": estimate_text,
        "touches": list(touches),
        "depends": [board.find(d, entries).id for d in depends],
        "tags": list(tags),
        "parent": parent,
    }
    moment = _now(now)
    text = render_new_task(meta, fields.format_time(moment), body).encode("utf-8")
    folder = safe_folder(board.root, "open")
    taken = {e.id for e in entries}
    slug = ids.slugify(title)
    for _ in range(100):
        task_id = ids.new_id(randbits)
        if task_id in taken:
            continue
        name = f"{task_id}-{slug}.md" if slug else f"{task_id}.md"
        try:
            write_new(folder / name, text)
        except FileExistsError:
            continue
        entry = Entry("open", name, task_id, folder)
        problem = record_history(board, journal.new_event("create", task_id, name, None, "open", moment))
        if problem and warnings is not None:
            warnings.append(f"created {entry.key}, but {problem}")
        return board.load(entry)
    raise PulseError("could not find a free id after 100 tries; is the random source broken?")


def parent_entry(board: Board, query: str, entries: list[Entry], what: str) -> Entry:
    """The task a user names to be split or given a part: found as any task is, and refused when
    it is done or pulse can't write into its file (what: `split`, `given a part`)."""
    entry = board.find(query, entries)
    if entry.state == "done":
        raise PulseError(f"{entry.key} is done; a finished task is not {what}: reopen it first.")
    record = read_task_file(entry.path, board.root, entry.fallback_title)
    if not record["writable"]:
        raise PulseError(f"{entry.key} {record['error']}; pulse won't write into it.")
    try:  # a frontmatter pulse can't edit is refused before any part is made
        text = read_regular(entry.path, MAX_BYTES).decode("utf-8")
        update_owned_keys(text, _with_children(record, [entry.id]))
    except (OSError, ValueError) as exc:
        raise PulseError(f"{entry.key} can't be {what}: {exc}.") from None
    return entry


def _with_children(record: dict[str, Any], new: Sequence[str]) -> dict[str, Any]:
    return {"children": list(dict.fromkeys([*record["children"], *new]))}


def link_children(
    board: Board, entry: Entry, children: Sequence[str], now: dt.datetime | None = None
) -> str | None:
    """Add ids to a task's `children` (the rest of its file as it was) and journal it (op `split`,
    `parts` the ids added); say what went wrong, or None."""
    record = read_task_file(entry.path, board.root, entry.fallback_title)
    if not record["writable"]:
        return f"{entry.key} {record['error']}: its children list was not written."
    try:
        rewrite(entry.path, lambda text: update_owned_keys(text, _with_children(record, children)))
    except FileNotFoundError:
        return f"{entry.key} moved meanwhile: its children list was not written."
    except (OSError, ValueError) as exc:
        return f"{entry.key} could not take its children list ({exc})."
    state = entry.state
    event = journal.new_event("split", entry.id, entry.name, state, state, now, parts=tuple(children))
    return record_history(board, event)


@dataclass
class MoveResult:
    task: Task
    from_state: str
    short: str  # the task's short id on the board as listed for the move
    warnings: list[str] = field(default_factory=list)


def _stamp_changes(to_state: str, moment: str, reason: str | None, waiting_on: str | None) -> dict[str, Any]:
    if to_state == "open":
        return {"started": None, "done": None, "blocked": None, "holder": None}
    if to_state == "doing":
        return {"started": moment, "done": None, "blocked": None, "holder": journal.actor()}
    if to_state == "done":
        return {"done": moment, "blocked": None}
    return {"done": None, "blocked": {"reason": reason, "waiting_on": waiting_on, "since": moment}}


def describe(task: Task, shorts: dict[str, str]) -> str:
    """`a1b2 "Title"`: how messages name a task."""
    return named(shorts.get(task.id, task.id), task.title)


WIP_NAMED = 5  # a WIP message names this many tasks in doing and counts the rest


def wip_check(
    doing: Doing, moving: Entry, settings: Settings, force: bool, short_of: Callable[[str], str]
) -> list[str]:
    """Apply the WIP limit to a move into doing/: a warning past a soft limit, an error past a hard one.

    The message names the first WIP_NAMED tasks in doing by file name and counts the rest, and
    reads only the tasks it names: the same cost with 4 or 10,000 tasks in doing."""
    wip = Wip(doing.count(moving.id), settings.wip_doing, settings.wip_hard)
    if not wip.full:
        return []
    shown = doing.first_named(WIP_NAMED, moving.id)
    names = _names(shown, short_of)
    if wip.count > len(shown):
        names += f" and {wip.count - len(shown):,} more"
    if wip.must_confirm and not force:
        raise PulseError(
            f"doing/ is full ({wip.count}/{wip.limit}: {names}); finish or block one first, or pass --force."
        )
    return [f"doing/ is now over its limit ({wip.count + 1}/{wip.limit}); already in progress: {names}."]


def overlap_check(
    doing: Doing, moving: Entry, record: dict[str, Any], short_of: Callable[[str], str]
) -> list[str]:
    """A warning when a task going into doing touches what a task already there touches: tasks
    that touch the same files run one after the other. Names the first WIP_NAMED of them by file
    name, with what each overlaps on, and counts the rest."""
    touches = record["touches"]
    if not touches:
        return []
    clashes = [task for task in doing.touching(touches) if task.id != moving.id]
    if not clashes:
        return []
    shown = heapq.nsmallest(WIP_NAMED, clashes, key=attrgetter("name"))
    names = _names(shown, short_of, lambda task: f" ({first_overlap(touches, task.touches)})")
    if len(clashes) > len(shown):
        names += f" and {len(clashes) - len(shown):,} more"
    who = named(short_of(moving.id), record["title"])
    return [
        f"{who} touches the same files as {names} in doing: "
        "tasks that touch the same files run one after the other."
    ]


def _names(
    tasks: list[Task], short_of: Callable[[str], str], after: Callable[[Task], str] = lambda _: ""
) -> str:
    """`a1b2 "Title" (…), …`: the tasks a message names, each by its short id."""
    shorts = {task.id: short_of(task.id) for task in tasks}
    return ", ".join(describe(task, shorts) + after(task) for task in tasks)


def _check_movable(board: Board, entry: Entry) -> None:
    try:
        st = os.lstat(entry.path)
    except FileNotFoundError:
        raise PulseError(f"{entry.key} is gone: another process moved or deleted it first.") from None
    if stat_module.S_ISLNK(st.st_mode):
        raise PulseError(f"{entry.key} {link_problem(entry.path, board.root)}, so pulse won't move it.")
    if not stat_module.S_ISREG(st.st_mode):
        raise PulseError(f"{entry.key} is not a regular file; pulse moves only task files.")


def move_task(board: Board, query: str, to_state: str, **options: Any) -> MoveResult:
    """Move the task a user names (id prefix or file name); see move_entry for the options."""
    entries = board.entries()
    entry = board.find(query, entries)
    all_ids = [e.id for e in entries]
    return move_entry(board, entry, to_state, short_of=lambda i: ids.short_id(i, all_ids), **options)


def check_move_options(
    to_state: str, reason: str | None, waiting_on: str | None, stamps: dict[str, Any] | None = None
) -> None:
    """Refuse a move's options that would refuse it for any task: an unknown state, a block
    without a reason, text that is not UTF-8."""
    if to_state not in STATES:
        raise PulseError(f"'{to_state}' is not a state; use one of {', '.join(STATES)}.")
    if to_state == "blocked" and stamps is None and not (reason and reason.strip()):
        raise PulseError("a blocked task needs a reason: say what is needed with --reason.")
    for what, value in (("reason", reason), ("waiting-on name", waiting_on)):
        if value is not None:
            require_text(value, what)


def move_entry(
    board: Board,
    entry: Entry,
    to_state: str,
    *,
    reason: str | None = None,
    waiting_on: str | None = None,
    force: bool = False,
    now: dt.datetime | None = None,
    short_of: Callable[[str], str] = lambda task_id: task_id[: ids.SHORT_LENGTH],
    stamps: dict[str, Any] | None = None,
    undoes: str | None = None,
    batch: str | None = None,
    doing: Doing | None = None,
) -> MoveResult:
    """Move a task file to another state folder and stamp it; of two racing movers exactly one wins.

    A start consults doing (the WIP rule, the overlap warning) and nothing else of the board, so
    a move costs the same at any board size: `doing` is doing as the caller holds it
    (core/doing_view.py; the board's snapshot and index), else doing/ is listed.
    short_of gives the short ids messages use (callers that know the board pass a unique one;
    the default is the id's first characters).
    stamps, for an undo, are the owned keys to write instead of fresh ones (None removes one);
    undoes is the journal key of the move an undo reverts; batch, the id the journal lines of one
    batch share (core/batch.py).
    """
    check_move_options(to_state, reason, waiting_on, stamps)
    if entry.state == to_state:
        raise PulseError(f"{entry.key} is already in {to_state}/.")
    if to_state == "doing":
        doing = doing or DoingOnDisk(board)
        warnings = wip_check(doing, entry, board.settings, force, short_of)
    else:
        warnings = []
    _check_movable(board, entry)
    record = read_task_file(entry.path, board.root, entry.fallback_title)
    if to_state == "doing":
        if not warnings:  # past the board's own limit, a holder's says nothing more
            me, heartbeat = journal.actor(), board.settings.heartbeat
            moving_weight = holders.weight_of(record["estimate"], record["tags"], heartbeat)
            warnings += holders.holder_check(
                entry, moving_weight, doing.held_by(me), me, board.settings, force, short_of
            )
        warnings += overlap_check(doing, entry, record, short_of)
    before = {key: record.get(key) for key in fields.STAMP_KEYS}  # for the journal: what undo restores
    target_dir = safe_folder(board.root, to_state)
    rename_task(entry.path, entry.key, target_dir / entry.name, f"{to_state}/{entry.name}")
    moment = _now(now)
    spec = _spec(record, target_dir / entry.name) if to_state == "doing" else None
    event = journal.new_event(
        "move", entry.id, entry.name, entry.state, to_state, moment,
        before=before, undoes=undoes, batch=batch, spec=spec,
    )  # fmt: skip
    history_problem = record_history(board, event)
    moved = Entry(to_state, entry.name, entry.id, target_dir)
    changes = (
        stamps
        if stamps is not None
        else _stamp_changes(to_state, fields.format_time(moment), reason, waiting_on)
    )
    problem = write_stamps(board, moved, changes)
    if problem:
        warnings.append(f"moved, but the stamps were not written: {moved.key} {problem}.")
    if history_problem:
        warnings.append(f"moved, but {history_problem}")
    return MoveResult(board.load(moved), entry.state, short_of(entry.id), warnings)


def rename_task(source: Path, source_key: str, target: Path, target_key: str) -> None:
    """Rename a task file, never over another (a move, an archive, an unarchive); PulseError in one
    sentence for what went wrong (keys: `open/x.md`, `archive/2026-10/x.md`)."""
    try:
        rename_noreplace(source, target)
    except FileNotFoundError:
        raise PulseError(f"{source_key} is gone: another process moved or deleted it first.") from None
    except FileExistsError:
        raise PulseError(f"{target_key} already exists; pulse never overwrites a file.") from None
    except PermissionError:
        where = os.path.dirname(target_key)
        raise PulseError(f"permission denied moving {source_key} to {where}/.") from None


def _spec(record: dict[str, Any], path: Path) -> str | None:
    """The digest of what a task asks for as it starts (the stale-spec rule compares it later)."""
    body = read_body(path)
    return None if body is None else spec_digest(record["title"], [record[key] for key in SPEC_KEYS], body)


def write_stamps(board: Board, entry: Entry, changes: dict[str, Any]) -> str | None:
    """Write the owned keys into a task file atomically; return why not, or None on success."""
    record = read_task_file(entry.path, board.root, entry.fallback_title)
    if not record["writable"]:
        return record["error"]
    try:
        rewrite(entry.path, lambda text: update_owned_keys(text, changes))
    except FileNotFoundError:
        return "moved again before its stamps could be written"
    except PulseError as exc:
        return str(exc).rstrip(".")
    except OSError as exc:
        return f"can't be written ({os_reason(exc)})"
    except ValueError as exc:
        return str(exc)
    return None


def os_reason(exc: OSError) -> str:
    """Why a file-system call failed, in a few plain words: `no space left on device`."""
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "permission denied"
    return (exc.strerror or str(exc)).lower()


def record_history(board: Board, event: journal.Event) -> str | None:
    """Journal one event; say why not (the change itself stands) instead of raising."""
    try:
        journal.record(board.root, event)
    except PulseError as exc:
        reason = str(exc).rstrip(".")
    except OSError as exc:
        reason = os_reason(exc)
    else:
        return None
    return (
        f"its history was not written ({reason}); `pulse doctor --fix` records it from the folders "
        "once that is fixed."
    )


def tick_criterion(board: Board, entry: Entry, index: int) -> Task:
    """Tick or untick a task's index-th acceptance criterion in its file, atomically."""
    safe_folder(board.root, entry.state, create=False)  # never a link to a folder elsewhere
    try:
        rewrite(entry.path, lambda text: toggle_criterion(text, index))
    except FileNotFoundError:
        raise PulseError(f"{entry.key} is gone: another process moved or deleted it.") from None
    except ValueError as exc:
        raise PulseError(f"{entry.key} can't be ticked: {exc}.") from None
    except OSError as exc:
        raise PulseError(f"{entry.key} can't be written ({os_reason(exc)}); nothing changed.") from None
    return board.load(entry)
