"""The board's progress views: the status line (done today, velocity sparkline, median cycle time)
and the stats screen (key v) with its charts, drawn by textual-plotext from core/metrics figures.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Sparkline, Static

from pulseboard.core.metrics import Stats
from pulseboard.core.report import span, stats_text


class StatusLine(Horizontal):
    """Done today, the velocity of the last days as a sparkline, and the median cycle time."""

    def compose(self) -> ComposeResult:
        yield Static("", id="status-today")
        yield Sparkline([], id="status-velocity")
        yield Static("", id="status-cycle")
        yield Static("", id="status-git")

    def show(self, stats: Stats) -> None:
        counts = [day.count for day in stats.velocity]
        self.query_one("#status-today", Static).update(f" done today {stats.done_today} · velocity ")
        self.query_one("#status-velocity", Sparkline).data = counts
        median = span(stats.cycle.median_s)
        self.query_one("#status-cycle", Static).update(
            f" {sum(counts)} in {stats.days}d · cycle time {median}"
        )

    def show_push(self, failure: str | None) -> None:
        """A failed git push stays in view until a later push succeeds."""
        git = self.query_one("#status-git", Static)
        git.update(Content(f" · push failed: {failure}" if failure else ""))
        git.set_class(failure is not None, "failed")


class StatsScreen(Screen[None]):
    """The figures of `pulse stats`, with charts: done per day, cycle times, cumulative flow."""

    BINDINGS = [Binding("escape,q,v", "app.pop_screen", "Back")]

    def __init__(self, stats: Stats, short: Callable[[str], str]) -> None:
        super().__init__()
        self.stats = stats
        self._short = short

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot  # plotext loads only when the screen first opens

        with VerticalScroll(id="stats"):
            figures, _by_day, *ageing = stats_text(self.stats, self._short).split("\n\n")
            yield Static(Content(figures), id="stats-figures")
            with Grid(id="stats-charts"):
                yield PlotextPlot(id="chart-done")
                yield PlotextPlot(id="chart-cycle")
                yield PlotextPlot(id="chart-flow")
                yield Static(Content(ageing[0] if ageing else "ageing: nothing in doing or blocked"),
                             id="stats-ageing")  # fmt: skip
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
