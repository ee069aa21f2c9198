"""Where the board is: core/board.py `locate`, the one function `pulse init`, every command and the
bare `pulse` ask. Also the `.pulse/` layout (core/layout.py) and the one push-status reader.

The CLI cases run the real `pulse` in a subprocess (tests/support/helpers.py); `locate` itself is called
directly for the cases a subprocess can't show (what was made, a board named but missing).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support.helpers import STATES, assert_user_error, clean_env, pulse, pulse_json, pulse_ok

from pulseboard.core import layout
from pulseboard.core.actions import create_task, init_board
from pulseboard.core.board import Board, BoardMissing, locate
from pulseboard.core.errors import PulseError
from pulseboard.core.heartbeat_inputs import push_failure, push_status
from pulseboard.services.git import write_push_status


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with a README and an initialised board holding one task, at project/tasks."""
    root = tmp_path / "project"
    init_board(root / "tasks")
    (root / "README.md").write_text("# a project\n", encoding="utf-8")
    create_task(Board(root / "tasks"), "The one task")
    return root


def titles(listing: list[dict]) -> list[str]:
    return [t["title"] for t in listing]


def no_board_above(folder: Path) -> None:
    if any((parent / "tasks").is_dir() for parent in folder.parents):
        pytest.skip("a tasks/ folder exists above the temp folder")


# --------------------------------------------------------------------------- finding a board


def test_discovery_from_a_subfolder(project: Path) -> None:
    deep = project / "src" / "pkg"
    deep.mkdir(parents=True)
    assert locate(None, None, deep) == locate(None, None, project / "tasks" / "open")
    assert locate(None, None, deep).root == project / "tasks"
    assert titles(pulse_json("ls", cwd=deep)) == ["The one task"]
    assert titles(pulse_json("ls", cwd=project / "tasks" / "doing")) == ["The one task"]


