"""The board app benchmark: how soon `pulse` paints a big board, and how soon a key moves a task.

Owns the board app's timing method and its budgets. The app runs in a real terminal: a private
tmux server (its own socket, so it never touches anyone's tmux), a 160x48 window, the app started
as `python -m pulseboard --board DIR` with the same bytecode set-up as cli_bench.py (no
PYTHONDONTWRITEBYTECODE; .pyc files in a scratch PYTHONPYCACHEPREFIX). The benchmark reads the
screen the way a person would, as text (`tmux capture-pane -p`), polled as fast as practical
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

    python bench/tui_bench.py --sizes 1000 10000 [--repeat N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import re
import secrets
import select
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cli_bench import BenchError, _board_for, _merge, _source_version

from pulseboard import __version__
from pulseboard.core import ids
from pulseboard.core.board import STATES, Board, Task, is_task_name
from pulseboard.core.journal import PULSE_DIR
from pulseboard.core.snapshot import Snapshot

BENCH_DIR = Path(__file__).resolve().parent
OUT_DIR = BENCH_DIR / "out"
PULSE = [sys.executable, "-m", "pulseboard"]
TMUX = shutil.which("tmux") or "/usr/bin/tmux"
WIDTH, HEIGHT = 160, 48
TIMEOUT = 30.0  # seconds before a sample counts as a failure
SETTLE = 0.3  # untimed pause after a sample, so the next one starts from an idle app
TITLES = {"open": "Open", "doing": "Doing", "done": "Done", "blocked": "Blocked"}  # as the app shows them
HELP_MARK = "ctrl+p: every action"  # a line of the help screen
LOADING = "Loading…"
FOOTER_MARK = "q Quit"  # the key bar, the last line the app paints
PAINT_BUDGETS = {10_000: 0.8, 100_000: 3.0}  # seconds, launch to board painted (cold or warm)
MOVE_BUDGET = 0.050  # seconds, key to moved task shown, at any size
RSS_BUDGETS_MB = {100_000: 400}
COMPARISON = (
    "measured elsewhere: kanban-tui shows 1,000 tasks in 10 s and 10,000 in 100 s; "
    "Backlog.md shows 10,000 in 6-7 s"
)


@dataclass
class Row:
    """One measurement at one board size: its samples, failures and peak memory."""

    size: int
    what: str
    cache: str  # "warm", "cold", or "-"
    seconds: list[float] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)  # what went wrong, the last screen
    rss_kb: list[int] = field(default_factory=list)

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

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
        if self.budget is None:
            return None
        if self.median is None:
            return "FAIL"
        return "PASS" if self.median <= self.budget and not self.failures else "OVER"

    def rss_verdict(self) -> str | None:
        if self.rss_budget_mb is None or self.peak_mb is None:
            return None
        return "PASS" if self.peak_mb <= self.rss_budget_mb else "OVER"

    def as_json(self) -> dict[str, Any]:
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)

        return {
            "what": self.what,
            "cache": self.cache,
            "median_s": r(self.median),
            "min_s": r(min(self.seconds)) if self.seconds else None,
            "max_s": r(max(self.seconds)) if self.seconds else None,
            "budget_s": self.budget,
            "verdict": self.verdict(),
            "peak_rss_mb": None if self.peak_mb is None else round(self.peak_mb, 1),
            "rss_budget_mb": self.rss_budget_mb,
            "rss_verdict": self.rss_verdict(),
            "samples_s": [round(s, 4) for s in self.seconds],
            "rss_samples_mb": [round(k / 1024, 1) for k in self.rss_kb],
            "failures": self.failures,
        }


class SampleFailed(Exception):
    """One sample did not reach what it waited for; the screen it last saw is attached."""

    def __init__(self, message: str, screen: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.screen = list(screen)


def bench_env(scratch: Path) -> dict[str, str]:
    """cli_bench's environment: bytecode on, kept out of src/; no board from the caller's shell."""
    skip = ("PULSE_BOARD", "PYTHONDONTWRITEBYTECODE", "TMUX", "TMUX_PANE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["PULSE_ACTOR"] = "bench"
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


def _tmux_quote(arg: str) -> str:
    """One word of tmux's command language (its quoting rules match the shell's for '...')."""
    return arg if re.fullmatch(r"[\w./=:@%+,-]+", arg) else shlex.quote(arg)


class Tmux:
    """A private tmux server, driven through one control-mode client (`tmux -C`).

    The client attaches to an idle keep-alive session, so its own size never touches the
    sessions under test; commands go in as lines on its stdin and their output comes back framed
    by `%begin`/`%end` lines. One round trip is far cheaper than a `tmux` subprocess.
    """

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"pulse-bench-{os.getpid()}-{secrets.token_hex(3)}"
        self.env = env
        self.base = [TMUX, "-L", self.socket, "-f", "/dev/null"]
        self._buf = b""
        self._proc: subprocess.Popen[bytes] | None = None
        self._run("new-session", "-d", "-s", "keepalive", "-x", "80", "-y", "24", "sleep infinity")
        self.socket_path = Path(self._run("display-message", "-p", "#{socket_path}").strip())
        try:
            self._run("set-option", "-g", "remain-on-exit", "on")  # keep a crashed app's traceback
            self._proc = subprocess.Popen(
                [*self.base, "-C", "attach-session", "-t", "keepalive"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
            )  # fmt: skip
            token = secrets.token_hex(4)
            deadline = time.monotonic() + 10
            while self.command("display-message", "-p", token) != [token]:  # skip the attach's own reply
                if time.monotonic() > deadline:
                    raise BenchError("the tmux control client never answered in step")
        except BaseException:
            self.close()
            raise

    def _run(self, *args: str) -> str:
        done = subprocess.run([*self.base, *args], capture_output=True, text=True, env=self.env, timeout=30)
        if done.returncode != 0:
            raise BenchError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def _readline(self, deadline: float) -> str:
        assert self._proc is not None and self._proc.stdout is not None
        fd = self._proc.stdout.fileno()
        while b"\n" not in self._buf:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BenchError("the tmux control client did not answer in time")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 1 << 16)
                if not chunk:
                    raise BenchError("the tmux control client exited")
                self._buf += chunk
        line, self._buf = self._buf.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def command(self, *args: str, timeout: float = 10.0) -> list[str]:
        """Run one tmux command through the control client; its output lines (BenchError on %error)."""
        assert self._proc is not None and self._proc.stdin is not None
        text = " ".join(_tmux_quote(a) for a in args)
        self._proc.stdin.write(text.encode() + b"\n")
        self._proc.stdin.flush()
        deadline = time.monotonic() + timeout
        while True:
            line = self._readline(deadline)
            if not line.startswith("%begin "):
                continue  # a notification between replies
            _, stamp, number, flags = line.split()[:4]
            body: list[str] = []
            while True:
                line = self._readline(deadline)
                parts = line.split()
                if parts[:1] in (["%end"], ["%error"]) and parts[1:3] == [stamp, number]:
                    break
                body.append(line)
            if flags != "1":
                continue  # not a reply to this client's command
            if parts[0] == "%error":
                raise BenchError(f"tmux {text}: {' '.join(body)}")
            return body

    def capture(self, target: str) -> list[str]:
        return self.command("capture-pane", "-p", "-t", target)

    def close(self) -> None:
        """Kill the server (and with it every session this benchmark made) and the client."""
        try:
            subprocess.run([*self.base, "kill-server"], capture_output=True, env=self.env, timeout=30)
        finally:
            if self.socket_path.name == self.socket:  # tmux leaves its socket file behind
                self.socket_path.unlink(missing_ok=True)
            if self._proc is not None:
                try:
                    self._proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    self._proc.kill()
                    self._proc.wait()


class AppSession:
    """One run of the board app in its own tmux session."""

    _count = 0

    def __init__(self, tmux: Tmux, board_root: Path, poll: float) -> None:
        AppSession._count += 1
        self.tmux = tmux
        self.name = f"pb{os.getpid()}x{AppSession._count:04d}"  # fixed width: never a prefix of another
        self.target = f"={self.name}:"
        self.argv = [*PULSE, "--board", str(board_root)]
        self.poll = poll
        self.started = False
        self.last_screen: list[str] = []

    def launch(self) -> float:
        """Start the app; the perf_counter() taken just before new-session."""
        command = shlex.join(self.argv)
        t0 = time.perf_counter()
        self.tmux.command("new-session", "-d", "-s", self.name, "-x", str(WIDTH), "-y", str(HEIGHT), command)
        self.started = True
        return t0

    def wait_for(self, shown: Callable[[str], bool], t0: float, what: str, timeout: float = TIMEOUT) -> float:
        """Seconds from t0 to the first capture (its return) whose text passes `shown`."""
        polls = 0
        while True:
            lines = self.tmux.capture(self.target)
            now = time.perf_counter()
            polls += 1
            self.last_screen = lines
            text = "\n".join(lines)
            if shown(text):
                return now - t0
            if "Not moved" in text:
                raise SampleFailed(f"{what}: the app said the task was not moved", lines)
            if now - t0 > timeout or (polls % 200 == 0 and self.dead()):
                state = "the app exited" if self.dead() else f"not seen in {timeout:.0f} s"
                raise SampleFailed(f"{what}: {state}", lines)
            if self.poll:
                time.sleep(self.poll)

    def keys(self, *keys: str) -> float:
        """Send keys; the perf_counter() taken just before."""
        t0 = time.perf_counter()
        self.tmux.command("send-keys", "-t", self.target, *keys)
        return t0

    def dead(self) -> bool:
        return self.tmux.command("display-message", "-p", "-t", self.target, "#{pane_dead}") == ["1"]

    def pid(self) -> int:
        """The app's python process: the pane's process, or its first python descendant."""
        pid = int(self.tmux.command("display-message", "-p", "-t", self.target, "#{pane_pid}")[0])
        seen = [pid]
        while seen:
            candidate = seen.pop(0)
            try:
                cmdline = Path(f"/proc/{candidate}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"pulseboard" in cmdline:
                return candidate
            children = Path(f"/proc/{candidate}/task/{candidate}/children")
            with contextlib.suppress(OSError):
                seen += [int(c) for c in children.read_text().split()]
        raise BenchError(f"no pulseboard process under pane pid {pid}")

    def peak_rss_kb(self) -> int:
        status = Path(f"/proc/{self.pid()}/status").read_text()
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.M)
        if match is None:
            raise BenchError("no VmHWM in /proc/PID/status")
        return int(match.group(1))

    def environ(self) -> dict[str, str]:
        raw = Path(f"/proc/{self.pid()}/environ").read_bytes().split(b"\0")
        pairs = (item.decode(errors="replace").partition("=") for item in raw if item)
        return {k: v for k, _, v in pairs}

    def quit(self) -> None:
        """`q`, wait for the app to exit, then kill the session (always)."""
        if not self.started:
            return
        try:
            if not self.dead():
                self.keys("q")
                deadline = time.monotonic() + 20
                while not self.dead() and time.monotonic() < deadline:
                    time.sleep(0.02)
        except BenchError:
            pass
        finally:
            with contextlib.suppress(BenchError):
                self.tmux.command("kill-session", "-t", f"={self.name}")
            self.started = False


# -- what the screen should show ---------------------------------------------------------------


def disk_counts(root: Path) -> dict[str, int]:
    """Task files per state folder, by pulse's own rule for what a task file is."""
    return {s: sum(1 for n in os.listdir(root / s) if is_task_name(n)) for s in STATES}


