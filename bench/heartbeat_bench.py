"""Time the heartbeat: one beat of the engine in-process, and `pulse next` / `pulse claim` as processes.

Per board size: a `make_board.py` board (shared with the other benchmarks through `--keep DIR`),
then a heartbeat copy of it (`DIR/heartbeat-N`, kept too; without `--keep` the scratch board is
used in place) with room in doing/ so the engine ranks what to start next:

- pulse.yaml is the default one with `wip.doing: 5` (generated boards have 3 in doing at a limit
  of 3, where the engine skips the candidate ranking and `pulse claim` has nothing to claim);
- one more task goes into doing/, started 5 minutes ago (within its box, unlike the generated
  three, which are months past theirs) and touching what one of those touches (a conflict).

Rows:

- **beat**: `heartbeat.suggest(tasks, board.settings.heartbeat, board.root, now)` on tasks already
  loaded with `Board(root).tasks()` (the load is not counted), the garbage collector on and the
  loaded board frozen out of it, as in the board app. `--beats` samples (default 20; 5 when one
  beat takes over a second); median and p95 (nearest rank: the 19th of 20). The same number of
  beats with the collector off (as in the CLI) go to the JSON and the progress lines.
- **update**: the incremental engine (core/engine.py) loaded with the same tasks (untimed), then
  one file changed (an open task's priority, in memory) and the top 100 asked for:
  `engine.update([after], [before])` + `engine.suggest(now, modified, push_failed, limit=100)`,
  `--beats` samples with gc on and the board frozen; median and p95. Budget: 20 ms at 100,000
  tasks (DESIGN.md, "a beat after a one-file change").
- **next**: `python -m pulseboard --board DIR next --json`, warm parse cache, `--repeat` runs.
- **claim**: `python -m pulseboard --board DIR claim --json`, warm parse cache, `--repeat` runs.
  Each claim moves the best startable task to doing/; between runs (untimed) the task's original
  bytes go back to open/ and the parse cache is brought up to date, so every run claims from the
  same board. The journal lines the claims wrote are trimmed at the end.

Subprocesses run as in `cli_bench.py` (common.Runner: from bytecode, PULSE_ACTOR=bench). Medians go
to stdout as a Markdown table and, merged by size, to `bench/out/heartbeat_<date>.json` with every
sample and the board's mix (what the beat had to look at). Unix only.

    python bench/heartbeat_bench.py --sizes 1000 10000 [--beats 20] [--repeat 5] [--keep DIR] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import gc
import io
import json
import math
import os
import pstats
import random
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from common import (
    PULSE,
    BenchError,
    Runner,
    bench_parser,
    copy_board,
    each_size,
    headline,
    journal_sizes,
    results_path,
    run_record,
    trim_journal,
    write_results,
)

from pulseboard.core.board import Board, Task
from pulseboard.core.config import DEFAULT_CONFIG_TEXT, HeartbeatSettings
from pulseboard.core.doctor import dependency_graph
from pulseboard.core.engine import HeartbeatEngine
from pulseboard.core.fields import format_time, seconds_since
from pulseboard.core.heartbeat import Suggestion, time_box
from pulseboard.core.heartbeat_inputs import modified_times, push_failure, suggest
from pulseboard.core.ids import new_id, slugify

BUDGET_SIZE = 10_000
BEAT_BUDGET_MS = 50.0  # one beat at BUDGET_SIZE tasks (issue 5)
NEXT_BUDGET_S = 0.30  # `pulse next` at BUDGET_SIZE tasks (DESIGN.md)
WIP_DOING = 5  # the heartbeat copy's limit: 4 in doing, room for one claim
SLOW_BEAT_S = 1.0  # a beat slower than this gets at most 5 samples
UPDATE_SIZE = 100_000
UPDATE_BUDGET_MS = 20.0  # a one-file update plus a beat (top 100) at UPDATE_SIZE tasks (DESIGN.md)
FRESH_TITLE = "Tidy the heartbeat pane's refresh"


def p95_ms(samples: list[float]) -> float:
    """The 95th percentile of samples in seconds, in ms (nearest rank: the 19th of 20)."""
    ordered = sorted(samples)
    return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


@dataclass
class SizeResult:
    """One board size: the beat samples (seconds) and the two commands' samples."""

    size: int
    beat: list[float] = field(default_factory=list)  # gc on, the board frozen: as in the board app
    beat_gc_off: list[float] = field(default_factory=list)  # as in the CLI
    update: list[float] = field(default_factory=list)  # the incremental engine: one file, then a beat
    next: list[float] = field(default_factory=list)
    claim: list[float] = field(default_factory=list)
    mix: dict[str, Any] = field(default_factory=dict)

    @property
    def beat_ms(self) -> float:
        return statistics.median(self.beat) * 1000

    @property
    def beat_p95_ms(self) -> float:
        return p95_ms(self.beat)

    @property
    def beat_gc_off_ms(self) -> float:
        return statistics.median(self.beat_gc_off) * 1000

    @property
    def update_ms(self) -> float:
        return statistics.median(self.update) * 1000

    @property
    def update_p95_ms(self) -> float:
        return p95_ms(self.update)

    @property
    def next_s(self) -> float:
        return statistics.median(self.next)

    @property
    def claim_s(self) -> float:
        return statistics.median(self.claim)

    def over(self) -> dict[str, bool]:
        """Which cells are over budget (only the budget size has budgets)."""
        if self.size == UPDATE_SIZE:
            return {
                "update": self.update_ms > UPDATE_BUDGET_MS,
                "update_p95": self.update_p95_ms > UPDATE_BUDGET_MS,
            }
        if self.size != BUDGET_SIZE:
            return {}
        return {
            "beat": self.beat_ms > BEAT_BUDGET_MS,
            "beat_p95": self.beat_p95_ms > BEAT_BUDGET_MS,
            "next": self.next_s > NEXT_BUDGET_S,
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "size": self.size,
            "beat_median_ms": round(self.beat_ms, 2),
            "beat_p95_ms": round(self.beat_p95_ms, 2),
            "beat_gc_off_median_ms": round(self.beat_gc_off_ms, 2),
            "update_median_ms": round(self.update_ms, 2),
            "update_p95_ms": round(self.update_p95_ms, 2),
            "next_median_s": round(self.next_s, 4),
            "claim_median_s": round(self.claim_s, 4),
            "budgets": (
                {"beat_ms": BEAT_BUDGET_MS, "next_s": NEXT_BUDGET_S} if self.size == BUDGET_SIZE else None
            ),
            "over": self.over(),
            "mix": self.mix,
            "samples": {
                "beat_ms": [round(s * 1000, 2) for s in self.beat],
                "beat_gc_off_ms": [round(s * 1000, 2) for s in self.beat_gc_off],
                "update_ms": [round(s * 1000, 2) for s in self.update],
                "next_s": [round(s, 4) for s in self.next],
                "claim_s": [round(s, 4) for s in self.claim],
            },
        }


