"""The task file format: YAML frontmatter + Markdown body, read leniently and written surgically.

`read_task_file` never raises: a file it cannot use comes back with `error` set and
`writable` False. `update_owned_keys` changes only the keys pulse owns (fields.OWNED_KEYS: the stamps,
parent, children) and keeps every other byte; it re-parses its result and refuses if anything else
would change.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat as stat_module
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from pulseboard.core import fields, frontmatter_fast, safeyaml
from pulseboard.core.fsops import NotRegularError, atomic_write, read_regular

MAX_BYTES = 1 << 20  # task files are notes; a 10 MB file is a mistake, not a task
_HEADING = re.compile(r"^#{1,6}[ \t]+(.+)$", re.M)  # linear; closing `#`s are cut off by heading_title
_CRITERION = re.compile(r"^[ \t]*[-*+][ \t]+\[([ xX])\]", re.M)
_CRITERION_LINE = re.compile(r"^[ \t]*[-*+][ \t]+\[([ xX])\][ \t]?(.*?)\r?$", re.M)


_Loader = safeyaml.TextTimesLoader  # libyaml's safe loader, timestamps left as text


RECORD_KEYS = (
    "title",
    "priority",
    "estimate",
    "touches",
    "depends",
    "tags",
    "created",
    "started",
    "done",
    "blocked",
    "criteria",
    "error",
    "writable",
    "holder",
    "parent",
    "children",
)


@dataclass(frozen=True, slots=True)
class Split:
    """A file's text cut at its frontmatter: text == head + "".join(lines) + close + body."""

    head: str  # BOM (if any) + the opening `---` line; empty when there is no frontmatter
    lines: list[str]
    close: str
    body: str
    newline: str

    @property
    def has_frontmatter(self) -> bool:
        return bool(self.head)


def _line_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end + 1


def split(text: str) -> Split:
    """Cut text at its frontmatter; ValueError if a frontmatter opens but never closes."""
    bom = "\ufeff" if text.startswith("\ufeff") else ""
    first_end = _line_end(text, len(bom))
    first = text[len(bom) : first_end]
    newline = "\r\n" if first.endswith("\r\n") else "\n"
    if first.rstrip() != "---":
        return Split("", [], "", text, newline)
    lines: list[str] = []
    pos = first_end
    while pos < len(text):
        end = _line_end(text, pos)
        line = text[pos:end]
        if line.rstrip() in ("---", "..."):
            return Split(text[:first_end], lines, line, text[end:], newline)
        lines.append(line)
        pos = end
    raise ValueError("the frontmatter opens with --- but never closes")


