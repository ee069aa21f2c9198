"""No regular expression over task text is worse than linear (issue 11, item 9).

A 100,000-character title of any shape goes through the heartbeat (`suggest()`, `pulse next`,
`pulse claim`) in well under 0.2 s of engine time; the regexes that read bodies (headings,
criteria, control characters) and entries (`touches` globs) take 1 MB of adversarial text
without backtracking. Each check runs under an alarm, so a regression fails in seconds instead
of hanging the suite. The bundle rule keeps its meaning: a property test holds the linear
regex to the old one on short titles.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import random
import re
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support.helpers import memory_task, pulse

from pulseboard.core import taskfile, text
from pulseboard.core.actions import init_board
from pulseboard.core.config import HeartbeatSettings, save_setting
from pulseboard.core.fields import parse_estimate
from pulseboard.core.heartbeat import BUNDLE_TITLE
from pulseboard.core.heartbeat_inputs import suggest
from pulseboard.core.overlap import items_overlap

N = 100_000
MB = 1 << 20
NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
# The rule before it was made linear, to hold the new one to the same answers.
OLD_BUNDLE_TITLE = re.compile(r"[^\W\d_]+\s+[^\W\d_]+\s+(?:and|&|\+)\s+[^\W\d_]+\s+[^\W\d_]+", re.I)


class TooSlow(Exception):
    pass


def timed(limit: float, fn: Callable[..., Any], *args: Any) -> float:
    """Seconds fn(*args) took; TooSlow once it passes `limit` (the regex engine checks signals).
    The collector is off, as the CLI and the board's workers run the engine."""

    def alarm(signum: int, frame: Any) -> None:
        raise TooSlow(f"still running after {limit} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    outer, _ = signal.setitimer(signal.ITIMER_REAL, limit)  # pytest-timeout's alarm, if it set one
    gc.disable()
    started = time.perf_counter()
    try:
        fn(*args)
        return time.perf_counter() - started
    finally:
        gc.enable()
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if outer:  # give pytest-timeout back what is left of its alarm
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.perf_counter() - started), 0.001))


def _words(n: int) -> str:
    rng = random.Random(11)
    vocabulary = ["fix", "the", "Add", "and", "&", "+", "docs", "2", "über", "a1", "x_y", "-", "tests"]
    out: list[str] = []
    size = 0
    while size < n:
        word = rng.choice(vocabulary)
        out.append(word)
        size += len(word) + 1
    return " ".join(out)[:n]


