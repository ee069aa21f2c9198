"""`pulse undo` end to end: real processes over real files, the journal read and written on disk.

Each step runs `python -m pulseboard` with PULSE_ACTOR set for that call, so whose move an undo
may revert is decided exactly as it is for a person and an agent sharing a board.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from support.helpers import (
    STABLE_KEYS,
    assert_user_error,
    clean_env,
    frontmatter,
    journal_events,
    leftover_temp_files,
    places_by_id,
    pulse,
    pulse_json,
    pulse_ok,
    pulse_together,
    task_files,
    where_is,
)

from pulseboard.core.actions import create_task, move_task
from pulseboard.core.board import Board
from pulseboard.core.undo import undo_last

pytestmark = pytest.mark.timeout(90)

STAMP = "%Y-%m-%dT%H:%M:%SZ"


def as_actor(name: str) -> dict[str, str]:
    return clean_env(PULSE_ACTOR=name)


def add(project: Path, title: str, *extra: str) -> dict[str, Any]:
    return pulse_json("add", title, *extra, cwd=project)


def run_as(name: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return pulse(*args, cwd=cwd, env=as_actor(name))


def ok_as(name: str, *args: str, cwd: Path) -> str:
    return pulse_ok(*args, cwd=cwd, env=as_actor(name))


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file under root (task files, pulse.yaml, the journal, caches), by relative path."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def only_file(root: Path, state: str) -> Path:
    files = task_files(root)[state]
    assert len(files) == 1, task_files(root)
    return files[0]


def moves(root: Path) -> list[dict[str, Any]]:
    return [e for e in journal_events(root) if e["op"] == "move"]


def key_of(event: dict[str, Any]) -> str:
    """How a move is named in an undo's `undoes` (core/journal.py Event.key): its uid, or for a line
    from before uids, its time, task and states."""
    return event.get("uid") or f"{event['at']} {event['id']} {event['from']}>{event['to']}"


def append_journal_line(root: Path, event: dict[str, Any]) -> None:
    """A journal line written by hand, as core/journal.py writes one (compact JSON)."""
    path = root / ".pulse" / "journal" / f"{event['at'][:7]}.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")


def now_stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime(STAMP)


def assert_every_task_in_one_folder(root: Path, expected_ids: set[str]) -> None:
    places = places_by_id(root)
    assert set(places) == expected_ids
    assert all(len(keys) == 1 for keys in places.values()), places
    assert leftover_temp_files(root) == []


# --------------------------------------------------------------------------- one step back


def test_undo_of_start_puts_the_file_back_in_open_byte_for_byte(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Fix the login loop", "--priority", "high", "--estimate", "5m")
    original = Path(task["path"]).read_bytes()

    ok_as("ana", "start", task["id"], cwd=project)
    in_doing = only_file(root, "doing")
    assert frontmatter(in_doing)["started"]

    out = ok_as("ana", "undo", cwd=project)

    assert out.startswith("undone: ") and out.endswith('"Fix the login loop": doing -> open\n'), out
    back = only_file(root, "open")
    assert back.name == Path(task["path"]).name
    assert back.read_bytes() == original
    assert task_files(root)["doing"] == []


def test_undo_of_block_puts_the_file_back_in_doing_byte_for_byte(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Sign the release")
    ok_as("ana", "start", task["id"], cwd=project)
    in_doing = only_file(root, "doing")
    before_block = in_doing.read_bytes()

    ok_as("ana", "block", task["id"], "--reason", "needs the signing key", "--waiting-on", "ops", cwd=project)
    blocked = frontmatter(only_file(root, "blocked"))["blocked"]
    assert blocked["reason"] == "needs the signing key" and blocked["waiting_on"] == "ops"

    ok_as("ana", "undo", cwd=project)

    assert task_files(root)["blocked"] == []
    assert only_file(root, "doing").read_bytes() == before_block


def test_undo_of_done_removes_done_and_keeps_started(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Ship the parser")
    started = pulse_json("start", task["id"], cwd=project, env=as_actor("ana"))["started"]
    before_done = only_file(root, "doing").read_bytes()
    finished = pulse_json("done", task["id"], cwd=project, env=as_actor("ana"))
    assert finished["done"] and finished["started"] == started

    undone = pulse_json("undo", cwd=project, env=as_actor("ana"))

    assert (undone["state"], undone["from"]) == ("doing", "done")
    assert undone["done"] is None and undone["started"] == started
    back = only_file(root, "doing")
    assert "done" not in frontmatter(back)
    assert frontmatter(back)["started"].strftime(STAMP) == started
    assert back.read_bytes() == before_done


def test_repeated_undo_walks_back_to_open_then_has_nothing_left(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Port the board", "--touches", "src/board.py")
    original = Path(task["path"]).read_bytes()
    ok_as("ana", "start", task["id"], cwd=project)
    in_doing = only_file(root, "doing").read_bytes()
    ok_as("ana", "block", task["id"], "--reason", "waits on review", "--waiting-on", "bob", cwd=project)
    in_blocked = only_file(root, "blocked").read_bytes()
    ok_as("ana", "done", task["id"], cwd=project)

    assert ok_as("ana", "undo", cwd=project).endswith(": done -> blocked\n")
    assert only_file(root, "blocked").read_bytes() == in_blocked
    assert ok_as("ana", "undo", cwd=project).endswith(": blocked -> doing\n")
    assert only_file(root, "doing").read_bytes() == in_doing
    assert ok_as("ana", "undo", cwd=project).endswith(": doing -> open\n")
    assert only_file(root, "open").read_bytes() == original
    before = tree_bytes(root)

    assert_user_error(run_as("ana", "undo", cwd=project), "nothing to undo")

    assert tree_bytes(root) == before
    journal = moves(root)
    assert len(journal) == 6
    forward, undos = journal[:3], journal[3:]
    assert all("undoes" not in e for e in forward)
    assert [u["undoes"] for u in undos] == [key_of(e) for e in reversed(forward)]
    assert [(u["from"], u["to"]) for u in undos] == [
        ("done", "blocked"),
        ("blocked", "doing"),
        ("doing", "open"),
    ]


def test_undo_on_a_fresh_board_has_nothing_to_undo(project: Path) -> None:
    root = project / "tasks"
    add(project, "Never moved")
    before = tree_bytes(root)
    line = assert_user_error(run_as("ana", "undo", cwd=project), "nothing to undo")
    assert "ana" in line, line
    assert_user_error(run_as("ana", "undo", "--any", "--json", cwd=project), "nothing to undo")
    assert tree_bytes(root) == before


# --------------------------------------------------------------------------- whose move


def test_undo_reverts_only_your_own_moves_unless_any(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Restyle the navbar")
    original = Path(task["path"]).read_bytes()
    ok_as("ana", "start", task["id"], cwd=project)
    ana_move = moves(root)[-1]
    assert ana_move["by"] == "ana"
    before = tree_bytes(root)

    line = assert_user_error(run_as("bob", "undo", cwd=project), "nothing to undo")
    assert "bob" in line, line
    assert tree_bytes(root) == before, "a refused undo changes nothing"

    out = ok_as("bob", "undo", "--any", cwd=project)

    assert out.endswith('"Restyle the navbar": doing -> open\n'), out
    assert only_file(root, "open").read_bytes() == original
    undo = moves(root)[-1]
    assert undo["by"] == "bob"
    assert undo["undoes"] == key_of(ana_move)
    assert (undo["id"], undo["from"], undo["to"]) == (task["id"], "doing", "open")
    assert undo["file"] == ana_move["file"]
    assert undo["before"]["started"] == ana_move["at"]
    # and now there is nothing left for anyone: ana's move is undone, an undo is never undone
    assert_user_error(run_as("ana", "undo", cwd=project), "nothing to undo")
    assert_user_error(run_as("bob", "undo", "--any", cwd=project), "nothing to undo")


def test_undo_skips_other_actors_moves_to_reach_your_last(project: Path) -> None:
    root = project / "tasks"
    mine = add(project, "Mine")
    theirs = add(project, "Theirs")
    ok_as("ana", "start", mine["id"], cwd=project)
    ok_as("bob", "start", theirs["id"], cwd=project)

    out = ok_as("ana", "undo", cwd=project)

    assert out.endswith('"Mine": doing -> open\n'), out
    assert where_is(root, Path(mine["path"]).name) == ["open"]
    assert where_is(root, Path(theirs["path"]).name) == ["doing"], "bob's later move stays"


# --------------------------------------------------------------------------- the board moved on


def test_undo_refuses_when_another_actor_moved_the_task_since(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Shared work")
    ok_as("ana", "start", task["id"], cwd=project)
    ok_as("bob", "block", task["id"], "--reason", "needs a decision", cwd=project)
    before = tree_bytes(root)

    line = assert_user_error(run_as("ana", "undo", cwd=project), "can't undo", "blocked/")

    assert "nothing was changed" in line, line
    assert tree_bytes(root) == before
    assert ok_as("bob", "undo", cwd=project).endswith(": blocked -> doing\n")
    assert ok_as("ana", "undo", cwd=project).endswith(": doing -> open\n"), "bob's undo cleared the way"


def test_undo_refuses_when_the_task_was_moved_by_hand_since(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Write the changelog")
    ok_as("ana", "start", task["id"], cwd=project)
    name = only_file(root, "doing").name
    os.rename(root / "doing" / name, root / "done" / name)
    before = tree_bytes(root)

    line = assert_user_error(run_as("ana", "undo", cwd=project), "can't undo", "done/")

    assert "nothing was changed" in line, line
    assert tree_bytes(root) == before
    assert where_is(root, name) == ["done"]


def test_undo_refuses_when_the_task_was_deleted_since(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Drop the old API")
    ok_as("ana", "start", task["id"], cwd=project)
    only_file(root, "doing").unlink()
    before = tree_bytes(root)

    line = assert_user_error(run_as("ana", "undo", cwd=project), "can't undo", "no longer on the board")

    assert "nothing was changed" in line, line
    assert tree_bytes(root) == before
    assert all(files == [] for files in task_files(root).values())


def test_undo_refuses_when_the_file_was_renamed_in_place(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Rename me")
    ok_as("ana", "start", task["id"], cwd=project)
    old = only_file(root, "doing")
    os.rename(old, old.with_name(f"{task['id']}-renamed-by-hand.md"))
    before = tree_bytes(root)

    assert_user_error(run_as("ana", "undo", cwd=project), "can't undo", "nothing was changed")

    assert tree_bytes(root) == before


# --------------------------------------------------------------------------- older journals


def test_undo_of_a_move_journalled_without_before_stamps(project: Path) -> None:
    """A journal written before moves kept their `before` stamps: undo falls back, never crashes."""
    root = project / "tasks"
    task = add(project, "Old history")
    original = Path(task["path"]).read_bytes()
    name = Path(task["path"]).name
    # an older pulse (or a hand) moved it to doing/ and journalled the move without `before`
    os.rename(root / "open" / name, root / "doing" / name)
    append_journal_line(
        root,
        {"at": now_stamp(), "op": "move", "id": task["id"], "file": name, "from": "open", "to": "doing",
         "by": "ana"},
    )  # fmt: skip

    undone = pulse_json("undo", cwd=project, env=as_actor("ana"))

    assert (undone["state"], undone["from"]) == ("open", "doing")
    assert (undone["started"], undone["done"], undone["blocked"]) == (None, None, None)
    assert only_file(root, "open").read_bytes() == original
    assert moves(root)[-1]["undoes"] == key_of(moves(root)[-2])


def test_undo_of_an_old_done_move_leaves_a_sensible_doing_task(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Old finish")
    original = Path(task["path"]).read_bytes()
    ok_as("ana", "start", task["id"], cwd=project)
    name = Path(task["path"]).name
    os.rename(root / "doing" / name, root / "done" / name)
    append_journal_line(
        root,
        {"at": now_stamp(), "op": "move", "id": task["id"], "file": name, "from": "doing", "to": "done",
         "by": "ana"},
    )  # fmt: skip

    undone = pulse_json("undo", cwd=project, env=as_actor("ana"))

    assert (undone["state"], undone["from"], undone["error"]) == ("doing", "done", None)
    assert undone["started"] is not None and undone["done"] is None and undone["blocked"] is None
    meta = frontmatter(only_file(root, "doing"))
    assert isinstance(meta["started"], dt.datetime)
    assert "done" not in meta and "blocked" not in meta
    # one more undo reaches the start, which did journal its `before`: back to the original bytes
    ok_as("ana", "undo", cwd=project)
    assert only_file(root, "open").read_bytes() == original


@pytest.mark.parametrize("hand_move", ["doing>done", "doing>blocked", "blocked>doing"])
def test_undo_of_an_older_journal_move_keeps_the_started_stamp_the_file_has(
    project: Path, hand_move: str
) -> None:
    root = project / "tasks"
    task = add(project, "Keep my start")
    started = pulse_json("start", task["id"], cwd=project, env=as_actor("ana"))["started"]
    if hand_move.startswith("blocked"):
        ok_as("ana", "block", task["id"], "--reason", "needs the key", cwd=project)
    from_state, to_state = hand_move.split(">")
    name = Path(task["path"]).name
    time.sleep(1.1)  # the hand move is a later second than the start, as it would be
    os.rename(root / from_state / name, root / to_state / name)
    append_journal_line(
        root,
        {"at": now_stamp(), "op": "move", "id": task["id"], "file": name, "from": from_state,
         "to": to_state, "by": "ana"},
    )  # fmt: skip
    assert frontmatter(root / to_state / name)["started"].strftime(STAMP) == started

    undone = pulse_json("undo", cwd=project, env=as_actor("ana"))

    assert undone["state"] == from_state
    assert undone["started"] == started, "the file said when the work started; undo should keep it"


# --------------------------------------------------------------------------- same second


def test_a_move_redone_in_the_same_second_as_its_undo_is_the_one_undone(
    project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project / "tasks"
    board = Board(root)
    monkeypatch.setenv("PULSE_ACTOR", "test")  # the in-process moves are by the CLI's actor
    t0 = dt.datetime(2026, 11, 22, 9, 0, 0, tzinfo=dt.UTC)
    earlier = create_task(board, "Earlier work", now=t0)
    quick = create_task(board, "Quick fingers", now=t0)
    move_task(board, earlier.id, "doing", now=t0 + dt.timedelta(minutes=1))
    # start, undo, start again, all within one second (the board's `s` `u` `s`, or a script)
    same = t0 + dt.timedelta(minutes=2)
    move_task(board, quick.id, "doing", now=same)
    undo_last(board, now=same)
    move_task(board, quick.id, "doing", now=same)
    assert {e.id for e in board.entries(["doing"])} == {earlier.id, quick.id}

    result = pulse("undo", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["id"] == quick.id, "the newest move is the one undone"
    assert [p.name.split("-")[0] for p in task_files(root)["doing"]] == [earlier.id]


# --------------------------------------------------------------------------- output


def test_undo_json_shape(project: Path) -> None:
    root = project / "tasks"
    task = add(project, "Fix the login loop", "--priority", "critical", "--tag", "auth")
    ok_as("ana", "start", task["id"], cwd=project)

    result = run_as("ana", "undo", "--json", cwd=project)

    assert result.returncode == 0 and result.stderr == "", result.stderr
    assert result.stdout.count("\n") == 1
    undone = json.loads(result.stdout)
    assert set(undone) == STABLE_KEYS | {"from", "warnings", "ready_now", "can_unblock"}
    assert (undone["id"], undone["state"], undone["from"], undone["warnings"]) == (
        task["id"], "open", "doing", [],
    )  # fmt: skip
    assert undone["short"] == task["short"] and undone["title"] == "Fix the login loop"
    assert (undone["priority"], undone["tags"], undone["created"]) == ("critical", ["auth"], task["created"])
    assert undone["started"] is None and undone["done"] is None and undone["blocked"] is None
    assert Path(undone["path"]) == root / "open" / Path(task["path"]).name
    assert Path(undone["path"]).is_file()


def test_undo_back_into_a_full_doing_warns_but_moves(project: Path) -> None:
    root = project / "tasks"
    (root / "pulse.yaml").write_text("wip: {doing: 1, hard: true}\n", encoding="utf-8")
    first = add(project, "First")
    second = add(project, "Second")
    ok_as("ana", "start", first["id"], cwd=project)
    ok_as("ana", "done", first["id"], cwd=project)
    ok_as("bob", "start", second["id"], cwd=project)  # doing/ is full now

    result = run_as("ana", "undo", "--json", cwd=project)

    assert result.returncode == 0, result.stderr
    undone = json.loads(result.stdout)
    assert (undone["id"], undone["state"], undone["from"]) == (first["id"], "doing", "done")
    assert len(undone["warnings"]) == 1 and "over its limit (2/1)" in undone["warnings"][0]
    assert result.stderr.startswith("pulse: warning: ") and result.stderr.count("\n") == 1
    assert len(task_files(root)["doing"]) == 2


# --------------------------------------------------------------------------- races


@pytest.mark.parametrize("workers", [2, 8])
def test_undos_racing_for_the_same_last_move_revert_it_once(
    project: Path, tmp_path: Path, workers: int
) -> None:
    root = project / "tasks"
    task = add(project, "Contended")
    original = Path(task["path"]).read_bytes()
    ok_as("ana", "start", task["id"], cwd=project)

    results = pulse_together(
        "undo", "--json", workers=workers, cwd=project, sync=tmp_path / "sync", env=as_actor("ana")
    )

    winners = [json.loads(out) for rc, out, _ in results if rc == 0]
    assert len(winners) == 1, results
    assert (winners[0]["id"], winners[0]["state"], winners[0]["from"]) == (task["id"], "open", "doing")
    for rc, out, err in results:
        if rc == 0:
            continue
        assert rc == 1 and out == "", (rc, out, err)
        assert err.startswith("pulse: ") and err.count("\n") == 1, err
        assert "Traceback" not in err and "internal error" not in err, err
        assert any(why in err for why in ("nothing to undo", "can't undo", "is gone")), err
    assert_every_task_in_one_folder(root, {task["id"]})
    assert only_file(root, "open").read_bytes() == original
    assert len([e for e in moves(root) if e.get("undoes")]) == 1


def test_two_undos_racing_repeatedly_never_leave_a_task_in_two_folders(project: Path, tmp_path: Path) -> None:
    root = project / "tasks"
    tasks = [add(project, f"Round {n}") for n in range(4)]
    for n, task in enumerate(tasks):
        ok_as("ana", "start", task["id"], cwd=project)
        results = pulse_together(
            "undo", "--json", workers=2, cwd=project, sync=tmp_path / f"sync-{n}", env=as_actor("ana")
        )
        assert [rc for rc, _, _ in results].count(0) == 1, results
        assert_every_task_in_one_folder(root, {t["id"] for t in tasks})
        assert where_is(root, Path(task["path"]).name) == ["open"]
