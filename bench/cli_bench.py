"""The `pulse` CLI benchmark: wall time and peak memory of real `pulse` processes on big boards.

Owns the CLI timing method and its budgets. For each board size it writes a board with
make_board.py, then runs `python -m pulseboard ...` as a fresh subprocess per sample (what a
person or an agent pays per command; the installed `pulse` script costs the same, see the
`--version` rows) and times `ls --json`, `show ID` and `start ID`:

  cold  no pulse parse cache: `tasks/.pulse/cache` is deleted before every sample.
  warm  the parse cache is present and current.

The OS page cache stays warm in both (every file was just written or read), so "cold" here is
pulse's own cold start, not a cold disk. Python runs from bytecode, as an installed copy does
(PYTHONDONTWRITEBYTECODE is dropped; the .pyc files go to a scratch PYTHONPYCACHEPREFIX).

Each `start` sample moves a different, well-formed open task into doing/, so every sample is a
real move; the moved files are put back afterwards. Peak RSS comes from one extra, untimed run
under GNU time (see Runner). Medians and minimums go to stdout and, merged by size, to
`bench/out/cli_<date>.json`. Unix only.

    python bench/cli_bench.py --sizes 1000 10000 [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from make_board import make_board

from pulseboard import __version__
from pulseboard.core import ids
from pulseboard.core.board import Board, Entry
from pulseboard.core.taskfile import read_task_file

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
PULSE = [sys.executable, "-m", "pulseboard"]
TIME = "/usr/bin/time"
BUDGET_SIZE = 10_000
BUDGETS = {"ls --json": 0.30, "start ID": 0.15}  # seconds, at BUDGET_SIZE tasks, cold or warm
COMPARISON = "measured elsewhere at 10,000 tasks: Backlog.md 4-5 s per CLI command, Taskwarrior 0.15-0.25 s"


@dataclass
class Result:
    """One command at one board size and cache state: its timed samples and its peak memory."""

    size: int
    command: str
    cache: str  # "cold", "warm", or "-" where no board is involved
    seconds: list[float] = field(default_factory=list)
    rss_kb: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def budget(self) -> float | None:
        return BUDGETS.get(self.command) if self.size == BUDGET_SIZE else None

    def as_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "cache": self.cache,
            "median_s": round(self.median, 4),
            "min_s": round(self.best, 4),
            "peak_rss_mb": None if self.rss_kb is None else round(self.rss_kb / 1024, 1),
            "budget_s": self.budget,
            "verdict": verdict(self),
            "samples_s": [round(s, 4) for s in self.seconds],
        }


class BenchError(Exception):
    """A pulse run failed or did something other than what the benchmark asked."""


def verdict(result: Result) -> str | None:
    if result.budget is None:
        return None
    return "PASS" if result.median <= result.budget else "OVER"


class Runner:
    """Runs pulse commands as subprocesses: timed, or under /usr/bin/time for their peak RSS.

    Peak RSS gets its own (untimed) run: the rusage of a child started straight from this
    process counts this process's own size from before the exec, so it would overstate a small
    command; GNU time's %M is measured from a tiny parent. Without /usr/bin/time the wait4
    figure is kept, and `rss_method` says so.
    """

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.stdout = workdir / "stdout"
        self.stderr = workdir / "stderr"
        skip = ("PULSE_BOARD", "PYTHONDONTWRITEBYTECODE")
        self.env = {k: v for k, v in os.environ.items() if k not in skip}
        self.env["PULSE_ACTOR"] = "bench"
        # Time pulse as installed copies run it, from bytecode, but keep the .pyc files out of src/.
        self.env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
        self.gnu_time = TIME if os.access(TIME, os.X_OK) else None
        self.rss_method = "GNU time %M" if self.gnu_time else "wait4 ru_maxrss (includes the parent's size)"

    def _spawn(self, argv: list[str]) -> tuple[float, int]:
        """Run argv to completion: its wall time and the wait4 peak RSS (KiB). BenchError if it fails."""
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=out, stderr=err, env=self.env, cwd=self.workdir)
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            detail = self.stderr.read_text(errors="replace").strip()
            raise BenchError(f"`{' '.join(argv)}` exited with {proc.returncode}: {detail}")
        return elapsed, usage.ru_maxrss

    def time(self, argv: list[str]) -> float:
        return self._spawn(argv)[0]

    def peak_rss_kb(self, argv: list[str]) -> int:
        if self.gnu_time is None:
            return self._spawn(argv)[1]
        report = self.workdir / "rss"
        self._spawn([self.gnu_time, "-f", "%M", "-o", str(report), *argv])
        return int(report.read_text().split()[-1])


def _series(
    runner: Runner,
    result: Result,
    repeat: int,
    argv_for: Callable[[int], list[str]],
    before: Callable[[int], object] | None = None,
    after: Callable[[int], object] | None = None,
) -> Result:
    """`repeat` timed runs, then one run for peak RSS; before(i) and after(i) go untimed around each."""
    for i in range(repeat + 1):
        if before is not None:
            before(i)
        if i < repeat:
            result.seconds.append(runner.time(argv_for(i)))
        else:
            result.rss_kb = runner.peak_rss_kb(argv_for(i))
        if after is not None:
            after(i)
    return result


def _drop_cache(root: Path) -> None:
    shutil.rmtree(root / ".pulse" / "cache", ignore_errors=True)


def _good(board: Board, entry: Entry) -> bool:
    """A task pulse named and can fully read and stamp, so timings don't depend on error paths."""
    if ids.name_part(entry.name[:-3]) == entry.name[:-3]:
        return False
    record = read_task_file(entry.path, board.root, entry.fallback_title)
    return bool(record["writable"]) and record["error"] is None


