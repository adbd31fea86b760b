"""Bot API calls over aiohttp: python-telegram-bot's ``BaseRequest`` with a cheaper client.

PTB's own ``HTTPXRequest`` (httpx, httpcore, anyio) was about a third of the main thread in
the loaded bot (docs/performance.md); this one does the same job on aiohttp's connector.
It keeps what the delivery code relies on (bot/channels/telegram/delivery.py):

- ``(status, body)`` is returned for every HTTP answer, whatever its status or content type;
  PTB turns a 5xx, a 429 or an HTML gateway page into its own errors from there.
- A failure before the request could reach the server (no connection could be made or
  taken from the pool in time) raises ``TimedOut``/``NetworkError`` *caused by* one of
  :data:`UNSENT_ERRORS`, so :func:`~bot.channels.telegram.delivery.failure_kind` calls it
  ``passing``; a timeout waiting for the answer raises ``TimedOut`` caused by
  ``aiohttp.ServerTimeoutError`` and a dropped connection ``NetworkError`` caused by another
  ``aiohttp.ClientError``: both ``ambiguous``.
- Timeouts: ``connect_timeout`` bounds opening a connection, ``pool_timeout`` plus
  ``connect_timeout`` bounds getting one (aiohttp has one budget for both), and
  ``read_timeout`` bounds each wait for data from the server. aiohttp has no write timeout:
  ``write_timeout`` and ``media_write_timeout`` are added to the read budget instead, so a
  slow upload is not cut short.
- ``connection_pool_size`` caps the connections (the same meaning as PTB's).
- Idle connections are closed after ``keepalive`` seconds, below the 5 s most servers keep
  them (uvicorn, nginx's default is 75 s): reusing one the server is closing at that moment
  would turn a call into an ``ambiguous`` failure.
"""

from __future__ import annotations

import urllib.request
from typing import Any

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

#: aiohttp errors raised before the request reached the server: always safe to send again.
#: ``ConnectionTimeoutError`` is a ``ServerTimeoutError``: test for it first.
UNSENT_ERRORS: tuple[type[BaseException], ...] = (
    aiohttp.ConnectionTimeoutError,
    aiohttp.ClientConnectorError,
)


class AiohttpRequest(BaseRequest):
    """A ``telegram.request.BaseRequest`` on one ``aiohttp.ClientSession``.

    Args:
        connection_pool_size: connections open at most.
        read_timeout: seconds to wait for data from the server (None: no limit).
        write_timeout: seconds added to ``read_timeout`` for sending the request.
        connect_timeout: seconds to open a connection.
        pool_timeout: seconds to wait for a free connection.
        media_write_timeout: ``write_timeout`` for uploads.
        keepalive: seconds an idle connection is kept for reuse.
        proxy: an HTTP proxy URL for every call (None: ``HTTPS_PROXY``, ``HTTP_PROXY`` and
            ``NO_PROXY`` from the environment, read once per host: aiohttp's own
            ``trust_env`` reads them and ``~/.netrc`` again on every call, about 7 % of the
            loaded bot's CPU).
    """

    __slots__ = (
        "_connect_timeout",
        "_keepalive",
        "_media_write_timeout",
        "_pool_size",
        "_pool_timeout",
        "_proxies",
        "_proxy",
        "_read_timeout",
        "_session",
        "_write_timeout",
    )

    def __init__(
        self,
        connection_pool_size: int = 256,
        read_timeout: float | None = 5.0,
        write_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        pool_timeout: float | None = 1.0,
        media_write_timeout: float | None = 20.0,
        keepalive: float = 4.0,
        proxy: str | None = None,
    ) -> None:
        self._pool_size = connection_pool_size
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._pool_timeout = pool_timeout
        self._media_write_timeout = media_write_timeout
        self._keepalive = keepalive
        self._proxy = proxy
        self._session: aiohttp.ClientSession | None = None
        self._proxies: dict[str, str | None] = {}

    @property
    def read_timeout(self) -> float | None:
        """The default read timeout in seconds."""
        return self._read_timeout

    async def initialize(self) -> None:
        """Open the session (again, after :meth:`shutdown`)."""
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                limit=self._pool_size, keepalive_timeout=self._keepalive
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                headers={"User-Agent": self.USER_AGENT},
                auto_decompress=True,
            )

    async def shutdown(self) -> None:
        """Close the session and its connections."""
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Make one call; see ``telegram.request.BaseRequest.do_request``."""
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        files = request_data.multipart_data if request_data else None
        fields = request_data.json_parameters if request_data else None
        read = _given(read_timeout, self._read_timeout)
        write = _given(write_timeout, self._media_write_timeout if files else self._write_timeout)
        connect = _given(connect_timeout, self._connect_timeout)
        pool = _given(pool_timeout, self._pool_timeout)
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=None if connect is None or pool is None else connect + pool,
            sock_connect=connect,
            sock_read=None if read is None else read + (write or 0.0),
        )
        body: Any = _form(fields, files) if files else fields
        try:
            async with session.request(
                method, url, data=body, timeout=timeout, proxy=self._proxy_for(url)
            ) as response:
                return response.status, await response.read()
        except aiohttp.ConnectionTimeoutError as err:
            raise TimedOut(
                "Could not connect to Telegram in time; the request was not sent"
            ) from err
        except (TimeoutError, aiohttp.ServerTimeoutError) as err:
            raise TimedOut from err
        except aiohttp.ClientError as err:
            raise NetworkError(f"aiohttp.{type(err).__name__}: {err}") from err

    def _proxy_for(self, url: str) -> str | None:
        if self._proxy is not None:
            return self._proxy
        origin = url.split("/", 3)[:3]  # scheme, "", host[:port]
        key = "/".join(origin)
        if key not in self._proxies:
            scheme, host = origin[0].rstrip(":"), origin[-1]
            # In urllib, not in its stubs.
            no_proxy = urllib.request.proxy_bypass_environment  # type: ignore[attr-defined]
            bypass = no_proxy(host.rsplit(":", 1)[0])
            found = None if bypass else urllib.request.getproxies_environment().get(scheme)
            self._proxies[key] = found
        return self._proxies[key]


def _given(value: ODVInput[float], default: float | None) -> float | None:
    return default if isinstance(value, DefaultValue) else value


def _form(fields: dict[str, str] | None, files: dict[str, Any]) -> aiohttp.FormData:
    form = aiohttp.FormData(quote_fields=False)
    for name, value in (fields or {}).items():
        form.add_field(name, value)
    for name, part in files.items():
        filename, content, mimetype = part
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
