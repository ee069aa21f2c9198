"""The metrics as plain text: what `pulse stats` prints and the board's stats screen shows.

No markup and no colours: each face adds its own. Durations read `24m`, `3h05m`, `2d4h`
(core.fields.format_duration).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from pulseboard.core.fields import format_duration

if TYPE_CHECKING:  # the board's status line uses `span` before any figure exists
    from pulseboard.core.metrics import Stats

BARS = "▁▂▃▄▅▆▇█"


def bars(values: Sequence[int]) -> str:
    """A row of block characters scaled to the largest value (a space for zero)."""
    top = max(values, default=0)
    return "".join(" " if not v else BARS[min(len(BARS) - 1, v * len(BARS) // (top + 1))] for v in values)


def span(seconds: float | None) -> str:
    """A duration as `format_duration` writes it (`40s`, `24m`, `3h05m`, `2d4h`), or `-` for none."""
    return "-" if seconds is None else format_duration(seconds)


# -- what a chart of the figures needs: a unit for durations, whole-number ticks, dated days ----

SCALES = (("seconds", 1), ("minutes", 60), ("hours", 3600), ("days", 86400))


def duration_scale(values: Sequence[float]) -> tuple[str, int]:
    """The unit a chart of these durations reads best in: the largest unit under which the
    longest of them is at least 2 (a cycle time of 9,466 minutes is plotted as 6.6 days)."""
    top = max(values, default=0)
    chosen = SCALES[0]
    for name, size in SCALES:
        if top >= 2 * size:
            chosen = (name, size)
    return chosen


def count_ticks(top: int, most: int = 6) -> list[int]:
    """Whole-number ticks from 0 past `top` (tasks are counted whole): at most `most`, evenly spaced."""
    step = max(1, -(-max(top, 1) // (most - 1)))
    return list(range(0, max(top, 1) + step, step))


def day_ticks(count: int, most: int = 8) -> list[int]:
    """Which of `count` days to label: evenly spaced, always the last (today)."""
    if count <= 0:
        return []
    step = max(1, -(-count // most))
    return sorted({*range(count - 1, -1, -step)})


def histogram(values: Sequence[float], most: int = 10) -> tuple[list[float], list[int]]:
    """Values counted into at most `most` equal bins from 0 past the largest: (bin starts, counts)."""
    if not values:
        return [], []
    top = max(values)
    count = min(most, len(values))
    width = top / count if top > 0 else 1.0
    starts = [i * width for i in range(count)]
    counts = [0] * count
    for value in values:
        counts[min(int(value / width), count - 1)] += 1
    return starts, counts


def figure_lines(stats: Stats, short: Callable[[str], str]) -> list[str]:
    """The figures, a line each: done today, velocity, cycle and lead time, time blocked."""

    def guess(n: int) -> str:
        return f", {n} estimated" if n else ""

    total = sum(day.count for day in stats.velocity)
    cycle, lead, blocked = stats.cycle, stats.lead, stats.blocked
    worst = blocked.longest
    tasks = "task" if blocked.tasks == 1 else "tasks"
    longest = f"; longest {short(worst.id)} {span(worst.seconds)}" if worst else ""
    return [
        f"done today      {stats.done_today}   by hour |{bars(stats.done_per_hour_today)}|",
        f"velocity        |{bars([d.count for d in stats.velocity])}|  {total} in {stats.days} days, "
        f"{total / stats.days:.1f} a day{guess(stats.velocity_estimated)}",
        f"cycle time      median {span(cycle.median_s)}, 85% within {span(cycle.p85_s)}  "
        f"({cycle.count} tasks{guess(cycle.estimated)})",
        f"lead time       median {span(lead.median_s)}, 85% within {span(lead.p85_s)}  "
        f"({lead.count} tasks{guess(lead.estimated)})",
        f"time blocked    {span(blocked.total_s)} over {blocked.tasks} {tasks}"
        f"{longest}{guess(blocked.estimated)}",
    ]


def flow_lines(stats: Stats) -> list[str]:
    """Work by state at the end of each day, a line a day under a header."""
    return [
        "day          open  doing  done  blocked",
        *(
            f"{d.date.isoformat()}  {d.open:>5}  {d.doing:>5}  {d.done:>4}  {d.blocked:>7}"
            for d in stats.flow
        ),
    ]


def ageing_lines(stats: Stats, short: Callable[[str], str]) -> list[str]:
    """Work in doing and blocked by age against its box, oldest first ([] when there is none)."""
    if not stats.ageing:
        return []
    return ["ageing          state    age     box  × box"] + [
        f"{short(a.id):<15} {a.state:<8} {span(a.age_s):>6} {span(a.box_s):>6}  {a.ratio:>5.1f}"
        + (" (estimated)" if a.estimated else "")
        for a in stats.ageing
    ]


def stats_text(stats: Stats, short: Callable[[str], str]) -> str:
    """`pulse stats`: the figures, work by state per day, then ageing work, a blank line between."""
    parts = [figure_lines(stats, short), flow_lines(stats), ageing_lines(stats, short)]
    return "\n\n".join("\n".join(part) for part in parts if part)
