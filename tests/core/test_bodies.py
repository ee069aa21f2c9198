"""Task bodies in queries (core/bodies.py, core/query.py): a plain word or a phrase matches the body
text too, a -word leaves out a task whose body has it, and the body index reads a file again only
when it changed. Real task files in a temp board; bodies read the way every face reads them."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

import pytest

from pulseboard.core import actions
from pulseboard.core.board import Board, Task
from pulseboard.core.bodies import BodyIndex, body_text
from pulseboard.core.query import Query
from pulseboard.core.snapshot import Snapshot


def made(board: Board, title: str, body: str, **fields: Any) -> Task:
    return actions.create_task(board, title, body=body, **fields)


@pytest.fixture
def tasks(board: Board) -> dict[str, Task]:
    """Three tasks whose bodies, not their titles, tell them apart."""
    return {
        "db": made(board, "Speed up the export", "Ask ops for the Staging DB.\n\n- [ ] measure first\n"),
        "flag": made(
            board, "Fix login redirect", "Keep it behind a feature flag, for the release.\n", tags=["ui"]
        ),
        "none": made(board, "Write release notes", ""),
    }


def titles(board: Board, text: str, index: BodyIndex | None) -> set[str]:
    query = Query.parse(text)
    body = index.body if index is not None else None
    return {task.title for task in Snapshot(board.tasks()) if query.matches(task, body)}


def read(board: Board) -> BodyIndex:
    index = BodyIndex(board.root)
    index.refresh()
    return index


def test_plain_words_and_phrases_match_the_body(board: Board, tasks: dict[str, Task]) -> None:
    index = read(board)
    assert titles(board, "staging", index) == {"Speed up the export"}  # the body, any case
    assert titles(board, "STAGING db", index) == {"Speed up the export"}  # every word: in the body
    assert titles(board, '"feature flag"', index) == {"Fix login redirect"}  # a phrase, spaces and all
    assert titles(board, '"flag feature"', index) == set()
    assert titles(board, "release", index) == {"Fix login redirect", "Write release notes"}  # body or title
    assert titles(board, "export staging", index) == {"Speed up the export"}  # one word each place
    assert titles(board, "measure #ui", index) == set()  # the other terms still hold
    assert titles(board, "flag #ui", index) == {"Fix login redirect"}
    assert titles(board, "staging", None) == set()  # without bodies, only the fields


def test_a_negated_word_leaves_out_a_body_that_has_it(board: Board, tasks: dict[str, Task]) -> None:
    index = read(board)
    assert titles(board, "-staging", index) == {"Fix login redirect", "Write release notes"}
    assert titles(board, '-"feature flag" -notes', index) == {"Speed up the export"}
    assert titles(board, "release -flag", index) == {"Write release notes"}
    assert titles(board, "-staging", None) == {task.title for task in tasks.values()}  # not known: kept


def test_only_the_body_is_searched_not_the_frontmatter(board: Board, tasks: dict[str, Task]) -> None:
    index = read(board)
    assert titles(board, "priority", index) == set()  # a frontmatter key is not body text
    assert titles(board, "#measure", index) == set()  # tags, @who, p: and state: never look in bodies
    assert body_text(tasks["db"].path).startswith("ask ops for the staging db.")


def test_an_unchanged_file_is_never_read_again(board: Board, tasks: dict[str, Task]) -> None:
    index = BodyIndex(board.root)
    assert index.body(tasks["db"]) is None  # not read yet: no body match
    assert index.refresh() == 3
    assert index.refresh() == 0  # nothing changed: no file read
    path = tasks["flag"].path
    path.write_text(path.read_text(encoding="utf-8").replace("feature flag", "kill switch"), encoding="utf-8")
    assert index.refresh() == 1
    assert titles(board, "switch", index) == {"Fix login redirect"}
    assert titles(board, "flag", index) == set()
    stamp = time.time() + 5
    os.utime(tasks["db"].path, (stamp, stamp))  # the same bytes, a new time: read again, to be sure
    assert index.refresh() == 1
    moved = board.root / "doing" / tasks["db"].name
    os.rename(tasks["db"].path, moved)  # a plain mv: the body goes with the file name
    task = board.load(board.find(tasks["db"].id))
    assert index.body(task) == body_text(moved)  # before the index reads again
    assert index.refresh() == 2  # read in doing/, forgotten in open/
    tasks["none"].path.unlink()
    assert index.refresh() == 1
    assert index.body(tasks["none"]) is None
    assert index.refresh() == 0


def test_odd_files_have_an_empty_body_and_never_block(board: Board, tasks: dict[str, Task]) -> None:
    open_dir = board.root / "open"
    os.mkfifo(open_dir / "a-fifo.md")
    (open_dir / "a-link.md").symlink_to(tasks["db"].path)
    (open_dir / "latin1.md").write_bytes(b"---\ntitle: x\n---\ncaf\xe9 staging\n")
    (open_dir / "unclosed.md").write_text("---\ntitle: x\nstaging\n", encoding="utf-8")
    (open_dir / "big.md").write_bytes(b"staging " * (1 << 18))  # 2 MB: over the limit a task file has
    index = BodyIndex(board.root)
    assert index.refresh() == 8
    bodies = {task.name: index.body(task) for task in board.tasks()}
    for name in ("a-fifo.md", "a-link.md", "latin1.md", "unclosed.md", "big.md"):
        assert bodies[name] == "", name  # never the link's target, never a partial read
    assert titles(board, "staging", index) == {"Speed up the export"}


def test_a_query_narrows_the_one_typed_before() -> None:
    def narrows(after: str, before: str) -> bool:
        return Query.parse(after).narrows(Query.parse(before))

    for before, after in [("sta", "stag"), ("stag", "stag db"), ("", "x"), ("#u", "#ui"), ("p:h", "p:hi"),
                          ('"fix', '"fix n'), ("-flag", "-flag x"), ("staging", "staging -f")]:  # fmt: skip
        assert narrows(after, before), (before, after)
    for before, after in [("stag", "sta"), ("-fl", "-fla"), ("p", "p:h"), ("-", "-f"), ("@", "@a"),
                          ("db stag", "stag db"), ("stag", "#stag")]:  # fmt: skip
        assert not narrows(after, before), (before, after)


def test_ten_thousand_bodies_filter_at_once(tmp_path: Path) -> None:
    folder = tmp_path / "open"
    tasks = [
        Task(id=f"{n:010d}", state="open", name=f"{n:010d}-task.md", folder=folder, title=f"Task {n}",
             priority="medium", estimate=None, touches=(), depends=(), tags=(), created=None, started=None,
             done=None, blocked=None, criteria=(0, 0), error=None, writable=True)
        for n in range(10_000)
    ]  # fmt: skip
    sentence = "the fix is small but the tests around it are thin and need work first; "
    bodies = {task.name: (sentence * 8 + f"module{int(task.id) % 50}").lower() for task in tasks}

    def body(task: Task) -> str | None:
        return bodies.get(task.name)

    query = Query.parse("thin module7 -zz")  # every task's body is looked at, to its end for most
    best = min(_timed(lambda: query.filter(tasks, body)) for _ in range(3))
    assert len(query.filter(tasks, body)) == 200
    assert best < 0.1, f"{best:.3f}s to filter 10,000 tasks with their bodies"


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start
