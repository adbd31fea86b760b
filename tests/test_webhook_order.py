"""The webhook is set only once the bot's server accepts connections: Telegram delivers as
soon as it is set, so a bot that sets it first loses (or delays) the first updates when its
server is slow to bind, as it was under load (test_private_logs met a closed port)."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.support.db import sqlite_file_at_head
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import TEST_OPTIONS, BotUnderTest, make_settings

SECRET = "order-test-secret"
USER = 4242


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _accepts(port: int) -> bool:
    try:
        _, writer = await asyncio.open_connection("127.0.0.1", port)
    except OSError:
        return False
    writer.close()
    await writer.wait_closed()
    return True


async def test_the_webhook_is_set_after_the_server_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_startup = uvicorn.Server.startup

    async def slow_startup(self: uvicorn.Server, sockets: Any = None) -> None:
        await asyncio.sleep(0.5)  # a loaded machine: binding comes late
        await real_startup(self, sockets=sockets)

    monkeypatch.setattr(uvicorn.Server, "startup", slow_startup)
    port = _free_port()
    await sqlite_file_at_head(tmp_path / "bot.db")
    async with FakeBotAPI() as fake:
        real_set = fake._m_setwebhook
        listening_when_set: list[bool] = []

        async def set_webhook(params: dict[str, Any]) -> bool:
            listening_when_set.append(await _accepts(port))
            return await real_set(params)

        monkeypatch.setattr(fake, "_m_setwebhook", set_webhook)
        settings = make_settings(
            fake,
            tmp_path / "bot.db",
            webhook_url=f"http://127.0.0.1:{port}/telegram",
            webhook_secret=SECRET,
            port=port,
        )
        running = BotUnderTest(fake, settings, TEST_OPTIONS)
        await running.start()
        try:
            assert listening_when_set == [True]
            # and the first update, delivered the moment the webhook is set, is answered
            update = fake.make_update(fake.message_update(USER, "/start"))
            assert await fake.deliver(update) == 200
            await running.wait_handled(update["update_id"])
            assert fake.chat(USER), "the first update got no answer"
        finally:
            await running.stop()