def board_shown(counts: dict[str, int], limit: int) -> Callable[[str], bool]:
    """A test for a screen showing the loaded board with exactly these counts."""
    patterns = [
        re.compile(rf"(?<![\w/]){TITLES[s]} {counts[s]}{'/' + str(limit) if s == 'doing' else ''}(?![\w/])")
        for s in STATES
    ]
    return lambda text: LOADING not in text and FOOTER_MARK in text and all(p.search(text) for p in patterns)


def titles_show(counts: dict[str, int], limit: int, states: Sequence[str]) -> Callable[[str], bool]:
    patterns = [
        re.compile(rf"(?<![\w/]){TITLES[s]} {counts[s]}{'/' + str(limit) if s == 'doing' else ''}(?![\w/])")
        for s in states
    ]
    return lambda text: all(p.search(text) for p in patterns)


# -- the samples --------------------------------------------------------------------------------


def _drop_cache(root: Path) -> None:
    shutil.rmtree(root / PULSE_DIR / "cache", ignore_errors=True)


def _fail(row: Row, exc: SampleFailed | BenchError, size: int) -> None:
    print(f"\n  ! {size:,} {row.what} {row.cache}: {exc}", flush=True)
    screen = getattr(exc, "screen", [])
    if screen:
        print(
            "    last screen:\n" + "\n".join(f"    | {line}" for line in screen if line.strip()), flush=True
        )
    row.failures.append({"error": str(exc), "screen": screen})


