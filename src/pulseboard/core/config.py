"""Board settings: the defaults, the commented `pulse.yaml` that `pulse init` writes, and loading it;
also reading and editing any YAML settings file (pulse.yaml, the user's own file in core/prefs.py).

A missing `pulse.yaml` means the defaults; a bad one is a plain error naming the file and key.
`save_setting` changes one setting's lines and keeps every other byte and comment of the file.
"""

from __future__ import annotations

import contextlib
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import yaml

from pulseboard.core import safeyaml
from pulseboard.core.errors import PulseError
from pulseboard.core.fields import parse_age, parse_estimate
from pulseboard.core.fsops import SMALL_FILE, NotRegularError, atomic_write, read_regular
from pulseboard.core.keymap import ACTIONS, check_keys, keys_section
from pulseboard.core.taskfile import key_block
from pulseboard.core.text import clip, quoted

CONFIG_NAME = "pulse.yaml"

DEFAULT_CONFIG_TEXT = """\
# pulse.yaml: settings for this board, shared by everyone on it. Delete a line to get its default back.
# Your own theme, view and keys live in ~/.config/pulseboard/config.yaml ($XDG_CONFIG_HOME/pulseboard).

wip:
  doing: 3        # most tasks in doing/ at once; "three parallel threads is sustainable"
  hard: false     # true: refuse to start past the limit unless --force; false: start and warn

theme: pulse-dark # the team's default colours; a theme you pick (ctrl+p) is kept in your own config

heartbeat:        # the engine that says what to do next (the board's pane, pulse next/claim/beat)
  interval: 60    # seconds between beats; there is also one right after any change
  box: 15m        # in doing past its box: consider splitting; past twice it: split (an estimate is its box)
  big: 30m        # an open task estimated over this: split it before starting
  small: 10m      # an estimate up to this is a small move, which ranks higher
  bundle: 5       # this many unchecked criteria over unrelated touches: split before starting
  debt: 10        # more open tasks tagged as debt than this: a session of debt alone is suggested
  debt_tags: [debt, tech-debt]
  weights:        # urgency points that rank open tasks for "start next"
    critical: 6.0
    high: 3.9
    medium: 1.8
    low: 0.0
    age_per_day: 0.15     # per day since it was created, up to age_cap
    age_cap: 2.0
    small_estimate: 1.5   # estimated at `small` or less
    medium_estimate: 0.5  # estimated at `big` or less
    large_estimate: -1.0  # estimated over `big`
    unblocks: 1.0         # per task waiting on it, up to 3
    overlap: -3.0         # touches something in doing: run them one after the other
    ready_now: 10.0       # what it waited on (depends) is all done: it was next, it comes first

holders:          # starting or claiming a task records who holds it: $PULSE_ACTOR, else the login
  limit: 3        # most weight one holder has in doing: "two tasks for features, three for simpler work"
  limits: {}      # a limit by holder name or glob, such as {"agent-*": 1, ana: 3}
  heavy: 1.5      # the weight of a task estimated over heartbeat.big or tagged as below (others weigh 1)
  heavy_tags: [feature]
  lease: 30m      # a holder silent this long on a task (no move, note, edit or renew) lets another take it

git:              # a board shared through git: "commit after every change, push immediately"
  commit: false   # true: each move, new task and edit pulse makes is a commit of just those files
  push: false     # true: push after each commit, in the background (pulse sync also pulls)

# archive:        # done tasks leave the columns for archive/YYYY-MM/ (pulse archive; docs/archive.md)
#   after: 30d    # the board does it on its own for tasks done longer ago than this

# hooks:          # run a program on an event (docs/hooks.md): the event as JSON on its stdin
#   done: [notify-send, "pulse: a task is done"]     # an argv list, never a shell string
#   moved: {run: [./scripts/on-move.sh], timeout: 5s} # timeout: 10s unless given, at most 60s
#   # events: created, moved, done, blocked, claimed, lease-expired, ready-now; a list of hooks runs them all

"""

DEFAULT_CONFIG_TEXT += keys_section()  # every action of the board, its default key and its help

KEY_ACTIONS = tuple(action.id for action in ACTIONS)  # the names `keys:` accepts

