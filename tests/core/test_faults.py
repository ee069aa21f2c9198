"""Fault injection: every write pulse makes, failing at each step, never loses or cuts a task.

Each operation runs once to count the file-system calls it makes through core/fsops.py; then
again on a fresh board for each call and each fault (a short write followed by a full disk, no
space, permission denied) at that call. Afterwards every task is whole and in exactly one folder,
no temp file is left, every journal line is whole JSON, and the operation told the truth: a task
it moved is reported as moved (with a warning for what was not written), and an operation that
failed left the task where it was. A real 2 MB tmpfs, where the machine lets us mount one,
repeats the nearly-full-disk case end to end with the CLI.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from support.helpers import PULSE, clean_env

from pulseboard.core import doctor, fsops
from pulseboard.core.actions import create_task, init_board, move_task, tick_criterion
from pulseboard.core.board import STATES, Board
from pulseboard.core.config import CONFIG_NAME, save_setting
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import OWNED_KEYS
from pulseboard.core.heartbeat_inputs import mark_read
from pulseboard.core.journal import PULSE_DIR
from pulseboard.core.taskfile import parse_text, split
from pulseboard.core.undo import undo_last
from pulseboard.services.git import write_push_status

BODY = "Why it matters.\n\n## Acceptance criteria\n- [ ] one\n- [ ] two\n" + "Long line of notes.\n" * 800
FAULTS = ("short", "ENOSPC", "EACCES")
CALLS = ("write", "open", "fsync", "replace", "link", "mkdir", "rename")  # what a fault can hit


class Injector:
    """Stands in for the os module inside fsops: counts the calls that write, fails the chosen one."""

    def __init__(self, fail_at: int | None, fault: str) -> None:
        self.calls = 0
        self.fail_at = fail_at
        self.fault = fault
        self.fired = False
        self.disk_full = False  # after a short write, the disk stays full

    def step(self) -> bool:
        self.calls += 1
        if self.calls - 1 == self.fail_at:
            self.fired = True
            return True
        return False

    def error(self) -> OSError:
        code = errno.EACCES if self.fault == "EACCES" else errno.ENOSPC
        return OSError(code, os.strerror(code))

    def write(self, fd: int, data: Any) -> int:
        if self.disk_full:
            raise self.error()
        if self.step():
            if self.fault == "short" and len(data) > 1:
                self.disk_full = True
                return os.write(fd, bytes(data[: len(data) // 2]))
            raise self.error()
        return os.write(fd, data)

    def __getattr__(self, name: str) -> Any:
        real = getattr(os, name)
        if name not in CALLS:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            if name == "open" and not args[1] & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
                return real(*args, **kwargs)  # reading is not a write step
            if self.step() or (self.disk_full and name in ("open", "mkdir", "link")):
                raise self.error()
            return real(*args, **kwargs)

        return call


@contextmanager
def injected(monkeypatch: pytest.MonkeyPatch, fail_at: int | None, fault: str) -> Iterator[Injector]:
    injector = Injector(fail_at, fault)
    with monkeypatch.context() as patch:
        patch.setattr(fsops, "os", injector)
        patch.setattr(fsops, "_native_rename", _counted_native_rename(injector))
        yield injector


_REAL_NATIVE_RENAME = fsops._native_rename


def _counted_native_rename(injector: Injector) -> Callable[[bytes, bytes, str], bool]:
    def rename(src: bytes, dst: bytes, mode: str) -> bool:
        if injector.step():
            raise injector.error()
        return _REAL_NATIVE_RENAME(src, dst, mode)

    return rename


# ------------------------------------------------------------------------------------------ boards


@dataclass
class Case:
    """An operation on a board, and what the board held before it."""

    board: Board
    before: dict[str, bytes]  # task name -> bytes


def new_board(tmp_path: Path) -> Case:
    root = tmp_path / "tasks"
    init_board(root)
    board = Board(root)
    for title, state in (("Move me", "open"), ("Busy", "doing"), ("Finished", "done"), ("Tick me", "open")):
        task = create_task(board, title, estimate="5m", touches=["src/a.py"], body=BODY)
        if state != "open":
            move_task(board, task.id, state)
    (root / "doing" / "copy-in-two.md").write_text("---\ntitle: Copy\n---\n")
    (root / "done" / "copy-in-two.md").write_text("---\ntitle: Copy\n---\n")
    board.tasks()  # the parse cache exists, so each operation below rewrites it
    return Case(board, {p.name: p.read_bytes() for s in STATES for p in (root / s).glob("*.md")})


def _owned_stripped(text: str) -> tuple[dict[str, Any], str]:
    parts = split(text)
    meta = yaml.safe_load("".join(parts.lines)) or {}
    return {k: v for k, v in meta.items() if k not in OWNED_KEYS}, parts.body


def assert_whole(case: Case) -> None:
    """Every task is in one folder (the copy made on purpose in two), with all of its bytes."""
    root = case.board.root
    found: dict[str, list[Path]] = {}
    for state in STATES:
        for path in (root / state).iterdir():
            assert not path.name.endswith(fsops.TEMP_SUFFIX), f"temp file left: {path}"
            if path.name.endswith(".md"):
                found.setdefault(path.name, []).append(path)
    for name, original in case.before.items():
        places = found.get(name, [])
        if name == "copy-in-two.md":
            continue
        assert len(places) == 1, f"{name} is in {places}"
        now = places[0].read_bytes()
        if now != original:  # stamped or ticked: the same keys and body, nothing cut
            assert parse_text(now.decode(), "?")["error"] is None
            meta_now, body_now = _owned_stripped(now.decode())
            meta_was, body_was = _owned_stripped(original.decode())
            assert meta_now == meta_was
            assert body_now.replace("- [x]", "- [ ]") == body_was
    for month in (root / PULSE_DIR / "journal").glob("*.jsonl"):
        for line in month.read_text().splitlines():
            if line:
                json.loads(line)  # no torn line, no two lines glued together
    settings = yaml.safe_load((root / "pulse.yaml").read_text())
    assert settings["wip"]["doing"] == 3 and settings["git"] == {"commit": False, "push": False}
    for cache in (root / PULSE_DIR / "cache").glob("*.json"):
        json.loads(cache.read_bytes())  # a cache may be old, never cut


# ------------------------------------------------------------------------------------ operations


def _the(case: Case, title: str) -> str:
    return next(t.id for t in case.board.tasks() if t.title == title)


def op_start(case: Case) -> Any:
    return move_task(case.board, _the(case, "Move me"), "doing")


def op_done_over_limit(case: Case) -> Any:
    return move_task(case.board, _the(case, "Busy"), "done")


def op_create(case: Case) -> Any:
    warnings: list[str] = []
    task = create_task(case.board, "Brand new", body=BODY, warnings=warnings)
    return task, warnings


def op_tick(case: Case) -> Any:
    board = case.board
    entry = board.find(_the(case, "Tick me"))
    return tick_criterion(board, entry, 1)


def op_cache(case: Case) -> Any:
    (case.board.root / "open" / "new-by-hand.md").write_text("---\ntitle: By hand\n---\n")
    case.before["new-by-hand.md"] = b"---\ntitle: By hand\n---\n"
    return case.board.tasks()


def op_settings(case: Case) -> Any:
    return save_setting(case.board.root / CONFIG_NAME, {("theme",): "pulse-light"})


def op_read_mark(case: Case) -> Any:
    task = next(t for t in case.board.tasks() if t.state == "doing")
    return mark_read(case.board.root, task)


def op_trash(case: Case) -> Any:
    case.before.pop("copy-in-two.md")
    return doctor.fix_copies(case.board, lambda copies: copies[0])


def op_push_status(case: Case) -> Any:
    return write_push_status(case.board.root, {"ok": False, "at": "2026-12-01T10:00:00Z", "error": "x"})


def op_undo(case: Case) -> Any:
    return undo_last(case.board)


def op_init_again(case: Case) -> Any:
    shutil.rmtree(case.board.root / PULSE_DIR)
    return init_board(case.board.root)


OPERATIONS: dict[str, Callable[[Case], Any]] = {
    "start": op_start, "done": op_done_over_limit, "create": op_create, "tick": op_tick,
    "cache": op_cache, "settings": op_settings, "read-mark": op_read_mark, "trash": op_trash,
    "undo": op_undo, "init": op_init_again, "push-status": op_push_status,
}  # fmt: skip


def _state_of(case: Case, title: str) -> str | None:
    return next((t.state for t in case.board.tasks() if t.title == title), None)


MOVES = {"start": ("Move me", "open", "doing"), "done": ("Busy", "doing", "done"),
         "undo": ("Finished", "done", "open")}  # fmt: skip


def _journalled(case: Case, task_id: str, to_state: str) -> bool:
    lines = [
        json.loads(line)
        for month in (case.board.root / PULSE_DIR / "journal").glob("*.jsonl")
        for line in month.read_text().splitlines()
        if line
    ]
    return any(e.get("op") == "move" and e["id"] == task_id and e["to"] == to_state for e in lines)


def _check_truth(name: str, case: Case, outcome: Any, raised: BaseException | None) -> None:
    """A move that happened is reported as one, with a warning for whatever was not written; a
    move reported as failed did not happen."""
    if name not in MOVES:
        return
    title, was, goes = MOVES[name]
    task = next(t for t in case.board.tasks() if t.title == title)
    if raised is not None:
        assert task.state == was, f"reported as failed ({raised}) but the task is in {task.state}/"
        return
    assert task.state == goes
    stamped = {"doing": task.started, "done": task.done, "open": True}[goes]
    if not stamped or not _journalled(case, task.id, goes):
        assert outcome.warnings, "stamps or history not written, and nothing said so"


@pytest.mark.parametrize("name", list(OPERATIONS))
def test_every_fault_at_every_step_leaves_every_task_whole(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_ACTOR", "test")
    operation = OPERATIONS[name]
    clean = new_board(tmp_path / "count")
    with injected(monkeypatch, None, "short") as counter:
        operation(clean)
    assert counter.calls > 0, f"{name} wrote nothing through fsops"
    for fault in FAULTS:
        for step in range(counter.calls):
            case = new_board(tmp_path / f"{fault}-{step}")
            outcome: Any = None
            raised: BaseException | None = None
            with injected(monkeypatch, step, fault) as injector:
                try:
                    outcome = operation(case)
                except (OSError, PulseError) as exc:
                    raised = exc
            assert injector.fired, f"{name}: step {step} of {counter.calls} never came"
            assert_whole(case)
            _check_truth(name, case, outcome, raised)
            if raised is not None:
                assert str(raised), "an error with no words"


# ---------------------------------------------------------------------------------- unit checks


def test_write_all_never_takes_a_short_write_as_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The bug: one os.write, its count ignored, the short file fsynced and swapped in."""
    path = tmp_path / "task.md"
    original = b"---\ntitle: t\n---\n" + b"x" * 16_714
    path.write_bytes(original)
    with injected(monkeypatch, 1, "short") as injector, pytest.raises(OSError):  # 0: open, 1: write
        fsops.atomic_write(path, original + b"more")
    assert injector.fired
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["task.md"]


