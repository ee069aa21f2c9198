"""A task's fields as a person reads them (the one list `pulse show` and the detail view both
show, with its parent and parts: `family_rows`), and as a program reads them (`task_json`: the
stable shape of `--json`, MCP and hooks).

Values are plain text; each face makes them inert and adds its own look, and leaves out the
fields with no value (given as "").
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pulseboard.core.board import Task
from pulseboard.core.fields import format_estimate
from pulseboard.core.journal import Event


def display_path(path: Path) -> str:
    """A path as the user knows it: relative to where pulse was started, when it is under there."""
    try:
        return str(path.absolute().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def blocked_text(task: Task) -> str:
    """What a blocked task waits for, on whom, and since when ("" when it is not blocked)."""
    if not task.blocked:
        return ""
    b = task.blocked
    who = b.get("waiting_on") or "nobody named"
    return f"{b.get('reason')}; waiting on {who} since {b.get('since') or '?'}"


def task_rows(task: Task) -> list[tuple[str, str]]:
    """(name, value) for each field of a task, in the order every face lists them."""
    done, total = task.criteria
    return [
        ("state", task.state),
        ("priority", task.priority),
        ("estimate", "" if task.estimate is None else format_estimate(task.estimate)),
        ("touches", ", ".join(task.touches)),
        ("depends", ", ".join(task.depends)),
        ("tags", ", ".join(task.tags)),
        ("created", task.created or ""),
        ("started", task.started or ""),
        ("holder", task.holder or ""),
        ("done", task.done or ""),
        ("blocked", blocked_text(task)),
        ("criteria", f"{done}/{total} checked" if total else ""),
        ("file", display_path(task.path)),
        ("error", task.error or ""),
    ]


def parts_done(task: Task, is_done: Callable[[str], bool]) -> int:
    """How many of a task's parts (`children`) are done; is_done: whether an id has a copy in done/."""
    return sum(1 for child in task.children if is_done(child))


def family_rows(
    task: Task, find: Callable[[str], Sequence[Task]], short: Callable[[str], str]
) -> list[tuple[str, str]]:
    """(name, value) for a task's parent and parts, each `a1b2  open     Title`, and how many parts
    are done; find: the copies of an id on the board (none: it is not on the board)."""
    rows: list[tuple[str, str]] = []
    if task.parent:
        rows.append(("parent", _related(task.parent, find(task.parent), short)))
    if task.children:
        found = {child: find(child) for child in task.children}
        done = parts_done(task, lambda child: any(t.state == "done" for t in found[child]))
        rows.append(("parts", f"{done}/{len(task.children)} done"))
        rows += [("", _related(child, copies, short)) for child, copies in found.items()]
    return rows


def _related(task_id: str, copies: Sequence[Task], short: Callable[[str], str]) -> str:
    if not copies:
        return f"{task_id}  (not on the board)"
    other = next((t for t in copies if t.state == "done"), copies[0])
    return f"{short(task_id)}  {other.state:<8} {other.title}"


def task_json(task: Task, short: str) -> dict[str, Any]:
    """The stable JSON shape of a task."""
    return {
        "id": task.id,
        "short": short,
        "title": task.title,
        "state": task.state,
        "path": os.path.join(task.folder, task.name),
        "priority": task.priority,
        "estimate": None if task.estimate is None else format_estimate(task.estimate),
        "estimate_seconds": task.estimate,
        "touches": list(task.touches),
        "depends": list(task.depends),
        "tags": list(task.tags),
        "created": task.created,
        "started": task.started,
        "done": task.done,
        "blocked": task.blocked,
        "holder": task.holder,
        "parent": task.parent,
        "children": list(task.children),
        "criteria": {"done": task.criteria[0], "total": task.criteria[1]},
        "error": task.error,
    }


def history_line(event: Event) -> str:
    """One journal event of a task as `pulse show` and the detail view list it:
    `2026-12-02T05:07:19Z  move   open → doing  by ana`."""
    return f"{event.at}  {event.op:<6} {event.from_state or '-'} → {event.to_state}  by {event.by}"


def history_json(event: Event) -> dict[str, str | None]:
    """One journal event of a task in `pulse show --json`'s `history`."""
    return {"at": event.at, "op": event.op, "from": event.from_state, "to": event.to_state, "by": event.by}


def show_json(root: Path, task: Task, short: str, body: str | None) -> dict[str, Any]:
    """`pulse show ID --json` (and the MCP face's `show`): the task's JSON, its body (LF line ends)
    and its history from the journal."""
    from pulseboard.core.journal import history

    past = history(root, task.id, created=task.created)
    text = None if body is None else body.replace("\r\n", "\n")
    return {**task_json(task, short), "body": text, "history": [history_json(event) for event in past]}
