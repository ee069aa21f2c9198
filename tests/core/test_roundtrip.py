"""Round-trip safety: pulse changes only the keys it owns; every other byte stays (golden files).

Set PULSE_UPDATE_GOLDENS=1 to rewrite tests/core/golden/expected/ after a deliberate format change,
then read the diff by eye before committing it.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from support.clock import at

from pulseboard.core import taskfile
from pulseboard.core.actions import move_task
from pulseboard.core.board import Board

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.name for p in (GOLDEN / "input").glob("*.md"))
STEPS = [
    ("1-start", "doing", {}),
    ("2-block", "blocked", {"reason": 'waiting for the "API" key: ünïcode', "waiting_on": "ops team"}),
    ("3-done", "done", {}),
    ("4-reopen", "open", {}),
]
_OWNED_BLOCK = re.compile(
    r"^(started|done|blocked|holder):.*(?:\r?\n|$)(?:^(?:[ \t].*|- .*)(?:\r?\n|$))*", re.M
)


def strip_owned(text: str) -> str:
    """The text with every owned key's lines (and a frontmatter pulse added) removed."""
    return _OWNED_BLOCK.sub("", text)


@pytest.mark.parametrize("case", CASES)
def test_golden_sequence(board: Board, case: str) -> None:
    source = GOLDEN / "input" / case
    original = source.read_bytes()
    shutil.copyfile(source, board.root / "open" / case)
    for minute, (step, state, extra) in enumerate(STEPS, start=1):
        result = move_task(board, case[:-3], state, now=at(minute), **extra)
        assert result.warnings == []
        produced = (board.root / state / case).read_bytes()
        expected_path = GOLDEN / "expected" / f"{case[:-3]}.{step}.md"
        if os.environ.get("PULSE_UPDATE_GOLDENS"):
            expected_path.write_bytes(produced)
        assert produced == expected_path.read_bytes(), f"{case} after {step}"
    # A file that had no stamps is itself again after going round the states (a file that had no
    # frontmatter keeps the empty `---` fences pulse added: removing them could turn a body into one).
    final = (board.root / "open" / case).read_bytes()
    if strip_owned(original.decode("utf-8")) == original.decode("utf-8"):
        assert final in (original, b"---\n---\n" + original)


@pytest.mark.parametrize("case", CASES)
def test_other_bytes_untouched_at_every_step(board: Board, case: str) -> None:
    """Outside the owned keys' lines, every byte of the file matches the original."""
    source = GOLDEN / "input" / case
    before = source.read_bytes().decode("utf-8")
    shutil.copyfile(source, board.root / "open" / case)
    for minute, (_step, state, extra) in enumerate(STEPS[:3], start=1):
        move_task(board, case[:-3], state, now=at(minute), **extra)
        after = (board.root / state / case).read_bytes().decode("utf-8")
        parts_before, parts_after = taskfile.split(before), taskfile.split(after)
        assert parts_after.body == parts_before.body or (
            not parts_before.has_frontmatter and parts_after.body == before.lstrip("\ufeff")
        )
        assert strip_owned("".join(parts_after.lines)) == strip_owned("".join(parts_before.lines))


def test_crlf_stays_crlf(board: Board) -> None:
    shutil.copyfile(GOLDEN / "input" / "crlf.md", board.root / "open" / "crlf.md")
    move_task(board, "crlf", "doing", now=at(1))
    data = (board.root / "doing" / "crlf.md").read_bytes()
    assert b"started: 2026-11-22T09:01:00Z\r\n" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_unusual_layout_is_refused_not_damaged(board: Board) -> None:
    """A one-line flow-mapping frontmatter can't be edited by line: pulse moves, warns, keeps bytes."""
    text = "---\n{title: Flow style, started: 2026-01-01T00:00:00Z}\n---\nbody\n"
    path = board.root / "open" / "flow.md"
    path.write_text(text)
    result = move_task(board, "flow", "doing", now=at(1))
    assert (board.root / "doing" / "flow.md").read_text() == text
    assert len(result.warnings) == 1 and "stamps were not written" in result.warnings[0]


def test_update_owned_keys_rejects_foreign_keys() -> None:
    with pytest.raises(ValueError):
        taskfile.update_owned_keys("---\ntitle: x\n---\n", {"title": "y"})