def _pick_targets(board: Board, count: int, seed: int) -> tuple[str, list[Entry], dict[str, str]]:
    """A done task to show, `count` open tasks to start, and every task's short id."""
    entries = board.entries()
    shorts = ids.short_ids(e.id for e in entries)
    rng = random.Random(seed)
    done = [e for e in entries if e.state == "done"]
    show = next(e for e in rng.sample(done, len(done)) if _good(board, e))
    opened = [e for e in entries if e.state == "open"]
    starts = [e for e in rng.sample(opened, len(opened)) if _good(board, e)][:count]
    if len(starts) < count:
        raise BenchError(f"only {len(starts)} well-formed open tasks; need {count} for the start samples")
    return shorts[show.id], starts, shorts


def _board_for(size: int, seed: int, keep: Path | None, scratch: Path) -> tuple[Path, float | None]:
    """The board folder for a size, and its generation time (None when a kept board is reused)."""
    home = (keep or scratch) / f"board-{size}"
    root = home / "tasks"
    marker = home / "made.json"
    wanted = {"n": size, "seed": seed}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        return root, None
    if home.exists():
        raise BenchError(f"{home} exists but was not made by this benchmark for n={size}, seed={seed}")
    started = time.perf_counter()
    make_board(root, size, seed)
    marker.write_text(json.dumps(wanted))
    return root, time.perf_counter() - started


def bench_size(size: int, repeat: int, seed: int, runner: Runner, keep: Path | None) -> dict[str, Any]:
    """Every command at one board size; the size's JSON record."""
    print(f"\n== {size:,} tasks: ", end="", flush=True)
    root, made_in = _board_for(size, seed, keep, runner.workdir)
    print("reused kept board" if made_in is None else f"generated in {made_in:.1f} s", flush=True)
    board = Board(root)
    show_id, starts, shorts = _pick_targets(board, 2 * (repeat + 1), seed)
    files = len(board.entries())
    base = [*PULSE, "--board", str(root)]
    originals = {e.name: e.path.read_bytes() for e in starts}
    results: list[Result] = []

    def series(command: str, cache: str, argv_for: Callable[[int], list[str]], **hooks: Any) -> None:
        if cache == "cold":
            hooks["before"] = lambda _: _drop_cache(root)
        else:
            runner.time(ls_argv(0))  # brings the parse cache up to date
        results.append(_series(runner, Result(size, command, cache), repeat, argv_for, **hooks))

    def ls_argv(_: int) -> list[str]:
        return [*base, "ls", "--json"]

    def show_argv(_: int) -> list[str]:
        return [*base, "show", show_id]

    def start_argv(offset: int) -> Callable[[int], list[str]]:
        return lambda i: [*base, "start", shorts[starts[offset + i].id]]

    def moved(offset: int) -> Callable[[int], None]:
        def check(i: int) -> None:
            entry = starts[offset + i]
            if not (root / "doing" / entry.name).is_file() or entry.path.exists():
                raise BenchError(f"start {shorts[entry.id]} did not move open/{entry.name} to doing/")

        return check

    try:
        _drop_cache(root)
        runner.time(ls_argv(0))
        listed = len(json.loads(runner.stdout.read_bytes()))
        if listed != files:
            raise BenchError(f"ls --json listed {listed} tasks, but the board has {files} task files")
        series("ls --json", "cold", ls_argv)
        series("ls --json", "warm", ls_argv)
        series("show ID", "cold", show_argv)
        series("show ID", "warm", show_argv)
        series("start ID", "cold", start_argv(0), after=moved(0))
        series("start ID", "warm", start_argv(repeat + 1), after=moved(repeat + 1))
    finally:
        for name, data in originals.items():  # put the started tasks back as they were
            (root / "doing" / name).unlink(missing_ok=True)
            (root / "open" / name).write_bytes(data)
        _drop_cache(root)
    print_table(results)
    return {
        "size": size,
        "repeat": repeat,
        "seed": seed,
        "task_files": files,
        "generate_s": None if made_in is None else round(made_in, 2),
        "results": [r.as_json() for r in results],
    }


