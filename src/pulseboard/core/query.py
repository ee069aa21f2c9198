"""What a query matches: one rule for the board's `/` filter, the palette's "go to task" and `pulse ls`.

A query is words separated by spaces; a task matches when every word does (case-insensitive):
- `#ui` matches a task with a tag that starts with `ui` (a lone `#`: any tag);
- `@ana` a task held by someone whose name starts with `ana` (`holder:`), or a blocked task waiting on them;
- `p:high` a task whose priority starts with `high` (`p:c` critical); `state:doing` (or `s:do`) one
  in that state;
- `"fix nav"` (in double quotes) the phrase, spaces and all, where a plain word would match;
- `-word` (any of the above after a `-`) a task that does NOT match it;
- any other word matches when it is the start of the task's id or of its file name, or when it occurs
  in the title, in the human part of the file name (`7kq2m9xw4d-fix-navbar.md` -> `fix-navbar`), in one
  of the `touches`, in one of the tags, in a blocked task's reason or in the task's body text (the
  Markdown below the frontmatter); so does a phrase.
A word with a prefix this module does not know (`x:y`) is a plain word, so a later prefix only narrows
what such a word means. The empty query matches every task.

The board holds no bodies, so `matches` takes them from the caller: `body(task)` gives the task's body
lower-cased (core/bodies.py), or None when it is not known yet, which matches no word (and so leaves a
`-word` holding). It is asked only for a task that every other part of the query lets through and
whose fields miss a plain word or phrase. Without `body`, bodies are not searched.

`Query.parse` lowercases the text once (and is cached, so a face may call it per keystroke or per
task); `matches` then does two `in`s per word on the task's lowercased fields, made once per task
object and kept (no regex, no lowercasing per keystroke: 10,000 tasks filter in a few ms), and one
`in` on the body for a word the fields miss. `score` ranks the matches for the palette: an id prefix
first, then a title that starts with the word, a word of the title, anywhere in the title, then the
file name, tags and touches; 0.0 exactly when `matches` (without bodies) is False.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pulseboard.core.board import Task

TAG = "#"
WHO = "@"  # who holds a task, or who a blocked task waits on
FIELDS = {"p": "priority", "priority": "priority", "s": "state", "state": "state"}  # `p:high`
_TOKEN = re.compile(r'(-?)(?:"([^"]*)"?|(\S+))')  # an optional `-`, then a "quoted phrase" or a word
IN_BODY = frozenset({"word", "phrase"})  # the kinds of term a task's body can match
Bodies = Callable[["Task"], str | None]  # a task's body, lower-cased; None: not known

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
_FIELD = 0.5  # p:, state:, @who, a phrase, or a -word
_FLOOR = 0.1  # a match the finer rules do not see (a field with a NUL in it)


_TAGS = "\x00"  # in a task's searchable text, before each tag
_STARTS = "\x01"  # in a task's anchored text, before its id and its file name
_WHOS = "\x02"  # in a task's searchable text, before who holds it and who a blocked task waits on
_SEPARATORS = str.maketrans("", "", _TAGS + _STARTS + _WHOS)  # never inside a field or a word


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a query: `kind` is "tag", "who", "priority", "state", "phrase" or "word";
    `text` is lowercased; `negated` for a leading `-`."""

    kind: str
    text: str
    negated: bool = False

    @property
    def needle(self) -> str:
        """What to look for in a task's searchable text (or in the field, for priority and state)."""
        return {"tag": _TAGS, "who": _WHOS}.get(self.kind, "") + self.text

    @property
    def anchored(self) -> str | None:
        """What to look for at the start of the task's id or file name (plain words only)."""
        return _STARTS + self.text if self.kind == "word" else None


