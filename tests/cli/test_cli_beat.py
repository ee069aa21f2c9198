"""`pulse beat` in a real subprocess with real watchfiles: a beat at once, after each change and
every interval, as text or JSON lines, until ctrl+c."""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

import pytest
from support.helpers import assert_usage_error, clean_env, ctrl_c_as_in_a_terminal, pulse, pulse_ok

from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board

pytestmark = pytest.mark.timeout(30)

LINE_TIMEOUT_S = 4.0  # an interpreter start plus a beat; a change shows well within this
BEAT_KEYS = {"at", "why", "suggestions"}
SUGGESTION_KEYS = {"kind", "action", "ids", "short", "text", "score", "reasons"}


class Beat:
    """A running `pulse beat`: its stdout and stderr lines, read as they come by two threads."""

    def __init__(self, root: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "pulseboard", "--board", str(root), "beat", *args],
            cwd=root.parent, env=env or clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            text=True, encoding="utf-8", preexec_fn=ctrl_c_as_in_a_terminal,
        )  # fmt: skip
        self.out: queue.Queue[str | None] = queue.Queue()
        self.err_lines: list[str] = []
        self.seen: list[str] = []
        assert self.proc.stdout is not None and self.proc.stderr is not None
        self._threads = [
            threading.Thread(target=self._pump, args=(self.proc.stdout, self.out.put, None), daemon=True),
            threading.Thread(
                target=self._pump, args=(self.proc.stderr, self.err_lines.append, ""), daemon=True
            ),
        ]
        for thread in self._threads:
            thread.start()

    @staticmethod
    def _pump(stream: IO[str], put: Callable[[Any], None], end: str | None) -> None:
        for line in stream:
            put(line)
        put(end)  # stdout ends with None, so a reader waiting on it learns at once

    def line(self, timeout: float = LINE_TIMEOUT_S) -> str:
        """The next stdout line; fails the test if none comes before the deadline."""
        try:
            line = self.out.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(
                f"no line within {timeout}s; seen {self.seen!r}, stderr {self.err_lines!r}"
            ) from None
        assert line is not None, f"pulse beat ended: seen {self.seen!r}, stderr {self.err_lines!r}"
        self.seen.append(line)
        return line

    def beat(self, timeout: float = LINE_TIMEOUT_S) -> dict[str, Any]:
        """The next JSON beat."""
        beat = json.loads(self.line(timeout))
        assert isinstance(beat, dict) and set(beat) == BEAT_KEYS, beat
        return beat

    def until(
        self, want: Callable[[dict[str, Any]], bool], timeout: float = LINE_TIMEOUT_S
    ) -> dict[str, Any]:
        """Read JSON beats until one satisfies `want`; fail at the deadline."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            assert left > 0, f"no wanted beat within {timeout}s; seen {self.seen!r}"
            beat = self.beat(left)
            if want(beat):
                return beat

    def until_live(self, root: Path, timeout: float = LINE_TIMEOUT_S) -> None:
        """Write new task files until a "change" beat shows the watcher answers (a slow machine
        may take a moment before the first change beat comes)."""
        deadline = time.monotonic() + timeout
        n = 0
        while time.monotonic() < deadline:
            n += 1
            (root / "blocked" / f"probe-{n}.md").write_text(f"---\ntitle: Probe {n}\n---\n")
            try:
                self.until(lambda b: b["why"] == "change", timeout=0.5)
                return
            except AssertionError:
                continue
        raise AssertionError(f"the watcher never answered; seen {self.seen!r}, stderr {self.err_lines!r}")

    def interrupt(self) -> tuple[int, str]:
        """ctrl+c: the exit code and everything it wrote on stderr."""
        self.proc.send_signal(signal.SIGINT)
        code = self.proc.wait(timeout=10)
        for thread in self._threads:
            thread.join(timeout=5)
        return code, "".join(self.err_lines)

    def __enter__(self) -> Beat:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def starts(beat: dict[str, Any]) -> list[str]:
    """The ids a beat proposes to start, best first."""
    return [s["ids"][0] for s in beat["suggestions"] if s["action"] == "start"]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "tasks"
    init_board(root)
    return root


def test_a_start_beat_at_once_as_json_lines(root: Path) -> None:
    board = Board(root)
    urgent = create_task(board, "Fix the login loop", priority="critical")
    create_task(board, "Tidy the docs", priority="low")
    with Beat(root, "--json", "--interval", "30", "-n", "3") as beat:
        first = beat.beat()
        code, err = beat.interrupt()
    assert first["why"] == "start"
    assert first["at"].endswith("Z") and len(first["at"]) == len("2026-11-22T09:00:00Z")
    assert len(first["suggestions"]) == 2
    assert all(set(s) == SUGGESTION_KEYS for s in first["suggestions"])
    assert starts(first)[0] == urgent.id
    assert first["suggestions"][0]["text"] == 'Start "Fix the login loop".'
    assert code == 130 and "Traceback" not in err, err
    assert err.startswith("pulse: a beat every 30s"), err


def test_text_beats_have_a_header_and_numbered_lines(root: Path) -> None:
    create_task(Board(root), "Fix the login loop", priority="critical")
    with Beat(root, "--interval", "30") as beat:
        header, line = beat.line(), beat.line()
        code, err = beat.interrupt()
    assert header.startswith("-- ") and header.rstrip().endswith("beat (start)"), header
    assert line.startswith("1. start") and "Fix the login loop" in line, line
    assert code == 130 and "Traceback" not in err, err


def test_a_change_on_disk_brings_a_change_beat(root: Path, tmp_path: Path) -> None:
    (root / "pulse.yaml").write_text("wip: {doing: 1}\n")
    board = Board(root)
    busy = create_task(board, "Restyle the navbar")
    move_task(board, busy.id, "doing")
    nxt = create_task(board, "Fix the login loop", priority="critical")
    with Beat(root, "--json", "--interval", "30") as beat:
        first = beat.beat()
        assert first["why"] == "start"
        assert first["suggestions"][0]["kind"] == "at-limit" and starts(first) == []
        beat.until_live(root)

        pulse_ok("done", busy.id, cwd=tmp_path)  # another process finishes the task in doing
        after_done = beat.until(lambda b: b["why"] == "change" and starts(b) != [])
        assert starts(after_done)[0] == nxt.id
        assert "at-limit" not in {s["kind"] for s in after_done["suggestions"]}

        (root / "open" / "by-hand.md").write_text("---\ntitle: Written by hand\npriority: critical\n---\n")
        written = beat.until(lambda b: b["why"] == "change" and len(starts(b)) == 2)
        assert {s["text"] for s in written["suggestions"]} >= {'Start "Written by hand".'}
        code, err = beat.interrupt()
    assert code == 130 and "Traceback" not in err, err


def test_poll_mode_sees_changes_too(root: Path) -> None:
    with Beat(root, "--json", "--poll", "--interval", "30") as beat:
        assert beat.beat()["why"] == "start"
        beat.until_live(root)
        (root / "open" / "by-hand.md").write_text("---\ntitle: Written by hand\n---\n")
        change = beat.until(lambda b: b["why"] == "change" and starts(b) != [])
        assert change["suggestions"][0]["text"] == 'Start "Written by hand".'
        code, err = beat.interrupt()
    assert code == 130 and "Traceback" not in err, err


def test_an_interval_beat_follows_without_any_change(root: Path) -> None:
    create_task(Board(root), "Fix the login loop")
    with Beat(root, "--json", "--interval", "0.5") as beat:
        first = beat.beat()
        t0 = time.monotonic()
        second, third = beat.beat(), beat.beat()
        gap = time.monotonic() - t0
        time.sleep(0.3)
        backlog = beat.out.qsize()
        code, err = beat.interrupt()
    assert [first["why"], second["why"], third["why"]] == ["start", "interval", "interval"]
    assert second["suggestions"] == first["suggestions"] == third["suggestions"]
    assert gap < 3.0, gap  # two intervals of half a second, give or take a slow machine
    assert backlog <= 1, f"{backlog} beats in 0.3 s: beats come far faster than the interval"
    assert code == 130 and "Traceback" not in err, err
    assert err.startswith("pulse: a beat every 0.5s"), err


def test_interval_comes_from_pulse_yaml(root: Path) -> None:
    (root / "pulse.yaml").write_text("heartbeat: {interval: 0.4}\n")
    with Beat(root, "--json") as beat:
        whys = [beat.beat()["why"] for _ in range(3)]
        code, err = beat.interrupt()
    assert whys == ["start", "interval", "interval"]
    assert err.startswith("pulse: a beat every 0.4s"), err
    assert code == 130


def test_ctrl_c_exits_130_without_a_traceback(root: Path) -> None:
    with Beat(root, "--json", "--interval", "30") as beat:
        beat.beat()
        beat.until_live(root)  # ctrl+c lands while the watcher is running
        code, err = beat.interrupt()
    assert code == 130
    assert "Traceback" not in err and "Exception" not in err, err
    assert all(line.startswith("pulse: ") for line in err.splitlines()), err


@pytest.mark.parametrize("value", ["0", "abc", "-1", "nan", ""])
def test_bad_interval_is_a_usage_error(root: Path, value: str) -> None:
    result = pulse("beat", "--interval", value, cwd=root.parent, timeout=10)
    assert_usage_error(result)
    assert "--interval" in result.stderr


def test_bad_pulse_yaml_stops_beat_at_once(root: Path) -> None:
    (root / "pulse.yaml").write_text("heartbeat: {interval: soon}\n")
    result = pulse("beat", cwd=root.parent, timeout=10)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "heartbeat.interval" in result.stderr


def test_a_nan_interval_in_pulse_yaml_is_refused(root: Path) -> None:
    (root / "pulse.yaml").write_text("heartbeat: {interval: .nan}\n")
    with Beat(root, "--json") as beat:
        try:
            code = beat.proc.wait(timeout=2)
        except subprocess.TimeoutExpired:
            code = None
        printed = beat.out.qsize()
    assert code == 1, f"still beating after 2 s, {printed} beats printed"


SLOW_WATCHFILES = """
# Stands in for watchfiles on a slow machine: the first import takes a while, then the real one loads.
import sys, time
time.sleep(1.5)
sys.path.remove({shim!r})
del sys.modules["watchfiles"]
import watchfiles  # the real package; it replaces this module in sys.modules
"""


def test_a_change_right_after_the_start_beat_is_not_lost(root: Path, tmp_path: Path) -> None:
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "watchfiles.py").write_text(SLOW_WATCHFILES.format(shim=str(shim)))
    board = Board(root)
    task = create_task(board, "Fix the login loop")
    env = clean_env(PYTHONPATH=str(shim))
    with Beat(root, "--json", "--interval", "0.5", env=env) as beat:
        first = beat.beat()
        assert starts(first) == [task.id]
        move_task(board, task.id, "doing")  # right after the start beat: the watcher is still arming
        beat.until(lambda b: b["why"] == "interval", timeout=4)
        beat.until_live(root)  # the slow import is over: the real watcher sees changes from now on
        latest = beat.until(lambda b: b["why"] == "interval")
        beat.interrupt()
    assert starts(latest) == [], f"a beat still proposes starting a task already in doing: {latest}"
