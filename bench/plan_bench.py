"""Time `pulse plan` (issue 15, item 7) on a board with 10,000 open tasks: budget 0.3 s.

Owns the plan's rows and budget. The board (`DIR/plan-N`, kept and reused with `--keep DIR`) is a
make_board.py board of BASE_SIZE tasks (its 700 done, 3 in doing, 200 open and the rest blocked,
with its odd and broken files), topped up with open tasks until N are open. The added tasks are
what a plan has to sort out: they touch files of a code base of PACKAGES packages of MODULES
modules each (one to three modules of one package, often its test too; 1% a whole package, 1% a
glob over it, 3% nothing; 0.5% reach into another package), 8% depend on an earlier added task of
their package (chains), 3% on a task of the base board, and their estimates run from 2m to 2h (those
over 30m are left out: split first). The same N and seed always give the same bytes.

Rows (warm parse cache; garbage collector off, as in the CLI), each with its wall time (median and
best) and its CPU time (median: the process's user + system time, which a machine busy with other
work inflates far less than the wall time):

- **plan (process)**: `python -m pulseboard --board DIR plan --hands 4 --json`, one untimed run
  first, then `--repeat` runs (default 5); median and minimum. Budget: 0.3 s.
- **plan() alone**: `core.plan.plan(tasks, settings, now, 4, root)` in this process, on tasks already
  loaded with `Board(root).tasks()` (untimed); `--repeat` runs, median.
- **load alone**: `Board(root).tasks()` in this process, the rest of the command's work.
- **next (process)** and `--version`: for comparison, on the same board and with no board.

Subprocesses run as in cli_bench.py (common.Runner: from bytecode, PULSE_ACTOR=bench). Medians go to
stdout as a table and, merged by size, to `bench/out/plan_<date>.json` with every sample and the
plan's shape (lanes, tasks per lane, left out). Keep the machine otherwise idle while it runs.

    python bench/plan_bench.py [--sizes 10000] [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import random
import resource
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from common import (
    PULSE,
    BenchError,
    Runner,
    bench_parser,
    disk_counts,
    each_size,
    fmt_seconds,
    headline,
    print_head,
    results_path,
    run_record,
    write_results,
)
from make_board import make_board

from pulseboard.core.board import Board
from pulseboard.core.ids import id_from_stem, new_id, slugify
from pulseboard.core.plan import plan

BUDGET_S = 0.30  # `pulse plan --hands 4 --json` at 10,000 open tasks (issue 15)
HANDS = 4
BASE_SIZE = 1_000  # the make_board board under the added open tasks
PACKAGES, MODULES = 150, 24
_VERBS = ("Fix", "Add", "Refactor", "Test", "Speed up", "Rename", "Document", "Validate", "Cache", "Log")
_WHAT = ("the parser", "an edge case", "the retry loop", "error messages", "the public API", "a flaky test")
_PRIORITIES = ("critical", "high", "medium", "medium", "low")
_ESTIMATES = ("2m", "5m", "5m", "10m", "15m", "20m", "30m", "45m", "2h", None)


def _touches(rng: random.Random, package: str) -> list[str]:
    """What one added task touches: mostly a few modules of one package (see the module's first lines)."""
    roll = rng.random()
    if roll < 0.01:
        return [package]
    if roll < 0.02:
        return [f"{package}/*.py"]
    if roll < 0.05:
        return []
    modules = rng.sample(range(MODULES), rng.choice((1, 1, 1, 2, 2, 3)))
    touched = [f"{package}/mod{m:02d}.py" for m in modules]
    if rng.random() < 0.4:
        touched.append(f"tests/{package[4:]}/test_mod{modules[0]:02d}.py")
    if rng.random() < 0.005:
        touched.append(f"src/pkg{rng.randrange(PACKAGES):03d}/mod{rng.randrange(MODULES):02d}.py")
    return touched


def _task_text(rng: random.Random, title: str, touches: list[str], depends: list[str], created: str) -> str:
    lines = ["---", f"title: {title}", f"priority: {rng.choice(_PRIORITIES)}"]
    estimate = rng.choice(_ESTIMATES)
    if estimate:
        lines.append(f"estimate: {estimate}")
    for key, values in (("touches", touches), ("depends", depends)):
        if values:
            lines.append(f"{key}: [{', '.join(values)}]")
    lines += [
        f"created: {created}",
        "---",
        "Why and context.",
        "",
        "## Acceptance criteria",
        "",
        "- [ ] done",
    ]
    return "\n".join(lines) + "\n"


def top_up(root: Path, opened: int, seed: int) -> None:
    """Add open tasks to a make_board board until `opened` are open (see the module's first lines)."""
    rng = random.Random(f"plan-bench:{opened}:{seed}")
    base_ids = sorted(id_from_stem(name[:-3]) for name in os.listdir(root / "done") if name.endswith(".md"))
    by_package: dict[str, list[str]] = {}
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    for i in range(opened - disk_counts(root)["open"]):
        package = f"src/pkg{rng.randrange(PACKAGES):03d}"
        earlier = by_package.setdefault(package, [])
        depends = []
        if earlier and rng.random() < 0.08:
            depends = rng.sample(earlier[-20:], min(len(earlier), rng.choice((1, 1, 2))))
        elif rng.random() < 0.03:
            depends = [rng.choice(base_ids)]
        task_id = new_id(rng.getrandbits)
        title = f"{rng.choice(_VERBS)} {rng.choice(_WHAT)} in {package[4:]}"
        created = (start + dt.timedelta(minutes=i * 7)).strftime("%Y-%m-%dT%H:%M:%SZ")
        text = _task_text(rng, title, _touches(rng, package), depends, created)
        (root / "open" / f"{task_id}-{slugify(title)}.md").write_text(text, encoding="utf-8")
        earlier.append(task_id)


def board(size: int, seed: int, keep: Path | None, scratch: Path) -> Path:
    """The plan board for `size` open tasks: made once, reused from `--keep DIR`."""
    home = (keep or scratch) / f"plan-{size}"
    root = home / "tasks"
    marker = home / "made.json"
    wanted = {"open": size, "seed": seed, "base": BASE_SIZE}
    print(f"\n== {size:,} open tasks: ", end="", flush=True)
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        print("reused kept board", flush=True)
        return root
    if home.exists():
        raise BenchError(f"{home} exists but was not made by this benchmark for {wanted}")
    started = time.perf_counter()
    make_board(root, BASE_SIZE, seed)
    top_up(root, size, seed)
    marker.write_text(json.dumps(wanted))
    print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
    return root


Sample = tuple[float, float]  # (wall seconds, CPU seconds)


def in_process(run: Callable[[], Any], repeat: int) -> list[Sample]:
    """`repeat` timed calls with the garbage collector off, as in the CLI."""
    samples = []
    gc.collect()
    gc.disable()
    try:
        for _ in range(repeat):
            wall, cpu = time.perf_counter(), time.process_time()
            run()
            samples.append((time.perf_counter() - wall, time.process_time() - cpu))
    finally:
        gc.enable()
    return samples


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def processes(runner: Runner, argv: list[str], repeat: int) -> list[Sample]:
    """`repeat` runs of argv after an untimed one (which brings the parse cache up to date); the CPU
    time is the finished child's (the runner reaps it), which a busy machine inflates far less."""
    runner.time(argv)
    samples = []
    for _ in range(repeat):
        cpu = _children_cpu()
        wall = runner.time(argv)
        samples.append((wall, _children_cpu() - cpu))
        print(".", end="", flush=True)
    return samples


def bench_size(size: int, args: argparse.Namespace, runner: Runner) -> dict[str, Any]:
    root = board(size, args.seed, args.keep, runner.workdir)
    counts = disk_counts(root)
    if counts["open"] != size:
        raise BenchError(f"{root} has {counts['open']} open tasks, not {size}")
    command = [*PULSE, "--board", str(root), "plan", "--hands", str(HANDS), "--json"]
    samples = {"plan_process": processes(runner, command, args.repeat)}
    shape = json.loads(runner.stdout.read_bytes())
    samples["next_process"] = processes(runner, [*PULSE, "--board", str(root), "next", "--json"], args.repeat)
    samples["version_process"] = processes(runner, [*PULSE, "--version"], args.repeat)
    loaded = Board(root)
    tasks = loaded.tasks()
    settings, now = loaded.settings, dt.datetime.now(dt.UTC)
    samples["plan_call"] = in_process(lambda: plan(tasks, settings, now, HANDS, root), args.repeat)
    samples["load"] = in_process(lambda: Board(root).tasks(), args.repeat)
    print(flush=True)
    lanes = [len(lane["tasks"]) for lane in shape["lanes"]]
    free = sum(lane["free"] for lane in shape["lanes"])

    def figures(pick: int) -> dict[str, dict[str, float]]:
        return {
            name: {
                "median": round(statistics.median(x[pick] for x in row), 4),
                "best": round(min(x[pick] for x in row), 4),
            }
            for name, row in samples.items()
        }

    return {
        "size": size,
        "states": counts,
        "plan": {"lanes": lanes, "free": free, "left_out": len(shape["left_out"])},
        "wall_s": figures(0),
        "cpu_s": figures(1),
        "samples_wall_cpu_s": {
            name: [[round(w, 4), round(c, 4)] for w, c in row] for name, row in samples.items()
        },
        "budget_s": BUDGET_S,
    }


ROWS = (
    ("plan_process", f"`pulse plan --hands {HANDS} --json`", True),
    ("plan_call", "`plan()` alone", False),
    ("load", "`Board.tasks()` alone", False),
    ("next_process", "`pulse next --json`", False),
    ("version_process", "`pulse --version`", False),
)


def print_table(results: list[dict[str, Any]]) -> None:
    print()
    print_head("| open tasks | row | median | best | CPU median | budget |")
    for result in results:
        for key, label, budgeted in ROWS:
            wall, cpu = result["wall_s"][key], result["cpu_s"][key]
            verdict = (
                f"≤ {BUDGET_S:.2f} s {'PASS' if wall['median'] <= BUDGET_S else 'OVER'}" if budgeted else ""
            )
            cells = (fmt_seconds(wall["median"]), fmt_seconds(wall["best"]), fmt_seconds(cpu["median"]))
            print(f"| {result['size']:,} | {label} | {' | '.join(cells)} | {verdict} |")
        shape = result["plan"]
        print(
            f"  ({result['states']}; the plan: tasks per lane {shape['lanes']}, "
            f"{shape['free']} free, {shape['left_out']} left out)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("Time `pulse plan` on a board with N open tasks.", "plan", [10_000])
    parser.add_argument("--repeat", type=int, default=5, help="samples per row (default 5)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    source = headline("plan benchmark", f"{os.cpu_count()} CPUs; {args.repeat} samples a row, warm cache")
    results, failed = each_size("plan_bench", args.sizes, lambda size, runner: bench_size(size, args, runner))
    print_table(results)
    write_results(
        results_path(args.out, "plan"), run_record(source, repeat=args.repeat, seed=args.seed, sizes=results)
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
