"""The C library, loaded once, for the few calls Python's os module lacks: the no-overwrite
renames (core/fsops.py) and handing freed memory back to the system (tui/tuning.py). None where
it can't be loaded; each caller checks for the function it wants."""

from __future__ import annotations

import ctypes
import ctypes.util


def _load() -> ctypes.CDLL | None:
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
    except (OSError, TypeError):  # TypeError: Windows loads no library by None
        return None


libc = _load()
