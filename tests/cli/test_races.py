"""Races and crashes with real processes: concurrent creators, two movers of one task, kill -9 mid-batch.

The worker processes run the real CLI entry point (`pulseboard.cli.main.main`) or the core
actions after a file barrier, so they really do hit the board at the same instant; paying a
fresh interpreter start for every single command would spread them out and slow the suite.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support.helpers import (
    all_task_paths,
    clean_env,
    journal_events,
    leftover_temp_files,
    places_by_id,
    pulse,
    pulse_json,
    where_is,
)

from pulseboard.core.actions import create_task
from pulseboard.core.board import Board
from pulseboard.core.taskfile import read_task_file

pytestmark = pytest.mark.timeout(60)

BARRIER_TIMEOUT_S = 20


def wait_for(paths: list[Path], procs: list[subprocess.Popen[str]]) -> None:
    """Wait until every path exists; fail at once if a worker died first."""
    deadline = time.monotonic() + BARRIER_TIMEOUT_S
    while not all(p.exists() for p in paths):
        for proc in procs:
            if proc.poll() is not None:
                _, err = proc.communicate()
                raise AssertionError(f"worker exited early with {proc.returncode}: {err}")
        assert time.monotonic() < deadline, f"workers never reached the barrier: {paths}"
        time.sleep(0.002)


def spawn(script: str, *args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", script, *args],
        cwd=cwd,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def reap(proc: subprocess.Popen[str]) -> tuple[str, str]:
    try:
        return proc.communicate(timeout=BARRIER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        raise


# --------------------------------------------------------------------------- concurrent creation

ADD_WORKER = """
import sys, time
from pathlib import Path
from pulseboard.cli.main import main
ready, start, count, title = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
ready.touch()
deadline = time.monotonic() + 20
while not start.exists():
    if time.monotonic() > deadline:
        sys.exit(99)
    time.sleep(0.0005)
codes = [main(["add", title]) for _ in range(count)]
sys.exit(max(codes))
"""


def test_eight_processes_adding_the_same_title_at_once(project: Path, tmp_path: Path) -> None:
    workers, per_worker, title = 8, 25, "Same title for everyone"
    sync = tmp_path / "sync"
    sync.mkdir()
    start = sync / "start"
    readies = [sync / f"ready-{n}" for n in range(workers)]
    procs = [spawn(ADD_WORKER, str(r), str(start), str(per_worker), title, cwd=project) for r in readies]
    try:
        wait_for(readies, procs)
        start.touch()
        outputs = [reap(p) for p in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
    root = project / "tasks"
    printed: list[Path] = []
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert err == ""
        lines = out.splitlines()
        assert len(lines) == per_worker
        printed += [Path(line.split("  ", 1)[1]) for line in lines]

    total = workers * per_worker
    files = all_task_paths(root)
    assert len(files) == total
    assert all(p.parent == root / "open" for p in files)
    assert sorted(printed) == sorted(files), "each add printed the file it made"
    places = places_by_id(root)
    assert len(places) == total, "200 distinct ids"
    assert all(len(keys) == 1 for keys in places.values())
    for path in files:
        assert path.name.endswith("-same-title-for-everyone.md")
        record = read_task_file(path, root, "?")
        assert record["error"] is None and record["title"] == title

    creates = [e for e in journal_events(root) if e["op"] == "create"]
    assert len(creates) == total
    assert {e["id"] for e in creates} == set(places)
    assert {e["file"] for e in creates} == {p.name for p in files}
    assert leftover_temp_files(root) == []

    listing = pulse_json("ls", cwd=project)
    assert len({t["id"] for t in listing}) == total
    assert len({t["short"] for t in listing}) == total, "short ids stay unique"
    assert pulse_json("doctor", cwd=project) == []


# --------------------------------------------------------------------------- two movers, one task

MOVE_WORKER = """
import contextlib, io, json, sys, time
from pathlib import Path
from pulseboard.cli.main import main
sync, me = Path(sys.argv[1]), sys.argv[2]
plan = json.loads((sync / f"plan-{me}.json").read_text())
for n, argv in enumerate(plan):
    (sync / f"ready-{me}-{n}").touch()
    go = sync / f"go-{n}"
    deadline = time.monotonic() + 20
    while not go.exists():
        if time.monotonic() > deadline:
            sys.exit(99)
        time.sleep(0.0002)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        rc = main(argv)
    result = json.dumps({"rc": rc, "stdout": out.getvalue(), "stderr": err.getvalue()})
    tmp = sync / f".result-{me}-{n}"
    tmp.write_text(result)
    tmp.rename(sync / f"result-{me}-{n}")