HOOK_EVENTS = ("created", "moved", "done", "blocked", "claimed", "lease-expired", "ready-now")
HOOK_TIMEOUT_S = 10.0  # a hook's time limit unless it gives its own
HOOK_TIMEOUT_MAX_S = 60.0


@dataclass(frozen=True, slots=True)
class Weights:
    """Urgency points that rank open tasks (heartbeat.weights in pulse.yaml)."""

    critical: float = 6.0
    high: float = 3.9
    medium: float = 1.8
    low: float = 0.0
    age_per_day: float = 0.15
    age_cap: float = 2.0
    small_estimate: float = 1.5
    medium_estimate: float = 0.5
    large_estimate: float = -1.0
    unblocks: float = 1.0
    overlap: float = -3.0
    ready_now: float = 10.0


@dataclass(frozen=True, slots=True)
class HolderSettings:
    """Who may hold how much, and for how long without a sign of life (holders in pulse.yaml)."""

    limit: float = 3.0  # the weight one holder may have in doing
    limits: tuple[tuple[str, float], ...] = ()  # (holder name or glob, its limit), the first match wins
    heavy: float = 1.5  # the weight of a big task or one with a heavy tag; others weigh 1
    heavy_tags: tuple[str, ...] = ("feature",)
    lease_s: int = 30 * 60


@dataclass(frozen=True, slots=True)
class HeartbeatSettings:
    """The heartbeat's limits (the heartbeat section of pulse.yaml, plus wip.doing)."""

    wip_doing: int = 3
    interval_s: float = 60.0
    box_s: int = 15 * 60
    big_s: int = 30 * 60
    small_s: int = 10 * 60
    bundle: int = 5
    debt_limit: int = 10  # open tasks with a debt tag, past which the heartbeat asks for a debt session
    debt_tags: tuple[str, ...] = ("debt", "tech-debt")
    weights: Weights = field(default_factory=Weights)
    holders: HolderSettings = field(default_factory=HolderSettings)


@dataclass(frozen=True, slots=True)
class Hook:
    """A program run on an event (hooks in pulse.yaml, core/hooks.py): its argv, never a shell line."""

    event: str
    argv: tuple[str, ...]
    timeout_s: float = HOOK_TIMEOUT_S


@dataclass(frozen=True, slots=True)
class Settings:
    wip_doing: int = 3
    wip_hard: bool = False
    theme: str | None = None
    keys: tuple[tuple[str, str], ...] = ()  # (action, keys) pairs remapping the board's keys (keymap.py)
    heartbeat: HeartbeatSettings = field(default_factory=HeartbeatSettings)
    git_commit: bool = False
    git_push: bool = False
    hooks: tuple[Hook, ...] = ()
    archive_after_s: int | None = None  # archive.after: the board archives tasks done longer ago

    @property
    def holders(self) -> HolderSettings:
        return self.heartbeat.holders


def settings_section(data: dict[str, Any], key: str, path: Path, within: str = "") -> dict[str, Any]:
    """data[key], a mapping of settings ({} if absent or empty); PulseError naming path if not a mapping."""
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise PulseError(f"{path}: `{within}{key}` must be a mapping of settings.")
    return value


def read_settings_text(path: Path) -> str:
    """pulse.yaml's text (a link to it is followed); FileNotFoundError if there is none, else a
    PulseError for anything that can't be read without blocking or at a reasonable size."""
    try:
        return read_regular(path, SMALL_FILE, follow=True).decode("utf-8")
    except NotRegularError:
        raise PulseError(f"{path} is not a regular file (a FIFO, a folder); pulse can't read it.") from None
    except FileNotFoundError:
        raise
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else str(exc)
        raise PulseError(f"{path} can't be read: {reason}.") from None


def read_settings(path: Path) -> dict[str, Any]:
    """A settings file's top-level mapping ({} if there is no file); a PulseError naming the file
    for one that can't be read, isn't YAML pulse will read, or isn't a mapping."""
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        return {}
    try:
        data = safeyaml.load(text) or {}
    except safeyaml.Refused as exc:
        raise PulseError(f"{path} {exc}.") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PulseError(f"{path} has bad YAML{where}; fix it or delete it to use the defaults.") from None
    if not isinstance(data, dict):
        raise PulseError(f"{path} must be a mapping of settings.")
    return data


