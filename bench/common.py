"""What every benchmark script shares, written once.

Owns: the generated boards (made once per size and seed, kept under `--keep DIR`) and the copies
other scripts time; the environment pulse runs in (bytecode on, kept out of src/) and `Runner`,
which times pulse as a fresh process; the options every script takes; the commit measured and
the results file (`bench/out/<name>_<date>.json`, merged by size); how figures are printed; and
the board app in a real terminal: a private tmux server read through one control-mode client
(`Tmux`), one app run in it (`AppSession`), and the screen tests for a painted board. What a
script measures, its rows and its budgets stay in the script.
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
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

from make_board import make_board

from pulseboard import __version__
from pulseboard.core.board import STATES, is_task_name
from pulseboard.core.journal import PULSE_DIR

BENCH_DIR = Path(__file__).resolve().parent
REPO_DIR = BENCH_DIR.parent
OUT_DIR = BENCH_DIR / "out"
PULSE = [sys.executable, "-m", "pulseboard"]
GNU_TIME = "/usr/bin/time"
TMUX = shutil.which("tmux") or "/usr/bin/tmux"
WIDTH, HEIGHT = 160, 48  # the terminal the board app is timed in
TIMEOUT = 30.0  # seconds before a screen sample counts as a failure
TITLES = {"open": "Open", "doing": "Doing", "done": "Done", "blocked": "Blocked"}  # as the app shows them
LOADING = "Loading…"
FOOTER_MARK = "q Quit"  # the key bar, the last line the app paints

T = TypeVar("T")


class BenchError(Exception):
    """A pulse run failed or did something other than what the benchmark asked."""


class SampleFailed(Exception):
    """One sample did not reach what it waited for; the screen it last saw is attached."""

    def __init__(self, message: str, screen: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.screen = list(screen)


# -- options, the commit, the results file ---------------------------------------------------------


def bench_parser(
    description: str, name: str, sizes: list[int], *, any_sizes: bool = False, poll: bool = False
) -> argparse.ArgumentParser:
    """A parser with the options every script takes: --sizes, --seed, --keep, --out (and --poll)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=int, nargs="*" if any_sizes else "+", default=sizes, metavar="N")
    parser.add_argument("--seed", type=int, default=0, help="board generator seed (default 0)")
    parser.add_argument("--keep", type=Path, metavar="DIR", help="keep boards in DIR, reuse them next run")
    if poll:
        parser.add_argument("--poll", type=float, default=0.001, help="pause between screen polls, s (0.001)")
    parser.add_argument("--out", type=Path, help=f"JSON results file (default bench/out/{name}_<date>.json)")
    return parser


def results_path(out: Path | None, name: str) -> Path:
    """--out, or the day's file for this script: bench/out/<name>_<date>.json."""
    return out or OUT_DIR / f"{name}_{dt.date.today().isoformat()}.json"


def source_version(repo: Path = REPO_DIR) -> str:
    """The commit of `repo`, `+dirty` if its src/ has changes not committed; "?" outside git."""

    def git(*args: str) -> str:
        argv = ["git", "-C", str(repo), *args]
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()

    try:
        head = git("rev-parse", "--short", "HEAD")
        changes = git("status", "--porcelain", "--", "src")
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return f"{head}+dirty" if changes else head


def headline(title: str, details: str) -> str:
    """Print the run's first line (pulse's version and commit, the benchmark, Python, the details);
    the commit measured."""
    source = source_version()
    print(f"pulse {__version__} ({source}) {title}: Python {platform.python_version()}, {details}")
    return source


def run_record(source: str, **fields: Any) -> dict[str, Any]:
    """The head of a results file (when, what, where), then the script's own fields."""
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "pulse": __version__,
        "source": source,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        **fields,
    }


def merge_sizes(path: Path, record: dict[str, Any], *, combine: bool = False) -> dict[str, Any]:
    """This run merged into the file at `path`: a size measured now replaces the same size from
    earlier (with `combine`, its keys are laid over the earlier ones instead)."""
    try:
        old = json.loads(path.read_text())
    except (OSError, ValueError):
        old = {}
    merged: dict[int, dict[str, Any]] = {s["size"]: s for s in old.get("sizes", []) if "size" in s}
    for s in record["sizes"]:
        merged[s["size"]] = {**merged.get(s["size"], {}), **s} if combine else s
    record["sizes"] = [merged[k] for k in sorted(merged)]
    return record