TITLES = {
    "all-a": "a" * N,
    "and-repeated": ("and " * (N // 4)).strip() + "x",
    "comma-space": ", " * (N // 2),
    "spaces": "a" + " " * (N - 2) + "b",
    "words": _words(N),
    "two-words-and": ("ab cd and " * (N // 10))[:N],  # a bundle at the very start
    "letters-then-digit": ("abc " * (N // 4 - 1)) + "abc1",
    "tabs-and-letters": "a\t" * (N // 2),
    "ampersands": "a & " * (N // 4),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("shape", list(TITLES))
def test_a_huge_title_through_the_engine_is_quick(tmp_path: Path, shape: str) -> None:
    title = TITLES[shape]
    assert len(title) >= N - 10
    tasks = [
        memory_task("o1", title=title),
        memory_task("o2", title="A small task"),
        memory_task("d1", "doing", title=title, started="2026-11-22T11:55:00Z"),
    ]
    took = timed(5, suggest, tasks, HeartbeatSettings(), tmp_path, NOW)
    assert took < 0.2, f"{shape}: suggest() took {took:.3f} s"


@pytest.mark.timeout(60)
def test_a_huge_title_through_pulse_next_and_claim(tmp_path: Path) -> None:
    root = tmp_path / "tasks"
    init_board(root)
    for shape, title in TITLES.items():
        body = f"---\ntitle: {json.dumps(title)}\npriority: low\n---\nA {shape} title.\n"
        (root / "open" / f"{shape}.md").write_text(body, encoding="utf-8")
    (root / "open" / "small.md").write_text("---\ntitle: Small\npriority: critical\n---\n", encoding="utf-8")
    pulse("ls", cwd=tmp_path)  # parse once: the timed runs below are the engine, not YAML
    for command in (["next", "--json", "-n", "20"], ["claim"]):
        started = time.perf_counter()
        result = pulse(*command, cwd=tmp_path, timeout=30)
        took = time.perf_counter() - started
        assert result.returncode == 0, result.stderr[:2000]
        # A fresh interpreter and the imports are ~0.15 s here; the quadratic rule took 2 minutes.
        assert took < 2.0, f"pulse {command[0]} took {took:.3f} s"
    assert (root / "doing" / "small.md").exists()


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from(["a", "Bc", "é", "1", "_", "²", " ", "\t", "\n", "&", "+", "and", "AND", "-", "x2y"]),
        max_size=14,
    ).map("".join)
)
def test_the_linear_bundle_rule_answers_as_the_old_one(title: str) -> None:
    assert (BUNDLE_TITLE.search(title) is None) is (OLD_BUNDLE_TITLE.search(title) is None)


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "touch",
    ["[a" * (N // 2), "*a" * (N // 2) + "b", "a/" * (N // 2), "a" * N],
    ids=["unclosed-brackets", "stars", "folders", "letters"],
)
def test_a_huge_touches_entry_is_quick(tmp_path: Path, touch: str) -> None:
    assert timed(5, items_overlap, touch, "a" * N + "b") < 0.2
    tasks = [
        memory_task("o1", touches=(touch, "src/a.py")),
        memory_task("d1", "doing", touches=("a" * N + "b", touch[:-1], "src/*.py")),
        memory_task("d2", "doing", touches=(touch,)),
    ]
    took = timed(5, suggest, tasks, HeartbeatSettings(), tmp_path, NOW)
    assert took < 0.2, f"suggest() took {took:.3f} s"


def _body(line: str, fill: str = "Some text.\n") -> str:
    """About 1 MB of body: line, then filler lines."""
    return line + fill * max(0, (MB - len(line)) // len(fill))


def _parse(body: str) -> None:
    taskfile.parse_text(body, "fallback")  # no frontmatter: the title comes from a `#` heading


def _toggle(body: str) -> None:
    with contextlib.suppress(ValueError):  # no criterion: only the scan is timed
        taskfile.toggle_criterion(body, 0)


BODIES = [
    # _HEADING, through parse_text of a file with no frontmatter title
    pytest.param(_parse, _body("#" * 7 + " x\n"), id="heading-seven-hashes"),
    pytest.param(_parse, "#" * MB, id="heading-all-hashes"),
    pytest.param(_parse, "# \n" * (MB // 3), id="heading-empty-lines"),
    pytest.param(_parse, "# " + " " * MB, id="heading-trailing-spaces"),
    pytest.param(_parse, _body("# a" + " " * 60_000 + "b\n"), id="heading-spaces-then-a-letter"),
    pytest.param(_parse, _body("# " + "# " * 30_000 + "x\n"), id="heading-hashes-then-a-letter"),
    pytest.param(_parse, _body("# x" + " \t" * 30_000 + "#\n"), id="heading-blank-run-closed-by-hash"),
    # _CRITERION, through parse_text
    pytest.param(_parse, "- [ ] x\n" * (MB // 8), id="criteria-many"),
    pytest.param(_parse, " " * MB + "- [ ]", id="criterion-after-spaces"),
    pytest.param(_parse, "- " * (MB // 2), id="criterion-dashes"),
    pytest.param(_parse, "-\t" * (MB // 2) + "[ ]", id="criterion-dash-tabs"),
    pytest.param(_parse, "- [" * (MB // 3), id="criterion-open-brackets"),
    # _CRITERION_LINE, through criteria() and toggle_criterion()
    pytest.param(taskfile.criteria, "- [ ] " + " " * MB + "x", id="criterion-line-spaces"),
    pytest.param(taskfile.criteria, "- [x]" + "\r" * MB + "x", id="criterion-line-carriage-returns"),
    pytest.param(taskfile.criteria, "- [ ] \r\r\n" * (MB // 9), id="criterion-lines-crcr"),
    pytest.param(_toggle, "- [ ] " + "\t" * MB, id="toggle-tabs"),
    pytest.param(_toggle, " \t" * (MB // 2) + "-", id="toggle-blank-run"),
    # text._CONTROL, through inert() and one_line()
    pytest.param(text.inert, "\x1b" * MB, id="control-escapes"),
    pytest.param(text.one_line, "\r\n" * (MB // 2), id="control-line-breaks"),
    pytest.param(text.inert, "a\x9b" * (MB // 2), id="control-c1"),
]  # fmt: skip


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("fn", "body"), BODIES)
def test_a_one_megabyte_body_is_read_in_linear_time(fn: Callable[[str], Any], body: str) -> None:
    assert len(body) >= MB - 100
    timed(2.0, fn, body)  # linear work on 1 MB is well under a second; quadratic, minutes


@pytest.mark.timeout(60)
def test_an_estimate_of_blanks_is_refused_quickly() -> None:
    def parse(value: str) -> None:
        with pytest.raises(ValueError):
            parse_estimate(value)

    assert timed(1.0, parse, " " * 2000 + "x") < 0.2
    assert timed(1.0, parse, "1" + " " * 100_000 + "x") < 0.2


@pytest.mark.timeout(60)
def test_the_theme_line_of_pulse_yaml_is_read_in_linear_time(tmp_path: Path) -> None:
    (tmp_path / "pulse.yaml").write_text("theme: pulse-dark" + " " * 200_000 + "\n")
    assert timed(1.0, save_setting, tmp_path / "pulse.yaml", {("theme",): "pulse-light"}) < 0.5
    assert (tmp_path / "pulse.yaml").read_text().startswith('theme: "pulse-light"')


def test_headings_and_estimates_read_as_before() -> None:
    """The linear forms answer as the old patterns did."""
    assert taskfile.parse_text("# C #\n", "f")["title"] == "C"
    assert taskfile.parse_text("## Ship it ##  \n", "f")["title"] == "Ship it"
    assert taskfile.parse_text("#   \n", "f")["title"] == " "
    assert parse_estimate(" 1h 30 min ") == 5400 and parse_estimate("2 M 5 s") == 125
    for bad in ("1 2h", "h", "5m 1h", "30x"):
        with pytest.raises(ValueError):
            parse_estimate(bad)
