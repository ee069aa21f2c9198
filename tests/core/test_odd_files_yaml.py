"""Issue 11, one odd file never stalls pulse: YAML bombs, error messages that quote a value, a journal
line of the wrong types, a parse cache holding garbage, and C1 control characters in --json.

Real boards in temp folders and real `pulse` processes; the bomb tests carry a timeout so a
regression fails instead of hanging.
"""

from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from support.helpers import assert_user_error, ok, pulse, pulse_json

from pulseboard.core import safeyaml
from pulseboard.core.board import Board
from pulseboard.core.config import load_settings, save_setting
from pulseboard.core.errors import PulseError
from pulseboard.core.journal import _parse
from pulseboard.core.taskfile import RECORD_KEYS, parse_text, update_owned_keys
from pulseboard.core.text import quoted

FAST_S = 10  # a subprocess that takes longer than this is stalling on the odd file
BOMB_WORDS = "aliases that expand too far"


def bomb(levels: int, key: str = "lol", indent: str = "") -> str:
    """YAML whose `key` expands to 9**(levels + 1) strings through `levels` levels of anchors."""
    lines = [f"{indent}bombs:\n", f"{indent}  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    for n in range(1, levels):
        lines.append(f"{indent}  - &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n")
    lines.append(f"{indent}{key}: [{', '.join([f'*a{levels - 1}'] * 9)}]\n")
    return "".join(lines)


def nested_bomb(levels: int, key: str) -> str:
    """YAML whose `key` holds its own anchors and expands to about 9**levels strings."""
    lines = [f"{key}:\n", "  - &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"]
    for n in range(1, levels + 1):
        lines.append(f"  - &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]\n")
    return "".join(lines)


def write_task(board: Board, name: str, front: str, state: str = "open") -> Path:
    path = board.root / state / name
    path.write_text(f"---\ntitle: {name[:-3]}\n{front}---\nbody\n", encoding="utf-8")
    return path


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return pulse(*args, cwd=cwd, timeout=FAST_S)


def short_id(value: object) -> str:
    """A readable test id for a long parameter."""
    return quoted(value, 30)


# --- Item 8: YAML bombs -----------------------------------------------------------------------


@pytest.mark.timeout(30)
@pytest.mark.parametrize("key", ["priority", "estimate", "created", "touches", "unknown_key"])
def test_a_bomb_in_a_task_is_listed_with_one_short_error(board: Board, key: str) -> None:
    write_task(board, "bomb.md", bomb(6, key))  # 9**7 strings: 35 MB when an error quoted it
    write_task(board, "good.md", "priority: high\n")
    cwd = board.root.parent
    for _ in range(2):  # cold, then from the parse cache
        listing = ok(run("ls", cwd=cwd)).stdout
        assert len(listing) < 2000, listing[:300]
        broken, good = sorted(listing.splitlines(), key=lambda line: "broken" not in line)
        assert BOMB_WORDS in broken and "high" in good and "broken" not in good
        tasks = {Path(t["path"]).name: t for t in json.loads(ok(run("ls", "--json", cwd=cwd)).stdout)}
        assert BOMB_WORDS in tasks["bomb.md"]["error"] and len(tasks["bomb.md"]["error"]) < 200
        assert tasks["good.md"]["error"] is None and tasks["good.md"]["priority"] == "high"
    cache = board.root / ".pulse" / "cache" / "tasks-open.json"
    assert cache.stat().st_size < 10_000


@pytest.mark.timeout(30)
def test_starting_a_bomb_is_quick_and_says_why_no_stamps(board: Board) -> None:
    path = write_task(board, "bomb.md", bomb(9))  # 10 levels under an unknown key: _verify took > 20 s
    before = path.read_bytes()
    started = time.monotonic()
    result = ok(run("start", "bomb", cwd=board.root.parent))
    assert time.monotonic() - started < FAST_S
    assert "stamps were not written" in result.stderr and BOMB_WORDS in result.stderr
    assert len(result.stderr) < 500
    moved = board.root / "doing" / "bomb.md"
    assert moved.read_bytes() == before  # moved, never rewritten
    started = time.monotonic()
    with pytest.raises(ValueError, match=BOMB_WORDS):
        update_owned_keys(before.decode(), {"started": "2026-11-22T10:00:00Z"})
    assert time.monotonic() - started < 1


@pytest.mark.timeout(30)
@pytest.mark.parametrize(
    "settings",
    ["wip:\n" + bomb(6, "doing", indent="  "), bomb(6, "theme"), bomb(6, "extra")],
    ids=["wip.doing", "theme", "unknown key"],
)
def test_a_bomb_in_pulse_yaml_is_one_sentence(board: Board, settings: str) -> None:
    (board.root / "pulse.yaml").write_text(settings, encoding="utf-8")
    line = assert_user_error(run("ls", cwd=board.root.parent), "pulse.yaml", BOMB_WORDS)
    assert len(line) < 300
    with pytest.raises(PulseError, match=BOMB_WORDS):
        save_setting(board.root / "pulse.yaml", {("theme",): "pulse-light"})
    assert (board.root / "pulse.yaml").read_text(encoding="utf-8") == settings


@pytest.mark.timeout(30)
def test_a_theme_bomb_is_refused_in_one_sentence(tmp_path: Path) -> None:
    from pulseboard.services.themes import ThemeError, load_theme_file, load_themes

    folder = tmp_path / "themes"
    folder.mkdir()
    for key in ("primary", "text_alpha", "dark"):
        head = "" if key == "primary" else 'primary: "#ff0000"\n'
        path = folder / f"bomb-{key}.yaml"
        path.write_text(f"name: bomb-{key}\n{head}{nested_bomb(6, key)}", encoding="utf-8")
        started = time.monotonic()
        with pytest.raises(ThemeError, match=BOMB_WORDS) as caught:
            load_theme_file(path)
        assert time.monotonic() - started < 2
        assert len(str(caught.value)) < 300 and "\n" not in str(caught.value)
    themes, notices = load_themes(folder)
    assert not any(t.name.startswith("bomb") for t in themes)
    assert len([n for n in notices if BOMB_WORDS in n]) == 3


def test_a_self_referencing_alias_and_deep_nesting_are_errors_not_crashes(board: Board) -> None:
    write_task(board, "loop.md", "extra: &a [*a]\n")
    deep = 100_000  # libyaml's composer recursed in C: a segfault that took every listing with it
    write_task(board, "deep.md", "extra: " + "[" * deep + "]" * deep + "\n")
    write_task(board, "good.md", "")
    tasks = {Path(t["path"]).name: t for t in pulse_json("ls", cwd=board.root.parent)}
    assert BOMB_WORDS in tasks["loop.md"]["error"] and tasks["good.md"]["error"] is None
    assert "deep" in tasks["deep.md"]["error"] or "nesting depth" in tasks["deep.md"]["error"]  # PyYAML 6.0.4
    assert len(tasks["deep.md"]["error"]) < 200 and len(tasks["loop.md"]["error"]) < 200


def test_ordinary_anchors_and_globs_still_read(board: Board) -> None:
    text = (
        "---\ntitle: Shared\ntouches: &t [src/*.py, navbar]\ntags: *t\n"
        "base: &b {x: 1}\nmore: {<<: *b, y: 2}\n---\n"
    )
    record = parse_text(text, "fallback")
    assert record["error"] is None
    assert record["touches"] == record["tags"] == ["src/*.py", "navbar"]
    new = update_owned_keys(text, {"started": "2026-11-22T10:00:00Z"})
    assert new.endswith("started: 2026-11-22T10:00:00Z\n---\n")
    assert new.replace("started: 2026-11-22T10:00:00Z\n", "") == text
    # just under the limit: 9**4 strings through aliases is still an ordinary document
    assert safeyaml.load(bomb(3, "x"))["x"][0][0][0] == ["lol"] * 9


# --- Item 8 (b): an error message quotes a short piece of the value ---------------------------


def test_quoted_cuts_long_values() -> None:
    assert quoted("high") == "'high'"
    assert len(quoted("x" * 10_000)) <= 60 and quoted("x" * 10_000).endswith("…")
    assert len(quoted(list(range(100_000)))) <= 60
    assert len(quoted({"k" * 500: ["v" * 500] * 500})) <= 60
    assert quoted(5) == "5" and quoted(None) == "None"


@pytest.mark.parametrize("front", [
    "priority: " + "x" * 50_000, "estimate: " + "y" * 50_000, "created: " + "z" * 50_000,
    "priority: [" + ", ".join(["lol"] * 50_000) + "]",
], ids=short_id)  # fmt: skip
def test_a_field_error_quotes_a_short_piece_of_the_value(front: str) -> None:
    error = parse_text(f"---\n{front}\n---\n", "t")["error"]
    assert error and len(error) < 150, error[:300]


@pytest.mark.parametrize("settings", [
    "wip:\n  doing: " + "x" * 50_000, "wip:\n  hard: " + "x" * 50_000, "theme: [" + "1, " * 20_000 + "]",
    "keys:\n  " + "a" * 1000 + ": s", "git:\n  commit: " + "x" * 50_000,
    "heartbeat:\n  box: " + "x" * 50_000, "heartbeat:\n  weights:\n    low: " + "x" * 50_000,
    "heartbeat:\n  weights:\n    " + "w" * 1000 + ": 1", "git:\n  " + "g" * 1000 + ": true",
    "heartbeat:\n  " + "h" * 1000 + ": 1",
], ids=short_id)  # fmt: skip
def test_a_settings_error_quotes_a_short_piece_of_the_value(tmp_path: Path, settings: str) -> None:
    (tmp_path / "pulse.yaml").write_text(settings + "\n", encoding="utf-8")
    with pytest.raises(PulseError) as caught:
        load_settings(tmp_path)
    assert len(str(caught.value)) < len(str(tmp_path)) + 300, str(caught.value)[:400]


def test_a_number_python_cannot_hold_is_one_sentence(board: Board) -> None:
    (board.root / "pulse.yaml").write_text("wip:\n  doing: " + "1" * 5000 + "\n", encoding="utf-8")
    line = assert_user_error(run("ls", cwd=board.root.parent), "pulse.yaml", "can't read")
    assert len(line) < 300
    write_task(board, "digits.md", "estimate: " + "9" * 5000 + "\n")
    (board.root / "pulse.yaml").unlink()
    (task,) = pulse_json("ls", cwd=board.root.parent)
    assert "can't read" in task["error"] and len(task["error"]) < 200


@pytest.mark.parametrize("extra", [
    'secondary: "' + "x" * 50_000 + '"', "dark: " + "x" * 50_000, "text_alpha: " + "x" * 50_000,
    "variables:\n  " + "v" * 1000 + ": nocolour", "variables:\n  a-style: " + "x" * 50_000,
    "x" * 1000 + ": 1",  # YAML keys stop at 1024 characters
], ids=short_id)  # fmt: skip
def test_a_theme_error_quotes_a_short_piece_of_the_value(tmp_path: Path, extra: str) -> None:
    from pulseboard.services.themes import ThemeError, load_theme_file

    path = tmp_path / "long.yaml"
    path.write_text(f'name: long\nprimary: "#ff0000"\n{extra}\n', encoding="utf-8")
    with pytest.raises(ThemeError) as caught:
        load_theme_file(path)
    assert len(str(caught.value)) < len(str(path)) + 250, str(caught.value)[:400]


# --- Item 11 (a): journal lines of the wrong types are skipped --------------------------------

GOOD_EVENT = {
    "at": "2026-11-22T10:00:00Z", "op": "move", "id": "a1b2c3", "file": "a1b2c3-x.md", "from": "open",
    "to": "doing", "by": "test", "uid": "0123456789ab",
}  # fmt: skip
WRONG = [
    {"at": 5}, {"at": "yesterday"}, {"at": "2026-11-22T10:00:00Z\ninjected: 1"}, {"at": None},
    {"id": []}, {"id": 7}, {"to": {}}, {"op": 1}, {"file": None}, {"from": 3}, {"by": ["x"]},
    {"before": "x"}, {"before": []}, {"undoes": 3}, {"uid": {"a": 1}},
]  # fmt: skip


@pytest.mark.parametrize("change", WRONG, ids=lambda c: json.dumps(c))
def test_a_journal_line_of_the_wrong_types_is_skipped(change: dict[str, Any]) -> None:
    assert _parse(json.dumps(GOOD_EVENT)) is not None
    assert _parse(json.dumps({**GOOD_EVENT, **change})) is None


@pytest.mark.parametrize("line", ["[1, 2]", "5", '"text"', "null", "true", "{}", "[]"])
def test_a_journal_line_that_is_not_an_object_is_skipped(line: str) -> None:
    assert _parse(line) is None and _parse(line.encode()) is None


def test_stats_and_undo_survive_a_journal_of_wrong_types(board: Board) -> None:
    cwd = board.root.parent
    ok(pulse("add", "A task", cwd=cwd))
    ok(pulse("start", "a-task", cwd=cwd))
    journal = next((board.root / ".pulse" / "journal").glob("*.jsonl"))
    bad = [json.dumps({**GOOD_EVENT, **change}) for change in WRONG]
    bad += ["[1, 2]", "5", "null", json.dumps({**GOOD_EVENT, "op": "create", "from": None, "at": 5})]
    with journal.open("a", encoding="utf-8") as handle:
        handle.write("\n".join(bad) + "\n")
    stats = ok(run("stats", cwd=cwd))
    assert "internal error" not in stats.stderr
    ok(run("stats", "--json", cwd=cwd))
    undone = ok(run("undo", cwd=cwd))
    assert "internal error" not in undone.stderr
    assert list((board.root / "open").glob("*a-task.md"))


# --- Item 11 (b): a parse cache holding garbage is dropped and rebuilt ------------------------


BAD_VALUES: list[tuple[str, Any]] = [  # (what, the record's values, or changes to some of them)
    ("not a list", ["garbage"]), ("a dict", [{"title": "x"}]), ("too short", [["T"]]),
    ("too long", [list(range(20))]), ("all text", [["x"] * len(RECORD_KEYS)]), ("title", {"title": 5}),
    ("title", {"title": None}), ("priority", {"priority": ["high"]}),
    ("priority", {"priority": "urgent"}), ("estimate", {"estimate": "5m"}), ("estimate", {"estimate": True}),
    ("estimate", {"estimate": 1.5}), ("touches", {"touches": "a"}), ("touches", {"touches": [1, 2]}),
    ("touches", {"touches": None}), ("depends", {"depends": [None]}), ("tags", {"tags": {"a": 1}}),
    ("created", {"created": 5}), ("started", {"started": []}), ("done", {"done": {"x": 1}}),
    ("blocked", {"blocked": "reason"}), ("blocked", {"blocked": [1]}),
    ("blocked", {"blocked": {"reason": 5}}),
    ("criteria", {"criteria": [1]}), ("criteria", {"criteria": "12"}), ("criteria", {"criteria": [1, "2"]}),
    ("criteria", {"criteria": 5}), ("criteria", {"criteria": [True, 1]}), ("error", {"error": 5}),
    ("writable", {"writable": "yes"}), ("writable", {"writable": None}), ("holder", {"holder": 5}),
]  # fmt: skip
BAD_ENTRIES: list[tuple[str, Any]] = [
    ("entry a string", "x"), ("entry a number", 5), ("entry null", None), ("entry a dict", {"a": 1}),
    ("entry of one", ["sig"]), ("entry of three", [[1, 2, 3, 4], [], []]), ("signature a number", [5, []]),
    ("signature of three", [[1, 2, 3], []]), ("signature null", [None, []]),
    ("signature of strings", [["a", "b", "c", "d"], []]),
]  # fmt: skip


def cached_board(board: Board) -> tuple[Path, dict[str, Any], dict[str, dict[str, Any]]]:
    """A board of two tasks, its parse cache written by a listing, and the tasks as parsed."""
    (board.root / "open" / "one.md").write_text(
        "---\ntitle: One\npriority: high\nestimate: 5m\ntouches: [a, b]\n---\n- [x] c\n- [ ] d\n"
    )
    (board.root / "open" / "two.md").write_text(  # in open/ too: one cache file holds both (cache.py)
        "---\ntitle: Two\nblocked:\n  reason: waiting\n  since: 2026-11-22T10:00:00Z\n---\n"
    )
    expected = {t.name: t for t in board.tasks()}
    path = board.root / ".pulse" / "cache" / "tasks-open.json"
    return path, json.loads(path.read_text(encoding="utf-8")), expected


def corrupt(values: list[Any], change: dict[str, Any] | list[Any]) -> Any:
    """A list of one item replaces the values whole; a dict changes some of them."""
    if isinstance(change, list):
        return change[0]
    return [change.get(key, value) for key, value in zip(RECORD_KEYS, values, strict=True)]


@pytest.mark.parametrize(
    ("what", "change"), BAD_VALUES, ids=[f"{w}-{i}" for i, (w, _) in enumerate(BAD_VALUES)]
)
def test_cached_values_that_do_not_fit_are_parsed_again(board: Board, what: str, change: Any) -> None:
    path, data, expected = cached_board(board)
    original = {key: entry[1] for key, entry in data["entries"].items()}
    for entry in data["entries"].values():
        entry[1] = corrupt(entry[1], change)
    path.write_text(json.dumps(data), encoding="utf-8")
    assert {t.name: t for t in board.tasks()} == expected
    rebuilt = json.loads(path.read_text(encoding="utf-8"))["entries"]
    assert {key: entry[1] for key, entry in rebuilt.items()} == original


@pytest.mark.parametrize(("what", "entry"), BAD_ENTRIES, ids=[w for w, _ in BAD_ENTRIES])
def test_cache_entries_of_the_wrong_shape_are_parsed_again(board: Board, what: str, entry: Any) -> None:
    path, data, expected = cached_board(board)
    for key in data["entries"]:
        data["entries"][key] = entry
    path.write_text(json.dumps(data), encoding="utf-8")
    assert {t.name: t for t in board.tasks()} == expected


def test_listing_with_a_garbage_cache_works_end_to_end(board: Board) -> None:
    path, data, _ = cached_board(board)
    keys = sorted(data["entries"])
    data["entries"][keys[0]] = [data["entries"][keys[0]][0], ["x"] * len(RECORD_KEYS)]
    data["entries"][keys[1]] = [data["entries"][keys[1]][0], 7]
    data["entries"]["ghost.md"] = "garbage"
    path.write_text(json.dumps(data), encoding="utf-8")
    cwd = board.root.parent
    tasks = {t["title"]: t for t in pulse_json("ls", cwd=cwd)}
    assert sorted(tasks) == ["One", "Two"] and tasks["One"]["priority"] == "high"
    assert tasks["Two"]["blocked"]["reason"] == "waiting"
    for command in (["ls"], ["next"], ["stats"]):
        ok(run(*command, cwd=cwd))


# --- Item 14: C1 control characters never reach --json output raw -----------------------------


def test_json_output_escapes_c1_controls_and_line_separators(board: Board) -> None:
    title = "A\x85B\x9bC\x80D\x9fE\u2028F\u2029G é"
    escaped = json.dumps(title)[1:-1]
    (board.root / "open" / "c1.md").write_text(f'---\ntitle: "{escaped}"\ntags: ["x\\x9b"]\n---\n')
    cwd = board.root.parent
    for args in (["ls", "--json"], ["show", "c1", "--json"]):
        out = ok(run(*args, cwd=cwd)).stdout
        assert not any("\x80" <= ch <= "\x9f" or ch in "\u2028\u2029" for ch in out), repr(out)
        data = json.loads(out)
        task = data[0] if isinstance(data, list) else data
        assert task["title"] == title and task["tags"] == ["x\x9b"]
        assert "é" in out  # other text stays as it is, not \u-escaped
