"""A start's overlap warning from the tasks the caller holds: the board passes its snapshot, so a
start with thousands in doing reads none of them from disk (it loaded the whole parse cache: 120 ms
on the UI thread with 2,500 in doing); the CLI passes nothing and reads them as before."""

from __future__ import annotations

from pathlib import Path

from support.board_helpers import Maker, make_board

from pulseboard.core import actions
from pulseboard.core.board import Entry, Task


def test_the_overlap_warning_comes_from_the_tasks_held_and_reads_no_file_of_doing(tmp_path: Path) -> None:
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    running = [maker.task(f"Running {n}", "doing", touches=[f"src/{n}.py"]) for n in range(70)]
    starting = maker.task("Touches src/3.py", touches=["src/3.py"])
    held = {(t.state, t.name): t for t in running}
    for task in running:
        task.path.write_text("not frontmatter at all\n", encoding="utf-8")  # the disk says otherwise now
    asked: list[str] = []

    def lookup(entry: Entry) -> Task | None:
        asked.append(entry.name)
        return held.get((entry.state, entry.name))

    entry = Entry(starting.state, starting.name, starting.id, starting.folder)
    result = actions.move_entry(board, entry, "doing", force=True, held=lookup)
    assert any("touches the same files as" in w and "Running 3" in w for w in result.warnings)
    assert len(asked) == 70  # every task in doing, from what the caller holds
