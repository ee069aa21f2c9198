"""Durations: one formatter (core.fields.format_duration) for every time pulse shows, sane from
seconds to years, and the exact estimate formatter kept apart for what is written into files."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pulseboard.core.fields import format_duration, format_estimate, parse_estimate
from pulseboard.core.report import span

MINUTE, HOUR, DAY, YEAR = 60, 3600, 86400, 365 * 86400
UNIT = {"y": YEAR, "d": DAY, "h": HOUR, "m": MINUTE, "s": 1}
FORM = re.compile(r"^(?:(\d+)([ydhms]))(?:(\d+)([ydhms]))?$")


def parse(text: str) -> int:
    """The seconds a duration text names (its lower bound, as the formatter rounds down)."""
    match = FORM.match(text)
    assert match, text
    count, unit, minor, small = match.groups()
    return int(count) * UNIT[unit] + (int(minor) * UNIT[small] if minor else 0)


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0s"), (0.9, "0s"), (30, "30s"), (59, "59s"), (59.99, "59s"), (60, "1m"), (90, "1m"),
        (34 * MINUTE + 59, "34m"), (HOUR - 1, "59m"), (HOUR, "1h"), (HOUR + 5 * MINUTE, "1h05m"),
        (2 * HOUR, "2h"), (DAY - 1, "23h59m"), (DAY, "1d"), (4 * DAY, "4d"), (4 * DAY + 3 * HOUR, "4d3h"),
        (4 * DAY + 3 * HOUR + 59 * MINUTE, "4d3h"), (364 * DAY + 23 * HOUR, "364d23h"), (YEAR, "1y"),
        (YEAR + 35 * DAY, "1y35d"), (2 * YEAR, "2y"), (-5, "0s"),
    ],
)  # fmt: skip
def test_format_duration(seconds: float, text: str) -> None:
    assert format_duration(seconds) == text


def test_every_face_uses_it() -> None:
    """The stats text, the heartbeat's texts and the cards share the one rule (no 4d0h or 96h00m)."""
    assert span(None) == "-"
    assert span(4 * DAY) == format_duration(4 * DAY) == "4d"
    assert span(30) == "30s"  # a 30-second time box no longer reads 0m


@given(st.integers(min_value=0, max_value=200 * YEAR))
def test_parses_back_roughly(seconds: int) -> None:
    """Rounded down by less than one of its smallest unit: under a minute below a day, 1/24 above."""
    back = parse(format_duration(seconds))
    assert back <= seconds
    assert seconds - back < (MINUTE if seconds < DAY else max(MINUTE, seconds / 24))


@given(st.integers(min_value=0, max_value=200 * YEAR), st.integers(min_value=0, max_value=10 * YEAR))
def test_monotonic(seconds: int, more: int) -> None:
    assert parse(format_duration(seconds)) <= parse(format_duration(seconds + more))


@pytest.mark.parametrize("seconds", [0, 30, 59, 60, 90, 300, 5400, 3600 + 1, 100 * 3600])
def test_estimates_stay_exact(seconds: int) -> None:
    """An estimate is written back into its file, so it keeps every second, in units parse_estimate reads."""
    assert parse_estimate(format_estimate(seconds)) == seconds
