"""End to end on the Telegram channel: a German temperature typed in the middle of the hygiene
dialog gets the urgent answer, then the person goes back to where they were."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Deployment
from bot.service import BACK_TOKEN
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import BotUnderTest, make_settings

USER = 555_000_111
DEPLOYMENT = Deployment(emergency_number="112", urgent_advice_number="116117")


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    settings = make_settings(fake, tmp_path / "bot.db", deployment=DEPLOYMENT)
    async with BotUnderTest(fake, settings) as running:
        yield running


def _with_buttons(sent: list[StoredMessage]) -> StoredMessage:
    keyboards = [m for m in sent if m.buttons]
    assert len(keyboards) == 1, [m.text for m in sent]
    return keyboards[0]


async def test_german_temperature_mid_hygiene_dialog_escalates_then_returns(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    topics = _with_buttons(await bot.say(USER, "/start prevention", language_code="de"))
    _, first_topic = topics.buttons[0]
    hygiene = await bot.press(USER, topics, first_topic)
    hygiene_buttons = list(_with_buttons(hygiene).buttons)  # later answers take the keyboard
    assert bot.conversations is not None
    pseudonym = bot.conversations.pseudonyms.of("telegram", str(USER))
    loaded = await bot.conversations.store.load(pseudonym)
    assert loaded is not None
    where = loaded[1].node
    assert where is not None and where.startswith("prevention/")

    urgent = await bot.say(USER, "Fieber 38,7", language_code="de")
    shown = "\n".join(m.text for m in urgent)
    assert DEPLOYMENT.emergency_number in shown and DEPLOYMENT.urgent_advice_number in shown
    back_on = _with_buttons(urgent)
    assert [data for _, data in back_on.buttons] == [BACK_TOKEN]
    rows = await bot.conversations.store.transcript(pseudonym)
    flagged = [r for r in rows if r.kind == "escalation"]
    assert [(r.rule, r.node) for r in flagged] == [("temperature.high", where)]

    returned = await bot.press(USER, back_on, BACK_TOKEN)
    assert [m.text for m in returned] == [m.text for m in hygiene]
    assert _with_buttons(returned).buttons == hygiene_buttons
    loaded = await bot.conversations.store.load(pseudonym)
    assert loaded is not None and loaded[1].node == where
