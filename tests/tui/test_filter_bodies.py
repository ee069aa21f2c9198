"""Task bodies through every face of the query: `pulse ls` (a real subprocess) and the board's `/` filter
(typed under Pilot), which reads the bodies off its UI thread and follows an edit of a body alone."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from support.board_helpers import Feed, Maker, drive, make_board, new_app, titles, wait_for
from support.helpers import pulse_json
from textual.pilot import Pilot

from pulseboard.core.board import Board
from pulseboard.core.query import Query

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def board(tmp_path: Path) -> Board:
    """Three open tasks and a done one; only the bodies say "staging"."""
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("Speed up the export", body="Ask ops for the Staging DB first.\n")
    maker.task("Fix login redirect", body="Keep it behind a feature flag.\n")
    maker.task("Write release notes")
    maker.task("Old export work", "done", body="Ran it against staging.\n")
    return board


def test_pulse_ls_matches_body_words(board: Board, tmp_path: Path) -> None:
    def listed(*args: str) -> list[str]:
        return [item["title"] for item in pulse_json("ls", *args, cwd=tmp_path)]

    assert listed("--filter", "staging") == ["Speed up the export", "Old export work"]
    assert listed("staging", "--state", "open") == ["Speed up the export"]  # the words, as --filter
    assert listed("--filter", '"feature flag"') == ["Fix login redirect"]
    assert listed("--filter=-staging -flag") == ["Write release notes"]  # left out by the body
    assert listed("--filter", "export -staging") == []
    assert len(listed()) == 4  # no query: every task, no body read


def test_typing_a_body_word_in_the_filter_shows_its_task(board: Board, monkeypatch: Any) -> None:
    feed = Feed()
    app = new_app(board, changes=feed)
    parsed: list[str] = []
    parse = Query.parse
    monkeypatch.setattr(Query, "parse", staticmethod(lambda text: parsed.append(text) or parse(text)))

    async def script(pilot: Pilot) -> None:
        await pilot.press("slash", *"staging")  # key by key; the bodies are read on the first
        await wait_for(pilot, lambda: titles(app, "open") == ["Speed up the export"])
        assert titles(app, "done") == ["Old export work"]
        assert len(parsed) <= len("staging")  # once per text typed, not once per task
        notes = next(t for t in board.tasks() if t.title == "Write release notes").path
        notes.write_text(notes.read_text(encoding="utf-8") + "Mention the staging move.\n", encoding="utf-8")
        feed.send(notes)  # an edit of the body alone: the task's fields are as they were
        await wait_for(pilot, lambda: "Write release notes" in titles(app, "open"))
        await pilot.press("escape", "slash", *"-staging")
        await wait_for(pilot, lambda: titles(app, "open") == ["Fix login redirect"])
        assert titles(app, "done") == []

    drive(app, script)
