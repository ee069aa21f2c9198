"""The `pulse` command line's grammar: every command, its arguments and help, and the value checks.

Each command names the function that runs it as "module:function" under pulseboard.cli (its `handler`),
so that `main` imports only the module of the command being run and start-up stays light.
"""

from __future__ import annotations

import argparse
import string
from collections.abc import Callable

from pulseboard import __version__
from pulseboard.cli.completion import SHELLS, TaskIds
from pulseboard.core.board import STATES
from pulseboard.core.fields import PRIORITIES

MAX_DAYS = 3660  # ten years: `pulse stats --days`

TOKEN_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-_")  # `pulse serve --token`
Command = Callable[..., argparse.ArgumentParser]  # command(name, handler, help_text, *, with_json=False)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _numbers(text: str) -> list[int]:
    """`1,3` (or `1 3`): criteria numbers, each a whole number of at least 1."""
    words = text.replace(",", " ").split()
    if not words:
        raise argparse.ArgumentTypeError(f"{text!r} names no criterion; give numbers such as 1,3")
    return [_count(word) for word in words]


def _days(text: str) -> int:
    value = _count(text)
    if value > MAX_DAYS:
        raise argparse.ArgumentTypeError(f"{text!r} days is more than the {MAX_DAYS} pulse looks back")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _port(text: str) -> int:
    value = int(text) if text.isdigit() else 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (1 to 65535)")
    return value


def weak_token(text: str) -> bool:
    """Whether a token for `pulse serve` is too weak or odd to use (also $PULSE_SERVE_TOKEN's)."""
    return len(text) < 16 or not set(text) <= TOKEN_CHARACTERS


def _token(text: str) -> str:
    if weak_token(text):
        raise argparse.ArgumentTypeError("a token is at least 16 letters, digits, '-' or '_'")
    return text


