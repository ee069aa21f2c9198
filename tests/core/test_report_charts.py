"""What the stats screen's charts are drawn with: a unit that fits the durations, whole-number
count ticks, evenly spaced day labels ending today, and a histogram from zero."""

from __future__ import annotations

import itertools

from pulseboard.core.report import count_ticks, day_ticks, duration_scale, histogram


def test_durations_are_plotted_in_the_unit_that_fits_them() -> None:
    assert duration_scale([]) == ("seconds", 1)
    assert duration_scale([30, 90]) == ("seconds", 1)
    assert duration_scale([5 * 60, 40 * 60]) == ("minutes", 60)
    assert duration_scale([3 * 3600]) == ("hours", 3600)
    assert duration_scale([9466 * 60, 9709 * 60]) == ("days", 86400)  # was an axis of 9466.8 … 9709.2 minutes


def test_count_ticks_are_whole_numbers_from_zero_past_the_top() -> None:
    for top in (0, 1, 3, 7, 23, 1000):
        ticks = count_ticks(top)
        assert ticks[0] == 0 and ticks[-1] >= max(top, 1) and len(ticks) <= 7
        assert all(isinstance(t, int) for t in ticks)
        assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1  # evenly spaced


def test_day_ticks_are_even_and_end_today() -> None:
    assert day_ticks(0) == []
    assert day_ticks(7) == list(range(7))
    for count in (14, 30, 90):
        ticks = day_ticks(count)
        assert ticks[-1] == count - 1 and len(ticks) <= 8
        assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1


def test_histogram_counts_every_value_in_bins_from_zero() -> None:
    starts, counts = histogram([1, 2, 3, 30, 35, 40])
    assert starts[0] == 0 and sum(counts) == 6 and len(starts) == len(counts) == 6
    assert counts[-1] >= 1  # the largest value lands in the last bin
    assert histogram([]) == ([], [])
    assert histogram([0, 0]) == ([0.0, 1.0], [2, 0])
