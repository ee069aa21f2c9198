"""`pulse serve` in real processes on a free loopback port: the page in Debian's chromium (playwright
drives it over the DevTools protocol, no browser download), the token and the guards with aiohttp's
client, the warning beyond loopback, and ctrl+c leaving no app process behind.

The browser test saves its screenshot at $TMPDIR/serve-shots/board.png, to be looked at by eye.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from support.helpers import PULSE, clean_env, ctrl_c_as_in_a_terminal, pulse, where_is

from pulseboard.cli.serve import board_name, is_loopback, page_url
from pulseboard.core.actions import create_task, init_board, move_task
from pulseboard.core.board import Board, Task

CHROMIUM = shutil.which("chromium")
TOKEN = "a-token-of-twenty-four-ch"
SHOTS = Path(tempfile.gettempdir()) / "serve-shots"
WAIT_S = 15.0  # the bound on every wait below


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str  # http://127.0.0.1:PORT
    port: int

    def apps(self) -> list[str]:
        """The command lines of serve's app processes (serve is its process group's leader)."""
        found = []
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit() or int(entry.name) == self.process.pid:
                continue
            try:
                fields = Path(entry.path, "stat").read_text().rpartition(")")[2].split()
                command = Path(entry.path, "cmdline").read_bytes().replace(b"\0", b" ").decode()
            except OSError:  # gone meanwhile
                continue
            if int(fields[2]) == self.process.pid:
                found.append(command)
        return found


def wait_until(condition: Callable[[], object], what: str, timeout: float = WAIT_S) -> None:
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"{what} did not happen within {timeout} s")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def answers(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@contextmanager
def serving(root: Path, *args: str, **env: str) -> Iterator[Served]:
    """`pulse serve` on a free loopback port, in its own process group; stopped with ctrl+c after."""
    port = free_port()
    process = subprocess.Popen(
        [*PULSE, "--board", str(root), "serve", "--port", str(port), *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=clean_env(**env), cwd=root.parent,
        start_new_session=True, preexec_fn=ctrl_c_as_in_a_terminal,
    )  # fmt: skip
    served = Served(process, f"http://127.0.0.1:{port}", port)
    try:
        wait_until(lambda: answers(port) or process.poll() is not None, "serve listening")
        assert process.poll() is None, process.communicate()
        yield served
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=WAIT_S)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)


def two_task_board(tmp_path: Path) -> tuple[Board, list[Task]]:
    """The board of a project called shop, with two open tasks."""
    root = tmp_path / "shop" / "tasks"
    init_board(root)
    board = Board(root)
    return board, [create_task(board, title) for title in ("Write the docs", "Fix the bug")]


# The page: Debian's chromium, driven by playwright over CDP ------------------------------------------


def screen_reader(page) -> object:
    """The xterm.js screen as text: its accessibility tree, after turning on xterm's screen reader mode.

    The terminal is drawn on a canvas, and textual.js keeps its xterm Terminal in a closure: the
    DevTools protocol finds the class of textual.js's session object among the closure variables of
    the page's start function, then that class's one instance (Runtime.queryObjects), and sets the
    public option `screenReaderMode` on its terminal, so xterm.js keeps a DOM row per screen line."""
    cdp = page.context.new_cdp_session(page)

    def properties(object_id: str) -> dict:
        return cdp.send("Runtime.getProperties", {"objectId": object_id, "ownProperties": True})

    def call(object_id: str, function: str) -> dict:
        return cdp.send("Runtime.callFunctionOn", {"objectId": object_id, "functionDeclaration": function})

    start = cdp.send("Runtime.evaluate", {"expression": "startTerminal"})["result"]["objectId"]
    scopes = next(p for p in cdp.send("Runtime.getProperties", {"objectId": start})["internalProperties"]
                  if p["name"] == "[[Scopes]]")  # fmt: skip
    session_class = next(
        value["value"]["objectId"]
        for scope in properties(scopes["value"]["objectId"])["result"]
        for value in properties(scope["value"]["objectId"])["result"]
        if "sendSize" in value["value"].get("description", "")  # class w{...sendSize(){...}...}
    )
    prototype = call(session_class, "function () { return this.prototype; }")["result"]["objectId"]
    sessions = cdp.send("Runtime.queryObjects", {"prototypeObjectId": prototype})["objects"]["objectId"]
    call(sessions, """function () {
        const terminal = this[0].terminal;
        terminal.options.screenReaderMode = true;
        terminal.refresh(0, terminal.rows - 1);
    }""")
    return page.locator(".xterm-accessibility-tree")


NO_CHROMIUM = "no chromium here (.ci/run installs Debian's chromium with apt-get; here it could not)"


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_the_board_in_a_browser_moves_tasks_both_ways(tmp_path: Path) -> None:
    from playwright.sync_api import expect, sync_playwright

    board, tasks = two_task_board(tmp_path)
    names = [task.path.name for task in tasks]
    elsewhere: list[str] = []  # what the page asked of any host but the server: nothing, we check
    with serving(board.root) as served, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 800})
            page.route(lambda url: not url.startswith(served.url),
                       lambda route: (elsewhere.append(route.request.url), route.abort()))  # fmt: skip
            page.goto(served.url)
            expect(page).to_have_title("shop · pulse")
            page.wait_for_selector("body.-first-byte", timeout=WAIT_S * 1000)
            assert len(served.apps()) == 1  # the tab's own board app
            screen = screen_reader(page)
            for column in ("Open 2", "Doing 0", "Done 0", "Blocked 0", "Write the docs", "Fix the bug"):
                expect(screen).to_contain_text(column, timeout=WAIT_S * 1000)

            page.locator(".xterm-helper-textarea").focus()
            page.keyboard.press("s")  # start the selected task: its file moves to doing/
            moved = lambda: any(where_is(board.root, name) == ["doing"] for name in names)  # noqa: E731
            wait_until(moved, "a file moving to doing/")
            started, other = sorted(tasks, key=lambda t: where_is(board.root, t.path.name) != ["doing"])
            assert where_is(board.root, other.path.name) == ["open"]
            expect(screen).to_contain_text("Doing 1", timeout=WAIT_S * 1000)

            move_task(board, other.id, "done")  # on disk, as another process would
            expect(screen).to_contain_text("Done 1", timeout=WAIT_S * 1000)
            expect(screen).to_contain_text("Open 0", timeout=WAIT_S * 1000)
            SHOTS.mkdir(exist_ok=True)
            page.screenshot(path=SHOTS / "board.png")
        finally:
            browser.close()
    assert where_is(board.root, started.path.name) == ["doing"]
    assert where_is(board.root, other.path.name) == ["done"]
    assert elsewhere == []


# The guards, with aiohttp's client ------------------------------------------------------------------


async def _drawn(ws: aiohttp.ClientWebSocketResponse, text: bytes = b"") -> bytes:
    """What the tab's app has drawn, once it has drawn `text` (by default: anything)."""
    drawn = b""
    async for message in ws:
        if message.type == aiohttp.WSMsgType.BINARY:
            drawn += message.data
            if text in drawn:
                return drawn
    raise AssertionError(f"the session closed before the app drew {text!r} ({ws.close_code})")