def build_parser() -> argparse.ArgumentParser:
    """The whole parser; a parsed command has `handler` set ("module:function"), `pulse` alone has none."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--board",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help="the tasks folder (default: $PULSE_BOARD, else the nearest tasks/ upwards)",
    )
    json_flag = argparse.ArgumentParser(add_help=False)
    json_flag.add_argument("--json", action="store_true", help="print JSON for scripts and agents")

    parser = argparse.ArgumentParser(
        prog="pulse", parents=[common], description="A kanban board over a folder of Markdown task files."
    )
    parser.add_argument("--version", action="version", version=f"pulse {__version__}")
    parser.add_argument("--poll", action="store_true", default=argparse.SUPPRESS,
                        help="the board: poll the folder instead of native file events")  # fmt: skip
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(
        name: str, handler: str, help_text: str, *, with_json: bool = False
    ) -> argparse.ArgumentParser:
        parents = [common, json_flag] if with_json else [common]
        p = sub.add_parser(name, parents=parents, help=help_text, description=help_text)
        p.set_defaults(handler=handler)
        return p

    _task_commands(command)  # in the order `pulse --help` lists them
    _board_commands(command)
    _agent_commands(command)
    p = command("completion", "completion:cmd_completion", "print the shell's completion script (see README)")
    p.add_argument("shell", choices=SHELLS)
    return parser


def _task_commands(command: Command) -> None:
    """init, add, ls, show, the moves, undo, edit (cli/tasks.py)."""
    p = command(
        "init", "tasks:cmd_init", "make a board: tasks/ with open/ doing/ done/ blocked/ and pulse.yaml"
    )
    p.add_argument(
        "dir",
        nargs="?",
        help="the project folder to make tasks/ in (default: .); "
        "a folder named tasks, or one that already has open/, is used as the board itself",
    )

    p = command("add", "tasks:cmd_add", "create a task in open/", with_json=True)
    p.add_argument("title")
    p.add_argument("--priority", choices=PRIORITIES)
    p.add_argument("--estimate", metavar="DURATION", help="30s, 5m, 1h30m")
    p.add_argument(
        "--touches",
        action="append",
        default=[],
        metavar="X",
        help="a file, glob or component it changes (repeatable)",
    )
    p.add_argument(
        "--depends",
        action="append",
        default=[],
        metavar="ID",
        help="a task that must be done first (repeatable)",
    )
    p.add_argument("--tag", dest="tags", action="append", default=[], metavar="T")
    p.add_argument("--parent", metavar="ID", help="the task this one is a part of (it lists it in children)")
    p.add_argument("--start", action="store_true", help="start it at once: into doing/, held by you")
    p.add_argument("--force", action="store_true", help="with --start: start it past a hard WIP limit")
    body = p.add_mutually_exclusive_group()
    body.add_argument("--body", metavar="TEXT")
    body.add_argument("--edit", action="store_true", help="open the new file in your editor")

    p = command(
        "split",
        "split:cmd_split",
        "make a task's unchecked acceptance criteria (or the titles given) its parts, in open/",
        with_json=True,
    )
    p.add_argument("id").completer = _not_in("done")
    p.add_argument("titles", nargs="*", metavar="TITLE", help="the parts' titles (default: its criteria)")
    p.add_argument(
        "--pick",
        type=_numbers,
        default=[],
        metavar="N,M",
        help="only these criteria, counted from 1 as the body lists them (checked ones count too)",
    )

    p = command("ls", "tasks:cmd_ls", "list tasks", with_json=True)
    p.add_argument("--state", action="append", choices=STATES, help="only this state (repeatable)")
    p.add_argument(
        "query",
        nargs="*",
        metavar="WORD",
        help="only tasks matching every word: in the title, touches, tags, a blocker's reason or the body"
        " text, or the start of the id or file name; '#tag' a tag (quote it: # starts a shell comment),"
        " @who who a blocked task waits on, p:high, state:doing, -word for not, 'a phrase' with its spaces",
    )
    p.add_argument("--filter", metavar="QUERY", help="the same query as one string, as the board's / has it")
    p.add_argument("--archived", action="store_true", help="the archive's tasks too (read from their files)")
    held = p.add_mutually_exclusive_group()
    held.add_argument(
        "--mine", action="store_true", help="only tasks you hold ($PULSE_ACTOR, else your login)"
    )
    held.add_argument("--held-by", metavar="NAME", help="only tasks NAME holds")

    p = command("show", "tasks:cmd_show", "show one task", with_json=True)
    p.add_argument("id").completer = TaskIds()

    _move_commands(command)

    p = command(
        "undo",
        "tasks:cmd_undo",
        "revert your last move, or batch of moves (from the journal); again: the one before",
        with_json=True,
    )
    p.add_argument(
        "--any", action="store_true", help="the last move by anyone, not only by you ($PULSE_ACTOR)"
    )

    p = command(
        "archive",
        "archive:cmd_archive",
        "move done tasks out of the columns into archive/YYYY-MM/ (pulse undo puts them back)",
        with_json=True,
    )
    p.add_argument(
        "ids", nargs="*", metavar="id", help="these done tasks (default: those done long ago)"
    ).completer = TaskIds(["done"])
    p.add_argument(
        "--older-than",
        metavar="AGE",
        help="done longer ago than this: 30d, 2w, 12h (default: archive.after in pulse.yaml, else 30d)",
    )
    p.add_argument("--dry-run", action="store_true", help="list what would be archived; move nothing")

    p = command("unarchive", "archive:cmd_unarchive", "put archived tasks back in done/", with_json=True)
    p.add_argument("ids", nargs="+", metavar="id").completer = TaskIds(archived=True)

    p = command("edit", "tasks:cmd_edit", "open a task in $VISUAL or $EDITOR")
    p.add_argument("id").completer = TaskIds()


def _not_in(state: str) -> TaskIds:
    """A TAB after a move to `state` offers the tasks not there already."""
    return TaskIds(s for s in STATES if s != state)


def _move_commands(command: Command) -> None:
    """start, done, reopen, block (each to its own state) and mv (to any); each takes one task or
    several, moved as one batch (cli/tasks.py)."""
    ids_help = "a task's id prefix or file name; several move as one batch"
    for name, state, help_text in (
        ("start", "doing", "move tasks to doing/"),
        ("done", "done", "move tasks to done/"),
        ("reopen", "open", "move tasks back to open/"),
    ):
        p = command(name, "tasks:cmd_move", help_text, with_json=True)
        p.set_defaults(to_state=state)
        p.add_argument("ids", nargs="+", metavar="id", help=ids_help).completer = _not_in(state)
        if state == "doing":
            p.add_argument("--force", action="store_true", help="start even past a hard WIP limit")

    p = command("block", "tasks:cmd_move", "move tasks to blocked/", with_json=True)
    p.set_defaults(to_state="blocked")
    p.add_argument("ids", nargs="+", metavar="id", help=ids_help).completer = _not_in("blocked")
    p.add_argument("--reason", required=True, help="what is needed to unblock it (one for all)")
    p.add_argument("--waiting-on", metavar="WHO", help="who must act")

    p = command("mv", "tasks:cmd_mv", "move tasks to any state", with_json=True)
    p.add_argument("ids", nargs="+", metavar="id", help=ids_help).completer = TaskIds()
    p.add_argument("state", choices=STATES)
    p.add_argument("--reason", help="with blocked: what is needed")
    p.add_argument("--waiting-on", metavar="WHO", help="with blocked: who must act")
    p.add_argument("--force", action="store_true", help="move into doing/ even past a hard WIP limit")


def _board_commands(command: Command) -> None:
    """The commands over the whole board: doctor (cli/doctor.py); next, claim, stats (cli/heartbeat.py);
    beat, watch (cli/live.py); sync (cli/gitglue.py)."""
    p = command("doctor", "doctor:cmd_doctor", "check the board for problems", with_json=True)
    p.add_argument(
        "--fix", action="store_true", help="settle a task in two folders (you choose), leftover temp files"
    )
    p.add_argument("--keep", choices=STATES, help="with --fix: keep the copy in this folder")

    p = command("next", "heartbeat:cmd_next", "what to do next, and why (the heartbeat)", with_json=True)
    p.add_argument("-n", type=_count, default=5, metavar="N", help="how many suggestions (default 5)")
    p.add_argument("--why", action="store_true", help="also print the score and its terms behind each rank")

    p = command(
        "claim",
        "heartbeat:cmd_claim",
        "move the best task to start to doing/ and print it (for agents)",
        with_json=True,
    )
    p.add_argument(
        "--take-stale",
        action="store_true",
        help="take over a task whose holder went silent past the lease, before starting a new one",
    )

    p = command(
        "beat", "live:cmd_beat", "print the heartbeat every interval and after each change", with_json=True
    )
    p.add_argument(
        "--interval", type=_seconds, metavar="S", help="seconds between beats (default: pulse.yaml, 60)"
    )
    p.add_argument("-n", type=_count, default=5, metavar="N", help="how many suggestions a beat (default 5)")
    p.add_argument("--poll", action="store_true", help="poll the folder instead of native file events")

    command("sync", "gitglue:cmd_sync", "commit the board's pending changes, pull with rebase, push (git)")

    p = command(
        "stats",
        "heartbeat:cmd_stats",
        "done per day, cycle and lead time, time blocked, ageing work",
        with_json=True,
    )
    p.add_argument("--days", type=_days, default=14, metavar="N", help="the window in days (default 14)")

    p = command("watch", "live:cmd_watch", "print each change on the board as it happens", with_json=True)
    p.add_argument("--poll", action="store_true", help="poll the folder instead of native file events")


def _agent_commands(command: Command) -> None:
    """What people and agents share: note, renew (cli/holders.py); agents (cli/agents.py); plan
    (cli/plan.py); mcp (cli/mcp.py); serve (cli/serve.py)."""
    p = command(
        "note", "holders:cmd_note", "add a timestamped line under the task's ## Notes", with_json=True
    )
    p.add_argument("id").completer = TaskIds()
    p.add_argument("text", nargs="+", help="the note (words are joined with spaces)")

    p = command("renew", "holders:cmd_renew", "say you are still on a task you hold: its lease starts again",
                with_json=True)  # fmt: skip
    p.add_argument("ids", nargs="+", metavar="id").completer = TaskIds(["doing"])

    p = command("agents", "agents:cmd_agents", "print the loop an agent should follow on this board")
    p.add_argument(
        "--install",
        metavar="FILE",
        help="write or update the loop as a marked block in FILE (AGENTS.md, CLAUDE.md), leaving the rest",
    )

    p = command(
        "plan",
        "plan:cmd_plan",
        "open tasks that can run side by side now, as lanes for N hands",
        with_json=True,
    )
    p.add_argument("--hands", type=_count, default=3, metavar="N", help="how many lanes (default 3)")

    command("mcp", "mcp:cmd_mcp", "serve the board to MCP clients over stdio (for agents that speak MCP)")

    p = command("serve", "serve:cmd_serve", "the board in a browser: one board app per tab (textual-serve)")
    p.add_argument("--host", default="127.0.0.1",
                   help="the address to listen on (default 127.0.0.1); beyond loopback a token is required")
    p.add_argument("--port", type=_port, default=8000, help="the port to listen on (default 8000)")
    p.add_argument("--token", type=_token, help="require this token (?token= once, then a cookie; default "
                   "$PULSE_SERVE_TOKEN, not in the process list); beyond loopback one is made up if none")
    p.add_argument("--poll", action="store_true", help="poll the folder instead of native file events")
