"""The fast path for task frontmatter: the common, simple subset of YAML read without PyYAML.

Owns `load`. The rule: None means ask PyYAML. For a document in the subset it returns exactly what
`safeyaml.load(text, safeyaml.TextTimesLoader)` returns; for anything else (a comment, an
indented line, a number, a boolean, a null, an escape) it returns None and the caller asks
PyYAML, so the subset is kept small on purpose. The subset, one `key: value` a line (blank lines
and whole-line `#` comments may sit between them):
- key: `[A-Za-z_][A-Za-z0-9_-]*`, up to 64 characters, not one PyYAML would type (`yes`, `null`);
- value: nothing (None); a plain scalar that stays a string (`1h`, `Fix the navbar`); a one-line
  flow list of such scalars (`[a.py, docs/x.md]`); `'single-quoted'` (`''` is a quote) or
  `"double-quoted"` text without a backslash or an inner `"`;
- or a mapping of such lines, each indented by two spaces, right under a key with no value (pulse
  writes `blocked:` so: reason, waiting_on, since).
"""

from __future__ import annotations

import re
from typing import Any

from pulseboard.core.safeyaml import TextTimesLoader

_PRINTABLE = r"[ -~\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd]"  # no tab, CR, NEL, LS, PS, BOM
_COMMENT = re.compile(f"#{_PRINTABLE}*")  # a CR or NEL in it would start a line of its own
_LINE = re.compile(rf"([A-Za-z_][A-Za-z0-9_-]{{0,63}}):(?: ({_PRINTABLE}*))?")
_NOT_IN_FLOW_LIST = re.compile(r"""[][{}"'#:]""")  # so a list item is one plain scalar or none
_INDICATORS = frozenset("-?:,[]{}#&*!|>'\"%@`")
_RESOLVERS = TextTimesLoader.yaml_implicit_resolvers
_UNSURE = object()  # a value outside the subset


def load(text: str) -> dict[str, Any] | None:
    """The mapping in frontmatter text, or None when it is outside the subset (ask PyYAML)."""
    data: dict[str, Any] = {}
    inner: dict[str, Any] | None = None  # the mapping under the last key, while its lines go on
    last = ""  # the last top-level key, when it has no value (a mapping may follow)
    for line in text.split("\n"):
        if not line:
            continue
        if line[0] == "#":
            if _COMMENT.fullmatch(line) is None:
                return None
            continue
        nested = line.startswith("  ")
        if nested:
            if inner is None:
                if not last:
                    return None
                inner = data[last] = {}
            line = line[2:]
        match = _LINE.fullmatch(line)
        if match is None:
            return None
        key, raw = match.groups()
        value = _value(raw.strip(" ")) if raw else None
        if _typed(key) or value is _UNSURE:
            return None
        if nested:
            inner[key] = value  # type: ignore[index]  # set above
            continue
        data[key] = value  # a repeated key: the later value wins, as in PyYAML
        inner, last = None, (key if raw is None or not raw.strip(" ") else "")
    return data or None  # an empty document is None in PyYAML: let it say so


def _typed(plain: str) -> bool:
    """Whether PyYAML's implicit resolvers give this plain scalar a type (bool, int, null...)."""
    for _, regexp in _RESOLVERS.get(plain[0], ()):  # noqa: SIM110 (any() with a generator: 2x the cost)
        if regexp.match(plain):
            return True
    return False


def _plain(value: str) -> Any:
    if value[0] in _INDICATORS or ": " in value or " #" in value or value.endswith(":") or _typed(value):
        return _UNSURE
    return value


def _value(value: str) -> Any:
    if not value:
        return None
    first, last, inner = value[0], value[-1], value[1:-1]
    if first == "[":
        if last != "]" or _NOT_IN_FLOW_LIST.search(inner):
            return _UNSURE
        items = [item.strip(" ") for item in inner.split(",")]
        if items == [""]:
            return []
        plain = all(item and item[0] not in _INDICATORS and not _typed(item) for item in items)
        return items if plain else _UNSURE
    if first == "'":
        ok = len(value) > 1 and last == "'" and "'" not in inner.replace("''", "")
        return inner.replace("''", "'") if ok else _UNSURE
    if first == '"':
        ok = len(value) > 1 and last == '"' and '"' not in inner and "\\" not in inner
        return inner if ok else _UNSURE
    return _plain(value)
