"""The web server behind ``quizengine serve``: textual-serve's, with its page addresses and
websocket handshakes fitted to a quiz that writes to a learner's history.

textual-serve (1.1) starts one app process per websocket, that is per browser tab, and
stops it when the tab goes away. Three things are changed here:

- The page tells the browser where the websocket is. textual-serve builds that address from
  the host it was given, which is wrong for 0.0.0.0 and behind a reverse proxy; here it is the
  address the browser itself used (``Host``, and ``X-Forwarded-Proto`` from a proxy).
- A websocket from another site's page, or through a re-pointed name, is refused
  (:func:`websocket_refusal`): otherwise any page a learner visits could take quizzes in
  their name.
- On Ctrl+C the open sessions are closed at once, so each app process quits (saving what it
  must) instead of aiohttp waiting a minute for the websockets to end.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import signal
import socket
import weakref
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlsplit

import aiohttp_jinja2
from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

log = logging.getLogger("quizengine.web")

# Host names that always mean this machine. Any other name reaching a loopback-bound server,
# with no proxy in between, came from a page whose name was re-pointed at 127.0.0.1.
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
# A Host header as browsers send it: a name or an address, maybe a port. Anything else is not
# put into the page (it would be markup from whoever sent it).
HOST_HEADER = re.compile(r"[A-Za-z0-9._-]+(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
# Seconds Ctrl+C waits for sessions to end before their handlers are cancelled.
SHUTDOWN_SECONDS = 5.0


def public_url(headers: Mapping[str, str], host: str, scheme: str) -> str:
    """The page's own address as the browser sees it, so that its websocket address is right
    behind a reverse proxy (which passes ``X-Forwarded-Proto``) as well as direct."""
    forwarded = headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    return f"{forwarded if forwarded in ('http', 'https') else scheme}://{host}"


def websocket_url(page_url: str, path: str) -> str:
    """``ws://`` or ``wss://`` for ``path`` on the server at ``page_url``."""
    scheme, _, rest = page_url.partition("://")
    return f"{'wss' if scheme == 'https' else 'ws'}://{rest}{path}"


def websocket_refusal(headers: Mapping[str, str], *, loopback: bool) -> str | None:
    """Why a websocket (a new quiz session) must be refused, or None to accept it.

    Browsers let any page open a websocket to any address, sending the page's ``Origin``: a
    page from elsewhere must not drive a learner's quiz (cross-site websocket hijacking), so
    the origin must be the server's own address (``Host``). On a loopback server, a host name
    other than a loopback one means a foreign page whose name was re-pointed at 127.0.0.1
    (DNS rebinding), unless a reverse proxy forwarded the request: browsers' websockets
    cannot set ``X-Forwarded-For``.
    """
    host = headers.get("Host", "")
    origin = headers.get("Origin")
    if origin is not None and urlsplit(origin).netloc.lower() != host.lower():
        return (
            f"origin {origin!r} is not this server ({host!r}); behind a reverse proxy, "
            "pass the Host header on (docs/web.md)"
        )
    name = (urlsplit(f"//{host}").hostname or "").lower()
    if loopback and name not in LOOPBACK_NAMES and "X-Forwarded-For" not in headers:
        return f"host name {name!r} does not name this machine"
    return None


class QuizSession(AppService):
    """One tab's app process. When it ends on its own (it could not start, or crashed), the
    tab's websocket is closed too, so the page says *Session ended* instead of waiting."""

    async def run(self) -> None:
        process = self._process
        await super().run()  # until the process's output ends; its stderr went to the log
        if process is not None and process.stdin is not None:
            # Close the stdin pipe while the loop still runs: left to the transport's __del__,
            # it is closed after the loop, which prints an "Event loop is closed" traceback.
            process.stdin.close()
            with contextlib.suppress(ProcessLookupError):
                await process.wait()
        await self.remote_close()


class QuizServer(Server):
    """textual-serve's server on an already listening socket (bind errors were reported by
    the command, in words), with the changes above. Instead of textual-serve's banner it
    calls ``on_ready`` once it serves: Ctrl+C is handled from then on, so whoever reads the
    address it announces can stop it at once (before, the signal could arrive while the
    server was still being set up, and a shell's background job, which ignores SIGINT until
    a handler is installed, lost it)."""

    def __init__(
        self,
        command: str,
        sock: socket.socket,
        *,
        loopback: bool,
        on_ready: Callable[[], None] = lambda: None,
    ) -> None:
        super().__init__(command, title="quizengine")
        self.sock = sock
        self.loopback = loopback
        self.on_ready = on_ready
        self.sessions: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()

    def initialize_logging(self) -> None:
        # One plain line per event on stderr: no tracebacks with locals, no access log.
        logging.basicConfig(level=logging.INFO, format="quizengine: %(message)s")

    async def on_startup(self, app: web.Application) -> None:
        self.on_ready()

    async def on_shutdown(self, app: web.Application) -> None:
        for websocket in list(self.sessions):
            await websocket.close(code=WSCloseCode.GOING_AWAY, message=b"server stopped")

    def serve(self, debug: bool = False) -> None:
        self.debug = debug
        self.initialize_logging()
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for signum in (signal.SIGINT, signal.SIGTERM):
            # Windows has no signal handlers in asyncio: there Ctrl+C raises instead.
            with contextlib.suppress(NotImplementedError, AttributeError):
                loop.add_signal_handler(signum, self.request_exit)
        web.run_app(
            self._make_app(),
            sock=self.sock,
            handle_signals=False,
            loop=loop,
            print=None,
            access_log=None,
            shutdown_timeout=SHUTDOWN_SECONDS,
        )

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        if not HOST_HEADER.fullmatch(request.host):
            raise web.HTTPBadRequest(text="quizengine: not a host name in the Host header\n")
        base = public_url(request.headers, request.host, request.scheme)
        router = request.app.router
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket_url(base, str(router["websocket"].url_for())),
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": self.title},
        }

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        refusal = websocket_refusal(request.headers, loopback=self.loopback)
        if refusal is not None:
            log.warning("refused a quiz session: %s", refusal)
            return web.Response(status=403, text=f"quizengine: {refusal}\n")
        # textual-serve's handler, with the websocket kept in ``sessions`` for the shutdown.
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        self.sessions.add(websocket)
        service = QuizSession(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
            debug=self.debug,
        )
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except asyncio.CancelledError:
            await websocket.close()
        except OSError as error:  # e.g. the shell could not start the app
            log.error("a quiz session could not start: %s", error)
        except (ValueError, TypeError, LookupError, AssertionError) as error:
            # textual-serve's message loop takes the page's messages as well-formed JSON lists.
            log.warning("closed a quiz session that sent a malformed message: %r", error)
        finally:
            await service.stop()  # the app quits, as when a terminal closes
        return websocket
