"""Parsing many files at once (core/parse_pool.py): a forked child parses half, really, and the
records are the ones a parse here makes, a failing child or file included."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from support.helpers import pulse
from support.odd_board import odd_board

from pulseboard.core import parse_pool
from pulseboard.core.actions import create_task
from pulseboard.core.board import STATES, Board


def test_a_child_parses_the_second_half_and_the_order_is_kept() -> None:
    here = os.getpid()
    values = parse_pool.parse_all(lambda n: [n, os.getpid() != here], list(range(11)), fork=True)
    assert [v[0] for v in values] == list(range(11))
    assert [v[1] for v in values] == [False] * 6 + [True] * 5  # the child's pid on its half


def test_a_child_that_fails_leaves_its_half_to_this_process() -> None:
    here = os.getpid()

    def parse(n: int) -> list[object]:
        if os.getpid() != here:
            raise RuntimeError("the child breaks")
        return [n]

    assert parse_pool.parse_all(parse, list(range(7)), fork=True) == [[n] for n in range(7)]


def test_what_a_parse_raises_is_raised_here_as_without_a_child() -> None:
    def parse(n: int) -> list[object]:
        if n == 5:
            raise ValueError("file 5 is bad")
        return [n]

    with pytest.raises(ValueError, match="file 5 is bad"):
        parse_pool.parse_all(parse, list(range(8)), fork=True)


def test_few_files_or_other_threads_are_parsed_here() -> None:
    here = os.getpid()
    few = parse_pool.parse_all(lambda n: [os.getpid() == here], list(range(parse_pool.FORK_FROM - 1)))
    assert all(v == [True] for v in few)


def test_a_cold_board_read_with_a_child_reads_what_a_read_here_reads(
    board: Board, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Odd files (broken, a link, accents, moved by hand) in every folder; the caches each read
    writes hold the same records."""
    odd_board(board, tmp_path)
    alone = Board(shutil.copytree(board.root, tmp_path / "alone" / "tasks", symlinks=True))
    monkeypatch.setattr(parse_pool, "FORK_FROM", 1)
    monkeypatch.setattr(parse_pool, "threading", SimpleNamespace(active_count=lambda: 1))
    shared = board.tasks()
    monkeypatch.setattr(parse_pool, "FORK_FROM", 10**9)
    assert [(t.state, t.name, t.title, t.error, t.done) for t in shared] == [
        (t.state, t.name, t.title, t.error, t.done) for t in alone.tasks()
    ]
    for state in STATES:
        ours, theirs = (_records(b.root / ".pulse" / "cache" / f"tasks-{state}.json") for b in (board, alone))
        assert ours == theirs


def _records(cache: Path) -> dict[str, object]:
    """A cache file's records by file name, without the file signatures (the copies differ)."""
    files = json.loads(cache.read_text())["entries"]
    return {name: entry[1] for name, entry in files.items()}


def test_the_cli_reads_a_cold_board_of_thousands_as_a_warm_one(board: Board, tmp_path: Path) -> None:
    """Past FORK_FROM files the CLI (one thread) shares a cold parse with a child: `pulse ls
    --json` says the same cold and warm."""
    odd_board(board, tmp_path)
    for n in range(parse_pool.FORK_FROM + 200):
        create_task(board, f"Task {n} ☕", touches=[f"src/{n % 7}.py"], tags=["many"])
    shutil.rmtree(board.root / ".pulse" / "cache", ignore_errors=True)  # cold: nothing parsed yet
    cold = pulse("--board", board.root, "ls", "--json", cwd=tmp_path)
    warm = pulse("--board", board.root, "ls", "--json", cwd=tmp_path)
    assert cold.returncode == 0, cold.stderr
    assert cold.stdout == warm.stdout and len(json.loads(cold.stdout)) > parse_pool.FORK_FROM