def baseline(repeat: int, runner: Runner) -> list[Result]:
    """What any pulse command costs before it touches a board: the interpreter, then pulse's imports."""
    script = shutil.which("pulse")
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -m pulseboard --version": [*PULSE, "--version"],
    }
    if script:
        commands["pulse --version (script)"] = [script, "--version"]
    runner.time(commands["python -m pulseboard --version"])  # bytecode compiled before timing
    return [
        _series(runner, Result(0, name, "-"), repeat, lambda _, a=argv: a) for name, argv in commands.items()
    ]


def print_table(results: list[Result]) -> None:
    head = (
        f"{'tasks':>8}  {'command':<30} {'cache':<5} {'median':>8} {'min':>8}"
        f"  {'budget':>7} {'':<4}  {'peak RSS':>9}"
    )
    print(head)
    print("-" * len(head))
    for r in results:
        budget = f"≤{r.budget:.2f} s" if r.budget is not None else ""
        size = f"{r.size:,}" if r.size else "-"
        rss = "?" if r.rss_kb is None else f"{r.rss_kb / 1024:.1f} MB"
        print(
            f"{size:>8}  {r.command:<30} {r.cache:<5} {r.median:>6.3f} s {r.best:>6.3f} s"
            f"  {budget:>7} {verdict(r) or '':<4}  {rss:>9}"
        )
    if any(r.budget is not None for r in results):
        print(f"({COMPARISON})")


def _source_version() -> str:
    """The commit being measured, `+dirty` if src/ has changes not committed; "?" outside git."""

    def git(*args: str) -> str:
        argv = ["git", "-C", str(BENCH_DIR.parent), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        changes = git("status", "--porcelain", "--", "src")
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{head}+dirty" if changes else head


def _merge(path: Path, record: dict[str, Any]) -> dict[str, Any]:
    """This run merged into the day's file: sizes measured now replace the same sizes from earlier."""
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        old = {}
    fresh = {s["size"] for s in record["sizes"]}
    kept = [s for s in old.get("sizes", []) if s.get("size") not in fresh]
    record["sizes"] = sorted(kept + record["sizes"], key=lambda s: s["size"])
    return record


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the pulse CLI on generated boards.")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000], metavar="N")
    parser.add_argument("--repeat", type=int, default=5, help="samples per command (default 5)")
    parser.add_argument("--seed", type=int, default=0, help="board generator seed (default 0)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep boards in DIR, reuse them next run")
    parser.add_argument("--out", type=Path, help="JSON results file (default bench/out/cli_<date>.json)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    out = args.out or OUT_DIR / f"cli_{dt.date.today().isoformat()}.json"
    source = _source_version()
    print(
        f"pulse {__version__} ({source}) CLI benchmark: Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, median and min of {args.repeat} runs, one fresh process per run"
    )
    with tempfile.TemporaryDirectory(prefix="pulse-bench-") as scratch:
        runner = Runner(Path(scratch))
        base = baseline(args.repeat, runner)
        print()
        print_table(base)
        sizes = []
        failed = False
        try:
            for size in args.sizes:
                sizes.append(bench_size(size, args.repeat, args.seed, runner, args.keep))
        except BenchError as exc:  # keep the sizes already measured
            print(f"\ncli_bench: {exc}", file=sys.stderr)
            failed = True
    record = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pulse": __version__,
        "source": source,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "rss_method": runner.rss_method,
        "baseline": [r.as_json() for r in base],
        "sizes": sizes,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(_merge(out, record), indent=1) + "\n")
    print(f"\nwrote {out}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
