"""Splitting a task into parts (`pulse split`, the board's split dialog): its unchecked acceptance
criteria, or titles given, become tasks in open/, each naming it as `parent` and inheriting its
priority, touches and tags; it lists them in `children`.

The parent's body is left as it was: its criteria stay unchecked there, and its progress is its
children's (the card's parts count, the heartbeat's "all parts done: finish it"). Every part is
checked before the first file is written, so a refusal writes nothing. A split is not undone by
`pulse undo`, which reverts moves only: undoing it would delete the parts' files, and pulse never
deletes a task file (a part may have been started or edited since).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field

from pulseboard.core.actions import link_children, new_task, parent_entry, require_text
from pulseboard.core.board import Board, Task
from pulseboard.core.errors import PulseError
from pulseboard.core.taskfile import criteria, read_body


@dataclass
class SplitResult:
    parent: Task  # as its file is after the split
    children: list[Task]
    warnings: list[str] = field(default_factory=list)


def unchecked(body: str, parts: Collection[str] = ()) -> list[tuple[int, str]]:
    """The unchecked acceptance criteria of a body with text, but those a part is titled after
    already (parts: the titles of the task's parts): (index among all its criteria, text), the
    index being what `pick` takes (the first criterion is 0, checked ones count too)."""
    return [
        (i, text.strip())
        for i, (done, text) in enumerate(criteria(body))
        if not done and text.strip() and " ".join(text.split()) not in parts
    ]


def _picked(key: str, body: str, pick: Sequence[int], parts: Collection[str]) -> list[str]:
    """The titles the criteria picked by index give (when pick is empty, every unchecked one that
    is no part yet)."""
    items = criteria(body)
    if not pick:
        titles = [text for _, text in unchecked(body, parts)]
        if not titles:
            some = "other " if parts else ""
            raise PulseError(
                f"{key} has no {some}unchecked acceptance criteria to split into; name the parts: "
                'pulse split ID "first part" "second part".'
            )
        return titles
    titles = []
    for index in dict.fromkeys(pick):
        if not 0 <= index < len(items):
            raise PulseError(f"{key} has no criterion number {index + 1} (it has {len(items)}).")
        done, text = items[index]
        if done:
            raise PulseError(f"criterion {index + 1} of {key} is checked already: it is no part left to do.")
        if not text.strip():
            raise PulseError(f"criterion {index + 1} of {key} has no text to make a title of.")
        titles.append(text.strip())
    return titles


def split_task(
    board: Board,
    query: str,
    titles: Sequence[str] = (),
    pick: Sequence[int] = (),
    *,
    now: dt.datetime | None = None,
    randbits: Callable[[int], int] = secrets.randbits,
) -> SplitResult:
    """Make parts of the task a user names: one per title given, else one per unchecked criterion
    (those picked: indexes among all its criteria, from 0). PulseError, nothing written, for a task
    that is done, unknown, ambiguous or unwritable, or with nothing to split into."""
    if titles and pick:
        raise PulseError("give the parts' titles or pick criteria, not both.")
    entries = board.entries()
    entry = parent_entry(board, query, entries, "split")
    parent = board.load(entry)
    if not titles:
        body = read_body(entry.path)
        if body is None:
            raise PulseError(f"{entry.key} could not be read; nothing was split.")
        known = set(parent.children)
        parts = {board.load(e).title for e in entries if e.id in known}
        titles = _picked(entry.key, body, pick, parts)
    for title in titles:
        require_text(title, "title")
        if not title.split():
            raise PulseError("a part needs a title; an empty one was given.")
    result = SplitResult(parent, [])
    inherited = {"priority": parent.priority, "touches": parent.touches, "tags": parent.tags}
    for title in titles:
        made = new_task(
            board, entries, title, **inherited, parent=parent.id, now=now, randbits=randbits,
            warnings=result.warnings,
        )  # fmt: skip
        result.children.append(made)
    problem = link_children(board, entry, [child.id for child in result.children], now)
    if problem:
        result.warnings.append(f"made {len(result.children)} parts, but {problem}")
    result.parent = board.load(entry)
    return result
