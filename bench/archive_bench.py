"""Time a board with a year of archived work against the same board without it (issue 16, item 5):
"the board at 100,000 tasks with 90,000 archived opens as fast as a board of 10,000".

Owns the archive's rows. Board A is make_board.py's board of 10,000 tasks (`board-10000`, kept with
`--keep DIR`). Board B (`archived-100000`) is a copy of A plus 90,000 more tasks (make_board.py's
files of another seed, all put in done/ and dated over the past year), archived with the core's own
`archive()` into archive/YYYY-MM/ (journalled: 90,000 archive lines): so B's columns hold exactly
A's tasks and B's archive 90,000 more. The same seed always gives the same bytes.

Rows, A and B side by side (samples alternate A, B):

- **launch → first title / → painted**: the board app in tmux at 160x50, as scale_bench.py measures
  it (warm parse cache); a bare Textual app's first frame alongside as the floor.
- **ls --json**, **stats --json**: the CLI (common.Runner, from bytecode), warm. `stats` counts the
  archived tasks from the journal.
- B only: **archive 90,000** (the core's run that made B, once, when B is made), **count archived**
  (`Board.archived_count`, the board's Done title), **show an archived task**, **ls --archived**
  (the first run parses the archive and caches it; the rest are warm).

    python bench/archive_bench.py [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from common import (
    PULSE,
    AppSession,
    BenchError,
    Runner,
    Tmux,
    bench_env,
    bench_parser,
    board_for,
    board_shown,
    disk_counts,
    fmt_seconds,
    headline,
    print_head,
    require_tmux,
    results_path,
    run_record,
)
from make_board import make_board
from scale_bench import BARE_APP, BARE_FILE, TERMINAL, Row, first_title_test, floor_sample, launch_sample

from pulseboard.core import archive
from pulseboard.core.board import STATES, Board

BASE = 10_000
ARCHIVED = 90_000
YEAR_S = 365 * 86400


def archived_board(base: Path, keep: Path | None, scratch: Path, seed: int) -> tuple[Path, float | None]:
    """Board B: A's files plus ARCHIVED done tasks moved into the archive by `archive()`; the
    seconds that run took (None when a kept board is reused)."""
    home = (keep or scratch) / f"archived-{BASE + ARCHIVED}"
    root, marker = home / "tasks", home / "made.json"
    wanted = {"base": BASE, "archived": ARCHIVED, "seed": seed}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        print(f"  B: reused {home}", flush=True)
        return root, None
    if home.exists():
        raise BenchError(f"{home} exists but was not made by this benchmark for {wanted}")
    shutil.copytree(base, root, symlinks=True)
    extra = home / "extra"
    make_board(extra, ARCHIVED, seed + 1)
    rng, now = random.Random(seed), time.time()
    done = root / "done"
    for state in STATES:
        for name in os.listdir(extra / state):
            path = done / name
            os.rename(extra / state / name, path)
            moment = now - YEAR_S * rng.random()
            os.utime(path, (moment, moment))  # a task with no done stamp goes to its file's month
    shutil.rmtree(extra)
    board = Board(root)
    base_ids = {t.id for t in Board(base).tasks(["done"])}
    moving = [t for t in board.tasks(["done"]) if t.id not in base_ids]
    started = time.perf_counter()
    result = archive.archive(board, moving)
    took = time.perf_counter() - started
    if len(result.moved) != ARCHIVED:
        raise BenchError(f"archived {len(result.moved)} of {ARCHIVED}: {result.refused[:3]}")
    board.tasks()  # the columns' parse cache, current
    marker.write_text(json.dumps(wanted))
    print(f"  B: made {home}; archive() of {ARCHIVED:,} tasks took {took:.1f} s", flush=True)
    return root, took


def cli_rows(runner: Runner, a: Path, b: Path, repeat: int) -> dict[str, dict[str, list[float]]]:
    """The CLI's rows, warm (one untimed run first), samples alternating A and B."""
    some_archived = next(iter(Board(b).archived_entries())).id
    commands = {
        "ls --json": ["ls", "--json"],
        "stats --json": ["stats", "--json"],
        "show an archived task": ["show", some_archived, "--json"],
        "ls --archived --json": ["ls", "--archived", "--json"],
    }
    rows: dict[str, dict[str, list[float]]] = {}
    for label, args in commands.items():
        boards = {"B": b} if "archived" in label else {"A": a, "B": b}
        for root in boards.values():
            runner.time([*PULSE, "--board", str(root), *args])  # warm: caches made, bytecode compiled
        rows[label] = {name: [] for name in boards}
        for _ in range(repeat):
            for name, root in boards.items():
                rows[label][name].append(runner.time([*PULSE, "--board", str(root), *args]))
    board = Board(b)
    counts = []
    for _ in range(repeat):
        started = time.perf_counter()
        board.archived_count()
        counts.append(time.perf_counter() - started)
    rows["count archived (Done title)"] = {"B": counts}
    return rows


