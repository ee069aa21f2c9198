"""Theme service: YAML theme files turned into validated `textual.theme.Theme` objects.

Owns where theme files live (the shipped top-level `themes/` folder, installed as the data package
`pulseboard.themes`, and the user's `$XDG_CONFIG_HOME/pulseboard/themes`), the file format (the fields
of `Theme` plus the `pulse-*` app variables in `variables:`), validation (a bad file becomes one plain
sentence naming it, never a crash at the next CSS refresh) and the rule that a user theme overrides a
shipped one of the same name. Used by the TUI only: it imports textual, so core and the CLI's plain
commands must not import it.
"""

from __future__ import annotations

import re
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

import yaml
from textual.color import Color, ColorParseError
from textual.css.constants import VALID_STYLE_FLAGS
from textual.theme import Theme

from pulseboard.core import safeyaml
from pulseboard.core.prefs import config_home
from pulseboard.core.text import clip, quoted

DEFAULT_THEME = "pulse-dark"

THEME_VARIABLES: tuple[str, ...] = (
    "pulse-column-open",  # each column's title / accent colour
    "pulse-column-doing",
    "pulse-column-done",
    "pulse-column-blocked",
    "pulse-wip-warning",  # Doing at its WIP limit
    "pulse-wip-over",  # Doing over its WIP limit
    "pulse-heartbeat",  # the heartbeat pane's accent
)

# Where each pulse variable comes from in a theme that doesn't set it (e.g. textual's own themes).
_DERIVED_FROM = {
    "pulse-column-open": "text-primary",
    "pulse-column-doing": "text-warning",
    "pulse-column-done": "text-success",
    "pulse-column-blocked": "text-error",
    "pulse-wip-warning": "warning",
    "pulse-wip-over": "error",
    "pulse-heartbeat": "text-accent",
}

COLOR_FIELDS = (
    "primary", "secondary", "warning", "error", "success", "accent",
    "foreground", "background", "surface", "panel", "boost",
)  # fmt: skip
_BOOL_FIELDS = ("dark", "ansi")
_RATIO_FIELDS = ("luminosity_spread", "text_alpha")
_KNOWN_KEYS = frozenset(("name", "variables", *COLOR_FIELDS, *_BOOL_FIELDS, *_RATIO_FIELDS))


class ThemeError(ValueError):
    """A theme file that cannot be used; the message is one sentence naming the file."""

    def __init__(self, path: Path | Traversable | str, problem: str) -> None:
        super().__init__(f"Theme file {path} {' '.join(problem.split())}.")  # one line, whatever the cause
        self.path = path


def builtin_theme_dir() -> Traversable:
    """The shipped theme files (the repo's top-level themes/, packaged as `pulseboard.themes`)."""
    return files("pulseboard.themes")


def user_theme_dir() -> Path:
    """The user's theme folder: `$XDG_CONFIG_HOME/pulseboard/themes`, default `~/.config/...`."""
    return config_home() / "themes"


def load_theme_file(path: Path | Traversable | str) -> Theme:
    """Read and validate one theme file; raise `ThemeError` saying what is wrong with it."""
    path = Path(path) if isinstance(path, str) else path
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ThemeError(path, f"cannot be read ({getattr(exc, 'strerror', None) or exc})") from None
    try:
        data = safeyaml.load(text)
    except safeyaml.Refused as exc:
        raise ThemeError(path, str(exc)) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ThemeError(path, f"is not valid YAML{where}") from None
    try:
        fields = _theme_fields(data)
        theme = Theme(**fields)
    except ValueError as exc:
        raise ThemeError(path, str(exc)) from None
    try:  # a theme with a bad colour registers fine and crashes at the next CSS refresh: build it now
        theme.to_color_system().generate()
    except Exception as exc:
        raise ThemeError(path, f"cannot be turned into textual colours ({exc})") from None
    return theme


