"""JournalTail: the board's incremental journal reader gives the same events as a full read,
through appends, a line still being written, a rewrite (a git merge) and a new month file."""

from __future__ import annotations

import json
from pathlib import Path

from pulseboard.core.journal import JournalTail, read_events


def line(n: int, at: str = "2026-11-22T10:00:00Z") -> str:
    return json.dumps({"at": at, "op": "move", "id": f"t{n}", "file": f"t{n}.md", "from": "open",
                       "to": "doing", "by": "ana"}) + "\n"  # fmt: skip


def test_the_tail_matches_a_full_read_through_appends_rewrites_and_new_months(tmp_path: Path) -> None:
    folder = tmp_path / ".pulse" / "journal"
    folder.mkdir(parents=True)
    november = folder / "2026-11.jsonl"
    tail = JournalTail(tmp_path)
    assert tail.events() == []
    november.write_text(line(1) + line(2))
    assert [e.id for e in tail.events()] == ["t1", "t2"]
    with november.open("a") as handle:  # one whole line and half of the next
        handle.write(line(3) + line(4)[:20])
    assert [e.id for e in tail.events()] == ["t1", "t2", "t3"]
    with november.open("a") as handle:
        handle.write(line(4)[20:])
    assert [e.id for e in tail.events()] == ["t1", "t2", "t3", "t4"]
    november.write_text(line(1) + line(9) + line(2) + line(3) + line(4))  # a merge put t9 mid-file
    assert [e.id for e in tail.events()] == ["t1", "t9", "t2", "t3", "t4"]
    (folder / "2026-12.jsonl").write_text(line(5, "2026-12-01T08:00:00Z") + "not json\n")
    assert tail.events() == list(read_events(tmp_path))
    november.unlink()
    assert [e.id for e in tail.events()] == ["t5"]
