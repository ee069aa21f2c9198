"""Personal settings: the user's own `$XDG_CONFIG_HOME/pulseboard/config.yaml` (usually
`~/.config/pulseboard/config.yaml`), which holds what is one person's choice and not the team's.

Owns that file's settings (`theme`, `view:` compact / folded / sort / hide_empty, and `keys:` in
pulse.yaml's shape), reading it (a missing file is the defaults; one that can't be read is the
defaults plus one sentence to show; a bad setting falls back alone, with its sentence), writing a
change into it (only the changed lines, atomically, never over a file pulse can't read) and the
precedence over the team's pulse.yaml: the user's theme wins over the team's default, and the
user's keys go on top of the team's, checked together.
"""

from __future__ import annotations

import os
from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pulseboard.core.config import (
    Settings,
    check_theme,
    read_settings,
    save_setting,
    settings_section,
)
from pulseboard.core.errors import PulseError
from pulseboard.core.keymap import check_keys
from pulseboard.core.text import clip, quoted

PREFS_NAME = "config.yaml"
SORTS = ("priority", "rank")  # Open by priority and age, or in the heartbeat's order

TEMPLATE = """\
# pulseboard: your own settings, for every board you open (the team's settings are in each board's
# tasks/pulse.yaml). The board writes theme and view: here as you change them; keys: is yours to edit.
#
# theme: pulse-light      # your colours, over the board's pulse.yaml theme (the team's default)
# view:
#   compact: false        # one line per card
#   folded: false         # the heartbeat pane folded to its top suggestion
#   sort: priority        # Open by priority and age, or rank: in the heartbeat's order
#   hide_empty: false     # empty columns hidden
#   compact_below: 100    # one line per card on terminals narrower than this, until you press c
# keys:                   # your keys, on top of pulse.yaml's (the same names: see its keys:)
#   start: ctrl+s
"""


@dataclass(frozen=True, slots=True)
class Prefs:
    """One person's settings; each is its default until their file says otherwise."""

    theme: str | None = None  # over pulse.yaml's theme
    compact: bool = False  # view.compact
    folded: bool = False  # view.folded: the heartbeat pane
    sort: str = "priority"  # view.sort: one of SORTS
    hide_empty: bool = False  # view.hide_empty
    compact_below: int = 0  # view.compact_below: compact below this many columns unless chosen (0: never)
    keys: tuple[tuple[str, str], ...] = ()  # (action, keys) pairs on top of pulse.yaml's keys


_BOOL = (True, False)
VIEW: dict[str, tuple[object, ...]] = {  # the view settings and the values each takes
    "compact": _BOOL,
    "folded": _BOOL,
    "sort": SORTS,
    "hide_empty": _BOOL,
    "compact_below": (),  # a number of columns, 0 or more
}
REMEMBERED = ("theme", *VIEW)  # the settings the board writes (`keys:` is edited by hand)


def config_home() -> Path:
    """The user's pulseboard folder: `$XDG_CONFIG_HOME/pulseboard`, default `~/.config/pulseboard`
    (a relative XDG_CONFIG_HOME is ignored, as the XDG spec says): their settings and themes."""
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if os.path.isabs(config) else Path.home() / ".config"
    return base / "pulseboard"


def prefs_path() -> Path:
    """The user's settings file: `$XDG_CONFIG_HOME/pulseboard/config.yaml`."""
    return config_home() / PREFS_NAME


def _check(name: str, value: object, where: str) -> Any:
    """value, if the setting `name` (a field of Prefs) takes it; else a PulseError starting with where."""
    if name == "theme":
        return check_theme(value, where)
    if name == "keys":
        return check_keys(settings_section({"keys": value}, "keys", Path(where)), where)
    if name == "compact_below":
        if type(value) is int and value >= 0:
            return value
        raise PulseError(f"{where}: view.compact_below must be a number of columns, not {quoted(value)}.")
    choices = VIEW[name]
    if type(value) in {type(choice) for choice in choices} and value in choices:
        return value
    takes = "true or false" if choices is _BOOL else " or ".join(map(str, choices))
    raise PulseError(f"{where}: view.{name} must be {takes}, not {quoted(value)}.")


def load_prefs(path: Path | None = None) -> tuple[Prefs, str | None]:
    """The user's settings, and a sentence when their file can't be used in full (None when it
    can): a file that can't be read is the defaults; a bad setting is that setting's default."""
    path = path or prefs_path()
    where = str(path)
    try:
        data = read_settings(path)
    except PulseError as exc:
        return Prefs(), str(exc)
    given: list[tuple[str, object]] = []
    problems: list[str] = []
    for name, value in data.items():
        if name in ("theme", "keys"):
            given.append((name, value))
        elif name == "view":
            try:
                view = settings_section(data, "view", path)
            except PulseError as exc:
                problems.append(str(exc))
                continue
            for item, setting in view.items():
                if item in VIEW:
                    given.append((item, setting))
                else:
                    problems.append(
                        f"{where}: view.{clip(str(item))} is not a setting; use one of {', '.join(VIEW)}."
                    )
        else:
            problems.append(f"{where}: {clip(str(name))} is not a setting; use theme, view or keys.")
    values: dict[str, Any] = {}
    for name, value in given:
        try:
            values[name] = _check(name, value, where)
        except PulseError as exc:
            problems.append(str(exc))
    return Prefs(**values), problems[0] if problems else None


def save_prefs(changes: Mapping[str, object], path: Path | None = None) -> None:
    """Write settings the user changed (names from REMEMBERED: theme, compact, folded, sort,
    hide_empty) into their file, made with its folder if missing. Only those lines change, at
    once and atomically; PulseError, with nothing written, for a file pulse can't read, edit
    safely or write. ValueError for a name or a value no setting takes."""
    path = path or prefs_path()
    places: dict[tuple[str, ...], object] = {}
    for name, value in changes.items():
        if name not in REMEMBERED:
            raise ValueError(f"{name} is not a setting pulse remembers; use one of {', '.join(REMEMBERED)}.")
        try:
            _check(name, value, str(path))
        except PulseError as exc:
            raise ValueError(str(exc)) from None
        places[(name,) if name == "theme" else ("view", name)] = value
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise PulseError(f"{path.parent} can't be made ({exc.strerror or exc}); nothing was saved.") from None
    save_setting(path, places, TEMPLATE)


def combined_keys(team: Settings, prefs: Prefs, where: str) -> tuple[tuple[tuple[str, str], ...], str | None]:
    """The keys in use: pulse.yaml's remaps with the user's on top, checked together (`where`, the
    user's file, starts the sentence). On a clash: pulse.yaml's keys alone, and the sentence."""
    if not prefs.keys:
        return team.keys, None
    try:
        return check_keys(dict(team.keys) | dict(prefs.keys), where), None
    except PulseError as exc:
        return team.keys, str(exc)


def chosen_theme(team: Settings, prefs: Prefs, available: Container[str]) -> tuple[str | None, list[str]]:
    """The theme to show: the user's own, else pulse.yaml's (the team's default), the first of them
    that is available (None if neither is); and the names given that are not available."""
    missing: list[str] = []
    for name in (prefs.theme, team.theme):
        if name and name in available:
            return name, missing
        if name:
            missing.append(name)
    return None, missing
