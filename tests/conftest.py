"""The one conftest: a real board in a temp folder, the fixed clock, a temp config home for every test
and the isolation of the app tests.

Shared helpers live in the `support` package (tests/ is on the path, see pyproject.toml):
support.clock (T0, at), support.helpers (the CLI in a subprocess), support.board_helpers (the app
under Pilot).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from support.clock import T0, at

from pulseboard.core.actions import init_board
from pulseboard.core.board import Board

__all__ = ["T0", "at"]

TUI_TESTS = Path(__file__).parent / "tui"


@pytest.fixture
def board(tmp_path: Path) -> Board:
    """An empty, initialised board at tmp_path/tasks."""
    root = tmp_path / "tasks"
    init_board(root)
    return Board(root)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A project folder with an initialised board in tasks/ (the default pulse.yaml: wip.doing 3)."""
    project = tmp_path / "proj"
    init_board(project / "tasks")
    return project


@pytest.fixture(autouse=True)
def _own_config_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads or writes the real ~/.config (the user's settings, their themes): every test,
    and the CLI it runs in a subprocess, has XDG_CONFIG_HOME at tmp_path/config; and each acts as
    `test` (PULSE_ACTOR: the holder a start records, the journal's actor), whoever runs the suite."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("PULSE_ACTOR", "test")


@pytest.fixture(autouse=True)
def _isolated(request: pytest.FixtureRequest) -> None:
    """Every test under tests/tui/ runs in its tmp_path with nothing from the user's environment
    steering pulse or textual (support.board_helpers.isolate). Other tests are left alone."""
    if not request.node.path.is_relative_to(TUI_TESTS):
        return
    from support.board_helpers import isolate  # imports textual: only for the app tests

    isolate(request.getfixturevalue("monkeypatch"), request.getfixturevalue("tmp_path"))