@dataclass(frozen=True, slots=True)
class Query:
    """A parsed query: the words a task must all match."""

    text: str
    terms: tuple[Term, ...]
    _needles: tuple[tuple[str, str, str | None, bool], ...]  # per term: kind, needle, anchored, negated

    @staticmethod
    def parse(text: str) -> Query:
        """The query for what a user typed (surrounding and repeated spaces do not count)."""
        return _parse(text)

    def __bool__(self) -> bool:
        """False for the empty query (which matches everything)."""
        return bool(self.terms)

    @property
    def searches_bodies(self) -> bool:
        """Whether a task's body can decide a match: the query has a plain word or a phrase."""
        return any(term.kind in IN_BODY for term in self.terms)

    def narrows(self, other: Query) -> bool:
        """Whether every task this query matches (whatever its body) also matches `other`: this is
        `other` typed on, its last word made longer or more words after it. A face filtering as the
        user types may then look again only at what `other` matched."""
        if not other.terms:
            return True
        *same, last = other.terms
        if len(self.terms) < len(other.terms) or self.terms[: len(same)] != tuple(same):
            return False
        mine = self.terms[len(same)]
        if mine == last:
            return True
        longer = mine.kind == last.kind and mine.text.startswith(last.text)
        return longer and not (mine.negated or last.negated)  # a longer -word leaves out fewer

    def matches(self, task: Task, body: Bodies | None = None) -> bool:
        """Whether the task matches every term; plain words and phrases its fields miss are looked
        for in `body(task)` (see the module's note), after every other term has let it through."""
        if not self._needles:
            return True
        starts, text = _searchable(task)
        missed: list[tuple[str, bool]] = []  # plain words and phrases the fields miss: the body decides
        for kind, needle, anchored, negated in self._needles:
            if kind in ("priority", "state"):
                hit = getattr(task, kind).startswith(needle)
            else:
                hit = needle in text or (anchored is not None and anchored in starts)
                if not hit and kind in IN_BODY:
                    missed.append((needle, negated))
                    continue
            if hit == negated:
                return False
        if not missed:
            return True
        found = (body(task) if body is not None else None) or ""
        for needle, negated in missed:  # noqa: SIM110 (all() with a generator costs 0.4 µs a task)
            if (needle in found) == negated:
                return False
        return True

    def filter(self, tasks: Iterable[Task], body: Bodies | None = None) -> list[Task]:
        """The tasks that match, in their order (bodies as in `matches`)."""
        if not self._needles:
            return list(tasks)
        return [task for task in tasks if self.matches(task, body)]

    def score(self, task: Task) -> float:
        """How well the task matches, in (0, 1]; 0.0 when it does not match."""
        if not self.matches(task):
            return 0.0
        if not self.terms:
            return 1.0
        total = 0.0
        for term in self.terms:
            if term.kind == "tag" and not term.negated:
                best = _tag_score(task, term.text)
            elif term.kind == "word" and not term.negated:
                best = _word_score(task, term.text)
            else:  # a field, a name, a phrase or a word it must not have: it matched, no finer rule
                best = _FIELD
            total += max(best, _FLOOR)
        return total / len(self.terms)


@lru_cache(maxsize=128)
def _parse(text: str) -> Query:
    terms = [
        term
        for match in _TOKEN.finditer(text.lower().translate(_SEPARATORS))
        if (term := _term(*match.groups()))
    ]
    needles = tuple((t.kind, t.needle, t.anchored, t.negated) for t in terms)
    return Query(text, tuple(terms), needles)


def _term(minus: str, phrase: str | None, word: str | None) -> Term | None:
    """One token as a term (None for an empty one, such as `""`)."""
    negated = bool(minus)
    if phrase is not None:
        return Term("phrase", phrase, negated) if phrase.strip() else None
    assert word is not None
    if word.startswith(TAG):
        return Term("tag", word[len(TAG) :], negated)
    if word.startswith(WHO) and len(word) > 1:
        return Term("who", word[len(WHO) :], negated)
    field, colon, value = word.partition(":")
    if colon and value and field in FIELDS:
        return Term(FIELDS[field], value, negated)
    return Term("word", word, negated)


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
    blocked = task.blocked or {}
    reason, who = blocked.get("reason") or "", blocked.get("waiting_on") or ""
    fields = "\n".join((task.title, _human_name(task), *task.touches, reason)).translate(_SEPARATORS)
    tags = "".join([_TAGS + tag.translate(_SEPARATORS) for tag in task.tags])
    whos = "".join(_WHOS + name.translate(_SEPARATORS) for name in (who, task.holder) if name)
    text = (fields + tags + whos).lower()
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


BODY_SCORE = 0.05  # a task only its body matches: found, after every task its fields match


def find_tasks(
    text: str, tasks: Iterable[Task], limit: int = 40, body: Bodies | None = None
) -> list[tuple[float, Task]]:
    """The best `limit` tasks matching `text`, with their scores, best first (ties in the given
    order); nothing for an empty query. What the palette's "go to task" offers; with `body`, its
    words are looked for in bodies too, as the filter's are."""
    query = Query.parse(text)
    if not query:
        return []
    found = (task for task in tasks if query.matches(task, body))
    scored = ((query.score(task) or BODY_SCORE, n, task) for n, task in enumerate(found))
    return [(score, task) for score, _, task in heapq.nsmallest(limit, scored, key=lambda s: (-s[0], s[1]))]
