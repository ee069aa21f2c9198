"""Property: for any frontmatter of keys pulse does not own, and any body, a stamp write keeps every
byte outside the owned keys' lines, in both line-ending styles."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from pulseboard.core import taskfile

KEY = st.text(string.ascii_lowercase + "_", min_size=1, max_size=8).filter(
    lambda k: k not in ("started", "done", "blocked")
)
PLAIN = (
    st.text(string.ascii_letters + string.digits + " _.-/", min_size=1, max_size=20)
    .map(str.strip)
    .filter(bool)
)
VALUE = st.one_of(
    PLAIN.map(lambda s: f"'{s}'"),
    PLAIN.map(lambda s: f'"{s}"'),
    st.integers(-5, 5000).map(str),
    # a list item starting "- " would open a block list inside the flow list: not YAML
    st.lists(PLAIN.filter(lambda s: s[0].isalnum()), max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]"),
)
LINE = st.tuples(KEY, VALUE, st.booleans()).map(lambda t: f"{t[0]}: {t[1]}" + ("  # note" if t[2] else ""))
BODY_LINE = st.one_of(st.just("---"), st.just("- [ ] item"), st.just(""), PLAIN)


@settings(max_examples=200, deadline=None)
@given(
    lines=st.lists(LINE, max_size=8, unique_by=lambda line: line.split(":")[0]),
    comment=st.booleans(),
    body=st.lists(BODY_LINE, max_size=8),
    crlf=st.booleans(),
)
def test_stamps_keep_every_other_byte(lines: list[str], comment: bool, body: list[str], crlf: bool) -> None:
    nl = "\r\n" if crlf else "\n"
    front = (["# leading comment"] if comment else []) + lines
    text = nl.join(["---", *front, "---", *body]) + nl
    changes = {
        "started": "2026-11-22T09:00:00Z",
        "blocked": {"reason": "a: b # c", "waiting_on": "ops", "since": "2026-11-22T09:01:00Z"},
    }
    once = taskfile.update_owned_keys(text, changes)
    parts_before, parts_after = taskfile.split(text), taskfile.split(once)
    assert parts_after.body == parts_before.body
    assert parts_after.lines[: len(parts_before.lines)] == parts_before.lines
    assert all(line.endswith(nl) for line in parts_after.lines)
    back = taskfile.update_owned_keys(once, {"started": None, "blocked": None})
    assert back == text
