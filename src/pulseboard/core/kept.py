"""Work kept level with the live board, such as the heartbeat engine (core/engine.py) and the figures
(core/figures.py): built from a copy of the board off the UI thread, then fed every change the
live board makes, in order. The changes made while it is built wait for it; a build that a newer
one overtook is dropped when it ends.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

from pulseboard.core.reconcile import Event

T = TypeVar("T")


class Kept(Generic[T]):
    """One thing kept level with the board: `value` once built (None before, or after `drop`)."""

    def __init__(self, follow: Callable[[T, Sequence[Event]], None]) -> None:
        """follow: hands the built thing the changes made to the board since it last saw it."""
        self.value: T | None = None
        self._follow = follow
        self._waiting: list[Event] | None = None  # the changes made while it is built
        self._generation = 0

    @property
    def building(self) -> bool:
        return self._waiting is not None

    def begin(self) -> int:
        """A build begins from the board as it is now: what was kept goes, the changes from now on
        wait for the build. Returns the build's generation, for `built`."""
        self._generation += 1
        self.value, self._waiting = None, []
        return self._generation

    def drop(self) -> None:
        """Nothing kept and nothing waiting (it failed, or a build will begin later)."""
        self.value = self._waiting = None

    def follow(self, events: Sequence[Event]) -> None:
        """Changes to the board, in order: to the built thing, or to wait for it. What the thing
        raises is raised here (then `drop` it)."""
        if self.value is not None:
            self._follow(self.value, events)
        elif self._waiting is not None:
            self._waiting.extend(events)

    def built(self, value: T, generation: int) -> bool:
        """A build ended: kept (after the changes made meanwhile) if it is the latest, else dropped."""
        if generation != self._generation or self._waiting is None:
            return False
        self._follow(value, self._waiting)
        self.value, self._waiting = value, None
        return True
