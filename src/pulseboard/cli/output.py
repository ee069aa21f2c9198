"""How the CLI prints tasks: the stable JSON shape, and plain lines with task text made inert."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TextIO

from pulseboard.core.board import Task
from pulseboard.core.fields import format_estimate
from pulseboard.core.task_view import task_json as task_json  # the stable shape, from core
from pulseboard.core.task_view import task_rows
from pulseboard.core.text import inert as plain

if TYPE_CHECKING:  # for annotations only: `pulse ls` needs neither the heartbeat nor the reconciler
    from pulseboard.core.claim import Claim, NothingToClaim
    from pulseboard.core.heartbeat import Suggestion
    from pulseboard.core.reconcile import Event


# Left raw by ensure_ascii=False, yet a terminal acts on C1 controls (U+009B is CSI) and JavaScript
# readers of JSON lines break at U+2028/U+2029: written as \u escapes, the same strings once parsed.
_RAW_IN_JSON = "".join(map(chr, range(0x80, 0xA0))) + "\u2028\u2029"
_RAW_IN_JSON_RE = re.compile("[\x80-\x9f\u2028\u2029]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def dumps(data: Any) -> str:
    """Compact JSON with text as UTF-8, except the characters above, which are \\u-escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # isascii is O(1), and 34 `in` scans are ~7x faster than one regex scan (4.5 MB: 5 ms, not 38)
    if text.isascii() or not any(char in text for char in _RAW_IN_JSON):
        return text
    return _RAW_IN_JSON_RE.sub(_escape, text)


def write_json_list(stream: TextIO, items: Iterable[dict[str, Any]], chunk: int = 1000) -> None:
    """A JSON array on one line, written in pieces so a 100,000-task list is never one string."""
    stream.write("[")
    batch: list[dict[str, Any]] = []
    first = True
    for item in items:
        batch.append(item)
        if len(batch) == chunk:
            stream.write(("" if first else ",") + dumps(batch)[1:-1])
            batch, first = [], False
    if batch:
        stream.write(("" if first else ",") + dumps(batch)[1:-1])
    stream.write("]\n")


def event_line(event: Event, short: str, at: str, *, as_json: bool) -> str:
    """One `pulse watch` line: a task added, changed, moved or removed."""
    before, after = event.before, event.after
    task = event.task
    if as_json:
        return dumps({"at": at, "event": event.kind, "id": task.id, "short": short, "title": task.title,
                      "from": before.state if before else None, "to": after.state if after else None,
                      "path": os.path.join(task.folder, task.name)})  # fmt: skip
    where = {
        "added": f"in {task.state}/",
        "changed": f"in {task.state}/",
        "removed": f"from {task.state}/",
        "moved": f"{before.state if before else '?'} -> {after.state if after else '?'}",
    }[event.kind]
    return f"{at}  {event.kind:<7}  {short}  {where}  {plain(task.title)}"


def suggestion_json(suggestion: Suggestion, short: Callable[[str], str]) -> dict[str, Any]:
    """The stable JSON shape of a heartbeat suggestion."""
    return {
        "kind": suggestion.kind, "action": suggestion.action, "ids": list(suggestion.ids),
        "short": [short(i) for i in suggestion.ids], "text": suggestion.text,
        "score": round(suggestion.score, 2),
        "reasons": [{"term": term, "points": round(points, 2)} for term, points in suggestion.reasons],
    }  # fmt: skip


def claim_json(claimed: Claim) -> dict[str, Any]:
    """A claim as `pulse claim --json` gives it: the task, where it came from, the move's warnings,
    and the suggestion that chose it."""
    result = claimed.move
    return {
        "claimed": True,
        **task_json(result.task, result.short),
        "from": result.from_state,
        "warnings": result.warnings,
        "suggestion": suggestion_json(claimed.suggestion, lambda _: result.short),
        "taken_from": claimed.taken_from,
    }


def unclaimed_json(nothing: NothingToClaim, short: Callable[[str], str]) -> dict[str, Any]:
    """Nothing to claim, as `pulse claim --json` gives it: why, and the heartbeat's top 5."""
    ranked = [suggestion_json(s, short) for s in nothing.suggestions[:5]]
    return {"claimed": False, "reason": str(nothing), "suggestions": ranked}


def suggestion_line(rank: int, suggestion: Suggestion, short: Callable[[str], str]) -> str:
    """`1. start  a1b2  Start "Title".  (305.7: startable +300, priority high +3.9)`."""
    who = " ".join(short(i) for i in suggestion.ids)
    terms = ", ".join(f"{term} {points:+g}" for term, points in suggestion.reasons)
    why = f"  ({suggestion.score:.1f}: {terms})" if terms else ""
    return f"{rank}. {suggestion.action:<8} {who:<10} {plain(suggestion.text)}{why}"


def beat_text(suggestions: list[Suggestion], short: Callable[[str], str], *, as_json: bool) -> str:
    """A beat's suggestions: numbered lines, or a JSON list."""
    if as_json:
        return dumps([suggestion_json(s, short) for s in suggestions])
    return "\n".join(suggestion_line(rank, s, short) for rank, s in enumerate(suggestions, start=1))


def task_line(task: Task, short: str, width: int) -> str:
    estimate = "-" if task.estimate is None else format_estimate(task.estimate)
    line = f"{short:<{width}}  {task.state:<7}  {task.priority:<8}  {estimate:>6}  {plain(task.title)}"
    if task.holder:
        line += f"  @{plain(task.holder)}"
    if task.blocked:
        line += f"  (blocked: {plain(task.blocked.get('reason') or '?')}"
        if task.blocked.get("waiting_on"):
            line += f"; waiting on {plain(task.blocked['waiting_on'])}"
        line += ")"
    if task.error:
        line += f"  [broken: {plain(task.error)}]"
    return line


def task_details(task: Task, short: str, body: str | None, family: Sequence[tuple[str, str]] = ()) -> str:
    """The `pulse show` text: the fields every face lists (core/task_view.py), its parent and parts
    (family: `family_rows`), then the body."""
    lines = [f"{short}  {plain(task.title)}  (id {task.id})"]
    lines += [f"  {name:<9} {plain(value)}" for name, value in [*task_rows(task), *family] if value]
    if body and body.strip():
        lines += ["", plain(body.rstrip("\n"))]
    return "\n".join(lines)
