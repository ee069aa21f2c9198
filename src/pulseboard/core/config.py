"""Board settings: the defaults, the commented `pulse.yaml` that `pulse init` writes, and loading it.

A missing `pulse.yaml` means the defaults; a bad one is a plain error naming the file and key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pulseboard.core.errors import PulseError

CONFIG_NAME = "pulse.yaml"

DEFAULT_CONFIG_TEXT = """\
# pulse.yaml: settings for this board. Delete a line to get its default back.

wip:
  doing: 3        # most tasks in doing/ at once; "three parallel threads is sustainable"
  hard: false     # true: refuse to start past the limit unless --force; false: start and warn
"""


@dataclass(frozen=True, slots=True)
class Settings:
    wip_doing: int = 3
    wip_hard: bool = False


def _section(data: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, dict):
        raise PulseError(f"{path}: `{key}` must be a mapping of settings.")
    return value


def load_settings(board_root: Path) -> Settings:
    """The board's settings, from its pulse.yaml if there is one."""
    path = board_root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError) as exc:
        raise PulseError(f"{path} can't be read: {exc}.") from None
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PulseError(f"{path} has bad YAML{where}; fix it or delete it to use the defaults.") from None
    if not isinstance(data, dict):
        raise PulseError(f"{path} must be a mapping of settings.")
    wip = _section(data, "wip", path)
    defaults = Settings()
    doing = wip.get("doing", defaults.wip_doing)
    hard = wip.get("hard", defaults.wip_hard)
    if isinstance(doing, bool) or not isinstance(doing, int) or doing < 1:
        raise PulseError(f"{path}: wip.doing must be a whole number of at least 1, not {doing!r}.")
    if not isinstance(hard, bool):
        raise PulseError(f"{path}: wip.hard must be true or false, not {hard!r}.")
    return Settings(wip_doing=doing, wip_hard=hard)
