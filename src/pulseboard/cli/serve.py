"""`pulse serve`: the board in a browser, through textual-serve (docs/serve.md).

Each browser tab gets its own board app process (`pulse --board DIR`, the same app as in a terminal, so
every write goes through the same core), started by textual-serve when the tab's websocket opens, and
each follows the disk with its own watcher. This module decides what is served where: the board and its
name (the page's title), the address, the token and the warning; the web server is cli/serve_web.py,
imported only once all that is settled, so textual-serve and aiohttp load for this command alone.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import secrets
import shlex
import socket
import sys
from pathlib import Path
from urllib.parse import quote

from pulseboard.cli.common import open_board, warn
from pulseboard.cli.parser import weak_token
from pulseboard.core.errors import PulseError
from pulseboard.core.text import one_line

TOKEN_VARIABLE = "PULSE_SERVE_TOKEN"
EVERYWHERE = frozenset({"", "0.0.0.0", "::"})  # the hosts that listen on every interface


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the board until ctrl+c; beyond loopback, only to those who have the token."""
    board = open_board(args)
    root = board.root.absolute()
    token = args.token or token_from_environment()
    if not is_loopback(args.host):
        if token is None:
            token = secrets.token_urlsafe(24)
        warn(
            f"serving beyond this machine ({args.host or 'every interface'}): pulse serve has no accounts "
            "and no encryption, only the token in the address; whoever sees that address can move your "
            "tasks. Prefer 127.0.0.1 and an SSH tunnel."
        )
    app = [sys.executable, "-m", "pulseboard", "--board", str(root), *(["--poll"] if args.poll else [])]
    name = one_line(board_name(root))
    url = page_url(args.host, args.port, token)
    from pulseboard.cli.serve_web import BoardServer

    server = BoardServer(
        "exec " + shlex.join(app),  # the shell textual-serve starts becomes the app: one process a tab
        host=args.host,
        port=args.port,
        title=f"{name} · pulse",
        token=token,
        announce=f"pulse serve: the board {name} at {url} (one app per tab; ctrl+c stops)",
    )
    try:
        server.serve()
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise PulseError(f"cannot listen on {args.host}:{args.port}: {reason}.") from None
    return 0


def token_from_environment() -> str | None:
    """$PULSE_SERVE_TOKEN: a token kept out of the process list (as `--token` is not)."""
    token = os.environ.get(TOKEN_VARIABLE) or None
    if token is not None and weak_token(token):
        raise PulseError(f"${TOKEN_VARIABLE} is too weak: a token is at least 16 letters, digits, - or _.")
    return token


def is_loopback(host: str) -> bool:
    """Whether `host` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def board_name(root: Path) -> str:
    """The board as a person names it: its project folder for `<project>/tasks`, else its folder's path."""
    if root.name == "tasks" and root.parent.name:
        return root.parent.name
    return str(root)


def page_url(host: str, port: int, token: str | None) -> str:
    """The address to open: this machine's name when serving on every interface, the token as `?token=`."""
    name = socket.gethostname() if host in EVERYWHERE else host
    if ":" in name:
        name = f"[{name}]"
    query = f"?token={quote(token)}" if token else ""
    return f"http://{name}:{port}/{query}"
