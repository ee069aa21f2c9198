"""The stats screen (key v): the figures of `pulse stats` and charts drawn by textual-plotext.

It renders the figures as data (core/metrics.Stats, core/report's lines), as the CLI does.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from pulseboard.core.keymap import BY_ID
from pulseboard.core.metrics import Stats
from pulseboard.core.report import ageing_lines, figure_lines


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
                ageing = "\n".join(ageing_lines(self.stats, self._short))
                ageing = ageing or "ageing: nothing in doing or blocked"
                yield Static(Content(ageing), id="stats-ageing")
        yield Footer()

    def on_mount(self) -> None:
        from textual_plotext import PlotextPlot

        stats = self.stats
        days = [day.date.strftime("%m-%d") for day in stats.velocity]
        plot = self.query_one("#chart-done", PlotextPlot).plt
        plot.title("Done per day")
        plot.bar(days, [day.count for day in stats.velocity])
        plot = self.query_one("#chart-cycle", PlotextPlot).plt
        plot.title("Cycle time (minutes), tasks finished in the window")
        minutes = [value / 60 for value in stats.cycle.values]
        if minutes:
            plot.hist(minutes, bins=min(20, max(5, len(minutes))))
        plot = self.query_one("#chart-flow", PlotextPlot).plt
        plot.title("Work by state at the end of each day")
        flow_days = [day.date.strftime("%m-%d") for day in stats.flow]
        plot.stacked_bar(
            flow_days,
            [[d.done for d in stats.flow], [d.blocked for d in stats.flow], [d.doing for d in stats.flow],
             [d.open for d in stats.flow]],
            labels=["done", "blocked", "doing", "open"],
        )  # fmt: skip
