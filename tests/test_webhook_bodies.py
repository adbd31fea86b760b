"""Webhook bodies that must not hurt (issue 10 §4), and updates that fail (§1).

Over real HTTP: the body is capped while it is read (a 300 MB chunked body is refused after
about 1 MB, never held), deep nesting and malformed updates get 400 without a traceback or
the body's text in the log; the real channel answers 503 when the store is locked (so
Telegram delivers the update again) and 200 for a poison update, which it logs and skips.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import socket
import sqlite3
import threading
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx
import pytest
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

import bot.store.sql
from bot.channels.telegram import build_application
from bot.service import Conversations
from bot.web import MAX_BODY, SECRET_HEADER, create_app
from tests.support.db import sqlite_file_at_head
from tests.support.fake_bot_api import AsgiServer, FakeBotAPI
from tests.support.http import local_tls
from tests.support.telegram_env import TEST_OPTIONS, BotUnderTest, make_settings

SECRET = "bodies-secret_1"
PERSONAL = "Zelda has 38.9"
USER = 717_171_001


class Recorder:
    def __init__(self) -> None:
        self.updates: list[Mapping[str, Any]] = []

    async def __call__(self, update: Mapping[str, Any]) -> None:
        self.updates.append(update)


@pytest.fixture
async def served() -> AsyncIterator[tuple[AsgiServer, Recorder]]:
    recorder = Recorder()
    server = AsgiServer(create_app(webhook_path="/telegram", secret=SECRET, on_update=recorder))
    await server.start()
    try:
        yield server, recorder
    finally:
        await server.stop()


async def chunked_post(port: int, total: int, chunk: int = 64 * 1024) -> tuple[int, int]:
    """POST ``total`` bytes as a chunked body over a raw socket, stopping as soon as the
    server answers; returns (status, bytes of body sent by then).

    Plain blocking sockets in two threads, not asyncio streams: when the server closes with
    our unread body in its buffer the kernel answers with a reset, and an asyncio reader then
    raises the reset before handing over the status line it already holds.
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=60)
    sock.sendall(
        b"POST /telegram HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
        + f"{SECRET_HEADER}: {SECRET}\r\n\r\n".encode()
    )
    sent = 0
    answered = threading.Event()
    piece = b"%x\r\n" % chunk + b"[" * chunk + b"\r\n"

    def send() -> None:
        nonlocal sent
        with contextlib.suppress(OSError):  # the server stopped reading and reset
            while sent < total and not answered.is_set():
                sock.sendall(piece)
                sent += chunk

    def read_status_line() -> bytes:
        data = b""
        with contextlib.suppress(OSError):
            while b"\r\n" not in data:
                more = sock.recv(4096)
                if not more:
                    break
                data += more
        answered.set()
        return data.split(b"\r\n", 1)[0]

    try:
        status_line, _ = await asyncio.gather(
            asyncio.to_thread(read_status_line), asyncio.to_thread(send)
        )
    finally:
        sock.close()
    return int(status_line.split()[1]), sent


async def test_a_300_mb_chunked_body_is_refused_after_the_cap_without_reading_it(
    served: tuple[AsgiServer, Recorder],
) -> None:
    server, recorder = served
    status, sent = await chunked_post(server.port, 300 * 1024 * 1024)
    assert status == 413
    # The answer came while the client was still sending: the server stopped reading near
    # the cap (plus socket buffers), far below the 300 MB on offer.
    assert sent < 40 * MAX_BODY, sent
    assert recorder.updates == []


async def test_a_declared_length_over_the_cap_is_refused_before_reading(
    served: tuple[AsgiServer, Recorder],
) -> None:
    server, recorder = served
    reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
    writer.write(
        b"POST /telegram HTTP/1.1\r\nHost: x\r\nContent-Length: 314572800\r\n"
        + f"{SECRET_HEADER}: {SECRET}\r\n\r\n".encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), 10)  # not one body byte sent
    writer.close()
    with contextlib.suppress(OSError):
        await writer.wait_closed()
    assert status_line.split()[1] == b"413"
    assert recorder.updates == []