def _load_yaml(lines: list[str]) -> dict[str, Any]:
    if any(line.startswith(("<<<<<<<", ">>>>>>>")) for line in lines):
        raise ValueError("has git conflict markers: it was changed on both sides; keep one version")
    text = "".join(lines)
    data = frontmatter_fast.load(text)
    if data is not None:
        return data
    try:
        data = safeyaml.load(text, _Loader)
    except safeyaml.Refused as exc:
        raise ValueError(f"the frontmatter {exc}") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise ValueError(f"bad YAML in the frontmatter{where}: {exc.problem or exc.context}") from None
    except yaml.YAMLError as exc:
        raise ValueError(f"bad YAML in the frontmatter: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError("the frontmatter is not a mapping of keys and values")
    return data


def heading_title(text: str) -> str:
    """A Markdown heading's text without its closing `#`s and blanks (`C #` -> `C`)."""
    return text.rstrip(" \t#") or text[:1]


def title_from_name(name_part: str) -> str:
    """`fix-navbar-typo` -> `Fix navbar typo`."""
    words = name_part.replace("_", " ").replace("-", " ").split()
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else "(untitled)"


def empty_record(title: str, error: str | None) -> dict[str, Any]:
    """A record with every field at its default (keys in RECORD_KEYS order)."""
    return {
        "title": title,
        "priority": fields.DEFAULT_PRIORITY,
        "estimate": None,
        "touches": [],
        "depends": [],
        "tags": [],
        "created": None,
        "started": None,
        "done": None,
        "blocked": None,
        "criteria": [0, 0],
        "error": error,
        "writable": False,
        "holder": None,
        "parent": None,
        "children": [],
    }


def parse_text(text: str, fallback_title: str) -> dict[str, Any]:
    """The task record of a file's text; problems land in `error`, never raised."""
    try:
        parts = split(text)
        meta = _load_yaml(parts.lines) if parts.has_frontmatter else {}
    except ValueError as exc:
        return empty_record(fallback_title, str(exc))
    record = empty_record(fallback_title, None)
    record["writable"] = True
    problems: list[str] = []

    def take(key: str, clean: Any, *args: Any) -> None:
        if key in meta:
            try:
                record[key] = clean(meta[key], *args)
            except ValueError as exc:
                problems.append(str(exc))

    title = meta.get("title")
    if isinstance(title, str | int | float) and str(title).strip():
        record["title"] = str(title).strip()
    else:
        heading = _HEADING.search(parts.body, 0, 65536)
        if heading:
            record["title"] = heading_title(heading.group(1))
    take("priority", fields.clean_priority)
    if meta.get("estimate") is not None:
        take("estimate", fields.parse_estimate)
    for key in ("touches", "depends", "tags"):
        take(key, fields.clean_list, key)
    for key in ("created", "started", "done"):
        take(key, fields.clean_time, key)
    take("blocked", fields.clean_blocked)
    take("holder", fields.clean_holder)
    take("parent", fields.clean_parent)
    take("children", fields.clean_children)
    marks = _CRITERION.findall(parts.body)
    record["criteria"] = [sum(1 for m in marks if m != " "), len(marks)]
    record["error"] = "; ".join(problems) if problems else None  # every problem, not only the first
    return record


def link_problem(path: Path, root: Path) -> str:
    """What a task file that is a symbolic link is, for its error: pulse never follows one."""
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    where = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(path)), target))
    inside = os.path.commonpath([where, os.path.abspath(root)]) == os.path.abspath(root)
    shown = os.path.relpath(where, root) if inside else "outside the board"
    return f"is a symbolic link to {shown}; pulse neither reads nor writes through links"


def _not_a_task_file(path: Path, root: Path) -> str:
    try:
        mode = os.lstat(path).st_mode
    except OSError:
        return "vanished while being read"
    if stat_module.S_ISLNK(mode):
        return link_problem(path, root)
    if stat_module.S_ISDIR(mode):
        return "is a folder, not a task file"
    return "is not a regular file (a FIFO, a socket or a device), so pulse does not read it"


