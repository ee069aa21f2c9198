"""The board app benchmark: how soon `pulse` paints a big board, and how soon a key moves a task.

Owns the board app's timing method and its budgets. The app runs in a real terminal: a private
tmux server (its own socket, so it never touches anyone's tmux), a 160x48 window, the app started
as `python -m pulseboard --board DIR` with the same bytecode set-up as cli_bench.py (no
PYTHONDONTWRITEBYTECODE; .pyc files in a scratch PYTHONPYCACHEPREFIX; see common.py). The benchmark
reads the screen the way a person would, as text (`tmux capture-pane -p`), polled as fast as practical
through one tmux control-mode client (a subprocess per poll would cost ~2 ms; a control-mode
round trip costs a fraction of that; both are printed, as the "poll" floor, next to the figures).

  painted  from just before `tmux new-session` to the first capture that shows the loaded board:
           every column title with the board's true count (counted from the files on disk, e.g.
           `Open 20000`, `Doing 3/3`), the key bar at the
           bottom (a frame can reach the terminal in more than one write) and no `Loading…`.
           warm: the parse cache is present and current; cold: `tasks/.pulse/cache` is deleted
           first (pulse's own cold start; the OS page cache stays warm).
  s        with the board painted and Open focused, from `send-keys s` to the capture showing
           `Doing M+1/3` and `Open N-1` (the task moved on disk, the board redrawn).
  d        then, from `send-keys d` (focus followed the task into Doing) to `Done D+1`, `Doing M/3`.
           Between samples `h h` goes back to Open (untimed); each sample moves a different,
           well-formed open task, and the benchmark puts them all back afterwards.
  ?        the help screen: a key that touches no file, for the app's own key-to-paint floor.
  peak RSS VmHWM of the app process (/proc/PID/status), read after it painted (and, for the key
           session, after the moves).

A sample that does not show what it waits for within 30 s counts as a failure (its screen is kept
in the JSON). Every tmux session, and the server, is killed on the way out. The breakdown rows
time the parts in fresh processes: interpreter, imports, `Board.tasks()` and `Snapshot(...)`.
Results go to stdout and, merged by size, to `bench/out/tui_<date>.json`. Linux only (/proc).

`--compare SRC` times two source trees in one run instead: the app started with PYTHONPATH=SRC
("before", another checkout's src/) and with PYTHONPATH set to this checkout's src/ ("after"), on
the same board, the same number of samples, in rounds that alternate which tree goes first. A
round, per tree: a cold paint, then a warm paint in a fresh app (the parse cache first brought up
to date by that tree, untimed), 1 s of quiet, `?`, one `s` and `d`, and one sample of each of
live_bench.py's changes on disk (create, edit, atomic save, mv, rm, `pulse start` as that tree's
CLI); then the board is put back. Medians side by side go to stdout and, merged by size, to
`bench/out/tui_compare_<date>.json`.

    python bench/tui_bench.py --sizes 1000 10000 [--repeat N] [--keep DIR]
    python bench/tui_bench.py --sizes 10000 --repeat 5 --compare /tmp/base/src [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import live_bench
from common import (
    HEIGHT,
    PULSE,
    REPO_DIR,
    WIDTH,
    AppSession,
    BenchError,
    SampleFailed,
    Timings,
    Tmux,
    bench_env,
    bench_parser,
    board_for,
    board_shown,
    copy_board,
    disk_counts,
    drop_parse_cache,
    fmt_seconds,
    headline,
    journal_sizes,
    judge,
    poll_floor,
    print_failure,
    print_head,
    require_tmux,
    results_path,
    rounded,
    run_record,
    source_version,
    titles_show,
    trim_journal,
    write_results,
)

from pulseboard.core import ids
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.snapshot import Snapshot

SETTLE = 0.3  # untimed pause after a sample, so the next one starts from an idle app
QUIET = 1.0  # --compare: pause after the warm paint, so the first beat and figures are out of the way
HELP_MARK = "ctrl+p: every action"  # a line of the help screen
PAINT_BUDGETS = {10_000: 0.8, 100_000: 3.0}  # seconds, launch to board painted (cold or warm)
MOVE_BUDGET = 0.050  # seconds, key to moved task shown, at any size
RSS_BUDGETS_MB = {100_000: 400}
COMPARISON = (
    "measured elsewhere: kanban-tui shows 1,000 tasks in 10 s and 10,000 in 100 s; "
    "Backlog.md shows 10,000 in 6-7 s"
)


@dataclass
class Row(Timings):
    """One measurement at one board size: its samples, failures and peak memory."""

    size: int
    what: str
    cache: str  # "warm", "cold", or "-"
    seconds: list[float] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)  # what went wrong, the last screen
    rss_kb: list[int] = field(default_factory=list)

    @property
    def budget(self) -> float | None:
        if self.what == "painted":
            return PAINT_BUDGETS.get(self.size)
        if self.what in ("s", "d"):
            return MOVE_BUDGET
        return None

    @property
    def rss_budget_mb(self) -> int | None:
        return RSS_BUDGETS_MB.get(self.size) if self.rss_kb else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.rss_kb else None

    def verdict(self) -> str | None:
        return judge(self.median, self.budget, bool(self.failures))

    def rss_verdict(self) -> str | None:
        if self.rss_budget_mb is None or self.peak_mb is None:
            return None
        return "PASS" if self.peak_mb <= self.rss_budget_mb else "OVER"

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "cache": self.cache,
            "median_s": rounded(self.median),
            "min_s": rounded(self.best),
            "max_s": rounded(self.worst),
            "budget_s": self.budget,
            "verdict": self.verdict(),
            "peak_rss_mb": None if self.peak_mb is None else round(self.peak_mb, 1),
            "rss_budget_mb": self.rss_budget_mb,
            "rss_verdict": self.rss_verdict(),
            "samples_s": [round(s, 4) for s in self.seconds],
            "rss_samples_mb": [round(k / 1024, 1) for k in self.rss_kb],
            "failures": self.failures,
        }


# -- the samples --------------------------------------------------------------------------------


def _fail(row: Row, exc: SampleFailed | BenchError, size: int) -> None:
    row.failures.append(print_failure(f"{size:,} {row.what} {row.cache}", exc))


def paint_sample(
    tmux: Tmux, root: Path, row: Row, poll: float, shown: Any, env: dict[str, str] | None = None
) -> None:
    """One fresh app (`env` laid over the server's): launch to painted into `row`, then its peak RSS."""
    if row.cache == "cold":
        drop_parse_cache(root)
    app = AppSession(tmux, root, poll, env)
    try:
        t0 = app.launch()
        row.seconds.append(app.wait_for(shown, t0, f"painted ({row.cache})"))
        time.sleep(SETTLE)
        row.rss_kb.append(app.peak_rss_kb())
    finally:
        app.quit()


def paint_series(
    tmux: Tmux, root: Path, row: Row, repeat: int, poll: float, counts: dict[str, int], limit: int
) -> None:
    shown = board_shown(counts, limit)
    for _ in range(repeat):
        try:
            paint_sample(tmux, root, row, poll, shown)
            print(".", end="", flush=True)
        except (SampleFailed, BenchError) as exc:
            _fail(row, exc, row.size)


def _well_formed(task: Task) -> bool:
    """A task pulse named and can fully read and stamp (cli_bench picks its start targets alike)."""
    return ids.name_part(task.name[:-3]) != task.name[:-3] and task.writable and task.error is None


def plan_moves(board: Board, count: int) -> list[tuple[int, Task]]:
    """The open tasks the `s` samples will move, in order, and the `j` presses each needs first.

    The app starts with the cursor on the first open task; after a move the Open column keeps
    its cursor index, which now holds the next task. Badly-formed tasks are stepped over.
    """
    order = list(Snapshot(board.tasks()).column("open"))
    cursor = 0
    plan = []
    for _ in range(count):
        index = next((i for i in range(cursor, len(order)) if _well_formed(order[i])), None)
        if index is None:
            raise BenchError(f"fewer than {count} well-formed open tasks after the cursor")
        plan.append((index - cursor, order[index]))
        del order[index]
        cursor = min(index, max(len(order) - 1, 0))
    return plan


def move_sample(
    app: AppSession,
    root: Path,
    move: tuple[int, Task],
    counts: dict[str, int],
    limit: int,
    rows: dict[str, Row],
) -> dict[str, int]:
    """`j` up to the task, then `s` (open → doing) and `d` (doing → done), timed into rows;
    the counts after."""
    presses, task = move
    if presses:
        app.keys(*["j"] * presses)
        time.sleep(SETTLE)
    started = dict(counts, open=counts["open"] - 1, doing=counts["doing"] + 1)
    t0 = app.keys("s")
    rows["s"].seconds.append(app.wait_for(titles_show(started, limit, STATES), t0, "s"))
    if not (root / "doing" / task.name).is_file():
        raise BenchError(f"s moved something other than open/{task.name}")
    time.sleep(SETTLE)
    finished = dict(started, doing=counts["doing"], done=counts["done"] + 1)
    t0 = app.keys("d")
    rows["d"].seconds.append(app.wait_for(titles_show(finished, limit, STATES), t0, "d"))
    time.sleep(SETTLE)
    return finished


def help_sample(app: AppSession, row: Row) -> None:
    """`?` to the help screen, timed into row; then Escape, untimed."""
    t0 = app.keys("?")
    row.seconds.append(app.wait_for(lambda text: HELP_MARK in text, t0, "?"))
    time.sleep(SETTLE)
    app.keys("Escape")
    app.wait_for(lambda text: HELP_MARK not in text, time.perf_counter(), "help closed")
    time.sleep(SETTLE)


def put_back(root: Path, originals: dict[str, bytes]) -> None:
    """Moved tasks back in open/ as they were."""
    for name, data in originals.items():
        for state in ("doing", "done"):
            (root / state / name).unlink(missing_ok=True)
        (root / "open" / name).write_bytes(data)


def key_series(tmux: Tmux, root: Path, rows: dict[str, Row], repeat: int, poll: float, limit: int) -> None:
    """One warm session: `repeat` samples of `s` then `d`, then of `?`; the moves put back after.

    The `h` presses go one at a time: the app moves focus on its next loop turn, so two `h` in
    one terminal read both start from the same column and land one column over, not two.
    """
    board = Board(root)
    plan = plan_moves(board, repeat)
    originals = {task.name: task.path.read_bytes() for _, task in plan}
    journal = journal_sizes(root)
    counts = disk_counts(root)
    app = AppSession(tmux, root, poll)
    try:
        t0 = app.launch()
        app.wait_for(board_shown(counts, limit), t0, "painted (before the keys)")
        time.sleep(SETTLE)
        for move in plan:
            counts = move_sample(app, root, move, counts, limit, rows)
            for _ in range(2):  # Done -> Doing -> Open, one key at a time (see above)
                app.keys("h")
                time.sleep(SETTLE)
            print(".", end="", flush=True)
        for _ in range(repeat):
            help_sample(app, rows["?"])
        rows["s"].rss_kb.append(app.peak_rss_kb())
    except (SampleFailed, BenchError) as exc:
        _fail(rows["s"], exc, rows["s"].size)
    finally:
        app.quit()
        put_back(root, originals)
        trim_journal(root, journal)  # and forget their journal lines


# -- where the time goes ------------------------------------------------------------------------

_PARTS = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from pulseboard.core.board import Board
from pulseboard.core.ids import ShortIds
from pulseboard.core.snapshot import Snapshot
t1 = time.perf_counter()
tasks = Board(Path(sys.argv[1])).tasks()
t2 = time.perf_counter()
snapshot = Snapshot(tasks)
t3 = time.perf_counter()
ShortIds(snapshot.ids())
t4 = time.perf_counter()
times = {"core imports": t1 - t0, "Board.tasks()": t2 - t1, "Snapshot": t3 - t2, "ShortIds": t4 - t3}
print(json.dumps(times))
"""


def _timed(argv: list[str], env: dict[str, str]) -> tuple[float, str]:
    t0 = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    elapsed = time.perf_counter() - t0
    if done.returncode != 0:
        raise BenchError(f"`{' '.join(argv)}` exited with {done.returncode}: {done.stderr.strip()}")
    return elapsed, done.stdout


def baseline(env: dict[str, str], repeat: int) -> list[Row]:
    """The floors with no board: the interpreter, Textual's imports, the app's imports."""
    rows = []
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import textual.app": [sys.executable, "-c", "import textual.app"],
        "import pulseboard.tui.app": [sys.executable, "-c", "import pulseboard.tui.app"],
    }
    _timed(commands["import pulseboard.tui.app"], env)  # compile the bytecode first
    for name, argv in commands.items():
        row = Row(0, name, "-")
        for _ in range(repeat):
            row.seconds.append(_timed(argv, env)[0])
        rows.append(row)
    return rows


def parts(root: Path, env: dict[str, str], repeat: int, size: int) -> list[Row]:
    """Board.tasks(), Snapshot and ShortIds in a fresh process (gc on, as in the app), warm and cold."""
    rows: dict[tuple[str, str], Row] = {}
    for cache in ("warm", "cold"):
        if cache == "warm":
            _timed([sys.executable, "-c", _PARTS, str(root)], env)  # bring the cache up to date
        for _ in range(repeat):
            if cache == "cold":
                drop_parse_cache(root)
            _, out = _timed([sys.executable, "-c", _PARTS, str(root)], env)
            for name, seconds in json.loads(out).items():
                rows.setdefault((name, cache), Row(size, name, cache)).seconds.append(seconds)
    return list(rows.values())


# -- one size -----------------------------------------------------------------------------------


def check_run(app: AppSession, shown: Any, env: dict[str, str]) -> None:
    """An untimed run: the screen test passes, and the app got the benchmark's environment (and
    the session's own, `app.env`). It also compiles the app's bytecode."""
    app.wait_for(shown, app.launch(), "painted (check run)")
    seen = app.environ()
    wanted = {"PYTHONPYCACHEPREFIX": env["PYTHONPYCACHEPREFIX"], **app.env}
    if "PYTHONDONTWRITEBYTECODE" in seen or any(seen.get(k) != v for k, v in wanted.items()):
        raise BenchError("the app in tmux did not get the benchmark's environment")


def bench_size(
    size: int, repeat: int, args: argparse.Namespace, tmux: Tmux, env: dict[str, str], scratch: Path
) -> dict[str, Any]:
    root, made_in = board_for(size, args.seed, args.keep, scratch)
    board = Board(root)
    limit, counts = board.settings.wip_doing, disk_counts(root)
    board.tasks()  # bring the parse cache up to date
    app = AppSession(tmux, root, args.poll)
    try:
        check_run(app, board_shown(counts, limit), env)
        screen = list(app.last_screen)
        floor = [Row(size, what, "-", seconds) for what, seconds in poll_floor(tmux, app, env).items()]
    finally:
        app.quit()
    rows = {key: Row(size, *key) for key in (("painted", "warm"), ("painted", "cold"))}
    moves = {k: Row(size, k, "warm") for k in ("s", "d", "?")}
    for key, row in rows.items():
        print(f"  painted, {key[1]}: ", end="", flush=True)
        if key[1] == "warm":
            board.tasks()
        paint_series(tmux, root, row, repeat, args.poll, counts, limit)
        print(flush=True)
    board.tasks()  # the cold series leaves a cache; make sure it is current
    print("  keys s, d, ?: ", end="", flush=True)
    key_series(tmux, root, moves, repeat, args.poll, limit)
    print(flush=True)
    if disk_counts(root) != counts:
        raise BenchError(f"the board was not put back as it was: {disk_counts(root)} != {counts}")
    print("  breakdown: ", end="", flush=True)
    breakdown = parts(root, env, repeat, size)
    board.tasks()
    print("done", flush=True)
    result = [*floor, *rows.values(), *moves.values(), *breakdown]
    print_table(result)
    return {
        "size": size,
        "repeat": repeat,
        "seed": args.seed,
        "task_files": sum(counts.values()),
        "counts": counts,
        "generate_s": None if made_in is None else round(made_in, 2),
        "results": [r.as_json() for r in result],
        "screen_painted": screen,
    }


def print_table(rows: list[Row]) -> None:
    print_head(
        f"{'tasks':>8}  {'what':<34} {'cache':<5} {'median':>9} {'min':>9} {'max':>9} {'fail':>4}"
        f"  {'budget':>9} {'':<4}  {'peak RSS':>9} {'':<11}"
    )
    s = fmt_seconds
    for r in rows:
        size = f"{r.size:,}" if r.size else "-"
        budget = f"≤{s(r.budget)}" if r.budget is not None else ""
        rss = "" if r.peak_mb is None else f"{r.peak_mb:.0f} MB"
        rss_note = "" if r.rss_budget_mb is None else f"≤{r.rss_budget_mb} MB {r.rss_verdict()}"
        print(
            f"{size:>8}  {r.what:<34} {r.cache:<5} {s(r.median):>9} {s(r.best):>9}"
            f" {s(r.worst):>9} {len(r.failures):>4}  {budget:>9} {r.verdict() or '':<4}  {rss:>9} {rss_note}"
        )
    if any(r.budget is not None for r in rows):
        print(f"({COMPARISON})")


# -- two source trees side by side (--compare) --------------------------------------------------

_WARM = (  # brings the parse cache up to date, as a tree reads it
    "import sys; from pathlib import Path; from pulseboard.core.board import Board; "
    "Board(Path(sys.argv[1])).tasks()"
)
_WHERE = "import pulseboard; print('pulseboard from', pulseboard.__file__)"
_CONFIG = "import sys; from pulseboard.core import config; sys.stdout.write(config.DEFAULT_CONFIG_TEXT)"
COMPARE_ROWS = {  # the table's rows: what, cache
    "painted, warm": ("painted", "warm"),
    "painted, cold": ("painted", "cold"),
    "s": ("s", "warm"),
    "d": ("d", "warm"),
    "?": ("?", "warm"),
}


@dataclass
class Tree:
    """One side of a comparison: a src/ folder the app and the CLI import pulseboard from."""

    name: str  # "before" or "after"
    src: Path
    env: dict[str, str]  # for subprocesses: the benchmark's, with PYTHONPATH=src
    rows: dict[str, Row] = field(default_factory=dict)
    changes: dict[str, live_bench.Kind] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    module: str = ""  # pulseboard.__file__ as the launched interpreter saw it

    @property
    def session_env(self) -> dict[str, str]:
        return {"PYTHONPATH": str(self.src)}

    def medians(self) -> dict[str, float | None]:
        """Every row's median, in the table's order; peak RSS in MB."""
        out: dict[str, float | None] = {what: self.rows[what].median for what in COMPARE_ROWS}
        out.update({what: kind.stat(0.5) for what, kind in self.changes.items()})
        out["peak RSS (MB)"] = self.rows["s"].peak_mb
        return out


def _tree(name: str, src: Path, env: dict[str, str]) -> Tree:
    src = src.resolve()
    if not (src / "pulseboard" / "__init__.py").is_file():
        raise BenchError(f"{src} has no pulseboard/__init__.py: --compare wants a checkout's src/ folder")
    return Tree(name, src, {**env, "PYTHONPATH": str(src)})


def where_imported(tmux: Tmux, tree: Tree, poll: float) -> str:
    """pulseboard.__file__ as an interpreter launched like the app (same tmux session set-up) sees it;
    BenchError unless it is under the tree's src/ (PYTHONPATH must win over the editable install)."""
    app = AppSession(tmux, tree.src, poll, tree.session_env, [sys.executable, "-c", _WHERE])
    try:
        app.wait_for(lambda text: "pulseboard from " in text, app.launch(), "pulseboard.__file__")
    finally:
        app.quit()
    found = re.search(r"pulseboard from (\S+)", "\n".join(app.last_screen))
    module = found.group(1) if found else "?"
    if not Path(module).resolve().is_relative_to(tree.src):
        raise BenchError(f"with PYTHONPATH={tree.src} the app imports pulseboard from {module}")
    return module


def compare_round(
    tmux: Tmux,
    root: Path,
    tree: Tree,
    i: int,
    move: tuple[int, Task],
    counts: dict[str, int],
    limit: int,
    taken: set[str],
    args: argparse.Namespace,
    scratch: Path,
) -> None:
    """One round for one tree: a cold paint; a warm paint, then `?`, `s` and `d`, and one sample
    of each change on disk, all in one app; then the board as it was."""
    originals = {move[1].name: move[1].path.read_bytes()}
    journal = journal_sizes(root)
    run = live_bench.Run(root, counts, limit, secrets.token_hex(2), taken=taken)
    shown = board_shown(counts, limit)
    rows = tree.rows
    try:
        paint_sample(tmux, root, rows["painted, cold"], args.poll, shown, tree.session_env)
        _timed([sys.executable, "-c", _WARM, str(root)], tree.env)  # this tree's parse cache, current
        app = AppSession(tmux, root, args.poll, tree.session_env)
        try:
            rows["painted, warm"].seconds.append(app.wait_for(shown, app.launch(), "painted (warm)"))
            time.sleep(QUIET)
            help_sample(app, rows["?"])
            run.counts = move_sample(app, root, move, counts, limit, rows)
            live_bench.sample(app, run, tree.changes, i, tree.env, scratch)
            rows["s"].rss_kb.append(app.peak_rss_kb())
        finally:
            app.quit()
    except SampleFailed as exc:
        tree.failures.append(print_failure(f"{tree.name}, round {i + 1}", exc))
    finally:
        put_back(root, originals)
        for path in run.made:
            path.unlink(missing_ok=True)
        trim_journal(root, journal)
    if disk_counts(root) != counts:
        raise BenchError(f"the board was not put back as it was: {disk_counts(root)} != {counts}")


def compare_board(size: int, args: argparse.Namespace, scratch: Path, before: Tree) -> Path:
    """The size's board as both trees can read it: a copy, `DIR/compare-N` (without --keep the
    scratch board itself), whose pulse.yaml is the before tree's default (make_board writes this
    tree's, which an older pulse may refuse: unknown keys)."""
    heading = f"\n== {size:,} tasks, before and after: "
    root = copy_board(size, args.seed, args.keep, scratch, "compare", ("cache", "journal", "*.lock"), heading)
    print(flush=True)
    (root / "pulse.yaml").write_text(_timed([sys.executable, "-c", _CONFIG], before.env)[1], encoding="utf-8")
    return root


def compare_size(
    size: int, repeat: int, args: argparse.Namespace, tmux: Tmux, trees: list[Tree], scratch: Path
) -> dict[str, Any]:
    root = compare_board(size, args, scratch, trees[0])
    board = Board(root)
    limit, counts = board.settings.wip_doing, disk_counts(root)
    taken = {t.id for t in board.tasks()}
    move = plan_moves(board, 1)[0]  # the same task every round: it is put back after each
    for tree in trees:
        tree.rows = {name: Row(size, *key) for name, key in COMPARE_ROWS.items()}
        tree.changes = live_bench.kinds(size)
        tree.failures = []
        _timed([*PULSE, "--version"], tree.env)  # compile its CLI (`pulse start`)
        _timed([sys.executable, "-c", _WARM, str(root)], tree.env)
        app = AppSession(tmux, root, args.poll, tree.session_env)
        try:
            check_run(app, board_shown(counts, limit), tree.env)
        except SampleFailed as exc:
            print_failure(f"{tree.name} check run", exc)
            raise BenchError(f"the {tree.name} tree's app did not show the board: {exc}") from exc
        finally:
            app.quit()
    order = []
    for i in range(repeat):
        turn = trees if i % 2 == 0 else trees[::-1]  # who goes first alternates
        order.append([t.name for t in turn])
        print(f"  round {i + 1}: ", end="", flush=True)
        for tree in turn:
            print(f"{tree.name} ", end="", flush=True)
            compare_round(tmux, root, tree, i, move, counts, limit, taken, args, scratch)
        print(flush=True)
    board.tasks()
    table = compare_table(trees)
    print_compare(size, trees, table)
    return {
        "size": size,
        "repeat": repeat,
        "seed": args.seed,
        "counts": counts,
        "order": order,
        "table": table,
        **{
            t.name: {
                "rows": [r.as_json() for r in t.rows.values()] + [k.as_json() for k in t.changes.values()],
                "failures": t.failures,
            }
            for t in trees
        },
    }


def compare_table(trees: list[Tree]) -> list[dict[str, Any]]:
    """Per row: each tree's median and sample count, and the change from the first to the second."""
    before, after = trees
    b, a = before.medians(), after.medians()
    counts = {t.name: {w: len(r.seconds) for w, r in [*t.rows.items(), *t.changes.items()]} for t in trees}
    table = []
    for what in b:
        x, y = b[what], a[what]
        row: dict[str, Any] = {"what": what, "before": rounded(x), "after": rounded(y)}
        row["change"] = None if x is None or y is None or x == 0 else round(y / x - 1, 4)
        if what != "peak RSS (MB)":
            row["n"] = [counts[before.name][what], counts[after.name][what]]
        table.append(row)
    return table


def print_compare(size: int, trees: list[Tree], table: list[dict[str, Any]]) -> None:
    print()
    for t in trees:
        print(f"  {t.name}: {t.module} ({source_version(t.src.parent)})")
    print_head(f"{'tasks':>8}  {'row':<26} {'n':>5} {'before':>10} {'after':>10}  {'change':<20}")
    for r in table:
        mb = r["what"] == "peak RSS (MB)"
        x, y = r["before"], r["after"]

        def cell(v: float | None, mb: bool = mb) -> str:
            return ("-" if v is None else f"{v:.0f} MB") if mb else fmt_seconds(v)

        if x is None or y is None:
            change = "-"
        else:
            if mb:
                delta = f"{y - x:+.0f} MB"
            else:
                delta = f"{(y - x) * 1000:+.1f} ms" if abs(y - x) < 0.1 else f"{y - x:+.3f} s"
            change = delta if r["change"] is None else f"{delta} ({r['change'] * 100:+.0f}%)"
        n = "" if mb else "/".join(str(k) for k in r["n"])
        print(f"{size:>8,}  {r['what']:<26} {n:>5} {cell(x):>10} {cell(y):>10}  {change:<20}")
    print("(medians; n: samples before/after; a round alternates which tree goes first)")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        "Time the pulse board app in a real terminal (tmux).", "tui", [1_000, 10_000, 100_000], poll=True
    )
    parser.add_argument("--repeat", type=int, help="samples per row (default 5; 3 above 10,000 tasks)")
    parser.add_argument(
        "--compare",
        type=Path,
        metavar="SRC",
        help="time the app from SRC (another checkout's src/) and from this one's, side by side",
    )
    parser.add_argument(
        "--after", type=Path, metavar="SRC", help="with --compare: the after side (default: src/ here)"
    )
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.after and not args.compare:
        parser.error("--after goes with --compare")
    tmux = require_tmux(parser)
    out = results_path(args.out, "tui_compare" if args.compare else "tui")
    source = headline(
        "board app benchmark",
        f"{tmux}, {WIDTH}x{HEIGHT}, {os.cpu_count()} CPUs; median, min and max per row",
    )
    sizes: list[dict[str, Any]] = []
    base: list[Row] = []
    trees: list[Tree] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="pulse-tui-bench-") as scratch:
        env = bench_env(Path(scratch))
        server = Tmux(env)
        try:
            if args.compare:
                after = args.after or REPO_DIR / "src"
                trees = [_tree("before", args.compare, env), _tree("after", after, env)]
                for tree in trees:
                    tree.module = where_imported(server, tree, args.poll)
                    print(f"{tree.name}: pulseboard from {tree.module}")
            else:
                base = baseline(env, args.repeat or 5)
                print()
                print_table(base)
            for size in args.sizes:
                repeat = args.repeat or (5 if size <= 10_000 else 3)
                if trees:
                    sizes.append(compare_size(size, repeat, args, server, trees, Path(scratch)))
                else:
                    sizes.append(bench_size(size, repeat, args, server, env, Path(scratch)))
        except BenchError as exc:  # keep the sizes already measured
            print(f"\ntui_bench: {exc}", file=sys.stderr)
            failed = True
        finally:
            server.close()
    fields: dict[str, Any] = {"tmux": tmux, "terminal": f"{WIDTH}x{HEIGHT}", "poll_pause_s": args.poll}
    if trees:
        for t in trees:
            fields[t.name] = {"src": str(t.src), "module": t.module, "source": source_version(t.src.parent)}
        failed = failed or any(s[t.name]["failures"] for s in sizes for t in trees)
    else:
        fields["baseline"] = [r.as_json() for r in base]
        failed = failed or any(r["failures"] for s in sizes for r in s["results"])
    write_results(out, run_record(source, **fields, sizes=sizes))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
