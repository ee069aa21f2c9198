"""Starts the board of an installed pulse under Textual's Pilot and prints what it showed, as JSON.

Run by the python of a venv the wheel was installed into (tests/cli/test_install.py), never
imported by the suite: whatever `pulseboard` that python finds is the one checked.

    VENV/bin/python tests/support/installed_app.py BOARD
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pulseboard
from pulseboard.core.board import STATES, Board
from pulseboard.tui.app import PulseApp


async def shown(root: Path) -> dict[str, object]:
    app = PulseApp(Board(root))
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(250):  # the board is read in a worker: at most 5 s
            if app.board_screen.live.loaded:
                break
            await pilot.pause(0.02)
        await pilot.pause()
        box = app.board_screen.query_one("#box-open")
        return {
            "package": pulseboard.__file__,
            "stylesheet": str(app.CSS_PATH),
            "loaded": app.board_screen.live.loaded,
            "titles": [str(app.board_screen.query_one(f"#title-{s}").render()) for s in STATES],
            "cards": [t.title for t in app.board_screen.column("open").tasks],
            "themes": sorted(name for name in app.available_themes if name.startswith("pulse")),
            "theme": app.theme,
            "open_border": box.styles.border_right[0],  # pulse.tcss gives .column-box one, Textual none
        }


if __name__ == "__main__":
    print(json.dumps(asyncio.run(shown(Path(sys.argv[1])))))
