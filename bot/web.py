"""The ASGI app (Starlette): the Telegram webhook endpoint and a health check.

It knows nothing about Telegram's types: the channel hands it a callback that takes one
decoded update. Room is left for the operator pages (mount more routes on the same app).
"""

from __future__ import annotations

import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
#: Telegram's updates are a few KB; anything far larger is not an update.
MAX_BODY = 1_000_000

UpdateCallback = Callable[[Mapping[str, Any]], Awaitable[None]]


class MalformedUpdate(ValueError):
    """The body decoded as JSON but is not an update the channel can read."""


def create_app(
    *,
    webhook_path: str,
    secret: str,
    on_update: UpdateCallback,
    is_ready: Callable[[], bool] = lambda: True,
) -> Starlette:
    """Build the web app.

    Args:
        webhook_path: where Telegram posts updates, e.g. ``/telegram``.
        secret: the value Telegram sends in the ``X-Telegram-Bot-Api-Secret-Token`` header.
        on_update: processes one decoded update; the request is answered when it returns, so
            an update whose processing fails is redelivered by Telegram (and recognised).
        is_ready: the health check's answer (``GET /healthz``: 200 when true, else 503).

    Returns:
        The Starlette application.
    """
    expected = secret.encode("utf-8")

    async def webhook(request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode("latin-1")
        if not hmac.compare_digest(given, expected):
            log.warning("webhook: request without the right secret token refused")
            return JSONResponse({"ok": False}, status_code=403)
        body = await request.body()
        if len(body) > MAX_BODY:
            log.warning("webhook: body of %d bytes refused", len(body))
            return JSONResponse({"ok": False}, status_code=413)
        try:
            data = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise MalformedUpdate("not an update object")
            await on_update(data)
        except (json.JSONDecodeError, UnicodeDecodeError, MalformedUpdate) as err:
            # Only the size and the error kind: the body may hold a person's message.
            log.warning("webhook: malformed body (%d bytes): %s", len(body), type(err).__name__)
            return JSONResponse({"ok": False}, status_code=400)
        return JSONResponse({"ok": True})

    async def healthz(request: Request) -> Response:
        ready = is_ready()
        return JSONResponse({"ok": ready}, status_code=200 if ready else 503)

    return Starlette(
        routes=[
            Route(webhook_path, webhook, methods=["POST"]),
            Route("/healthz", healthz, methods=["GET"]),
        ]
    )
