"""What a query matches (core/query.py), one rule for every face.

The same queries over one real board give the same tasks through the core matcher, `pulse ls ... --json`
(a real subprocess), the board's `/` filter (typed under Pilot) and the palette's "go to task" finder.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from support.board_helpers import Maker, drive, make_board, new_app, wait_for
from support.helpers import pulse_json
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from pulseboard.core.board import STATES, Board, Task
from pulseboard.core.query import Query, find_tasks, matches
from pulseboard.core.snapshot import Snapshot

MAX_HITS = 40  # the palette shows at most this many tasks

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def board(tmp_path: Path) -> Board:
    """A board whose tasks tell the fields apart: title, id, file name, touches, tags, states."""
    board = make_board(tmp_path / "tasks")
    maker = Maker(board)
    maker.task("Fix the navbar", tags=["ui"], touches=["src/site/header.py"])
    maker.task("Write docs", touches=["docs/index.md"])
    maker.task("Refactor", touches=["src/navigation.py"], tags=["core"])
    maker.task("Polish colours", tags=["UIX", "navy"])
    maker.task("Navigate home", "doing", tags=["ui"])
    maker.task("Ask @ana about the release", "doing")
    maker.task("Old nav work", "done")
    maker.task("README overhaul", "blocked", tags=["docs"])
    (board.root / "open" / "fix-footer-typo.md").write_text("", encoding="utf-8")  # made by hand
    held = "---\nholder: agent-7\nstarted: 2026-11-22T10:00:00Z\n---\n# Held by an agent\n"
    (board.root / "doing" / "held-by-an-agent.md").write_text(held, encoding="utf-8")
    return board


def every_task(board: Board) -> list[Task]:
    snapshot = Snapshot(board.tasks())
    return [task for state in STATES for task in snapshot.column(state)]


def by_title(board: Board) -> dict[str, Task]:
    return {task.title: task for task in every_task(board)}


def queries(board: Board) -> list[str]:
    """Plain words, #tags, id prefixes, file names, several words, odd case and nothing matching."""
    tasks = by_title(board)
    refactor = tasks["Refactor"].id
    unique = next(
        refactor[:n] for n in range(4, 11) if sum(t.id.startswith(refactor[:n]) for t in tasks.values()) == 1
    )
    return [
        "nav",
        "NAV",
        "nav #ui",
        "#ui",
        "#Ui  navbar",
        "#",
        "#core #ui",
        "doc",
        "docs/index",
        "fix-footer",
        "footer typo",
        "@ana",
        "ana",
        "readme",
        unique.upper(),
        tasks["Write docs"].name,
        "fix nav",
        "zzz",
    ]


# The rule, spelled out for a few queries (what every face must then agree with).
EXPECTED: dict[str, set[str] | None] = {
    "nav": {"Fix the navbar", "Refactor", "Polish colours", "Navigate home", "Old nav work"},
    "nav #ui": {"Fix the navbar", "Navigate home", "Polish colours"},  # #ui: a tag starting with ui
    "#ui": {"Fix the navbar", "Polish colours", "Navigate home"},
    "#Ui  navbar": {"Fix the navbar"},
    "#core #ui": set(),
    "doc": {"Write docs", "README overhaul"},  # touches, and a plain word matches a tag too
    "docs/index": {"Write docs"},
    "fix-footer": {"Fix footer typo"},  # a hand-made file: its file name
    "footer typo": {"Fix footer typo"},
    "@ana": {"README overhaul"},  # who a blocked task waits on (Maker blocks "waiting for review" on ana)
    "@agent": {"Held by an agent"},  # who holds a task
    "agent": {"Held by an agent"},  # a plain word: the title (the holder is only for @)
    "@agent-7 -@ana": {"Held by an agent"},
    "ana": {"Ask @ana about the release", "README overhaul"},  # a plain word: title, and the blocker
    "for review": {"README overhaul"},  # a blocked task's reason
    "state:doing": {"Navigate home", "Ask @ana about the release", "Held by an agent"},
    "s:do #ui": {"Navigate home"},
    "p:medium -nav -doc -readme": {"Ask @ana about the release", "Fix footer typo", "Held by an agent"},
    "-state:open -state:doing": {"Old nav work", "README overhaul"},
    '"fix the"': {"Fix the navbar"},
    '"the navbar" -#core': {"Fix the navbar"},
    "x:y": set(),  # an unknown prefix is a plain word
    '""': None,  # an empty phrase is no term: everything
    "readme": {"README overhaul"},
    "fix nav": {"Fix the navbar"},
    "zzz": set(),
}


def core_titles(board: Board, text: str) -> list[str]:
    query = Query.parse(text)
    return [task.title for task in every_task(board) if query.matches(task)]


def test_the_rule_as_written(board: Board) -> None:
    tasks = by_title(board)
    for text, titles in EXPECTED.items():
        expected = titles if titles is not None else {task.title for task in every_task(board)}
        assert set(core_titles(board, text)) == expected, text
    assert core_titles(board, queries(board)[-4]) == ["Refactor"]  # an id prefix, any case
    assert core_titles(board, tasks["Write docs"].name) == ["Write docs"]  # the whole file name
    assert core_titles(board, "#") == ["Fix the navbar", "Refactor", "Polish colours", "Navigate home",
                                       "README overhaul"]  # fmt: skip
    assert len(core_titles(board, "")) == len(tasks) == len(core_titles(board, "   "))
    middle = tasks["Refactor"].id[3:7]
    assert "Refactor" not in core_titles(board, middle)  # the id matches from its start only


