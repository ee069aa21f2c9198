"""The live board benchmark: how soon a change made on disk, outside the app, shows on its screen.

Owns the live-change timing method and its budget. The app runs as in tui_bench.py (common.py's
tmux server, control-mode screen reader and app session): a private tmux server, a 160x48 window,
`python -m pulseboard --board DIR` with bytecode on, the parse cache warm. The app
is started once per board size and waited for until the whole board is painted; then, for each
sample, the benchmark changes the board from outside and times from just before the file
operation to the first screen capture (`tmux capture-pane -p`, polled every millisecond) that
shows the whole of its effect:

  create       a new file in open/ (priority critical, created 2000-01-01, so it sorts first and
               shows at the top of Open): `Open N+1` and its title in the Open column.
  edit         that file rewritten in place with a new title: the new title shown, the old gone.
  atomic save  an editor-style save: a temp file in open/ (a dotfile, which pulse ignores), then
               os.replace onto the task, with a new title: the new title shown, the old gone.
  mv to doing  os.rename of that task into doing/: `Open N`, `Doing M+1/3`, its title in Doing
               (it has no `started`, so it sorts first there) and no longer in Open.
  rm           os.unlink of it: `Doing M/3` and its title gone from Doing.
  pulse start  `python -m pulseboard --board DIR start ID` as another process, on another task
               made for it (untimed): from just before the process starts to `Open N`,
               `Doing M+1/3` and its title in Doing. The process's own run time and the moment
               the file appeared in doing/ (checked on every poll) are recorded too; "board
               part" is the screen time counted from that moment, the part the app owns, and
               the one held to the budget (the whole includes a Python start and pulse's CLI).

Each capture's parts (a count, a title shown or gone) are also timed one by one, so a change that
reaches the screen in two frames shows up in the JSON. Every part must be absent just before the
operation, and the whole effect must still be on screen after a settle pause (else the sample
records an anomaly with the screen it saw). A sample not seen in 30 s is a failure.

The storm (one board size, 10,000 tasks by default): a separate process writes 5,000 new task
files into done/ as fast as it can (like a `git checkout`), timed from its first write to the
first capture showing `Done D+5000`. While it runs, `j` goes to the app every 100 ms; the
cursor's card is found on screen by its background colour (`capture-pane -e`) and its short id,
and each key's latency is the time to the first capture whose cursor is at or past the card
that key moves to. The same keys sent to the idle board first give the floor.

Everything the benchmark writes is removed afterwards, and journal lines `pulse start` wrote are
trimmed. Results go to stdout and, merged by size, to `bench/out/live_<date>.json`. Linux only.

    python bench/live_bench.py [--sizes 100 100000] [--samples N] [--storm 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from common import (
    HEIGHT,
    PULSE,
    TIMEOUT,
    TITLES,
    WIDTH,
    AppSession,
    BenchError,
    SampleFailed,
    Tmux,
    bench_env,
    bench_parser,
    board_for,
    board_shown,
    disk_counts,
    headline,
    journal_sizes,
    poll_floor,
    require_tmux,
    results_path,
    run_record,
    trim_journal,
    write_results,
)

from pulseboard.core import ids
from pulseboard.core.board import STATES, Board
from pulseboard.core.snapshot import Snapshot

BUDGET = 0.150  # seconds, p95 of change on disk to change on screen, at any board size
SETTLE = 0.3  # untimed pause after each change, so the next starts from an idle app and watcher
STEP_MS = 30  # the watcher's batching (pulseboard.services.watcher.STEP_MS), for the report
KINDS = ("create", "edit", "atomic save", "mv to doing", "rm", "pulse start")
START_PARTS = ("pulse start: process", "pulse start: board part")
COMPARISON = (
    "measured elsewhere: Backlog.md's board shows an external change in 0.13 s at 100 tasks and "
    "1.6-2.8 s at 10,000; kanban-tui does not update without a key press"
)
SGR = re.compile(r"\x1b\[([0-9;:]*)m")
ESCAPE = re.compile(r"\x1b(?:\[[0-9;:?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def quantile(values: Sequence[float], q: float) -> float:
    """The q-quantile, linearly interpolated between the sorted samples (numpy's default)."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    pos = q * (len(ordered) - 1)
    low = int(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


@dataclass
class Kind:
    """One kind of change at one board size: its samples, per-part times, failures, anomalies."""

    size: int
    what: str
    budget: float | None = BUDGET
    seconds: list[float] = field(default_factory=list)
    parts: list[dict[str, float]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    anomalies: list[dict[str, Any]] = field(default_factory=list)

    def stat(self, q: float) -> float | None:
        return quantile(self.seconds, q) if self.seconds else None

    def verdict(self) -> str | None:
        if self.budget is None:
            return None
        p95 = self.stat(0.95)
        if p95 is None:
            return "FAIL"
        return "PASS" if p95 <= self.budget and not self.failures else "OVER"

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "what": self.what,
            "n": len(self.seconds),
            "p50_s": r(self.stat(0.5)),
            "p95_s": r(self.stat(0.95)),
            "max_s": r(max(self.seconds)) if self.seconds else None,
            "min_s": r(min(self.seconds)) if self.seconds else None,
            "budget_s": self.budget,
            "verdict": self.verdict(),
            "samples_s": [round(s, 4) for s in self.seconds],
            "parts_s": [{k: round(v, 4) for k, v in p.items()} for p in self.parts],
            "failures": self.failures,
            "anomalies": self.anomalies,
        }


# -- reading the screen -------------------------------------------------------------------------


class Screen:
    """One capture: the text, and each column's card area (between its title row and the rule)."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.text = "\n".join(lines)
        self.columns: dict[str, str] = {}
        rows: list[list[str]] = []
        for line in lines[2:]:
            if line.startswith("─"):
                break
            rows.append(line.split("▕"))
        for i, state in enumerate(STATES):
            self.columns[state] = "\n".join(r[i] if len(r) > i else "" for r in rows)


Test = Callable[[Screen], bool]


def count_is(state: str, count: int, limit: int) -> Test:
    suffix = f"/{limit}" if state == "doing" else ""
    pattern = re.compile(rf"(?<![\w/]){TITLES[state]} {count}{suffix}(?![\w/])")
    return lambda screen: pattern.search(screen.text) is not None


def shows(state: str, title: str) -> Test:
    return lambda screen: title in screen.columns[state]


def hides(state: str, title: str) -> Test:
    return lambda screen: title not in screen.columns[state]


def look(app: AppSession) -> Screen:
    lines = app.tmux.capture(app.target)
    app.last_screen = lines
    return Screen(lines)


# -- the changes --------------------------------------------------------------------------------


def task_text(title: str, note: str = "Written by bench/live_bench.py; removed when it ends.") -> str:
    return f"---\ntitle: {title}\npriority: critical\ncreated: 2000-01-01T00:00:00Z\n---\n{note}\n"


@dataclass
class Run:
    """What a size's samples need to know and to undo: the board, its counts, what was written."""

    root: Path
    counts: dict[str, int]
    limit: int
    token: str
    made: set[Path] = field(default_factory=set)
    taken: set[str] = field(default_factory=set)

    def new_name(self, label: str) -> tuple[str, str]:
        task_id = ids.new_id()
        while task_id in self.taken:
            task_id = ids.new_id()
        self.taken.add(task_id)
        return task_id, f"{task_id}-live-bench-{self.token}-{label}.md"


def timed(
    app: AppSession,
    kind: Kind,
    parts: dict[str, Test],
    operation: Callable[[], object],
    hook: Callable[[float], None] | None = None,
) -> float | None:
    """Check no part shows yet, time operation() to the screen, settle, check it still shows."""
    before = look(app)
    early = [name for name, test in parts.items() if test(before)]
    if early:
        raise BenchError(f"{kind.what}: already on screen before the change: {', '.join(early)}")
    t0 = time.perf_counter()
    operation()
    try:
        seconds, seen = app.wait_all(parts, t0, kind.what, Screen, hook=hook)
    except SampleFailed as exc:
        print(f"\n  ! {kind.size:,} {kind.what}: {exc}", flush=True)
        kind.failures.append({"error": str(exc), "screen": exc.screen})
        return None
    kind.seconds.append(seconds)
    kind.parts.append(seen)
    time.sleep(SETTLE)
    after = look(app)
    lost = [name for name, test in parts.items() if not test(after)]
    if lost:
        kind.anomalies.append({"sample": len(kind.seconds) - 1, "lost": lost, "screen": after.lines})
        print(f"\n  ? {kind.size:,} {kind.what}: gone again after {SETTLE} s: {', '.join(lost)}", flush=True)
    return seconds


def untimed(app: AppSession, parts: dict[str, Test], operation: Callable[[], object], what: str) -> None:
    operation()
    app.wait_all(parts, time.perf_counter(), what, Screen)
    time.sleep(SETTLE)


def kinds(size: int) -> dict[str, Kind]:
    """A size's rows, empty: every kind of change, and the parts of `pulse start`."""
    rows = {k: Kind(size, k, None if k == "pulse start" else BUDGET) for k in KINDS}  # its board part has it
    rows[START_PARTS[0]] = Kind(size, START_PARTS[0], None)
    rows[START_PARTS[1]] = Kind(size, START_PARTS[1])
    return rows


def sample(
    app: AppSession, b: Run, rows: dict[str, Kind], i: int, env: dict[str, str], scratch: Path
) -> None:
    """One sample of each kind, on two tasks made for it; both are gone from the board after."""
    n, m, lim = b.counts["open"], b.counts["doing"], b.limit
    tag = f"Live bench {b.token} {i:02d}"
    task_id, name = b.new_name(f"{i:02d}")
    opened, doing = b.root / "open" / name, b.root / "doing" / name
    b.made.update((opened, doing))
    made, edited, saved = f"{tag} made", f"{tag} edited", f"{tag} saved"

    timed(app, rows["create"], {"count": count_is("open", n + 1, lim), "title": shows("open", made)},
          lambda: opened.write_text(task_text(made)))  # fmt: skip
    timed(app, rows["edit"], {"new title": shows("open", edited), "old title": hides("open", made)},
          lambda: opened.write_text(task_text(edited)))  # fmt: skip

    def atomic_save() -> None:
        temp = opened.with_name(f".{name}.tmp{os.getpid()}")
        b.made.add(temp)
        with open(temp, "w", encoding="utf-8") as handle:
            handle.write(task_text(saved))
        os.replace(temp, opened)

    timed(app, rows["atomic save"], {"new title": shows("open", saved), "old title": hides("open", edited)},
          atomic_save)  # fmt: skip
    moved = {
        "open count": count_is("open", n, lim),
        "doing count": count_is("doing", m + 1, lim),
        "in doing": shows("doing", saved),
        "not in open": hides("open", saved),
    }
    timed(app, rows["mv to doing"], moved, lambda: os.rename(opened, doing))
    timed(app, rows["rm"], {"doing count": count_is("doing", m, lim), "gone": hides("doing", saved)},
          lambda: os.unlink(doing))  # fmt: skip

    # pulse start, as another process, on a second task made (untimed) for it
    started = f"{tag} to start"
    task_id, name = b.new_name(f"{i:02d}s")
    opened, doing = b.root / "open" / name, b.root / "doing" / name
    b.made.update((opened, doing))
    untimed(app, {"count": count_is("open", n + 1, lim), "title": shows("open", started)},
            lambda: opened.write_text(task_text(started)), "pulse start: the task to start")  # fmt: skip
    argv = [*PULSE, "--board", str(b.root), "start", task_id]
    out = scratch / "start.out"
    proc: subprocess.Popen[bytes] | None = None
    marks: dict[str, float] = {}

    def run() -> None:
        nonlocal proc
        with out.open("wb") as sink:
            marks["spawn"] = time.perf_counter()
            proc = subprocess.Popen(argv, stdout=sink, stderr=subprocess.STDOUT, env=env)

    def hook(now: float) -> None:
        if "on disk" not in marks and os.path.exists(doing):
            marks["on disk"] = now
        if "exit" not in marks and proc is not None and proc.poll() is not None:
            marks["exit"] = now

    parts = {
        "open count": count_is("open", n, lim),
        "doing count": count_is("doing", m + 1, lim),
        "in doing": shows("doing", started),
    }
    seconds = timed(app, rows["pulse start"], parts, run, hook)
    if proc is not None:
        proc.wait(timeout=60)
        marks.setdefault("exit", time.perf_counter())
        if proc.returncode != 0:
            raise BenchError(f"`{' '.join(argv)}` exited with {proc.returncode}: {out.read_text().strip()}")
    if seconds is not None:
        marks.setdefault("on disk", marks["exit"])  # seen only after the screen (cannot happen)
        rows[START_PARTS[0]].seconds.append(marks["exit"] - marks["spawn"])
        rows[START_PARTS[1]].seconds.append(seconds - (marks["on disk"] - marks["spawn"]))
    untimed(app, {"doing count": count_is("doing", m, lim), "gone": hides("doing", started)},
            lambda: os.unlink(doing), "pulse start: clean-up")  # fmt: skip


# -- the storm ----------------------------------------------------------------------------------

_WRITER = """
import json, os, sys, time
folder = sys.argv[1]
files = json.load(open(sys.argv[2]))
t0 = time.perf_counter()
for name, text in files:
    with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
        handle.write(text)
t1 = time.perf_counter()
print(json.dumps({"first": t0, "last": t1}))
"""


def _bg_at(raw_lines: list[str], column: int) -> list[object]:
    """The background colour of each line's cell at `column` (SGR state carries across lines,
    as tmux's capture-pane -e writes only the changes)."""
    bg: object = None
    out: list[object] = []
    for raw in raw_lines:
        col = 0
        found: object = "?"
        pos = 0
        while pos < len(raw):
            if raw[pos] == "\x1b":
                match = SGR.match(raw, pos)
                if match:
                    bg = _apply_sgr(bg, match.group(1))
                    pos = match.end()
                    continue
                other = ESCAPE.match(raw, pos)
                pos = other.end() if other else pos + 1
                continue
            if col == column:
                found = bg
                break
            col += 1
            pos += 1
        out.append(found)
        # finish the line so the state is right for the next one
        for match in SGR.finditer(raw, pos):
            bg = _apply_sgr(bg, match.group(1))
    return out


def _apply_sgr(bg: object, params: str) -> object:
    codes = [int(c) if c.isdigit() else 0 for c in params.replace(":", ";").split(";")] if params else [0]
    k = 0
    while k < len(codes):
        c = codes[k]
        if c == 0 or c == 49:
            bg = None
        elif 40 <= c <= 47 or 100 <= c <= 107:
            bg = c
        elif c in (38, 48):
            if k + 1 < len(codes) and codes[k + 1] == 5:
                if c == 48 and k + 2 < len(codes):
                    bg = ("256", codes[k + 2])
                k += 2
            elif k + 1 < len(codes) and codes[k + 1] == 2:
                if c == 48 and k + 4 < len(codes):
                    bg = ("rgb", *codes[k + 2 : k + 5])
                k += 4
        k += 1
    return bg


def plain(raw_lines: list[str]) -> list[str]:
    return [ESCAPE.sub("", line) for line in raw_lines]


def cursor_token(raw_lines: list[str]) -> str | None:
    """The short id on the Open column's cursor card: its rows are the ones whose background
    at x=1 differs from the column's own (the most common one)."""
    lines = plain(raw_lines)
    end = next((i for i, line in enumerate(lines) if line.startswith("─")), len(lines))
    backgrounds = _bg_at(raw_lines[:end], 1)[2:]
    if not backgrounds:
        return None
    usual = statistics.mode(backgrounds)
    for offset, bg in enumerate(backgrounds):
        if bg != usual:
            words = lines[2 + offset].split("▕")[0].split()
            return words[0] if words else None
    return None


@dataclass
class Keys:
    """`j` presses and when each first showed."""

    sent: list[float] = field(default_factory=list)
    shown: list[float] = field(default_factory=list)

    def latencies(self) -> list[float]:
        return [s - t for t, s in zip(self.sent, self.shown, strict=False)]


def key_loop(
    app: AppSession,
    order: list[str],
    start: int,
    every: float,
    keep_sending: Callable[[Screen, float], bool],
    max_keys: int,
) -> tuple[Keys, int]:
    """Send `j` every `every` s while keep_sending(screen, now) says so (and up to max_keys), and
    time each to the capture whose cursor card is the one it moves to. The cursor index after."""
    keys = Keys()
    cursor = start
    sending = True
    next_key = time.perf_counter()
    deadline = next_key + TIMEOUT * 4
    while True:
        now = time.perf_counter()
        if sending and now >= next_key:
            keys.sent.append(app.keys("j"))
            next_key += every
        raw = app.tmux.command("capture-pane", "-p", "-e", "-t", app.target)
        now = time.perf_counter()
        token = cursor_token(raw)
        if token is not None:
            index = next((k for k in range(cursor, len(order)) if order[k].startswith(token)), None)
            if index is not None:
                cursor = index
                while len(keys.shown) < len(keys.sent) and start + len(keys.shown) + 1 <= cursor:
                    keys.shown.append(now)
        screen = Screen(plain(raw))
        app.last_screen = screen.lines
        if sending:
            sending = keep_sending(screen, now) and len(keys.sent) < max_keys
        if not sending and len(keys.shown) == len(keys.sent):
            return keys, cursor
        if now > deadline:
            raise SampleFailed(f"keys: {len(keys.sent) - len(keys.shown)} never showed", screen.lines)
        if app.poll:
            time.sleep(app.poll)


def storm(
    tmux: Tmux, size: int, files: int, every: float, args: argparse.Namespace, scratch: Path
) -> dict[str, Any]:
    heading = f"\n== storm: {files:,} new files in done/ on {size:,} tasks: "
    root, _ = board_for(size, args.seed, args.keep, scratch, heading=heading)
    board = Board(root)
    limit = board.settings.wip_doing
    counts = disk_counts(root)
    tasks = board.tasks()  # warm the parse cache
    order = [t.id for t in Snapshot(tasks).column("open")]
    taken = {t.id for t in tasks}
    token = secrets.token_hex(2)
    batch = []
    for k in range(files):
        task_id = ids.new_id()
        while task_id in taken:
            task_id = ids.new_id()
        taken.add(task_id)
        text = (
            f"---\ntitle: Storm {token} {k}\npriority: medium\ncreated: 2026-11-01T10:00:00Z\n"
            "started: 2026-11-01T11:00:00Z\ndone: 2026-11-01T12:00:00Z\n---\nChecked out in a storm.\n"
        )
        batch.append((f"{task_id}-storm-{token}-{k}.md", text))
    spec = scratch / "storm.json"
    spec.write_text(json.dumps(batch))
    result: dict[str, Any] = {"size": size, "files": files, "key_every_s": every}
    app = AppSession(tmux, root, args.poll)
    target = counts["done"] + files
    done_shown = count_is("done", target, limit)
    try:
        t0 = app.launch()
        result["painted_s"] = round(app.wait_for(board_shown(counts, limit), t0, "painted"), 3)
        time.sleep(1.0)
        if cursor_token(tmux.command("capture-pane", "-p", "-e", "-t", app.target)) is None:
            raise BenchError("could not find the cursor card on screen")
        print("  idle keys: ", end="", flush=True)
        idle, cursor = key_loop(app, order, 0, every, lambda s, n: True, args.storm_idle_keys)
        print(f"{len(idle.sent)} sent", flush=True)
        time.sleep(SETTLE)
        print("  storm: ", end="", flush=True)
        done_counts: list[tuple[float, int]] = []
        seen: dict[str, float] = {}
        pattern = re.compile(r"(?<![\w/])Done (\d+)(?![\w/])")
        writer_out = scratch / "writer.out"
        with writer_out.open("wb") as sink:
            spawned = time.perf_counter()
            writer_argv = [sys.executable, "-c", _WRITER, str(root / "done"), str(spec)]
            writer = subprocess.Popen(writer_argv, stdout=sink)

            def still_storming(screen: Screen, now: float) -> bool:
                match = pattern.search(screen.text)
                if match:
                    shown = int(match.group(1))
                    if not done_counts or done_counts[-1][1] != shown:
                        done_counts.append((now, shown))
                if "full" not in seen and done_shown(screen):
                    seen["full"] = now
                return "full" not in seen

            keys, cursor = key_loop(app, order, cursor, every, still_storming, 10_000)
            writer.wait(timeout=120)
        if writer.returncode != 0:
            raise BenchError(f"the storm writer exited with {writer.returncode}")
        marks = json.loads(writer_out.read_text())
        first, last = marks["first"], marks["last"]
        lat = keys.latencies()
        idle_lat = idle.latencies()
        result.update(
            {
                "writer_spawn_to_first_write_s": round(first - spawned, 4),
                "writing_s": round(last - first, 4),
                "first_write_to_full_count_s": round(seen["full"] - first, 4),
                "last_write_to_full_count_s": round(seen["full"] - last, 4),
                "done_counts_shown": [(round(t - first, 4), c) for t, c in done_counts],
                "keys_sent": len(keys.sent),
                "key_latency_max_s": round(max(lat), 4) if lat else None,
                "key_latency_p50_s": round(quantile(lat, 0.5), 4) if lat else None,
                "key_latencies_s": [round(x, 4) for x in lat],
                "key_sent_at_s": [round(t - first, 4) for t in keys.sent],
                "idle_key_latency_p50_s": round(quantile(idle_lat, 0.5), 4) if idle_lat else None,
                "idle_key_latency_max_s": round(max(idle_lat), 4) if idle_lat else None,
                "idle_key_latencies_s": [round(x, 4) for x in idle_lat],
                "screen_after": app.last_screen,
            }
        )
        print("done", flush=True)
    except (SampleFailed, BenchError) as exc:
        print(f"\n  ! storm: {exc}", flush=True)
        result["failure"] = {"error": str(exc), "screen": getattr(exc, "screen", app.last_screen)}
    finally:
        app.quit()
        for name, _ in batch:
            (root / "done" / name).unlink(missing_ok=True)
        board.tasks()  # the cache forgets the storm's files
    if disk_counts(root) != counts:
        raise BenchError(f"the storm board was not put back: {disk_counts(root)} != {counts}")
    print_storm(result)
    return result


def print_storm(r: dict[str, Any]) -> None:
    if "failure" in r:
        return

    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x * 1000:.0f} ms"

    print(f"  writer: {r['files']:,} files in {r['writing_s']:.3f} s")
    print(
        f"  Done count complete on screen {r['first_write_to_full_count_s']:.3f} s after the first write, "
        f"{ms(r['last_write_to_full_count_s'])} after the last"
    )
    shown = ", ".join(f"{c} @{t:.2f}s" for t, c in r["done_counts_shown"])
    print(f"  Done counts seen: {shown}")
    print(
        f"  `j` every {r['key_every_s'] * 1000:.0f} ms: {r['keys_sent']} keys during the storm, "
        f"p50 {ms(r['key_latency_p50_s'])}, longest {ms(r['key_latency_max_s'])}; idle board p50 "
        f"{ms(r['idle_key_latency_p50_s'])}, longest {ms(r['idle_key_latency_max_s'])}"
    )


# -- one size -----------------------------------------------------------------------------------


def bench_size(
    size: int, samples: int, args: argparse.Namespace, tmux: Tmux, env: dict[str, str], scratch: Path
) -> dict[str, Any]:
    root, _ = board_for(size, args.seed, args.keep, scratch)
    board = Board(root)
    b = Run(root, disk_counts(root), board.settings.wip_doing, secrets.token_hex(2))
    b.taken = {t.id for t in board.tasks()}  # also brings the parse cache up to date
    journal = journal_sizes(root)
    subprocess.run([*PULSE, "--version"], env=env, capture_output=True, check=True)  # compile the CLI
    rows = kinds(size)
    app = AppSession(tmux, root, args.poll)
    painted = None
    floor: list[Kind] = []
    errors: list[dict[str, Any]] = []
    try:
        painted = app.wait_for(board_shown(b.counts, b.limit), app.launch(), "painted")
        time.sleep(max(SETTLE, 1.0))
        floor = [Kind(size, what, None, seconds) for what, seconds in poll_floor(tmux, app, env).items()]
        print(f"  painted in {painted:.2f} s; samples: ", end="", flush=True)
        for i in range(samples):
            sample(app, b, rows, i, env, scratch)
            print(".", end="", flush=True)
        print(flush=True)
    except (SampleFailed, BenchError) as exc:
        print(f"\n  ! {size:,}: {exc}", flush=True)
        errors.append({"error": str(exc), "screen": getattr(exc, "screen", app.last_screen)})
    finally:
        app.quit()
        for path in b.made:
            path.unlink(missing_ok=True)
        trim_journal(root, journal)  # forget the journal lines `pulse start` wrote
        board.tasks()
    if disk_counts(root) != b.counts:
        raise BenchError(f"the board was not put back as it was: {disk_counts(root)} != {b.counts}")
    return {
        "size": size,
        "samples": samples,
        "seed": args.seed,
        "counts": b.counts,
        "painted_s": None if painted is None else round(painted, 3),
        "results": [r.as_json() for r in [*floor, *rows.values()]],
        "errors": errors,
    }


# -- the report ---------------------------------------------------------------------------------


def print_table(sizes: list[dict[str, Any]]) -> None:
    """Every kind with the sizes side by side: p50 / p95 / max, and the verdict on the budget."""
    if not sizes:
        return

    def ms(x: float | None) -> str:
        return "-" if x is None else f"{x * 1000:.0f}"

    whats = [r["what"] for r in sizes[0]["results"]]
    for s in sizes[1:]:
        whats += [r["what"] for r in s["results"] if r["what"] not in whats]
    titles = [f"{s['size']:,} tasks p50/p95/max" for s in sizes]
    head = f"{'change (ms)':<36}" + "".join(f"{t:>30}" for t in titles)
    print(f"\n{head}  budget p95")
    print("-" * (len(head) + 12))
    for what in whats:
        cells = []
        budget = None
        for s in sizes:
            r = next((r for r in s["results"] if r["what"] == what), None)
            if r is None:
                cells.append(f"{'-':>30}")
                continue
            budget = r["budget_s"]
            verdict = r["verdict"] or ""
            if what.startswith("poll"):
                text = f"{r['p50_s'] * 1000:.2f} / {r['p95_s'] * 1000:.2f} / {r['max_s'] * 1000:.2f}"
            else:
                text = f"{ms(r['p50_s'])} / {ms(r['p95_s'])} / {ms(r['max_s'])}"
            fails = f" {len(r['failures'])}F" if r["failures"] else ""
            cells.append(f"{text + fails:>24} {verdict:<5}")
        note = f"≤{budget * 1000:.0f}" if budget else ""
        print(f"{what:<36}" + "".join(cells) + f"  {note}")
    print(f"(watcher batch step {STEP_MS} ms; {COMPARISON})")


def main(argv: list[str] | None = None) -> int:
    parser = bench_parser(
        "Time changes on disk reaching the board app's screen.",
        "live",
        [100, 100_000],
        any_sizes=True,
        poll=True,
    )
    parser.add_argument("--samples", type=int, help="samples per kind (default 20; 10 above 10,000 tasks)")
    parser.add_argument("--storm", type=int, default=10_000, metavar="N", help="storm board size (0: none)")
    parser.add_argument("--storm-files", type=int, default=5_000, help="files the storm writes (5000)")
    parser.add_argument("--storm-idle-keys", type=int, default=10, help="`j` presses on the idle board first")
    parser.add_argument("--key-every", type=float, default=0.1, help="seconds between `j` presses (0.1)")
    args = parser.parse_args(argv)
    if args.samples is not None and args.samples < 1:
        parser.error("--samples must be at least 1")
    tmux = require_tmux(parser)
    out = results_path(args.out, "live")
    source = headline(
        "live-change benchmark",
        f"{tmux}, {WIDTH}x{HEIGHT}, {os.cpu_count()} CPUs; p50, p95 and max per kind",
    )
    sizes: list[dict[str, Any]] = []
    storms: list[dict[str, Any]] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="pulse-live-bench-") as scratch:
        env = bench_env(Path(scratch))
        server = Tmux(env)
        try:
            for size in args.sizes:
                samples = args.samples or (20 if size <= 10_000 else 10)
                sizes.append(bench_size(size, samples, args, server, env, Path(scratch)))
            print_table(sizes)
            if args.storm:
                storms.append(
                    storm(server, args.storm, args.storm_files, args.key_every, args, Path(scratch))
                )
        except BenchError as exc:  # keep what was already measured
            print(f"\nlive_bench: {exc}", file=sys.stderr)
            failed = True
        finally:
            server.close()
    by_size = {s["size"]: s for s in sizes}
    for s in storms:
        by_size.setdefault(s["size"], {"size": s["size"]})["storm"] = s
    record = run_record(
        source,
        tmux=tmux,
        terminal=f"{WIDTH}x{HEIGHT}",
        poll_pause_s=args.poll,
        budget_p95_s=BUDGET,
        watcher_step_ms=STEP_MS,
        sizes=[by_size[k] for k in sorted(by_size)],
    )
    write_results(out, record, combine=True)
    failed = failed or any(r["failures"] for s in sizes for r in s["results"])
    failed = failed or any(s["errors"] for s in sizes) or any("failure" in s for s in storms)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