def check_theme(value: object, where: str) -> str | None:
    """A `theme:` setting: a theme's name or nothing; PulseError starting with `where` otherwise."""
    if value is not None and not isinstance(value, str):
        raise PulseError(f"{where}: theme must be a theme's name, not {quoted(value)}.")
    return value


def load_settings(board_root: Path) -> Settings:
    """The board's settings, from its pulse.yaml if there is one."""
    path = board_root / CONFIG_NAME
    data = read_settings(path)
    if not data:
        return Settings()
    wip = settings_section(data, "wip", path)
    defaults = Settings()
    doing = wip.get("doing", defaults.wip_doing)
    hard = wip.get("hard", defaults.wip_hard)
    if isinstance(doing, bool) or not isinstance(doing, int) or doing < 1:
        raise PulseError(f"{path}: wip.doing must be a whole number of at least 1, not {quoted(doing)}.")
    if not isinstance(hard, bool):
        raise PulseError(f"{path}: wip.hard must be true or false, not {quoted(hard)}.")
    theme = check_theme(data.get("theme"), str(path))
    pairs = check_keys(settings_section(data, "keys", path), str(path))
    heartbeat = _heartbeat(settings_section(data, "heartbeat", path), path, doing)
    heartbeat = replace(heartbeat, holders=_holders(settings_section(data, "holders", path), path))
    git = settings_section(data, "git", path)
    for name, value in git.items():
        if name not in ("commit", "push"):
            raise PulseError(f"{path}: git.{clip(str(name))} is not a setting; use commit or push.")
        if not isinstance(value, bool):
            raise PulseError(f"{path}: git.{name} must be true or false, not {quoted(value)}.")
    return Settings(
        wip_doing=doing, wip_hard=hard, theme=theme, keys=pairs, heartbeat=heartbeat,
        git_commit=git.get("commit", False), git_push=git.get("push", False),
        hooks=_hooks(settings_section(data, "hooks", path), path),
        archive_after_s=_archive_after(settings_section(data, "archive", path), path),
    )  # fmt: skip


def _archive_after(section: dict[str, Any], path: Path) -> int | None:
    for name in section:
        if name != "after":
            raise PulseError(f"{path}: archive.{clip(str(name))} is not a setting; use after.")
    after = section.get("after")
    if after is None:
        return None
    try:
        seconds = parse_age(after)
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise PulseError(f"{path}: archive.after must be an age such as 30d or 2w, not {quoted(after)}.")
    return seconds


def _hooks(section: dict[str, Any], path: Path) -> tuple[Hook, ...]:
    """hooks: event -> a hook or a list of hooks; a hook is an argv list or {run: argv, timeout}."""
    hooks: list[Hook] = []
    for event, value in section.items():
        if event not in HOOK_EVENTS:
            raise PulseError(
                f"{path}: hooks.{clip(str(event))} is not an event; use one of {', '.join(HOOK_EVENTS)}."
            )
        several = isinstance(value, list) and bool(value) and all(isinstance(v, list | dict) for v in value)
        hooks += [_hook(event, one, path) for one in (value if several else [value])]
    return tuple(hooks)


def _hook(event: str, value: object, path: Path) -> Hook:
    """One hook of an event: `[argv...]` or `{run: [argv...], timeout: 5s}`."""
    where = f"{path}: hooks.{event}"
    run, timeout = value, HOOK_TIMEOUT_S
    if isinstance(value, dict):
        unknown = sorted(str(name) for name in value if name not in ("run", "timeout"))
        if unknown:
            raise PulseError(f"{where}.{clip(unknown[0])} is not a setting; use run or timeout.")
        run = value.get("run")
        timeout = _hook_timeout(value.get("timeout", HOOK_TIMEOUT_S), f"{where}.timeout")
    if not isinstance(run, list) or not run or not all(_is_arg(arg) for arg in run):
        raise PulseError(
            f"{where} must be a command as a list of words, such as [notify-send, done], "
            f"never a shell string; not {quoted(run)}."
        )
    return Hook(event, tuple(str(arg) for arg in run), timeout)


def _is_arg(arg: object) -> bool:
    """One word of a hook's argv: text or a number (`[sleep, 5]`); never empty, never a NUL in it."""
    if isinstance(arg, bool) or not isinstance(arg, str | int | float):
        return False
    return str(arg) != "" and "\0" not in str(arg)