def load_themes(user_dir: Path | None = None) -> tuple[list[Theme], list[str]]:
    """Shipped themes, then the user's (overriding a shipped theme of the same name), and one notice
    per file that could not be used. Never raises for a bad file or folder."""
    themes: dict[str, Theme] = {}
    notices: list[str] = []
    try:
        folders: list[Path | Traversable] = [builtin_theme_dir()]
    except (ModuleNotFoundError, OSError):
        folders, notices = [], ["The shipped theme folder (package pulseboard.themes) is not installed."]
    folders.append(user_theme_dir() if user_dir is None else user_dir)
    for folder in folders:
        defined_here: dict[str, str] = {}
        for path in _theme_files(folder, notices):
            try:
                theme = load_theme_file(path)
            except ThemeError as exc:
                notices.append(str(exc))
                continue
            except Exception as exc:  # a bad file must never take the app down
                notices.append(f"Theme file {path} could not be loaded ({type(exc).__name__}: {exc}).")
                continue
            if theme.name in defined_here:
                notices.append(
                    f"Theme file {path} is ignored: theme {quoted(theme.name)} is already defined by "
                    f"{defined_here[theme.name]}."
                )
                continue
            defined_here[theme.name] = path.name
            themes[theme.name] = theme  # a user theme replaces a shipped one in place
    return list(themes.values()), notices


# What a card draws with, derived for every theme so that its text is readable (WCAG 4.5:1) on the
# column, under the focused cursor and under a blurred one. A theme file may set any of them.
CARD_VARIABLES: tuple[str, ...] = (
    "pulse-card-text",  # titles, the name a blocked task waits on
    "pulse-card-muted",  # estimates, tags and touches, times, medium and low priority
    "pulse-card-accent",  # short ids
    "pulse-card-warning",  # high priority, past a time box, touches what doing touches
    "pulse-card-error",  # critical, past twice a box, broken files, a task in two places
    "pulse-card-blocked",  # how long a blocked task has waited
    "pulse-card-tag-1",  # tags, each in one of three colours by its name
    "pulse-card-tag-2",
    "pulse-card-tag-3",
    "pulse-cursor",  # the card under the cursor of the focused column
    "pulse-cursor-blurred",  # the card under the cursor of the other columns
)
READABLE = 4.6  # WCAG asks 4.5:1 for text; a little more, so rounding in terminals keeps it
CURSOR_MIX, BLURRED_MIX = 0.30, 0.12  # how much of the primary colour a cursor mixes into the surface
MUTED_MIX = 0.68  # a muted text: this much of the foreground over the surface, before the check


def pulse_variables(theme: Theme) -> dict[str, str]:
    """The pulse-* variables for any theme: its own values, else ones derived from its colours."""
    colors = theme.to_color_system().generate()
    variables = {name: theme.variables.get(name) or colors[_DERIVED_FROM[name]] for name in THEME_VARIABLES}
    derived = _card_colors(theme, colors, variables["pulse-column-blocked"])
    variables.update({name: theme.variables.get(name) or derived[name] for name in CARD_VARIABLES})
    return variables


def _card_colors(theme: Theme, colors: dict[str, str], blocked: str) -> dict[str, str]:
    """Card colours from the theme's: opaque (alpha and "auto" colours are resolved against the
    wrong background in a column's line styles), each text colour moved towards white or black
    until it reads on the surface and under both cursors."""
    roles = {
        "pulse-card-text": colors["foreground"],
        "pulse-card-accent": colors["accent"],
        "pulse-card-warning": colors["warning"],
        "pulse-card-error": colors["error"],
        "pulse-card-blocked": blocked,
        "pulse-card-tag-1": colors["primary"],
        "pulse-card-tag-2": colors["secondary"],
        "pulse-card-tag-3": colors["success"],
    }
    if theme.ansi:  # the terminal decides these colours: keep them, and two cursors it can tell apart
        return {**roles, "pulse-card-muted": colors["foreground"],
                "pulse-cursor": "ansi_blue", "pulse-cursor-blurred": "ansi_bright_black"}  # fmt: skip
    surface, primary = Color.parse(colors["surface"]), Color.parse(colors["primary"])
    grounds = (surface, surface.blend(primary, CURSOR_MIX), surface.blend(primary, BLURRED_MIX))
    roles["pulse-card-muted"] = surface.blend(Color.parse(colors["foreground"]), MUTED_MIX).hex
    out = {name: readable(Color.parse(value), grounds).hex for name, value in roles.items()}
    return {**out, "pulse-cursor": grounds[1].hex, "pulse-cursor-blurred": grounds[2].hex}


def readable(color: Color, grounds: tuple[Color, ...]) -> Color:
    """The colour, moved in steps towards white (on dark grounds) or black (on light ones) until
    its contrast with every ground is READABLE."""
    towards = Color(255, 255, 255) if _luminance(grounds[0]) < 0.18 else Color(0, 0, 0)
    for step in range(21):
        moved = color.blend(towards, step / 20)
        if all(contrast_ratio(moved, ground) >= READABLE for ground in grounds):
            return moved
    return towards


