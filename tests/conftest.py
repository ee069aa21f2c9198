"""Shared fixtures: a real board in a temp folder and a fixed clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pulseboard.core.actions import init_board
from pulseboard.core.board import Board

T0 = dt.datetime(2026, 11, 22, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture
def board(tmp_path: Path) -> Board:
    """An empty, initialised board at tmp_path/tasks."""
    root = tmp_path / "tasks"
    init_board(root)
    return Board(root)


def at(minutes: int) -> dt.datetime:
    """The fixed clock: T0 plus some minutes."""
    return T0 + dt.timedelta(minutes=minutes)
