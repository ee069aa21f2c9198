"""Two clones that make the same move converge: `pulse sync` settles a task file both sides wrote
with their own stamps (issue 11, item 12).

Real git throughout, with a bare remote and clones under tmp_path (the sandbox of test_git.py: the
user's git configuration shut out, no network). The first test is the user's story through the
CLI; the others make their moves in this process (the same code the CLI calls) so that each clone
can have its own clock without sleeping.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from support.helpers import assert_user_error, describe_run, journal_events, ok, places_by_id
from test_git import Sandbox, board_bytes, in_rebase, no_conflict_markers, sandbox, seeded_remote, set_git

from pulseboard.core import actions, doctor
from pulseboard.core.board import STATES, Board
from pulseboard.core.fields import STAMP_KEYS
from pulseboard.core.ids import id_from_stem
from pulseboard.services import git, git_sync

__all__ = ["sandbox"]  # the fixture, used by name

pytestmark = pytest.mark.timeout(60)

BODY = "Why it matters.\n\n- [ ] it works\n"
T0 = dt.datetime(2026, 11, 22, 9, 0, 0, tzinfo=dt.UTC)
FOLDER_STAMP = {"doing": "started", "done": "done", "blocked": "blocked"}


def test_the_same_move_on_two_clones_a_second_apart_converges(sandbox: Sandbox) -> None:
    remote, (name,) = seeded_remote(sandbox, ["Shared task"], commit=True, push=False, body=BODY)
    a = sandbox.clone(remote, "a")
    b = sandbox.clone(remote, "b")
    short = name[:4]
    task_id = id_from_stem(name[:-3])

    sandbox.pulse_ok(a, "done", short)
    time.sleep(1.1)  # the stamps differ by a second: each clone writes its own `done:`
    sandbox.pulse_ok(b, "done", short)
    a_done = folder_stamp(a / "tasks" / "done" / name)
    b_done = folder_stamp(b / "tasks" / "done" / name)
    assert a_done and b_done and a_done < b_done
    a_copy = (a / "tasks" / "done" / name).read_bytes()

    sandbox.pulse_ok(a, "sync")
    result = ok(sandbox.pulse(b, "sync"))  # before: "pulling stopped: both sides changed tasks/done/..."
    assert result.stderr == "", describe_run(result)
    assert f"tasks/done/{name}" in result.stdout and "earlier" in result.stdout, result.stdout
    assert result.stdout.splitlines()[-1] == "Pushed.", result.stdout
    assert not in_rebase(sandbox, b)
    assert sandbox.status(b) == []
    sandbox.pulse_ok(a, "sync")

    assert sandbox.head(a) == sandbox.head(b) == sandbox.git(remote, "rev-parse", "main")
    assert board_bytes(a) == board_bytes(b)
    for repo in (a, b):
        assert places_by_id(repo / "tasks") == {task_id: [f"done/{name}"]}
        no_conflict_markers(repo)
        assert sandbox.status(repo) == []
    # the rule: the earlier finish is kept, exactly as A wrote it; B's stamp is in the journal
    assert (b / "tasks" / "done" / name).read_bytes() == a_copy
    events = journal_events(a / "tasks")
    moves = [e for e in events if e["op"] == "move" and e["id"] == task_id]
    assert sorted((m["from"], m["to"], m["at"]) for m in moves) == [
        ("open", "done", a_done),
        ("open", "done", b_done),
    ]
    (settle,) = [e for e in events if e["op"] == "settle"]
    assert (settle["id"], settle["file"], settle["from"], settle["to"]) == (task_id, name, "done", "done")
    assert settle["before"]["done"] == b_done  # the stamps of the version set aside
    b_move = next(m for m in moves if m["at"] == b_done)
    assert settle["undoes"] == b_move["uid"]  # so the figures count one finish, A's
    # readers take the new line in their stride
    doctor_run = sandbox.pulse(a, "doctor")
    assert doctor_run.returncode == 0, describe_run(doctor_run)
    stats = json.loads(sandbox.pulse_ok(a, "stats", "--json"))
    (created,) = [e["at"] for e in events if e["op"] == "create"]
    assert stats["done_today"] == 1 and stats["lead"]["median_s"] == seconds(a_done) - seconds(created), stats
    assert sandbox.pulse_ok(b, "undo").startswith(f'undone: {short} "Shared task": done -> open')


# --------------------------------------------------------------------------- in this process


class Clones:
    """Clones of one remote, worked on in this process with the sandbox's git environment."""

    def __init__(self, sb: Sandbox, remote: Path, names: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
        self.sb, self.remote, self.monkeypatch = sb, remote, monkeypatch
        self.repos = {who: sb.clone(remote, who) for who in ("alice", "bob")}
        self.ids = [id_from_stem(name[:-3]) for name in names]

    def board(self, who: str) -> Board:
        self.monkeypatch.setenv("PULSE_ACTOR", who)
        return Board(self.repos[who] / "tasks")

    def move(self, who: str, number: int, to: str, moment: dt.datetime) -> None:
        board = self.board(who)
        result = actions.move_task(
            board, self.ids[number], to, now=moment, force=True, reason=f"{who} waits", waiting_on=who
        )
        assert not result.warnings, result.warnings
        assert git.commit_move(board, result) is None

    def where(self, who: str, number: int) -> Path:
        (path,) = [e.path for e in self.board(who).entries() if e.id == self.ids[number]]
        return path


@pytest.fixture
def clones(sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch) -> Callable[[int], Clones]:
    """make(n): a remote with a board of n tasks (git.commit true) and two clones, alice and bob."""
    for key in set(os.environ) - set(sandbox.env):
        monkeypatch.delenv(key)
    for key, value in sandbox.env.items():
        monkeypatch.setenv(key, value)

    def make(count: int) -> Clones:
        remote = sandbox.bare()
        seed = sandbox.clone(remote, "seed")
        actions.init_board(seed / "tasks")
        board = Board(seed / "tasks")
        names = [actions.create_task(board, f"Task {n}", body=BODY, now=T0).path.name for n in range(count)]
        set_git(seed, commit=True, push=False)
        sandbox.git(seed, "add", "--all")
        sandbox.git(seed, "commit", "--quiet", "-m", "a shared board")
        sandbox.git(seed, "push", "--quiet", "origin", "main")
        return Clones(sandbox, remote, names, monkeypatch)

    return make


def seconds(stamp: str) -> float:
    return dt.datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


def folder_stamp(path: Path) -> str | None:
    """The stamp of a task file for the folder it is in (started in doing/, done in done/...)."""
    board = Board(path.parent.parent)
    task = board.load(next(e for e in board.entries([path.parent.name]) if e.name == path.name))
    return {"doing": task.started, "done": task.done, "blocked": (task.blocked or {}).get("since")}.get(
        task.state
    )


def test_a_real_edit_next_to_the_stamps_still_stops_sync(
    sandbox: Sandbox, clones: Callable[[int], Clones]
) -> None:
    """Both moved the task to done/ and bob also changed its title in that commit: the two files
    differ in more than stamps, so pulse does not guess and says which file."""
    c = clones(1)
    a, b = c.repos["alice"], c.repos["bob"]
    c.move("alice", 0, "done", T0)
    c.move("bob", 0, "done", T0 + dt.timedelta(seconds=5))
    path = c.where("bob", 0)
    path.write_text(path.read_text(encoding="utf-8").replace("Task 0", "Task 0, by bob"), encoding="utf-8")
    sandbox.git(b, "commit", "--quiet", "--amend", "--no-edit", "-a")  # the same commit as the move
    git_sync.sync(c.board("alice"))
    head = sandbox.head(b)
    rel = path.relative_to(b).as_posix()
    assert_user_error(sandbox.pulse(b, "sync"), rel, "nothing was pulled")
    assert not in_rebase(sandbox, b)
    assert sandbox.head(b) == head
    assert sandbox.status(b) == []
    no_conflict_markers(b)
    assert not [e for e in journal_events(b / "tasks") if e["op"] == "settle"]
    assert sandbox.head(a) == sandbox.git(c.remote, "rev-parse", "main")


# Each round, what each clone does before they sync: (task number, folder wanted) moves, in order.
# Same task, same folder: the settle; same task, different folders: two copies for doctor --fix; a
# move the other side follows with a second move: a replayed commit on top of a settled one; a
# task reopened and finished again on both sides: the same file changed in place, stamps only.
ROUNDS: list[tuple[list[tuple[int, str]], list[tuple[int, str]]]] = [
    ([(0, "done")], [(0, "done")]),
    ([(0, "doing"), (1, "doing")], [(0, "doing"), (2, "blocked")]),
    ([(1, "done")], [(1, "blocked")]),
    ([(2, "done"), (0, "blocked")], [(2, "done"), (0, "blocked")]),
    ([(1, "doing"), (1, "done")], [(1, "done"), (0, "open")]),
    ([(0, "doing"), (2, "open"), (2, "done")], [(0, "doing"), (2, "open"), (2, "done")]),
]


def test_two_clones_racing_for_six_rounds_converge(sandbox: Sandbox, clones: Callable[[int], Clones]) -> None:
    """Both clones move the same tasks, to the same or to different folders, each with its own
    clock, and sync in turn. After every round both clones and the remote hold the same board, each
    task in exactly one folder with stamps that fit it; where both made the same move, the earlier
    stamp is kept whoever synced first. (Where both moved a task twice, the rebase replays the later
    syncer's second move on top of the settled first one: its stamp stands.)"""
    c = clones(3)
    made_moves, settles = 0, 0
    for round_number, plans in enumerate(ROUNDS):
        first = round_number % 2  # who syncs first takes turns...
        earlier = round_number // 2 % 2  # ...and so, out of step, does who moves first
        finals: dict[int, list[tuple[str, str | None]]] = {}
        for side, (who, plan) in enumerate(zip(c.repos, plans, strict=True)):
            for step, (number, wanted) in enumerate(plan):
                state = c.where(who, number).parent.name
                to = wanted if wanted != state else STATES[(STATES.index(state) + 1) % len(STATES)]
                late = dt.timedelta(minutes=10 * round_number, seconds=10 * step + 3 * (side != earlier))
                c.move(who, number, to, T0 + late)
                made_moves += 1
            for number in {number for number, _ in plan}:
                path = c.where(who, number)
                once = [n for n, _ in plan].count(number) == 1
                finals.setdefault(number, []).append((path.parent.name, folder_stamp(path) if once else None))
        order = list(c.repos) if first == 0 else list(reversed(c.repos))
        for who in (*order, order[0]):
            said = git_sync.sync(c.board(who))
            assert said[-1] == "Pushed.", said
            settles += sum("its own stamps" in line for line in said)
        if any(len(places) > 1 for places in places_by_id(c.repos[order[0]] / "tasks").values()):
            board = c.board(order[0])
            _, set_aside = doctor.fix_copies(board, lambda copies: copies[-1])
            assert git.commit(board, set_aside, "pulse: doctor --fix") is None
            for who in order:
                git_sync.sync(c.board(who))
        assert_converged(sandbox, c, made_moves)
        for number, ends in finals.items():
            if len(ends) == 2 and ends[0][0] == ends[1][0] and None not in (ends[0][1], ends[1][1]):
                kept = folder_stamp(c.where("alice", number))
                assert kept == min(ends[0][1], ends[1][1]), (round_number, number, ends, kept)  # type: ignore[type-var]
    assert settles >= 4, settles
    # each settle line keeps the set-aside stamps and names the move that wrote them
    events = journal_events(c.repos["alice"] / "tasks")
    uids = {e["uid"]: e for e in events if e["op"] == "move"}
    settled = [e for e in events if e["op"] == "settle"]
    assert len(settled) >= settles, settled
    for line in settled:
        assert set(line["before"]) == set(STAMP_KEYS) and line["undoes"] in uids, line
        assert uids[line["undoes"]]["id"] == line["id"], line


def assert_converged(sb: Sandbox, c: Clones, made_moves: int) -> None:
    a, b = c.repos["alice"], c.repos["bob"]
    assert sb.head(a) == sb.head(b) == sb.git(c.remote, "rev-parse", "main")
    assert shared_bytes(a) == shared_bytes(b)
    for repo in (a, b):
        assert not in_rebase(sb, repo)
        assert sb.status(repo) == []
        no_conflict_markers(repo)
    places = places_by_id(a / "tasks")
    assert sorted(places) == sorted(c.ids) and all(len(p) == 1 for p in places.values()), places
    for number in range(len(c.ids)):
        path = c.where("alice", number)
        task = c.board("alice").load(next(e for e in c.board("alice").entries() if e.id == c.ids[number]))
        assert task.title == f"Task {number}", (path, task.title)  # no task took another's text
        stamped = {key for key in STAMP_KEYS if getattr(task, key)}
        wanted = FOLDER_STAMP.get(path.parent.name)
        assert (wanted is None or wanted in stamped) and stamped & {"done", "blocked"} <= {wanted}, (
            path,
            stamped,
        )
    moves = [e["uid"] for e in journal_events(a / "tasks") if e["op"] == "move"]
    assert len(moves) == len(set(moves)) == made_moves  # every move of both clones, each once


def shared_bytes(repo: Path) -> dict[str, bytes]:
    """The board's files that git carries (not the local cache, nor the trash doctor --fix fills)."""
    return {name: data for name, data in board_bytes(repo).items() if not name.startswith(".pulse/trash/")}