# -- the board --------------------------------------------------------------------------------------


def _fresh_path(root: Path, seed: int) -> Path:
    """The extra task in doing/: named by the seed, so every run rewrites the same file."""
    task_id = new_id(random.Random(f"heartbeat-bench:{seed}").getrandbits)
    return root / "doing" / f"{task_id}-{slugify(FRESH_TITLE)}.md"


def _prepare(root: Path, seed: int, now: dt.datetime) -> None:
    """Give the board room in doing/, and one more task in doing/: started 5 minutes ago (within
    its box) and touching what a generated task in doing touches. The same on every run."""
    config = DEFAULT_CONFIG_TEXT.replace("\n  doing: 3 ", f"\n  doing: {WIP_DOING} ", 1)
    if config == DEFAULT_CONFIG_TEXT:
        raise BenchError("pulse.yaml's default text has no `doing: 3` to raise; update _prepare")
    (root / "pulse.yaml").write_text(config, encoding="utf-8")
    fresh = _fresh_path(root, seed)
    doing = [t for t in Board(root).tasks(["doing"]) if t.path != fresh]
    if len(doing) + 1 >= WIP_DOING:
        raise BenchError(
            f"{root}/doing has {len(doing)} tasks besides the benchmark's, no room under {WIP_DOING}: "
            f"a claim from an interrupted run is still there; delete {root.parent} to copy it again"
        )
    shared = next((t.touches[0] for t in doing if t.touches), "billing")
    started = now - dt.timedelta(minutes=5)
    fresh.write_text(
        f'---\ntitle: "{FRESH_TITLE}"\npriority: high\nestimate: 15m\n'
        f"touches: [{shared}, src/pulseboard/tui/pane.py]\n"
        f"created: {format_time(now - dt.timedelta(days=1))}\nstarted: {format_time(started)}\n---\n"
        "Beat once a change settles, not once per file event.\n\n## Acceptance criteria\n\n"
        "- [ ] one beat per batch of changes\n",
        encoding="utf-8",
    )
    stamp = started.timestamp()
    os.utime(fresh, (stamp, stamp))  # not edited since it was started: no stale-spec note for it


