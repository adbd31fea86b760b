"""The web app over real HTTP: secret token in constant time, 403/400/200, health check."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import pytest

from bot.web import SECRET_HEADER, MalformedUpdate, create_app
from tests.support.fake_bot_api import AsgiServer
from tests.support.http import local_tls

SECRET = "Sup3r_secret-token"
PERSONAL = "my son has a fever of 39"


class Recorder:
    def __init__(self) -> None:
        self.updates: list[Mapping[str, Any]] = []
        self.ready = True

    async def __call__(self, update: Mapping[str, Any]) -> None:
        if update.get("reject"):
            raise MalformedUpdate("unreadable")
        self.updates.append(update)


@pytest.fixture
async def served() -> AsyncIterator[tuple[str, Recorder]]:
    recorder = Recorder()
    app = create_app(
        webhook_path="/telegram", secret=SECRET, on_update=recorder, is_ready=lambda: recorder.ready
    )
    server = AsgiServer(app)
    await server.start()
    try:
        yield server.url, recorder
    finally:
        await server.stop()


async def post(url: str, body: bytes, secret: str | None = SECRET) -> httpx.Response:
    headers = {SECRET_HEADER: secret.encode("latin-1")} if secret is not None else {}
    async with httpx.AsyncClient(verify=local_tls()) as client:
        return await client.post(f"{url}/telegram", content=body, headers=headers)


async def test_update_with_the_right_secret_is_passed_on(served: tuple[str, Recorder]) -> None:
    url, recorder = served
    response = await post(url, b'{"update_id": 7, "message": {}}')
    assert response.status_code == 200
    assert recorder.updates == [{"update_id": 7, "message": {}}]


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1], "é" * 5])
async def test_missing_or_wrong_secret_is_forbidden_and_changes_nothing(
    served: tuple[str, Recorder], secret: str | None
) -> None:
    url, recorder = served
    response = await post(url, b'{"update_id": 7}', secret=secret)
    assert response.status_code == 403
    assert recorder.updates == []


@pytest.mark.parametrize(
    "body",
    [b"", b"{", b"null", b"[]", b'"text"', b'{"message": {}}', b'{"update_id": "7"}', b"\xff"],
)
async def test_malformed_body_is_refused(served: tuple[str, Recorder], body: bytes) -> None:
    url, recorder = served
    assert (await post(url, body)).status_code == 400
    assert recorder.updates == []


async def test_unreadable_update_is_refused_and_not_logged_in_full(
    served: tuple[str, Recorder], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    url, _ = served
    body = b'{"update_id": 1, "reject": true, "text": "' + PERSONAL.encode() + b'"}'
    assert (await post(url, body)).status_code == 400
    broken = b'{"update_id": 1, "text": "' + PERSONAL.encode()
    assert (await post(url, broken)).status_code == 400
    assert "malformed" in caplog.text
    assert PERSONAL not in caplog.text


async def test_oversized_body_is_refused(served: tuple[str, Recorder]) -> None:
    url, recorder = served
    response = await post(url, b'{"update_id": 1, "x": "' + b"a" * 1_100_000 + b'"}')
    assert response.status_code == 413
    assert recorder.updates == []


async def test_health_check_follows_readiness(served: tuple[str, Recorder]) -> None:
    url, recorder = served
    async with httpx.AsyncClient(verify=local_tls()) as client:
        assert (await client.get(f"{url}/healthz")).status_code == 200
        recorder.ready = False
        assert (await client.get(f"{url}/healthz")).status_code == 503


async def test_webhook_accepts_only_post(served: tuple[str, Recorder]) -> None:
    url, _ = served
    async with httpx.AsyncClient(verify=local_tls()) as client:
        assert (await client.get(f"{url}/telegram")).status_code == 405
