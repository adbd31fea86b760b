"""The webhook is set only once the bot's server accepts connections: Telegram delivers as
soon as it is set, so a bot that sets it first loses (or delays) the first updates when its
server is slow to bind, as it was under load (test_private_logs met a closed port)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from tests.support.db import sqlite_file_at_head
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import (
    PSEUDONYM_KEY,
    REPO,
    TEST_OPTIONS,
    BotUnderTest,
    make_settings,
)

SECRET = "order-test-secret"
USER = 4242
TOKEN = "6150873329:AAHorderTestToken_abcdefghijklmnop"
#: Loaded by the bot process at start (sitecustomize on its PYTHONPATH): uvicorn binds late.
SLOW_BIND = """
import asyncio
import uvicorn

_real_startup = uvicorn.Server.startup


async def _slow_startup(self, sockets=None):
    await asyncio.sleep(1.0)
    await _real_startup(self, sockets=sockets)


uvicorn.Server.startup = _slow_startup
"""


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

    monkeypatch.setattr(uvicorn.Server, "startup", slow_startup)  # binding comes late
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


@pytest.mark.slow
async def test_the_bot_process_sets_the_webhook_after_its_server_listens(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same through ``python -m bot run`` as a real process, its bind made slow."""
    hook = tmp_path / "slow_bind"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(SLOW_BIND, encoding="utf-8")
    port = _free_port()
    async with FakeBotAPI(token=TOKEN) as fake:
        real_set = fake._m_setwebhook
        listening_when_set: list[bool] = []

        async def set_webhook(params: dict[str, Any]) -> bool:
            listening_when_set.append(await _accepts(port))
            return await real_set(params)

        monkeypatch.setattr(fake, "_m_setwebhook", set_webhook)
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(hook), os.environ.get("PYTHONPATH")])),
            "TELEGRAM_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram",
            "WEBHOOK_SECRET": SECRET,
            "PORT": str(port),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'bot.db'}",
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "DIALOGS_DIR": str(REPO / "dialogs"),
            "LOCALES_DIR": str(REPO / "locales"),
            "DEPLOYMENT_FILE": str(tmp_path / "none.yaml"),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        try:
            await fake.wait_for(lambda: bool(fake.webhook.get("url")), within=60)
            assert listening_when_set == [True]
            update = fake.make_update(fake.message_update(USER, "/start"))
            assert await fake.deliver(update) == 200
            await fake.wait_for(lambda: bool(fake.chat(USER)), within=30)
        finally:
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                await process.communicate()
        assert process.returncode == 0
