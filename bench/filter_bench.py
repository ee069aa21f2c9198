"""The filter benchmark: how soon the board shows what the `/` filter matches, typed a key at a time.

Owns the filter's timing method and its budget (a keystroke ≤ 50 ms at 10,000 tasks). The app runs
as in tui_bench.py (common.py's private tmux server, 160x48, bytecode on, the parse cache warm). Per
round, one fresh app: painted, then for each query in QUERIES: `/`, then the query a key at a time
(`send-keys -l`), each key timed from just before it is sent to the first screen capture (polled
every millisecond) showing the board filtered by the text typed so far:

  - the top bar says `filter: TEXT` (the text as the board takes it: trimmed, lower-cased), and
  - every column title says how many the filter shows, `Open 2000  (1090 shown)` (or `Open 1090
    of 2000` where a column is narrow), the counts worked out in this process by the same rule
    (core/query.py, with every body read through core/bodies.py).

Both are drawn by one handler, so they reach the screen in one frame. A key that leaves the trimmed
text as it was (a space) is sent untimed. Between keys the benchmark waits PAUSE (a quick typist),
so each key finds the app idle; Escape ends a query. The round's first key is its own row: it makes
the app read every body once (off its UI thread), and the board shows the body matches when that
read ends. Every other key is a `keystroke` sample: median, p95 and max, the median held to the budget.

In this process, the same texts: `Query.parse` + matching the 10,000 tasks column by column, with
the bodies (`BodyIndex.body`) and without (the title and fields only); and the body index's first
read, a read with nothing changed, and the text it holds. Results go to stdout and, merged by size,
to `bench/out/filter_<date>.json`. Linux only (tmux).

    python bench/filter_bench.py [--sizes 10000] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    HEIGHT,
    TITLES,
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
    disk_counts,
    fmt_seconds,
    headline,
    judge,
    print_failure,
    print_head,
    require_tmux,
    results_path,
    rounded,
    run_record,
    write_results,
)
from live_bench import quantile

from pulseboard.core.board import STATES, Board
from pulseboard.core.bodies import BodyIndex
from pulseboard.core.query import Query
from pulseboard.core.snapshot import Snapshot
from pulseboard.core.wip import wip_level

QUERIES = ("staging db", '#ui "before merging"', "p:high -deploy")  # body words, a tag and a phrase, a -word
FIRST, KEY, FIELDS = "first key (reads every body)", "keystroke", "keystroke, no plain word (fields only)"
KEY_BUDGET = 0.050  # seconds, a key typed in the filter to the board redrawn, at 10,000 tasks
PAUSE = 0.12  # between keys, untimed
SETTLE = 0.3  # after the paint and after a query is cleared
HINT_MARK = "Filter: words"  # the empty filter's placeholder: the field is open
Step = tuple[str, str, dict[str, int]]  # the key, the filter's text after it, the counts it shows


@dataclass
class Row(Timings):
    """One figure at one board size: its samples and failures."""

    size: int
    what: str
    seconds: list[float] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)

    @property
    def p95(self) -> float | None:
        return quantile(self.seconds, 0.95) if self.seconds else None

    @property
    def budget(self) -> float | None:
        return KEY_BUDGET if self.what == KEY and self.size == 10_000 else None

    def verdict(self) -> str | None:
        return judge(self.median, self.budget, bool(self.failures))

    def as_json(self) -> dict[str, Any]:
        return {
            "what": self.what,
            "n": len(self.seconds),
            "median_s": rounded(self.median),
            "p95_s": rounded(self.p95),
            "min_s": rounded(self.best),
            "max_s": rounded(self.worst),
            "budget_s": self.budget,
            "verdict": self.verdict(),
            "samples_s": [round(s, 5) for s in self.seconds],
            "failures": self.failures,
        }


# -- what the board must show -------------------------------------------------------------------


def plan(snapshot: Snapshot, index: BodyIndex, query: str) -> list[Step]:
    """Each key of `query` with the filter's text after it and the counts per column it shows."""
    steps = []
    for n in range(1, len(query) + 1):
        text = query[:n].strip().lower()  # as the board takes the field's value
        parsed = Query.parse(text)
        counts = {state: len(parsed.filter(snapshot.column(state), index.body)) for state in STATES}
        steps.append((query[n - 1], text, counts))
    return steps


def filtered(text: str, counts: dict[str, int]) -> Callable[[str], bool]:
    """A test for a screen showing the board filtered by `text`: the top bar and every title."""
    bar = re.compile(rf"filter: {re.escape(text)}(?:   | *$)", re.M)  # then the rest of the bar, or nothing
    titles = [
        re.compile(rf"(?<![\w/]){TITLES[s]} (?:\S+  \({n} shown\)|{n} of \S+)") for s, n in counts.items()
    ]
    return lambda screen: bool(bar.search(screen)) and all(t.search(screen) for t in titles)


# -- the app ------------------------------------------------------------------------------------


def type_query(app: AppSession, steps: list[Step], rows: dict[str, Row], first: bool) -> None:
    """`/`, the query a key at a time (timed into rows), then Escape and back to the whole board."""
    app.keys("/")
    app.wait_for(lambda screen: HINT_MARK in screen, time.perf_counter(), "the filter opened")
    before = ""
    for key, text, counts in steps:
        if text == before:  # a space: nothing to see
            app.keys("-l", key)
        else:
            row = rows[FIRST if first else KEY if Query.parse(text).searches_bodies else FIELDS]
            t0 = app.keys("-l", key)
            row.seconds.append(app.wait_for(filtered(text, counts), t0, f"typed {text!r}"))
            first = False
        before = text
        time.sleep(PAUSE)
    app.keys("Escape")


