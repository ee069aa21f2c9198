"""Time the board figures (issue 6): `pulse stats`, their parts in-process, and the board's stats screen.

Per board size: a `make_board.py` board (shared with the other benchmarks through `--keep DIR`),
then a stats copy of it (`DIR/stats-N`, kept too; without `--keep` the scratch board is used in
place) with a journal: the generated boards have none (only the few lines other benchmarks left),
so every run writes one from the tasks' own stamps, as pulse would have written it had it made
every move (`write_journal`): a `create` at each task's `created`, `open -> doing` at `started`,
`doing -> done` at `done` and `-> blocked` at `blocked.since`, one JSON line each in monthly
`YYYY-MM.jsonl` files sorted by time. About 5% of done tasks get no `done` move (moved outside
pulse), and files with no `created` stamp (hand-made, broken) get no `create`.

Rows:

- **`stats --json`**: `python -m pulseboard --board DIR stats --json`, warm parse cache, `--repeat`
  runs (default 5), as `cli_bench.py` runs commands (bytecode, PULSE_ACTOR=bench); peak RSS from one
  more run under GNU time.
- **in-process**, on tasks loaded beforehand with `Board(root).tasks()`, the collector on and the
  loaded board frozen out of it (as the board app's beat thread runs them), `--inproc` samples
  (default 5): `board_stats(board, now, 14, tasks)` (reads the whole journal), `read_events` alone
  (`list(read_events(root))`), `compute(...)` alone (on those events, with the file times
  `board_stats` passes), and `JournalTail(root).events()`: a first call on a new tail, then a second
  after one more line was appended (what each beat of the board pays). `board_stats` with the
  collector off (as in the CLI) is a row too. The incremental figures (core/figures.py): a new
  `Figures` on the tasks and the tail's events and its first `stats` (every timeline worked out),
  then one move (an open task into doing, with its journal line) fed to it and the figures asked
  for again (`tasks_changed`, `follow` with the tail's events, `stats`: what a board holding one
  `Figures` would pay after a move, besides the tail's own row); the first sample also checks
  these figures against `compute`'s.
- **the board** in a real terminal (common.py's private tmux server, as tui_bench.py, 160x48, control-mode
  screen reads polled every millisecond): from just before `tmux new-session` to the first capture
  showing the loaded board (every column title with its true count, the key bar, no `Loading…`),
  the heartbeat pane's first beat (`♥ heartbeat  last beat`) and the status line (`done today N`:
  the figures come with the first beat, after the suggestions); then, once all three show and
  0.3 s has passed, from `send-keys v` to the first capture showing the stats screen's figures,
  and to the first showing all three charts drawn (each title, and the bars of the done-per-day
  and flow charts). A fresh app per sample, after one untimed run; `--tui` samples (default 5; 3
  above 10,000 tasks). The app's VmHWM and VmRSS are read after the stats screen showed.

Medians go to stdout as a Markdown table and, merged by size, to `bench/out/stats_<date>.json` with
every sample, the journal's and the figures' mix and the stats screen as last seen. Linux only.

    python bench/stats_bench.py --sizes 10000 100000 [--repeat 5] [--inproc 5] [--tui N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import os
import pstats
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from common import (
    HEIGHT,
    PULSE,
    WIDTH,
    AppSession,
    BenchError,
    Runner,
    SampleFailed,
    Timings,
    Tmux,
    bench_env,
    bench_parser,
    board_shown,
    copy_board,
    disk_counts,
    fmt_seconds,
    headline,
    judge,
    print_failure,
    require_tmux,
    results_path,
    rounded,
    run_record,
    write_results,
)

from pulseboard.core.board import Board, Task
from pulseboard.core.fields import format_time
from pulseboard.core.figures import Figures
from pulseboard.core.journal import JournalTail, ensure_pulse_dir, read_events
from pulseboard.core.metrics import Stats, compute
from pulseboard.core.progress import FileTimes, board_stats
from pulseboard.core.reconcile import Event as Change

DAYS = 14  # the board app's window (tui/app.py STATS_DAYS), and `pulse stats`'s default
UNMOVED_DONE = 0.05  # share of done tasks left without their `done` move: moved outside pulse
ACTORS = ("ana", "bo", "chen", "dara", "eli", "farah", "agent-1", "agent-2")  # make_board's owners
SETTLE = 0.3  # pause after the board and status line show, before `v`
TIMEOUT = 60.0  # seconds before a screen sample counts as a failure
CLI_BUDGETS = {10_000: 0.30}  # `pulse stats` like `pulse next`, DESIGN.md
SCREEN_BUDGETS = {10_000: 0.8, 100_000: 3.0}  # the board budgets: painted at 10,000, usable at 100,000
RSS_BUDGETS_MB = {100_000: 400}  # the board app's memory (tui_bench)
STATUS = re.compile(r"done today \d+ · velocity")
BEAT_MARK = "♥ heartbeat  last beat"  # the heartbeat pane after its first beat (tui/heartbeat.py)
CHART_TITLES = ("Done per day", "Cycle time (minutes)", "Work by state at the end of each day")
FIGURES_MARK = "cycle time      median"  # the stats screen's figures (core/report.stats_text)
BAR_CHARS = "█▇▆▅▄▃▂▁▌▐"


@dataclass
class Row(Timings):
    """One measurement at one board size: samples in seconds, failures, and a budget if it has one."""

    size: int
    what: str
    seconds: list[float] = field(default_factory=list)
    budget: float | None = None
    failures: list[dict[str, Any]] = field(default_factory=list)
    rss_kb: int | None = None

    def verdict(self) -> str | None:
        return judge(self.median, self.budget, bool(self.failures))

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "median_s": rounded(self.median),
            "min_s": rounded(self.best),
            "max_s": rounded(self.worst),
            "budget_s": self.budget,
            "verdict": self.verdict(),
            "peak_rss_mb": None if self.rss_kb is None else round(self.rss_kb / 1024, 1),
            "samples_s": [round(s, 5) for s in self.seconds],
            "failures": self.failures,
        }


# -- the board and its journal ----------------------------------------------------------------------


def _moment(stamp: object) -> dt.datetime | None:
    """A stamp as pulse reads it (no zone: UTC; a bare date: its midnight), or None."""
    if not isinstance(stamp, str):
        return None
    try:
        moment = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _line(at: dt.datetime, op: str, task: Task, src: str | None, dst: str, by: str, **extra: Any) -> str:
    fields = {"at": format_time(at), "op": op, "id": task.id, "file": task.name, "from": src, "to": dst}
    fields["by"] = by
    fields.update(extra)
    return json.dumps(fields, ensure_ascii=False, separators=(",", ":"))


def _uid(rng: random.Random) -> str:
    """A move's own name, as `journal.new_event` gives one (12 hex digits), from the seeded generator."""
    return f"{rng.getrandbits(48):012x}"