def test_a_write_that_takes_several_calls_is_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Short writes that make progress are simply continued."""

    class Dribble:
        def __getattr__(self, name: str) -> Any:
            return getattr(os, name)

        def write(self, fd: int, data: Any) -> int:
            return os.write(fd, bytes(data[:1000]))

    monkeypatch.setattr(fsops, "os", Dribble())
    path = tmp_path / "a.md"
    fsops.write_new(path, b"y" * 10_000)
    assert path.read_bytes() == b"y" * 10_000
    fsops.append_line(tmp_path / "j.jsonl", "z" * 5000)
    assert (tmp_path / "j.jsonl").read_bytes() == b"z" * 5000 + b"\n"


def test_a_torn_journal_line_is_taken_back_and_the_next_never_glues_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    journal = tmp_path / "2026-12.jsonl"
    journal.write_text('{"a":1}\n')
    with injected(monkeypatch, 1, "short") as injector, pytest.raises(OSError):  # 0: open, 1: write
        fsops.append_line(journal, json.dumps({"b": 2}))
    assert injector.fired
    assert journal.read_text() == '{"a":1}\n'  # the half line was cut off again
    journal.write_bytes(journal.read_bytes() + b'{"torn by a cra')  # a crash mid-line, by someone
    fsops.append_line(journal, json.dumps({"c": 3}))
    lines = journal.read_text().splitlines()
    assert lines[-1] == '{"c": 3}' and lines[-2] == '{"torn by a cra'


# ------------------------------------------------------------------------ a move half done, said so


def _cli(board: Board, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PULSE, "--board", str(board.root), *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=clean_env(),
    )


def test_a_move_whose_history_cannot_be_written_says_moved_and_doctor_catches_up(board: Board) -> None:
    """The bug: `pulse start` said "Permission denied" and exited 1, with the task in doing/."""
    task = create_task(board, "Start me")
    (month,) = (board.root / PULSE_DIR / "journal").glob("*.jsonl")
    kept = month.with_suffix(".keep")
    month.rename(kept)
    month.mkdir()  # the journal can't be appended to (a folder where the month file goes)
    result = _cli(board, "start", task.id)
    month.rmdir()
    kept.rename(month)
    assert result.returncode == 0, result.stderr
    assert "-> doing" in result.stdout
    assert "history was not written" in result.stderr and result.stderr.count("\n") == 1
    assert (board.root / "doing" / task.name).exists()
    assert "history" in {p["kind"] for p in json.loads(_cli(board, "doctor", "--json").stdout)}
    assert "recorded the move" in _cli(board, "doctor", "--fix").stdout
    assert "history" not in {p["kind"] for p in json.loads(_cli(board, "doctor", "--json").stdout)}
    undone = _cli(board, "undo", "--any")
    assert undone.returncode == 0, undone.stderr
    assert (board.root / "open" / task.name).exists()


def test_a_move_killed_between_rename_and_history_can_be_undone(board: Board) -> None:
    """kill -9 after the rename, before the journal line: the next undo journals it, then reverts it."""
    task = create_task(board, "Half moved")
    os.rename(task.path, board.root / "doing" / task.name)  # what the rename did before the kill
    result = _cli(board, "undo", "--any")
    assert result.returncode == 0, result.stderr
    assert (board.root / "open" / task.name).exists()


# ------------------------------------------------------------------------------- a real full disk


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if made.returncode != 0:
        pytest.skip(f"can't mount a small tmpfs here ({made.stderr.strip() or 'not root'})")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_start_on_a_nearly_full_disk_never_cuts_the_task(tiny_disk: Path) -> None:
    root = tiny_disk / "tasks"
    init_board(root)
    board = Board(root)
    task = create_task(board, "Sixteen kilobytes", body="x" * 16_500 + "\n")
    original = task.path.read_bytes()
    assert len(original) > 16_000
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:  # fill the disk to the last byte
        while os.write(fd, b"\0" * 4096):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
    os.truncate(filler, filler.stat().st_size - 8192)  # then free 8 KB
    result = _cli(board, "start", task.id)
    moved = root / "doing" / task.name
    assert moved.exists() and not task.path.exists()
    assert moved.read_bytes() == original  # not stamped, but whole: never 4,096 bytes of it
    assert result.returncode == 0
    assert "stamps were not written" in result.stderr and "no space left" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    for month in (root / PULSE_DIR / "journal").glob("*.jsonl"):
        for line in month.read_text().splitlines():
            json.loads(line)
