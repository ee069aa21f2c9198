"""Board settings the app uses (theme, keys), editing one setting in place, ticking criteria, task history."""

from __future__ import annotations

from pathlib import Path

import pytest

from pulseboard.core.actions import create_task, move_task, tick_criterion
from pulseboard.core.board import Board
from pulseboard.core.config import DEFAULT_CONFIG_TEXT, load_settings, save_setting
from pulseboard.core.errors import PulseError
from pulseboard.core.journal import history
from pulseboard.core.taskfile import criteria, toggle_criterion


def test_keys_and_theme_settings(tmp_path: Path) -> None:
    (tmp_path / "pulse.yaml").write_text("theme: pulse-light\nkeys:\n  start: ctrl+s\n  done: D\n")
    settings = load_settings(tmp_path)
    assert settings.theme == "pulse-light"
    assert dict(settings.keys) == {"start": "ctrl+s", "done": "D"}
    for bad, needle in [
        ("keys: {launch: x}\n", "not a board action"),
        ("keys: {start: ''}\n", "key name"),
        ("keys: [s]\n", "mapping"),
        ("theme: [a]\n", "theme"),
    ]:
        (tmp_path / "pulse.yaml").write_text(bad)
        with pytest.raises(PulseError, match=needle):
            load_settings(tmp_path)


def test_save_setting_changes_only_that_settings_line(tmp_path: Path) -> None:
    config = tmp_path / "pulse.yaml"
    config.write_text(DEFAULT_CONFIG_TEXT + "# my note\n")
    save_setting(config, {("theme",): "pulse-light"})
    theme_line = next(line for line in DEFAULT_CONFIG_TEXT.splitlines() if line.startswith("theme:"))
    comment = theme_line[theme_line.index(" #") :]
    assert config.read_text() == DEFAULT_CONFIG_TEXT.replace(theme_line, f'theme: "pulse-light"{comment}') + (
        "# my note\n"
    )
    assert load_settings(tmp_path).theme == "pulse-light"
    config.write_text("wip: {doing: 2}  # mine\n")
    save_setting(config, {("theme",): "nord"})
    assert config.read_text() == 'wip: {doing: 2}  # mine\ntheme: "nord"\n'
    config.unlink()
    save_setting(config, {("theme",): "x"}, template="# a template\n")
    assert config.read_text() == '# a template\ntheme: "x"\n'
    config.write_text("theme: a\n  nested: oops\n")
    with pytest.raises(PulseError, match="theme was not saved"):
        save_setting(config, {("theme",): "b"})
    assert config.read_text() == "theme: a\n  nested: oops\n"


def test_save_setting_edits_a_nested_setting_in_place(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("view:   # mine\n  compact: false # one line\n  sort: rank\nkeys: {start: x}\n")
    save_setting(config, {("view", "compact"): True, ("view", "folded"): True, ("theme",): "nord"})
    assert config.read_text() == (
        "view:   # mine\n  compact: true # one line\n  sort: rank\n  folded: true\n"
        'keys: {start: x}\ntheme: "nord"\n'
    )
    config.write_text("view: null\n")
    save_setting(config, {("view", "sort"): "rank"})
    assert config.read_text() == 'view:\n  sort: "rank"\n'
    config.write_text("view: {compact: true}\n")  # a flow mapping: not edited line by line
    with pytest.raises(PulseError, match=r"can't safely save view\.folded"):
        save_setting(config, {("view", "folded"): True})
    assert config.read_text() == "view: {compact: true}\n"


BODY = (
    "Intro\n\n## Acceptance criteria\n- [ ] first\n  * [x] second, nested\n- [X] third\n"
    "\n```\n- [ ] in code\n```\n"
)


def test_criteria_are_listed_and_toggled_one_byte_at_a_time() -> None:
    text = "---\ntitle: t\n---\n" + BODY
    assert criteria(BODY)[:3] == [(False, "first"), (True, "second, nested"), (True, "third")]
    once = toggle_criterion(text, 0)
    assert once == text.replace("- [ ] first", "- [x] first")
    assert toggle_criterion(once, 0) == text
    assert toggle_criterion(text, 2) == text.replace("- [X] third", "- [ ] third")
    crlf = text.replace("\n", "\r\n")
    assert toggle_criterion(crlf, 0) == crlf.replace("- [ ] first", "- [x] first")
    with pytest.raises(ValueError):
        toggle_criterion(text, 99)


def test_tick_writes_the_file_and_history_lists_moves(board: Board) -> None:
    task = create_task(board, "Tick me", body=BODY)
    entry = board.find(task.id)
    ticked = tick_criterion(board, entry, 0)
    assert ticked.criteria[0] == task.criteria[0] + 1
    assert "- [x] first" in task.path.read_text()
    move_task(board, task.id, "doing")
    move_task(board, task.id, "done")
    events = history(board.root, task.id)
    assert [(e.op, e.from_state, e.to_state) for e in events] == [
        ("create", None, "open"),
        ("move", "open", "doing"),
        ("move", "doing", "done"),
    ]
    with pytest.raises(PulseError, match="gone"):
        tick_criterion(board, entry, 0)  # the entry still says open/