def paint_series(
    tmux: Tmux, root: Path, row: Row, repeat: int, poll: float, counts: dict[str, int], limit: int
) -> None:
    shown = board_shown(counts, limit)
    for _ in range(repeat):
        if row.cache == "cold":
            _drop_cache(root)
        app = AppSession(tmux, root, poll)
        try:
            t0 = app.launch()
            row.seconds.append(app.wait_for(shown, t0, f"painted ({row.cache})"))
            time.sleep(SETTLE)
            row.rss_kb.append(app.peak_rss_kb())
            print(".", end="", flush=True)
        except (SampleFailed, BenchError) as exc:
            _fail(row, exc, row.size)
        finally:
            app.quit()


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


def key_series(tmux: Tmux, root: Path, rows: dict[str, Row], repeat: int, poll: float, limit: int) -> None:
    """One warm session: `repeat` samples of `s` then `d`, then of `?`; the moves put back after.

    The `h` presses go one at a time: the app moves focus on its next loop turn, so two `h` in
    one terminal read both start from the same column and land one column over, not two.
    """
    board = Board(root)
    plan = plan_moves(board, repeat)
    originals = {task.name: task.path.read_bytes() for _, task in plan}
    journal = root / PULSE_DIR / "journal"
    journal_sizes = {p: p.stat().st_size for p in journal.glob("*")} if journal.is_dir() else {}
    counts = disk_counts(root)
    app = AppSession(tmux, root, poll)
    try:
        t0 = app.launch()
        app.wait_for(board_shown(counts, limit), t0, "painted (before the keys)")
        time.sleep(SETTLE)
        for presses, task in plan:
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
            counts = finished
            time.sleep(SETTLE)
            for _ in range(2):  # Done -> Doing -> Open, one key at a time (see above)
                app.keys("h")
                time.sleep(SETTLE)
            print(".", end="", flush=True)
        for _ in range(repeat):
            t0 = app.keys("?")
            rows["?"].seconds.append(app.wait_for(lambda text: HELP_MARK in text, t0, "?"))
            time.sleep(SETTLE)
            app.keys("Escape")
            app.wait_for(lambda text: HELP_MARK not in text, time.perf_counter(), "help closed")
            time.sleep(SETTLE)
        rows["s"].rss_kb.append(app.peak_rss_kb())
    except (SampleFailed, BenchError) as exc:
        _fail(rows["s"], exc, rows["s"].size)
    finally:
        app.quit()
        for name, data in originals.items():  # put the moved tasks back as they were
            for state in ("doing", "done"):
                (root / state / name).unlink(missing_ok=True)
            (root / "open" / name).write_bytes(data)
        if journal.is_dir():  # and forget their journal lines
            for path in journal.glob("*"):
                if path in journal_sizes:
                    os.truncate(path, journal_sizes[path])
                else:
                    path.unlink()


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


