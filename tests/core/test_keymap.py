"""The table of actions (core/keymap.py): the pulse.yaml template made from it, and the check of
`keys:` that reports an unknown action, a bad key name or two actions on one key when settings load."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
import yaml
from support.helpers import assert_user_error, pulse
from textual.keys import _character_to_key

from pulseboard.core.actions import init_board
from pulseboard.core.config import DEFAULT_CONFIG_TEXT, KEY_ACTIONS, load_settings
from pulseboard.core.errors import PulseError
from pulseboard.core.keymap import (
    ACTIONS,
    BOARD,
    BY_ID,
    DETAIL,
    EVERYWHERE,
    PLACES,
    check_keys,
    key_label,
    key_name,
    keys_label,
    taken_keys,
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "tasks"
    init_board(root)
    return root


def refused(root: Path, keys: str) -> str:
    (root / "pulse.yaml").write_text(f"keys:\n{keys}", encoding="utf-8")
    with pytest.raises(PulseError) as caught:
        load_settings(root)
    message = str(caught.value)
    assert message.startswith(f"{root / 'pulse.yaml'}: "), message
    assert "\n" not in message and message.count(". ") == 0, message  # one sentence
    return message.removeprefix(f"{root / 'pulse.yaml'}: ")


# --------------------------------------------------------------------------- the table


def test_each_action_has_an_id_keys_a_label_help_and_places() -> None:
    assert len(BY_ID) == len(ACTIONS), "ids are unique"
    assert tuple(BY_ID) == KEY_ACTIONS
    for action in ACTIONS:
        assert action.id.isidentifier() and action.keys and action.label and action.help, action
        assert action.places and action.places <= set(PLACES), action
        assert action.footer <= set(PLACES), action
    assert check_keys({}, "pulse.yaml") == (), "the default keys clash nowhere"


def test_where_actions_apply() -> None:
    in_detail = {"start", "done", "block", "reopen", "move_left", "move_right", "edit", "undo", "apply",
                 "stats", "next_suggestion", "previous_suggestion", "help", "reload", "back"}  # fmt: skip
    for action in ACTIONS:
        assert action.applies_in(DETAIL) == (action.id in in_detail), action.id
        assert action.applies_in(BOARD) == (action.id != "back"), action.id
    assert {action.id for action in ACTIONS if EVERYWHERE in action.places} == {"help", "reload"}


# --------------------------------------------------------------------------- the pulse.yaml template


def test_the_template_lists_every_action_with_its_default_key_and_its_help_commented_out() -> None:
    section = DEFAULT_CONFIG_TEXT[DEFAULT_CONFIG_TEXT.index("\nkeys:") + 1 :]
    lines = [line for line in section.splitlines()[1:] if line.startswith("  # ")]
    assert [line[4:].split(":")[0] for line in lines] == [action.id for action in ACTIONS]
    for line, action in zip(lines, ACTIONS, strict=True):
        entry, comment = line[4:].split(" # ", 1)
        assert entry.strip() == f"{action.id}: {action.keys}"
        assert comment == action.help
    assert yaml.safe_load(DEFAULT_CONFIG_TEXT)["keys"] is None  # a board names only what it changes


def test_the_template_keeps_the_defaults_and_uncommenting_a_line_remaps_it(root: Path) -> None:
    assert (root / "pulse.yaml").read_text(encoding="utf-8") == DEFAULT_CONFIG_TEXT
    assert load_settings(root).keys == ()
    text = DEFAULT_CONFIG_TEXT.replace("  # start: s ", "  start: x   ")
    (root / "pulse.yaml").write_text(text, encoding="utf-8")
    assert load_settings(root).keys == (("start", "x"),)


# --------------------------------------------------------------------------- checking keys:


def test_two_remaps_onto_one_key_are_refused_naming_both(root: Path) -> None:
    own_key = "; give each action its own key."
    assert refused(root, "  apply: x\n  undo: x\n") == "keys.apply and keys.undo both use x" + own_key
    assert refused(root, "  start: x,y\n  done: y\n").startswith("keys.start and keys.done both use y;")
    assert refused(root, "  back: z\n  start: z\n").startswith("keys.back and keys.start both use z;")


def test_a_remap_onto_a_default_key_takes_it_and_says_so(root: Path) -> None:
    """A default a later pulse gives an action must never stop a board that remapped that key."""
    for keys, said in [
        ("  start: v\n", "keys.start takes v, the default of stats (Stats); give it a key under keys:."),
        ("  down: n\n", "keys.down takes n, the default of new (New); give it a key under keys:."),
        ("  apply: '?'\n", "keys.apply takes ?, the default of help"),
        ("  first: j\n", "keys.first takes j, the default of down (Down); it keeps down."),
    ]:
        (root / "pulse.yaml").write_text("keys:\n" + keys, encoding="utf-8")
        pairs = load_settings(root).keys
        assert taken_keys(pairs, "pulse.yaml")[0].startswith(f"pulse.yaml: {said}"), keys
    (root / "pulse.yaml").write_text("keys:\n  back: n\n  clear_filter: x\n", encoding="utf-8")
    assert taken_keys(load_settings(root).keys, "pulse.yaml") == []  # new and back never meet


def test_swapped_keys_are_no_clash(root: Path) -> None:
    (root / "pulse.yaml").write_text("keys:\n  start: v\n  stats: s\n  help: f1\n", encoding="utf-8")
    assert dict(load_settings(root).keys) == {"start": "v", "stats": "s", "help": "f1"}


def test_an_unknown_action_is_refused_with_the_nearest_name_or_where_to_look(root: Path) -> None:
    assert refused(root, "  strat: x\n").startswith("keys.strat is not a board action; did you mean")
    assert "start" in refused(root, "  strat: x\n")
    message = refused(root, "  xyzzy: x\n")
    assert message.startswith("keys.xyzzy is not a board action; use one of the names under keys:"), message


@pytest.mark.parametrize("key", ["ctrl+p", "ctrl+q", "ctrl+c", "tab", "shift+tab"])
def test_a_key_textual_keeps_is_refused(root: Path, key: str) -> None:
    message = refused(root, f"  start: {key}\n")
    assert message.startswith(f"keys.start uses {key}, which ") and "another key" in message, message


@pytest.mark.parametrize("value", ["''", "' '", "ctrl + s", "s,,d", "5", "true", "[s]", "null"])
def test_a_bad_key_name_is_refused(root: Path, value: str) -> None:
    message = refused(root, f"  start: {value}\n")
    assert message.startswith("keys.start must be a key name such as s or ctrl+s"), message


def test_a_clash_is_reported_when_pulse_starts_and_by_every_command(root: Path) -> None:
    (root / "pulse.yaml").write_text("keys:\n  start: x\n  stats: x\n", encoding="utf-8")
    for command in ([], ["ls"], ["next"]):
        line = assert_user_error(pulse(*command, cwd=root.parent), "pulse.yaml")
        assert line.endswith("keys.start and keys.stats both use x; give each action its own key."), line


# --------------------------------------------------------------------------- key names


@pytest.mark.parametrize("char", string.printable.strip())
def test_key_names_are_textuals(char: str) -> None:
    assert key_name(char) == _character_to_key(char)
    assert key_label(key_name(char)) == char


def test_keys_read_as_people_read_them() -> None:
    assert keys_label("question_mark") == "?" and keys_label("slash") == "/"
    assert keys_label("left_square_bracket,right_square_bracket") == "[,]"
    for key in ("enter", "escape", "space", "tab", "home,g", "end,G", "shift+left", "ctrl+slash", "f5"):
        assert keys_label(key) == key


def readme_key_table() -> str:
    """The README's table of the board's keys, as text."""
    text = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    start = text.index("| key | |")
    return text[start : text.index("\n\n", start)]


def test_the_readme_key_table_names_only_keys_the_table_binds_and_every_shown_action() -> None:
    table = readme_key_table()
    bound = {key_label(key.strip()) for action in ACTIONS for key in action.keys.split(",")}
    named = set(re.findall(r"`([^`\s]{1,2})`", table))  # the one-key names: `s`, `/`, `?`...
    assert named and named <= bound, named - bound
    for action in ACTIONS:
        if action.shown_in(BOARD) and action.id != "quit":  # every footer action is in the README
            first = key_label(action.keys.split(",")[0])
            assert f"`{first}`" in table or first in table, action.id
