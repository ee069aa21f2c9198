"""Hooks end to end: `hooks:` in pulse.yaml run by the real CLI as real processes, over real files.

A hook gets the event as JSON on stdin and PULSE_EVENT, PULSE_TASK_ID, PULSE_BOARD; task text never
reaches a shell; a slow hook is stopped at its limit (with what it started) and a failing one is a
warning and a journal line, while the move stands; a bad `hooks:` section is one sentence.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from support.helpers import (
    assert_user_error,
    clean_env,
    journal_events,
    pulse,
    pulse_json,
    pulse_ok,
    where_is,
)

from pulseboard.core.config import DEFAULT_CONFIG_TEXT, Hook, load_settings

pytestmark = pytest.mark.timeout(60)

# Writes what it got to <event>-<task id>.json (stdin) and .env (its environment, cwd and argv).
HOOK = """#!/bin/sh
cat > "$PULSE_EVENT-$PULSE_TASK_ID.json"
out="$PULSE_EVENT-$PULSE_TASK_ID.env"
printf '%s\\n' "$PULSE_EVENT" "$PULSE_TASK_ID" "$PULSE_BOARD" "$PWD" "$#" "$1" > "$out"
"""


def with_hooks(project: Path, hooks: str) -> None:
    """The default pulse.yaml plus this `hooks:` section, and ./hook.sh (HOOK) in the project."""
    (project / "tasks" / "pulse.yaml").write_text(DEFAULT_CONFIG_TEXT + hooks, encoding="utf-8")
    script = project / "hook.sh"
    script.write_text(HOOK, encoding="utf-8")
    script.chmod(0o755)


def add(project: Path, title: str, *options: str) -> dict[str, Any]:
    return pulse_json("add", title, *options, cwd=project)


def received(project: Path, event: str, task_id: str) -> tuple[dict[str, Any], list[str]]:
    """The JSON a HOOK run got for this event and task, and the lines of its .env file."""
    data = json.loads((project / f"{event}-{task_id}.json").read_text(encoding="utf-8"))
    return data, (project / f"{event}-{task_id}.env").read_text(encoding="utf-8").splitlines()


def hook_lines(project: Path) -> list[dict[str, Any]]:
    return [line for line in journal_events(project / "tasks") if line["op"] == "hook"]


def gone(pid: int, within: float = 3.0) -> bool:
    """The process has ended (a zombie counts: it runs nothing) within `within` seconds."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
                if stat.read().rsplit(")", 1)[1].split()[0] == "Z":
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.05)
    return False


def test_a_hook_gets_the_event_as_json_on_stdin_and_its_environment(project: Path) -> None:
    with_hooks(project, "hooks:\n  done: [./hook.sh, two words]\n")
    task = add(project, "Write the docs", "--priority", "high")
    out = pulse_ok("done", task["short"], cwd=project)
    assert out.startswith(f'{task["short"]} "Write the docs": open -> done')
    data, env = received(project, "done", task["id"])
    assert set(data) == {"event", "at", "actor", "task", "from", "to"}
    assert (data["event"], data["actor"], data["from"], data["to"]) == ("done", "test", "open", "done")
    assert data["task"]["title"] == "Write the docs" and data["task"]["state"] == "done"
    assert data["task"]["priority"] == "high" and data["task"]["done"] is not None
    root = str(project / "tasks")
    assert env == ["done", task["id"], root, str(project), "1", "two words"]  # argv as written: no splitting
    assert hook_lines(project) == []  # all went well: nothing journaled


def test_created_moved_claimed_batch_and_ready_now_events(project: Path) -> None:
    events = ("created", "moved", "done", "blocked", "claimed", "ready-now")
    with_hooks(project, "hooks:\n" + "".join(f"  {event}: [./hook.sh]\n" for event in events))
    first = add(project, "First")
    second = add(project, "Second", "--depends", first["id"])
    third = add(project, "Third")
    claimed = pulse_json("claim", cwd=project)
    assert claimed["id"] == first["id"]
    pulse_ok("done", first["id"], third["id"], cwd=project)  # a batch
    for task in (first, second, third):
        assert received(project, "created", task["id"])[0]["from"] is None
    assert received(project, "claimed", first["id"])[0]["to"] == "doing"
    assert received(project, "moved", first["id"])[0]["from"] == "doing"  # the batch's move came last
    assert received(project, "done", third["id"])[0]["from"] == "open"
    ready, _ = received(project, "ready-now", second["id"])  # its one dependency just got done
    assert (ready["task"]["state"], ready["from"], ready["to"]) == ("open", None, "open")
    assert not (project / f"ready-now-{third['id']}.json").exists()
    assert not (project / f"blocked-{third['id']}.json").exists()