def launch_rows(tmux: Tmux, a: Path, b: Path, repeat: int, poll: float, scratch: Path) -> dict[str, Any]:
    """Launch to first title and to painted for A and B (alternating), with the bare app's floor."""
    app_env = {"XDG_CONFIG_HOME": str(scratch / "config")}
    script = scratch / BARE_FILE
    script.write_text(BARE_APP, encoding="utf-8")
    floor = Row("floor")
    floor_sample(tmux, floor, poll, app_env, script)  # compiles it
    rows: dict[str, dict[str, Row]] = {}
    tests = {}
    for name, root in (("A", a), ("B", b)):
        board = Board(root)
        counts, limit = disk_counts(root), board.settings.wip_doing
        shown = board_shown(counts, limit)
        tests[name] = {"first title": first_title_test(board.tasks(), counts, limit),
                       "painted": lambda screen, shown=shown: shown(screen.text)}  # fmt: skip
        rows[name] = {key: Row(key) for key in ("first title", "painted", "rss launch")}
        warm = AppSession(tmux, root, poll, app_env, size=TERMINAL)
        try:
            warm.wait_for(shown, warm.launch(), "warm-up")
        finally:
            warm.quit()
    for _ in range(repeat):
        floor_sample(tmux, floor, poll, app_env, script)
        for name, root in (("A", a), ("B", b)):
            launch_sample(tmux, root, rows[name], poll, app_env, tests[name])
        print(".", end="", flush=True)
    print(flush=True)
    out = {"floor": floor.seconds}
    for key in ("first title", "painted", "rss launch"):
        out[key] = {name: rows[name][key].seconds for name in ("A", "B")}
    return out


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def print_table(launch: dict[str, Any], cli: dict[str, dict[str, list[float]]]) -> None:
    print()
    print_head(f"{'row':<34} {'A: 10,000':>12} {'B: 10,000 + 90,000 archived':>29} {'B - A':>9}")
    print(f"{'floor: bare Textual app':<34} {fmt_seconds(median(launch['floor'])):>12}")
    rows = {f"launch → {key}": launch[key] for key in ("first title", "painted")} | cli
    for label, by_board in rows.items():
        a, b = median(by_board.get("A", [])), median(by_board.get("B", []))
        delta = f"{(b - a) * 1000:+.0f} ms" if a is not None and b is not None else ""
        print(f"{label:<34} {fmt_seconds(a):>12} {fmt_seconds(b):>29} {delta:>9}")
    rss = launch["rss launch"]
    a_mb, b_mb = median(rss["A"]) or 0, median(rss["B"]) or 0
    print(f"{'peak RSS after first title':<34} {a_mb:>9.0f} MB {b_mb:>26.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        "Time a board of 10,000 tasks with 90,000 archived against the same board without them.",
        "archive",
        [BASE],
        poll=True,
    )
    parser.add_argument("--repeat", type=int, default=5, help="samples per row and board (5)")
    args = parser.parse_args(argv)
    tmux_version = require_tmux(parser)
    load = os.getloadavg()
    details = f"{tmux_version}, {TERMINAL[0]}x{TERMINAL[1]}, load {load[0]:.2f}"
    source = headline("archive benchmark", details)
    with tempfile.TemporaryDirectory(prefix="pulse-archive-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        env = bench_env(scratch)
        a, _ = board_for(BASE, args.seed, args.keep, scratch)
        b, archive_s = archived_board(a, args.keep, scratch, args.seed)
        if disk_counts(a) != disk_counts(b):
            raise BenchError(f"B's columns differ from A's: {disk_counts(b)} != {disk_counts(a)}")
        print("  launch (floor, A, B): ", end="", flush=True)
        tmux = Tmux(env)
        try:
            launch = launch_rows(tmux, a, b, args.repeat, args.poll, scratch)
        finally:
            tmux.close()
        cli = cli_rows(Runner(scratch), a, b, args.repeat)
    print_table(launch, cli)
    if archive_s is not None:
        print(f"archive() of {ARCHIVED:,} done tasks into archive/YYYY-MM/: {archive_s:.1f} s")
    record = run_record(source, repeat=args.repeat, archive_s=archive_s, launch=launch, cli=cli)
    path = results_path(args.out, "archive")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