"""

# (target of worker a, target of worker b), cycled over the rounds
PAIRS = [("doing", "done"), ("doing", "doing"), ("done", "blocked"), ("done", "done"), ("blocked", "blocked")]


def mv_argv(task_id: str, state: str) -> list[str]:
    return ["mv", task_id, state, *(["--reason", "race"] if state == "blocked" else [])]


def assert_one_sentence_error(result: dict, context: str) -> None:
    assert result["rc"] == 1, context
    assert result["stdout"] == "", context
    err = result["stderr"]
    assert err.count("\n") == 1 and err.startswith("pulse: "), context
    assert "Traceback" not in err and "internal error" not in err, context


def test_two_processes_moving_the_same_task(project: Path, tmp_path: Path) -> None:
    rounds = 30
    root = project / "tasks"
    board = Board(root)
    tasks = [create_task(board, f"Contested {n}") for n in range(rounds)]
    pairs = [PAIRS[n % len(PAIRS)] for n in range(rounds)]
    sync = tmp_path / "sync"
    sync.mkdir()
    for me, side in (("a", 0), ("b", 1)):
        plan = [mv_argv(task.id, pair[side]) for task, pair in zip(tasks, pairs, strict=True)]
        (sync / f"plan-{me}.json").write_text(json.dumps(plan))
    procs = [spawn(MOVE_WORKER, str(sync), me, cwd=project) for me in ("a", "b")]
    try:
        for n in range(rounds):
            wait_for([sync / f"ready-a-{n}", sync / f"ready-b-{n}"], procs)
            (sync / f"go-{n}").touch()
            wait_for([sync / f"result-a-{n}", sync / f"result-b-{n}"], procs)
        for proc in procs:
            _, err = reap(proc)
            assert proc.returncode == 0, err
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()

    moves_by_id: dict[str, list[tuple[str, str]]] = {}
    for event in journal_events(root):
        if event["op"] == "move":
            moves_by_id.setdefault(event["id"], []).append((event["from"], event["to"]))
    contested = 0
    for n, (task, (to_a, to_b)) in enumerate(zip(tasks, pairs, strict=True)):
        results = [json.loads((sync / f"result-{me}-{n}").read_text()) for me in ("a", "b")]
        context = f"round {n} ({to_a} vs {to_b}): {results}"
        places = where_is(root, task.name)
        assert len(places) == 1, f"the file must be in exactly one folder, is in {places}; {context}"
        final = places[0]
        winners = [to for to, r in zip((to_a, to_b), results, strict=True) if r["rc"] == 0]
        for result in results:
            if result["rc"] == 0:
                lines = result["stderr"].splitlines()
                assert all(line.startswith("pulse: warning: ") for line in lines), context
                assert "->" in result["stdout"], context
            else:
                assert_one_sentence_error(result, context)
        moves = moves_by_id.get(task.id, [])
        assert len(moves) == len(winners), f"one journal line per successful move; {moves}; {context}"
        if to_a == to_b:
            assert [r["rc"] for r in results].count(0) == 1, f"exactly one mover wins; {context}"
            assert final == to_a, context
            assert moves == [("open", to_a)], context
        elif len(winners) == 1:
            assert final == winners[0], context
            assert moves == [("open", winners[0])], context
        else:
            # Both may succeed one after the other (open -> x, then x -> y): a legal sequence,
            # never two copies.
            assert len(winners) == 2, context
            assert sorted(moves) == sorted([("open", moves[0][1]), (moves[0][1], final)]) or sorted(
                moves
            ) == sorted([("open", moves[1][1]), (moves[1][1], final)]), context
        contested += len(winners) == 1
        record = read_task_file(root / final / task.name, root, "?")
        assert record["error"] is None and record["title"] == task.title, context
    assert contested >= rounds // 2, "most rounds were real races with one loser"
    assert not any(len(keys) > 1 for keys in places_by_id(root).values())
    assert leftover_temp_files(root) == []


# --------------------------------------------------------------------------- kill -9 mid-batch

MOVER = """
import sys
from pathlib import Path
from pulseboard.core.actions import move_task
from pulseboard.core.board import STATES, Board
root, ready, task_ids = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:]
board = Board(root)
ready.touch()
while True:
    for task_id in task_ids:
        entry = board.find(task_id)
        target = STATES[(STATES.index(entry.state) + 1) % len(STATES)]
        move_task(board, task_id, target, reason="kill test", waiting_on="nobody", force=True)
