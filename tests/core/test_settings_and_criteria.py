"""Board settings the app uses (theme, keys), saving the theme, ticking criteria, task history."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from pulseboard.core.actions import create_task, move_task, tick_criterion
from pulseboard.core.board import Board
from pulseboard.core.config import DEFAULT_CONFIG_TEXT, load_settings, save_theme
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


def test_save_theme_changes_only_the_theme_line(tmp_path: Path) -> None:
    config = tmp_path / "pulse.yaml"
    config.write_text(DEFAULT_CONFIG_TEXT + "# my note\n")
    save_theme(tmp_path, "pulse-light")
    after = config.read_text()
    assert (
        after
        == DEFAULT_CONFIG_TEXT.replace(
            "theme: pulse-dark # the board's colours",
            'theme: "pulse-light" # the board\'s colours',
        )
        + "# my note\n"
    )
    assert load_settings(tmp_path).theme == "pulse-light"
    config.write_text("wip: {doing: 2}  # mine\n")
    save_theme(tmp_path, "nord")
    assert config.read_text() == 'wip: {doing: 2}  # mine\ntheme: "nord"\n'
    config.unlink()
    save_theme(tmp_path, "x")
    assert yaml.safe_load(config.read_text())["theme"] == "x"
    config.write_text("theme: a\n  nested: oops\n")
    with pytest.raises(PulseError):
        save_theme(tmp_path, "b")


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
