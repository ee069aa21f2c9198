"""What a card says: the text of a task's card, line by line, as plain text and style names.

No widgets and no markup: each line is a list of (text, style name) pieces that the column turns
into a Strip, so a title like `[bold red]hi` is shown exactly as written. Cards are CARD_HEIGHT
lines tall (three of content and a gap), or one line in compact mode, which lets a column find any
card by arithmetic.
"""

from __future__ import annotations

import datetime as dt
import zlib
from collections.abc import Callable, Collection
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

from pulseboard.core.board import Task
from pulseboard.core.fields import format_duration, format_estimate, seconds_since
from pulseboard.core.heartbeat import HeartbeatSettings, time_box
from pulseboard.core.task_view import parts_done
from pulseboard.core.text import one_line

CARD_HEIGHT = 4
NARROW = 30  # a card narrower than this shows its priority by its mark alone
PRIORITY_MARK = {"critical": "▲▲", "high": "▲", "medium": "", "low": "▽"}
TAG_STYLES = ("card--tag-1", "card--tag-2", "card--tag-3")  # a tag keeps its colour: chosen by its name

Piece = tuple[str, str]  # (text, style name: a component class of the column, or "")
Line = list[Piece]


def nothing_waited_on(task: Task) -> str | None:
    """`CardContext.waiting_on` before the heartbeat's engine is built: no ⇠ mark yet."""
    return None


@dataclass(frozen=True, slots=True)
class CardContext:
    """What a card needs beyond its task: the time, short ids, and board-wide markers."""

    now: dt.datetime
    short: Callable[[str], str]
    overlaps_doing: Callable[[Task], bool]
    in_two_places: Callable[[str], bool]
    heartbeat: HeartbeatSettings  # the time boxes (heartbeat.box in pulse.yaml)
    suggested: str | None = None  # the task the heartbeat's selected suggestion is about: ★ on its card
    marked: Collection[str] = frozenset()  # the file names of the tasks marked for a batch move: ●
    silent: Collection[str] = frozenset()  # ids of tasks whose holder went silent past the lease
    is_done: Callable[[str], bool] = frozenset().__contains__  # whether an id has a copy in done/
    waiting_on: Callable[[Task], str | None] = nothing_waited_on  # what an open task still waits on



def _head(task: Task, context: CardContext) -> Line:
    """A card's first piece: its short id, after a mark when it is marked for a batch move."""
    short = (context.short(task.id), "card--id")
    return [("● ", "card--marked"), short] if task.name in context.marked else [short]


def time_box_style(task: Task, seconds: float, settings: HeartbeatSettings) -> str:
    """Amber past the task's time box (consider splitting), red past twice it (split it)."""
    consider, split = time_box(task, settings)
    if seconds > split:
        return "card--age-over"
    if seconds > consider:
        return "card--age-warn"
    return "card--meta"


def _markers(task: Task, context: CardContext) -> Line:
    pieces: Line = [(" ★", "card--suggested")] if task.id == context.suggested else []
    if task.error:
        pieces.append((" ✖", "card--broken"))
    if context.in_two_places(task.id):
        pieces.append((" ⧉", "card--conflict"))
    if task.state != "done" and context.overlaps_doing(task):
        pieces.append((" ⇄", "card--overlap"))
    if task.state == "open" and task.depends:  # not startable yet: what it waits on (the heartbeat's rule)
        waited = context.waiting_on(task)
        if waited is not None:
            pieces.append((f" ⇠ {context.short(waited) if waited else '?'}", "card--blocked"))
    return pieces


_CLOCKED = {"doing": "started", "done": "done"}  # blocked: blocked.since


def clock_seconds(task: Task, now: dt.datetime) -> float | None:
    """How long the card's clock has run: in doing since it started, blocked since it was blocked,
    done since it was done (None: no time on this card)."""
    if task.state == "blocked":
        return seconds_since((task.blocked or {}).get("since"), now)
    key = _CLOCKED.get(task.state)
    return seconds_since(getattr(task, key), now) if key else None


def clock_text(task: Task, now: dt.datetime) -> str | None:
    """The time a card shows, as drawn: it changes each second under a minute, then each minute."""
    seconds = clock_seconds(task, now)
    return None if seconds is None else format_duration(seconds)


def _meta(task: Task, context: CardContext) -> Line:
    if task.state == "doing":
        seconds = clock_seconds(task, context.now)
        held: Line = [(f" · {task.holder}", "card--who")] if task.holder else []
        if task.holder and task.id in context.silent:
            held = [(f" · {task.holder} silent", "card--age-over")]
        if seconds is None:
            return [("▶ started ?", "card--meta"), *held]
        return [(f"▶ {format_duration(seconds)}", time_box_style(task, seconds, context.heartbeat)), *held]
    if task.state == "blocked":
        blocked = task.blocked or {}
        waited = clock_seconds(task, context.now)
        pieces: Line = [(f"‖ {format_duration(waited)}" if waited is not None else "‖", "card--blocked")]
        if blocked.get("waiting_on"):
            pieces.append((f" · {blocked['waiting_on']}", "card--who"))
        pieces.append((f" · {blocked.get('reason') or 'no reason given'}", "card--meta"))
        return pieces
    if task.state == "done":
        seconds = clock_seconds(task, context.now)
        return [(f"✓ {format_duration(seconds)} ago" if seconds is not None else "✓", "card--meta")]
    if task.error:
        return [(task.error, "card--broken")]
    pieces = [(f"#{tag} ", tag_style(tag)) for tag in task.tags]
    if task.touches:
        pieces.append((" ".join(task.touches), "card--meta"))
    return pieces


