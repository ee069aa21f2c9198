"""When the heartbeat beats and the figures are worked out: one schedule for every face.

A beat every interval and one soon after each change (a burst of changes makes one beat), never
two at once; the figures come with the beats, at a pace that keeps them to a small share of the
time (they wait `pace` times as long as they last took); background work waits while keys are
being pressed. The clock is injected, so tests drive time; the faces only ask what is due and
when to ask again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

BEAT = "beat"
FIGURES = "figures"


class Schedule:
    """Due times for the beat and the figures, on a monotonic clock (seconds)."""

    def __init__(
        self,
        interval: float,
        *,
        after_change: float = 0.0,
        idle: float = 0.0,
        pace: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """after_change: a beat comes this soon after a change; idle: work waits until keys have
        paused this long; pace: the figures' pace (None: this face shows no figures)."""
        self.interval = interval
        self.after_change = after_change
        self.idle = idle
        self.pace = pace
        self.clock = clock
        self._due: dict[str, float] = {}  # job -> when it is due; absent: not wanted
        self._running: set[str] = set()
        self._started: dict[str, float] = {}
        self._figures_not_before = -math.inf
        self._last_key = -math.inf

    def start(self) -> None:
        """The board is read: beat as soon after as after a change (a screen paints first)."""
        self._want(BEAT, self.clock() + self.after_change)

    def changed(self) -> None:
        """Something on the board changed: beat soon (one beat for a burst)."""
        self._want(BEAT, self.clock() + self.after_change)

    def key_pressed(self) -> None:
        self._last_key = self.clock()

    def due(self) -> list[str]:
        """The jobs to begin now (each then `began`, and `ended` when it is done)."""
        now = self.clock()
        return [job for job in (BEAT, FIGURES) if (at := self._at(job)) is not None and at <= now]

    def wait(self) -> float | None:
        """Seconds until the next job is due (0: now), or None when nothing is wanted."""
        times = [at for job in (BEAT, FIGURES) if (at := self._at(job)) is not None]
        return max(0.0, min(times) - self.clock()) if times else None

    def began(self, job: str) -> None:
        now = self.clock()
        self._due.pop(job, None)
        self._running.add(job)
        self._started[job] = now
        if job == BEAT and self.pace is not None:
            self._want(FIGURES, now)

    def ended(self, job: str) -> None:
        """A job finished (or failed): the next beat is an interval away, the figures keep their pace."""
        now = self.clock()
        self._running.discard(job)
        took = now - self._started.pop(job, now)
        if job == BEAT:
            self._want(BEAT, now + self.interval)
        elif self.pace is not None:
            self._figures_not_before = now + self.pace * took

    def _want(self, job: str, at: float) -> None:
        self._due[job] = min(self._due.get(job, math.inf), at)

    def _at(self, job: str) -> float | None:
        """When a wanted job may begin: not while it runs, nor while keys are being pressed."""
        if job not in self._due or job in self._running:
            return None
        not_before = self._figures_not_before if job == FIGURES else -math.inf
        return max(self._due[job], self._last_key + self.idle, not_before)
