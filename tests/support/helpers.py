"""Helpers for the end-to-end tests: run the real CLI in a subprocess, read a board off the disk.

No mocks: every helper here starts a real process or reads real files.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import yaml

from pulseboard.core import actions
from pulseboard.core.board import Board, Task
from support.clock import at

STATES = ("open", "doing", "done", "blocked")

# The keys of a task in `--json` output; scripts and agents rely on exactly these.
STABLE_KEYS = {
    "id",
    "short",
    "title",
    "state",
    "path",
    "priority",
    "estimate",
    "estimate_seconds",
    "touches",
    "depends",
    "tags",
    "created",
    "started",
    "done",
    "blocked",
    "holder",
    "parent",
    "children",
    "criteria",
    "error",
}

PULSE = [sys.executable, "-m", "pulseboard"]
RUN_TIMEOUT_S = 20


def ctrl_c_as_in_a_terminal() -> None:
    """For Popen(preexec_fn=...) of a pulse the test interrupts: SIGINT as a terminal gives it. A
    shell that runs jobs in the background starts them with SIGINT ignored (so may a CI runner),
    and Python then never raises KeyboardInterrupt, so a person's ctrl+c would not be tested."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def clean_env(**extra: str | None) -> dict[str, str]:
    """os.environ without anything that would steer pulse, plus PULSE_ACTOR=test and `extra`.

    An `extra` value of None removes that variable.
    """
    env = dict(os.environ)
    for name in ("PULSE_BOARD", "PULSE_DEBUG", "VISUAL", "EDITOR"):
        env.pop(name, None)
    env["PULSE_ACTOR"] = "test"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    for name, value in extra.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def pulse(
    *args: str | bytes | os.PathLike[str],
    cwd: Path,
    env: dict[str, str] | None = None,
    timeout: float = RUN_TIMEOUT_S,
) -> subprocess.CompletedProcess[str]:
    """Run `python -m pulseboard ARGS` in cwd and return the finished process (text mode)."""
    return subprocess.run(
        [*PULSE, *args],
        cwd=cwd,
        env=clean_env() if env is None else env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="surrogateescape",
        timeout=timeout,
        check=False,
    )


def describe_run(result: subprocess.CompletedProcess[str]) -> str:
    return (
        f"args={result.args[3:]!r} rc={result.returncode}\nstdout={result.stdout!r}\nstderr={result.stderr!r}"
    )


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    """Assert the run exited 0 without a traceback; return it for chaining."""
    assert result.returncode == 0, describe_run(result)
    assert "Traceback" not in result.stderr, describe_run(result)
    return result


def pulse_ok(*args: str | os.PathLike[str], cwd: Path, env: dict[str, str] | None = None) -> str:
    """Run pulse, assert success, return stdout."""
    return ok(pulse(*args, cwd=cwd, env=env)).stdout


def pulse_json(*args: str | os.PathLike[str], cwd: Path, env: dict[str, str] | None = None) -> Any:
    """Run `pulse ARGS --json`, assert success, return the parsed JSON."""
    return json.loads(pulse_ok(*args, "--json", cwd=cwd, env=env))


def assert_user_error(result: subprocess.CompletedProcess[str], *needles: str) -> str:
    """A user error: exit 1, nothing on stdout, exactly one `pulse: ` line on stderr, no traceback."""
    info = describe_run(result)
    assert result.returncode == 1, info
    assert "Traceback" not in result.stderr, info
    assert result.stdout == "", info
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, info
    line = result.stderr.rstrip("\n")
    assert line.startswith("pulse: "), info
    assert not line.startswith("pulse: internal error"), info
    for needle in needles:
        assert needle in line, f"{needle!r} missing: {info}"
    return line


def assert_usage_error(result: subprocess.CompletedProcess[str]) -> None:
    """A usage error: exit 2 with argparse's usage text, no traceback."""
    info = describe_run(result)
    assert result.returncode == 2, info
    assert "Traceback" not in result.stderr, info
    assert "usage:" in result.stderr, info
    assert result.stdout == "", info


def frontmatter(path: Path) -> dict[str, Any]:
    """The YAML frontmatter of a task file (after a BOM, if any); a file without one fails the test."""
    text = path.read_text(encoding="utf-8").lstrip("\ufeff")
    assert text.startswith("---\n"), f"{path} has no frontmatter: {text[:200]!r}"
    _, front, _ = text.split("---\n", 2)
    return yaml.safe_load(front) or {}


def task_files(root: Path) -> dict[str, list[Path]]:
    """Every task file on the board (not dotfiles), by state folder."""
    return {
        state: sorted(p for p in (root / state).glob("*.md") if not p.name.startswith("."))
        if (root / state).is_dir()
        else []
        for state in STATES
    }


def all_task_paths(root: Path) -> list[Path]:
    return [p for paths in task_files(root).values() for p in paths]


def where_is(root: Path, name: str) -> list[str]:
    """The state folders holding a file of this name (one, when all is well)."""
    return [state for state in STATES if (root / state / name).exists()]