def test_a_token_is_traded_once_for_a_cookie_that_every_request_needs(tmp_path: Path) -> None:
    board, _ = two_task_board(tmp_path)

    async def visit(served: Served) -> None:
        async with aiohttp.ClientSession(served.url) as stranger:
            for path in ("/", f"/?token={TOKEN[:-1]}x", "/static/js/textual.js"):
                async with stranger.get(path) as answer:
                    assert answer.status == 401, path
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await stranger.ws_connect("/ws")
            assert refused.value.status == 401

        async with aiohttp.ClientSession(served.url, cookie_jar=aiohttp.CookieJar(unsafe=True)) as guest:
            async with guest.get(f"/?fontsize=18&token={TOKEN}", allow_redirects=False) as answer:
                assert answer.status == 303 and answer.headers["Location"] == "/?fontsize=18"
                cookie = answer.cookies[f"pulse_token_{served.port}"]
                assert cookie.value == TOKEN and cookie["httponly"] and cookie["samesite"] == "Lax"
            async with guest.get("/?fontsize=18") as answer:
                page = await answer.text()
                assert answer.status == 200 and "<title>shop · pulse</title>" in page
                assert 'data-font-size="18"' in page and "https://" not in page
            async with guest.ws_connect("/ws?width=100&height=30") as ws:
                await asyncio.wait_for(_drawn(ws, b"Write the docs"), WAIT_S)

    with serving(board.root, "--token", TOKEN) as served:
        asyncio.run(visit(served))


def test_the_token_can_come_from_the_environment_out_of_the_process_list(tmp_path: Path) -> None:
    board, _ = two_task_board(tmp_path)

    async def visit(served: Served) -> None:
        async with aiohttp.ClientSession(served.url) as stranger, stranger.get("/") as answer:
            assert answer.status == 401
        jar = aiohttp.CookieJar(unsafe=True)  # cookies for an address, not only a name
        first = f"/?token={TOKEN}"
        async with aiohttp.ClientSession(served.url, cookie_jar=jar) as guest, guest.get(first) as answer:
            assert answer.status == 200  # after the redirect, with the cookie
        command_line = Path(f"/proc/{served.process.pid}/cmdline").read_bytes()
        assert TOKEN.encode() not in command_line

    with serving(board.root, PULSE_SERVE_TOKEN=TOKEN) as served:
        asyncio.run(visit(served))
    weak = pulse("--board", board.root, "serve", cwd=tmp_path, env=clean_env(PULSE_SERVE_TOKEN="short"))
    assert weak.returncode == 1 and "PULSE_SERVE_TOKEN is too weak" in weak.stderr


