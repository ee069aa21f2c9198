"""What a query matches: one rule for the board's `/` filter, the palette's "go to task" and `pulse ls`.

A query is words separated by spaces; a task matches when every word does (case-insensitive):
- `#ui` matches a task with a tag that starts with `ui` (a lone `#`: any tag);
- any other word matches when it is the start of the task's id or of its file name, or when it occurs
  in the title, in the human part of the file name (`7kq2m9xw4d-fix-navbar.md` -> `fix-navbar`), in one
  of the `touches` or in one of the tags.
A word with a prefix this module does not know (`@ana` today) is a plain word, so a later prefix only
narrows what such a word means. The empty query matches every task.

`Query.parse` lowercases the text once (and is cached, so a face may call it per keystroke or per
task); `matches` then does two `in`s per word on the task's lowercased fields, made once per task
object and kept (no regex, no lowercasing per keystroke: 10,000 tasks filter in a few ms). `score` ranks
the matches for the palette: an id prefix first, then a title that starts with the word, a word of
the title, anywhere in the title, then the file name, tags and touches; 0.0 exactly when `matches`
is False.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulseboard.core.board import Task

TAG = "#"  # the one prefix with a meaning today; issue 15 adds `@` (who holds the task)

# How well one word hits one field, for the palette's order (the best field counts).
_ID = 1.0
_TITLE_START = 0.9
_TITLE_WORD = 0.8
_TITLE = 0.6
_TAG_EXACT = 0.7
_TAG_PREFIX = 0.6
_NAME = 0.5
_TAG_PART = 0.4
_TOUCHES = 0.4
_FLOOR = 0.1  # a match the finer rules do not see (a field with a NUL in it)


_TAGS = "\x00"  # in a task's searchable text, before each tag
_STARTS = "\x01"  # in a task's anchored text, before its id and its file name
_SEPARATORS = str.maketrans("", "", _TAGS + _STARTS)  # never inside a field or a word


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a query: `kind` is "tag" (from `#word`) or "word", `text` is lowercased."""

    kind: str
    text: str

    @property
    def needle(self) -> str:
        """What to look for in a task's searchable text."""
        return _TAGS + self.text if self.kind == "tag" else self.text


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the words a task must all match."""

    text: str
    terms: tuple[Term, ...]
    _needles: tuple[tuple[str, str | None], ...]  # per term: (in the text, or at a start of the id/name)

    @staticmethod
    def parse(text: str) -> Query:
        """The query for what a user typed (surrounding and repeated spaces do not count)."""
        return _parse(text)

    def __bool__(self) -> bool:
        """False for the empty query (which matches everything)."""
        return bool(self.terms)

    def matches(self, task: Task) -> bool:
        if not self._needles:
            return True
        starts, text = _searchable(task)
        for needle, anchored in self._needles:
            if needle not in text and (anchored is None or anchored not in starts):
                return False
        return True

    def filter(self, tasks: Iterable[Task]) -> list[Task]:
        """The tasks that match, in their order."""
        if not self._needles:
            return list(tasks)
        return [task for task in tasks if self.matches(task)]

    def score(self, task: Task) -> float:
        """How well the task matches, in (0, 1]; 0.0 when it does not match."""
        if not self.matches(task):
            return 0.0
        if not self.terms:
            return 1.0
        total = 0.0
        for term in self.terms:
            best = _tag_score(task, term.text) if term.kind == "tag" else _word_score(task, term.text)
            total += max(best, _FLOOR)
        return total / len(self.terms)


@lru_cache(maxsize=128)
def _parse(text: str) -> Query:
    terms: list[Term] = []
    for word in text.lower().translate(_SEPARATORS).split():
        if word.startswith(TAG):
            terms.append(Term("tag", word[len(TAG) :]))
        else:
            terms.append(Term("word", word))
    needles = tuple((t.needle, None if t.kind == "tag" else _STARTS + t.text) for t in terms)
    return Query(text, tuple(terms), needles)


def matches(text: str, task: Task) -> bool:
    """Whether `task` matches the query `text` (a shorthand for Query.parse(text).matches(task))."""
    return _parse(text).matches(task)


# A task's lowercased fields, kept while the task object lives in the cache (a task is immutable; an
# edited task is a new object), so a keystroke in the filter costs a dict look-up and two `in`s a task.
_SEARCHABLE: dict[int, tuple[Task, str, str]] = {}
_SEARCHABLE_MAX = 150_000  # then start again: old tasks must not pile up


def _searchable(task: Task) -> tuple[str, str]:
    """(anchored, text): `\x01id\x01name` for prefixes; title, file name, touches, then `\x00tag`s."""
    entry = _SEARCHABLE.get(id(task))
    if entry is not None and entry[0] is task:
        return entry[1], entry[2]
    anchored = f"{_STARTS}{task.id}{_STARTS}{task.name}".lower()
    fields = "\n".join((task.title, _human_name(task), *task.touches)).translate(_SEPARATORS)
    tags = "".join([_TAGS + tag.translate(_SEPARATORS) for tag in task.tags])
    text = (fields + tags).lower()
    if len(_SEARCHABLE) >= _SEARCHABLE_MAX:
        _SEARCHABLE.clear()
    _SEARCHABLE[id(task)] = (task, anchored, text)
    return anchored, text


def _human_name(task: Task) -> str:
    """The file name without its id and `.md`: what a person named the file."""
    stem = task.name[:-3] if task.name.endswith(".md") else task.name
    if stem.startswith(task.id) and stem[len(task.id) : len(task.id) + 1] in ("-", ""):
        stem = stem[len(task.id) + 1 :]
    return stem


def _tag_score(task: Task, word: str) -> float:
    best = 0.0
    for tag in task.tags:
        tag = tag.lower()
        if tag == word:
            return _TAG_EXACT
        if tag.startswith(word):
            best = _TAG_PREFIX
    return best


def _title_score(title: str, word: str) -> float:
    at = title.find(word)
    if at < 0:
        return 0.0
    if at == 0:
        return _TITLE_START
    while at >= 0:
        if not title[at - 1].isalnum():
            return _TITLE_WORD
        at = title.find(word, at + 1)
    return _TITLE


def _word_score(task: Task, word: str) -> float:
    if task.id.startswith(word):
        return _ID
    best = _title_score(task.title.lower(), word)
    if best:
        return best
    if task.name.lower().startswith(word) or word in _human_name(task).lower():
        return _NAME
    if any(word in tag.lower() for tag in task.tags):
        return _TAG_PART
    if any(word in item.lower() for item in task.touches):
        return _TOUCHES
    return 0.0


def find_tasks(text: str, tasks: Iterable[Task], limit: int = 40) -> list[tuple[float, Task]]:
    """The best `limit` tasks matching `text`, with their scores, best first (ties in the given
    order); nothing for an empty query. What the palette's "go to task" offers."""
    query = Query.parse(text)
    if not query:
        return []
    scored = ((query.score(task), n, task) for n, task in enumerate(tasks) if query.matches(task))
    return [(score, task) for score, _, task in heapq.nsmallest(limit, scored, key=lambda s: (-s[0], s[1]))]
