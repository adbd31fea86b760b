"""The getUpdates loop (bot/channels/telegram/polling.py) with the real Application.

An update is confirmed (a later ``getUpdates`` offset passes it) only once handled: while
the store is locked it is retried in place, its chat's later updates wait behind it, and
nothing is confirmed; a poison update is logged, skipped and confirmed; a clean stop
confirms what was handled.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from telegram import Update
from telegram.ext import ContextTypes, TypeHandler

import bot.store.sql
from bot.channels.telegram import build_application
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import BotUnderTest, make_settings

USER = 727_272_001
OTHER = 727_272_002


def offsets(fake: FakeBotAPI) -> list[int]:
    return [int(c.params.get("offset") or 0) for c in fake.calls_to("getUpdates")]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.mark.slow
async def test_locked_store_leaves_the_update_unconfirmed_and_retries_it_in_order(
    fake: FakeBotAPI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bot.store.sql, "SQLITE_BUSY_TIMEOUT_MS", 100)
    db = tmp_path / "bot.db"
    async with BotUnderTest(fake, make_settings(fake, db)) as running:
        holder = sqlite3.connect(db, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            start = fake.send_text(USER, "/start")
            menu = fake.send_text(USER, "/menu")
            other = fake.send_text(OTHER, "hello")  # another chat, but the store is locked too
            # "typing" goes out before every attempt: four means each chat was retried.
            await fake.wait_for(lambda: len(fake.calls_to("sendChatAction")) >= 4, within=30)
            assert fake.chat(USER) == []
            assert running.handled(menu) == 0, "the chat's next update overtook the failed one"
            assert max(offsets(fake)) <= start, "an unhandled update was confirmed"
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        await running.wait_handled(menu)
        await running.wait_handled(other)
        # Once the lock is gone every update is confirmed.
        await fake.wait_for(lambda: max(offsets(fake)) > other, within=30)
        assert running.handled(start) >= 2  # retried in place
    shown = [m.text for m in fake.chat(USER)]
    assert shown and fake.live_keyboards(USER)
    commands = [m.text for m in fake.chat(OTHER)]
    assert commands


class Failing:
    """A handler in front of the bot's own that raises for chosen update ids (a bug)."""

    def __init__(self) -> None:
        self.ids: set[int] = set()

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        if isinstance(update, Update) and update.update_id in self.ids:
            raise RuntimeError("a bug in handling")


@pytest.mark.slow
async def test_a_poison_update_is_skipped_confirmed_and_the_chat_goes_on(
    fake: FakeBotAPI,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    failing = Failing()

    def build(*args: Any, **kwargs: Any) -> Any:
        application = build_application(*args, **kwargs)
        application.add_handler(TypeHandler(Update, failing), group=-1)
        return application

    monkeypatch.setattr("tests.support.telegram_env.build_application", build)
    async with BotUnderTest(fake, make_settings(fake, tmp_path / "bot.db")) as running:
        poison = fake.send_text(USER, "/start")
        failing.ids.add(poison)
        after = fake.send_text(USER, "/start")
        await running.wait_handled(after)
        await fake.wait_for(lambda: max(offsets(fake)) > after, within=30)
        assert running.handled(poison) == 1, "a poison update must not be retried"
        assert fake.live_keyboards(USER)
    assert f"update {poison} skipped" in caplog.text
    assert fake.pending_updates() == 0


async def test_a_clean_stop_confirms_what_was_handled(fake: FakeBotAPI, tmp_path: Path) -> None:
    settings = make_settings(fake, tmp_path / "bot.db")
    async with BotUnderTest(fake, settings) as running:
        last = 0
        for text in ("/start", "/menu", "/help"):
            last = fake.send_text(USER, text)
        await running.wait_handled(last)
    assert fake.pending_updates() == 0  # the last getUpdates confirmed them all
    async with BotUnderTest(fake, settings) as again:
        fresh = fake.send_text(USER, "/menu")
        await again.wait_handled(fresh)
        assert again.handled(last) == 0