def test_pulse_board_env_names_the_board(project: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    for named in (project, project / "tasks"):
        assert locate(None, str(named), elsewhere).root == project / "tasks"
        env = clean_env(PULSE_BOARD=str(named))
        assert titles(pulse_json("ls", cwd=elsewhere, env=env)) == ["The one task"]
    with pytest.raises(BoardMissing, match=r"\$PULSE_BOARD") as missing:
        locate(None, str(tmp_path / "nowhere"), elsewhere)
    assert missing.value.path == tmp_path / "nowhere"
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("named", ["project", "project/tasks"])
def test_board_option_at_the_project_folder_and_at_tasks(project: Path, tmp_path: Path, named: str) -> None:
    assert locate(named, None, tmp_path).root == project / "tasks"
    assert titles(pulse_json("--board", named, "ls", cwd=tmp_path)) == ["The one task"]
    out = pulse_ok("--board", named, "add", "Added through --board", cwd=tmp_path)
    assert str(project / "tasks" / "open") in out
    assert not (project / "tasks" / "tasks").exists() and not (project / "open").exists()


# --------------------------------------------------------------------------- pulse init


def test_init_in_a_project_makes_tasks_there(tmp_path: Path) -> None:
    here = tmp_path / "fresh"
    here.mkdir()
    (here / "README.md").write_text("# not a task\n", encoding="utf-8")  # a project's .md files are fine
    out = pulse_ok("init", cwd=here)
    assert f"Made a board in {here / 'tasks'}" in out
    for state in STATES:
        assert (here / "tasks" / state).is_dir(), state
    assert "nothing changed" in pulse_ok("init", cwd=here)
    assert locate(None, None, here).root == here / "tasks"


def test_init_in_tasks_makes_the_board_there_not_in_tasks_tasks(tmp_path: Path) -> None:
    here = tmp_path / "fresh" / "tasks"
    here.mkdir(parents=True)
    out = pulse_ok("init", cwd=here)
    assert f"Made a board in {here}" in out
    assert (here / "open").is_dir() and not (here / "tasks").exists()
    assert "nothing changed" in pulse_ok("init", cwd=here)  # and again, from inside the board
    assert "nothing changed" in pulse_ok("init", cwd=here.parent)  # or from its project


def test_locate_says_what_it_made(tmp_path: Path) -> None:
    made = locate("proj", None, tmp_path, create=True)
    assert made.root == tmp_path / "proj" / "tasks"
    assert set(made.made) == {"open/", "doing/", "done/", "blocked/", "pulse.yaml"}
    assert locate("proj", None, tmp_path, create=True).made == ()
    # nothing named and nothing found: ./tasks (what the bare `pulse` does)
    lonely = tmp_path / "lonely"
    lonely.mkdir()
    no_board_above(lonely)
    with pytest.raises(PulseError, match="pulse init"):
        locate(None, None, lonely)
    assert locate(None, None, lonely, create=True).root == lonely / "tasks"


# --------------------------------------------------------------------------- refused


@pytest.mark.parametrize("state", ["open", "doing"])
def test_board_option_at_a_state_folder_is_refused(project: Path, state: str) -> None:
    before = sorted(p.relative_to(project) for p in project.rglob("*"))
    named = f"tasks/{state}"
    line = assert_user_error(pulse("--board", named, "add", "Lost task", cwd=project), named)
    assert "board folder" in line and str(project / "tasks") in line
    assert line.count(". ") == 0, "one sentence"
    assert_user_error(pulse("--board", named, "ls", cwd=project), "board folder")
    assert_user_error(pulse("init", named, cwd=project), "board folder")
    env = clean_env(PULSE_BOARD=str(project / named))
    assert_user_error(pulse("ls", cwd=project, env=env), "board folder")
    assert sorted(p.relative_to(project) for p in project.rglob("*")) == before
    assert not (project / "tasks" / state / "open").exists()


def test_board_option_at_a_folder_of_md_files_is_refused(project: Path, tmp_path: Path) -> None:
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "idea.md").write_text("# an idea\n", encoding="utf-8")
    line = assert_user_error(pulse("--board", str(notes), "add", "Lost task", cwd=tmp_path), "board folder")
    assert ".md files" in line
    assert sorted(p.name for p in notes.iterdir()) == ["idea.md"]
    # a project of .md files without a board likewise
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "README.md").write_text("x", encoding="utf-8")
    assert_user_error(pulse("--board", str(bare), "ls", cwd=tmp_path), ".md files")
    # ...while `pulse init` there makes bare/tasks, leaving the README where it is
    pulse_ok("init", str(bare), cwd=tmp_path)
    assert (bare / "tasks" / "open").is_dir()
    assert titles(pulse_json("--board", str(bare), "ls", cwd=tmp_path)) == []


# --------------------------------------------------------------------------- the .pulse/ layout


def test_pulse_layout_paths(project: Path) -> None:
    root = project / "tasks"
    assert layout.journal_dir(root) == root / ".pulse" / "journal"
    assert layout.cache_path(root, layout.PUSH_STATUS) == root / ".pulse" / "cache" / "push.json"
    assert (root / ".pulse" / ".gitignore").read_text() == "cache/\ntrash/\n"
    assert (root / ".pulse" / ".gitattributes").read_text() == "journal/*.jsonl merge=union\n"
    assert layout.trash_dir(root).is_dir()


def test_push_status_one_reader(project: Path) -> None:
    root = project / "tasks"
    assert push_status(root) is None and push_failure(root) is None
    write_push_status(root, {"ok": True, "at": "2026-12-01T10:00:00Z", "error": None})
    assert push_status(root) == {"ok": True, "at": "2026-12-01T10:00:00Z", "error": None}
    assert push_failure(root) is None
    write_push_status(root, {"ok": False, "at": "2026-12-01T10:00:00Z", "error": "no remote"})
    assert push_failure(root) == "no remote (at 2026-12-01T10:00:00Z)"
    assert json.loads((root / ".pulse" / "cache" / "push.json").read_text())["ok"] is False
