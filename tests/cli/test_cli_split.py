"""`pulse split` and `pulse add --parent` as a user runs them (real processes, real files): the
parts made from the unchecked criteria or titles given, their inherited keys, the parent's bytes
kept but for its `children` line (LF, CRLF, no final newline, comments), the refusals, the JSON,
the journal, the hooks, and `pulse show` / `pulse next` over parents and parts."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from support.helpers import assert_user_error, frontmatter, journal_events, pulse, pulse_json, pulse_ok

PARENT = (
    "---\n"
    "# a comment pulse must keep\n"
    "title: Big one\n"
    "priority: high   # kept too\n"
    "touches: [src/a.py, docs]\n"
    "tags: [ui]\n"
    "---\n"
    "Why it matters.\n\n"
    "## Acceptance criteria\n"
    "- [ ] parse the file\n"
    "- [x] name it\n"
    "- [ ] render it"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    pulse_ok("init", cwd=tmp_path)
    return tmp_path / "tasks"


def write_parent(root: Path, text: str, newline: str = "\n") -> Path:
    path = root / "open" / "0aaaaaaaa1-big-one.md"
    path.write_bytes(text.replace("\n", newline).encode())
    return path


def parts_of(root: Path) -> list[dict[str, object]]:
    return sorted(
        (frontmatter(p) for p in (root / "open").glob("*.md") if not p.name.startswith("0aaaaaaaa1")),
        key=lambda meta: str(meta["title"]),
    )


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_split_makes_a_part_per_unchecked_criterion_and_keeps_the_parents_bytes(
    root: Path, newline: str
) -> None:
    path = write_parent(root, PARENT, newline)
    made = pulse_json("split", "0aaa", cwd=root.parent)
    assert [part["title"] for part in made] == ["parse the file", "render it"]
    assert all(part["parent"] == "0aaaaaaaa1" and part["state"] == "open" for part in made)
    assert [(m["priority"], m["touches"], m["tags"]) for m in parts_of(root)] == [
        ("high", ["src/a.py", "docs"], ["ui"])
    ] * 2
    ids = [part["id"] for part in made]
    children = f"children: [{', '.join(ids)}]{newline}"
    expected = PARENT.replace("\n", newline).replace(f"tags: [ui]{newline}", f"tags: [ui]{newline}{children}")
    assert path.read_bytes() == expected.encode()  # the body as it was: no final newline, criteria unchecked
    split_line = [e for e in journal_events(root) if e["op"] == "split"]
    assert [(e["id"], e["parts"]) for e in split_line] == [("0aaaaaaaa1", ids)]
    shown = pulse_json("show", "0aaa", cwd=root.parent)
    assert shown["children"] == ids and shown["parent"] is None


def test_split_with_titles_or_picked_criteria(root: Path) -> None:
    write_parent(root, PARENT)
    out = pulse_ok("split", "0aaa", "First half", "Second half", cwd=root.parent)
    assert out.startswith('Split 0aaa "Big one" into 2 parts:\n')
    made = pulse_json("split", "0aaa", "--pick", "3", cwd=root.parent)
    assert [part["title"] for part in made] == ["render it"]
    assert len(frontmatter(root / "open" / "0aaaaaaaa1-big-one.md")["children"]) == 3
    again = pulse_json("split", "0aaa", cwd=root.parent)  # the criteria not yet a part
    assert [part["title"] for part in again] == ["parse the file"]


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["zzzz"], "no task matches 'zzzz'"),
        (["0aaa", "--pick", "2"], "criterion 2 of open/0aaaaaaaa1-big-one.md is checked already"),
        (["0aaa", "--pick", "9"], "has no criterion number 9 (it has 3)"),
        (["0aaa", "A title", "--pick", "1"], "not both"),
        (["bbbb"], "has no unchecked acceptance criteria to split into"),
        (["cccc"], "is done; a finished task is not split"),
        (["0"], "is ambiguous"),
    ],
)
def test_split_refuses_in_one_sentence_and_writes_nothing(root: Path, args: list[str], said: str) -> None:
    write_parent(root, PARENT)
    (root / "open" / "0bbbbbbbb2-ticked.md").write_text("---\ntitle: Ticked\n---\n- [x] all done\n")
    (root / "open" / "bbbbbbbbb3-nothing.md").write_text("---\ntitle: Nothing\n---\nNo criteria.\n")
    (root / "done" / "cccccccc4c-finished.md").write_text("---\ntitle: Finished\n---\n- [ ] left\n")
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    assert_user_error(pulse("split", *args, cwd=root.parent), said)
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before


def test_add_parent_makes_a_part_and_show_lists_the_family(root: Path) -> None:
    path = write_parent(root, PARENT)
    part = pulse_json("add", "A part", "--parent", "0aaa", cwd=root.parent)
    assert part["parent"] == "0aaaaaaaa1"
    assert frontmatter(path)["children"] == [part["id"]]
    pulse_ok("done", part["id"], cwd=root.parent)
    shown = pulse_ok("show", "0aaa", cwd=root.parent)
    assert "  parts     1/1 done\n" in shown and f"{part['short']}  done     A part" in shown
    assert "  parent    0aaa  open     Big one" in pulse_ok("show", part["id"], cwd=root.parent)
    top = pulse_json("next", cwd=root.parent)[0]
    assert (top["kind"], top["action"], top["ids"]) == ("parts-done", "finish", ["0aaaaaaaa1"])
    assert 'The one part of "Big one" is done: finish it.' in pulse_ok("next", cwd=root.parent)
    (root / "done" / "cccccccc4c-finished.md").write_text("---\ntitle: Finished\n---\n")
    assert_user_error(pulse("add", "Late", "--parent", "cccc", cwd=root.parent), "is done")


def test_the_parts_fire_created_hooks(root: Path) -> None:
    write_parent(root, PARENT)
    log = root.parent / "hooks.log"
    script = f"import sys; open({str(log)!r}, 'a').write(sys.stdin.read())"
    argv = json.dumps([sys.executable, "-c", script])
    (root / "pulse.yaml").write_text(f"hooks:\n  created: [{argv}]\n")
    made = pulse_json("split", "0aaa", cwd=root.parent)
    events = [json.loads(line) for line in log.read_text().splitlines()]
    assert sorted((e["event"], e["task"]["id"]) for e in events) == sorted(("created", p["id"]) for p in made)