async def test_a_body_just_under_the_cap_is_read(served: tuple[AsgiServer, Recorder]) -> None:
    server, recorder = served
    padding = "a" * (MAX_BODY - 100)
    body = json.dumps({"update_id": 3, "pad": padding}).encode()
    async with httpx.AsyncClient(verify=local_tls()) as client:
        response = await client.post(
            f"{server.url}/telegram", content=body, headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 200
    assert [u["update_id"] for u in recorder.updates] == [3]


@pytest.mark.parametrize("depth", [10_000, 400_000])
async def test_deeply_nested_json_is_a_400(
    served: tuple[AsgiServer, Recorder], caplog: pytest.LogCaptureFixture, depth: int
) -> None:
    caplog.set_level(logging.DEBUG)
    server, recorder = served
    body = b'{"update_id": 1, "message": ' + b"[" * depth + b"]" * depth + b"}"
    async with httpx.AsyncClient(verify=local_tls()) as client:
        response = await client.post(
            f"{server.url}/telegram", content=body, headers={SECRET_HEADER: SECRET}
        )
    assert response.status_code == 400
    assert recorder.updates == []
    assert "RecursionError" in caplog.text
    assert not [r for r in caplog.records if r.exc_info]


# -- the real channel in webhook mode ---------------------------------------------------------


class Failing:
    """A handler in front of the bot's own that raises for chosen update ids (a bug)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and update.update_id in self.ids:
            raise RuntimeError("a bug in handling")


def free_socket() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def webhook_bot(
    fake: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[tuple[BotUnderTest, Failing]]:
    monkeypatch.setattr(bot.store.sql, "SQLITE_BUSY_TIMEOUT_MS", 300)
    sock = free_socket()
    port = sock.getsockname()[1]
    await sqlite_file_at_head(tmp_path / "bot.db")
    settings = make_settings(
        fake,
        tmp_path / "bot.db",
        webhook_url=f"http://127.0.0.1:{port}/telegram",
        webhook_secret=SECRET,
    )
    conversations = await Conversations.open(settings)
    failing = Failing()
    real_build = build_application

    def build(*args: Any, **kwargs: Any) -> Any:
        application = real_build(*args, **kwargs)
        application.add_handler(TypeHandler(Update, failing), group=-1)
        return application

    monkeypatch.setattr("tests.support.telegram_env.build_application", build)
    running = BotUnderTest(fake, settings, TEST_OPTIONS, sock=sock, conversations=conversations)
    await running.start()
    try:
        yield running, failing
    finally:
        await running.stop()
        await conversations.close()


async def post_update(url: str, body: bytes) -> httpx.Response:
    async with httpx.AsyncClient(verify=local_tls(), timeout=30) as client:
        return await client.post(url, content=body, headers={SECRET_HEADER: SECRET})


def private_message(**fields: Any) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": 5,
        "date": 0,
        "chat": {"id": USER, "type": "private", "first_name": "P"},
        "from": {"id": USER, "is_bot": False, "first_name": "P"},
        "text": PERSONAL,
    }
    message.update(fields)
    return {k: v for k, v in message.items() if v is not None}


MALFORMED = {
    "message is a string": {"update_id": 11, "message": "hi " + PERSONAL},
    "message without chat": {"update_id": 12, "message": private_message(chat=None)},
    "message without from": {"update_id": 13, "message": private_message(**{"from": None})},
    "update_id true": {"update_id": True, "message": private_message()},
    "update_id a string": {"update_id": "14", "message": private_message()},
    "chat is a list": {"update_id": 15, "message": private_message(chat=[USER])},
    "text is a number": {"update_id": 16, "message": private_message(text=389)},
    "callback_query without from": {
        "update_id": 17,
        "callback_query": {"id": "q", "chat_instance": "c", "data": PERSONAL},
    },
    "callback_query a list": {"update_id": 18, "callback_query": [PERSONAL]},
    "edited_message a string": {"update_id": 19, "edited_message": PERSONAL},
}


@pytest.mark.slow
@pytest.mark.parametrize("case", list(MALFORMED))
async def test_malformed_updates_get_400_without_traceback_or_text(
    webhook_bot: tuple[BotUnderTest, Failing],
    fake: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
    case: str,
) -> None:
    running, _ = webhook_bot
    caplog.set_level(logging.DEBUG)
    assert running.settings.webhook_url is not None
    response = await post_update(running.settings.webhook_url, json.dumps(MALFORMED[case]).encode())
    assert response.status_code == 400
    assert not fake.calls_to("sendMessage")
    assert "malformed" in caplog.text
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    for needle in (PERSONAL, "Zelda", str(USER)):
        assert needle not in caplog.text


async def test_locked_store_answers_503_and_the_redelivery_is_handled_once(
    webhook_bot: tuple[BotUnderTest, Failing], fake: FakeBotAPI, tmp_path: Path
) -> None:
    holder = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    start = fake.make_update(fake.message_update(USER, "/start"))
    try:
        assert await fake.deliver(start) == 503
        assert fake.chat(USER) == []
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    # Telegram delivers it again: now it is handled, once.
    assert await fake.deliver(start) == 200
    shown = [m.text for m in fake.chat(USER)]
    assert shown
    assert await fake.deliver(start) == 200
    assert [m.text for m in fake.chat(USER)] == shown


async def test_a_warning_sign_is_answered_even_when_the_store_is_locked(
    webhook_bot: tuple[BotUnderTest, Failing], fake: FakeBotAPI, tmp_path: Path
) -> None:
    holder = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        fever = fake.make_update(fake.message_update(USER, "my son has a fever of 39.5"))
        # Answered without state (safety over bookkeeping): acknowledged, not redelivered.
        assert await fake.deliver(fever) == 200
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert any("care team" in m.text for m in fake.chat(USER))


async def test_a_poison_update_is_logged_answered_200_and_does_not_block_the_chat(
    webhook_bot: tuple[BotUnderTest, Failing],
    fake: FakeBotAPI,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    _, failing = webhook_bot
    poison = fake.make_update(fake.message_update(USER, PERSONAL))
    failing.ids.add(poison["update_id"])
    assert await fake.deliver(poison) == 200
    assert f"update {poison['update_id']} skipped" in caplog.text
    assert await fake.deliver(fake.make_update(fake.message_update(USER, "/start"))) == 200
    assert fake.live_keyboards(USER), "the chat's next update was handled"
    assert PERSONAL not in caplog.text


@pytest.mark.parametrize("text", ["nul \x00 inside 38", "surrogate \ud800 inside"])
async def test_unstorable_characters_are_replaced_not_fatal(
    webhook_bot: tuple[BotUnderTest, Failing], fake: FakeBotAPI, text: str
) -> None:
    running, _ = webhook_bot
    assert running.settings.webhook_url is not None
    await fake.deliver(fake.make_update(fake.message_update(USER, "/start")))
    before = len(fake.chat(USER))
    update = fake.make_update(fake.message_update(USER, text))
    body = json.dumps(update).encode()  # ensure_ascii: the lone surrogate travels escaped
    assert (await post_update(running.settings.webhook_url, body)).status_code == 200
    assert len(fake.chat(USER)) > before


@pytest.mark.postgres
async def test_postgresql_stores_a_message_with_u0000_once_replaced(tmp_path: Path) -> None:
    from bot.service import Inbound
    from bot.store import SqlStore, open_store
    from tests.support.db import upgraded_postgres_database
    from tests.support.service import make_service

    service = await make_service(tmp_path / "unused.db")
    try:
        async with upgraded_postgres_database() as url:
            await service.store.close()
            service.store = await open_store(url)
            await service.handle(Inbound("telegram", "42", "command", "start", input_id="t:1"))
            # Forged button data is logged as the message id: the text column PostgreSQL checks.
            outcome = await service.handle(
                Inbound("telegram", "42", "choice", "zz\x00.1", input_id="t:2")
            )
            assert outcome.saved and outcome.messages
            assert isinstance(service.store, SqlStore)
            assert (await service.store.table_counts())["processed_inputs"] == 2
    finally:
        await service.close()