def poll_floor(tmux: Tmux, app: AppSession, env: dict[str, str], size: int) -> list[Row]:
    """What one look at the painted board costs: through the control client, and as a subprocess."""
    control = Row(size, "poll: capture-pane (control mode)", "-")
    for _ in range(200):
        t0 = time.perf_counter()
        tmux.capture(app.target)
        control.seconds.append(time.perf_counter() - t0)
    sub = Row(size, "poll: capture-pane (subprocess)", "-")
    for _ in range(20):
        t0 = time.perf_counter()
        subprocess.run([*tmux.base, "capture-pane", "-p", "-t", app.target], capture_output=True, env=env)
        sub.seconds.append(time.perf_counter() - t0)
    return [control, sub]


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
                _drop_cache(root)
            _, out = _timed([sys.executable, "-c", _PARTS, str(root)], env)
            for name, seconds in json.loads(out).items():
                rows.setdefault((name, cache), Row(size, name, cache)).seconds.append(seconds)
    return list(rows.values())


# -- one size -----------------------------------------------------------------------------------


def bench_size(
    size: int, repeat: int, args: argparse.Namespace, tmux: Tmux, env: dict[str, str], scratch: Path
) -> dict[str, Any]:
    print(f"\n== {size:,} tasks: ", end="", flush=True)
    root, made_in = _board_for(size, args.seed, args.keep, scratch)
    print("reused kept board" if made_in is None else f"generated in {made_in:.1f} s", flush=True)
    board = Board(root)
    limit = board.settings.wip_doing
    counts = disk_counts(root)
    board.tasks()  # bring the parse cache up to date
    # An untimed run: checks the screen test and the app's environment before any timing.
    app = AppSession(tmux, root, args.poll)
    try:
        app.wait_for(board_shown(counts, limit), app.launch(), "painted (check run)")
        env_seen = app.environ()
        if (
            "PYTHONDONTWRITEBYTECODE" in env_seen
            or env_seen.get("PYTHONPYCACHEPREFIX") != env["PYTHONPYCACHEPREFIX"]
        ):
            raise BenchError("the app in tmux did not get the benchmark's environment")
        screen = list(app.last_screen)
        floor = poll_floor(tmux, app, env, size)
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
    head = (
        f"{'tasks':>8}  {'what':<34} {'cache':<5} {'median':>9} {'min':>9} {'max':>9} {'fail':>4}"
        f"  {'budget':>9} {'':<4}  {'peak RSS':>9} {'':<11}"
    )
    print(head)
    print("-" * len(head))

    def s(x: float | None) -> str:
        if x is None:
            return "-"
        return f"{x * 1000:.1f} ms" if x < 0.1 else f"{x:.3f} s"

    for r in rows:
        budget = f"≤{s(r.budget)}" if r.budget is not None else ""
        rss = "" if r.peak_mb is None else f"{r.peak_mb:.0f} MB"
        rss_note = "" if r.rss_budget_mb is None else f"≤{r.rss_budget_mb} MB {r.rss_verdict()}"
        lo = min(r.seconds) if r.seconds else None
        hi = max(r.seconds) if r.seconds else None
        print(
            f"{f'{r.size:,}' if r.size else '-':>8}  {r.what:<34} {r.cache:<5} {s(r.median):>9} {s(lo):>9}"
            f" {s(hi):>9} {len(r.failures):>4}  {budget:>9} {r.verdict() or '':<4}  {rss:>9} {rss_note}"
        )
    if any(r.budget is not None for r in rows):
        print(f"({COMPARISON})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time the pulse board app in a real terminal (tmux).")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000], metavar="N")
    parser.add_argument("--repeat", type=int, help="samples per row (default 5; 3 above 10,000 tasks)")
    parser.add_argument("--seed", type=int, default=0, help="board generator seed (default 0)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep boards in DIR, reuse them next run")
    parser.add_argument("--poll", type=float, default=0.001, help="pause between screen polls, s (0.001)")
    parser.add_argument("--out", type=Path, help="JSON results file (default bench/out/tui_<date>.json)")
    args = parser.parse_args(argv)
    if args.repeat is not None and args.repeat < 1:
        parser.error("--repeat must be at least 1")
    if not os.access(TMUX, os.X_OK):
        parser.error(f"needs tmux (not found at {TMUX})")
    out = args.out or OUT_DIR / f"tui_{dt.date.today().isoformat()}.json"
    source = _source_version()
    tmux_version = subprocess.run([TMUX, "-V"], capture_output=True, text=True).stdout.strip()
    print(
        f"pulse {__version__} ({source}) board app benchmark: Python {platform.python_version()}, "
        f"{tmux_version}, {WIDTH}x{HEIGHT}, {os.cpu_count()} CPUs; median, min and max per row"
    )
    sizes: list[dict[str, Any]] = []
    base: list[Row] = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="pulse-tui-bench-") as scratch:
        env = bench_env(Path(scratch))
        tmux = Tmux(env)
        try:
            base = baseline(env, args.repeat or 5)
            print()
            print_table(base)
            for size in args.sizes:
                repeat = args.repeat or (5 if size <= 10_000 else 3)
                sizes.append(bench_size(size, repeat, args, tmux, env, Path(scratch)))
        except BenchError as exc:  # keep the sizes already measured
            print(f"\ntui_bench: {exc}", file=sys.stderr)
            failed = True
        finally:
            tmux.close()
    record = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pulse": __version__,
        "source": source,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "tmux": tmux_version,
        "terminal": f"{WIDTH}x{HEIGHT}",
        "poll_pause_s": args.poll,
        "baseline": [r.as_json() for r in base],
        "sizes": sizes,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(_merge(out, record), indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {out}")
    failed = failed or any(r["failures"] for s in sizes for r in s["results"])
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