def task_events(task: Task, rng: random.Random, mix: Counter[str]) -> Iterator[tuple[dt.datetime, str]]:
    """The journal lines pulse would have written for a task, had it made every move (with the
    `before` stamps and the `uid` its moves record), except the `done` move for ~5% of done tasks."""
    by = rng.choice(ACTORS)
    nothing = {"started": None, "done": None, "blocked": None}
    created, started, done = _moment(task.created), _moment(task.started), _moment(task.done)
    since = _moment(task.blocked.get("since")) if isinstance(task.blocked, dict) else None
    if created is not None:
        yield created, _line(created, "create", task, None, "open", by)
        mix["create"] += 1
    else:
        mix["no create (no created stamp)"] += 1
    if task.state == "open":
        return
    doing = False  # pulse moved it into doing/ (a blocked task: before it was blocked)
    if started is not None and (task.state != "blocked" or (since is not None and started <= since)):
        doing = True
        yield started, _line(started, "move", task, "open", "doing", by, before=nothing, uid=_uid(rng))
        mix["open -> doing"] += 1
    elif started is not None and task.state == "blocked":
        mix["blocked before its started stamp: no doing move"] += 1
    if task.state == "done":
        if done is None:
            mix["done without a done stamp"] += 1
        elif rng.random() < UNMOVED_DONE:
            mix["done move left out"] += 1
        else:
            before = dict(nothing, started=task.started)
            src = "doing" if doing else "open"
            yield done, _line(done, "move", task, src, "done", by, before=before, uid=_uid(rng))
            mix["-> done"] += 1
    elif task.state == "blocked":
        if since is None:
            mix["blocked without since"] += 1
        else:
            before = dict(nothing, started=task.started if doing else None)
            src = "doing" if doing else "open"
            yield since, _line(since, "move", task, src, "blocked", by, before=before, uid=_uid(rng))
            mix["-> blocked"] += 1


