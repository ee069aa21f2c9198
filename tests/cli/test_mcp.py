"""`pulse mcp` through the MCP SDK's own client over stdio: real server processes on real boards.

The tools and their annotations, the agents resource, a claim / show / note / renew / done round trip whose
JSON is the CLI's, eight clients claiming at once, and a bad id that is a tool error (pulse's
sentence) after which the server still answers. Each client is its own server process, acting as
its own PULSE_ACTOR; coroutines run under asyncio.run (no asyncio plugin).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Coroutine
from pathlib import Path
from typing import Any

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, TextResourceContents
from support.helpers import (
    STABLE_KEYS,
    assert_user_error,
    clean_env,
    frontmatter,
    places_by_id,
    pulse,
    pulse_json,
    pulse_ok,
    task_files,
)

from pulseboard.core.actions import create_task
from pulseboard.core.board import Board

pytestmark = pytest.mark.timeout(60)

CALL_TIMEOUT_S = 40  # a whole test's conversation with its servers
READS = {"next", "list", "show"}
TOOLS = ["next", "claim", "list", "show", "add", "start", "done", "block", "reopen", "note", "renew"]
BRIEF = {"id", "short", "title", "state", "priority", "estimate", "holder"}


def run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(asyncio.wait_for(coroutine, CALL_TIMEOUT_S))


@contextlib.asynccontextmanager
async def connected(project: Path, actor: str) -> AsyncIterator[ClientSession]:
    """A client session with its own `pulse mcp` server (cwd: the project), acting as actor; the
    server's stderr must hold no traceback."""
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "pulseboard", "--board", str(project / "tasks"), "mcp"],
        env=clean_env(PULSE_ACTOR=actor),
        cwd=project,
    )
    log = project.parent / f"mcp-{actor}.stderr"
    with log.open("w") as errlog:
        async with stdio_client(params, errlog=errlog) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            yield client
    assert "Traceback" not in log.read_text(), log.read_text()


def text_of(result: CallToolResult) -> str:
    assert len(result.content) == 1, result
    return result.content[0].text  # type: ignore[union-attr]


async def call(client: ClientSession, tool: str, **arguments: Any) -> Any:
    """A tool's answer, parsed; a tool error fails the test."""
    result = await client.call_tool(tool, arguments)
    assert not result.isError, text_of(result)
    return json.loads(text_of(result))


def test_the_tools_their_annotations_and_the_agents_resource(project: Path) -> None:
    async def talk() -> None:
        async with connected(project, "agent-1") as client:
            tools = (await client.list_tools()).tools
            resource = await client.read_resource("pulse://agents")  # type: ignore[arg-type]
        assert [tool.name for tool in tools] == TOOLS
        for tool in tools:
            hints = tool.annotations
            assert hints is not None and hints.openWorldHint is False, tool
            assert hints.readOnlyHint is (tool.name in READS), tool
            if tool.name not in READS:
                assert hints.destructiveHint is False, tool
                assert hints.idempotentHint is (tool.name == "renew"), tool
            assert tool.description, tool
        schemas = {tool.name: tool.inputSchema for tool in tools}
        assert set(schemas["list"]["properties"]) == {"states", "query", "held_by", "mine", "ready", "brief"}
        assert schemas["block"]["required"] == ["id", "reason"]
        assert set(schemas["claim"]["properties"]) == {"take_stale"}
        [contents] = resource.contents
        assert isinstance(contents, TextResourceContents)
        assert contents.text == pulse_ok("agents", cwd=project)

    run(talk())


