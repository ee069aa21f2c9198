"""What a card says, as text: criteria ticked, who holds the task, tag colours that stay put, and
the one-line card of compact mode (title on the left, its time or estimate on the right)."""

from __future__ import annotations

import datetime as dt

from support.helpers import memory_task

from pulseboard.core.config import HeartbeatSettings
from pulseboard.tui.widgets.cards import TAG_STYLES, CardContext, card_lines, compact_line, tag_style

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
CONTEXT = CardContext(
    now=NOW,
    short=lambda task_id: task_id[:4],
    overlaps_doing=lambda task: False,
    in_two_places=lambda task_id: False,
    heartbeat=HeartbeatSettings(),
)


def text(line: list[tuple[str, str]]) -> str:
    return "".join(piece for piece, _ in line)


def test_a_card_shows_its_criteria_ticked_of_all() -> None:
    head = card_lines(memory_task("a1b2c3", criteria=(2, 5)), CONTEXT, 40)[0]
    assert "☑ 2/5" in text(head)
    assert "☑" not in text(card_lines(memory_task("a1b2c3"), CONTEXT, 40)[0])  # no criteria: no mark


def test_a_card_in_doing_names_who_holds_it() -> None:
    task = memory_task("a1b2c3", "doing", started="2026-12-01T11:50:00Z", holder="agent-2")
    meta = card_lines(task, CONTEXT, 40)[2]
    assert text(meta).startswith("▶ 10m · agent-2")
    assert any("agent-2" in piece for piece, style in meta if style == "card--who")


def test_each_tag_keeps_one_colour_of_the_three_and_the_colours_are_all_used() -> None:
    tags = ["ui", "docs", "bug", "api", "perf", "infra"]
    assert [tag_style(tag) for tag in tags] == [tag_style(tag) for tag in tags]
    assert {tag_style(tag) for tag in tags} == set(TAG_STYLES)
    meta = card_lines(memory_task("a1b2c3", title="Short", tags=("ui", "docs")), CONTEXT, 40)[2]
    assert [(piece, style) for piece, style in meta if piece.startswith("#")] == [
        ("#ui ", tag_style("ui")),
        ("#docs ", tag_style("docs")),
    ]


def test_a_compact_card_is_one_line_with_its_time_at_the_right_end() -> None:
    started = "2026-12-01T11:50:00Z"
    title = "A title long enough to be cut"
    task = memory_task("a1b2c3", "doing", title=title, started=started, priority="high")
    line = text(compact_line(task, CONTEXT, 24))
    assert len(line) == 24
    assert line.startswith("a1b2 ▲ A title") and line.endswith(" 10m")
    assert "…" in line  # the title is cut, never the time
    assert text(compact_line(memory_task("a1b2c3", estimate=1800), CONTEXT, 30)).endswith(" 30m")
    assert len(text(compact_line(task, CONTEXT, 6))) == 6  # too narrow for a title: still exactly the width


def test_a_done_card_with_a_long_title_says_when_it_was_done_on_its_first_line() -> None:
    title = "A done task whose title is long enough to take both of its lines"
    task = memory_task("a1b2c3", "done", title=title, done="2026-12-01T09:00:00Z")
    head, first, second = (text(line) for line in card_lines(task, CONTEXT, 36))
    assert "✓ 3h ago" in head and first.startswith("A done task") and second.strip()
    short = card_lines(memory_task("a1b2c3", "done", title="Short", done="2026-12-01T09:00:00Z"), CONTEXT, 36)
    assert text(short[2]).startswith("✓ 3h ago")  # a short title leaves it on the third line
