"""The aiohttp request class (bot/channels/telegram/request.py) against the fake Bot API:
what it sends, and how each way a call can fail is sorted by ``failure_kind``."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Callable

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram.delivery import failure_kind
from bot.channels.telegram.request import AiohttpRequest
from tests.support.fake_bot_api import DEFAULT_TOKEN, FakeBotAPI

CHAT = 620_000_001


def make_bot(url: str, **request: float) -> Bot:
    return Bot(
        DEFAULT_TOKEN,
        base_url=f"{url}/bot",
        base_file_url=f"{url}/file/bot",
        request=AiohttpRequest(**request),  # type: ignore[arg-type]
        get_updates_request=AiohttpRequest(connection_pool_size=1),
    )


@pytest.fixture
async def bot(fake: FakeBotAPI) -> AsyncIterator[Bot]:
    async with make_bot(fake.url, read_timeout=5.0) as running:
        yield running


async def failure(call: Callable[[], object]) -> TelegramError:
    with pytest.raises(TelegramError) as caught:
        await call()  # type: ignore[misc]
    return caught.value


async def test_a_message_with_a_keyboard_arrives_as_sent(fake: FakeBotAPI, bot: Bot) -> None:
    fake.private_chat(CHAT)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Yes ✓", callback_data="y")]])
    sent = await bot.send_message(CHAT, "Fièvre: 38 °C & more", reply_markup=markup)
    stored = fake.last_message(CHAT)
    assert (stored.text, stored.buttons, stored.message_id) == (
        "Fièvre: 38 °C & more",
        [("Yes ✓", "y")],
        sent.message_id,
    )


async def test_an_upload_arrives_with_its_name_caption_and_bytes(
    fake: FakeBotAPI, bot: Bot
) -> None:
    fake.private_chat(CHAT)
    content = bytes(range(256)) * 40
    await bot.send_document(CHAT, content, filename="leaflet.pdf", caption="Read this")
    stored = fake.last_message(CHAT)
    assert (stored.media, stored.file, stored.file_name, stored.text) == (
        "document",
        content,
        "leaflet.pdf",
        "Read this",
    )


async def test_gateway_html_502_and_json_5xx_are_passing(fake: FakeBotAPI, bot: Bot) -> None:
    fake.private_chat(CHAT)
    fake.fail_html("sendMessage")
    html = await failure(lambda: bot.send_message(CHAT, "x"))
    fake.fail("sendMessage", 500)
    json_5xx = await failure(lambda: bot.send_message(CHAT, "x"))
    assert isinstance(html, NetworkError) and failure_kind(html) == "passing"
    assert isinstance(json_5xx, NetworkError) and failure_kind(json_5xx) == "passing"
    assert fake.chat(CHAT) == []


async def test_429_carries_retry_after(fake: FakeBotAPI, bot: Bot) -> None:
    fake.private_chat(CHAT)
    fake.fail("sendMessage", 429, retry_after=7)
    err = await failure(lambda: bot.send_message(CHAT, "x"))
    assert isinstance(err, RetryAfter)
    wait = err.retry_after
    assert float(wait.total_seconds() if hasattr(wait, "total_seconds") else wait) == 7
    assert failure_kind(err) == "passing"


async def test_no_answer_in_time_is_ambiguous(fake: FakeBotAPI) -> None:
    fake.private_chat(CHAT)
    async with make_bot(fake.url, read_timeout=0.2, write_timeout=0.0) as bot:
        fake.stall("sendMessage")
        err = await failure(lambda: bot.send_message(CHAT, "x"))
        await fake.release()
    assert isinstance(err, TimedOut) and failure_kind(err) == "ambiguous"


@pytest.mark.slow
async def test_no_free_connection_in_time_is_passing_and_nothing_is_sent(
    fake: FakeBotAPI,
) -> None:
    fake.private_chat(CHAT)
    async with make_bot(fake.url, connection_pool_size=1, pool_timeout=0.2) as bot:
        fake.stall("sendMessage")
        held = bot.send_message(CHAT, "held")
        holding = asyncio.create_task(held)
        await fake.wait_for(lambda: len(fake.stalled) == 1)
        err = await failure(lambda: bot.send_message(CHAT, "queued"))
        await fake.release()
        with pytest.raises(NetworkError):
            await holding  # the stalled call ends as a 502
    assert isinstance(err, TimedOut) and failure_kind(err) == "passing"
    assert [c.params.get("text") for c in fake.stalled] == ["held"]
    assert fake.calls_to("sendMessage", ok=True) == []


async def test_nothing_listening_is_passing() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the call: nothing listens
    bot = make_bot(f"http://127.0.0.1:{port}")
    await bot.request.initialize()  # type: ignore[attr-defined]
    try:
        err = await failure(lambda: bot.send_message(CHAT, "x"))
    finally:
        await bot.request.shutdown()  # type: ignore[attr-defined]
    assert isinstance(err, NetworkError) and failure_kind(err) == "passing"


async def test_it_works_again_after_shutdown(fake: FakeBotAPI) -> None:
    request = AiohttpRequest()
    bot = Bot(DEFAULT_TOKEN, base_url=f"{fake.url}/bot", request=request)
    async with bot:
        pass
    with pytest.raises(NetworkError, match="not initialized"):  # PTB wraps the RuntimeError
        await request.post(f"{fake.url}/bot{DEFAULT_TOKEN}/getMe")
    async with bot:
        assert (await bot.get_me()).username == "neutroguide_test_bot"


def test_aiohttp_causes_are_sorted_like_httpx_ones() -> None:
    def caused(err: TelegramError, cause: BaseException) -> TelegramError:
        err.__cause__ = cause
        return err

    # Never reached the server (the other unsent kind, ClientConnectorError, is tested above
    # with a real closed port).
    assert failure_kind(caused(TimedOut(), aiohttp.ConnectionTimeoutError())) == "passing"
    # Went out; the answer did not come or the connection dropped: it may have arrived.
    assert failure_kind(caused(TimedOut(), aiohttp.ServerTimeoutError())) == "ambiguous"
    assert failure_kind(caused(NetworkError("x"), aiohttp.ServerDisconnectedError())) == (
        "ambiguous"
    )
    assert failure_kind(caused(NetworkError("x"), aiohttp.ClientOSError())) == "ambiguous"


async def test_the_proxy_comes_from_the_environment(
    fake: FakeBotAPI, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there
    for name in ("no_proxy", "NO_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", dead)
    fake.private_chat(CHAT)
    bot = make_bot(fake.url)
    await bot.request.initialize()  # type: ignore[attr-defined]
    try:
        err = await failure(lambda: bot.send_message(CHAT, "via the proxy"))
    finally:
        await bot.request.shutdown()  # type: ignore[attr-defined]
    assert failure_kind(err) == "passing" and fake.chat(CHAT) == []
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    async with make_bot(fake.url) as bot:
        await bot.send_message(CHAT, "direct")
    assert [m.text for m in fake.chat(CHAT)] == ["direct"]
