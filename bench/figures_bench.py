"""Time the incremental figures (core/figures.Figures) on a 100,000-task board against the full pass.

Owns the figures' micro-benchmark: a board made in memory (Task objects and journal events, no
files for the tasks: the parse is not what is timed) in `make_board.py`'s two shapes, `done`
(about 70% done, 20% open, 3 in doing, the rest blocked) and `even` (25% in each state), with
created times over 675 days up to a day before `NOW`, `started`/`done`/`blocked.since` stamps as
make_board writes them (none later than an hour before `NOW`), estimates from its list (a third
of the files with a bare number of minutes) and a journal of every move the stamps tell (a
create, open -> doing, doing -> done for 95% of the done tasks, -> blocked), sorted by time;
every file's ctime (what dates a move nothing else dates) is when the board was written, a day
before `NOW`, or the moment a change below moved it. Rows, per shape:

- **build**: `Figures(tasks, events, file_times=...)` and its first `stats` (every timeline
  worked out).
- **change**: one move (in turn an open task into doing, one in doing to done, one in doing to
  blocked, a blocked one back to doing, with its stamps), `tasks_changed` of it, `add_events` of
  its journal line and `stats(now, 14, ageing=0)`: what the board pays to keep its status line
  current; the clock moves 3 s per change. `--changes` samples (default 200): p50, p95, max.
- **change, every ageing row**: the same with `stats(now, 14)` (the stats screen's rows too).
- **tail**: the journal written to month files in a temp folder, a `JournalTail` of it and
  figures made from what it read; one line appended, then `JournalTail.appended()` (what a
  journal poll pays), against `events()` + `Figures.follow` of the whole list (the old way);
  and a line merged into the middle of the last month (a git merge): `appended()` says None,
  then `follow(events())` and `stats` (3 samples).
- **full pass**: `metrics.compute` with the same file times (board_stats without its read).

The collector stays on, with the built board (and the bench's own copies of it) frozen out of it
(gc.freeze), as in the board app.
The last change's figures are checked against the full pass. Target: change p95 <= 5 ms.

    python bench/figures_bench.py [--size 100000] [--changes 200] [--shapes done even] [--seed 0]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from pulseboard.core.board import Task
from pulseboard.core.config import HeartbeatSettings
from pulseboard.core.figures import Figures
from pulseboard.core.journal import Event, JournalTail, record
from pulseboard.core.metrics import compute
from pulseboard.core.reconcile import Event as Change

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
SPAN_MINUTES = 675 * 24 * 60
DAYS = 14
SETTINGS = HeartbeatSettings()
ESTIMATES = (30, 300, 900, 3600, 5400, 7200, 2700, None, None)  # make_board's "30s" ... "2h", none
UNMOVED_DONE = 0.05  # done tasks whose last move pulse did not make (no journal line)
TARGET_S = 0.005


def stamp(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def plan(n: int, shape: str, rng: random.Random) -> list[str]:
    """Each task's state, in make_board's proportions for the shape."""
    if shape == "even":
        n_done = n_doing = n_open = n // 4
    else:
        n_done, n_doing, n_open = round(n * 0.70), 3, round(n * 0.20)
    states = ["done"] * n_done + ["doing"] * n_doing + ["open"] * n_open
    states += ["blocked"] * (n - len(states))
    rng.shuffle(states)
    return states


def make_board(n: int, shape: str, seed: int) -> tuple[list[Task], list[Event], dict[str, float]]:
    """The tasks, their journal (oldest event first) and their files' ctimes (the same for the
    same n, shape and seed)."""
    rng = random.Random(f"figures:{seed}")
    start = NOW - dt.timedelta(minutes=SPAN_MINUTES + 24 * 60)

    def after(moment: dt.datetime, low: int, high: int) -> dt.datetime:
        """low to high minutes after a moment, but an hour before NOW at the latest."""
        latest = (NOW - moment) // dt.timedelta(minutes=1) - 60
        return moment + dt.timedelta(minutes=rng.randint(min(low, latest), min(high, latest)))

    created = sorted(rng.randrange(SPAN_MINUTES) for _ in range(n))
    tasks: list[Task] = []
    events: list[tuple[dt.datetime, Event]] = []
    for i, (state, minutes) in enumerate(zip(plan(n, shape, rng), created, strict=True)):
        task_id, made = f"t{i:06d}", start + dt.timedelta(minutes=minutes)
        estimate = rng.choice(ESTIMATES) if rng.random() < 2 / 3 else 60 * rng.randint(5, 90)
        started = done = since = None
        if state in ("doing", "done") or (state == "blocked" and rng.random() < 0.5):
            started = after(made, 5, 14 * 24 * 60)
            if state == "done":
                done = after(started, 20, 7 * 24 * 60)
        if state == "blocked" and rng.random() >= 0.15:
            since = max(started or made, after(made, 24 * 60, 30 * 24 * 60))
        blocked = None if state != "blocked" else {"reason": "waiting", "waiting_on": None}
        if blocked is not None and since is not None:
            blocked["since"] = stamp(since)
        stamps = [moment and stamp(moment) for moment in (made, started, done)]
        tasks.append(
            Task(task_id, state, f"{task_id}.md", Path("/b") / state, f"Task {i}", "medium", estimate,
                 (), (), (), *stamps, blocked, (0, 0), None, True)
        )  # fmt: skip
        moves = [(made, "create", None, "open"), (started, "move", "open", "doing")]
        moves += [(since, "move", "doing" if started else "open", "blocked")]
        if done is None or rng.random() >= UNMOVED_DONE:
            moves.append((done, "move", "doing", "done"))
        for at, op, src, dst in moves:
            if at is not None:
                uid = None if op == "create" else f"{task_id}-{dst}"
                event = Event(stamp(at), op, task_id, f"{task_id}.md", src, dst, "bench", uid=uid)
                events.append((at, event))
    events.sort(key=lambda item: item[0])
    written = (NOW - dt.timedelta(days=1)).timestamp()
    return tasks, [event for _, event in events], {task.id: written for task in tasks}


class Mover:
    """Moves in turn: open -> doing, doing -> done, doing -> blocked, blocked -> doing, each with
    its stamps and its journal line, the clock 3 s on each time."""

    STEPS = (("open", "doing"), ("doing", "done"), ("doing", "blocked"), ("blocked", "doing"))

    def __init__(self, tasks: list[Task], file_times: dict[str, float], seed: int) -> None:
        self.file_times = file_times
        self.rng = random.Random(f"moves:{seed}")
        self.by_state: dict[str, list[Task]] = {}
        for task in tasks:
            self.by_state.setdefault(task.state, []).append(task)
        self.now, self.turn = NOW, 0

    def next(self) -> tuple[Change, Event]:
        self.now += dt.timedelta(seconds=3)
        src, dst = self.STEPS[self.turn % len(self.STEPS)]
        self.turn += 1
        pool = self.by_state[src]
        old = pool.pop(self.rng.randrange(len(pool)))
        at = stamp(self.now)
        fields: dict[str, Any] = {"state": dst, "folder": Path("/b") / dst}
        if dst == "doing":
            fields.update(started=at, blocked=None)
        elif dst == "done":
            fields["done"] = at
        else:
            fields["blocked"] = {"reason": "waiting", "waiting_on": None, "since": at}
        new = replace(old, **fields)
        self.by_state.setdefault(dst, []).append(new)
        self.file_times[new.id] = self.now.timestamp()  # a rename changes the file's ctime
        event = Event(at, "move", old.id, old.name, src, dst, "bench", uid=f"m{self.turn}")
        return Change("moved", old, new), event

    def tasks(self) -> list[Task]:
        return [task for pool in self.by_state.values() for task in pool]


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def changes(
    figures: Figures, mover: Mover, journal: list[Event], count: int, ageing: int | None
) -> list[float]:
    """`count` moves, each fed to the figures and followed by the figures' question."""
    samples = []
    for _ in range(count):
        change, event = mover.next()
        journal.append(event)
        started = time.perf_counter()
        figures.tasks_changed([change])
        figures.add_events([event])
        figures.stats(mover.now, DAYS, SETTINGS, ageing=ageing)
        samples.append(time.perf_counter() - started)
    return samples