def test_claim_show_list_note_renew_done_answer_as_the_cli_does(project: Path) -> None:
    root = project / "tasks"
    board = Board(root)
    first = create_task(board, "Wire the navbar", priority="high", touches=["nav.py"], estimate="10m")
    second = create_task(board, "Tidy the footer", touches=["footer.py"])
    env = clean_env(PULSE_ACTOR="cli")

    def cli(*args: str) -> Any:  # the same question to the CLI, the board as the client left it
        return pulse_json(*args, cwd=project, env=env)

    async def talk() -> None:
        async with connected(project, "agent-7") as client:
            ready = await call(client, "list", ready=True)
            assert {t["id"] for t in ready} == {first.id, second.id}
            assert all(set(t) == BRIEF for t in ready)
            ranked = await call(client, "next")
            assert ranked == cli("next")

            # the claim: the best task, in doing/ on disk, held by this client's PULSE_ACTOR
            claimed = await call(client, "claim")
            assert claimed["claimed"] is True and claimed["id"] == first.id and claimed["from"] == "open"
            [moved] = task_files(root)["doing"]
            assert moved.name.startswith(first.id) and frontmatter(moved)["holder"] == "agent-7"
            assert claimed["suggestion"]["ids"] == [first.id] and claimed["suggestion"]["kind"] == "start"
            shown = await call(client, "show", id=claimed["short"])
            assert shown == cli("show", first.id)  # keys and values, body included
            assert {k: v for k, v in claimed.items() if k in STABLE_KEYS} == {
                k: v for k, v in shown.items() if k not in ("body", "history")
            }
            assert [e["op"] for e in shown["history"]] == ["create", "move"]
            assert await call(client, "list", brief=False) == cli("ls")
            brief = await call(client, "list", states=["doing"], mine=True)
            assert brief == [{k: claimed[k] for k in BRIEF}]

            # the note lands in the file; done moves it to done/, as the CLI's move JSON says
            noted = await call(client, "note", id=claimed["id"], text="the navbar is  a flexbox")
            assert noted == {k: v for k, v in cli("show", first.id).items() if k not in ("body", "history")}
            assert "agent-7: the navbar is a flexbox" in moved.read_text(encoding="utf-8")
            renewed = await call(client, "renew", id=claimed["short"])  # only the holder renews
            assert renewed == pulse_json("renew", first.id, cwd=project, env=clean_env(PULSE_ACTOR="agent-7"))
            done = await call(client, "done", id=claimed["short"])
            assert done["state"] == "done" and done["from"] == "doing" and done["warnings"] == []
            assert places_by_id(root)[first.id] == [f"done/{moved.name}"]

            # the CLI's own claim answers with the same keys
            cli_claimed = cli("claim")
            assert set(cli_claimed) == set(claimed)
            assert set(cli_claimed["suggestion"]) == set(claimed["suggestion"])

    run(talk())


def test_eight_clients_claiming_at_once_get_eight_different_tasks(project: Path) -> None:
    root = project / "tasks"
    (root / "pulse.yaml").write_text("wip: {doing: 20}\n", encoding="utf-8")
    board = Board(root)
    made = {create_task(board, f"Task number {n}", touches=[f"src/part_{n}.py"]).id for n in range(12)}
    actors = [f"agent-{n}" for n in range(8)]
    ready = asyncio.Event()
    waiting: list[str] = []

    async def claimer(actor: str) -> dict[str, Any]:
        async with connected(project, actor) as client:
            waiting.append(actor)
            if len(waiting) == len(actors):
                ready.set()  # every server is up: all claim together
            await ready.wait()
            return await call(client, "claim")

    async def talk() -> list[dict[str, Any]]:
        return await asyncio.gather(*(claimer(actor) for actor in actors))

    claims = run(talk())

    claimed = [c["id"] for c in claims]
    assert len(set(claimed)) == 8 and set(claimed) <= made
    doing = task_files(root)["doing"]
    assert sorted(p.name.split("-")[0] for p in doing) == sorted(claimed)  # each in doing/ exactly once
    assert all(len(places) == 1 for places in places_by_id(root).values())
    holders = {p.name.split("-")[0]: frontmatter(p)["holder"] for p in doing}
    assert {holders[c["id"]] for c in claims} == set(actors)
    assert all(holders[c["id"]] == frontmatter(Path(c["path"]))["holder"] for c in claims)


def test_a_bad_id_is_a_tool_error_with_pulses_sentence_and_the_server_goes_on(project: Path) -> None:
    root = project / "tasks"
    create_task(Board(root), "Only task")
    env = clean_env(PULSE_ACTOR="cli")
    sentence = assert_user_error(pulse("show", "zzzz", cwd=project, env=env)).removeprefix("pulse: ")

    async def talk() -> tuple[CallToolResult, CallToolResult, Any, CallToolResult]:
        async with connected(project, "agent-1") as client:
            shown = await client.call_tool("show", {"id": "zzzz"})
            done = await client.call_tool("done", {"id": "zzzz"})
            tasks = await call(client, "list")
            await call(client, "start", id=tasks[0]["id"])
            nothing = await client.call_tool("claim", {})
        return shown, done, tasks, nothing

    shown, done, tasks, nothing = run(talk())

    assert shown.isError and text_of(shown) == sentence
    assert done.isError and text_of(done) == sentence
    assert [t["title"] for t in tasks] == ["Only task"]
    # nothing to claim: a tool error whose text is the JSON `pulse claim --json` prints
    cli = pulse("claim", "--json", cwd=project, env=env)
    assert cli.returncode == 1
    assert nothing.isError and json.loads(text_of(nothing)) == json.loads(cli.stdout)
