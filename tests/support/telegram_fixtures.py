"""Shared Telegram fixtures (a pytest plugin): the fake Bot API and a bot on EU numbers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Deployment
from tests.support.db import upgraded_sqlite_file
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import BotUnderTest, make_settings

#: Numbers that cannot be mistaken for the defaults (999/111), so a test sees they are used.
EU_DEPLOYMENT = Deployment(emergency_number="112", urgent_advice_number="116117")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    """A fake Bot API server on 127.0.0.1."""
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """The real Application and service on a SQLite file (already at head, as after a first
    start: tests/support/db.py), with the default deployment."""
    await upgraded_sqlite_file(tmp_path / "bot.db")
    async with BotUnderTest(fake, make_settings(fake, tmp_path / "bot.db")) as running:
        yield running


@pytest.fixture
async def eu_bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    """The real Application and service on a SQLite file at head, with :data:`EU_DEPLOYMENT`."""
    await upgraded_sqlite_file(tmp_path / "bot.db")
    settings = make_settings(fake, tmp_path / "bot.db", deployment=EU_DEPLOYMENT)
    async with BotUnderTest(fake, settings) as running:
        yield running


def single_keyboard(sent: list[StoredMessage]) -> StoredMessage:
    """The one message with buttons among ``sent`` (there is one live keyboard)."""
    keyboards = [m for m in sent if m.buttons]
    assert len(keyboards) == 1, [m.text for m in sent]
    return keyboards[0]
