"""Every card part is readable in every theme: the text of each piece a column draws (ids,
priorities, estimates, tags, times, blockers, marks, the empty column's line), on a card, under the
focused cursor and under a blurred one, has a WCAG contrast ratio of at least 4.5 against what it
is drawn on, in every shipped theme and every theme Textual ships. In a 16-colour theme (whose
colours the terminal decides) the focused cursor must still look unlike the blurred one."""

from __future__ import annotations

import shutil
from pathlib import Path

from rich.color import Color as RichColor
from rich.segment import Segment
from support.board_helpers import Maker, drive, make_board, new_app
from support.clock import at
from support.contrast import ratio
from textual.pilot import Pilot

from pulseboard.tui.app import PulseApp

MINIMUM = 4.5  # WCAG AA for text


def contrast(fg: RichColor, bg: RichColor) -> float:
    return ratio(fg.get_truecolor(), bg.get_truecolor())


def pieces(app: PulseApp) -> list[tuple[str, str, Segment]]:
    """(column, line, segment) for every piece of text the four columns draw now."""
    out = []
    for state in ("open", "doing", "done", "blocked"):
        column = app.board_screen.column(state)
        for y in range(column.size.height):
            strip = column.render_line(y)
            text = strip.text
            out.extend((state, text, seg) for seg in strip if seg.text.strip())
    return out


def a_board_with_every_card_part(root: Path) -> Maker:
    board = make_board(root)
    maker = Maker(board)
    maker.task("Critical fix", priority="critical", estimate="10m", tags=["ui"], touches=["src/a.py"])
    maker.task("High and tagged", priority="high", tags=["docs", "bug", "api", "perf"])
    maker.task("Low one", priority="low")
    maker.task("In progress for long", "doing", estimate="5m", touches=["src/a.py"])
    maker.task("In progress a while", "doing", estimate="30m")
    maker.task("Shipped", "done", priority="high")
    maker.task("Waiting", "blocked")
    copied = maker.task("Two places")
    shutil.copyfile(copied.path, root / "done" / copied.path.name)
    (root / "doing" / "held.md").write_text(  # a holder and criteria ticked
        "---\nholder: agent-2\nstarted: 2026-01-01T00:00:00Z\n---\n# Held\n\n- [x] one\n- [ ] two\n",
        encoding="utf-8",
    )
    (root / "open" / "broken.md").write_text("---\npriority: urgent\n---\n# Broken\n", encoding="utf-8")
    return maker


def test_every_card_part_is_readable_in_every_theme(tmp_path: Path) -> None:
    maker = a_board_with_every_card_part(tmp_path / "tasks")
    app = new_app(maker.board, clock=lambda: at(40))  # the tasks in doing are past their boxes
    failures: list[str] = []
    cursors_alike: list[str] = []

    async def script(pilot: Pilot) -> None:
        screen = app.board_screen
        for name in sorted(app.available_themes):
            app.theme = name
            await pilot.pause()
            if not app.current_theme.ansi:  # a 16-colour theme's colours are the terminal's
                for state, line, seg in pieces(app):
                    ratio = contrast(seg.style.color, seg.style.bgcolor)
                    if ratio < MINIMUM:
                        failures.append(
                            f"{name}: {seg.text.strip()!r} in {state} ({line.strip()[:30]!r}) {ratio:.2f}"
                        )
            focused = next(iter(screen.column("open").render_line(0)))  # the focused column's cursor
            blurred = next(iter(screen.column("done").render_line(0)))  # another column's
            if focused.style == blurred.style:
                cursors_alike.append(name)

    drive(app, script, size=(160, 40))
    assert not failures, "\n".join(failures[:60]) + f"\n({len(failures)} in all)"
    assert not cursors_alike, f"the focused cursor looks like the blurred one in {cursors_alike}"
