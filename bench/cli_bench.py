"""The `pulse` CLI benchmark: wall time and peak memory of real `pulse` processes on big boards.

Owns the CLI timing method and its budgets. For each board size it writes a board with
make_board.py, then runs `python -m pulseboard ...` as a fresh subprocess per sample (what a
person or an agent pays per command; the installed `pulse` script costs the same, see the
`--version` rows) and times `ls --json`, `show ID`, `start ID` and a shell's TAB after `pulse show `
(every id: bash completes the ids alone, zsh shows their titles; then an id prefix in zsh; the
process argcomplete starts, as the shell's script runs it):

  cold  no pulse parse cache: `tasks/.pulse/cache` is deleted before every sample.
  warm  the parse cache is present and current.

The OS page cache stays warm in both (every file was just written or read), so "cold" here is
pulse's own cold start, not a cold disk. Python runs from bytecode, as an installed copy does
(PYTHONDONTWRITEBYTECODE is dropped; the .pyc files go to a scratch PYTHONPYCACHEPREFIX).

Each `start` sample moves a different, well-formed open task into doing/, so every sample is a
real move; the moved files are put back afterwards. Peak RSS comes from one extra, untimed run
under GNU time (see common.Runner). Medians and minimums go to stdout and, merged by size, to
`bench/out/cli_<date>.json`. Unix only.

    python bench/cli_bench.py --sizes 1000 10000 [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    PULSE,
    BenchError,
    Runner,
    Timings,
    bench_parser,
    board_for,
    drop_parse_cache,
    headline,
    judge,
    print_head,
    results_path,
    rounded,
    run_record,
    write_results,
)

from pulseboard.core import ids
from pulseboard.core.board import Board, Entry
from pulseboard.core.taskfile import read_task_file

BUDGET_SIZE = 10_000
TABS = {  # row: (shell, what is typed after `pulse show `); TAB_BUDGET each, at BUDGET_SIZE
    "TAB: show ... (bash)": ("bash", ""),
    "TAB: show ... (zsh: ids alone past 1,000)": ("zsh", ""),
    "TAB: show PREFIX (zsh, titles)": ("zsh", "PREFIX"),
}
TAB_BUDGET = 0.30
BUDGETS = {
    "ls --json": 0.30,
    "start ID": 0.15,
    **dict.fromkeys(TABS, TAB_BUDGET),
}  # s, at BUDGET_SIZE, cold or warm
COMPARISON = "measured elsewhere at 10,000 tasks: Backlog.md 4-5 s per CLI command, Taskwarrior 0.15-0.25 s"


@dataclass
class Result(Timings):
    """One command at one board size and cache state: its timed samples and its peak memory."""

    size: int
    command: str
    cache: str  # "cold", "warm", or "-" where no board is involved
    seconds: list[float] = field(default_factory=list)
    rss_kb: int | None = None

    @property
    def budget(self) -> float | None:
        return BUDGETS.get(self.command) if self.size == BUDGET_SIZE else None

    def as_json(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "cache": self.cache,
            "median_s": rounded(self.median),
            "min_s": rounded(self.best),
            "peak_rss_mb": None if self.rss_kb is None else round(self.rss_kb / 1024, 1),
            "budget_s": self.budget,
            "verdict": self.verdict(),
            "samples_s": [round(s, 4) for s in self.seconds],
        }

    def verdict(self) -> str | None:
        return judge(self.median, self.budget)


def _series(
    runner: Runner,
    result: Result,
    repeat: int,
    argv_for: Callable[[int], list[str]],
    before: Callable[[int], object] | None = None,
    after: Callable[[int], object] | None = None,
    env: dict[str, str] | None = None,
) -> Result:
    """`repeat` timed runs, then one run for peak RSS; before(i) and after(i) go untimed around each;
    env: added to the runner's."""
    for i in range(repeat + 1):
        if before is not None:
            before(i)
        if i < repeat:
            result.seconds.append(runner.time(argv_for(i), env))
        else:
            result.rss_kb = runner.peak_rss_kb(argv_for(i), env)
        if after is not None:
            after(i)
    return result


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


def tab_hooks(shell: str, line: str, least: int, answer: Path) -> dict[str, Any]:
    """A TAB at the end of `line` as `pulse completion SHELL`'s script asks for it (argcomplete's
    protocol; the completions go to the file `answer`, one a line), and a check after each run that
    at least `least` came back."""

    def check(_: int) -> None:
        offered = answer.read_text().splitlines()
        if len(offered) < least:
            raise BenchError(f"a TAB after `{line}` offered {len(offered)} ids, not at least {least}")

    env = {
        "_ARGCOMPLETE": "1",
        "_ARGCOMPLETE_SHELL": shell,
        "_ARGCOMPLETE_IFS": "\n",
        "_ARGCOMPLETE_SUPPRESS_SPACE": "1",
        "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        "COMP_LINE": line,
        "COMP_POINT": str(len(line)),
        "COMP_TYPE": "9",
    }
    return {"env": env, "after": check}


def bench_size(size: int, repeat: int, seed: int, runner: Runner, keep: Path | None) -> dict[str, Any]:
    """Every command at one board size; the size's JSON record."""
    root, made_in = board_for(size, seed, keep, runner.workdir)
    board = Board(root)
    show_id, starts, shorts = _pick_targets(board, 2 * (repeat + 1), seed)
    files = len(board.entries())
    base = [*PULSE, "--board", str(root)]
    originals = {e.name: e.path.read_bytes() for e in starts}
    results: list[Result] = []

    def series(command: str, cache: str, argv_for: Callable[[int], list[str]], **hooks: Any) -> None:
        if cache == "cold":
            hooks["before"] = lambda _: drop_parse_cache(root)
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
        drop_parse_cache(root)
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
        for cache in ("cold", "warm"):
            for row, (shell, typed) in TABS.items():
                line = f"pulse --board {root} show {typed.replace('PREFIX', show_id[:2])}"
                least = 1 if typed else len(shorts)  # the task the prefix comes from, or every task
                hooks = tab_hooks(shell, line, least, runner.workdir / "completions")
                series(row, cache, lambda _: PULSE, **hooks)
    finally:
        for name, data in originals.items():  # put the started tasks back as they were
            (root / "doing" / name).unlink(missing_ok=True)
            (root / "open" / name).write_bytes(data)
        drop_parse_cache(root)
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
    print_head(head)
    for r in results:
        budget = f"≤{r.budget:.2f} s" if r.budget is not None else ""
        size = f"{r.size:,}" if r.size else "-"
        rss = "?" if r.rss_kb is None else f"{r.rss_kb / 1024:.1f} MB"
        print(
            f"{size:>8}  {r.command:<30} {r.cache:<5} {r.median:>6.3f} s {r.best:>6.3f} s"
            f"  {budget:>7} {r.verdict() or '':<4}  {rss:>9}"
        )
    if any(r.budget is not None for r in results):
        print(f"({COMPARISON})")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("Time the pulse CLI on generated boards.", "cli", [1_000, 10_000, 100_000])
    parser.add_argument("--repeat", type=int, default=5, help="samples per command (default 5)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    out = results_path(args.out, "cli")
    source = headline(
        "CLI benchmark",
        f"{os.cpu_count()} CPUs, median and min of {args.repeat} runs, one fresh process per run",
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
    record = run_record(
        source, rss_method=runner.rss_method, baseline=[r.as_json() for r in base], sizes=sizes
    )
    write_results(out, record)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
