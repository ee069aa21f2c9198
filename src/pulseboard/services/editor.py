"""Opening a task file in the user's editor: $VISUAL, else $EDITOR, else a sensible default.

`open_in_editor` is the one way every face launches it, with the same one-sentence errors.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

from pulseboard.core.errors import PulseError


def editor_command() -> list[str] | None:
    """The editor's command line, or None if none can be found."""
    chosen = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if chosen:
        return shlex.split(chosen)
    for fallback in ("sensible-editor", "nano", "vi"):
        if shutil.which(fallback):
            return [fallback]
    return None


def open_in_editor(path: Path) -> None:
    """Run the editor on `path` and wait for it; PulseError (one sentence) if it cannot run or fails."""
    command = editor_command()
    if not command:
        raise PulseError("no editor found; set $VISUAL or $EDITOR.")
    try:
        code = subprocess.call([*command, str(path)])
    except FileNotFoundError:
        raise PulseError(f"the editor '{command[0]}' was not found; set $VISUAL or $EDITOR.") from None
    except OSError as exc:
        raise PulseError(f"the editor '{command[0]}' could not be run: {exc.strerror or exc}.") from None
    if code != 0:
        raise PulseError(f"the editor '{command[0]}' exited with code {code}.")