@pytest.mark.parametrize("command", [("done",), ("mv", "blocked", "--reason", "$(id)")])
def test_task_text_never_reaches_a_shell(project: Path, tmp_path: Path, command: tuple[str, ...]) -> None:
    marker = tmp_path / f"pwned-{secrets.token_hex(4)}"
    victim = project / "x"
    victim.mkdir()
    title = f"$(touch {marker}) `touch {marker}` ; rm -rf x && touch {marker} | touch {marker}"
    event = command[1] if command[0] == "mv" else "done"
    with_hooks(
        project, f"hooks:\n  {event}: [./hook.sh]\n  moved: [sh, -c, 'echo $PULSE_TASK_ID > id.txt']\n"
    )
    task = add(project, title)
    pulse_ok(*command[:1], task["id"], *command[1:], cwd=project)
    data, env = received(project, event, task["id"])
    assert data["task"]["title"] == title  # verbatim, as data
    assert title not in "\n".join(env)
    assert (project / "id.txt").read_text(encoding="utf-8") == f"{task['id']}\n"
    assert not marker.exists() and victim.is_dir()


def test_a_slow_hook_is_stopped_at_its_limit_with_what_it_started_and_the_move_stands(project: Path) -> None:
    slow = "{run: [sh, -c, 'sleep 30 & echo $! > child.pid; wait'], timeout: 1s}"
    with_hooks(project, f"hooks:\n  done: [[./hook.sh], {slow}]\n")
    task = add(project, "Ship it")
    began = time.monotonic()
    result = pulse("done", task["id"], cwd=project)
    took = time.monotonic() - began
    assert result.returncode == 0 and result.stdout.startswith(f'{task["short"]} "Ship it": open -> done')
    said = f"pulse: warning: the done hook sh (for {task['short']}) ran past its 1s limit and was stopped.\n"
    assert result.stderr == said
    assert 1.0 <= took < 3.5, took
    assert where_is(project / "tasks", Path(task["path"]).name) == ["done"]
    assert received(project, "done", task["id"])[0]["to"] == "done"  # the other hook ran to its end
    assert gone(int((project / "child.pid").read_text(encoding="utf-8")))  # its whole group was killed
    [line] = hook_lines(project)
    assert (line["id"], line["event"], line["to"], line["by"]) == (task["id"], "done", "done", "test")
    assert line["why"] == said.removeprefix("pulse: warning: ").rstrip("\n")


def test_a_failing_hook_is_one_warning_and_a_journal_line_and_undo_still_works(project: Path) -> None:
    with_hooks(project, "hooks:\n  done: [sh, -c, 'echo \"webhook said no.\" >&2; exit 3']\n")
    task = add(project, "Ship it")
    result = pulse("done", task["id"], "--json", cwd=project)
    assert result.returncode == 0 and json.loads(result.stdout)["state"] == "done"
    sentence = f"the done hook sh (for {task['short']}) failed with exit 3: webhook said no."
    assert result.stderr == f"pulse: warning: {sentence}\n"
    assert [line["why"] for line in hook_lines(project)] == [sentence]
    pulse_ok("undo", cwd=project)  # the journal's hook line is not taken for a move
    assert where_is(project / "tasks", Path(task["path"]).name) == ["open"]


def test_a_hook_that_cannot_start_is_a_warning(project: Path) -> None:
    with_hooks(project, "hooks:\n  created: [./no-such-hook]\n")
    result = pulse("add", "Anything", cwd=project)
    assert result.returncode == 0
    assert result.stderr.startswith("pulse: warning: the created hook ./no-such-hook (for ")
    assert result.stderr.endswith(") could not start (no such file or directory).\n")


