"""Ids: random for created tasks, hashed from the name for hand-made ones, short unique prefixes."""

from __future__ import annotations

import random

import pytest

from pulseboard.core import ids
from pulseboard.core.actions import create_task
from pulseboard.core.board import Board
from pulseboard.core.errors import PulseError


def test_new_ids_have_digit_and_letter_and_are_read_back() -> None:
    rng = random.Random(1)
    for _ in range(2000):
        token = ids.new_id(rng.getrandbits)
        assert len(token) == ids.ID_LENGTH and set(token) <= set(ids.ALPHABET)
        assert ids.id_from_stem(f"{token}-some-title") == token
        assert ids.id_from_stem(token) == token


def test_hand_made_names_get_stable_hashed_ids() -> None:
    first = ids.id_from_stem("fix-navbar-typo")
    assert first == ids.id_from_stem("fix-navbar-typo")
    assert first != ids.id_from_stem("fix-navbar-typos")
    # A word or a date in front of a name is not mistaken for an id.
    assert ids.id_from_stem("everything-works") != "everything"
    assert ids.id_from_stem("2026112201-notes") != "2026112201"
    assert ids.name_part("everything-works") == "everything-works"


def test_unicode_normalisation_does_not_change_the_id() -> None:
    assert ids.id_from_stem("caf\u00e9") == ids.id_from_stem("cafe\u0301")


def test_short_ids_are_unique_prefixes_of_at_least_four() -> None:
    rng = random.Random(7)
    all_ids = [ids.new_id(rng.getrandbits) for _ in range(20000)]
    shorts = ids.short_ids(all_ids)
    assert len(set(shorts.values())) == len(set(all_ids))
    ordered = sorted(set(all_ids))
    for i, full in enumerate(ordered):
        short = shorts[full]
        assert full.startswith(short) and len(short) >= 4
        neighbours = ordered[max(i - 1, 0) : i] + ordered[i + 1 : i + 2]
        assert not any(other.startswith(short) for other in neighbours)


def test_slugs_are_safe_file_names() -> None:
    for title in ["../../etc/passwd", "a/b\\c", "..", "x" * 300, "ünïcödé ÆØÅ", "[bold red]hi", "'\"`$()"]:
        slug = ids.slugify(title)
        assert "/" not in slug and "\\" not in slug and ".." not in slug
        assert len(slug.encode("utf-8")) <= 240
    assert ids.slugify("Add date to frontmatter") == "add-date-to-frontmatter"


def test_create_retries_when_the_random_id_is_taken(board: Board) -> None:
    """A collision with an existing id is never written: the creator draws again."""
    sequence = iter([0x1234567, 0x1234567, 0x7654321])
    first = create_task(board, "one", randbits=lambda _bits: next(sequence))
    second = create_task(board, "two", randbits=lambda _bits: next(sequence))
    assert first.id != second.id
    assert len(list((board.root / "open").glob("*.md"))) == 2


def test_prefixes_resolve_and_ambiguity_lists_candidates(board: Board) -> None:
    a = create_task(board, "Alpha")
    b = create_task(board, "Beta")
    assert board.find(a.id[:5]).id == a.id
    assert board.find("beta").id == b.id  # by name
    common = ""
    for x, y in zip(a.id, b.id, strict=True):
        if x != y:
            break
        common += x
    with pytest.raises(PulseError, match="ambiguous") if len(common) else pytest.raises(PulseError):
        board.find(common or "zzzzzzzzzzzz")
    with pytest.raises(PulseError, match="no task matches"):
        board.find("zzzzzzzzzzzz")


def test_short_ids_object_matches_the_table_as_ids_come_and_go() -> None:
    rng = random.Random(11)
    all_ids = [ids.new_id(rng.getrandbits) for _ in range(3000)] + ["aaaa1", "aaaa2x", "aaaa2y"]
    shorts = ids.ShortIds(all_ids)
    table = ids.short_ids(all_ids)
    assert all(shorts.short(i) == table[i] for i in all_ids)
    for gone in all_ids[:500]:
        shorts.discard(gone)
    for extra in ["aaaa2z", "bbbbbbbbb1"]:
        shorts.add(extra)
    remaining = [*all_ids[500:], "aaaa2z", "bbbbbbbbb1"]
    table = ids.short_ids(remaining)
    assert all(shorts.short(i) == table[i] for i in remaining)
    assert "aaaa2z" in shorts and all_ids[0] not in shorts