def round_sample(tmux: Tmux, root: Path, plans: list[list[Step]], rows: dict[str, Row], poll: float) -> None:
    """One fresh app: painted, then every query typed."""
    board = Board(root)
    limit, counts = board.settings.wip_doing, disk_counts(root)
    whole = board_shown(counts, limit)
    app = AppSession(tmux, root, poll)
    try:
        app.wait_for(whole, app.launch(), "painted")
        time.sleep(SETTLE)
        for n, steps in enumerate(plans):
            type_query(app, steps, rows, first=n == 0)
            app.wait_for(whole, time.perf_counter(), "the filter cleared")
            time.sleep(SETTLE)
    except (SampleFailed, BenchError) as exc:
        rows[KEY].failures.append(print_failure("filter", exc))
    finally:
        app.quit()


# -- in this process ----------------------------------------------------------------------------


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def in_process(snapshot: Snapshot, root: Path, texts: list[str], repeat: int, size: int) -> list[Row]:
    """The index's reads and the filter's matching, timed here: the parts the app's keystroke costs."""
    rows = {what: Row(size, what) for what in (
        "body index: first read", "body index: read, nothing changed", "parse + match, with bodies",
        "parse + match, fields only")}  # fmt: skip
    index = BodyIndex(root)
    for _ in range(repeat):
        index = BodyIndex(root)
        rows["body index: first read"].seconds.append(_timed(index.refresh))
        rows["body index: read, nothing changed"].seconds.append(_timed(index.refresh))
    columns = [snapshot.column(state) for state in STATES]
    for _ in range(repeat):
        for text in texts:
            for what, body in (("with bodies", index.body), ("fields only", None)):
                started = time.perf_counter()
                query = Query.parse(text)
                for column in columns:
                    query.filter(column, body)
                rows[f"parse + match, {what}"].seconds.append(time.perf_counter() - started)
    return list(rows.values())


def index_megabytes(index: BodyIndex, snapshot: Snapshot) -> float:
    """The text the body index holds (the bodies' string objects), in MB."""
    return sum(sys.getsizeof(index.body(task) or "") for task in snapshot) / 1e6


# -- one size -----------------------------------------------------------------------------------


def bench_size(size: int, repeat: int, args: Any, tmux: Tmux, scratch: Path) -> dict[str, Any]:
    root, _ = board_for(size, args.seed, args.keep, scratch)
    board = Board(root)
    snapshot = Snapshot(board.tasks())  # and the parse cache brought up to date
    if wip_level(snapshot.column("doing"), board.settings.wip_doing).level == "over":
        raise BenchError("doing/ is over its WIP limit: the top bar would show the warning, not the filter")
    index = BodyIndex(root)
    index.refresh()
    plans = [plan(snapshot, index, query) for query in QUERIES]
    texts = list(dict.fromkeys(text for steps in plans for _, text, _ in steps))
    rows = {what: Row(size, what) for what in (FIRST, KEY, FIELDS)}
    warm_up = AppSession(tmux, root, args.poll)  # compiles the app's bytecode, untimed
    try:
        whole = board_shown(disk_counts(root), board.settings.wip_doing)
        warm_up.wait_for(whole, warm_up.launch(), "painted (warming up)")
    finally:
        warm_up.quit()
    print("  typed in the app: ", end="", flush=True)
    for _ in range(repeat):
        round_sample(tmux, root, plans, rows, args.poll)
        print(".", end="", flush=True)
    print("\n  in this process: ", end="", flush=True)
    parts = in_process(snapshot, root, texts, repeat, size)
    held = index_megabytes(index, snapshot)
    print("done", flush=True)
    result = [*rows.values(), *parts]
    print_table(result)
    print(f"  the body index holds {held:.1f} MB of text for {len(snapshot):,} tasks")
    return {
        "size": size,
        "repeat": repeat,
        "seed": args.seed,
        "queries": list(QUERIES),
        "shown": {text: counts for steps in plans for _, text, counts in steps},
        "body_index_mb": round(held, 2),
        "results": [r.as_json() for r in result],
    }


def print_table(rows: list[Row]) -> None:
    print_head(
        f"{'tasks':>8}  {'what':<36} {'n':>4} {'median':>9} {'p95':>9} {'max':>9} {'fail':>4}  {'budget':>9}"
    )
    s = fmt_seconds
    for r in rows:
        budget = f"≤{s(r.budget)}" if r.budget is not None else ""
        print(
            f"{r.size:>8,}  {r.what:<36} {len(r.seconds):>4} {s(r.median):>9} {s(r.p95):>9} {s(r.worst):>9}"
            f" {len(r.failures):>4}  {budget:>9} {r.verdict() or ''}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser("Time the board's / filter, a key at a time (tmux).", "filter", [10_000], poll=True)
    parser.add_argument("--repeat", type=int, default=3, help="rounds: a fresh app each (default 3)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    tmux = require_tmux(parser)
    out = results_path(args.out, "filter")
    source = headline("filter benchmark", f"{tmux}, {WIDTH}x{HEIGHT}; queries {', '.join(QUERIES)}")
    sizes: list[dict[str, Any]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="pulse-filter-bench-") as scratch:
        server = Tmux(bench_env(Path(scratch)))
        try:
            for size in args.sizes:
                sizes.append(bench_size(size, args.repeat, args, server, Path(scratch)))
        except BenchError as exc:  # keep the sizes already measured
            print(f"\nfilter_bench: {exc}", file=sys.stderr)
            failed = True
        finally:
            server.close()
    record = run_record(source, tmux=tmux, terminal=f"{WIDTH}x{HEIGHT}", pause_s=PAUSE, sizes=sizes)
    write_results(out, record)
    failed = failed or any(r["failures"] for s in sizes for r in s["results"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