def tail_rows(
    tasks: list[Task], file_times: dict[str, float], events: list[Event], now: dt.datetime, count: int
) -> tuple[list[float], list[float], list[float]]:
    """The journal written to month files, a tail of it and figures made from what it read; then
    `count` times one line appended and `appended()` (the figures fed with `add_events`), and one
    more and `events()` + `follow()` (the old way); then three times a line merged into the middle
    of the last month (a git merge), `appended()` (None), `follow(events())` and `stats`."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        folder = root / ".pulse" / "journal"
        folder.mkdir(parents=True)
        months: dict[str, list[str]] = {}
        for e in events:
            months.setdefault(e.at[:7], []).append(json_line(e))
        for month, lines in months.items():
            (folder / f"{month}.jsonl").write_text("\n".join(lines) + "\n")
        tail = JournalTail(root)
        figures = Figures(tasks, tail.events(), file_times=file_times)
        figures.stats(now, DAYS, SETTINGS, ageing=0)
        gc.freeze()
        new, old, merged = [], [], []
        for k in range(2 * count):
            at = now + dt.timedelta(seconds=k)
            record(
                root, Event(stamp(at), "move", "t000001", "t000001.md", "open", "doing", "bench", uid=f"x{k}")
            )
            if k % 2:
                old.append(timed(lambda: figures.follow(tail.events()))[0])
                continue
            seconds, added = timed(tail.appended)
            assert added is not None and len(added) == 1, added
            new.append(seconds)
            figures.add_events(added)
        last = folder / f"{max(months)}.jsonl"
        for k in range(3):
            lines = last.read_text().splitlines(keepends=True)
            e = next(e for e in events if e.at[:7] == max(months) and e.op == "move")
            line = json_line(replace(e, uid=f"merged{k}", by="elsewhere")) + "\n"
            middle = len(lines) // 2
            last.write_text("".join([*lines[:middle], line, *lines[middle:]]))
            started = time.perf_counter()
            assert tail.appended() is None
            figures.follow(tail.events())
            figures.stats(now, DAYS, SETTINGS, ageing=0)
            merged.append(time.perf_counter() - started)
        gc.unfreeze()
    return new, old, merged


def json_line(e: Event) -> str:
    line = {"at": e.at, "op": e.op, "id": e.id, "file": e.file, "from": e.from_state, "to": e.to_state,
            "by": e.by, "uid": e.uid}  # fmt: skip
    return json.dumps(line, separators=(",", ":"))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f}"


def spread(samples: list[float]) -> tuple[str, str, str]:
    ordered = sorted(samples)
    p95 = ordered[-(-95 * len(ordered) // 100) - 1]
    return ms(statistics.median(ordered)), ms(p95), ms(ordered[-1])


def run_shape(size: int, shape: str, count: int, seed: int) -> list[tuple[str, tuple[str, str, str]]]:
    tasks, events, file_times = make_board(size, shape, seed)
    mix = {state: sum(t.state == state for t in tasks) for state in ("open", "doing", "done", "blocked")}
    print(f"{shape}: {size:,} tasks {mix}, {len(events):,} journal lines", flush=True)
    build_s, figures = timed(lambda: Figures(tasks, events, file_times=file_times))
    first_s, _ = timed(lambda: figures.stats(NOW, DAYS, SETTINGS, ageing=0))
    mover, journal = Mover(tasks, file_times, seed), list(events)
    gc.freeze()
    quick = changes(figures, mover, journal, count, ageing=0)
    every = changes(figures, mover, journal, max(count // 4, 10), ageing=None)
    board = mover.tasks()
    full_s, full = timed(
        lambda: compute(board, journal, mover.now, days=DAYS, settings=SETTINGS, file_times=file_times)
    )
    if figures.stats(mover.now, DAYS, SETTINGS) != full:
        raise SystemExit(f"{shape}: the figures differ from the full pass")
    gc.unfreeze()
    appended, whole, merged = tail_rows(board, file_times, journal, mover.now, min(count, 50))
    one = (ms(build_s + first_s), "", "")
    return [
        ("build: Figures(...) + first stats", one),
        ("change: move + add_events + stats(ageing=0)", spread(quick)),
        ("change: move + add_events + stats() (every ageing row)", spread(every)),
        ("tail: +1 line, appended()", spread(appended)),
        ("tail: +1 line, events() + follow() (the old way)", spread(whole)),
        ("tail: a merge mid-month, appended() None, follow(events()) + stats", spread(merged)),
        ("full pass: compute", (ms(full_s), "", "")),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--shapes", nargs="+", choices=("done", "even"), default=["done", "even"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    table: dict[str, dict[str, tuple[str, str, str]]] = {}
    for shape in args.shapes:
        for what, figures in run_shape(args.size, shape, args.changes, args.seed):
            table.setdefault(what, {})[shape] = figures
    head = " | ".join(f"{shape} p50 | p95 | max (ms)" for shape in args.shapes)
    print(f"\n| at {args.size:,} tasks | {head} |")
    print("|---|" + "---|---|---|" * len(args.shapes))
    for what, by_shape in table.items():
        print(f"| {what} | " + " | ".join(" | ".join(by_shape[s]) for s in args.shapes) + " |")
    print(f"\ntarget: change p95 <= {ms(TARGET_S)} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
