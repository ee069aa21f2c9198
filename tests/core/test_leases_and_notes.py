"""Notes, renewals and leases (core/holders.py): a note lands under `## Notes` leaving every other
byte, notes written at once all land, a lease runs from the holder's last sign of life, and a
silent holder's task is taken over exactly once by racing takers. Real files, real processes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from support.clock import at
from support.helpers import (
    clean_env,
    frontmatter,
    journal_events,
    pulse,
    pulse_ok,
    pulse_together,
    silent_task,
)

from pulseboard.core import holders
from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board
from pulseboard.core.heartbeat_inputs import suggest
from pulseboard.core.taskfile import split

LINE = "- 2026-11-22T09:00:00Z test: found it"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("---\ntitle: T\n---\n", f"---\ntitle: T\n---\n## Notes\n\n{LINE}\n"),
        ("---\ntitle: T\n---\nBody.", f"---\ntitle: T\n---\nBody.\n\n## Notes\n\n{LINE}\n"),
        ("# T\n\nBody.\n", f"# T\n\nBody.\n\n## Notes\n\n{LINE}\n"),
        (
            "---\r\ntitle: T\r\n---\r\nBody.\r\n",
            f"---\r\ntitle: T\r\n---\r\nBody.\r\n\r\n## Notes\r\n\r\n{LINE}\r\n",
        ),
        (
            "# T\n\n## Notes\n\n- one\n\n\n## Later\n\ntext\n",
            f"# T\n\n## Notes\n\n- one\n{LINE}\n\n\n## Later\n\ntext\n",
        ),
        ("# T\n## Notes\n- one", f"# T\n## Notes\n- one\n{LINE}\n"),
    ],
)
def test_a_note_goes_at_the_end_of_the_notes_section(before: str, after: str) -> None:
    assert holders.with_note(before, LINE) == after


def test_a_note_keeps_every_other_byte_and_is_a_sign_of_life(board: Board) -> None:
    task = create_task(board, "Noted", touches=["a.py"], body="Intro.\n\n- [ ] a criterion\n", now=at(0))
    move_task(board, task.id, "doing", now=at(1))
    path = board.root / "doing" / task.name
    before = path.read_text()
    holders.add_note(board, task.id, "the  cache\nis cold", now=at(2))
    after = path.read_text()
    assert after.startswith(before.rstrip("\n"))
    assert after.endswith("## Notes\n\n- 2026-11-22T09:02:00Z test: the cache / is cold\n")
    assert split(after).lines == split(before).lines  # the frontmatter: every byte
    assert [e["op"] for e in journal_events(board.root)][-1] == "note"


def test_notes_written_at_once_by_eight_processes_all_land(board: Board, tmp_path: Path) -> None:
    task = create_task(board, "Busy", now=at(0))
    results = pulse_together(
        "note", task.id, "a finding", workers=8, cwd=board.root.parent, sync=tmp_path / "sync", actors=True
    )
    assert all(rc == 0 for rc, _, _ in results), results
    text = (board.root / "open" / task.name).read_text()
    notes = [line for line in text.splitlines() if line.startswith("- ")]
    assert sorted(line.split()[2] for line in notes) == sorted(f"agent-{n}:" for n in range(8))
    assert all(line.endswith(": a finding") for line in notes)
    assert text.count("## Notes") == 1


def test_a_note_on_a_broken_file_or_without_text_is_one_sentence(board: Board) -> None:
    (board.root / "open" / "broken.md").write_text("---\ntitle: [unclosed\n---\n")
    result = pulse("note", "broken", "x", cwd=board.root.parent)
    assert result.returncode == 1 and result.stderr.count("\n") == 1 and "won't write" in result.stderr
    assert (board.root / "open" / "broken.md").read_text() == "---\ntitle: [unclosed\n---\n"
    task = create_task(board, "Fine", now=at(0))
    result = pulse("note", task.id, "  ", cwd=board.root.parent)
    assert result.returncode == 1 and "needs some text" in result.stderr


def test_a_lease_runs_from_the_last_sign_of_life(board: Board) -> None:
    task_id = silent_task(board)
    now = dt.datetime.now(dt.UTC)
    found = [
        s for s in suggest(Board(board.root).tasks(), Board(board.root).settings.heartbeat, board.root, now)
    ]
    silent = [s for s in found if s.kind == "silent"]
    assert [s.ids for s in silent] == [(task_id,)] and silent == found[: len(silent)]
    assert silent[0].text.startswith('agent-1 went silent on "Held long" 2h')
    refused = pulse("renew", task_id, cwd=board.root.parent)  # as `test`: not the holder
    assert refused.returncode == 1 and "only its holder renews its lease" in refused.stderr
    pulse_ok("renew", task_id, cwd=board.root.parent, env=clean_env(PULSE_ACTOR="agent-1"))  # a journal line
    fresh = Board(board.root)
    assert not [
        s for s in suggest(fresh.tasks(), fresh.settings.heartbeat, board.root, now) if s.kind == "silent"
    ]


def test_next_names_the_silent_holder_and_a_note_renews_the_lease(board: Board) -> None:
    task_id = silent_task(board)
    out = pulse_ok("next", cwd=board.root.parent)
    assert "agent-1 went silent on" in out and "--take-stale" in out
    pulse_ok("note", task_id, "still on it", cwd=board.root.parent, env=clean_env(PULSE_ACTOR="agent-1"))
    assert "went silent" not in pulse_ok("next", cwd=board.root.parent)


def test_racing_takers_take_a_silent_task_over_exactly_once(board: Board, tmp_path: Path) -> None:
    task_id = silent_task(board)
    (board.root / "pulse.yaml").write_text("wip: {doing: 10}\nholders: {lease: 1m}\n")
    for n in range(3):
        create_task(board, f"Other {n}", touches=[f"b{n}.py"], now=at(0))
    results = pulse_together(
        "claim", "--take-stale", "--json", workers=4, cwd=board.root.parent, sync=tmp_path / "s", actors=True
    )
    claims = [json.loads(out) for rc, out, _ in results if rc == 0]
    taken = [c for c in claims if c["taken_from"] is not None]
    assert len(taken) == 1 and taken[0]["id"] == task_id and taken[0]["taken_from"] == "agent-1"
    assert (
        frontmatter(board.root / "doing" / f"{Path(taken[0]['path']).name}")["holder"] == taken[0]["holder"]
    )
    assert len({c["id"] for c in claims}) == len(claims)  # the others started other tasks
    takes = [e for e in journal_events(board.root) if e["op"] == "take"]
    assert len(takes) == 1 and takes[0]["before"] == {"holder": "agent-1"}


def test_renew_refuses_a_task_not_in_doing(board: Board) -> None:
    task = create_task(board, "Open one", now=at(0))
    result = pulse("renew", task.id, cwd=board.root.parent)
    assert result.returncode == 1 and "only a task in doing has a lease" in result.stderr
