"""The `pulse` command line end to end: real subprocesses on real folders in tmp_path.

Boards are set up with the core functions (real files, fast); everything under test goes
through `python -m pulseboard` in a child process with a clean environment.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import stat
import sys
from pathlib import Path

import pytest
import yaml
from support.helpers import (
    STABLE_KEYS,
    STATES,
    all_task_paths,
    assert_usage_error,
    assert_user_error,
    clean_env,
    frontmatter,
    journal_events,
    ok,
    pulse,
    pulse_json,
    pulse_ok,
    task_files,
    where_is,
)

from pulseboard.core import ids
from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board
from pulseboard.core.config import KEY_ACTIONS
from pulseboard.core.fsops import TEMP_SUFFIX

pytestmark = pytest.mark.timeout(30)

STAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    """A project folder holding an initialised, empty board at proj/tasks."""
    project = tmp_path / "proj"
    init_board(project / "tasks")
    return project


def board_of(project: Path) -> Board:
    return Board(project / "tasks")


def raw_value(path: Path, key: str) -> str:
    """The text after `key: ` on the file's first line for that top-level key."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key}: "):
            return line.split(": ", 1)[1]
    raise AssertionError(f"no {key} line in {path}")


def files_under(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# --------------------------------------------------------------------------- init


def test_init_makes_the_four_folders_and_a_commented_config_and_is_idempotent(tmp_path: Path) -> None:
    out = pulse_ok("init", cwd=tmp_path)
    root = tmp_path / "tasks"
    assert str(root) in out
    for state in STATES:
        assert (root / state).is_dir(), state
    config = root / "pulse.yaml"
    text = config.read_text(encoding="utf-8")
    assert text.lstrip().startswith("#"), "pulse.yaml starts with a comment"
    assert sum(1 for line in text.splitlines() if "#" in line) >= 3, "the defaults are explained"
    data = yaml.safe_load(text)
    assert data["wip"] == {"doing": 3, "hard": False} and data["theme"] == "pulse-dark"
    assert data["keys"] is None  # every action listed, commented out: a board names what it changes
    assert all(f"  # {action}: " in text for action in KEY_ACTIONS)

    # A second run changes nothing, not even a pulse.yaml the user has edited since.
    config.write_text(text + "# my own note\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in files_under(tmp_path)}
    out2 = pulse_ok("init", cwd=tmp_path)
    assert "nothing changed" in out2
    assert {p: p.read_bytes() for p in files_under(tmp_path)} == before
    assert config.read_text(encoding="utf-8").endswith("# my own note\n")


def test_init_somedir_makes_a_board_that_pulse_then_finds(tmp_path: Path) -> None:
    pulse_ok("init", "somedir", cwd=tmp_path)
    board = tmp_path / "somedir" / "tasks"
    for state in STATES:
        assert (board / state).is_dir(), state
    assert (board / "pulse.yaml").is_file()
    assert not (tmp_path / "tasks").exists(), "init somedir must not touch the cwd"
    # pulse finds it from inside somedir, and through --board somedir
    out = pulse_ok("add", "Found it", cwd=tmp_path / "somedir")
    assert str(board / "open") in out
    listing = pulse_json("--board", "somedir", "ls", cwd=tmp_path)
    assert [t["title"] for t in listing] == ["Found it"]
    # A folder already named tasks is the board itself, not tasks/tasks.
    pulse_ok("init", "other/tasks", cwd=tmp_path)
    assert (tmp_path / "other" / "tasks" / "open").is_dir()
    assert not (tmp_path / "other" / "tasks" / "tasks").exists()


# --------------------------------------------------------------------------- add


def test_add_with_every_option(proj: Path) -> None:
    base = create_task(board_of(proj), "Base task")
    out = pulse_ok(
        "add",
        "Feature with everything",
        "--priority",
        "high",
        "--estimate",
        "1h30m",
        "--touches",
        "src/app.py",
        "--touches",
        "navbar",
        "--depends",
        base.id[:6],
        "--tag",
        "ui",
        "--tag",
        "v2",
        "--body",
        "Why it matters.\n\n- [ ] first\n- [x] second\n",
        cwd=proj,
    )
    # `SHORT  PATH`
    short, path_text = out.rstrip("\n").split("  ")
    path = Path(path_text)
    assert path.parent == proj / "tasks" / "open"
    assert path.is_file()
    assert path.name.startswith(short)
    task_id = path.name[:10]
    assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{10}", task_id)
    assert path.name == f"{task_id}-feature-with-everything.md"

    meta = frontmatter(path)
    assert meta["title"] == "Feature with everything"
    assert meta["priority"] == "high"
    assert meta["estimate"] == "1h30m"
    assert meta["touches"] == ["src/app.py", "navbar"]
    assert meta["depends"] == [base.id], "a dependency prefix is stored as the full id"
    assert meta["tags"] == ["ui", "v2"]
    assert STAMP.match(raw_value(path, "created"))
    for owned in ("started", "done", "blocked"):
        assert owned not in meta
    text = path.read_text(encoding="utf-8")
    assert text.endswith("---\nWhy it matters.\n\n- [ ] first\n- [x] second\n")

    data = pulse_json(
        "add",
        "Second",
        "--priority",
        "low",
        "--estimate",
        "1h30m",
        "--touches",
        "x",
        "--depends",
        base.id[:5],
        "--tag",
        "t",
        "--body",
        "- [x] a\n- [ ] b",
        cwd=proj,
    )
    assert set(data) == STABLE_KEYS
    assert data["title"] == "Second"
    assert data["state"] == "open"
    assert data["priority"] == "low"
    assert data["estimate"] == "1h30m"
    assert data["estimate_seconds"] == 5400
    assert data["touches"] == ["x"]
    assert data["depends"] == [base.id]
    assert data["tags"] == ["t"]
    assert STAMP.match(data["created"])
    assert data["started"] is None and data["done"] is None and data["blocked"] is None
    assert data["criteria"] == {"done": 1, "total": 2}
    assert data["error"] is None
    assert data["id"].startswith(data["short"]) and len(data["short"]) >= 4
    assert Path(data["path"]).is_file()
    assert Path(data["path"]).parent == proj / "tasks" / "open"


HOSTILE_TITLES = [
    pytest.param("She said \"hi\" and 'bye'", id="quotes"),
    pytest.param("a/b/../../../etc/passwd", id="slashes-dotdot"),
    pytest.param("..", id="dotdot"),
    pytest.param("/", id="slash"),
    pytest.param("Ünïcödé café 日本語のタスク ✓ 🚀", id="unicode"),
    pytest.param("x" * 300, id="300-ascii"),
    pytest.param("word " * 60, id="300-words"),
    pytest.param("\U00020000" * 300, id="300-four-byte-letters"),
    pytest.param("\U0001d41b" * 50, id="50-math-bold-letters"),
    pytest.param("[@click=app.quit]x[/]", id="markup"),
    pytest.param("line one\nline two\r\n\tthree   spaced ", id="newlines"),
    pytest.param("fix #12: a: b", id="yaml-comment-colon"),
    pytest.param("null", id="yaml-null"),
    pytest.param("2026-11-22", id="yaml-date"),
    pytest.param("--- dashes ---", id="dashes"),
]


@pytest.mark.parametrize("title", HOSTILE_TITLES)
def test_hostile_title_stays_in_open_and_round_trips(proj: Path, title: str) -> None:
    root = proj / "tasks"
    before = files_under(proj.parent)
    data = pulse_json("add", title, cwd=proj)
    path = Path(data["path"])
    assert path.parent == root / "open"
    assert path.resolve().parent == (root / "open").resolve()
    assert path.is_file()
    assert len(path.name.encode("utf-8")) <= 255
    assert "/" not in path.name and not path.name.startswith(".")
    new_files = files_under(proj.parent) - before
    outside_pulse_dir = {p for p in new_files if (root / ".pulse") not in p.parents}
    assert outside_pulse_dir == {path}, "exactly one new file, in tasks/open/"

    expected = " ".join(title.split())
    assert data["title"] == expected
    shown = pulse_json("show", data["id"], cwd=proj)
    assert shown["title"] == expected
    assert shown["error"] is None
    assert frontmatter(path)["title"] == expected


def test_title_with_undecodable_bytes_is_refused_or_readable(proj: Path) -> None:
    result = pulse("add", b"bad \xff byte", cwd=proj)
    if result.returncode == 0:
        short = result.stdout.split()[0]
        shown = pulse_json("show", short, cwd=proj)
        assert shown["error"] is None, "pulse add created a task it cannot read back"
    else:
        assert_user_error(result)
        assert all_task_paths(proj / "tasks") == []


def test_a_long_handmade_name_gets_its_stamps(proj: Path) -> None:
    root = proj / "tasks"
    name = "long-" + "n" * 240 + ".md"  # 248 bytes: a legal file name
    (root / "open" / name).write_text("---\ntitle: Long name\n---\n", encoding="utf-8")
    result = ok(pulse("start", "long-nnnn", cwd=proj))
    assert where_is(root, name) == ["doing"]
    assert result.stderr == "", "no 'stamps were not written' warning"
    assert STAMP.match(raw_value(root / "doing" / name, "started"))


# --------------------------------------------------------------------------- ls / show


@pytest.fixture
def four_states(proj: Path) -> dict[str, str]:
    """One task in each state; returns state -> id."""
    board = board_of(proj)
    made = {}
    for state, priority in zip(STATES, ("low", "high", "medium", "critical"), strict=True):
        task = create_task(board, f"Task {state}", priority=priority, estimate="45m")
        if state != "open":
            move_task(board, task.id, state, reason="needs review" if state == "blocked" else None)
        made[state] = task.id
    return made


def test_ls_text_state_filter_and_json(proj: Path, four_states: dict[str, str]) -> None:
    shorts = ids.short_ids(four_states.values())
    lines = pulse_ok("ls", cwd=proj).splitlines()
    assert len(lines) == 4
    assert [line.split()[1] for line in lines] == list(STATES), "grouped by state, in state order"
    for line in lines:
        state = line.split()[1]
        assert line.startswith(shorts[four_states[state]])
        assert f"Task {state}" in line
        assert "45m" in line
    assert "(blocked: needs review)" in lines[3]

    filtered = pulse_ok("ls", "--state", "doing", "--state", "blocked", cwd=proj).splitlines()
    assert [line.split()[1] for line in filtered] == ["doing", "blocked"]

    data = pulse_json("ls", cwd=proj)
    assert isinstance(data, list) and len(data) == 4
    for item in data:
        assert set(item) == STABLE_KEYS
        assert item["id"] == four_states[item["state"]]
        assert item["short"] == shorts[item["id"]]
        assert Path(item["path"]) == proj / "tasks" / item["state"] / Path(item["path"]).name
    assert [t["state"] for t in data] == list(STATES)
    only = pulse_json("ls", "--state", "done", cwd=proj)
    assert [t["id"] for t in only] == [four_states["done"]]
    assert pulse_json("ls", "--state", "open", "--board", str(proj / "tasks"), cwd=proj.parent)[0][
        "title"
    ] == ("Task open")


def test_show_text_and_json(proj: Path) -> None:
    body = "Context here.\n\n- [x] one\n- [ ] two\n- [ ] three\n"
    task = create_task(board_of(proj), "Show me", priority="critical", estimate="90s", tags=["a"], body=body)
    short = ids.short_ids([task.id])[task.id]
    text = pulse_ok("show", task.id[:6], cwd=proj)
    lines = text.splitlines()
    assert lines[0] == f"{short}  Show me  (id {task.id})"
    assert any(line.split() == ["priority", "critical"] for line in lines)
    assert any(line.split() == ["estimate", "1m30s"] for line in lines)
    assert any(line.split() == ["criteria", "1/3", "checked"] for line in lines)
    assert "Context here." in lines and "- [ ] three" in lines

    data = pulse_json("show", short, cwd=proj)
    assert set(data) == STABLE_KEYS | {"body", "history"}
    assert data["body"] == body
    assert data["id"] == task.id
    assert data["estimate_seconds"] == 90
    assert data["criteria"] == {"done": 1, "total": 3}


def test_show_lists_the_tasks_history_from_the_journal(proj: Path) -> None:
    task = create_task(board_of(proj), "Walk it")
    other = create_task(board_of(proj), "Another")
    pulse_ok("start", task.id, cwd=proj, env=clean_env(PULSE_ACTOR="ana"))
    pulse_ok("start", other.id, cwd=proj)
    pulse_ok("done", task.id, cwd=proj, env=clean_env(PULSE_ACTOR="bo"))
    text = pulse_ok("show", task.id, cwd=proj).split("\nHistory\n")[1].splitlines()
    assert [line.split()[1:] for line in text] == [
        ["create", "-", "→", "open", "by", "test"],
        ["move", "open", "→", "doing", "by", "ana"],
        ["move", "doing", "→", "done", "by", "bo"],
    ]  # each with its time first; the other task's moves are not its own
    history = pulse_json("show", task.id, cwd=proj)["history"]
    assert [(e["op"], e["from"], e["to"], e["by"]) for e in history] == [
        ("create", None, "open", "test"), ("move", "open", "doing", "ana"), ("move", "doing", "done", "bo"),
    ]  # fmt: skip
    assert all(e["at"].endswith("Z") for e in history)


# --------------------------------------------------------------------------- moves


def test_lifecycle_moves_stamps_and_journal(proj: Path) -> None:
    root = proj / "tasks"
    data = pulse_json("add", "Walk the states", cwd=proj)
    task_id, short, name = data["id"], data["short"], Path(data["path"]).name

    def only_in(state: str) -> dict:
        assert where_is(root, name) == [state]
        return frontmatter(root / state / name)

    out = pulse_ok("start", short, cwd=proj)
    assert out == f'{short} "Walk the states": open -> doing\n'
    meta = only_in("doing")
    assert STAMP.match(raw_value(root / "doing" / name, "started"))
    assert "done" not in meta and "blocked" not in meta

    pulse_ok("done", short, cwd=proj)
    started = raw_value(root / "done" / name, "started")
    meta = only_in("done")
    assert "done" in meta and "blocked" not in meta
    assert STAMP.match(raw_value(root / "done" / name, "done"))
    assert raw_value(root / "done" / name, "started") == started, "done keeps the started stamp"

    out = pulse_ok("block", short, "--reason", 'needs the "API" key', "--waiting-on", "ops team", cwd=proj)
    assert "done -> blocked" in out
    meta = only_in("blocked")
    assert "done" not in meta, "blocking a done task removes its done stamp"
    assert raw_value(root / "blocked" / name, "started") == started
    assert meta["blocked"]["reason"] == 'needs the "API" key'
    assert meta["blocked"]["waiting_on"] == "ops team"
    assert meta["blocked"]["since"]
    shown = pulse_json("show", short, cwd=proj)
    assert shown["blocked"]["reason"] == 'needs the "API" key'
    assert shown["blocked"]["waiting_on"] == "ops team"
    assert STAMP.match(shown["blocked"]["since"])
    assert shown["done"] is None and STAMP.match(shown["started"])

    pulse_ok("reopen", short, cwd=proj)
    meta = only_in("open")
    for owned in ("started", "done", "blocked"):
        assert owned not in meta, f"reopen removes {owned}"
    assert meta["title"] == "Walk the states" and "created" in meta

    moved = pulse_json("mv", short, "doing", cwd=proj)
    assert moved["from"] == "open" and moved["state"] == "doing" and moved["warnings"] == []
    assert STAMP.match(moved["started"])
    only_in("doing")
    pulse_ok("mv", short, "blocked", "--reason", "R", cwd=proj)
    meta = only_in("blocked")
    assert meta["blocked"]["reason"] == "R" and "waiting_on" not in meta["blocked"]
    pulse_ok("mv", short, "doing", cwd=proj)
    meta = only_in("doing")
    assert "blocked" not in meta and "done" not in meta
    pulse_ok("block", short, "--reason", "again", cwd=proj)
    pulse_ok("done", short, cwd=proj)
    meta = only_in("done")
    assert "blocked" not in meta, "done removes the blocked stamp"
    assert STAMP.match(raw_value(root / "done" / name, "done"))

    moves = [(e["from"], e["to"]) for e in journal_events(root) if e["op"] == "move"]
    assert moves == [
        ("open", "doing"),
        ("doing", "done"),
        ("done", "blocked"),
        ("blocked", "open"),
        ("open", "doing"),
        ("doing", "blocked"),
        ("blocked", "doing"),
        ("doing", "blocked"),
        ("blocked", "done"),
    ]
    events = journal_events(root)
    assert {e["id"] for e in events} == {task_id}
    assert {e["by"] for e in events} == {"test"}, "PULSE_ACTOR names who moved it"
    assert {e["file"] for e in events} == {name}
    assert events[0]["op"] == "create"


def test_handmade_files_work_by_id_and_by_name_and_are_never_renamed(proj: Path) -> None:
    root = proj / "tasks"
    (root / "open" / "fix-navbar-typo.md").touch()
    agent_text = (
        "---\ntitle: Refactor the auth module\npriority: high   # agent's pick\ntags: [auth]\n"
        "owner: agent-7\n---\nThe agent wrote this.\n\n- [ ] tests pass\n"
    )
    (root / "open" / "refactor-auth.md").write_text(agent_text, encoding="utf-8")

    listing = {t["title"]: t for t in pulse_json("ls", cwd=proj)}
    assert set(listing) == {"Fix navbar typo", "Refactor the auth module"}
    navbar, agent = listing["Fix navbar typo"], listing["Refactor the auth module"]
    assert navbar["error"] is None and agent["error"] is None
    assert agent["priority"] == "high" and agent["tags"] == ["auth"]
    assert agent["criteria"] == {"done": 0, "total": 1}

    assert pulse_json("show", navbar["short"], cwd=proj)["title"] == "Fix navbar typo"
    for query in ("fix-navbar-typo", "fix-navbar-typo.md", "tasks/open/fix-navbar-typo.md", "fix-nav"):
        assert pulse_json("show", query, cwd=proj)["id"] == navbar["id"], query
    assert (
        pulse_json("show", "refactor-auth", cwd=proj)["body"] == "The agent wrote this.\n\n- [ ] tests pass\n"
    )

    pulse_ok("start", navbar["short"], cwd=proj)
    pulse_ok("start", "refactor-auth", cwd=proj)
    pulse_ok("done", "fix-navbar-typo", cwd=proj)
    pulse_ok("done", agent["id"][:6], cwd=proj)

    names = {state: [p.name for p in paths] for state, paths in task_files(root).items()}
    assert names == {
        "open": [],
        "doing": [],
        "done": ["fix-navbar-typo.md", "refactor-auth.md"],
        "blocked": [],
    }
    after = {t["title"]: t for t in pulse_json("ls", cwd=proj)}
    assert after["Fix navbar typo"]["id"] == navbar["id"], "the id of a hand-made file is stable"
    assert after["Refactor the auth module"]["id"] == agent["id"]
    assert STAMP.match(after["Fix navbar typo"]["started"]) and STAMP.match(after["Fix navbar typo"]["done"])
    text = (root / "done" / "refactor-auth.md").read_text(encoding="utf-8")
    for line in agent_text.splitlines():
        assert line in text.splitlines(), f"the agent's line {line!r} was kept"


def test_id_prefixes_unique_ambiguous_and_unknown(proj: Path) -> None:
    board = board_of(proj)
    made: list[str] = []
    while True:
        made.append(create_task(board, f"Task {len(made)}").id)
        firsts = [i[0] for i in made]
        clash = next((c for c in firsts if firsts.count(c) > 1), None)
        if clash:
            break
    sharing = sorted(i for i in made if i[0] == clash)

    result = pulse("show", clash, cwd=proj)
    line = assert_user_error(result, "ambiguous", *sharing)

    shorts = ids.short_ids(made)
    assert pulse_json("show", shorts[sharing[0]], cwd=proj)["id"] == sharing[0]
    assert pulse_json("show", sharing[1].upper(), cwd=proj)["id"] == sharing[1], "ids are case-insensitive"
    assert line.count("\n") == 0

    assert_user_error(pulse("show", "no-such-task", cwd=proj), "no task matches 'no-such-task'")
    assert_user_error(pulse("start", "no-such-task", cwd=proj), "no task matches")


# --------------------------------------------------------------------------- WIP


def _three_in_doing_and_one_open(proj: Path) -> tuple[list[str], str]:
    board = board_of(proj)
    doing = []
    for n in range(3):
        task = create_task(board, f"Busy {n}")
        move_task(board, task.id, "doing")
        doing.append(task.id)
    return doing, create_task(board, "Fourth").id


def test_wip_soft_limit_moves_and_warns_naming_tasks_in_progress(proj: Path) -> None:
    doing, fourth = _three_in_doing_and_one_open(proj)
    result = ok(pulse("start", fourth, cwd=proj))
    assert where_is(proj / "tasks", Path(next((proj / "tasks" / "doing").glob(f"{fourth}*")).name)) == [
        "doing"
    ]
    assert result.stderr.startswith("pulse: warning: ")
    assert result.stderr.count("\n") == 1
    assert "(4/3)" in result.stderr
    shorts = ids.short_ids([*doing, fourth])
    for n, task_id in enumerate(doing):
        assert shorts[task_id] in result.stderr and f'"Busy {n}"' in result.stderr


def test_start_warns_when_it_touches_what_doing_touches(proj: Path) -> None:
    """Tasks that touch the same files run one after the other: `pulse start` says so (it said
    nothing), names both tasks by id and title, and still moves (the heartbeat keeps saying it)."""
    board = board_of(proj)
    first = create_task(board, "Fix navbar typo", touches=["src/nav.py"])
    move_task(board, first.id, "doing")
    create_task(board, "Tidy the docs", touches=["docs/"])
    second = create_task(board, "Make the navbar sticky", touches=["src/app.css", "src/nav.py"])
    result = ok(pulse("start", second.id, cwd=proj))
    shorts = ids.short_ids([first.id, second.id, *(t.id for t in board.tasks())])
    assert result.stderr == (
        f'pulse: warning: {shorts[second.id]} "Make the navbar sticky" touches the same files as '
        f'{shorts[first.id]} "Fix navbar typo" (src/nav.py) in doing: tasks that touch the same files '
        "run one after the other.\n"
    )
    assert next((proj / "tasks" / "doing").glob(f"{second.id}*")).is_file()
    assert ok(pulse("start", "tidy", cwd=proj)).stderr == ""  # docs/ touches nothing in doing


def test_wip_hard_limit_refuses_and_force_moves(proj: Path) -> None:
    (proj / "tasks" / "pulse.yaml").write_text("wip: {doing: 3, hard: true}\n", encoding="utf-8")
    _, fourth = _three_in_doing_and_one_open(proj)
    line = assert_user_error(pulse("start", fourth, cwd=proj), "doing/ is full (3/3", "--force")
    for n in range(3):
        assert f'"Busy {n}"' in line
    assert len(list((proj / "tasks" / "open").glob(f"{fourth}-*.md"))) == 1, "not moved"
    assert_user_error(pulse("mv", fourth, "doing", cwd=proj), "doing/ is full")

    result = ok(pulse("start", fourth, "--force", cwd=proj))
    assert "over its limit (4/3)" in result.stderr
    assert len(list((proj / "tasks" / "doing").glob(f"{fourth}-*.md"))) == 1
    assert list((proj / "tasks" / "open").glob("*.md")) == []


PARTIAL_CONFIGS = [
    pytest.param("wip: {hard: true}\n", True, id="only-hard"),
    pytest.param("wip:\n  hard: true\n", True, id="doing-line-deleted"),
    pytest.param("wip:\n  doing: 3\n", False, id="hard-line-deleted"),
    pytest.param("wip: {doing: 3}\n", False, id="readme-example"),
    pytest.param("", False, id="empty-file"),
    pytest.param("# only a comment\n", False, id="comments-only"),
    pytest.param(None, False, id="no-pulse-yaml"),
]


@pytest.mark.parametrize(("config", "hard"), PARTIAL_CONFIGS)
def test_wip_partial_config_uses_the_defaults_for_missing_keys(
    proj: Path, config: str | None, hard: bool
) -> None:
    """pulse.yaml says "Delete a line to get its default back"."""
    _, fourth = _three_in_doing_and_one_open(proj)
    if config is None:
        (proj / "tasks" / "pulse.yaml").unlink()
    else:
        (proj / "tasks" / "pulse.yaml").write_text(config, encoding="utf-8")
    result = pulse("start", fourth, cwd=proj)
    if hard:
        assert_user_error(result, "doing/ is full (3/3")
        ok(pulse("start", fourth, "--force", cwd=proj))
    else:
        assert "over its limit (4/3)" in ok(result).stderr
    assert len(list((proj / "tasks" / "doing").glob(f"{fourth}-*.md"))) == 1


def test_wip_limit_from_config_counts(proj: Path) -> None:
    (proj / "tasks" / "pulse.yaml").write_text("wip:\n  doing: 1\n  hard: true\n", encoding="utf-8")
    board = board_of(proj)
    first, second = create_task(board, "One").id, create_task(board, "Two").id
    pulse_ok("start", first, cwd=proj)
    assert_user_error(pulse("start", second, cwd=proj), "(1/1")


# --------------------------------------------------------------------------- errors


def test_move_of_a_file_that_is_gone_or_already_there(proj: Path) -> None:
    root = proj / "tasks"
    board = board_of(proj)
    gone = create_task(board, "Deleted behind pulse's back")
    gone.path.unlink()
    assert_user_error(pulse("done", gone.id, cwd=proj), gone.id)

    task = create_task(board, "Started twice")
    pulse_ok("start", task.id, cwd=proj)
    assert_user_error(pulse("start", task.id, cwd=proj), "already in doing/")
    assert where_is(root, task.name) == ["doing"]

    # moved by hand (os.rename) behind pulse's back: pulse follows the file, never copies it
    os.rename(root / "doing" / task.name, root / "done" / task.name)
    assert_user_error(pulse("done", task.id, cwd=proj), "already in done/")
    pulse_ok("reopen", task.id, cwd=proj)
    assert where_is(root, task.name) == ["open"]

    # a copy in two folders: pulse refuses to guess and points at doctor
    shutil.copyfile(root / "open" / task.name, root / "blocked" / task.name)
    assert_user_error(pulse("start", task.id, cwd=proj), "2 places", "pulse doctor")
    assert sorted(where_is(root, task.name)) == ["blocked", "open"]


USER_ERRORS = [
    pytest.param(("show", "no-such-task"), "no task matches", id="unknown-id"),
    pytest.param(("show", "  "), "empty ID", id="empty-id"),
    pytest.param(("add", "   "), "needs a title", id="blank-title"),
    pytest.param(("add", "x", "--estimate", "soon"), "estimate", id="bad-estimate"),
    pytest.param(("add", "x", "--depends", "no-such-task"), "no task matches", id="bad-depends"),
    pytest.param(("mv", "{open}", "blocked"), "needs a reason", id="block-without-reason"),
    pytest.param(("block", "{open}", "--reason", "  "), "needs a reason", id="blank-reason"),
    pytest.param(("start", "{doing}"), "already in doing/", id="already-there"),
    pytest.param(("--board", "{tmp}/nowhere", "ls"), "does not exist", id="board-missing"),
    pytest.param(("edit", "{open}"), "not found", id="editor-missing"),
]


@pytest.mark.parametrize(("args", "needle"), USER_ERRORS)
def test_user_errors_are_one_line_exit_1(proj: Path, args: tuple[str, ...], needle: str) -> None:
    board = board_of(proj)
    open_task = create_task(board, "Open one")
    doing_task = create_task(board, "Doing one")
    move_task(board, doing_task.id, "doing")
    values = {"open": open_task.id, "doing": doing_task.id, "tmp": str(proj.parent)}
    argv = [a.format(**values) for a in args]
    before = {p: p.read_bytes() for p in all_task_paths(proj / "tasks")}
    env = clean_env(EDITOR=str(proj.parent / "no-such-editor"))
    assert_user_error(pulse(*argv, cwd=proj, env=env), needle)
    assert {p: p.read_bytes() for p in all_task_paths(proj / "tasks")} == before, "an error changes nothing"


USAGE_ERRORS = [
    pytest.param(("frobnicate",), id="unknown-command"),
    pytest.param(("show",), id="show-missing-id"),
    pytest.param(("add",), id="add-missing-title"),
    pytest.param(("add", "x", "--priority", "urgent"), id="bad-priority"),
    pytest.param(("mv", "abcd", "sideways"), id="bad-state"),
    pytest.param(("mv", "abcd"), id="mv-missing-state"),
    pytest.param(("ls", "--state", "bogus"), id="ls-bad-state"),
    pytest.param(("block", "abcd"), id="block-missing-reason"),
    pytest.param(("add", "x", "--body", "b", "--edit"), id="body-and-edit"),
    pytest.param(("ls", "--bogus-flag"), id="unknown-flag"),
]


@pytest.mark.parametrize("args", USAGE_ERRORS)
def test_usage_errors_exit_2(proj: Path, args: tuple[str, ...]) -> None:
    assert_usage_error(pulse(*args, cwd=proj))
    assert all_task_paths(proj / "tasks") == []


BAD_CONFIGS = [
    pytest.param("wip: [unclosed\n", "bad YAML", id="invalid-yaml"),
    pytest.param("wip:\n  doing: -1\n", "wip.doing", id="negative-limit"),
    pytest.param("wip:\n  doing: three\n", "wip.doing", id="word-limit"),
    pytest.param("wip:\n  doing: 3\n  hard: maybe\n", "wip.hard", id="hard-not-bool"),
    pytest.param("wip: 3\n", "wip", id="wip-not-mapping"),
    pytest.param("- a list\n", "mapping", id="not-a-mapping"),
]


@pytest.mark.parametrize(("config", "needle"), BAD_CONFIGS)
def test_bad_config_is_one_sentence_naming_the_file(proj: Path, config: str, needle: str) -> None:
    root = proj / "tasks"
    (root / "pulse.yaml").write_text(config, encoding="utf-8")
    task = create_task(board_of(proj), "Try to start")
    assert_user_error(pulse("start", task.id, cwd=proj), str(root / "pulse.yaml"), needle)
    assert where_is(root, task.name) == ["open"], "nothing moved"


def test_control_characters_in_titles_are_inert_in_move_output(proj: Path) -> None:
    task = create_task(board_of(proj), "evil \x1b]0;pwned\x07 title")
    result = ok(pulse("start", task.id, cwd=proj))
    assert "\x1b" not in result.stdout and "\x07" not in result.stdout
    assert "\\x1b" in result.stdout
    listing = pulse_ok("ls", cwd=proj)
    assert "\x1b" not in listing and "\\x1b" in listing
    assert "\x1b" not in pulse_ok("show", task.id, cwd=proj)


def test_control_characters_in_titles_are_inert_in_wip_messages(proj: Path) -> None:
    board = board_of(proj)
    for n in range(3):
        task = create_task(board, f"evil {n} \x1b[2J\x1b]0;pwned\x07")
        move_task(board, task.id, "doing")
    fourth = create_task(board, "Fourth")
    result = ok(pulse("start", fourth.id, cwd=proj))
    assert "over its limit" in result.stderr
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr


def test_ambiguous_id_error_stays_one_line_with_a_multiline_title(proj: Path) -> None:
    root = proj / "tasks"
    by_first: dict[str, str] = {}
    n = 0
    while True:
        stem = f"hand-{n}"
        first = ids.id_from_stem(stem)[0]
        if first in by_first:
            break
        by_first[first] = stem
        n += 1
    for s in (by_first[first], stem):
        (root / "open" / f"{s}.md").write_text(
            f'---\ntitle: "{s} first line\\nsecond line"\n---\n', encoding="utf-8"
        )
    assert_user_error(pulse("show", first, cwd=proj), "ambiguous")


# --------------------------------------------------------------------------- discovery


@pytest.fixture
def two_boards(tmp_path: Path) -> tuple[Path, Path, Path]:
    """Two projects with one distinctly named task each, and an unrelated empty folder."""
    first, second, elsewhere = tmp_path / "first", tmp_path / "second", tmp_path / "elsewhere"
    for project in (first, second):
        init_board(project / "tasks")
        create_task(Board(project / "tasks"), f"Task of {project.name}")
    elsewhere.mkdir()
    return first, second, elsewhere


def titles(listing: list[dict]) -> list[str]:
    return [t["title"] for t in listing]


def test_board_option_before_and_after_the_command(two_boards: tuple[Path, Path, Path]) -> None:
    first, second, elsewhere = two_boards
    board = str(first / "tasks")
    assert titles(pulse_json("--board", board, "ls", cwd=elsewhere)) == ["Task of first"]
    assert titles(pulse_json("ls", "--board", board, cwd=elsewhere)) == ["Task of first"]
    # a project folder that contains tasks/
    assert titles(pulse_json("ls", "--board", str(second), cwd=elsewhere)) == ["Task of second"]
    # relative to the cwd
    assert titles(pulse_json("--board", "../second", "ls", cwd=elsewhere)) == ["Task of second"]
    # a write goes to that board too
    out = pulse_ok("add", "Added via --board", "--board", board, cwd=elsewhere)
    assert str(first / "tasks" / "open") in out
    assert list(elsewhere.iterdir()) == []


def test_pulse_board_env_and_board_option_beats_it(two_boards: tuple[Path, Path, Path]) -> None:
    first, second, elsewhere = two_boards
    env = clean_env(PULSE_BOARD=str(first / "tasks"))
    assert titles(pulse_json("ls", cwd=elsewhere, env=env)) == ["Task of first"]
    assert titles(pulse_json("ls", "--board", str(second), cwd=elsewhere, env=env)) == ["Task of second"]
    # from inside the second project, $PULSE_BOARD still wins over the nearest tasks/
    assert titles(pulse_json("ls", cwd=second, env=env)) == ["Task of first"]
    bad = clean_env(PULSE_BOARD=str(elsewhere / "missing"))
    assert_user_error(pulse("ls", cwd=elsewhere, env=bad), "$PULSE_BOARD", "does not exist")


def test_nearest_tasks_folder_from_a_nested_cwd(two_boards: tuple[Path, Path, Path]) -> None:
    first, _, _ = two_boards
    deep = first / "src" / "deep" / "deeper"
    deep.mkdir(parents=True)
    assert titles(pulse_json("ls", cwd=deep)) == ["Task of first"]
    out = pulse_ok("add", "From deep inside", cwd=deep)
    assert str(first / "tasks" / "open") in out
    assert not (deep / "tasks").exists()
    # the tasks folder itself is a fine cwd too
    assert len(pulse_json("ls", cwd=first / "tasks" / "open")) == 2


def test_no_board_anywhere_suggests_pulse_init(tmp_path: Path) -> None:
    lonely = tmp_path / "lonely" / "sub"
    lonely.mkdir(parents=True)
    if any((parent / "tasks").is_dir() for parent in lonely.parents):
        pytest.skip("a tasks/ folder exists above the temp folder")
    for args in (("ls",), ("add", "x"), ("doctor",)):
        assert_user_error(pulse(*args, cwd=lonely), "no tasks/ folder", "pulse init")
    assert list(lonely.iterdir()) == []


# --------------------------------------------------------------------------- editor


def _append_editor(tmp_path: Path) -> Path:
    """A real editor stand-in: a shell script that appends a line to the file it is given."""
    script = tmp_path / "bin" / "append-editor"
    script.parent.mkdir(exist_ok=True)
    script.write_text('#!/bin/sh\nprintf "\\nedited by the test editor\\n" >> "$1"\n', encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_edit_runs_the_editor_on_the_task_file(proj: Path, tmp_path: Path) -> None:
    task = create_task(board_of(proj), "Edit me", body="first body line\n")
    env = clean_env(EDITOR=str(_append_editor(tmp_path)))
    result = ok(pulse("edit", task.id[:5], cwd=proj, env=env))
    assert result.stdout == ""
    text = task.path.read_text(encoding="utf-8")
    assert text.endswith("first body line\n\nedited by the test editor\n")
    assert where_is(proj / "tasks", task.name) == ["open"]

    # $VISUAL wins over $EDITOR
    env_both = clean_env(EDITOR=str(tmp_path / "no-such-editor"), VISUAL=str(_append_editor(tmp_path)))
    ok(pulse("edit", task.id, cwd=proj, env=env_both))
    assert task.path.read_text(encoding="utf-8").count("edited by the test editor") == 2


def test_edit_with_a_missing_or_failing_editor(proj: Path, tmp_path: Path) -> None:
    task = create_task(board_of(proj), "Edit me")
    before = task.path.read_bytes()
    missing = clean_env(EDITOR=str(tmp_path / "no-such-editor"))
    assert_user_error(pulse("edit", task.id, cwd=proj, env=missing), "no-such-editor", "not found")
    failing = tmp_path / "failing-editor"
    failing.write_text("#!/bin/sh\nexit 3\n", encoding="utf-8")
    failing.chmod(0o755)
    assert_user_error(
        pulse("edit", task.id, cwd=proj, env=clean_env(EDITOR=str(failing))), "exited with code 3"
    )
    assert task.path.read_bytes() == before


def test_add_with_edit_opens_the_new_file(proj: Path, tmp_path: Path) -> None:
    # An editor given as a command with arguments: python running a script.
    script = tmp_path / "agent_editor.py"
    script.write_text(
        "import sys\n"
        "path = sys.argv[-1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "text = text.replace('title: Draft', 'title: Polished by the editor')\n"
        "open(path, 'w', encoding='utf-8').write(text + 'Notes from the editor.\\n')\n",
        encoding="utf-8",
    )
    env = clean_env(EDITOR=f"{shlex.quote(sys.executable)} {shlex.quote(str(script))}")
    data = json.loads(ok(pulse("add", "Draft", "--edit", "--json", cwd=proj, env=env)).stdout)
    assert data["title"] == "Polished by the editor", "the output shows the file as the editor left it"
    path = Path(data["path"])
    assert path.parent == proj / "tasks" / "open"
    assert path.read_text(encoding="utf-8").endswith("---\nNotes from the editor.\n")
    assert pulse_json("show", data["id"], cwd=proj)["body"] == "Notes from the editor.\n"

    plain = ok(
        pulse("add", "Second draft", "--edit", cwd=proj, env=clean_env(EDITOR=str(_append_editor(tmp_path))))
    )
    _, path_text = plain.stdout.rstrip("\n").split("  ")
    assert Path(path_text).read_text(encoding="utf-8").endswith("edited by the test editor\n")


# --------------------------------------------------------------------------- doctor


def test_doctor_on_a_clean_board(proj: Path) -> None:
    board = board_of(proj)
    a = create_task(board, "A")
    create_task(board, "B", depends=[a.id])
    (proj / "tasks" / "open" / "hand-made.md").touch()
    result = ok(pulse("doctor", cwd=proj))
    assert result.stdout == "No problems found.\n"
    assert pulse_json("doctor", cwd=proj) == []


def test_doctor_reports_duplicates_broken_files_missing_deps_and_cycles(proj: Path) -> None:
    root = proj / "tasks"
    board = board_of(proj)
    dup = create_task(board, "Duplicated")
    shutil.copyfile(dup.path, root / "done" / dup.name)
    (root / "open" / "broken.md").write_text("---\ntitle: never closes\n\nbody\n", encoding="utf-8")
    (root / "open" / "orphan.md").write_text("---\ndepends: [no-such-task]\n---\n", encoding="utf-8")
    cycle_a, cycle_b = ids.id_from_stem("cycle-a"), ids.id_from_stem("cycle-b")
    (root / "open" / "cycle-a.md").write_text(f"---\ndepends: [{cycle_b}]\n---\n", encoding="utf-8")
    (root / "doing" / "cycle-b.md").write_text(f"---\ndepends: [{cycle_a[:6]}]\n---\n", encoding="utf-8")
    before = {p: p.read_bytes() for p in all_task_paths(root)}

    result = pulse("doctor", cwd=proj)
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    kinds = [line.split(":", 1)[0] for line in lines]
    assert sorted(kinds) == ["broken", "cycle", "duplicate", "missing-dependency"], lines
    text = result.stdout
    assert f"open/{dup.name}" in text and f"done/{dup.name}" in text
    assert "open/broken.md" in text
    assert "'no-such-task', which names no task" in text
    cycle_line = next(line for line in lines if line.startswith("cycle:"))
    shorts = ids.short_ids(
        [dup.id, *(ids.id_from_stem(s) for s in ("broken", "orphan", "cycle-a", "cycle-b"))]
    )
    assert shorts[cycle_a] in cycle_line and shorts[cycle_b] in cycle_line

    json_result = pulse("doctor", "--json", cwd=proj)
    assert json_result.returncode == 1
    problems = json.loads(json_result.stdout)
    by_kind = {p["kind"]: p for p in problems}
    assert set(by_kind) == {"duplicate", "broken", "missing-dependency", "cycle"}
    for problem in problems:
        assert set(problem) == {"kind", "message", "ids"}
    assert by_kind["duplicate"]["ids"] == [dup.id]
    assert by_kind["broken"]["ids"] == [ids.id_from_stem("broken")]
    assert by_kind["missing-dependency"]["ids"] == [ids.id_from_stem("orphan")]
    assert by_kind["cycle"]["ids"] == sorted([cycle_a, cycle_b])
    assert {p: p.read_bytes() for p in all_task_paths(root)} == before, "doctor is read-only"


# --------------------------------------------------------------------------- bare invocations


def test_version(tmp_path: Path) -> None:
    from pulseboard import __version__

    result = ok(pulse("--version", cwd=tmp_path))
    assert result.stdout.strip() == f"pulse {__version__}"


def test_help_lists_every_command_and_writes_nothing(tmp_path: Path) -> None:
    result = ok(pulse("--help", cwd=tmp_path))
    assert result.stdout.startswith("usage: pulse")
    for command in ("init", "add", "ls", "show", "start", "done", "block", "reopen", "mv", "edit", "doctor"):
        assert command in result.stdout
    assert list(tmp_path.iterdir()) == [], "help writes nothing"


def test_doctor_names_every_problem_of_a_file_and_the_task_by_id_and_title(proj: Path) -> None:
    """A file with two bad keys: both are said (only the first was), with the task's id and title."""
    root = proj / "tasks"
    (root / "open" / "two-problems.md").write_text(
        "---\npriority: urgent\nestimate: soon\n---\n# Two problems\n", encoding="utf-8"
    )
    result = pulse("doctor", cwd=proj)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (line,) = result.stdout.splitlines()
    short = ids.short_ids([ids.id_from_stem("two-problems")])[ids.id_from_stem("two-problems")]
    assert line.startswith(f'broken: {short} "Two problems" (open/two-problems.md) '), line
    assert "priority" in line and "urgent" in line and "estimate" in line and "soon" in line, line


def test_doctor_fix_keeps_the_chosen_copy_and_sets_the_others_aside(proj: Path) -> None:
    board = board_of(proj)
    task = create_task(board, "Moved on two machines")
    move_task(board, task.id, "done")
    shutil.copy2(proj / "tasks" / "done" / task.name, proj / "tasks" / "blocked" / task.name)
    stale = proj / "tasks" / "open" / f".left{TEMP_SUFFIX}"
    stale.write_text("half a write")
    os.utime(stale, (0, 0))  # long ago: a leftover, not a write in progress
    fresh = proj / "tasks" / "open" / f".now{TEMP_SUFFIX}"
    fresh.write_text("a write in progress")

    unchosen = pulse("doctor", "--fix", cwd=proj)  # no terminal and no --keep: nothing moves
    assert unchosen.returncode == 1 and "choose with --keep" in unchosen.stderr
    assert sorted(where_is(proj / "tasks", task.name)) == ["blocked", "done"]

    fixed = pulse("doctor", "--fix", "--keep", "done", cwd=proj)
    assert fixed.returncode == 0, fixed.stderr
    assert where_is(proj / "tasks", task.name) == ["done"]
    trash = list((proj / "tasks" / ".pulse" / "trash").iterdir())
    assert [p.name.endswith(f"-blocked-{task.name}") for p in trash] == [True]
    assert not stale.exists() and fresh.exists()
    assert "No problems found." in fixed.stdout


def test_add_start_makes_a_task_straight_into_doing_as_a_start_does(proj: Path) -> None:
    root = proj / "tasks"
    data = pulse_json("add", "Hot fix", "--start", cwd=proj, env=clean_env(PULSE_ACTOR="ana"))
    assert (data["state"], data["holder"]) == ("doing", "ana") and data["started"]
    name = Path(data["path"]).name
    assert where_is(root, name) == ["doing"]
    assert [(e["op"], e.get("to")) for e in journal_events(root) if e["id"] == data["id"]] == [
        ("create", "open"), ("move", "doing"),
    ]  # fmt: skip
    (root / "pulse.yaml").write_text("wip:\n  doing: 1\n  hard: true\n", encoding="utf-8")
    refused = pulse("add", "One too many", "--start", cwd=proj)
    assert refused.returncode == 1 and "was added to open/ but not started: doing/ is full" in refused.stderr
    assert [t["title"] for t in pulse_json("ls", "--state", "open", cwd=proj)] == ["One too many"]
    forced = pulse_json("add", "Urgent", "--start", "--force", cwd=proj)
    assert forced["state"] == "doing"