def _refresh_cache(root: Path) -> list[Task]:
    """Bring the parse cache up to date (untimed), as the previous command on a board would have."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        return Board(root).tasks()
    finally:
        if enabled:
            gc.enable()


def board_mix(
    tasks: list[Task], suggestions: list[Suggestion], settings: HeartbeatSettings, now: dt.datetime
) -> dict[str, Any]:
    """What the beat looks at: counts by state, the open tasks' fields, and the suggestions by kind."""
    states = Counter(t.state for t in tasks)
    graph, problems = dependency_graph(tasks)
    done_ids = {t.id for t in tasks if t.state == "done"}
    opened = [t for t in tasks if t.state == "open"]
    resolved = {t.id: graph.get(t.id, []) for t in opened}
    ready = [t for t in opened if len(resolved[t.id]) == len(t.depends) and set(resolved[t.id]) <= done_ids]
    doing = [t for t in tasks if t.state == "doing"]
    past = sum(1 for t in doing if (seconds_since(t.started, now) or 0) > time_box(t, settings)[0])
    blocked = [t for t in tasks if t.state == "blocked"]
    return {
        "states": {s: states.get(s, 0) for s in ("open", "doing", "done", "blocked")},
        "wip_doing": settings.wip_doing,
        "doing_past_box": past,
        "open_with": {
            "depends": sum(1 for t in opened if t.depends),
            "ready_by_depends": len(ready),
            "touches": sum(1 for t in opened if t.touches),
            "estimate": sum(1 for t in opened if t.estimate is not None),
            "priority": dict(Counter(t.priority for t in opened)),
        },
        "blocked_waiting_on_someone": sum(1 for t in blocked if (t.blocked or {}).get("waiting_on")),
        "dependency_edges": sum(len(v) for v in graph.values()),
        "dependency_problems": len(problems),
        "suggestions": dict(Counter(s.kind for s in suggestions).most_common()),
    }


# -- the rows ---------------------------------------------------------------------------------------


Beats = tuple[list[float], list[float], list[Task], list[Suggestion]]  # gc on, gc off, the board, its beat


def time_beats(root: Path, count: int, profile: bool) -> Beats:
    """`count` beats on the loaded board with gc on and the board frozen out of it (the board app's
    set-up), then `count` with gc off (the CLI's); the gc-on samples are the row's figures."""
    board = Board(root)
    tasks = _refresh_cache(root)
    settings = board.settings.heartbeat
    gc.collect()
    gc.freeze()
    series: dict[bool, list[float]] = {True: [], False: []}
    suggestions: list[Suggestion] = []
    try:
        for gc_on in (True, False):
            if not gc_on:
                gc.disable()
            samples = series[gc_on]
            while len(samples) < count:
                now = dt.datetime.now(dt.UTC)
                started = time.perf_counter()
                suggestions = suggest(tasks, settings, board.root, now)
                samples.append(time.perf_counter() - started)
                if samples[0] > SLOW_BEAT_S:
                    count = min(count, 5)
                print(".", end="", flush=True)
        if profile:
            profiler = cProfile.Profile()
            profiler.enable()
            suggest(tasks, settings, board.root, dt.datetime.now(dt.UTC))
            profiler.disable()
            report = io.StringIO()
            pstats.Stats(profiler, stream=report).sort_stats("cumulative").print_stats(12)
            print("\n" + report.getvalue().rstrip(), flush=True)
    finally:
        gc.enable()
        gc.unfreeze()
    return series[True], series[False], tasks, suggestions


