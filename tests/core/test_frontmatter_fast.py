"""The frontmatter fast path equals PyYAML wherever it answers, and answers for the common files.

Whenever `frontmatter_fast.load` returns something, it is exactly (same types, same key order)
what `safeyaml.load(text, TextTimesLoader)` returns, and PyYAML does not raise on that text:
checked on generated documents full of YAML indicators, on edge cases, and on real task files.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pulseboard.core import frontmatter_fast, safeyaml, taskfile

ROOT = Path(__file__).resolve().parents[2]


def pyyaml(text: str) -> Any:
    return safeyaml.load(text, safeyaml.TextTimesLoader)


def assert_same_as_pyyaml(text: str) -> Any:
    """The fast answer for text; if it answered, it is PyYAML's answer exactly."""
    fast = frontmatter_fast.load(text)
    if fast is not None:
        assert repr(fast) == repr(pyyaml(text)), text
    return fast


# Documents inside the subset: the fast path must answer every one.
UNTYPED_FIRST = "abcdeghijklmpqrsuvwxzABCDEGHIJKLMPQRSUVWXZ_/(\\é"  # no resolver starts with these
KEY = st.one_of(
    st.sampled_from(["title", "priority", "estimate", "touches", "depends", "tags", "created", "x-y"]),
    st.tuples(
        st.sampled_from(string.ascii_letters.translate(str.maketrans("", "", "yYnNtTfFoO")) + "_"),
        st.text(string.ascii_letters + string.digits + "_-", max_size=10),
    ).map("".join),
)
IN_ITEM = string.ascii_letters + string.digits + " ._-/()+=!&*%@?`|<>é\\"
IN_PLAIN = IN_ITEM + ":#[]{},'\""
PRINTABLE = IN_PLAIN + "~^$;\xa0中\ufffd"
PLAIN = (
    st.tuples(st.sampled_from(UNTYPED_FIRST), st.text(IN_PLAIN, max_size=15))
    .map("".join)
    .filter(lambda v: ": " not in v and " #" not in v and not v.rstrip(" ").endswith(":"))
)
ITEM = st.tuples(st.sampled_from(UNTYPED_FIRST), st.text(IN_ITEM, max_size=10)).map("".join)
REAL_ITEMS = ["1h", "medium", ".github/workflows/ci.yml", "3dsp6jh088", "web/Navbar.tsx"]
REAL = [*REAL_ITEMS, "2026-07-28T06:20:00Z", "C#", "a:b", "x]y", "R&D *x"]
VALUE = st.one_of(
    st.just(""),
    st.sampled_from(REAL),
    PLAIN,
    st.lists(st.one_of(ITEM, st.sampled_from(REAL_ITEMS)), max_size=4).map(
        lambda xs: "[" + ", ".join(xs) + "]"
    ),
    st.text(PRINTABLE, max_size=12).map(lambda s: "'" + s.replace("'", "''") + "'"),
    st.text(PRINTABLE.replace('"', "").replace("\\", ""), max_size=12).map(lambda s: f'"{s}"'),
)
LINE = st.tuples(KEY, VALUE, st.sampled_from(["", " ", "   "])).map(lambda t: f"{t[0]}: {t[1]}{t[2]}")
NESTED = st.tuples(KEY, st.sampled_from(["", " "]), st.lists(LINE, min_size=1, max_size=3)).map(
    lambda t: f"{t[0]}:{t[1]}\n" + "\n".join("  " + line for line in t[2])
)  # as pulse writes `blocked:` (reason, waiting_on, since)
COMMENT = st.text(PRINTABLE, max_size=10).map(lambda s: "#" + s)
VALID_DOC = st.tuples(
    st.lists(st.one_of(LINE, LINE, LINE, NESTED, COMMENT, st.just("")), max_size=8).filter(
        lambda lines: any(line and line[0] != "#" for line in lines)
    ),
    st.booleans(),
).map(lambda t: "\n".join(t[0]) + "\n" * t[1])


@settings(max_examples=600, deadline=None)
@given(VALID_DOC)
def test_fast_path_answers_the_common_subset(text: str) -> None:
    assert assert_same_as_pyyaml(text) is not None, text


# Valid lines mixed with lines full of what YAML treats specially: often outside the subset or not YAML.
INDICATORS = " -?:,[]{}#&*!|>'\"%@`\t\r\\" + "\u2028\x85\ufeff\x7f\x00\n"
NASTY = st.text(st.one_of(st.sampled_from(INDICATORS), st.sampled_from("abynoNYx01.é ")), max_size=12)
TYPED = ["1", "1:30", "0x1F", ".inf", "~", "null", "=", "<<", "2026-07-28", "yes", "On", "1_000", "-1"]
SCALAR = st.one_of(NASTY, st.sampled_from([*TYPED, "1h", "y", "n", "a.b", "C#"]))
QUOTED = st.one_of(
    SCALAR.map(lambda s: "'" + s.replace("'", "''") + "'"),
    SCALAR.map(lambda s: f"'{s}'"),
    SCALAR.map(lambda s: f'"{s}"'),
)
FLOW = st.tuples(
    st.lists(SCALAR, max_size=4), st.sampled_from([",", ", ", " , "]), st.sampled_from(["", ",", " "])
)
NASTY_LINE = st.one_of(
    st.tuples(
        st.sampled_from(["title", "x-y", "yes", "on", "null", "<<", "tags", "Y", "_", "é", "a b", "1"]),
        st.sampled_from([": ", ":", ":  ", " : ", ":\t"]),
        st.one_of(SCALAR, QUOTED, FLOW.map(lambda t: "[" + t[1].join(t[0]) + t[2] + "]")),
        st.sampled_from(["", " ", "  ", " # note", "\t", "\r"]),
    ).map("".join),
    st.sampled_from(["", "# comment", "- item", "---", "...", "key", "\t", "title: x\r", "blocked:"]),
    st.tuples(st.sampled_from([" ", "  ", "   ", "    ", "\t", "  \t"]), st.one_of(LINE, NASTY)).map("".join),
    st.sampled_from(["  - a", "  # c", "  yes: x", "  a: 1", "  [a]", "  a:", "  ? a"]),
    NASTY.map(lambda s: "#" + s),  # a comment with a CR, NEL or LS in it is two lines
    NASTY,
)
NASTY_DOC = st.tuples(st.lists(st.one_of(LINE, LINE, NASTY_LINE), max_size=5), st.booleans()).map(
    lambda t: "\n".join(t[0]) + "\n" * t[1]
)