def write_results(path: Path, record: dict[str, Any], *, combine: bool = False) -> None:
    """Merge the run into `path` (see merge_sizes), write it and say so."""
    path.parent.mkdir(parents=True, exist_ok=True)
    merged = merge_sizes(path, record, combine=combine)
    path.write_text(json.dumps(merged, indent=1, ensure_ascii=False) + "\n")
    print(f"\nwrote {path}")


# -- figures --------------------------------------------------------------------------------------


class Timings:
    """Median, minimum and maximum of `self.seconds` (None while there are none); a mixin."""

    seconds: list[float]

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def best(self) -> float | None:
        return min(self.seconds) if self.seconds else None

    @property
    def worst(self) -> float | None:
        return max(self.seconds) if self.seconds else None


def judge(median: float | None, budget: float | None, failed: bool = False) -> str | None:
    """PASS or OVER against a budget (OVER too if a sample failed, FAIL with no sample); None
    without a budget."""
    if budget is None:
        return None
    if median is None:
        return "FAIL"
    return "PASS" if median <= budget and not failed else "OVER"


def rounded(x: float | None, digits: int = 4) -> float | None:
    return None if x is None else round(x, digits)


def fmt_seconds(x: float | None) -> str:
    """`-`, `12.3 ms` under 0.1 s, else `0.712 s`."""
    if x is None:
        return "-"
    return f"{x * 1000:.1f} ms" if x < 0.1 else f"{x:.3f} s"


def print_head(head: str) -> None:
    """A table's header line, underlined."""
    print(head)
    print("-" * len(head))


def print_failure(label: str, exc: Exception) -> dict[str, Any]:
    """`  ! label: error` and the last screen, if the error has one; the failure's JSON record."""
    print(f"\n  ! {label}: {exc}", flush=True)
    screen = list(getattr(exc, "screen", []))
    if screen:
        print(
            "    last screen:\n" + "\n".join(f"    | {line}" for line in screen if line.strip()), flush=True
        )
    return {"error": str(exc), "screen": screen}


# -- boards ---------------------------------------------------------------------------------------


def board_for(
    size: int,
    seed: int,
    keep: Path | None,
    scratch: Path,
    end: str = "\n",
    heading: str | None = None,
    shape: str = "done",
) -> tuple[Path, float | None]:
    """The board folder for a size (and make_board shape: `board-N`, or `board-SHAPE-N` for a shape
    other than the default), and its generation time (None when a kept board is reused).
    Prints `heading` (default `== N tasks: `) and which, ending the line with `end`."""
    print(f"\n== {size:,} tasks: " if heading is None else heading, end="", flush=True)
    home = (keep or scratch) / (f"board-{size}" if shape == "done" else f"board-{shape}-{size}")
    root = home / "tasks"
    marker = home / "made.json"
    wanted: dict[str, Any] = (
        {"n": size, "seed": seed} if shape == "done" else {"n": size, "seed": seed, "shape": shape}
    )
    made_in: float | None = None
    if not (marker.is_file() and json.loads(marker.read_text()) == wanted):
        if home.exists():
            raise BenchError(f"{home} exists but was not made by this benchmark for {wanted}")
        started = time.perf_counter()
        make_board(root, size, seed, shape)
        marker.write_text(json.dumps(wanted))
        made_in = time.perf_counter() - started
    print("reused kept board" if made_in is None else f"generated in {made_in:.1f} s", end=end, flush=True)
    return root, made_in


def copy_board(
    size: int,
    seed: int,
    keep: Path | None,
    scratch: Path,
    name: str,
    leave: Sequence[str],
    heading: str | None = None,
) -> Path:
    """A copy of the size's board, `DIR/<name>-N`, made once and kept (without `--keep`, the
    scratch board itself: nothing else uses it). `leave`: patterns not copied (`shutil.ignore_patterns`).
    Says what it did on the heading's line (see board_for), not ending it."""
    base, _ = board_for(size, seed, keep, scratch, end="", heading=heading)
    if keep is None:
        return base
    home = keep / f"{name}-{size}"
    root = home / "tasks"
    marker = home / "made.json"
    wanted = {"n": size, "seed": seed, "from": f"board-{size}"}
    if marker.is_file() and json.loads(marker.read_text()) == wanted:
        print(f", reused {home}", end="", flush=True)
        return root
    if home.exists():
        raise BenchError(f"{home} exists but was not copied by this benchmark from board-{size}, seed={seed}")
    started = time.perf_counter()
    shutil.copytree(base, root, symlinks=True, ignore=shutil.ignore_patterns(*leave))
    marker.write_text(json.dumps(wanted))
    print(f", copied to {home} in {time.perf_counter() - started:.1f} s", end="", flush=True)
    return root