def _hook_timeout(value: object, where: str) -> float:
    """A hook's time limit: seconds as a number or a duration such as 5s or 1m, above 0, at most 60s."""
    seconds = 0.0
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            seconds = float(parse_estimate(value))
    if not 0 < seconds <= HOOK_TIMEOUT_MAX_S:
        raise PulseError(f"{where} must be a time such as 5s, above 0 and at most 60s, not {quoted(value)}.")
    return seconds


def _duration(value: object, name: str, path: Path, section: str = "heartbeat") -> int:
    try:
        seconds = parse_estimate(value)  # type: ignore[arg-type]
    except ValueError:
        seconds = 0
    if seconds <= 0:
        raise PulseError(
            f"{path}: {section}.{name} must be a duration such as 15m or 1h, not {quoted(value)}."
        )
    return seconds


def _weight_limit(value: object, name: str, path: Path) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value < math.inf:
        raise PulseError(f"{path}: holders.{name} must be a number above 0, not {quoted(value)}.")
    return float(value)


def _holders(section: dict[str, Any], path: Path) -> HolderSettings:
    known = {"limit", "limits", "heavy", "heavy_tags", "lease"}
    for name in section:
        if name not in known:
            raise PulseError(
                f"{path}: holders.{clip(str(name))} is not a setting; use one of {', '.join(sorted(known))}."
            )
    defaults = HolderSettings()
    limits = settings_section(section, "limits", path, within="holders.")
    tags = section.get("heavy_tags", list(defaults.heavy_tags))
    if not isinstance(tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in tags):
        raise PulseError(f"{path}: holders.heavy_tags must be a list of tags, such as [feature].")
    heavy = _weight_limit(section.get("heavy", defaults.heavy), "heavy", path)
    if heavy < 1:
        raise PulseError(
            f"{path}: holders.heavy must be at least 1 (other tasks weigh 1), not {quoted(heavy)}."
        )
    return HolderSettings(
        limit=_weight_limit(section.get("limit", defaults.limit), "limit", path),
        limits=tuple(
            (str(who), _weight_limit(value, f"limits.{clip(str(who))}", path))
            for who, value in limits.items()
        ),
        heavy=heavy,
        heavy_tags=tuple(tag.strip().lstrip("#") for tag in tags),
        lease_s=_duration(section["lease"], "lease", path, "holders")
        if "lease" in section
        else defaults.lease_s,
    )