def places_by_id(root: Path) -> dict[str, list[str]]:
    """For each task id (from its file name, as pulse derives it), the `state/name` keys holding it."""
    from pulseboard.core.ids import id_from_stem

    places: dict[str, list[str]] = defaultdict(list)
    for state, paths in task_files(root).items():
        for path in paths:
            places[id_from_stem(path.name[:-3])].append(f"{state}/{path.name}")
    return dict(places)


def journal_events(root: Path) -> list[dict[str, Any]]:
    """Every journal line, parsed; a line that is not JSON fails the test."""
    events = []
    for path in sorted((root / ".pulse" / "journal").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            events.append(json.loads(line))
    return events


def leftover_temp_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name.endswith(".pulse-tmp"))


BARRIER_TIMEOUT_S = 20
TOGETHER_WORKER = """
import sys, time
from pathlib import Path
from pulseboard.cli.main import main
ready, start = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
deadline = time.monotonic() + 20
while not start.exists():
    if time.monotonic() > deadline:
        sys.exit(99)
    time.sleep(0.0005)
sys.exit(main(sys.argv[3:]))
"""


def pulse_together(
    *args: str,
    workers: int,
    cwd: Path,
    sync: Path,
    env: dict[str, str] | None = None,
    actors: bool = False,
) -> list[tuple[int, str, str]]:
    """Run `pulse ARGS` in `workers` processes released at the same instant (each waits at a file
    barrier until all are ready); the (exit code, stdout, stderr) of each. actors: worker n acts
    as PULSE_ACTOR=agent-n (else all as `test`)."""
    sync.mkdir()
    start = sync / "start"
    readies = [sync / f"ready-{n}" for n in range(workers)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", TOGETHER_WORKER, str(ready), str(start), *args],
            cwd=cwd,
            env={**(env or clean_env()), **({"PULSE_ACTOR": f"agent-{n}"} if actors else {})},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for n, ready in enumerate(readies)
    ]
    try:
        deadline = time.monotonic() + BARRIER_TIMEOUT_S
        while not all(r.exists() for r in readies):
            for proc in procs:
                if proc.poll() is not None:
                    raise AssertionError(
                        f"a worker exited early with {proc.returncode}: {proc.communicate()}"
                    )
            assert time.monotonic() < deadline, "the workers never reached the barrier"
            time.sleep(0.002)
        start.touch()  # every worker is waiting: release them together
        outputs = [proc.communicate(timeout=BARRIER_TIMEOUT_S) for proc in procs]
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate()
    return [(proc.returncode, out, err) for proc, (out, err) in zip(procs, outputs, strict=True)]


def memory_task(task_id: str, state: str = "open", **fields: Any) -> Task:
    """A task as the engine and the metrics see it, made in memory (no file); fields override."""
    values: dict[str, Any] = {
        "title": f"Task {task_id}", "priority": "medium", "estimate": None, "touches": (), "depends": (),
        "tags": (), "created": None, "started": None, "done": None, "blocked": None, "criteria": (0, 0),
        "error": None, "writable": True,
    }  # fmt: skip
    values.update(fields)
    return Task(task_id, state, f"{task_id}.md", Path("/b") / state, **values)


def minutes_before(now: dt.datetime, minutes: float) -> str:
    """A stamp `minutes` before now, as pulse writes one."""
    return (now - dt.timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")


def aged_task(now: dt.datetime, task_id: str, state: str = "open", **fields: Any) -> Task:
    """A task in memory made an hour before now; in doing, started five minutes before."""
    fields.setdefault("created", minutes_before(now, 60))
    if state == "doing":
        fields.setdefault("started", minutes_before(now, 5))
    return memory_task(task_id, state, **fields)


def user_config(tmp_path: Path) -> Path:
    """The user's own settings file, where the suite's XDG_CONFIG_HOME puts it (tests/conftest.py)."""
    return tmp_path / "config" / "pulseboard" / "config.yaml"


def write_file(path: Path, text: str) -> Path:
    """Write a text file, making its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def silent_task(board: Board, lease: str = "1m") -> str:
    """A task held by agent-1, started and edited two hours ago: silent past a short lease."""
    (board.root / "pulse.yaml").write_text(f"holders: {{lease: {lease}}}\n")
    task = actions.create_task(board, "Held long", touches=["a.py"], now=at(0))
    env = clean_env(PULSE_ACTOR="agent-1")
    pulse_ok("start", task.id, cwd=board.root.parent, env=env)
    path = board.root / "doing" / task.name
    hours_ago = time.time() - 7200
    os.utime(path, (hours_ago, hours_ago))
    then = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(hours_ago))
    for month in (board.root / ".pulse" / "journal").glob("*.jsonl"):  # the start was then too
        lines = [json.loads(line) for line in month.read_text().splitlines()]
        month.write_text("".join(json.dumps({**line, "at": then}) + "\n" for line in lines))
    path.write_text(re.sub(r"(?m)^started: .*$", f"started: {then}", path.read_text()))
    os.utime(path, (hours_ago, hours_ago))
    return task.id
