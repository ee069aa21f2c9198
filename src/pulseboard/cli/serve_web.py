"""The web side of `pulse serve`: textual-serve's Server, guarded, with pulse's page and a clean stop.

textual-serve (aiohttp) starts one board app process per browser websocket and has no authentication.
`BoardServer` adds one aiohttp middleware that every request passes:
- the Host header must name this machine's loopback when the server listens only there (so a page
  on another site cannot reach the board through a DNS name rebound to 127.0.0.1);
- a websocket must come from a page of this server (its Origin is this host), so another site's
  page open in the same browser cannot drive the board;
- with a token, the page asks for `?token=` once, answers with a cookie and a redirect to the bare
  address (the token leaves the address bar), and every later request must carry that cookie.
On shutdown (ctrl+c) each open session is cancelled, which makes textual-serve quit its app process,
so serve exits promptly and leaves no app behind. This module is imported only by `pulse serve`.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import signal
from pathlib import Path
from typing import Any

from aiohttp import hdrs, web
from textual_serve.server import Server
from yarl import URL

from pulseboard.cli.serve import is_loopback

PAGE = Path(__file__).with_name("serve_page")  # app_index.html: the page textual-serve renders
STOP_WAIT_S = 10.0  # how long ctrl+c waits for the app processes to quit


class BoardServer(Server):
    """textual-serve's Server for one board: `announce` is printed once it listens."""

    def __init__(
        self, command: str, *, host: str, port: int, title: str, token: str | None, announce: str
    ) -> None:
        super().__init__(command, host=host, port=port, title=title, templates_path=PAGE)
        self.token = token
        self.loopback = is_loopback(host)
        self.announce = announce
        self.cookie = f"pulse_token_{port}"  # cookies ignore the port: two boards on one host keep theirs
        self.sessions: set[asyncio.Task[Any]] = set()

    def initialize_logging(self) -> None:
        """Problems only (an app that failed to start), not a line per request."""
        logging.basicConfig(level=logging.WARNING, format="pulse serve: %(message)s")

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.middlewares.append(self.guard)
        return app

    def serve(self, debug: bool = False) -> None:
        """textual-serve's `serve`, announcing the address once it listens (an error, if it can't)."""
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        for signal_number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signal_number, self.request_exit)
        web.run_app(
            self._make_app(), host=self.host, port=self.port, loop=loop, handle_signals=False,
            print=lambda _: print(self.announce, flush=True),
        )  # fmt: skip

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: textual-serve's banner would show before the port is bound."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Cancel every open session: textual-serve then tells its app to quit and waits for it."""
        for session in self.sessions:
            session.cancel()
        if self.sessions:
            await asyncio.wait(self.sessions, timeout=STOP_WAIT_S)

    @web.middleware
    async def guard(self, request: web.Request, handler: Any) -> web.StreamResponse:
        """Refuse what did not come from this board's page; trade a right `?token=` for a cookie."""
        refused = self._refusal(request)
        if refused:
            return web.Response(status=403, text=refused + "\n")
        if self.token is not None:
            given = request.query.get("token")
            if given is not None and request.path == "/" and self._matches(given):
                bare = request.rel_url.without_query_params("token")
                answer = web.HTTPSeeOther(location=str(bare))
                answer.set_cookie(self.cookie, self.token, httponly=True, samesite="Lax", path="/")
                raise answer
            if not self._matches(request.cookies.get(self.cookie, "")):
                text = "This board needs its token: open the address `pulse serve` printed, with ?token=.\n"
                return web.Response(status=401, text=text)
        if request.path != "/ws":
            return await handler(request)
        session = asyncio.current_task()
        assert session is not None
        self.sessions.add(session)
        try:
            return await handler(request)
        finally:
            self.sessions.discard(session)

    def _refusal(self, request: web.Request) -> str | None:
        """Why the request is refused whatever its token (None: it is not)."""
        host = request.url.host or ""
        if self.loopback and not is_loopback(host):
            return f"This board answers only at this machine's loopback (127.0.0.1, localhost), not {host}."
        origin = request.headers.get(hdrs.ORIGIN)
        if request.path == "/ws" and origin is not None and URL(origin).raw_authority != request.host:
            return "A board session opens only from the board's own page."
        return None

    def _matches(self, given: str) -> bool:
        assert self.token is not None
        return secrets.compare_digest(given.encode(), self.token.encode())