def _heartbeat(section: dict[str, Any], path: Path, wip_doing: int) -> HeartbeatSettings:
    defaults = HeartbeatSettings()
    known = {"interval", "box", "big", "small", "bundle", "weights", "debt", "debt_tags"}
    for name in section:
        if name not in known:
            raise PulseError(
                f"{path}: heartbeat.{clip(str(name))} is not a setting; "
                f"use one of {', '.join(sorted(known))}."
            )
    interval = section.get("interval", defaults.interval_s)
    if isinstance(interval, str):
        interval = _duration(interval, "interval", path)
    if isinstance(interval, bool) or not isinstance(interval, int | float) or not 0 < interval < math.inf:
        raise PulseError(
            f"{path}: heartbeat.interval must be a number of seconds above 0, not {quoted(interval)}."
        )
    bundle = section.get("bundle", defaults.bundle)
    if isinstance(bundle, bool) or not isinstance(bundle, int) or bundle < 1:
        raise PulseError(
            f"{path}: heartbeat.bundle must be a whole number of at least 1, not {quoted(bundle)}."
        )
    debt = section.get("debt", defaults.debt_limit)
    if isinstance(debt, bool) or not isinstance(debt, int) or debt < 0:
        raise PulseError(f"{path}: heartbeat.debt must be a whole number of tasks, not {quoted(debt)}.")
    debt_tags = section.get("debt_tags", list(defaults.debt_tags))
    if not isinstance(debt_tags, list) or not all(isinstance(tag, str) and tag.strip() for tag in debt_tags):
        raise PulseError(f"{path}: heartbeat.debt_tags must be a list of tags, such as [debt, tech-debt].")
    given = settings_section(section, "weights", path, within="heartbeat.")
    names = [f.name for f in fields(Weights)]
    weights: dict[str, float] = {}
    for name, value in given.items():
        if name not in names:
            raise PulseError(
                f"{path}: heartbeat.weights.{clip(str(name))} is not a weight; use one of {', '.join(names)}."
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise PulseError(f"{path}: heartbeat.weights.{name} must be a number, not {quoted(value)}.")
        weights[str(name)] = float(value)
    durations = {
        f"{name}_s": _duration(section[name], name, path)
        for name in ("box", "big", "small")
        if name in section
    }
    if durations.get("small_s", defaults.small_s) > durations.get("big_s", defaults.big_s):
        raise PulseError(f"{path}: heartbeat.small must not be longer than heartbeat.big.")
    return replace(
        defaults, wip_doing=wip_doing, interval_s=float(interval), bundle=bundle, debt_limit=debt,
        debt_tags=tuple(tag.strip().lstrip("#") for tag in debt_tags), weights=Weights(**weights),
        **durations,
    )  # fmt: skip


def save_setting(path: Path, changes: Mapping[tuple[str, ...], object], template: str = "") -> None:
    """Set settings in a YAML settings file, each named by its place (`("theme",)`, `("view",
    "compact")`), changing only their lines (a line's comment stays) and keeping every other byte;
    a missing file starts as template. Written atomically. PulseError, with nothing written, for a
    file that can't be read or written, isn't YAML pulse reads, or is laid out so that the change
    can't be made safely (the result is read back and compared)."""
    what = ", ".join(".".join(keys) for keys in changes)
    try:
        text = read_settings_text(path)
    except FileNotFoundError:
        text = template
    try:
        before = safeyaml.load(text) or {}
    except safeyaml.Refused as exc:
        raise PulseError(f"{path} {exc}; {what} was not saved.") from None
    except yaml.YAMLError:
        raise PulseError(f"{path} has bad YAML; {what} was not saved.") from None
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    expected = before
    for keys, value in changes.items():
        _set_lines(lines, 0, len(lines), "", keys, value)
        expected = _with_value(expected, keys, value)
    result = "".join(lines)
    try:
        after = safeyaml.load(result) or {}
    except yaml.YAMLError:
        after = None
    if not isinstance(before, dict) or after != expected:
        raise PulseError(f"{path} is laid out so that pulse can't safely save {what} in it.")
    try:
        atomic_write(path, result.encode("utf-8"))
    except OSError as exc:
        raise PulseError(f"{path} can't be written ({exc.strerror or exc}); {what} was not saved.") from None


_COMMENT = re.compile(r"(?<!\s)\s++#.*$")  # a line's trailing comment (linear: possessive)


def _set_lines(
    lines: list[str], start: int, end: int, indent: str, keys: tuple[str, ...], value: object
) -> None:
    """Set keys (a path of mapping keys) to value in lines[start:end], a block mapping whose keys
    sit at indent: the key's line (and its continuation) is replaced, or a line added at the end."""
    inner = [line[len(indent) :] if line.startswith(indent) else "#" for line in lines[start:end]]
    block = key_block(inner, keys[0])
    if block is None:
        lines.insert(end, f"{indent}{keys[0]}:\n")
        block = (end - start, end - start + 1)
    first, last = start + block[0], start + block[1]
    header = lines[first].rstrip("\r\n")
    comment = _COMMENT.search(header)
    trail = comment.group() if comment else ""
    if len(keys) == 1:
        lines[first:last] = [f"{indent}{keys[0]}: {json.dumps(value, ensure_ascii=False)}{trail}\n"]
        return
    children = [line for line in lines[first + 1 : last] if not line.lstrip().startswith("#")]
    if not children:  # `view:` alone, or with an inline value (null, {}) that the children replace
        lines[first] = f"{indent}{keys[0]}:{trail}\n"
    inner_indent = children[0][: len(children[0]) - len(children[0].lstrip())] if children else indent + "  "
    _set_lines(lines, first + 1, last, inner_indent, keys[1:], value)


def _with_value(data: object, keys: tuple[str, ...], value: object) -> object:
    """data (parsed YAML) with the setting at keys set to value: what the file must read as after."""
    if not keys:
        return value
    mapping = data if isinstance(data, dict) else {}
    return {**mapping, keys[0]: _with_value(mapping.get(keys[0]), keys[1:], value)}