def time_updates(root: Path, tasks: list[Task], count: int) -> list[float]:
    """`count` one-file changes through the incremental engine, each followed by a beat of the top
    100: an open task's priority changes (in memory), by turns up and back."""
    settings = Board(root).settings.heartbeat
    engine = HeartbeatEngine(settings)
    engine.load(tasks)  # untimed: the board app does it once, off the UI thread
    modified = modified_times([t for t in tasks if t.state == "doing"], root)
    push = push_failure(root)
    opened = [t for t in tasks if t.state == "open"][: count // 2 + 1]
    if not opened:
        raise BenchError(f"{root} has no open task; the update row changes one")
    engine.suggest(dt.datetime.now(dt.UTC), modified, push, limit=100)
    gc.collect()
    gc.freeze()
    samples: list[float] = []
    try:
        for i in range(count):
            task = opened[i // 2]
            before, after = task, replace(task, priority="low" if task.priority != "low" else "high")
            if i % 2:
                before, after = after, before
            now = dt.datetime.now(dt.UTC)
            started = time.perf_counter()
            engine.update([after], [before])
            engine.suggest(now, modified, push, limit=100)
            samples.append(time.perf_counter() - started)
            print(".", end="", flush=True)
    finally:
        gc.unfreeze()
    return samples


def time_next(runner: Runner, root: Path, repeat: int) -> list[float]:
    argv = [*PULSE, "--board", str(root), "next", "--json"]
    runner.time(argv)  # brings the parse cache up to date
    if not isinstance(json.loads(runner.stdout.read_bytes()), list):
        raise BenchError("`pulse next --json` did not print a JSON list")
    samples = []
    for _ in range(repeat):
        samples.append(runner.time(argv))
        print(".", end="", flush=True)
    return samples


def time_claims(runner: Runner, root: Path, repeat: int, suggestions: list[Suggestion]) -> list[float]:
    """`repeat` claims, each from the same board: the claimed task is put back between runs."""
    by_id = {t.id: t for t in Board(root).tasks(["open"])}
    starts = [by_id[s.ids[0]] for s in suggestions if s.kind == "start"][:50]
    if not starts:
        raise BenchError(f"{root} has no task ready to start; the claim row needs one")
    originals = {t.name: t.path.read_bytes() for t in starts}  # the claim takes one of the best
    journal = journal_sizes(root)
    argv = [*PULSE, "--board", str(root), "claim", "--json"]
    samples = []
    try:
        for _ in range(repeat):
            _refresh_cache(root)
            samples.append(runner.time(argv))
            name = Path(json.loads(runner.stdout.read_bytes())["path"]).name
            if name not in originals or not (root / "doing" / name).is_file():
                raise BenchError(f"claim moved {name}, not one of the {len(starts)} best tasks to start")
            (root / "doing" / name).unlink()
            (root / "open" / name).write_bytes(originals[name])
            print(".", end="", flush=True)
    finally:
        for name, data in originals.items():  # an interrupted run: put the claimed task back too
            if (root / "doing" / name).is_file():
                (root / "doing" / name).unlink()
                (root / "open" / name).write_bytes(data)
        trim_journal(root, journal)  # and forget the claims' journal lines
        _refresh_cache(root)
    return samples


def bench_size(size: int, args: argparse.Namespace, runner: Runner) -> SizeResult:
    # The parse cache is left behind: copied files have new inodes, so every record would be stale.
    root = copy_board(size, args.seed, args.keep, runner.workdir, "heartbeat", ("cache",))
    print(flush=True)
    _prepare(root, args.seed, dt.datetime.now(dt.UTC))
    result = SizeResult(size)
    print("beat ", end="", flush=True)
    result.beat, result.beat_gc_off, tasks, suggestions = time_beats(root, args.beats, args.profile)
    settings = Board(root).settings.heartbeat
    result.mix = board_mix(tasks, suggestions, settings, dt.datetime.now(dt.UTC))
    print(" update ", end="", flush=True)
    result.update = time_updates(root, tasks, args.beats)
    print(" next ", end="", flush=True)
    result.next = time_next(runner, root, args.repeat)
    print(" claim ", end="", flush=True)
    result.claim = time_claims(runner, root, args.repeat, suggestions)
    mix, opened = result.mix, result.mix["open_with"]
    print(
        f"\n   {mix['states']}, wip.doing {mix['wip_doing']}, {mix['doing_past_box']} in doing past their box"
        f"\n   open: {opened['depends']} with depends ({opened['ready_by_depends']} of all open ready by"
        f" theirs), {opened['touches']} with touches, {opened['estimate']} with estimates;"
        f" {mix['dependency_edges']} dependency edges\n   suggestions: {mix['suggestions']}"
        f"\n   beat median {result.beat_ms:.1f} ms (gc off, as in the CLI: {result.beat_gc_off_ms:.1f} ms)"
        f"; one-file update + beat (incremental) median {result.update_ms:.2f} ms",
        flush=True,
    )
    return result


# -- output -----------------------------------------------------------------------------------------


def print_table(results: list[SizeResult]) -> None:
    print(
        "\n| size | beat median ms | beat p95 ms | update+beat median ms | update+beat p95 ms "
        "| next s | claim s | budget |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---|")
    for r in results:
        over = r.over()

        def cell(text: str, key: str, over: dict[str, bool] = over) -> str:
            return f"**{text} OVER**" if over.get(key) else text

        budget = ""
        if r.size == UPDATE_SIZE:
            budget = f"update+beat ≤ {UPDATE_BUDGET_MS:.0f} ms {'OVER' if over['update_p95'] else 'PASS'}"
        if r.size == BUDGET_SIZE:
            verdicts = (
                f"beat ≤ {BEAT_BUDGET_MS:.0f} ms {'OVER' if over['beat'] else 'PASS'}",
                f"next ≤ {NEXT_BUDGET_S:.2f} s {'OVER' if over['next'] else 'PASS'}",
            )
            budget = ", ".join(verdicts)
        print(
            f"| {r.size:,} | {cell(f'{r.beat_ms:.1f}', 'beat')} | {cell(f'{r.beat_p95_ms:.1f}', 'beat_p95')} "
            f"| {cell(f'{r.update_ms:.2f}', 'update')} | {cell(f'{r.update_p95_ms:.2f}', 'update_p95')} "
            f"| {cell(f'{r.next_s:.3f}', 'next')} | {r.claim_s:.3f} | {budget} |"
        )
    print(
        f"(budgets at {BUDGET_SIZE:,} tasks: one beat ≤ {BEAT_BUDGET_MS:.0f} ms, issue 5; "
        f"`pulse next` ≤ {NEXT_BUDGET_S:.2f} s, DESIGN.md; at {UPDATE_SIZE:,}: a one-file update plus a "
        f"beat ≤ {UPDATE_BUDGET_MS:.0f} ms, DESIGN.md)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        "Time one heartbeat beat, `pulse next` and `pulse claim`.", "heartbeat", [1_000, 10_000, 100_000]
    )
    parser.add_argument("--beats", type=int, default=20, help="in-process beats per size (default 20)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of next and claim (default 5)")
    parser.add_argument("--profile", action="store_true", help="cProfile one more beat per size")
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.beats < 1:
        parser.error("--repeat and --beats must be at least 1")
    out = results_path(args.out, "heartbeat")
    source = headline(
        "heartbeat benchmark",
        f"{os.cpu_count()} CPUs; {args.beats} beats in-process, {args.repeat} runs of next and claim",
    )
    results, failed = each_size(
        "heartbeat_bench", args.sizes, lambda size, runner: bench_size(size, args, runner)
    )
    print_table(results)
    record = run_record(
        source, beats=args.beats, repeat=args.repeat, seed=args.seed, sizes=[r.as_json() for r in results]
    )
    write_results(out, record)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