def tag_style(tag: str) -> str:
    """A tag's colour, the same on every card and every run (a hash of its name, not Python's)."""
    return TAG_STYLES[zlib.crc32(tag.encode()) % len(TAG_STYLES)]


def _criteria(task: Task) -> Line:
    """Acceptance criteria ticked of all: ☑ 2/5."""
    done, total = task.criteria
    return [(f" ☑ {done}/{total}", "card--meta")] if total else []


def _parts(task: Task, context: CardContext) -> Line:
    """Parts (`pulse split`) done of all: ⋔ 2/3, a dict lookup per part."""
    if not task.children:
        return []
    return [(f" ⋔ {parts_done(task, context.is_done)}/{len(task.children)}", "card--meta")]


def card_lines(task: Task, context: CardContext, width: int) -> list[Line]:
    """The card's CARD_HEIGHT - 1 content lines, each fitted to exactly width cells."""
    head = _head(task, context)
    mark = PRIORITY_MARK.get(task.priority, "")
    if width >= NARROW:
        head.append((f" {mark}{task.priority}" if mark else f" {task.priority}", f"card--{task.priority}"))
    elif mark:  # the mark alone, so the estimate and the marks after it stay in view
        head.append((f" {mark}", f"card--{task.priority}"))
    if task.estimate is not None:
        head.append((f" {format_estimate(task.estimate)}", "card--meta"))
    head.extend(_parts(task, context))  # before the criteria: once split, its parts are its progress
    head.extend(_criteria(task))
    head.extend(_markers(task, context))
    title = one_line(" ".join(task.title.split()))
    meta = [(one_line(text), style) for text, style in _meta(task, context)]
    first, rest = _split_title(title, width)
    if rest and task.state in ("open", "done"):  # here the title matters most: two lines of it
        if task.state == "done":  # and when it was done goes up to the first line
            head.extend((f" {text}", style) for text, style in meta)
        lines = [head, [(first, "card--title")], [(rest, "card--title")]]
    else:
        lines = [head, [(title, "card--title")], meta]
    return [fit(line, width) for line in lines]


def compact_line(task: Task, context: CardContext, width: int) -> Line:
    """A card on one line (compact mode): id, priority mark, markers and title on the left, the
    card's time (or estimate) on the right, fitted to exactly width cells."""
    head = _head(task, context)
    mark = PRIORITY_MARK.get(task.priority, "")
    if mark:
        head.append((f" {mark}", f"card--{task.priority}"))
    head.extend(_markers(task, context))
    tail = _compact_tail(task, context)
    room = width - sum(cell_len(text) for text, _ in head) - (cell_len(tail[0]) if tail else 0)
    title = one_line(" ".join(task.title.split()))
    line = head + fit([(f" {title}", "card--title")], max(room, 0)) if room > 1 else head
    return fit([*line, tail] if tail and room > 1 else line, width)


def _compact_tail(task: Task, context: CardContext) -> Piece | None:
    """The right end of a compact card: how long its clock has run, else its estimate."""
    seconds = clock_seconds(task, context.now)
    if seconds is not None:
        style = time_box_style(task, seconds, context.heartbeat) if task.state == "doing" else "card--meta"
        return (f" {format_duration(seconds)}", "card--blocked" if task.state == "blocked" else style)
    if task.estimate is not None:
        return (f" {format_estimate(task.estimate)}", "card--meta")
    return None


def _split_title(title: str, width: int) -> tuple[str, str]:
    """A title cut at a space so its first part fits width cells (the rest is clipped later)."""
    if cell_len(title) <= width:
        return title, ""
    cut = title.rfind(" ", 0, width + 1)
    if cut <= 0:
        head = set_cell_size(title, width)
        return head, title[len(head) :]
    return title[:cut], title[cut + 1 :]


def fit(line: Line, width: int) -> Line:
    """Clip a line to width cells (with an ellipsis) and pad it to exactly width."""
    out: Line = []
    used = 0
    for text, style in line:
        size = cell_len(text)
        if used + size > width:
            room = width - used
            if room > 0:
                out.append((set_cell_size(text, room - 1) + "…" if room > 1 else "…", style))
            used = width
            break
        out.append((text, style))
        used += size
    if used < width:
        out.append((" " * (width - used), ""))
    return out
