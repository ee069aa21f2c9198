"""The fixed clock every test uses: T0 and at()."""

from __future__ import annotations

import datetime as dt

T0 = dt.datetime(2026, 11, 22, 9, 0, 0, tzinfo=dt.UTC)


def at(minutes: float) -> dt.datetime:
    """The fixed clock: T0 plus some minutes."""
    return T0 + dt.timedelta(minutes=minutes)