def test_score_is_positive_exactly_when_the_query_matches(board: Board) -> None:
    for text in queries(board):
        query = Query.parse(text)
        for task in every_task(board):
            assert (query.score(task) > 0) == query.matches(task) == matches(text, task), (text, task.title)
            assert 0 <= query.score(task) <= 1


def test_the_cli_lists_what_the_core_matches(board: Board, tmp_path: Path) -> None:
    names = {task.path.resolve(): task.title for task in every_task(board)}
    for text in queries(board):
        listed = pulse_json("ls", *text.split(), cwd=tmp_path)
        assert [names[Path(item["path"]).resolve()] for item in listed] == core_titles(board, text), text
    for text in ('"fix the" -#core', "state:doing @ana", "@ana", "p:medium -nav"):  # the board's / syntax
        listed = pulse_json("ls", "--filter", text, cwd=tmp_path)
        assert [names[Path(item["path"]).resolve()] for item in listed] == core_titles(board, text), text
    phrase = pulse_json("ls", "fix the", cwd=tmp_path)  # one argument with a space: a phrase
    assert [item["title"] for item in phrase] == ["Fix the navbar"]
    doing = pulse_json("ls", "--state", "doing", "#ui", cwd=tmp_path)
    assert [item["title"] for item in doing] == ["Navigate home"]
    everything = pulse_json("ls", cwd=tmp_path)
    assert len(everything) == len(every_task(board))
    assert set(everything[0]) == set(pulse_json("ls", "nav", cwd=tmp_path)[0])  # the same JSON shape


TYPED = 5  # queries typed key by key into the filter (each key re-filters the whole board)


def test_the_board_filter_shows_what_the_core_matches(board: Board) -> None:
    app = new_app(board)
    cases = queries(board)
    seen: dict[str, list[str]] = {}

    async def script(pilot: Pilot) -> None:
        field = app.board_screen.query_one("#filter", Input)
        for n, text in enumerate(cases):
            if n < TYPED:
                await pilot.press("slash", *text)  # key by key, as a user types
            else:
                await pilot.press("slash")
                field.value = text  # the rest at once (Input.Changed all the same), to keep the test quick
            await wait_for(pilot, lambda text=text: field.value == text)
            await pilot.pause()
            seen[text] = [task.title for state in STATES for task in app.board_screen.column(state).tasks]
            await pilot.press("escape")
            assert field.value == "" and app.board_screen.filter_text == ""

    drive(app, script)
    for text in cases:
        assert seen[text] == core_titles(board, text), text


def test_the_palette_finds_what_the_core_matches_best_first(board: Board) -> None:
    tasks = every_task(board)
    for text in queries(board):
        found = find_tasks(text, tasks)
        assert sorted(task.title for _, task in found) == sorted(core_titles(board, text)), text
        scores = [score for score, _ in found]
        assert scores == sorted(scores, reverse=True), text
    assert find_tasks("", tasks) == [] and find_tasks("  ", tasks) == []
    refactor = by_title(board)["Refactor"]
    assert find_tasks("ref", tasks)[0][1] == refactor  # title start before a touches match
    assert find_tasks(refactor.id[:4], tasks)[0][1] == refactor  # an id prefix first


def test_the_palette_on_screen_uses_the_same_rule(board: Board) -> None:
    app = new_app(board)

    async def script(pilot: Pilot) -> None:
        await pilot.press("ctrl+p", *"nav #ui")
        assert isinstance(app.screen, CommandPalette)
        commands = app.screen.query_one(CommandList)
        await wait_for(pilot, lambda: commands.option_count >= 3, timeout=3)
        await pilot.pause(0.2)
        shown = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        hits = [title for title in ("Fix the navbar", "Navigate home", "Polish colours") if any(
            title in prompt for prompt in shown)]  # fmt: skip
        assert len(hits) == 3, shown
        assert not any("Refactor" in prompt or "Old nav work" in prompt for prompt in shown), shown

    drive(app, script)


def test_ten_thousand_tasks_filter_at_once(tmp_path: Path) -> None:
    tasks = [_synthetic(tmp_path / "open", n) for n in range(10_000)]
    query = Query.parse("NAVBAR #ui module7 zz")  # every task is looked at, most beyond the first word
    best = min(_timed(lambda: query.filter(tasks)) for _ in range(3))
    assert query.filter(tasks) == []
    assert best < 0.1, f"{best:.3f}s to filter 10,000 tasks"
    found = min(_timed(lambda: find_tasks("navbar module7", tasks)) for _ in range(3))
    assert len(find_tasks("navbar module7", tasks)) == MAX_HITS
    assert found < 0.2, f"{found:.3f}s for the palette over 10,000 tasks"


def _synthetic(folder: Path, n: int) -> Task:
    touches = ("src/site/header.py", f"module{n % 50}")
    tags = ("ui", "web") if n % 3 else ()
    fields = dict(title=f"Task number {n} for the navbar", touches=touches, tags=tags)
    return Task(id=f"{n:010d}", state="open", name=f"{n:010d}-task-{n}.md", folder=folder, priority="medium",
                estimate=None, depends=(), created=None, started=None, done=None, blocked=None,
                criteria=(0, 0), error=None, writable=True, **fields)  # fmt: skip


def _timed(work: object) -> float:
    start = time.perf_counter()
    work()  # type: ignore[operator]
    return time.perf_counter() - start
