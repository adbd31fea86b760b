"""Run the real Telegram channel (Application + Conversations) against the fake Bot API.

``BotUnderTest`` owns one Application and one Conversations on a SQLite file; stopping it and
starting another on the same file is a restart.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import socket
from collections import Counter
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

from bot.channels.telegram import ChannelOptions, RetryPolicy, build_application, serve
from bot.config import Settings
from bot.service import Conversations
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage

REPO = Path(__file__).resolve().parents[2]
PSEUDONYM_KEY = "telegram-tests-pseudonym-key-0123456789"


def process_env(
    fake: FakeBotAPI, database_url: str, tmp_path: Path, **extra: str
) -> dict[str, str]:
    """The environment of a real ``neutroguide run`` process against ``fake`` (polling unless
    ``extra`` sets ``WEBHOOK_URL``), with the repository's dialogs and catalogs."""
    env = {
        **os.environ,
        "TELEGRAM_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": database_url,
        "PSEUDONYM_KEY": PSEUDONYM_KEY,
        "DIALOGS_DIR": str(REPO / "dialogs"),
        "LOCALES_DIR": str(REPO / "locales"),
        "DEPLOYMENT_FILE": str(tmp_path / "none.yaml"),
    }
    env.pop("WEBHOOK_URL", None)
    env.update(extra)
    return env


#: Fast retries so fault tests finish quickly. Old keyboards are removed and "typing" goes out
#: at once, so the tests see every kind of call (the defaults make fewer calls: FEWER_CALLS).
TEST_OPTIONS = ChannelOptions(
    retry=RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05),
    read_timeout=5.0,
    poll_timeout=5,
    typing_after=0,
    clear_old_keyboards=True,
)
#: The production call pattern: old keyboards kept, "typing" only for a slow answer.
FEWER_CALLS = dataclasses.replace(TEST_OPTIONS, typing_after=1.0, clear_old_keyboards=False)


def make_settings(fake: FakeBotAPI, db: Path, **changes: Any) -> Settings:
    """Settings pointing at the fake server, the repo's dialogs and a SQLite file."""
    settings = Settings(
        database_url=f"sqlite:///{db}",
        dialogs_dir=REPO / "dialogs",
        locales_dir=REPO / "locales",
        pseudonym_key=PSEUDONYM_KEY,
        telegram_token=fake.token,
        telegram_api_url=fake.url,
    )
    return dataclasses.replace(settings, **changes)


class BotUnderTest:
    """The real bot, serving until :meth:`stop` (polling, or webhook if settings say so)."""

    def __init__(
        self,
        fake: FakeBotAPI,
        settings: Settings,
        options: ChannelOptions = TEST_OPTIONS,
        sock: socket.socket | None = None,
        conversations: Any = None,
    ) -> None:
        self.fake = fake
        self._given = conversations
        self.settings = settings
        self.options = options
        self.sock = sock
        self.conversations: Conversations | None = None
        self._stop = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._handled: Counter[int] = Counter()
        self._changed = asyncio.Condition()

    async def _mark_handled(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        # Registered in a later group than the bot's handlers: runs once they have finished.
        if isinstance(update, Update):
            async with self._changed:
                self._handled[update.update_id] += 1
                self._changed.notify_all()

    async def wait_handled(self, update_id: int, times: int = 1, within: float = 15.0) -> None:
        """Wait until the bot has finished processing ``update_id`` (``times`` times)."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: self._handled[update_id] >= times)

    def handled(self, update_id: int) -> int:
        """How often the bot has finished processing ``update_id``."""
        return self._handled[update_id]

    async def say(self, user_id: int, text: str, **kwargs: Any) -> list[StoredMessage]:
        """Send text (or a command), wait until it is handled; the bot's new messages."""
        before = len(self.fake.chat(user_id))
        await self.wait_handled(self.fake.send_text(user_id, text, **kwargs))
        return self.fake.chat(user_id)[before:]

    async def press(self, user_id: int, message: StoredMessage, data: str) -> list[StoredMessage]:
        """Press a button, wait until it is handled; the bot's new messages."""
        before = len(self.fake.chat(user_id))
        await self.wait_handled(self.fake.press(user_id, message, data))
        return self.fake.chat(user_id)[before:]

    async def start(self) -> BotUnderTest:
        """Open the service, build the Application and wait until it receives updates."""
        self.conversations = self._given or await Conversations.open(self.settings)
        application = build_application(self.settings, self.conversations, self.options)
        application.add_handler(TypeHandler(Update, self._mark_handled), group=1)
        started = asyncio.Event()
        self._task = asyncio.create_task(
            serve(
                application,
                self.conversations,
                self.settings,
                self._stop,
                self.options,
                self.sock,
                started,
            )
        )
        waiter = asyncio.create_task(started.wait())
        await asyncio.wait([waiter, self._task], timeout=15, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            waiter.cancel()
            if self._task.exception() is not None:
                if self._given is None:
                    await self.conversations.close()
                self._task.result()  # raises what went wrong
        assert started.is_set(), "the bot did not start within 15 s"
        return self

    async def stop(self) -> None:
        """Stop serving and close the service."""
        self._stop.set()
        try:
            if self._task is not None:
                await self._task
        finally:
            if self.conversations is not None and self._given is None:
                await self.conversations.close()

    async def __aenter__(self) -> BotUnderTest:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()


def button(message: StoredMessage, label: str) -> str:
    """The callback data of the button labelled ``label`` on ``message``."""
    for text, data in message.buttons:
        if text == label:
            return data
    raise AssertionError(f"no button {label!r} on {message.text!r}: {message.buttons}")
