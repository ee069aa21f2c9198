"""Touches overlap: same file, a glob covering the other, a folder holding the other, same component."""

from __future__ import annotations

import pytest

from pulseboard.core.overlap import items_overlap, overlaps


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("src/site/frontmatter.py", "src/site/frontmatter.py", True),
        ("./src/a.py", "src/a.py", True),
        ("navbar", "Navbar", True),
        ("src/ui/*.py", "src/ui/board.py", True),
        ("src/ui/board.py", "src/**/*.py", True),
        ("src/ui", "src/ui/board.py", True),
        ("src/ui/", "src/ui/widgets/card.py", True),
        ("src/ui", "src/uix/board.py", False),
        ("src/ui/*.py", "src/core/store.py", False),
        ("navbar", "footer", False),
        ("", "x", False),
    ],
)
def test_items_overlap(a: str, b: str, expected: bool) -> None:
    assert items_overlap(a, b) is expected
    assert items_overlap(b, a) is expected


def test_overlaps_lists_every_pair() -> None:
    assert overlaps(["navbar", "src/a.py"], ["src/*.py", "footer", "navbar"]) == [
        ("navbar", "navbar"),
        ("src/a.py", "src/*.py"),
    ]
