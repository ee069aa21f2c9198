"""The stats screen (key v): the figures of `pulse stats` and charts drawn by textual-plotext.

It renders the figures as data (core/metrics.Stats, core/report's lines), as the CLI does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from pulseboard.core.keymap import BY_ID
from pulseboard.core.metrics import Stats
from pulseboard.core.report import (
    ageing_lines,
    count_ticks,
    day_ticks,
    duration_scale,
    figure_lines,
    histogram,
)


class StatsScreen(Screen[None]):
    """The figures of `pulse stats`, with charts: done per day, cycle times, cumulative flow."""

    # Back on escape or q, and on the stats key itself (its id: a `keys:` remap of stats moves it too).
    BINDINGS = [
        Binding("escape,q", "app.pop_screen", "Back"),
        Binding(BY_ID["stats"].keys, "app.pop_screen", "Back", show=False, id="stats"),
    ]

    def __init__(self, stats: Stats, short: Callable[[str], str]) -> None:
        super().__init__()
        self.stats = stats
        self._short = short

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot  # plotext loads only when the screen first opens

        with VerticalScroll(id="stats"):
            yield Static(Content("\n".join(figure_lines(self.stats, self._short))), id="stats-figures")
            with Grid(id="stats-charts"):
                yield PlotextPlot(id="chart-done")
                yield PlotextPlot(id="chart-cycle")
                yield PlotextPlot(id="chart-flow")
                yield Static(self._legend(), id="stats-legend")
            ageing = "\n".join(ageing_lines(self.stats, self._short))  # every row: the screen scrolls
            yield Static(Content(ageing or "ageing: nothing in doing or blocked"), id="stats-ageing")
        yield Footer()

    def _colour(self, state: str) -> tuple[int, int, int]:
        """A state's colour in the current theme, for plotext."""
        return Color.parse(self.app.get_css_variables()[f"pulse-column-{state}"]).rgb

    def _legend(self) -> Content:
        """What the flow chart's colours mean (plotext draws its legend over the bars)."""
        variables = self.app.get_css_variables()
        pieces: list[tuple[str, str] | str] = ["Work by state, bottom to top: "]
        for state in FLOW_ORDER:
            pieces += [("■ ", variables[f"pulse-column-{state}"]), f"{state}  "]
        return Content.assemble(*pieces)

    def on_mount(self) -> None:
        from textual_plotext import PlotextPlot

        stats = self.stats
        days = [day.date for day in stats.velocity]
        positions = list(range(1, len(days) + 1))
        plot = self.query_one("#chart-done", PlotextPlot).plt
        plot.title("Done per day")
        counts = [day.count for day in stats.velocity]
        _bars(plot, positions, counts, self._colour("done"))
        _days_axis(plot, days)
        plot.yticks(count_ticks(max(counts, default=0)))

        plot = self.query_one("#chart-cycle", PlotextPlot).plt
        unit, size = duration_scale(stats.cycle.values)
        starts, counts = histogram([value / size for value in stats.cycle.values])
        if not starts:
            plot.title("Cycle time: nothing finished to plot")  # short: plotext drops a title too wide
        else:
            plot.title(f"Cycle time, {unit}")
            bins = list(range(1, len(starts) + 1))
            _bars(plot, bins, counts, self._colour("doing"))
            every = 1 if self.app.size.width >= WIDE else 2  # a label to every other bin: no crowding
            plot.xticks(bins[::every], [f"{start:.2g}+" for start in starts][::every])
            plot.yticks(count_ticks(max(counts)))

        plot = self.query_one("#chart-flow", PlotextPlot).plt
        plot.title("Work by state, end of day")
        flow = stats.flow
        plot.stacked_bar(
            list(range(1, len(flow) + 1)),
            [[getattr(day, state) for day in flow] for state in FLOW_ORDER],
            color=[self._colour(state) for state in FLOW_ORDER],
            width=BAR_WIDTH,
        )
        _days_axis(plot, [day.date for day in flow])
        plot.yticks(count_ticks(max((d.done + d.blocked + d.doing + d.open for d in flow), default=0)))


FLOW_ORDER = ("done", "blocked", "doing", "open")
WIDE = 140  # below this many columns the cycle chart labels every other bin
BAR_WIDTH = 0.7  # of a day (or a bin): a gap between bars, so two days with one count read as two


def _bars(plot: Any, positions: list[int], counts: list[int], colour: tuple[int, int, int]) -> None:
    """Bars at positions 1..n, none where the count is 0 (plotext draws a sliver for a zero bar),
    the axis spanning every position all the same."""
    shown = [(x, n) for x, n in zip(positions, counts, strict=True) if n]
    if shown:
        plot.bar([x for x, _ in shown], [n for _, n in shown], color=colour, width=BAR_WIDTH)
    plot.xlim(0.5, len(positions) + 0.5)


def _days_axis(plot: Any, days: list[dt.date]) -> None:
    """Evenly spaced day labels on bars drawn at 1..n, the last one `today`."""
    picked = day_ticks(len(days))
    labels = ["today" if i == len(days) - 1 else days[i].strftime("%m-%d") for i in picked]
    plot.xticks([i + 1 for i in picked], labels)