def drop_parse_cache(root: Path) -> None:
    """Delete the board's parse cache: the next read parses every file (a cold start)."""
    shutil.rmtree(root / PULSE_DIR / "cache", ignore_errors=True)


def disk_counts(root: Path) -> dict[str, int]:
    """Task files per state folder, by pulse's own rule for what a task file is."""
    return {s: sum(1 for n in os.listdir(root / s) if is_task_name(n)) for s in STATES}


def journal_sizes(root: Path) -> dict[Path, int]:
    """The board's journal files and their sizes, to trim back to with trim_journal."""
    journal = root / PULSE_DIR / "journal"
    return {p: p.stat().st_size for p in journal.glob("*")} if journal.is_dir() else {}


def trim_journal(root: Path, sizes: Mapping[Path, int]) -> None:
    """Forget the journal lines written since journal_sizes: truncate old files, delete new ones."""
    journal = root / PULSE_DIR / "journal"
    if journal.is_dir():
        for path in journal.glob("*"):
            if path in sizes:
                os.truncate(path, sizes[path])
            else:
                path.unlink()


# -- pulse as a process ---------------------------------------------------------------------------


def bench_env(scratch: Path) -> dict[str, str]:
    """The environment pulse runs in: bytecode on, as installed copies run, but the .pyc files in
    a scratch PYTHONPYCACHEPREFIX (not src/); no board or tmux client from the caller's shell;
    PULSE_ACTOR=bench."""
    skip = ("PULSE_BOARD", "PYTHONDONTWRITEBYTECODE", "TMUX", "TMUX_PANE")
    env = {k: v for k, v in os.environ.items() if k not in skip}
    env["PULSE_ACTOR"] = "bench"
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    return env


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
        self.env = bench_env(workdir)
        self.gnu_time = GNU_TIME if os.access(GNU_TIME, os.X_OK) else None
        self.rss_method = "GNU time %M" if self.gnu_time else "wait4 ru_maxrss (includes the parent's size)"

    def _spawn(self, argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
        """Run argv to completion (env: added to the runner's): its wall time and the wait4 peak RSS
        (KiB). BenchError if it fails."""
        with self.stdout.open("wb") as out, self.stderr.open("wb") as err:
            started = time.perf_counter()
            proc = subprocess.Popen(
                argv, stdout=out, stderr=err, env={**self.env, **(env or {})}, cwd=self.workdir
            )
            _, status, usage = os.wait4(proc.pid, 0)
            elapsed = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            detail = self.stderr.read_text(errors="replace").strip()
            raise BenchError(f"`{' '.join(argv)}` exited with {proc.returncode}: {detail}")
        return elapsed, usage.ru_maxrss

    def time(self, argv: list[str], env: dict[str, str] | None = None) -> float:
        return self._spawn(argv, env)[0]

    def peak_rss_kb(self, argv: list[str], env: dict[str, str] | None = None) -> int:
        if self.gnu_time is None:
            return self._spawn(argv, env)[1]
        report = self.workdir / "rss"
        self._spawn([self.gnu_time, "-f", "%M", "-o", str(report), *argv], env)
        return int(report.read_text().split()[-1])


# -- the board app in a real terminal -------------------------------------------------------------


def require_tmux(parser: argparse.ArgumentParser, hint: str = "") -> str:
    """tmux's version (`tmux 3.3a`); a usage error if there is no tmux."""
    if not os.access(TMUX, os.X_OK):
        parser.error(f"needs tmux (not found at {TMUX}){hint}")
    return subprocess.run([TMUX, "-V"], capture_output=True, text=True).stdout.strip()


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
    """One run of the board app (`python -m pulseboard --board DIR`, or `argv`) in its own tmux
    session of `size` (columns, rows; default WIDTH x HEIGHT); `env` is laid over the server's
    environment for it (`new-session -e`)."""

    _count = 0

    def __init__(
        self,
        tmux: Tmux,
        board_root: Path,
        poll: float,
        env: Mapping[str, str] | None = None,
        argv: list[str] | None = None,
        size: tuple[int, int] = (WIDTH, HEIGHT),
    ) -> None:
        AppSession._count += 1
        self.tmux = tmux
        self.name = f"pb{os.getpid()}x{AppSession._count:04d}"  # fixed width: never a prefix of another
        self.target = f"={self.name}:"
        self.argv = argv or [*PULSE, "--board", str(board_root)]
        self.env = dict(env or {})
        self.poll = poll
        self.size = size  # the window, columns x rows
        self.started = False
        self.last_screen: list[str] = []

    def launch(self) -> float:
        """Start the app; the perf_counter() taken just before new-session."""
        command = shlex.join(self.argv)
        size = ["-x", str(self.size[0]), "-y", str(self.size[1])]
        env = [arg for k, v in self.env.items() for arg in ("-e", f"{k}={v}")]
        t0 = time.perf_counter()
        self.tmux.command("new-session", "-d", "-s", self.name, *size, *env, command)
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

    def wait_all(
        self,
        tests: Mapping[str, Callable[[T], bool]],
        t0: float,
        what: str,
        view: Callable[[list[str]], T],
        *,
        together: bool = True,
        timeout: float = TIMEOUT,
        hook: Callable[[float], None] | None = None,
    ) -> tuple[float, dict[str, float]]:
        """Seconds from t0 to the first capture passing every test (`together`), or to the one by
        which each had passed at least once; and when each first passed. Each capture is read as
        `view(lines)`; hook(now) runs after every capture."""
        seen: dict[str, float] = {}
        polls = 0
        while True:
            lines = self.tmux.capture(self.target)
            now = time.perf_counter()
            polls += 1
            if hook is not None:
                hook(now)
            self.last_screen = lines
            screen = view(lines)
            passed = {name for name, test in tests.items() if test(screen)}
            for name in passed:
                seen.setdefault(name, now - t0)
            if len(passed if together else seen) == len(tests):
                return now - t0, seen
            if now - t0 > timeout or (polls % 200 == 0 and self.dead()):
                state = "the app exited" if self.dead() else f"not seen in {timeout:.0f} s"
                missing = [name for name in tests if name not in (passed if together else seen)]
                raise SampleFailed(f"{what}: {state} (missing: {', '.join(missing)})", lines)
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

    def status_kb(self, key: str) -> int:
        """A memory figure of the app from /proc/PID/status, in KiB: VmHWM (peak), VmRSS (now)."""
        status = Path(f"/proc/{self.pid()}/status").read_text()
        match = re.search(rf"^{key}:\s+(\d+) kB", status, re.M)
        if match is None:
            raise BenchError(f"no {key} in /proc/PID/status")
        return int(match.group(1))

    def peak_rss_kb(self) -> int:
        return self.status_kb("VmHWM")

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


def titles_show(counts: dict[str, int], limit: int, states: Sequence[str]) -> Callable[[str], bool]:
    """A test for a screen showing these columns' titles with exactly these counts."""
    patterns = [
        re.compile(rf"(?<![\w/]){TITLES[s]} {counts[s]}{'/' + str(limit) if s == 'doing' else ''}(?![\w/])")
        for s in states
    ]
    return lambda text: all(p.search(text) for p in patterns)


def board_shown(counts: dict[str, int], limit: int) -> Callable[[str], bool]:
    """A test for a screen showing the loaded board: every column title with exactly these counts,
    the key bar and no `Loading…`."""
    titles = titles_show(counts, limit, STATES)
    return lambda text: LOADING not in text and FOOTER_MARK in text and titles(text)


def poll_floor(tmux: Tmux, app: AppSession, env: dict[str, str]) -> dict[str, list[float]]:
    """What one look at the screen costs, in seconds: 200 through the control client, 20 as a
    `tmux capture-pane` subprocess."""
    control = []
    for _ in range(200):
        t0 = time.perf_counter()
        tmux.capture(app.target)
        control.append(time.perf_counter() - t0)
    sub = []
    for _ in range(20):
        t0 = time.perf_counter()
        subprocess.run([*tmux.base, "capture-pane", "-p", "-t", app.target], capture_output=True, env=env)
        sub.append(time.perf_counter() - t0)
    return {"poll: capture-pane (control mode)": control, "poll: capture-pane (subprocess)": sub}


def each_size(name: str, sizes: Sequence[int], measure: Callable[[int, Runner], T]) -> tuple[list[T], bool]:
    """measure(size, runner) for each size, with a Runner in a scratch folder. A BenchError ends
    the run (said on stderr) and keeps the sizes already measured: (results, whether one failed)."""
    results: list[T] = []
    with tempfile.TemporaryDirectory(prefix="pulse-bench-") as scratch:
        runner = Runner(Path(scratch))
        try:
            for size in sizes:
                results.append(measure(size, runner))
        except BenchError as exc:
            print(f"\n{name}: {exc}", file=sys.stderr)
            return results, True
    return results, False
