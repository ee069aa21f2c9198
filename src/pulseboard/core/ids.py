"""Task ids: made without a central counter, read from file names, shown as short unique prefixes.

A file pulse creates is named `<id>-<slug>.md`, where the id is 10 random characters of
Crockford's base32 (50 bits: two clones of 100,000 tasks each collide with odds of 1 in 100,000).
A file made by hand (`touch tasks/open/fix-navbar-typo.md`) gets a stable id hashed from its
name, so it is a full task at once and pulse never has to rename or rewrite it.
"""

from __future__ import annotations

import bisect
import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable

ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
ID_LENGTH = 10
SHORT_LENGTH = 4
_ID_IN_NAME = re.compile(r"^([0-9a-hjkmnp-tv-z]{10})(?:-|$)")


def _is_generated(token: str) -> bool:
    """A generated id has at least one digit and one letter, so words and dates are never ids."""
    return not token.isalpha() and not token.isdigit()  # token is all [0-9a-z] already


def shown(text: str) -> str:
    """A generated id by its first characters (`j3s2wsdc0f` -> `j3s2`); any other text as it is."""
    match = _ID_IN_NAME.match(text)
    return text[:SHORT_LENGTH] if match and match.group(1) == text and _is_generated(text) else text


def new_id(randbits: Callable[[int], int] = secrets.randbits) -> str:
    """A fresh random id (always holding a digit and a letter)."""
    while True:
        n = randbits(5 * ID_LENGTH)
        token = "".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(ID_LENGTH))
        if _is_generated(token):
            return token


def id_from_stem(stem: str) -> str:
    """The id of a task file, from its name without `.md`."""
    match = _ID_IN_NAME.match(stem)
    if match and _is_generated(match.group(1)):
        return match.group(1)
    digest = hashlib.blake2b(unicodedata.normalize("NFC", stem).encode("utf-8"), digest_size=8)
    n = int.from_bytes(digest.digest(), "big")
    return "".join(ALPHABET[(n >> (5 * i)) & 31] for i in range(ID_LENGTH))


def name_part(stem: str) -> str:
    """The human part of a file name: `7kq2m9xw4d-add-date` -> `add-date`."""
    match = _ID_IN_NAME.match(stem)
    if match and _is_generated(match.group(1)):
        return stem[match.end() :]
    return stem


def short_ids(ids: Iterable[str], minimum: int = SHORT_LENGTH) -> dict[str, str]:
    """Map each id to its shortest prefix (at least `minimum` long) that no other id shares."""
    shorts = ShortIds(ids)
    return {task_id: shorts.short(task_id, minimum) for task_id in shorts.ids()}


def short_id(task_id: str, all_ids: Iterable[str], minimum: int = SHORT_LENGTH) -> str:
    """One id's shortest unique prefix (at least `minimum` long), in one pass over the others.

    The one rule for short ids: `ShortIds` and `short_ids` ask it about an id's sorted neighbours
    (the only ids that can share its longest prefix)."""
    need = minimum
    for other in all_ids:
        if other != task_id and other[:need] == task_id[:need]:
            common = need
            while common < len(task_id) and common < len(other) and task_id[common] == other[common]:
                common += 1
            need = common + 1
    return task_id[:need]


class ShortIds:
    """Short ids over a changing set of ids: each lookup costs a bisection, not a pass over all."""

    def __init__(self, all_ids: Iterable[str] = ()) -> None:
        self._sorted = sorted(set(all_ids))

    def __contains__(self, task_id: object) -> bool:
        i = bisect.bisect_left(self._sorted, task_id)  # type: ignore[arg-type]
        return i < len(self._sorted) and self._sorted[i] == task_id

    def add(self, task_id: str) -> None:
        if task_id not in self:
            bisect.insort(self._sorted, task_id)

    def discard(self, task_id: str) -> None:
        i = bisect.bisect_left(self._sorted, task_id)
        if i < len(self._sorted) and self._sorted[i] == task_id:
            del self._sorted[i]

    def short(self, task_id: str, minimum: int = SHORT_LENGTH) -> str:
        """The id's shortest prefix (at least `minimum` long) that no other id shares."""
        i = bisect.bisect_left(self._sorted, task_id)
        neighbours = self._sorted[max(i - 1, 0) : i] + self._sorted[i : i + 2]
        return short_id(task_id, neighbours, minimum)

    def ids(self) -> list[str]:
        return self._sorted


def slugify(title: str, max_length: int = 60, max_bytes: int = 160) -> str:
    """A file-name-safe slug of a title: lowercase words joined by dashes, no `/` or `..`.

    At most max_length characters and max_bytes of UTF-8, so `<id>-<slug>.md` fits any file system.
    """
    text = unicodedata.normalize("NFC", title).lower()
    words = re.findall(r"[^\W_]+", text)
    slug = ""
    for word in words:
        candidate = f"{slug}-{word}" if slug else word
        if len(candidate) > max_length or len(candidate.encode("utf-8")) > max_bytes:
            if not slug:
                slug = word[:max_length].encode("utf-8")[:max_bytes].decode("utf-8", "ignore")
            break
        slug = candidate
    return slug
