"""Counting a turn's database costs: thread hand-offs to the event loop, and PostgreSQL round
trips through a TCP proxy (each time the client speaks again after the server answered)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy.engine import make_url


@contextmanager
def counting_hops(loop: asyncio.AbstractEventLoop) -> Iterator[list[int]]:
    """Count hand-offs from other threads to ``loop``: aiosqlite's, run_in_executor's and any
    other thread's result comes back through ``call_soon_threadsafe``."""
    count = [0]
    original = loop.call_soon_threadsafe

    def counted(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return original(*args, **kwargs)

    loop.call_soon_threadsafe = counted  # type: ignore[method-assign]
    try:
        yield count
    finally:
        loop.call_soon_threadsafe = original  # type: ignore[method-assign]


class RoundTrips:
    """Counts client → server exchanges across every connection through the proxy.

    ``count`` goes up when a client sends data on a connection whose last traffic came from
    the server (or which is new): pipelined statements sent in one go count once.
    """

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self._upstream = (upstream_host, upstream_port)
        self.count = 0
        self.port = 0
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        last: list[str],
        side: str,
    ) -> None:
        try:
            while data := await reader.read(65536):
                if side == "client" and last[0] != "client":
                    self.count += 1
                last[0] = side
                writer.write(data)
                await writer.drain()
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            with contextlib.suppress(Exception):
                writer.close()

    async def _serve(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection(*self._upstream)
        last = ["server"]
        up = asyncio.create_task(self._pipe(client_r, server_w, last, "client"))
        down = asyncio.create_task(self._pipe(server_r, client_w, last, "server"))
        self._tasks |= {up, down}
        await asyncio.gather(up, down)

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)


@asynccontextmanager
async def counting_round_trips(url: str) -> AsyncIterator[tuple[str, RoundTrips]]:
    """The same database ``url`` through a counting proxy: ``(proxied url, counter)``."""
    parsed = make_url(url)
    proxy = RoundTrips(parsed.host or "127.0.0.1", parsed.port or 5432)
    await proxy.start()
    try:
        yield (
            parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False),
            proxy,
        )
    finally:
        await proxy.stop()
