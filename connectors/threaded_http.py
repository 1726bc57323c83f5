"""An aiohttp application served from a background thread with its own event loop.

The wire-level test doubles (Elasticsearch, Kibana) run this way so synchronous tests,
asynchronous tests and benchmark commands can all talk to them without sharing a loop.
"""

from __future__ import annotations

import asyncio
import threading
from types import TracebackType
from typing import Self

from aiohttp import web

START_TIMEOUT_S = 30.0


class ThreadedHttpServer:
    """Serves :meth:`handle` for every path on a free 127.0.0.1 port; a context manager."""

    thread_name = "threaded-http-server"

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request (subclasses implement)."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        if not self.port:
            raise RuntimeError(f"{type(self).__name__} is not started")
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Self:
        """Serve in a background thread; returns once the port is bound."""
        ready = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._serve, args=(ready, failure), name=self.thread_name, daemon=True
        )
        self._thread.start()
        ready.wait(START_TIMEOUT_S)
        if failure or not self.port:
            cause = failure[0] if failure else None
            raise RuntimeError(f"{type(self).__name__} did not start") from cause
        return self

    def stop(self) -> None:
        """Stop serving and join the thread."""
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(START_TIMEOUT_S)
        self._loop = None
        self._thread = None
        self.port = 0

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self, ready: threading.Event, failure: list[BaseException]) -> None:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        self._loop = loop
        app = web.Application(client_max_size=256 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self.handle)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        try:
            loop.run_until_complete(runner.setup())
            loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
            self.port = int(runner.addresses[0][1])
        except Exception as exc:
            failure.append(exc)
            ready.set()
            loop.close()
            return
        ready.set()
        try:
            loop.run_forever()
        finally:
            loop.run_until_complete(runner.cleanup())
            loop.close()