def read_task_file(path: Path, root: Path, fallback_title: str) -> dict[str, Any]:
    """Read one task file into a record; never raises, never writes, never blocks, never follows a link."""
    try:
        data = read_regular(path, MAX_BYTES)
    except NotRegularError:
        return empty_record(fallback_title, _not_a_task_file(path, root))
    except ValueError as exc:
        return empty_record(fallback_title, str(exc))
    except FileNotFoundError:
        return empty_record(fallback_title, "vanished while being read")
    except OSError as exc:
        return empty_record(fallback_title, f"can't be read: {exc.strerror}")
    if b"\0" in data:
        return empty_record(fallback_title, "is a binary file, not Markdown text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return empty_record(fallback_title, f"is not UTF-8 text (bad byte at offset {exc.start})")
    return parse_text(text, fallback_title)


def rewrite(path: Path, change: Callable[[str], str]) -> None:
    """Change a task file's text atomically: read as UTF-8, written whole and only if `change`
    changed it. FileNotFoundError if the file was moved or replaced meanwhile; ValueError from
    `change` or for bytes that are not UTF-8; OSError from the disk."""
    st = os.lstat(path)
    text = read_regular(path, MAX_BYTES).decode("utf-8")
    new = change(text)
    if new != text:
        atomic_write(path, new.encode("utf-8"), expect_inode=st.st_ino)


def read_body(path: Path) -> str | None:
    """The Markdown body of a task file, or None if it can't be read as a task file (the same
    limits as parsing: a regular file, not a link, up to MAX_BYTES of UTF-8)."""
    try:
        return split(read_regular(path, MAX_BYTES).decode("utf-8")).body
    except (OSError, ValueError):
        return None


NOTES_HEADING = "## Notes"  # where `pulse note` adds its lines (core/holders.py)
SPEC_KEYS = ("priority", "estimate", "touches", "depends", "tags")  # with the title and body: a spec
_NOTE_LINE = re.compile(r"- \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ ")  # a line `pulse note` wrote


def spec_digest(title: str, given: Sequence[object], body: str) -> str:
    """What a task asks for, as a short digest: its title, the fields given (SPEC_KEYS' values, from
    a record or a Task) and its body, leaving out what is not the spec (the stamps pulse
    writes, the lines `pulse note` adds under `## Notes`, line ends and trailing blanks). Taken at
    a start and compared later: a file git checked out anew (a new mtime, the same text) is no
    changed spec."""
    kept = [
        line.rstrip()
        for line in body.replace("\r\n", "\n").split("\n")
        if line.rstrip() != NOTES_HEADING and not _NOTE_LINE.match(line)
    ]
    shown = [list(value) if isinstance(value, tuple) else value for value in given]
    text = json.dumps([title, shown, "\n".join(kept).strip()])
    return hashlib.blake2b(text.encode("utf-8", "surrogateescape"), digest_size=8).hexdigest()


_CRITERIA_HEADING = re.compile(r"criteria|acceptance|done when", re.I)
_CRITERION_WHOLE_LINE = re.compile(r"^[ \t]*[-*+][ \t]+\[[ xX]\].*(?:\r?\n|\Z)", re.M)


def without_criteria(body: str) -> str:
    """The body with its acceptance criteria lines taken out (the detail view lists them to tick),
    and the heading they were under (`## Acceptance criteria`, `## Done when`) when nothing else is."""
    kept: list[str] = []
    content = False  # whether the lines after this one, up to the next heading, say anything
    for line in reversed(_CRITERION_WHOLE_LINE.sub("", body).split("\n")):
        if line.lstrip().startswith("#"):
            if content or not _CRITERIA_HEADING.search(line):
                kept.append(line)
            content = False
        else:
            kept.append(line)
            content = content or bool(line.strip())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(reversed(kept)))


def criteria(body: str) -> list[tuple[bool, str]]:
    """The acceptance criteria (`- [ ]` / `- [x]` lines) of a body: (checked, text) each."""
    return [(m.group(1) != " ", m.group(2)) for m in _CRITERION_LINE.finditer(body)]


def toggle_criterion(text: str, index: int) -> str:
    """The file text with its index-th criterion ticked or unticked: one character changes."""
    parts = split(text)
    matches = list(_CRITERION_LINE.finditer(parts.body))
    if not 0 <= index < len(matches):
        raise ValueError(f"there is no criterion number {index + 1}")
    at = matches[index].start(1)
    mark = " " if parts.body[at] != " " else "x"
    body = parts.body[:at] + mark + parts.body[at + 1 :]
    return parts.head + "".join(parts.lines) + parts.close + body


_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.@-]*")  # a holder written as is; others quoted
_YAML_WORDS = {"yes", "no", "on", "off", "true", "false", "null"}  # bare, YAML reads a bool or nothing


