"""`pulse mcp`: the board served to MCP clients over stdio, with the official SDK's FastMCP (1.x).

Owns the server: which tools (bodies in cli/mcp_tools.py) under which annotations, how they answer
(the text `pulse ... --json` prints; a PulseError is a tool error whose text is pulse's one sentence)
and the `pulse://agents` resource (the loop of `pulse agents`). The CLI stays the first agent
interface (it costs agents fewer tokens); this face is for clients that speak only MCP.

Each client starts its own server, and the server's PULSE_ACTOR names the holder of what that
client claims and starts, so a client sets it in the server's environment:

    {"command": "pulse", "args": ["--board", "/path/to/tasks", "mcp"], "env": {"PULSE_ACTOR": "agent-1"}}

The SDK is imported only here and only when serving, so the rest of the CLI starts as fast as before.
"""

from __future__ import annotations

import argparse
import functools
import gc
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pulseboard.cli import output
from pulseboard.cli.common import open_board
from pulseboard.cli.mcp_tools import BoardTools, Refused
from pulseboard.core.errors import PulseError
from pulseboard.core.text import one_line

if TYPE_CHECKING:
    from mcp.server.fastmcp import FastMCP
    from mcp.types import CallToolResult

READS = {"readOnlyHint": True, "openWorldHint": False}
CHANGES = {"readOnlyHint": False, "destructiveHint": False, "idempotentHint": False, "openWorldHint": False}
RENEWS = {**CHANGES, "idempotentHint": True}  # a second renew changes nothing more

# (tool name, BoardTools method, annotations): the default toolset, in the order clients list it
TOOLS: tuple[tuple[str, str, dict[str, bool]], ...] = (
    ("next", "next_tasks", READS),
    ("claim", "claim", CHANGES),
    ("list", "list_tasks", READS),
    ("show", "show", READS),
    ("add", "add", CHANGES),
    ("start", "start", CHANGES),
    ("done", "done", CHANGES),
    ("block", "block", CHANGES),
    ("reopen", "reopen", CHANGES),
    ("note", "note", CHANGES),
    ("renew", "renew", RENEWS),
)

INSTRUCTIONS = (
    "A kanban board of Markdown task files (pulse). Read the resource pulse://agents for the loop: "
    "claim a task, show it, work in small moves, note what you learn, done. Answers are pulse's JSON."
)


def cmd_mcp(args: argparse.Namespace) -> int:
    """Serve the board over stdio until the client closes it."""
    from anyio import BrokenResourceError, ClosedResourceError

    board = open_board(args)  # a missing board or a broken pulse.yaml: one sentence, before serving
    gc.enable()  # main() turns it off for one-shot commands; a server lives long
    try:
        build_server(board.root).run("stdio")
    except* (ClosedResourceError, BrokenResourceError):
        pass  # the client hung up while the SDK still had a word for it (python-sdk #2064): the end
    return 0


def build_server(root: Path) -> FastMCP:
    """The server for the board at root: the tools of TOOLS and the agents resource."""
    from mcp.server.fastmcp import FastMCP
    from mcp.types import ToolAnnotations

    from pulseboard.core.agents_text import instructions
    from pulseboard.core.board import Board

    server: FastMCP = FastMCP("pulse", instructions=INSTRUCTIONS, log_level="WARNING")
    tools = BoardTools(root)
    for name, method, hints in TOOLS:
        server.add_tool(
            answering(getattr(tools, method)),
            name=name,
            annotations=ToolAnnotations(**hints),
            structured_output=False,  # the answer is the CLI's JSON text, nothing more
        )

    @server.resource("pulse://agents", name="agents", mime_type="text/markdown")
    def agents() -> str:
        """The loop an agent follows on this board, with its limits (as `pulse agents`)."""
        return instructions(Board(root).settings, os.path.relpath(root, Path.cwd()))

    return server


def answering(method: Callable[..., Any]) -> Callable[..., CallToolResult]:
    """method as a tool (its signature and docstring kept): its result as the CLI's JSON text; a
    PulseError as a tool error with pulse's sentence (a Refused one: with the CLI's JSON)."""
    from mcp.types import CallToolResult, TextContent

    @functools.wraps(method)
    def tool(**arguments: Any) -> CallToolResult:
        try:
            text, failed = output.dumps(method(**arguments)), False
        except Refused as refused:
            text, failed = output.dumps(refused.data), True
        except PulseError as exc:
            text, failed = one_line(str(exc)), True
        return CallToolResult(content=[TextContent(type="text", text=text)], isError=failed)

    return tool
