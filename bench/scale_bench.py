"""The scale benchmark (issue 14): the board app on boards of 1,000 to 100,000 tasks in two shapes.

Owns issue 14's scale rows and budgets. Boards come from make_board.py in two shapes: `done` (the
boards every other benchmark uses: ~70% done, 20% open, 3 in doing) and `even` (25% in each state:
thousands in doing, all over the WIP limit). The app runs as in tui_bench.py (common.py's private
tmux server, read as text through one control-mode client and polled every millisecond; bytecode
on, the parse cache warm), in a 160x50 window, with XDG_CONFIG_HOME pointing into the scratch
folder so the user's own settings (theme, compact cards, sort order) stay out of it. Per size and
shape:

  floor          a bare Textual app (one Static, nothing else), launch to its first frame; one
                 sample before each launch sample, so the machine's noise shows next to the figures.
  first title    launch (just before `tmux new-session`) to the first capture showing every column
                 title with the board's true count and a card title in every non-empty column (a
                 line of the column that begins a title of a task in that state); a fresh app per
                 sample, `--repeat` samples.
  painted        the same samples, to the first capture that also has the key bar and no `Loading…`
                 (tui_bench's painted test).
  memory         VmHWM of the app: 0.3 s after its first title (launch samples), and at the end of
                 the session below (its whole life: load, beats, figures, keys, the busy minute).

Then one app for the rest (the session): painted, the first figures waited for (the status line's
`done today`, up to 60 s), 1 s of quiet, and:

  key s          `s` on a well-formed open task (Open focused) to the capture showing `Open N-1` and
                 `Doing M+1/L`: the move on disk and the board redrawn. The `done` boards have 3 in
                 doing at a limit of 3, so every `s` crosses the limit (the WIP warning); `d`, then
                 `h g h` (back to Open, Doing scrolled to its top) follow, untimed here (`d` goes to
                 the JSON), much as in tui_bench.py.
  change, quiet  a task file in doing/ (made by the benchmark, started in 2000, so it is the first
                 card of Doing) rewritten in place with a new title, to the
                 capture showing the new title in Doing and not the old; 1 s of quiet before each
                 change (`--changes` samples).
  busy           a writer process rewrites that file with a new title every 0.3 s for
                 `--busy-seconds` (default 60) while `j` goes to the app every 0.5 s (Open focused,
                 its cursor on the first card). change: from just before each write (the writer's
                 clock) to the first capture showing that title in Doing; a title never shown is a
                 change missed (the app drew a later one first). key: to the first capture whose
                 cursor card (found by its background, `capture-pane -e`, and its short id) is the
                 one that key moves to, or past it.

Budgets (issue 14; DESIGN.md): launch to first title ≤ 0.35 s at 1,000 tasks, ≤ 0.5 s at 10,000,
≤ 1.5 s at 100,000 (medians); peak memory ≤ 300 MB at 100,000; `s` ≤ 50 ms (median) at any size and
shape; a change on screen ≤ 150 ms p95, quiet and busy (a change missed counts as later than any).
Everything the benchmark writes is removed after, moved tasks go back and their journal lines are
trimmed; the board's counts are checked. Results go to stdout and, merged by size and shape, to
`bench/out/scale_<date>.json` with every sample. Linux only (/proc).

    python bench/scale_bench.py --sizes 1000 10000 --repeat 3 --busy-seconds 20 --keep /tmp/pb
    python bench/scale_bench.py --sizes 100000 --shapes done --repeat 1 --keep /tmp/pb
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import re
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    AppSession,
    BenchError,
    SampleFailed,
    Timings,
    Tmux,
    bench_env,
    bench_parser,
    board_for,
    board_shown,
    disk_counts,
    fmt_seconds,
    headline,
    journal_sizes,
    print_failure,
    print_head,
    require_tmux,
    results_path,
    rounded,
    run_record,
    titles_show,
    trim_journal,
    write_results,
)
from live_bench import Screen, cursor_token, hides, plain, quantile, shows
from make_board import SHAPES
from tui_bench import check_run, move_sample, plan_moves, put_back

from pulseboard.core import ids
from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.text import one_line

TERMINAL = (160, 50)  # the window the figures were taken in
LAUNCH_BUDGETS = {1_000: 0.35, 10_000: 0.5, 100_000: 1.5}  # s, launch to first title (median)
RSS_BUDGETS_MB = {100_000: 300}  # peak memory
KEY_BUDGET = 0.050  # s, key `s` to the moved task on screen (median), any size and shape
CHANGE_BUDGET = 0.150  # s, a change on disk to the screen (p95), quiet and busy, any size and shape
CHANGE_EVERY = 0.3  # s between the busy writer's changes
KEY_EVERY = 0.5  # s between keys on the busy board
SETTLE = 0.3  # s, untimed pause after a sample
QUIET_GAP = 1.0  # s of quiet before each change on the quiet board
FIGURES_MARK = "done today"  # the status line once the first figures are in
FIGURES_TIMEOUT = 60.0
GRACE = 10.0  # s after the busy writer's last change (and the last key) to wait for them on screen
NEVER = 1e9  # s: a change or key never shown, for a verdict (finite: quantiles interpolate)
MIN_TITLE = 6  # characters of a card line that must begin a title for it to count as one
BARE_MARK = "bare textual app: first frame"
BARE_FILE = "bare_app.py"  # in the scratch folder (a tmux command is one line: no `python -c` script)
BARE_APP = f"""
from textual.app import App, ComposeResult
from textual.widgets import Static


