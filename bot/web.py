"""The ASGI app (Starlette): the Telegram webhook endpoint and a health check.

It knows nothing about Telegram's types: the channel hands it a callback that takes one
decoded update. Other apps (the review app, under ``/review``) are mounted beside it.

What the webhook answers::

    403  wrong or missing secret token (nothing read)
    413  a body over MAX_BODY (reading stops there: a huge body is never held in memory)
    400  not JSON, too deeply nested, or not an update (MalformedUpdate)
    503  handling failed for a passing reason (TryLater): the sender delivers it again
    200  handled, or skipped for good (the channel logged why)
"""

from __future__ import annotations

import hmac
import inspect
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.types import ASGIApp

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's updates are a few KB; anything far larger is not an update.
MAX_BODY = 1_000_000
#: Seconds a sender is asked to wait before delivering a refused update again.
RETRY_AFTER = 5

UpdateCallback = Callable[[Mapping[str, Any]], Awaitable[None]]
Readiness = Callable[[], bool | Awaitable[bool]]


class MalformedUpdate(ValueError):
    """The body decoded as JSON but is not an update the channel can read."""


class TryLater(Exception):
    """The update was neither handled nor stored, for a passing reason: answer 503."""


class _TooLarge(Exception):
    pass


async def read_capped(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request body, read chunk by chunk and given up as soon as it passes ``limit``.

    A declared ``Content-Length`` over the limit is refused before anything is read; a
    chunked body is counted as it arrives, so at most ``limit`` bytes (plus one chunk) are
    ever held.

    Raises:
        _TooLarge: the body is longer than ``limit``.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def create_app(
    *,
    webhook_path: str,
    secret: str,
    on_update: UpdateCallback,
    is_ready: Readiness = lambda: True,
    mounts: Mapping[str, ASGIApp] | None = None,
) -> Starlette:
    """Build the web app.

    Args:
        webhook_path: where Telegram posts updates, e.g. ``/telegram``.
        secret: the value Telegram sends in the ``X-Telegram-Bot-Api-Secret-Token`` header.
        on_update: processes one decoded update; the request is answered when it returns.
            It raises :class:`MalformedUpdate` for an update it cannot read (400) and
            :class:`TryLater` when handling failed for a passing reason (503, so Telegram
            delivers it again; the update id keeps it from being applied twice).
        is_ready: the health check (``GET /healthz``: 200 when true, else 503); may be async.
        mounts: more apps served under a path prefix, e.g. ``{"/review": review_app}``.

    Returns:
        The Starlette application.
    """
    expected = secret.encode("utf-8")

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            log.warning("webhook: request without the right secret token refused")
            return JSONResponse({"ok": False}, status_code=403)
        try:
            body = await read_capped(request)
        except _TooLarge:
            log.warning("webhook: body over %d bytes refused", MAX_BODY)
            # The rest is never read; the connection is closed after this answer.
            return JSONResponse({"ok": False}, status_code=413, headers={"Connection": "close"})
        except ClientDisconnect:
            return Response(status_code=400)
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or type(data.get("update_id")) is not int:
                raise MalformedUpdate("not an update object")
            await on_update(data)
        except (json.JSONDecodeError, UnicodeDecodeError, RecursionError, MalformedUpdate) as err:
            # Only the size and the error kind: the body may hold a person's message.
            log.warning("webhook: malformed body (%d bytes): %s", len(body), type(err).__name__)
            return JSONResponse({"ok": False}, status_code=400)
        except TryLater as err:
            log.warning("webhook: update not handled (%s); answered 503 to have it again", err)
            return JSONResponse(
                {"ok": False}, status_code=503, headers={"Retry-After": str(RETRY_AFTER)}
            )
        return JSONResponse({"ok": True})

    async def healthz(request: Request) -> Response:
        ready = is_ready()
        if inspect.isawaitable(ready):
            ready = await ready
        return JSONResponse({"ok": bool(ready)}, status_code=200 if ready else 503)

    routes: list[BaseRoute] = [
        Route(webhook_path, webhook, methods=["POST"]),
        Route("/healthz", healthz, methods=["GET"]),
    ]
    routes += [Mount(prefix, app=mounted) for prefix, mounted in (mounts or {}).items()]
    return Starlette(routes=routes)