def write_journal(root: Path, tasks: list[Task], seed: int) -> dict[str, Any]:
    """The board's journal, written afresh (the same bytes for the same board and seed)."""
    rng = random.Random(f"stats-bench:{seed}")
    mix: Counter[str] = Counter()
    lines: list[tuple[dt.datetime, str]] = []
    for task in sorted(tasks, key=lambda t: (t.state, t.name)):
        lines += task_events(task, rng, mix)
    lines.sort(key=lambda item: item[0])  # stable: a task's own events keep their order on a tie
    folder = ensure_pulse_dir(root) / "journal"
    for old in folder.glob("*.jsonl"):
        old.unlink()
    months: dict[str, list[str]] = {}
    for at, line in lines:
        months.setdefault(format_time(at)[:7], []).append(line)
    for month, month_lines in months.items():
        (folder / f"{month}.jsonl").write_text("\n".join(month_lines) + "\n", encoding="utf-8")
    now = dt.datetime.now(dt.UTC)
    return {
        "events": len(lines),
        "months": len(months),
        "bytes": sum(p.stat().st_size for p in folder.glob("*.jsonl")),
        "after_now": sum(1 for at, _ in lines if at > now),
        "kinds": dict(mix),
    }


# -- in-process -------------------------------------------------------------------------------------


class CountingTimes(Mapping[str, float]):
    """FileTimes that counts its look-ups (the tasks whose last move neither journal nor stamp dates)."""

    def __init__(self, tasks: list[Task]) -> None:
        self.inner = FileTimes(tasks)
        self.lookups = 0

    def __getitem__(self, task_id: str) -> float:
        self.lookups += 1
        return self.inner[task_id]

    def __iter__(self) -> Iterator[str]:
        return iter(self.inner)

    def __len__(self) -> int:
        return len(self.inner)


def _append_move(root: Path, task: Task) -> tuple[Path, int]:
    """One more journal line, as a move made now writes it; the file and its size before."""
    now = dt.datetime.now(dt.UTC)
    nothing = {"started": None, "done": None, "blocked": None}
    path = ensure_pulse_dir(root) / "journal" / f"{format_time(now)[:7]}.jsonl"
    size = path.stat().st_size if path.exists() else -1
    with path.open("a", encoding="utf-8") as handle:
        line = _line(now, "move", task, "open", "doing", "bench", before=nothing, uid=secrets.token_hex(6))
        handle.write(line + "\n")
    return path, size


