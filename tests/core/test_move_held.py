"""A start's WIP and overlap warnings from doing as the caller has it (core/doing_view.py): the CLI
lists doing/ and reads it, a batch reads what the board holds, the board answers from its snapshot
and the heartbeat engine's index of doing. One rule makes the message from each: the same words."""

from __future__ import annotations

from pathlib import Path

from support.board_helpers import Maker, make_board

from pulseboard.core import actions
from pulseboard.core.board import Board, Entry, Task
from pulseboard.core.doing_view import Doing, DoingHeld, DoingOnDisk
from pulseboard.core.engine import HeartbeatEngine
from pulseboard.core.snapshot import Snapshot


def _running(tmp_path: Path) -> tuple[Board, list[Task], Entry]:
    """70 tasks in doing, seven of them touching what the one about to start touches."""
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    running = [
        maker.task(f"Running {n}", "doing", touches=[f"src/{n % 10}.py", f"doc/{n}.md"]) for n in range(70)
    ]
    starting = maker.task("Touches src/3.py", touches=["src/3.py", "src/0.py"])
    return board, running, Entry(starting.state, starting.name, starting.id, starting.folder)


def _warnings(board: Board, entry: Entry, doing: Doing) -> list[str]:
    record = {"touches": ["src/3.py", "src/0.py"], "title": "Touches src/3.py"}
    return actions.wip_check(doing, entry, board.settings, True, str) + actions.overlap_check(
        doing, entry, record, str
    )


def test_the_cli_the_batch_and_the_board_warn_alike(tmp_path: Path) -> None:
    board, running, entry = _running(tmp_path)
    engine = HeartbeatEngine(board.settings.heartbeat)
    engine.load(running)
    files = {t.name: t for t in running}
    on_disk = _warnings(board, entry, DoingOnDisk(board))
    assert len(on_disk) == 2 and "and 65 more" in on_disk[0] and "and 9 more" in on_disk[1]
    assert "(src/0.py)" in on_disk[1]
    for doing in (
        DoingOnDisk(board, lambda e: files.get(e.name)),
        DoingHeld(Snapshot(running)),
        DoingHeld(Snapshot(running), engine.doing_touching),
    ):
        assert _warnings(board, entry, doing) == on_disk


def test_the_board_reads_no_file_of_doing_and_lists_no_folder(tmp_path: Path, monkeypatch) -> None:
    board, running, entry = _running(tmp_path)
    for task in running:
        task.path.write_text("not frontmatter at all\n", encoding="utf-8")  # the disk says otherwise now
    load = Board.load

    def load_the_moved_one_only(self: Board, read: Entry) -> Task:
        assert read.name == entry.name, f"read {read.key}"
        return load(self, read)

    monkeypatch.setattr(Board, "entries", lambda *_: (_ for _ in ()).throw(AssertionError("listed")))
    monkeypatch.setattr(Board, "load", load_the_moved_one_only)
    engine = HeartbeatEngine(board.settings.heartbeat)
    engine.load(running)
    result = actions.move_entry(
        board, entry, "doing", force=True, doing=DoingHeld(Snapshot(running), engine.doing_touching)
    )
    assert any("touches the same files as" in w and "Running 3" in w for w in result.warnings)