def _owned_lines(key: str, value: Any, newline: str) -> list[str]:
    if key in ("parent", "children"):  # an id YAML would read as a number is quoted, as in a new file
        text = yaml.dump({key: value}, Dumper=_NewTaskDumper, allow_unicode=True, width=1 << 30)
        return [text.replace("\n", newline)]
    if key == "holder" and (not _BARE_NAME.fullmatch(value) or value.lower() in _YAML_WORDS):
        return [f"holder: {json.dumps(value, ensure_ascii=False)}{newline}"]
    if key != "blocked":
        return [f"{key}: {value}{newline}"]
    lines = [f"blocked:{newline}"]
    for sub in ("reason", "waiting_on"):
        if value.get(sub) is not None:
            lines.append(f"  {sub}: {json.dumps(value[sub], ensure_ascii=False)}{newline}")
    if value.get("since") is not None:
        lines.append(f"  since: {value['since']}{newline}")
    return lines


def key_block(lines: list[str], key: str) -> tuple[int, int] | None:
    """Where a top-level key and its indented (or `- ` sequence) continuation lines are."""
    prefix = key + ":"
    for i, line in enumerate(lines):
        if line.startswith(prefix) and line[len(prefix) : len(prefix) + 1] in ("", " ", "\t", "\r", "\n"):
            j = i + 1
            while j < len(lines) and (lines[j][:1] in (" ", "\t") or lines[j].startswith("- ")):
                j += 1
            return i, j
    return None


_CLEAN_OWNED: dict[str, Callable[[Any], Any]] = {
    "holder": fields.clean_holder, "blocked": fields.clean_blocked, "parent": fields.clean_parent,
    "children": fields.clean_children,
}  # fmt: skip  # the others are stamps


def _normalized(key: str, value: Any) -> Any:
    clean = _CLEAN_OWNED.get(key)
    return clean(value) if clean is not None else fields.clean_time(value, key)


def update_owned_keys(text: str, changes: dict[str, Any]) -> str:
    """Set (or, with None, remove) keys pulse owns, leaving every other byte as it was.

    ValueError if the frontmatter is unreadable or its layout would make the edit unsafe.
    """
    unknown = set(changes) - set(fields.OWNED_KEYS)
    if unknown:
        raise ValueError(f"pulse does not own the keys {sorted(unknown)}")
    parts = split(text)
    old = _load_yaml(parts.lines) if parts.has_frontmatter else {}
    lines = list(parts.lines)
    for key, value in changes.items():
        block = key_block(lines, key)
        new = [] if value is None else _owned_lines(key, value, parts.newline)
        if block is not None:
            lines[block[0] : block[1]] = new
        else:
            lines.extend(new)
    if lines == parts.lines:
        return text
    if parts.has_frontmatter:
        result = parts.head + "".join(lines) + parts.close + parts.body
    else:
        bom = "\ufeff" if text.startswith("\ufeff") else ""
        fence = "---" + parts.newline
        result = bom + fence + "".join(lines) + fence + text[len(bom) :]
    _verify(old, result, changes)
    return result


def _verify(old: dict[str, Any], result: str, changes: dict[str, Any]) -> None:
    new = _load_yaml(split(result).lines)
    expected_keys = {k for k in old if k not in changes} | {k for k, v in changes.items() if v is not None}
    same_others = all(new.get(k) == old[k] for k in old if k not in changes)
    same_owned = all(_normalized(k, new.get(k)) == _normalized(k, v) for k, v in changes.items())
    if set(new) != expected_keys or not same_others or not same_owned:
        raise ValueError("its frontmatter layout is unusual, so pulse can't change its stamps safely")


class _NewTaskDumper(yaml.SafeDumper):
    """Block mappings with flow lists: `touches: [a.py, navbar]`."""


_NewTaskDumper.add_representer(
    list, lambda dumper, data: dumper.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=True)
)


def render_new_task(meta: dict[str, Any], created: str, body: str) -> str:
    """The text of a new task file: frontmatter (empty fields left out) and body."""
    data = {k: v for k, v in meta.items() if v not in (None, [], "")}
    front = yaml.dump(
        data,
        Dumper=_NewTaskDumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1 << 30,
    )
    text = f"---\n{front}created: {created}\n---\n"
    if body:
        text += body if body.endswith("\n") else body + "\n"
    return text