def _timed(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    value = fn(*args, **kwargs)
    return time.perf_counter() - started, value


def time_in_process(
    root: Path, size: int, count: int, profile: bool
) -> tuple[dict[str, Row], list[Task], Stats, dict[str, Any]]:
    """The figures' parts on the loaded board; rows, the tasks, the figures and what they looked at."""
    board = Board(root)
    gc.disable()
    try:
        tasks = board.tasks()  # also brings the parse cache up to date
    finally:
        gc.enable()
    names = (
        "board_stats", "read_events", "compute", "JournalTail first call", "JournalTail after +1 line",
        "Figures: new + first stats", "Figures: one move + stats",
    )  # fmt: skip
    rows = {name: Row(size, name) for name in names}
    rows["board_stats, gc off"] = Row(size, "board_stats, gc off")
    settings = board.settings.heartbeat
    target = next(t for t in tasks if t.state == "open")
    gc.collect()
    gc.freeze()  # the board app freezes the loaded board out of the collector
    try:
        for sample in range(count):
            now = dt.datetime.now().astimezone()
            rows["board_stats"].seconds.append(_timed(board_stats, board, now, DAYS, tasks)[0])
            seconds, events = _timed(list, read_events(root))
            rows["read_events"].seconds.append(seconds)
            times = CountingTimes(tasks)
            seconds, stats = _timed(
                compute, tasks, events, now, days=DAYS, settings=settings, file_times=times
            )
            rows["compute"].seconds.append(seconds)
            del events
            tail = JournalTail(root)
            seconds, first = _timed(tail.events)
            rows["JournalTail first call"].seconds.append(seconds)
            started = time.perf_counter()
            figures = Figures(tasks, first)
            figures.stats(now, DAYS, settings)
            rows["Figures: new + first stats"].seconds.append(time.perf_counter() - started)
            path, size_before = _append_move(root, target)
            try:
                seconds, second = _timed(tail.events)
            finally:
                if size_before < 0:
                    path.unlink()
                else:
                    os.truncate(path, size_before)
            rows["JournalTail after +1 line"].seconds.append(seconds)
            if len(second) != len(first) + 1:
                raise BenchError(f"JournalTail saw {len(second) - len(first)} new events, not 1")
            moved = replace(target, state="doing", folder=root / "doing")
            later = dt.datetime.now().astimezone()
            started = time.perf_counter()
            figures.tasks_changed([Change("moved", target, moved)])
            figures.follow(second)
            incremental = figures.stats(later, DAYS, settings)
            rows["Figures: one move + stats"].seconds.append(time.perf_counter() - started)
            if sample == 0:  # the same figures as a full pass
                after = [moved if t is target else t for t in tasks]
                full = compute(
                    after, second, later, days=DAYS, settings=settings, file_times=FileTimes(after)
                )
                if incremental != full:
                    raise BenchError("the incremental figures differ from compute's after one move")
            del first, second, tail, figures
            print(".", end="", flush=True)
        gc.disable()
        for _ in range(count):
            now = dt.datetime.now().astimezone()
            rows["board_stats, gc off"].seconds.append(_timed(board_stats, board, now, DAYS, tasks)[0])
        gc.enable()
        if profile:
            profiler = cProfile.Profile()
            now = dt.datetime.now().astimezone()
            profiler.enable()
            board_stats(board, now, DAYS, tasks)
            profiler.disable()
            report = io.StringIO()
            pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(14)
            print("\n" + report.getvalue().rstrip(), flush=True)
            report = io.StringIO()
            pstats.Stats(profiler, stream=report).sort_stats("tottime").print_stats(8)
            print(report.getvalue().rstrip(), flush=True)
    finally:
        gc.enable()
        gc.unfreeze()
    figures = {
        "events": sum(1 for _ in read_events(root)),
        "file_time_lookups": times.lookups,
        "done_today": stats.done_today,
        "done_in_window": sum(d.count for d in stats.velocity),
        "velocity_estimated": stats.velocity_estimated,
        "cycle": {"count": stats.cycle.count, "estimated": stats.cycle.estimated},
        "lead": {"count": stats.lead.count, "estimated": stats.lead.estimated},
        "blocked_tasks": stats.blocked.tasks,
        "ageing": len(stats.ageing),
        "flow_today": {k: getattr(stats.flow[-1], k) for k in ("open", "doing", "done", "blocked")},
    }
    return rows, tasks, stats, figures


def time_cli(runner: Runner, root: Path, size: int, repeat: int) -> Row:
    argv = [*PULSE, "--board", str(root), "stats", "--json"]
    runner.time(argv)  # the parse cache is current; this checks the output
    data = json.loads(runner.stdout.read_bytes())
    if not isinstance(data, dict) or "done_today" not in data:
        raise BenchError("`pulse stats --json` did not print the figures")
    row = Row(size, "stats --json", budget=CLI_BUDGETS.get(size))
    for _ in range(repeat):
        row.seconds.append(runner.time(argv))
        print(".", end="", flush=True)
    row.rss_kb = runner.peak_rss_kb(argv)
    return row


# -- the board app ----------------------------------------------------------------------------------


def wait_marks(
    app: AppSession, marks: dict[str, Callable[[str], bool]], t0: float, what: str
) -> dict[str, float]:
    """Seconds from t0 to the first capture (its return) showing each mark; all of them, or SampleFailed."""
    return app.wait_all(marks, t0, what, "\n".join, together=False, timeout=TIMEOUT)[1]


def charts_drawn(text: str) -> bool:
    """Every chart title, and bars drawn under the done-per-day and flow titles."""
    lines = text.split("\n")
    if not all(title in text for title in CHART_TITLES):
        return False

    def bars_below(title: str) -> bool:
        row = next(i for i, line in enumerate(lines) if title in line)
        col = lines[row].index(title)
        half = slice(0, WIDTH // 2) if col < WIDTH // 2 else slice(WIDTH // 2, None)
        return any(c in BAR_CHARS for line in lines[row + 1 : row + 16] for c in line[half])

    return bars_below(CHART_TITLES[0]) and bars_below(CHART_TITLES[2])


def screen_series(
    tmux: Tmux, root: Path, size: int, repeat: int, poll: float, done_today: int
) -> tuple[dict[str, Row], list[str], dict[str, Any]]:
    """`repeat` fresh apps: launch to painted and to the status line, then `v` to the stats screen."""
    counts = disk_counts(root)
    limit = Board(root).settings.wip_doing
    budget = SCREEN_BUDGETS.get(size)
    rows = {
        "launch → board painted": Row(size, "launch → board painted", budget=budget),
        "launch → first beat": Row(size, "launch → first beat"),
        "launch → status line": Row(size, "launch → status line", budget=budget),
        "v → stats figures": Row(size, "v → stats figures"),
        "v → three charts": Row(size, "v → three charts", budget=budget),
    }
    launch = {
        "painted": board_shown(counts, limit),
        "beat": lambda text: BEAT_MARK in text,
        "status": lambda text: bool(STATUS.search(text)),
    }
    stats_marks = {"figures": lambda text: FIGURES_MARK in text, "charts": charts_drawn}
    screen: list[str] = []
    peak: list[int] = []
    current: list[int] = []
    app = AppSession(tmux, root, poll)  # untimed: compiles the app's bytecode, checks the screen tests
    try:
        wait_marks(app, launch, app.launch(), "launch (check run)")
        time.sleep(SETTLE)
        wait_marks(app, stats_marks, app.keys("v"), "v (check run)")
    finally:
        app.quit()
    for _ in range(repeat):
        app = AppSession(tmux, root, poll)
        try:
            seen = wait_marks(app, launch, app.launch(), "launch")
            rows["launch → board painted"].seconds.append(seen["painted"])
            rows["launch → first beat"].seconds.append(seen["beat"])
            rows["launch → status line"].seconds.append(seen["status"])
            shown = STATUS.search("\n".join(app.last_screen))
            if shown and f"done today {done_today} " not in shown.group(0) + " ":
                print(f"\n  (status line: {shown.group(0)!r}; in-process done_today {done_today})", end="")
            time.sleep(SETTLE)
            seen = wait_marks(app, stats_marks, app.keys("v"), "v")
            rows["v → stats figures"].seconds.append(seen["figures"])
            rows["v → three charts"].seconds.append(seen["charts"])
            screen = list(app.last_screen)
            time.sleep(SETTLE)
            peak.append(app.peak_rss_kb())
            current.append(app.status_kb("VmRSS"))
            print(".", end="", flush=True)
        except (SampleFailed, BenchError) as exc:
            rows["v → three charts"].failures.append(print_failure(f"{size:,}", exc))
        finally:
            app.quit()
    memory = {
        "peak_mb": round(max(peak) / 1024, 1) if peak else None,  # VmHWM, after the stats screen
        "now_mb": round(statistics.median(current) / 1024, 1) if current else None,  # VmRSS, then
        "budget_mb": RSS_BUDGETS_MB.get(size),
        "peak_samples_mb": [round(k / 1024, 1) for k in peak],
        "now_samples_mb": [round(k / 1024, 1) for k in current],
    }
    return rows, screen, memory


# -- one size ---------------------------------------------------------------------------------------


def bench_size(size: int, args: argparse.Namespace, runner: Runner, tmux: Tmux | None) -> dict[str, Any]:
    # The parse cache stays behind (copied files have new inodes: every record would be stale), and
    # so does the journal: the other benchmarks' leftover lines name moves they put back.
    root = copy_board(size, args.seed, args.keep, runner.workdir, "stats", ("cache", "journal", "*.lock"))
    started = time.perf_counter()
    gc.disable()
    try:
        journal = write_journal(root, Board(root).tasks(), args.seed)
    finally:
        gc.enable()
    print(
        f", journal written in {time.perf_counter() - started:.1f} s: {journal['events']:,} events in "
        f"{journal['months']} months, {journal['bytes'] / 1e6:.1f} MB",
        flush=True,
    )
    print("  in-process ", end="", flush=True)
    inproc, _, _, figures = time_in_process(root, size, args.inproc, args.profile)
    print(" stats --json ", end="", flush=True)
    cli = time_cli(runner, root, size, args.repeat)
    rows: list[Row] = [cli, *inproc.values()]
    screen: list[str] = []
    memory: dict[str, Any] = {}
    if tmux is not None:
        repeat = args.tui or (5 if size <= 10_000 else 3)
        print(" board ", end="", flush=True)
        screens, screen, memory = screen_series(tmux, root, size, repeat, args.poll, figures["done_today"])
        rows += screens.values()
    print(
        f"\n   journal: {journal['kinds']}"
        f"\n   figures: {figures['done_today']} done today, {figures['done_in_window']} in {DAYS} days "
        f"({figures['velocity_estimated']} estimated), cycle times {figures['cycle']['count']}, "
        f"{figures['file_time_lookups']} file-time look-ups, {figures['ageing']} ageing",
        flush=True,
    )
    return {
        "size": size,
        "seed": args.seed,
        "counts": disk_counts(root),
        "journal": journal,
        "figures": figures,
        "results": [r.as_json() for r in rows],
        "app_memory": memory,
        "screen_stats": screen,
        "_rows": rows,
    }


# -- output -----------------------------------------------------------------------------------------


def print_table(sizes: list[dict[str, Any]]) -> None:
    print("\n| tasks | row | median | min-max | budget | |")
    print("|---:|---|---:|---:|---:|---|")
    for size in sizes:
        for r in size["_rows"]:
            lo_hi = f"{fmt_seconds(min(r.seconds))}-{fmt_seconds(max(r.seconds))}" if r.seconds else "-"
            budget = f"≤ {fmt_seconds(r.budget)}" if r.budget is not None else ""
            median = fmt_seconds(r.median)
            if r.verdict() == "OVER":
                median = f"**{median}**"
            rss = f" ({r.rss_kb / 1024:.0f} MB)" if r.rss_kb else ""
            verdict = r.verdict() or ""
            print(f"| {size['size']:,} | {r.what}{rss} | {median} | {lo_hi} | {budget} | {verdict} |")
        memory = size["app_memory"]
        if memory.get("peak_mb") is not None:
            limit = memory["budget_mb"]
            budget = f"≤ {limit} MB peak" if limit else ""
            verdict = ("PASS" if memory["peak_mb"] <= limit else "OVER") if limit else ""
            print(
                f"| {size['size']:,} | board app memory after the stats screen: peak (VmHWM) / now (VmRSS) "
                f"| {memory['peak_mb']:.0f} / {memory['now_mb']:.0f} MB | | {budget} | {verdict} |"
            )
    print(
        "(budgets: `pulse stats` like `pulse next`, ≤ 0.30 s at 10,000 tasks; the board's: painted ≤ 0.8 s"
        " at 10,000 tasks, usable ≤ 3 s at 100,000, DESIGN.md)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        "Time `pulse stats`, its parts and the stats screen.", "stats", [10_000, 100_000], poll=True
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of `pulse stats --json` (default 5)")
    parser.add_argument("--inproc", type=int, default=5, help="in-process samples per part (default 5)")
    parser.add_argument("--tui", type=int, help="board app samples (default 5; 3 above 10,000 tasks)")
    parser.add_argument("--no-tui", action="store_true", help="skip the board app rows")
    parser.add_argument("--profile", action="store_true", help="cProfile one more board_stats per size")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.inproc < 1 or (args.tui is not None and args.tui < 1):
        parser.error("--repeat, --inproc and --tui must be at least 1")
    tmux = None if args.no_tui else require_tmux(parser, "; or pass --no-tui")
    out = results_path(args.out, "stats")
    source = headline("stats benchmark", f"{tmux or 'no tmux'}, {WIDTH}x{HEIGHT}, {os.cpu_count()} CPUs")
    sizes: list[dict[str, Any]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="pulse-stats-bench-") as scratch:
        runner = Runner(Path(scratch))
        server = None if args.no_tui else Tmux(bench_env(Path(scratch)))
        try:
            for size in args.sizes:
                sizes.append(bench_size(size, args, runner, server))
        except BenchError as exc:  # keep the sizes already measured
            print(f"\nstats_bench: {exc}", file=sys.stderr)
            failed = True
        finally:
            if server is not None:
                server.close()
    print_table(sizes)
    record = run_record(
        source,
        tmux=tmux or None,
        terminal=f"{WIDTH}x{HEIGHT}",
        days=DAYS,
        repeat=args.repeat,
        inproc=args.inproc,
        sizes=[{k: v for k, v in s.items() if k != "_rows"} for s in sizes],
    )
    write_results(out, record)
    failed = failed or any(r["failures"] for s in sizes for r in s["results"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
