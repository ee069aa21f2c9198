"""The board's ⇄ mark (a card touches what a task in doing touches): the same answer as the rule
pair by pair, and a cost per card that does not grow with the number of tasks in doing."""

from __future__ import annotations

import random
import time
from pathlib import Path

from support.board_helpers import drive, new_app
from textual.pilot import Pilot

from pulseboard.core.actions import init_board
from pulseboard.core.board import Board
from pulseboard.core.overlap import overlaps

PATHS = ["src/a.py", "src/b.py", "src/*.py", "docs", "docs/x.md", "navbar", "tests/t.py"]


def write(root: Path, state: str, name: str, touches: list[str]) -> None:
    (root / state / name).write_text(f"---\ntitle: {name}\ntouches: [{', '.join(touches)}]\n---\n")


def test_marks_match_the_rule_pair_by_pair(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    rng = random.Random(7)
    for n in range(40):
        state = rng.choice(["open", "doing", "doing", "blocked", "done"])
        write(root, state, f"t{n}.md", rng.sample(PATHS, rng.randint(0, 2)))
    (root / "doing" / "copy.md").write_text("---\ntitle: copy\ntouches: [navbar]\n---\n")
    (root / "open" / "copy.md").write_text("---\ntitle: copy\ntouches: [navbar]\n---\n")  # one id twice
    app = new_app(Board(root))

    async def script(pilot: Pilot) -> None:
        mark = app.board_screen.card_context().overlaps_doing
        doing = list(app.board_screen.snapshot.column("doing"))
        for task in app.board_screen.snapshot:
            expected = any(o.id != task.id and overlaps(task.touches, o.touches) for o in doing)
            assert mark(task) is expected, task.name

    drive(app, script)


def test_a_card_costs_the_same_with_thousands_in_doing(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    for n in range(5000):
        write(root, "doing", f"d{n}.md", [f"src/m{n}.py"])
    write(root, "open", "o.md", ["src/other.py"])
    app = new_app(Board(root))

    async def script(pilot: Pilot) -> None:
        task = next(t for t in app.board_screen.snapshot if t.name == "o.md")
        app.board_screen.card_context().overlaps_doing(task)  # the index is made once
        started = time.perf_counter()
        for _ in range(1000):
            app.board_screen.card_context().overlaps_doing(task)
        assert time.perf_counter() - started < 0.5  # was 5,000 comparisons per card drawn

    drive(app, script)
