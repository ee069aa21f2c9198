"""The user's own settings file (core/prefs.py): where it is, reading it (defaults, one sentence for a
broken file or a bad setting), writing a change in place and atomically, and its precedence over the
team's pulse.yaml (theme, keys)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from support.helpers import user_config, write_file

from pulseboard.core import fsops
from pulseboard.core.config import Settings
from pulseboard.core.errors import PulseError
from pulseboard.core.prefs import (
    TEMPLATE,
    Prefs,
    chosen_theme,
    combined_keys,
    load_prefs,
    prefs_path,
    save_prefs,
)
from pulseboard.core.safeyaml import BOMB


@pytest.fixture
def path(tmp_path: Path) -> Path:
    return user_config(tmp_path)


def test_the_file_is_under_xdg_config_home_or_dot_config(
    path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert prefs_path() == path
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for unset in ("", "relative/config"):  # the XDG spec ignores a relative path
        monkeypatch.setenv("XDG_CONFIG_HOME", unset)
        assert prefs_path() == tmp_path / "home" / ".config" / "pulseboard" / "config.yaml"


def test_a_missing_file_is_the_defaults(path: Path) -> None:
    assert load_prefs() == (Prefs(), None)
    assert Prefs() == Prefs(
        theme=None, compact=False, folded=False, sort="priority", hide_empty=False, keys=()
    )
    assert not path.parent.exists()  # reading makes nothing


def test_every_setting_is_read(path: Path) -> None:
    write_file(
        path,
        "theme: nord  # mine\nview:\n  compact: true\n  folded: true\n  sort: rank\n  hide_empty: true\n"
        "  compact_below: 100\n"
        "keys:\n  start: x\n  done: ctrl+d\n",
    )
    assert load_prefs(path) == (
        Prefs(
            "nord",
            compact=True,
            folded=True,
            sort="rank",
            hide_empty=True,
            compact_below=100,
            keys=(("start", "x"), ("done", "ctrl+d")),
        ),
        None,
    )
    write_file(path, TEMPLATE)  # all comments: the defaults
    assert load_prefs(path) == (Prefs(), None)


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("theme: [unclosed\n", "has bad YAML at line 2; fix it or delete it to use the defaults."),
        ("- a list\n", "must be a mapping of settings."),
        ("a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
            f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n" for p, c in zip("abcde", "bcdef", strict=True)
        ), BOMB),
    ],
    ids=["bad YAML", "not a mapping", "bomb"],
)  # fmt: skip
def test_a_broken_file_is_the_defaults_and_one_sentence(path: Path, text: str, said: str) -> None:
    write_file(path, text)
    prefs, problem = load_prefs(path)
    assert prefs == Prefs()
    assert problem is not None and problem.startswith(str(path)) and said in problem
    assert "\n" not in problem and "Traceback" not in problem


def test_a_file_that_is_not_a_regular_file_is_the_defaults_and_one_sentence(path: Path) -> None:
    path.mkdir(parents=True)
    prefs, problem = load_prefs(path)
    assert prefs == Prefs()
    assert problem == f"{path} is not a regular file (a FIFO, a folder); pulse can't read it."


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("view:\n  sort: age\n", "view.sort must be priority or rank, not 'age'."),
        ("view:\n  compact: 1\n", "view.compact must be true or false, not 1."),
        ("view:\n  compact_below: wide\n", "view.compact_below must be a number of columns, not 'wide'."),
        (
            "view:\n  zoom: true\n",
            "view.zoom is not a setting; use one of compact, folded, sort, hide_empty, compact_below.",
        ),
        ("view: [compact]\n", "`view` must be a mapping of settings."),
        ("wip: {doing: 2}\n", "wip is not a setting; use theme, view or keys."),
        ("keys:\n  launch: x\n", "keys.launch is not a board action"),
        ("keys:\n  start: x\n  done: x\n", "keys.start and keys.done both use x"),
    ],
)
def test_a_bad_setting_falls_back_alone_with_one_sentence(path: Path, text: str, said: str) -> None:
    write_file(path, "theme: nord\n" + text)
    prefs, problem = load_prefs(path)
    assert prefs.theme == "nord"  # the good settings are kept
    assert problem is not None and problem.startswith(f"{path}: ") and said in problem
    assert (prefs.sort, prefs.compact, prefs.keys) == ("priority", False, ())


def test_saving_makes_the_file_from_the_template(path: Path) -> None:
    save_prefs({"theme": "pulse-light", "compact": True})
    assert path.read_text(encoding="utf-8") == TEMPLATE + 'theme: "pulse-light"\nview:\n  compact: true\n'
    assert load_prefs(path) == (Prefs("pulse-light", compact=True), None)
    assert os.stat(path.parent).st_mode & 0o777 == 0o700


def test_saving_changes_only_the_lines_of_the_settings_changed(path: Path) -> None:
    text = (
        "# my settings\ntheme: nord   # cold\nview:\n  sort: rank  # the heartbeat's order\n  compact: true\n"
        "keys:\n  start: x\n# the end\n"
    )
    write_file(path, text)
    save_prefs({"theme": "pulse-light"}, path)
    text = text.replace("theme: nord   # cold", 'theme: "pulse-light"   # cold')
    assert path.read_text(encoding="utf-8") == text
    save_prefs({"compact": False, "folded": True}, path)
    text = text.replace("  compact: true\n", "  compact: false\n  folded: true\n")
    assert path.read_text(encoding="utf-8") == text
    assert load_prefs(path) == (Prefs("pulse-light", folded=True, sort="rank", keys=(("start", "x"),)), None)
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.yaml"]  # no temp file left


def test_a_failed_write_leaves_the_file_as_it_was(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_file(path, "theme: nord\n")

    def full_disk(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(fsops, "write_all", full_disk)
    with pytest.raises(
        PulseError, match=r"can't be written \(No space left on device\); theme was not saved"
    ):
        save_prefs({"theme": "pulse-light"}, path)
    assert path.read_text(encoding="utf-8") == "theme: nord\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["config.yaml"]


@pytest.mark.parametrize("text", ["theme: [unclosed\n", "view: {compact: true}\n", "- a list\n"])
def test_a_file_pulse_cannot_edit_safely_is_never_overwritten(path: Path, text: str) -> None:
    write_file(path, text)
    with pytest.raises(PulseError, match=r"view\.folded was not saved|can't safely save view\.folded"):
        save_prefs({"folded": True}, path)
    assert path.read_text(encoding="utf-8") == text


def test_saving_never_writes_through_a_link(path: Path, tmp_path: Path) -> None:
    target = write_file(tmp_path / "elsewhere.yaml", "theme: nord\n")
    path.parent.mkdir(parents=True)
    path.symlink_to(target)
    with pytest.raises(PulseError, match="symbolic link"):
        save_prefs({"theme": "pulse-light"}, path)
    assert target.read_text(encoding="utf-8") == "theme: nord\n"
    assert load_prefs(path) == (Prefs("nord"), None)  # reading follows it


def test_saving_refuses_what_no_setting_takes(path: Path) -> None:
    for changes in ({"keys": {"start": "x"}}, {"zoom": True}, {"sort": "age"}, {"compact": "yes"}):
        with pytest.raises(ValueError):
            save_prefs(changes, path)
    assert not path.exists()


TEAM = Settings(theme="pulse-light", keys=(("start", "x"), ("done", "D")))


def test_the_users_keys_go_on_top_of_the_teams() -> None:
    mine = Prefs(keys=(("start", "ctrl+s"), ("stats", "ctrl+t")))
    assert combined_keys(TEAM, mine, "mine.yaml") == (
        (("start", "ctrl+s"), ("done", "D"), ("stats", "ctrl+t")),
        None,
    )
    assert combined_keys(TEAM, Prefs(), "mine.yaml") == (TEAM.keys, None)


def test_a_clash_between_the_users_and_the_teams_keys_keeps_the_teams_and_names_the_file() -> None:
    mine = Prefs(keys=(("stats", "x"),))  # fine alone; the team gave x to start
    keys, problem = combined_keys(TEAM, mine, "/home/me/.config/pulseboard/config.yaml")
    assert keys == TEAM.keys
    assert problem == (
        "/home/me/.config/pulseboard/config.yaml: keys.start and keys.stats both use x; "
        "give each action its own key."
    )


def test_the_users_theme_wins_over_the_teams_default() -> None:
    available = {"pulse-dark", "pulse-light", "nord"}
    assert chosen_theme(TEAM, Prefs("nord"), available) == ("nord", [])
    assert chosen_theme(TEAM, Prefs(), available) == ("pulse-light", [])
    assert chosen_theme(TEAM, Prefs("gone"), available) == ("pulse-light", ["gone"])
    assert chosen_theme(Settings(theme="lost"), Prefs("gone"), available) == (None, ["gone", "lost"])
    assert chosen_theme(Settings(), Prefs(), available) == (None, [])