class Bare(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static({BARE_MARK!r})


Bare().run()
"""
WRITER = """
import json, sys, time
path, template, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
seconds, every = float(sys.argv[4]), float(sys.argv[5])
count = max(1, int(seconds / every + 1e-9))
start = time.perf_counter()
written = []
for k in range(1, count + 1):
    delay = start + (k - 1) * every - time.perf_counter()
    if delay > 0:
        time.sleep(delay)
    data = template.replace("{title}", f"{prefix} {k}")
    t = time.perf_counter()
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(data)
    written.append(t)
print(json.dumps(written))
"""
TASK_TEXT = (  # started before any generated task, and a name from `0000`: the first card of Doing
    "---\ntitle: {title}\npriority: high\ncreated: 2000-01-01T00:00:00Z\nstarted: 2000-01-01T00:00:00Z\n"
    "---\nAn agent at work: rewritten by bench/scale_bench.py, removed when it ends.\n"
)


@dataclass
class Row(Timings):
    """One row of the table at one size and shape: its samples (seconds, or MB for memory), the
    statistic its budget holds (p50, p95 or max) and what went wrong."""

    what: str
    stat: str = "p50"
    budget: float | None = None
    unit: str = "s"
    seconds: list[float] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    missed: int = 0  # changes never shown, keys never shown
    extra: dict[str, Any] = field(default_factory=dict)

    def q(self, p: float) -> float | None:
        return quantile(self.seconds, p) if self.seconds else None

    def judged(self) -> float | None:
        """The figure the budget holds; a sample that never showed counts as later than any."""
        if not self.seconds:
            return None
        if self.stat == "max":
            return max(self.seconds)
        values = self.seconds + [NEVER] * self.missed
        return quantile(values, 0.95 if self.stat == "p95" else 0.5)

    def verdict(self) -> str | None:
        if self.budget is None:
            return None
        value = self.judged()
        if value is None:
            return "FAIL"
        return "PASS" if value <= self.budget and not self.failures else "OVER"

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "unit": self.unit,
            "n": len(self.seconds),
            "p50": rounded(self.q(0.5)),
            "p95": rounded(self.q(0.95)),
            "max": rounded(self.worst),
            "min": rounded(self.best),
            "budget": self.budget,
            "budget_on": self.stat,
            "verdict": self.verdict(),
            "missed": self.missed,
            "samples": [round(s, 4) for s in self.seconds],
            "failures": self.failures,
            **self.extra,
        }


def new_rows(size: int) -> dict[str, Row]:
    rss = RSS_BUDGETS_MB.get(size)
    return {
        "floor": Row("floor: bare Textual app, launch → first frame"),
        "first title": Row("launch → first title", budget=LAUNCH_BUDGETS.get(size)),
        "painted": Row("launch → board painted (key bar)"),
        "figures": Row("launch → first figures (session)"),
        "rss launch": Row("peak RSS after first title", "max", rss, "MB"),
        "key s": Row("key s → moved (WIP warning)", budget=KEY_BUDGET),
        "key d": Row("key d → moved"),
        "quiet": Row("change → screen, quiet", "p95", CHANGE_BUDGET),
        "busy change": Row("busy: change → screen", "p95", CHANGE_BUDGET),
        "busy key": Row("busy: key j → screen"),
        "rss session": Row("peak RSS, whole session", "max", rss, "MB"),
    }


# -- screen tests -------------------------------------------------------------------------------


def first_title_test(tasks: Sequence[Task], counts: dict[str, int], limit: int) -> Callable[[Screen], bool]:
    """A test for the board's first frame with card titles: every column title with its true
    count, and in every non-empty column a line that begins the title of one of its tasks."""
    titles = {s: sorted({one_line(" ".join(t.title.split())) for t in tasks if t.state == s}) for s in STATES}
    counted = titles_show(counts, limit, STATES)

    def has_title(state: str, text: str) -> bool:
        known = titles[state]
        for line in text.splitlines():
            start = line.strip().rstrip("…").rstrip()
            if len(start) >= MIN_TITLE:
                i = bisect.bisect_left(known, start)
                if i < len(known) and known[i].startswith(start):
                    return True
        return False

    def test(screen: Screen) -> bool:
        return counted(screen.text) and all(has_title(s, screen.columns[s]) for s in STATES if counts[s])

    return test


# -- the samples --------------------------------------------------------------------------------


def _fail(row: Row, label: str, exc: Exception) -> None:
    row.failures.append(print_failure(label, exc))


def floor_sample(tmux: Tmux, row: Row, poll: float, env: dict[str, str], script: Path) -> None:
    """A bare Textual app (BARE_APP in `script`): launch to the first capture showing its one Static."""
    app = AppSession(tmux, script.parent, poll, env, [sys.executable, str(script)], TERMINAL)
    try:
        row.seconds.append(app.wait_for(lambda text: BARE_MARK in text, app.launch(), "bare app"))
    except SampleFailed as exc:
        _fail(row, "floor", exc)
    finally:
        app.quit()


def launch_sample(
    tmux: Tmux,
    root: Path,
    rows: dict[str, Row],
    poll: float,
    env: dict[str, str],
    tests: dict[str, Callable[[Screen], bool]],
) -> None:
    """A fresh app: launch to first title and to painted, then its peak RSS."""
    app = AppSession(tmux, root, poll, env, size=TERMINAL)
    try:
        t0 = app.launch()
        _, seen = app.wait_all(tests, t0, "launch", Screen, together=False)
        rows["first title"].seconds.append(seen["first title"])
        rows["painted"].seconds.append(seen["painted"])
        time.sleep(SETTLE)
        rows["rss launch"].seconds.append(app.peak_rss_kb() / 1024)
    except (SampleFailed, BenchError) as exc:
        _fail(rows["first title"], "launch", exc)
    finally:
        app.quit()


def rewrite(path: Path, title: str) -> None:
    path.write_text(TASK_TEXT.replace("{title}", title), encoding="utf-8")


def quiet_changes(app: AppSession, path: Path, tag: str, count: int, row: Row) -> str:
    """`count` rewrites of the file in doing/, each after QUIET_GAP of quiet; the title shown last."""
    old = f"{tag} quiet 0"
    for k in range(1, count + 1):
        time.sleep(QUIET_GAP)
        new = f"{tag} quiet {k}"
        parts = {"new title": shows("doing", new), "old title": hides("doing", old)}
        t0 = time.perf_counter()
        rewrite(path, new)
        try:
            seconds, _ = app.wait_all(parts, t0, f"quiet change {k}", Screen)
            row.seconds.append(seconds)
        except SampleFailed as exc:
            _fail(row, f"quiet change {k}", exc)
            return new
        old = new
    return old


@dataclass
class BusyScreen:
    """What the busy board's captures showed: when each key's cursor card and each change's title
    first showed. Keys are `j` in Open, so key i (from 0) moves the cursor to card i + 1."""

    order: list[str]  # the ids of Open's cards, in the app's order
    pattern: re.Pattern[str]  # a change's title; its number
    sent: list[float] = field(default_factory=list)
    shown: list[float] = field(default_factory=list)
    seen: dict[int, float] = field(default_factory=dict)
    cursor: int = 0
    first: float | None = None  # when the first capture was read
    last: float = 0.0  # and the last
    count: int = 0  # captures read

    def look(self, raw: list[str], now: float) -> Screen:
        """Read one `capture-pane -e` taken at `now`."""
        self.first = now if self.first is None else self.first
        self.last = now
        self.count += 1
        token = cursor_token(raw)
        if token is not None:
            found = (k for k in range(self.cursor, len(self.order)) if self.order[k].startswith(token))
            self.cursor = next(found, self.cursor)
            while len(self.shown) < min(len(self.sent), self.cursor):
                self.shown.append(now)
        screen = Screen(plain(raw))
        for match in self.pattern.finditer(screen.columns["doing"]):
            self.seen.setdefault(int(match.group(1)), now)
        return screen


def cursor_home(app: AppSession, first: str) -> None:
    """The Open cursor to its first card (`g`), untimed."""
    app.keys("g")
    t0 = time.perf_counter()
    while True:
        token = cursor_token(app.tmux.command("capture-pane", "-p", "-e", "-t", app.target))
        if token is not None and first.startswith(token):
            return
        if time.perf_counter() - t0 > 30:
            raise SampleFailed("busy: the Open cursor never showed on its first card", app.last_screen)
        time.sleep(0.01)


def busy(
    app: AppSession,
    path: Path,
    tag: str,
    order: list[str],
    args: argparse.Namespace,
    rows: dict[str, Row],
    scratch: Path,
) -> None:
    """The busy board: the writer's changes and `j` every KEY_EVERY, timed from the screen."""
    cursor_home(app, order[0])
    time.sleep(SETTLE)
    prefix = f"{tag} busy"
    seen = BusyScreen(order, re.compile(rf"{re.escape(prefix)} (\d+)(?!\d)"))
    max_keys = min(int(args.busy_seconds / KEY_EVERY + 1e-9), len(order) - 1)
    last = max(1, int(args.busy_seconds / CHANGE_EVERY + 1e-9))  # the writer's last change
    out = scratch / "writer.out"
    every = str(CHANGE_EVERY)
    argv = [sys.executable, "-c", WRITER, str(path), TASK_TEXT, prefix, str(args.busy_seconds), every]
    with out.open("wb") as sink:
        writer = subprocess.Popen(argv, stdout=sink)
    deadline = time.perf_counter() + args.busy_seconds + GRACE + 30
    try:
        next_key = time.perf_counter() + KEY_EVERY / 2  # keys fall between the writer's changes
        sending = True
        ended: float | None = None
        while True:
            if sending and time.perf_counter() >= next_key:
                seen.sent.append(app.keys("j"))
                next_key += KEY_EVERY
            raw = app.tmux.command("capture-pane", "-p", "-e", "-t", app.target)
            now = time.perf_counter()
            screen = seen.look(raw, now)
            app.last_screen = screen.lines
            if ended is None and writer.poll() is not None:
                ended = now
            sending = sending and ended is None and len(seen.sent) < max_keys
            everything = last in seen.seen and len(seen.shown) == len(seen.sent)
            if ended is not None and (everything or now - ended > GRACE):
                break
            if now > deadline:
                raise SampleFailed("busy: the writer did not finish in time", screen.lines)
            if app.poll:
                time.sleep(app.poll)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
    if writer.returncode != 0:
        raise BenchError(f"the busy writer exited with {writer.returncode}")
    written = json.loads(out.read_text())
    change, key = rows["busy change"], rows["busy key"]
    change.seconds += [seen.seen[k] - t for k, t in enumerate(written, 1) if k in seen.seen]
    change.missed = sum(1 for k in range(1, len(written) + 1) if k not in seen.seen)
    early = [k for k, t in enumerate(written, 1) if k in seen.seen and seen.seen[k] < t]
    change.extra = {"written": len(written), "every_s": CHANGE_EVERY, "shown_before_written": early}
    key.seconds += [s - t for t, s in zip(seen.sent, seen.shown, strict=False)]
    key.missed = len(seen.sent) - len(seen.shown)
    key.extra = {"sent": len(seen.sent), "every_s": KEY_EVERY}
    if seen.first is not None and seen.count > 1:  # how often the screen was looked at, reading included
        change.extra["poll_period_ms"] = round((seen.last - seen.first) / (seen.count - 1) * 1000, 2)


def session(
    tmux: Tmux,
    root: Path,
    board: Board,
    counts: dict[str, int],
    limit: int,
    rows: dict[str, Row],
    args: argparse.Namespace,
    env: dict[str, str],
    scratch: Path,
    repeat: int,
) -> None:
    """One app: the first figures, `repeat` key `s` samples, the quiet changes, the busy board."""
    plan = plan_moves(board, repeat)
    moved = {task.name for _, task in plan}
    snapshot = Snapshot(board.tasks())
    order = [t.id for t in snapshot.column("open") if t.name not in moved]
    originals = {name: (root / "open" / name).read_bytes() for name in moved}
    journal = journal_sizes(root)
    taken = set(snapshot.ids())
    task_id = "0000" + ids.new_id()[4:]
    while task_id in taken or task_id.isdigit():
        task_id = "0000" + ids.new_id()[4:]
    tag = f"Scale {secrets.token_hex(2)}"
    path = root / "doing" / f"{task_id}-scale-bench-{tag[-4:]}.md"
    app = AppSession(tmux, root, args.poll, env, size=TERMINAL)
    phase = "key s"  # the row a failure belongs to
    try:
        t0 = app.launch()
        app.wait_for(board_shown(counts, limit), t0, "painted (session)")
        try:
            figures = app.wait_for(lambda text: FIGURES_MARK in text, t0, "figures", FIGURES_TIMEOUT)
            rows["figures"].seconds.append(figures)
        except SampleFailed as exc:
            _fail(rows["figures"], "first figures", exc)
        time.sleep(1.0)
        print("keys ", end="", flush=True)
        now = counts
        for move in plan:
            now = move_sample(app, root, move, now, limit, {"s": rows["key s"], "d": rows["key d"]})
            for key in ("h", "g", "h"):  # Done -> Doing, its first card (in sight) -> Open; one at a time
                app.keys(key)
                time.sleep(SETTLE)
        print("quiet ", end="", flush=True)
        phase = "quiet"
        first = f"{tag} quiet 0"
        one_more = titles_show(dict(now, doing=now["doing"] + 1), limit, ("doing",))
        parts: dict[str, Callable[[Screen], bool]] = {
            "doing count": lambda screen: one_more(screen.text),
            "title": shows("doing", first),
        }
        rewrite(path, first)
        app.wait_all(parts, time.perf_counter(), "the file that changes", Screen)
        quiet_changes(app, path, tag, args.changes, rows["quiet"])
        time.sleep(QUIET_GAP)
        print("busy ", end="", flush=True)
        phase = "busy change"
        busy(app, path, tag, order, args, rows, scratch)
        rows["rss session"].seconds.append(app.peak_rss_kb() / 1024)
    except (SampleFailed, BenchError) as exc:
        _fail(rows[phase], f"session, {phase}", exc)
    finally:
        app.quit()
        path.unlink(missing_ok=True)
        put_back(root, originals)
        trim_journal(root, journal)


# -- one board ----------------------------------------------------------------------------------


def bench_board(
    size: int,
    shape: str,
    repeat: int,
    args: argparse.Namespace,
    tmux: Tmux,
    env: dict[str, str],
    app_env: dict[str, str],
    scratch: Path,
) -> dict[str, Any]:
    heading = f"\n== {size:,} tasks, shape {shape}: "
    root, made_in = board_for(size, args.seed, args.keep, scratch, heading=heading, shape=shape)
    load = [os.getloadavg()]
    board = Board(root)
    limit = board.settings.wip_doing
    started = time.perf_counter()
    tasks = board.tasks()  # the parse cache, current
    read_s = time.perf_counter() - started
    counts = disk_counts(root)
    print(f"  {counts}, read in {read_s:.1f} s; load average {load[0][0]:.2f}", flush=True)
    rows = new_rows(size)
    shown = board_shown(counts, limit)
    tests: dict[str, Callable[[Screen], bool]] = {
        "first title": first_title_test(tasks, counts, limit),
        "painted": lambda screen: shown(screen.text),
    }
    del tasks
    app = AppSession(tmux, root, args.poll, app_env, size=TERMINAL)
    try:
        check_run(app, shown, env)
        screen = list(app.last_screen)
    finally:
        app.quit()
    print("  launch (floor, board): ", end="", flush=True)
    for _ in range(repeat):
        floor_sample(tmux, rows["floor"], args.poll, app_env, scratch / BARE_FILE)
        launch_sample(tmux, root, rows, args.poll, app_env, tests)
        print(".", end="", flush=True)
    print("\n  session: ", end="", flush=True)
    session(tmux, root, board, counts, limit, rows, args, app_env, scratch, repeat)
    print("done", flush=True)
    load.append(os.getloadavg())
    board.tasks()  # the parse cache forgets what the benchmark wrote
    if disk_counts(root) != counts:
        raise BenchError(f"the board was not put back as it was: {disk_counts(root)} != {counts}")
    print_table(size, shape, list(rows.values()), load)
    return {
        "shape": shape,
        "repeat": repeat,
        "seed": args.seed,
        "counts": counts,
        "generate_s": None if made_in is None else round(made_in, 2),
        "load_average": {"before": load[0], "after": load[1]},
        "busy_seconds": args.busy_seconds,
        "results": {key: r.as_json() for key, r in rows.items()},
        "screen_painted": screen,
    }


# -- the report ---------------------------------------------------------------------------------


def _cell(x: float | None, unit: str) -> str:
    if x is None:
        return "-"
    return f"{x:.0f} MB" if unit == "MB" else fmt_seconds(x)


def print_table(size: int, shape: str, rows: list[Row], load: list[tuple[float, float, float]]) -> None:
    print()
    print_head(
        f"{'tasks':>8}  {'shape':<5}  {'row':<46} {'n':>4} {'p50':>9} {'p95':>9} {'max':>9}"
        f"  {'budget':<14} {'':<4}  note"
    )
    for r in rows:
        if r.what.startswith("key d"):
            continue
        budget = f"{r.stat} ≤ {_cell(r.budget, r.unit)}" if r.budget is not None else ""
        notes = []
        if "written" in r.extra:
            notes.append(f"{r.missed} of {r.extra['written']} changes never shown")
        elif "sent" in r.extra:
            notes.append(f"{r.missed} of {r.extra['sent']} keys never shown")
        if r.failures:
            notes.append(f"{len(r.failures)} failed")
        print(
            f"{size:>8,}  {shape:<5}  {r.what:<46} {len(r.seconds):>4} {_cell(r.q(0.5), r.unit):>9}"
            f" {_cell(r.q(0.95), r.unit):>9} {_cell(r.worst, r.unit):>9}  {budget:<14} {r.verdict() or '':<4}"
            f"  {'; '.join(notes)}"
        )
    print(f"(load average {load[0][0]:.2f} before, {load[1][0]:.2f} after)")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        "Time the pulse board app at scale (issue 14), in a real terminal (tmux).",
        "scale",
        [1_000, 10_000, 100_000],
        poll=True,
    )
    parser.add_argument("--shapes", nargs="+", choices=SHAPES, default=list(SHAPES), help="board shapes")
    parser.add_argument("--repeat", type=int, help="launch and key samples (default 5; 3 above 10,000 tasks)")
    parser.add_argument("--busy-seconds", type=float, default=60.0, help="how long the busy board runs (60)")
    parser.add_argument("--changes", type=int, default=20, help="changes on the quiet board (20)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.busy_seconds < 1 or args.changes < 1:
        parser.error("--busy-seconds and --changes must be at least 1")
    tmux = require_tmux(parser)
    out = results_path(args.out, "scale")
    load = os.getloadavg()
    source = headline(
        "scale benchmark",
        f"{tmux}, {TERMINAL[0]}x{TERMINAL[1]}, {os.cpu_count()} CPUs, load average "
        f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    )
    sizes: list[dict[str, Any]] = []
    floor: list[float] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="pulse-scale-bench-") as scratch:
        env = bench_env(Path(scratch))
        app_env = {"XDG_CONFIG_HOME": str(Path(scratch) / "config")}  # no user settings
        server = Tmux(env)
        try:
            (Path(scratch) / BARE_FILE).write_text(BARE_APP, encoding="utf-8")
            floor_sample(server, Row("floor"), args.poll, app_env, Path(scratch) / BARE_FILE)  # compiles
            for size in args.sizes:
                repeat = args.repeat or (5 if size <= 10_000 else 3)
                entry: dict[str, Any] = {"size": size}
                sizes.append(entry)
                for shape in args.shapes:
                    entry[shape] = bench_board(size, shape, repeat, args, server, env, app_env, Path(scratch))
                    floor += entry[shape]["results"]["floor"]["samples"]
                    results = entry[shape]["results"].values()
                    failed = failed or any(r["failures"] for r in results)
        except BenchError as exc:  # keep what was already measured
            print(f"\nscale_bench: {exc}", file=sys.stderr)
            failed = True
        finally:
            server.close()
    if floor:
        p50, low, high = (fmt_seconds(x) for x in (quantile(floor, 0.5), min(floor), max(floor)))
        print(
            f"\nthe floor over the run (a bare Textual app, launch → first frame): p50 {p50}, min {low},"
            f" max {high}"
        )
    fields: dict[str, Any] = {
        "tmux": tmux,
        "terminal": f"{TERMINAL[0]}x{TERMINAL[1]}",
        "poll_pause_s": args.poll,
        "load_average": {"start": load, "end": os.getloadavg()},
        "floor_samples_s": [round(s, 4) for s in floor],
    }
    write_results(out, run_record(source, **fields, sizes=sizes), combine=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