"""


def test_kill_9_during_a_batch_of_moves_never_loses_or_doubles_a_task(project: Path, tmp_path: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    tasks = [create_task(board, f"Crash-proof {n}", tags=["kill"], body=f"Body {n}\n") for n in range(50)]
    originals = {t.id: t.path.read_bytes() for t in tasks}
    titles = {t.id: t.title for t in tasks}
    bodies = {t.id: f"Body {n}\n" for n, t in enumerate(tasks)}
    seed = random.randrange(1 << 30)
    rng = random.Random(seed)
    moves_seen = 0
    for round_no in range(8):
        ready = tmp_path / f"mover-ready-{round_no}"
        proc = spawn(MOVER, str(root), str(ready), *(t.id for t in tasks), cwd=project)
        try:
            wait_for([ready], [proc])
            time.sleep(rng.uniform(0.05, 0.4))
            assert proc.poll() is None, f"the mover died on its own: {proc.communicate()[1]}"
            os.kill(proc.pid, signal.SIGKILL)
            _, err = proc.communicate(timeout=BARRIER_TIMEOUT_S)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        context = f"seed {seed}, round {round_no}"
        assert proc.returncode == -signal.SIGKILL, f"{context}: {err}"

        places = places_by_id(root)
        assert set(places) == set(originals), f"{context}: tasks lost or invented"
        doubled = {i: keys for i, keys in places.items() if len(keys) != 1}
        assert doubled == {}, f"{context}: a task is in more than one folder"
        for task_id, (key,) in places.items():
            path = root / key
            record = read_task_file(path, root, "?")
            assert record["error"] is None or path.read_bytes() == originals[task_id], f"{context}: {key}"
            assert record["title"] == titles[task_id] and record["tags"] == ["kill"], f"{context}: {key}"
            body = path.read_text(encoding="utf-8").split("---\n", 2)[2]
            assert body == bodies[task_id], f"{context}: {key} lost its body"

        result = pulse("doctor", "--json", cwd=project)
        problems = json.loads(result.stdout)
        assert [p for p in problems if p["kind"] in ("duplicate", "broken")] == [], f"{context}: {problems}"
        moves_seen = sum(1 for e in journal_events_tolerant(root) if e.get("op") == "move")
    assert moves_seen >= 50, f"the mover barely ran ({moves_seen} moves); the test proved little"
    assert len(all_task_paths(root)) == 50


def journal_events_tolerant(root: Path) -> list[dict]:
    """Journal lines, skipping a line torn by the kill (the journal's readers do the same)."""
    events = []
    for path in sorted((root / ".pulse" / "journal").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                events.append(json.loads(line))
            except ValueError:
                continue
    return events