def test_on_loopback_only_this_machines_names_and_pages_get_in(tmp_path: Path) -> None:
    board, _ = two_task_board(tmp_path)

    async def visit(served: Served) -> None:
        async with aiohttp.ClientSession(served.url) as client:
            async with client.get("/", headers={"Host": f"rebound.example:{served.port}"}) as answer:
                assert answer.status == 403 and "127.0.0.1" in await answer.text()
            async with client.get("/", headers={"Host": f"localhost:{served.port}"}) as answer:
                assert answer.status == 200
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect("/ws", origin="https://another.example")
            assert refused.value.status == 403
            async with client.ws_connect("/ws", origin=served.url) as ws:
                assert await asyncio.wait_for(_drawn(ws), WAIT_S)

    with serving(board.root) as served:
        asyncio.run(visit(served))


def test_beyond_loopback_it_warns_before_listening(tmp_path: Path) -> None:
    """192.0.2.1 (a documentation address, on no interface here) cannot be bound: the warning comes
    first, then one sentence, and no address is announced; nothing is exposed beyond this machine."""
    board, _ = two_task_board(tmp_path)
    result = pulse("--board", board.root, "serve", "--host", "192.0.2.1", "--port", "8000", cwd=tmp_path)
    assert result.returncode == 1 and result.stdout == "" and "Traceback" not in result.stderr
    warning, error = result.stderr.splitlines()
    assert warning.startswith("pulse: warning: serving beyond this machine (192.0.2.1)")
    assert "no accounts and no encryption" in warning
    assert error == "pulse: cannot listen on 192.0.2.1:8000: Cannot assign requested address."


def test_the_address_to_open() -> None:
    assert page_url("0.0.0.0", 8000, "t0ken") == f"http://{socket.gethostname()}:8000/?token=t0ken"
    assert page_url("::1", 8001, None) == "http://[::1]:8001/"
    assert [is_loopback(host) for host in ("127.0.0.2", "::1", "localhost", "0.0.0.0", "", "10.0.0.1")] == [
        True, True, True, False, False, False]  # fmt: skip
    assert board_name(Path("/work/shop/tasks")) == "shop" and board_name(Path("/srv/board")) == "/srv/board"


@pytest.mark.parametrize("token", ["short", "has spaces in it, sixteen+"])
def test_a_weak_or_odd_token_is_refused(tmp_path: Path, token: str) -> None:
    board, _ = two_task_board(tmp_path)
    result = pulse("--board", board.root, "serve", "--token", token, cwd=tmp_path)
    assert result.returncode == 2 and "at least 16 letters, digits" in result.stderr


# ctrl+c ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("whole_group", [False, True], ids=["serve-alone", "as-a-terminal-does"])
def test_ctrl_c_stops_serve_and_every_tabs_app(tmp_path: Path, whole_group: bool) -> None:
    """A terminal's ctrl+c signals serve and its apps; `kill -INT` serve alone. Either way every app
    process quits and serve exits 0 within seconds."""
    board, _ = two_task_board(tmp_path)

    async def two_tabs_then_ctrl_c(served: Served) -> float:
        async with aiohttp.ClientSession(served.url) as client:
            tabs = [await client.ws_connect("/ws") for _ in range(2)]
            for ws in tabs:
                await asyncio.wait_for(_drawn(ws), WAIT_S)
            readers = [asyncio.create_task(_drain(ws)) for ws in tabs]  # a browser answers the close
            assert len(served.apps()) == 2
            started = time.monotonic()
            (os.killpg if whole_group else os.kill)(served.process.pid, signal.SIGINT)
            await asyncio.wait_for(asyncio.to_thread(served.process.wait), WAIT_S)
            await asyncio.gather(*readers)
            return time.monotonic() - started

    with serving(board.root) as served:
        took = asyncio.run(two_tabs_then_ctrl_c(served))
        out, err = served.process.communicate()
    assert served.process.returncode == 0 and "Traceback" not in err, err
    assert served.apps() == [] and took < 5.0
    assert f"the board shop at {served.url}/ " in out


async def _drain(ws: aiohttp.ClientWebSocketResponse) -> None:
    async for _ in ws:
        pass


def test_textual_serve_loads_for_serve_alone() -> None:
    code = "import sys, pulseboard.cli.main, pulseboard.cli.serve; print(sorted(sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert "'textual_serve" not in loaded and "'aiohttp" not in loaded
