"""JournalTail: the board's incremental journal reader gives the same events as a full read,
through appends, a line still being written, a rewrite (a git merge) and a new month file; and
`appended()` hands over each new line once, in a full read's order, or None when the journal
changed other than by appending (then the tail has read it again whole)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

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


def test_events_keep_the_months_order_when_an_earlier_month_comes_later(tmp_path: Path) -> None:
    folder = tmp_path / ".pulse" / "journal"
    folder.mkdir(parents=True)
    (folder / "2026-11.jsonl").write_text(line(2))
    tail = JournalTail(tmp_path)
    tail.events()
    (folder / "2026-10.jsonl").write_text(line(1, "2026-10-30T10:00:00Z"))  # a pull brings October
    assert [e.id for e in tail.events()] == ["t1", "t2"] == [e.id for e in read_events(tmp_path)]


class Journal:
    """A journal folder a test writes to, and a tail of it."""

    def __init__(self, root: Path) -> None:
        self.folder = root / ".pulse" / "journal"
        self.folder.mkdir(parents=True)
        self.root = root
        self.tail = JournalTail(root)

    def append(self, month: str, text: str) -> None:
        with (self.folder / f"{month}.jsonl").open("a") as handle:
            handle.write(text)

    def appended(self) -> list[str] | None:
        events = self.tail.appended()
        return None if events is None else [e.id for e in events]

    def whole(self) -> bool:
        """The tail's whole journal is a full read's."""
        return self.tail.events() == list(read_events(self.root))


def test_appended_gives_each_new_line_once(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    assert journal.appended() == []
    journal.append("2026-11", line(1) + line(2))
    assert journal.appended() == ["t1", "t2"]  # a first call: all of it
    assert journal.appended() == []
    journal.append("2026-11", line(3) + "not json\n" + line(4))
    assert journal.appended() == ["t3", "t4"]  # a line no reader can parse is skipped
    journal.append("2026-11", line(5))
    assert journal.whole()  # `events` moves the tail on as well
    assert journal.appended() == []
    journal.append("2026-11", line(6))
    assert journal.appended() == ["t6"]


def test_appended_across_a_month_boundary(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.append("2026-11", line(1))
    assert journal.appended() == ["t1"]
    journal.append("2026-11", line(2))  # the last of November, and December's first, in one poll
    journal.append("2026-12", line(3, "2026-12-01T00:00:01Z"))
    assert journal.appended() == ["t2", "t3"]
    journal.append("2026-12", line(4, "2026-12-01T00:00:02Z"))
    journal.append("2026-11", line(5))  # a late writer with November's clock
    assert journal.appended() == ["t5", "t4"]  # month by month, as a full read orders them
    assert journal.whole()


def test_a_half_written_line_waits_until_it_is_whole(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.append("2026-11", line(1) + line(2)[:25])
    assert journal.appended() == ["t1"]
    assert journal.appended() == []
    journal.append("2026-11", line(2)[25:-1])  # all but the newline
    assert journal.appended() == []
    journal.append("2026-11", "\n" + line(3)[:10])
    assert journal.appended() == ["t2"]
    journal.append("2026-11", line(3)[10:])
    assert journal.appended() == ["t3"]
    assert journal.whole()


@pytest.mark.parametrize(
    "change",
    ["rewritten", "truncated", "emptied", "gone", "an earlier month", "made a link"],
)
def test_appended_says_when_the_journal_changed_otherwise(tmp_path: Path, change: str) -> None:
    journal = Journal(tmp_path)
    november = journal.folder / "2026-11.jsonl"
    journal.append("2026-11", line(1) + line(2) + line(3))
    assert journal.appended() == ["t1", "t2", "t3"]
    if change == "rewritten":  # a merge put a line in the middle
        november.write_text(line(1) + line(9) + line(2) + line(3))
    elif change == "truncated":
        november.write_text(line(1) + line(2))
    elif change == "emptied":
        november.write_text("")
    elif change == "gone":
        november.unlink()
    elif change == "an earlier month":
        journal.append("2026-10", line(8, "2026-10-31T23:00:00Z"))
    else:
        november.rename(journal.folder / "elsewhere")
        november.symlink_to(journal.folder / "elsewhere")
    assert journal.appended() is None
    assert journal.appended() == []  # read again whole: caught up
    assert journal.whole()
    journal.append("2026-12", line(7, "2026-12-01T08:00:00Z"))
    assert journal.appended() == ["t7"]
