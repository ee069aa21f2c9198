"""The board store: discovery, broken files, the parse cache, settings, and the WIP rule."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from support.clock import at

from pulseboard.cli.main import main
from pulseboard.core.actions import create_task, init_board, move_entry, move_task
from pulseboard.core.board import Board, discover
from pulseboard.core.config import load_settings
from pulseboard.core.errors import PulseError
from pulseboard.core.fsops import atomic_write, rename_noreplace

BROKEN = {
    "bad-yaml.md": b"---\ntitle: [unclosed\n---\nbody\n",
    "not-utf8.md": b"---\ntitle: caf\xe9\n---\n",
    "binary.md": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "huge.md": b"---\ntitle: huge\n---\n" + b"x" * (10 << 20),
    "unclosed.md": b"---\ntitle: never closed\nbody\n",
    "not-a-mapping.md": b"---\n- a\n- b\n---\n",
    "bad-fields.md": b"---\npriority: urgent\nestimate: soon\n---\n",
}


def make_broken(board: Board, outside: Path) -> dict[str, bytes]:
    folder = board.root / "open"
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)
    (folder / "folder.md").mkdir()
    secret = outside / "secret.md"
    secret.write_text("---\ntitle: outside\n---\n")
    (folder / "escape.md").symlink_to(secret)
    return {name: (folder / name).read_bytes() for name in BROKEN}


def test_every_broken_kind_is_listed_with_its_error_and_never_modified(board: Board, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    before = make_broken(board, outside)
    (board.root / "open" / "touched.md").touch()
    tasks = {t.name: t for t in board.tasks()}
    errors = {name: tasks[name].error for name in tasks}
    assert errors["touched.md"] is None and tasks["touched.md"].title == "Touched"
    assert "bad YAML" in errors["bad-yaml.md"]
    assert "UTF-8" in errors["not-utf8.md"]
    assert "binary" in errors["binary.md"]
    assert "too large" in errors["huge.md"]
    assert "never closes" in errors["unclosed.md"]
    assert "mapping" in errors["not-a-mapping.md"]
    assert "priority" in errors["bad-fields.md"]
    assert "folder" in errors["folder.md"]
    assert "outside the board" in errors["escape.md"]
    # Moving them: plain files move (stamps skipped with a warning), non-files are refused.
    result = move_task(board, "bad-yaml", "doing", now=at(1))
    assert result.warnings and "not written" in result.warnings[0]
    with pytest.raises(PulseError, match="not a regular file"):
        move_task(board, "folder", "doing")
    with pytest.raises(PulseError, match="outside the board"):
        move_task(board, "escape", "doing")
    assert (board.root / "doing" / "bad-yaml.md").read_bytes() == before["bad-yaml.md"]
    for name, data in before.items():
        for state in ("open", "doing"):
            path = board.root / state / name
            if path.exists():
                assert path.read_bytes() == data, name
    assert (outside / "secret.md").read_text() == "---\ntitle: outside\n---\n"


def test_ignored_names(board: Board) -> None:
    folder = board.root / "open"
    for name in [".hidden.md", ".task.md.swp", "task.md~", "notes.txt", "4913", ".#lock.md", "#auto.md#"]:
        (folder / name).write_text("x")
    (folder / "real.md").write_text("x")
    assert [e.name for e in board.entries()] == ["real.md"]


def test_discovery_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    init_board(project / "tasks")
    deep = project / "src" / "deep"
    deep.mkdir(parents=True)
    other = tmp_path / "other"
    init_board(other)
    monkeypatch.delenv("PULSE_BOARD", raising=False)
    assert discover(None, deep) == project / "tasks"
    assert discover(None, project / "tasks" / "open") == project / "tasks"
    assert discover(str(project), tmp_path) == project / "tasks"
    monkeypatch.setenv("PULSE_BOARD", str(other))
    assert discover(None, deep) == other
    assert discover(str(project / "tasks"), deep) == project / "tasks"
    monkeypatch.delenv("PULSE_BOARD")
    with pytest.raises(PulseError, match="pulse init"):
        discover(None, tmp_path)
    with pytest.raises(PulseError, match="does not exist"):
        discover(str(tmp_path / "nope"), tmp_path)


def test_cache_reparses_only_changed_files(board: Board) -> None:
    task = create_task(board, "Cached", priority="low")
    assert board.tasks()[0].priority == "low"
    assert (board.root / ".pulse" / "cache" / "tasks-open.json").exists()
    text = task.path.read_text().replace("priority: low", "priority: high")
    task.path.write_text(text)  # same size or not, mtime/ctime move on
    assert board.tasks()[0].priority == "high"
    shutil.rmtree(board.root / ".pulse" / "cache")
    assert board.tasks()[0].priority == "high"
    (board.root / ".pulse" / "cache" / "tasks-open.json").write_text("{not json")
    assert board.tasks()[0].priority == "high"


def test_the_cache_is_ascii_and_gives_back_every_character(board: Board) -> None:
    """An accent in one title must not make the whole cache two bytes a character when read
    (tens of MB at 100,000 tasks): it is written as ASCII, and read back as it was."""
    title = "Café → naïve 日本, ok"
    create_task(board, title)
    first = board.tasks()
    raw = (board.root / ".pulse" / "cache" / "tasks-open.json").read_bytes()
    assert raw.isascii()
    assert first[0].title == title
    assert board.tasks() == first
    (board.root / ".pulse" / "cache" / "tasks-open.json").write_bytes(b'{"version": \xff}')  # not UTF-8
    assert board.tasks() == first


def test_settings_defaults_and_errors(tmp_path: Path) -> None:
    assert load_settings(tmp_path).wip_doing == 3
    init_board(tmp_path / "tasks")
    assert load_settings(tmp_path / "tasks").wip_doing == 3  # the commented template holds the defaults
    (tmp_path / "pulse.yaml").write_text("wip: {doing: 5, hard: true}\n")
    settings = load_settings(tmp_path)
    assert (settings.wip_doing, settings.wip_hard) == (5, True)
    for bad in [
        "wip: [1, 2]\n",
        "wip: {doing: 0}\n",
        "wip: {hard: maybe}\n",
        "wip: {doing: 'x'}\n",
        ": : :\n",
    ]:
        (tmp_path / "pulse.yaml").write_text(bad)
        with pytest.raises(PulseError, match=r"pulse\.yaml"):
            load_settings(tmp_path)


def test_wip_soft_warns_and_hard_refuses(board: Board) -> None:
    tasks = [create_task(board, f"Task {i}") for i in range(5)]
    for i in range(3):
        assert move_task(board, tasks[i].id, "doing").warnings == []
    result = move_task(board, tasks[3].id, "doing")
    assert result.task.state == "doing"
    assert "over its limit (4/3)" in result.warnings[0] and '"Task 0"' in result.warnings[0]
    (board.root / "pulse.yaml").write_text("wip:\n  doing: 3\n  hard: true\n")
    hard = Board(board.root)
    with pytest.raises(PulseError, match="doing/ is full"):
        move_task(hard, tasks[4].id, "doing")
    assert (board.root / "open" / tasks[4].name).exists()
    assert move_task(hard, tasks[4].id, "doing", force=True).task.state == "doing"


def test_move_errors_are_plain_sentences(board: Board) -> None:
    task = create_task(board, "Mover")
    move_task(board, task.id, "doing")
    with pytest.raises(PulseError, match="already in doing"):
        move_task(board, task.id, "doing")
    with pytest.raises(PulseError, match="needs a reason"):
        move_task(board, task.id, "blocked")
    with pytest.raises(PulseError, match="not a state"):
        move_task(board, task.id, "later")
    with pytest.raises(PulseError, match="in 2 places"):
        (board.root / "done" / task.name).write_text("a copy")
        move_task(board, task.id, "done")


def test_rename_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "a").write_text("mine")
    (tmp_path / "b").write_text("theirs")
    with pytest.raises(FileExistsError):
        rename_noreplace(tmp_path / "a", tmp_path / "b")
    assert (tmp_path / "a").read_text() == "mine" and (tmp_path / "b").read_text() == "theirs"
    rename_noreplace(tmp_path / "a", tmp_path / "c")
    assert not (tmp_path / "a").exists() and (tmp_path / "c").read_text() == "mine"


def _move_as_unprivileged(root: Path, task_id: str, stderr_path: Path) -> int:
    """Fork; the child drops to nobody (root ignores folder permissions) and runs `pulse done`."""
    pid = os.fork()
    if pid == 0:  # the child: never returns to pytest
        code = 70
        try:
            if os.geteuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            with open(stderr_path, "w") as err, contextlib.redirect_stderr(err):
                code = main(["--board", str(root), "done", task_id])
        finally:
            os._exit(code)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


def test_read_only_target_folder_is_a_sentence_and_nothing_moves() -> None:
    base = Path(tempfile.mkdtemp(prefix="pulse-ro-"))
    try:
        base.chmod(0o777)
        root = base / "tasks"
        init_board(root)
        task = create_task(Board(root), "Stuck")
        (root / "open").chmod(0o777)
        (root / "done").chmod(0o555)
        code = _move_as_unprivileged(root, task.id, base / "stderr.txt")
        stderr = (base / "stderr.txt").read_text()
        assert code == 1, stderr
        assert stderr.startswith("pulse: permission denied moving open/")
        assert stderr.count("\n") == 1 and "Traceback" not in stderr
        assert task.path.exists() and not list((root / "done").glob("*.md"))
    finally:
        shutil.rmtree(base)


def test_core_and_ls_never_load_the_ui_stack(board: Board) -> None:
    """Importing the core and running `pulse ls` must not import textual, rich or watchfiles."""
    create_task(board, "Something")
    code = (
        "import sys, io, contextlib\n"
        "import pulseboard.core.board, pulseboard.core.actions, pulseboard.core.doctor\n"
        "from pulseboard.cli.main import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main(['--board', {str(board.root)!r}, 'ls', '--json']) == 0\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'rich', 'watchfiles'))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_atomic_write_swaps_in_place_and_never_resurrects(tmp_path: Path) -> None:
    target = tmp_path / "task.md"
    target.write_text("old")
    target.chmod(0o600)
    inode = target.stat().st_ino
    atomic_write(target, b"new", expect_inode=inode)
    assert target.read_text() == "new" and (target.stat().st_mode & 0o777) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["task.md"]  # no temp file left
    moved = tmp_path / "moved.md"
    os.rename(target, moved)  # another process moved it away
    with pytest.raises(FileNotFoundError):
        atomic_write(target, b"stale", expect_inode=inode)
    assert not target.exists() and moved.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["moved.md"]


def test_undo_restores_the_previous_stamps_exactly(board: Board) -> None:
    task = create_task(board, "Round trip")
    started = move_task(board, task.id, "doing", now=at(1)).task
    blocked = move_task(board, task.id, "blocked", reason="needs review", waiting_on="alice", now=at(5)).task
    text_when_blocked = blocked.path.read_bytes()
    move_task(board, task.id, "done", now=at(9))
    entry = board.find(task.id)
    undone = move_entry(
        board, entry, "blocked",
        stamps={"started": blocked.started, "done": blocked.done, "blocked": blocked.blocked},
    ).task  # fmt: skip
    assert (undone.started, undone.blocked) == (started.started, blocked.blocked)
    assert undone.path.read_bytes() == text_when_blocked
