"""Issue 11, items 4-7 and 10: links, loops, FIFOs and huge files never make pulse write outside the
board, write through a link, hang, or stop showing the other tasks.

Real boards in temp folders, real symbolic links (os.symlink) and FIFOs (os.mkfifo), the real `pulse`
in subprocesses with a timeout, and the real app under Textual's Pilot. Every test carries a timeout
so a hang fails instead of stalling the run; FIFOs left behind are opened for writing at teardown so
no reader (a thread of a failed run) stays blocked on one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.board_helpers import column_text, drive, isolate, make_board, new_app, wait_for
from support.helpers import ok, pulse
from textual.pilot import Pilot

from pulseboard.core.board import Board

FAST_S = 6  # a pulse run that takes longer than this is stuck on the odd file
BASHRC = b"echo hi\n"
SHELL_NAME = "fix $(touch${IFS}pwned) soon.md"


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return pulse(*args, cwd=cwd, timeout=FAST_S)


def month_file(root: Path) -> Path:
    """This month's journal file (pulse names it by the UTC month)."""
    return root / ".pulse" / "journal" / f"{dt.datetime.now(dt.UTC):%Y-%m}.jsonl"


def outside_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    return folder


def snapshot_of(folder: Path) -> dict[str, bytes]:
    """Every file under folder (names relative to it) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def write_task(root: Path, state: str, name: str, text: str) -> Path:
    path = root / state / name
    path.write_text(text, encoding="utf-8")
    return path


def stderr_lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    return result.stderr.splitlines()


def no_crash(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """Exit 0 or 1 (a one-sentence refusal), never a traceback or an internal error."""
    info = f"rc={result.returncode} stdout={result.stdout[:500]!r} stderr={result.stderr[:500]!r}"
    assert result.returncode in (0, 1), info
    assert "Traceback" not in result.stderr, info
    assert "internal error" not in result.stderr, info
    return result


def listing(cwd: Path) -> dict[str, dict]:
    """`pulse ls --json` by file name (the last part of each task's path)."""
    tasks = json.loads(ok(run("ls", "--json", cwd=cwd)).stdout)
    return {Path(task["path"]).name: task for task in tasks}


@pytest.fixture
def unblock(tmp_path: Path) -> Iterator[None]:
    """At teardown, open every FIFO under tmp_path for writing (and close it), so a reader of a
    failed run (a non-daemon thread) gets end-of-file instead of holding the test process open."""
    yield
    for path in tmp_path.rglob("*"):
        with contextlib.suppress(OSError):
            if path.is_fifo():
                for _ in range(20):
                    try:
                        os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
                    except OSError as exc:
                        if exc.errno != errno.ENXIO:  # ENXIO: no reader is waiting
                            raise
                        break


# --- Item 4: nothing pulse writes under .pulse/ goes through a link ----------------------------------


@pytest.mark.timeout(10)
def test_a_journal_month_linked_outside_is_never_written_and_the_move_says_so(
    board: Board, tmp_path: Path
) -> None:
    outside = outside_folder(tmp_path)
    bashrc = outside / ".bashrc"
    bashrc.write_bytes(BASHRC)
    month = month_file(board.root)
    month.unlink(missing_ok=True)
    os.symlink(bashrc, month)
    write_task(board.root, "open", SHELL_NAME, "---\ntitle: Fix it soon\n---\nbody\n")
    cwd = board.root.parent

    started = ok(run("start", "fix", cwd=cwd))
    assert bashrc.read_bytes() == BASHRC
    assert (board.root / "doing" / SHELL_NAME).is_file()
    assert not (board.root / "open" / SHELL_NAME).exists()
    warning = stderr_lines(started)
    assert len(warning) == 1, started.stderr
    assert "history was not written" in warning[0] and "symbolic link" in warning[0], started.stderr

    added = ok(run("add", "Second task", cwd=cwd))
    assert bashrc.read_bytes() == BASHRC
    assert [p.name for p in (board.root / "open").iterdir() if p.name.endswith("-second-task.md")]
    warning = stderr_lines(added)
    assert len(warning) == 1, added.stderr
    assert "history was not written" in warning[0] and "symbolic link" in warning[0], added.stderr

    assert month.is_symlink() and snapshot_of(outside) == {".bashrc": BASHRC}
    assert not (cwd / "pwned").exists() and not (board.root / "pwned").exists()


@pytest.mark.timeout(10)
def test_a_dangling_gitignore_link_does_not_make_pulse_create_its_target(
    board: Board, tmp_path: Path
) -> None:
    target = outside_folder(tmp_path) / "made-by-pulse"
    gitignore = board.root / ".pulse" / ".gitignore"
    gitignore.unlink()
    os.symlink(target, gitignore)
    cwd = board.root.parent

    no_crash(run("add", "x", cwd=cwd))
    assert not os.path.lexists(target)
    assert gitignore.is_symlink()
    months = list((board.root / ".pulse" / "journal").glob("*.jsonl"))  # the history is written all the same
    assert months and '"op":"create"' in months[0].read_text()


def replace_with_link(folder: Path, outside: Path) -> None:
    """A folder of pulse's own (emptied and removed if there) turned into a link to outside."""
    if folder.exists():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    os.symlink(outside, folder)


@pytest.mark.timeout(10)
def test_a_journal_folder_linked_outside_gets_nothing_written(board: Board, tmp_path: Path) -> None:
    outside = outside_folder(tmp_path)
    replace_with_link(board.root / ".pulse" / "journal", outside)
    write_task(board.root, "open", "fix-it.md", "---\ntitle: Fix it\n---\n")
    cwd = board.root.parent

    no_crash(run("add", "x", cwd=cwd))
    no_crash(run("start", "fix-it", cwd=cwd))
    assert snapshot_of(outside) == {}


@pytest.mark.timeout(10)
def test_a_cache_folder_linked_outside_gets_nothing_written(board: Board, tmp_path: Path) -> None:
    outside = outside_folder(tmp_path)
    replace_with_link(board.root / ".pulse" / "cache", outside)
    write_task(board.root, "open", "fix-it.md", "---\ntitle: Fix it\n---\n")
    cwd = board.root.parent

    shown = ok(run("ls", cwd=cwd))
    assert "Fix it" in shown.stdout
    ok(run("ls", cwd=cwd))
    assert snapshot_of(outside) == {}


def link_month(root: Path, outside: Path) -> str:
    month = month_file(root)
    month.unlink(missing_ok=True)
    (outside / ".bashrc").write_bytes(BASHRC)
    os.symlink(outside / ".bashrc", month)
    return f".pulse/journal/{month.name}"


def link_gitignore(root: Path, outside: Path) -> str:
    (root / ".pulse" / ".gitignore").unlink()
    os.symlink(outside / "made-by-pulse", root / ".pulse" / ".gitignore")
    return ".pulse/.gitignore"


def link_folder(root: Path, outside: Path, name: str) -> str:
    folder = root / ".pulse" / name
    if folder.exists():
        for path in folder.iterdir():
            path.unlink()
        folder.rmdir()
    os.symlink(outside, folder)
    return f".pulse/{name}"


LINKERS = {
    "journal-month": link_month,
    "gitignore": link_gitignore,
    "journal-folder": lambda root, outside: link_folder(root, outside, "journal"),
    "cache-folder": lambda root, outside: link_folder(root, outside, "cache"),
}


@pytest.mark.timeout(10)
@pytest.mark.parametrize("kind", list(LINKERS))
def test_doctor_lists_a_link_under_pulse_as_unsafe(board: Board, tmp_path: Path, kind: str) -> None:
    shown = LINKERS[kind](board.root, outside_folder(tmp_path))
    write_task(board.root, "open", "fix-it.md", "---\ntitle: Fix it\n---\n")
    result = run("doctor", "--json", cwd=board.root.parent)
    assert "Traceback" not in result.stderr, result.stderr
    problems = json.loads(result.stdout or "null")
    assert isinstance(problems, list), (result.returncode, result.stderr)
    unsafe = [p for p in problems if p["kind"] == "unsafe"]
    assert len(unsafe) == 1, problems
    assert shown in unsafe[0]["message"] and "symbolic link" in unsafe[0]["message"], unsafe
    assert set(unsafe[0]) == {"kind", "message", "ids"}


# --- Item 5: a task file that is a link is shown, never written through ------------------------------

DONE_B = "---\ntitle: Bee\ncreated: 2026-11-20T09:00:00Z\ndone: 2026-11-21T10:00:00Z\n---\nFinished.\n"


@pytest.mark.timeout(10)
def test_starting_a_task_linked_to_a_done_task_is_refused_and_changes_nothing(board: Board) -> None:
    b = write_task(board.root, "done", "b.md", DONE_B)
    before = b.read_bytes()
    a = board.root / "open" / "a.md"
    os.symlink("../done/b.md", a)
    cwd = board.root.parent

    result = run("start", "a", cwd=cwd)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr and len(stderr_lines(result)) == 1, result.stderr
    assert "symbolic link" in result.stderr
    assert b.read_bytes() == before
    assert a.is_symlink() and os.readlink(a) == "../done/b.md"
    assert not os.path.lexists(board.root / "doing" / "a.md")

    tasks = listing(cwd)
    assert tasks["a.md"]["error"] and "symbolic link" in tasks["a.md"]["error"], tasks["a.md"]
    assert "done/b.md" in tasks["a.md"]["error"]
    assert tasks["b.md"]["done"] and tasks["b.md"]["error"] is None
    assert b.read_bytes() == before


# --- Item 6: link loops in a state folder ----------------------------------------------------------


def make_loops(root: Path) -> None:
    folder = root / "open"
    os.symlink("loop.md", folder / "loop.md")
    os.symlink("y.md", folder / "x.md")
    os.symlink("x.md", folder / "y.md")


@pytest.mark.timeout(15)
def test_link_loops_get_their_own_error_and_every_other_task_still_works(board: Board) -> None:
    make_loops(board.root)
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\npriority: high\n---\n")
    write_task(board.root, "doing", "busy.md", "---\ntitle: Busy task\n---\n")
    cwd = board.root.parent

    assert "Normal task" in ok(run("ls", cwd=cwd)).stdout
    tasks = listing(cwd)
    assert tasks["normal.md"]["error"] is None and tasks["busy.md"]["error"] is None
    for name in ("loop.md", "x.md", "y.md"):
        assert tasks[name]["error"], tasks[name]
    for command in ("next", "stats", "doctor"):
        no_crash(run(command, cwd=cwd))


@pytest.mark.timeout(20)
def test_the_board_loads_past_link_loops(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    isolate(monkeypatch, tmp_path)
    board = make_board(tmp_path / "tasks")
    make_loops(board.root)
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\n---\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await wait_for(pilot, lambda: any("Normal task" in line for line in column_text(app, "open")))
        assert not any("Loading" in line for line in column_text(app, "open"))

    drive(app, script, wait_loaded=False)


# --- Item 7: FIFOs are never opened for a blocking read ----------------------------------------------


@pytest.mark.timeout(15)
def test_a_fifo_task_is_listed_with_an_error_and_show_returns(board: Board, unblock: None) -> None:
    os.mkfifo(board.root / "open" / "x.md")
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\n---\n")
    cwd = board.root.parent

    tasks = listing(cwd)
    assert "not a regular file" in (tasks["x.md"]["error"] or ""), tasks["x.md"]
    assert tasks["normal.md"]["error"] is None
    no_crash(run("show", "x", cwd=cwd))


@pytest.mark.timeout(10)
def test_opening_a_fifo_card_on_the_board_does_not_freeze(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, unblock: None
) -> None:
    isolate(monkeypatch, tmp_path)
    board = make_board(tmp_path / "tasks")
    os.mkfifo(board.root / "open" / "x.md")
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\n---\n")
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        column = app.board_screen.column("open")
        for _ in range(5):
            if column.selected is not None and column.selected.name == "x.md":
                break
            await pilot.press("j")
        assert column.selected is not None and column.selected.name == "x.md"
        await pilot.press("enter")
        await pilot.pause(0.2)
        await pilot.press("escape")
        await pilot.pause()
        assert any("Normal task" in line for line in column_text(app, "open"))

    drive(app, script)


@pytest.mark.timeout(15)
def test_a_fifo_as_pulse_yaml_does_not_hang_commands(board: Board, unblock: None) -> None:
    config = board.root / "pulse.yaml"
    config.unlink()
    os.mkfifo(config)
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\n---\n")
    cwd = board.root.parent
    for args in (("ls",), ("next",), ("start", "normal")):
        no_crash(run(*args, cwd=cwd))


@pytest.mark.timeout(15)
def test_a_fifo_as_the_journal_month_does_not_hang_commands(board: Board, unblock: None) -> None:
    month = month_file(board.root)
    month.unlink(missing_ok=True)
    os.mkfifo(month)
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\n---\n")
    cwd = board.root.parent
    no_crash(run("stats", cwd=cwd))
    no_crash(run("undo", cwd=cwd))
    no_crash(run("start", "normal", cwd=cwd))
    assert (board.root / "doing" / "normal.md").is_file()
    assert month.is_fifo()


@pytest.mark.timeout(15)
def test_a_fifo_as_the_parse_cache_does_not_hang_ls(board: Board, unblock: None) -> None:
    cache = board.root / ".pulse" / "cache"
    cache.mkdir(exist_ok=True)
    (cache / "tasks-open.json").unlink(missing_ok=True)
    os.mkfifo(cache / "tasks-open.json")
    write_task(board.root, "open", "normal.md", "---\ntitle: Normal task\n---\n")
    cwd = board.root.parent
    for _ in range(2):
        assert "Normal task" in ok(run("ls", cwd=cwd)).stdout


# --- Item 10: a huge task file ---------------------------------------------------------------------

BIG = b"---\ntitle: big\n---\n" + b"x" * (3 << 20)  # over the 1 MB limit


@pytest.mark.timeout(15)
def test_a_huge_task_is_listed_as_too_large_and_show_does_not_print_its_body(board: Board) -> None:
    (board.root / "open" / "big.md").write_bytes(BIG)
    cwd = board.root.parent

    tasks = listing(cwd)
    assert "too large" in (tasks["big.md"]["error"] or ""), tasks["big.md"]
    assert "too large" in ok(run("ls", cwd=cwd)).stdout
    shown = no_crash(run("show", "big", cwd=cwd))
    assert len(shown.stdout) < 100_000, len(shown.stdout)
    assert "x" * 1000 not in shown.stdout


def test_an_older_boards_gitignore_gets_the_lines_it_lacks_and_keeps_its_own(board: Board) -> None:
    gitignore = board.root / ".pulse" / ".gitignore"
    gitignore.write_bytes(b"cache/\n# mine\nscratch/")  # before trash/ was ignored; no final newline
    run("add", "x", cwd=board.root.parent)
    assert gitignore.read_bytes() == b"cache/\n# mine\nscratch/\ntrash/\n"
    run("add", "y", cwd=board.root.parent)
    assert gitignore.read_bytes() == b"cache/\n# mine\nscratch/\ntrash/\n"  # once
