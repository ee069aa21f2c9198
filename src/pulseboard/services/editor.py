"""Which editor to open a task in: $VISUAL, else $EDITOR, else a sensible default."""

from __future__ import annotations

import os
import shlex
import shutil


def editor_command() -> list[str] | None:
    """The editor's command line, or None if none can be found."""
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    for fallback in ("sensible-editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    return None