@settings(max_examples=600, deadline=None)
@given(NASTY_DOC)
def test_fast_path_answers_only_what_pyyaml_says(text: str) -> None:
    assert_same_as_pyyaml(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("estimate: 1h\n", {"estimate": "1h"}),
        ("priority: 3\n", None),
        ("title: yes\n", None),
        ("title: 1:30\n", None),
        ("title: 0x1F\n", None),
        ("title: .inf\n", None),
        ("title: ~\n", None),
        ("title: null\n", None),
        ("title: C#\n", {"title": "C#"}),
        ("title: a #b\n", None),
        ("title: a: b\n", None),
        ("title: a:\n", None),
        ("tags: [a, b,]\n", None),
        ("tags: [1, 2]\n", None),
        ("tags: []\n", {"tags": []}),
        ("tags: [ a b ,c ]  \n", {"tags": ["a b", "c"]}),
        ("title: 'it''s'\n", {"title": "it's"}),
        ("title: 'it's'\n", None),
        ('title: "x"\n', {"title": "x"}),
        ('title: "a\\nb"\n', None),
        ("title: Fix it   \n", {"title": "Fix it"}),
        ("title: ' padded '  \n", {"title": " padded "}),
        ("a: 1h\nb: x\na: 2h\n", {"a": "2h", "b": "x"}),
        ("title:\nestimate:   \n", {"title": None, "estimate": None}),
        ("title: x\n\n\nestimate: 5m", {"title": "x", "estimate": "5m"}),
        ("yes: x\n", None),
        ("title: x\r\n", None),
        ("title: a\tb\n", None),
        ("# note\ntitle: x\n", {"title": "x"}),
        ("title: x\n# a\rb: c\n", None),
        ("  title: x\n", None),
        (
            "blocked:\n  reason: 'a key'\n  waiting_on: \"ops\"\n  since: 2026-01-02T03:04:05Z\n",
            {"blocked": {"reason": "a key", "waiting_on": "ops", "since": "2026-01-02T03:04:05Z"}},
        ),
        ("a:\n  b: c\n\n# x\n  d: e\nf: g\n", {"a": {"b": "c", "d": "e"}, "f": "g"}),
        ("a:\n  b: c\n   d: e\n", None),
        ("a:\n  b:\n    c: d\n", None),
        ("a: x\n  b: c\n", None),
        ("a:\n  b: c\nd: e\n  f: g\n", None),
        ("a:\n  - x\n", None),
        ("a:\n  b: c\n  # c\n", None),
        ("title: a\u2028b\n", None),
        ("title: a\x85b\n", None),
        ("title:x\n", None),
        ("\n", None),
    ],
)
def test_edge_cases(text: str, expected: dict[str, Any] | None) -> None:
    assert assert_same_as_pyyaml(text) == expected


def test_the_design_example_takes_the_fast_path() -> None:
    text = (
        "title: Test session timeout\npriority: medium\nestimate: 1h\n"
        "touches: [.github/workflows/ci.yml, docs/setup.md, web/components/Navbar.tsx]\n"
        "depends: [mssejk9sf8, 3dsp6jh088]\ntags: [a11y, tech-debt]\ncreated: 2026-07-28T06:20:00Z\n"
        "title2: 'Cards: a task whose dependency is open; it''s quoted'\n"
    )
    assert assert_same_as_pyyaml(text) is not None


def test_a_value_pyyaml_types_still_parses_through_pyyaml() -> None:
    front = "title: x\npriority: 3\nestimate: 90\n"
    assert frontmatter_fast.load(front) is None
    record = taskfile.parse_text(f"---\n{front}---\n", "fallback")
    assert (record["title"], record["estimate"]) == ("x", 90 * 60)
    assert record["error"] == "priority 3 is not one of critical, high, medium, low"


TASK_FILES = sorted([*(ROOT / "tests/core/golden").rglob("*.md"), *(ROOT / "tasks").glob("*/*.md")])


@pytest.mark.parametrize("path", TASK_FILES, ids=lambda path: str(path.relative_to(ROOT)))
def test_real_files_parse_the_same_with_and_without_the_fast_path(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = path.read_bytes().decode("utf-8")
    with_fast = taskfile.parse_text(text, "fallback")
    monkeypatch.setattr(frontmatter_fast, "load", lambda text: None)
    assert taskfile.parse_text(text, "fallback") == with_fast
    parts = taskfile.split(text)
    if parts.has_frontmatter:
        monkeypatch.undo()
        assert_same_as_pyyaml("".join(parts.lines))