def contrast_ratio(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours (1 to 21)."""
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def _luminance(color: Color) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = color.rgb
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _theme_files(folder: Path | Traversable, notices: list[str]) -> list[Path | Traversable]:
    """The `*.yaml` / `*.yml` files in a folder, dotfiles skipped, sorted by name; none if it's missing."""
    try:
        if not folder.is_dir():
            if folder.is_file():
                notices.append(f"Theme folder {folder} is a file, not a folder.")
            return []
        entries = sorted(folder.iterdir(), key=lambda entry: entry.name)
    except OSError as exc:
        notices.append(f"Theme folder {folder} cannot be read ({exc.strerror or exc}).")
        return []
    return [
        entry
        for entry in entries
        if not entry.name.startswith(".") and entry.name.endswith((".yaml", ".yml")) and entry.is_file()
    ]


def _theme_fields(data: object) -> dict[str, object]:
    """Check a parsed theme file and return `Theme(**...)` arguments; raise ValueError(problem)."""
    if not isinstance(data, dict):
        raise ValueError("is not a mapping of theme fields (name: ..., primary: ...)")
    unknown = sorted(str(key) for key in data if key not in _KNOWN_KEYS)
    if unknown:
        shown = ", ".join(quoted(key) for key in unknown[:5])
        shown += f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise ValueError(f"has unknown key{'s' if len(unknown) > 1 else ''} {shown}")
    if data.get("variables", {}) is None:  # an empty `variables:` block
        data = {**data, "variables": {}}
    empty = next((key for key, value in data.items() if value is None), None)  # keys are known names here
    if empty is not None:
        hint = f' (quote colours: {empty}: "#1e90ff")' if empty in COLOR_FIELDS else ""
        raise ValueError(f"has no value for {empty!r}{hint}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError("has no name (add a line like name: my-theme)")
    if "primary" not in data:
        raise ValueError("has no primary colour")
    fields: dict[str, object] = {"name": name.strip()}
    for key in (key for key in (*COLOR_FIELDS, *_BOOL_FIELDS, *_RATIO_FIELDS) if key in data):
        value = data[key]  # checked in this order: colours, then true/false, then ratios
        if key in _BOOL_FIELDS:
            if not isinstance(value, bool):
                raise ValueError(f"has {key}: {quoted(value)}, which should be true or false")
        elif key in _RATIO_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise ValueError(f"has {key}: {quoted(value)}, which should be a number from 0 to 1")
            value = float(value)
        else:
            value = _color(key, value)
        fields[key] = value
    fields["variables"] = variables = _variables(data.get("variables", {}))
    if fields.get("ansi"):  # textual's widgets use these in ansi mode but its ansi colour system omits them
        dark = fields.get("dark", True)
        variables.setdefault("ansi-background", "ansi_black" if dark else "ansi_white")
        variables.setdefault("ansi-foreground", "ansi_white" if dark else "ansi_black")
    return fields


def _variables(data: object) -> dict[str, str]:
    """Validate `variables:`: colour values, or text-style flags for names ending in `-style`."""
    if not isinstance(data, dict):
        raise ValueError("has variables that are not a mapping of name: colour")
    variables: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(key, str) or not re.fullmatch(r"[A-Za-z_][\w-]*", key):
            raise ValueError(f"has a variable named {quoted(key)}, which is not a CSS variable name")
        if key.endswith("-style"):
            if not isinstance(value, str) or not value.split() or set(value.split()) - VALID_STYLE_FLAGS:
                raise ValueError(
                    f"has variable {clip(key)}: {quoted(value)}, which is not a text style like 'bold'"
                )
            variables[key] = value
        else:
            variables[key] = _color(f"variable {clip(key)}", value)
    return variables


def _color(what: str, value: object) -> str:
    """Return `value` if `Color.parse` accepts it, else raise ValueError naming the field."""
    if not isinstance(value, str):
        raise ValueError(
            f'has {what}: {quoted(value)}, which is not a colour (write colours in quotes, "#1e90ff")'
        )
    try:
        Color.parse(value)
    except ColorParseError as exc:
        hint = f" (did you mean {exc.suggested_color!r}?)" if exc.suggested_color else ""
        raise ValueError(
            f"has {what}: {quoted(value)}, which is not a colour textual understands{hint}"
        ) from None
    return value