def test_the_forms_of_a_hook(tmp_path: Path) -> None:
    (tmp_path / "pulse.yaml").write_text(
        "hooks:\n  done: [notify-send, 'pulse: done']\n  moved: {run: [./on-move.sh], timeout: 5s}\n"
        "  blocked: [[sleep, 2], {run: [echo, hi], timeout: 30}]\n",
        encoding="utf-8",
    )
    assert load_settings(tmp_path).hooks == (
        Hook("done", ("notify-send", "pulse: done"), 10.0),
        Hook("moved", ("./on-move.sh",), 5.0),
        Hook("blocked", ("sleep", "2"), 10.0),
        Hook("blocked", ("echo", "hi"), 30.0),
    )
    (tmp_path / "pulse.yaml").write_text(DEFAULT_CONFIG_TEXT, encoding="utf-8")
    assert load_settings(tmp_path).hooks == ()


@pytest.mark.parametrize(
    ("section", "needle"),
    [
        ("{finished: [x]}", "hooks.finished is not an event; use one of created, moved"),
        ("{done: 'notify-send done'}", "hooks.done must be a command as a list of words"),
        ("{done: []}", "hooks.done must be a command"),
        ("{done: [notify-send, {a: 1}]}", "hooks.done must be a command"),
        ("{done: {run: [x], timeout: 2m}}", "hooks.done.timeout must be a time such as 5s"),
        ("{done: {run: [x], timeout: 0}}", "hooks.done.timeout must be a time"),
        ("{done: {run: [x], wait: 1}}", "hooks.done.wait is not a setting; use run or timeout"),
        ("[done]", "`hooks` must be a mapping of settings"),
    ],
)
def test_a_bad_hooks_section_is_one_sentence_naming_pulse_yaml(
    project: Path, section: str, needle: str
) -> None:
    (project / "tasks" / "pulse.yaml").write_text(f"hooks: {section}\n", encoding="utf-8")
    assert_user_error(pulse("ls", cwd=project), "pulse.yaml", needle)


def test_a_board_without_hooks_never_loads_the_hook_runner(project: Path) -> None:
    code = (
        "import sys; from pulseboard.cli.main import main; main(['add', 'Quiet']); "
        "print('pulseboard.core.hooks' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=project,
        env=clean_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.stdout.splitlines()[-1] == "False", result.stdout + result.stderr


def test_the_mcp_tools_run_the_hooks_too(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pulseboard.cli.mcp_tools import BoardTools

    with_hooks(project, "hooks:\n  created: [./hook.sh]\n  claimed: [./hook.sh]\n  done: [./no-such-hook]\n")
    tools = BoardTools(project / "tasks")
    task = tools.add("Through MCP")
    assert received(project, "created", task["id"])[0]["task"]["title"] == "Through MCP"
    assert tools.claim()["id"] == task["id"]
    assert received(project, "claimed", task["id"])[0]["actor"] == "test"
    assert tools.done(task["id"])["state"] == "done"
    assert "the done hook ./no-such-hook" in capsys.readouterr().err


def test_a_lease_run_out_fires_lease_expired_once_however_many_look(tmp_path: Path) -> None:
    from support.helpers import PULSE, silent_task

    from pulseboard.core.actions import init_board
    from pulseboard.core.board import Board

    root = tmp_path / "proj" / "tasks"
    init_board(root)
    task_id = silent_task(Board(root))
    seen = tmp_path / "seen.jsonl"
    hook = tmp_path / "on-expiry.sh"
    hook.write_text(f"#!/bin/sh\ncat >> {seen}\necho >> {seen}\n")
    hook.chmod(0o755)
    with (root / "pulse.yaml").open("a") as config:
        config.write(f"hooks:\n  lease-expired: [{hook}]\n")
    lookers = [
        subprocess.Popen([*PULSE, "next"], cwd=root.parent, env=clean_env(PULSE_ACTOR=f"looker-{n}"),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        for n in range(4)
    ]  # fmt: skip
    for looker in lookers:
        assert looker.wait(timeout=30) == 0 and looker.stderr.read() == ""
    pulse_ok("next", cwd=root.parent)  # and once more, later
    told = [json.loads(line) for line in seen.read_text().splitlines() if line.strip()]
    assert len(told) == 1, told
    first = told[0]
    assert (first["event"], first["holder"], first["task"]["id"]) == ("lease-expired", "agent-1", task_id)
    assert told[0]["silent_since"].endswith("Z")
    lines = [e for e in journal_events(root) if e.get("op") == "expired"]
    assert [e["id"] for e in lines] == [task_id]
