"""German, Arabic and Polish families walk the fever check on Telegram (fake Bot API),
typing readings the local way; the texts they must see come from the real catalogs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import Deployment
from bot.content.loader import load_dialogs
from bot.i18n.render import Catalogs, Renderer
from tests.support.content import ROOT
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import BotUnderTest, make_settings

DEPLOYMENT = Deployment(emergency_number="112", urgent_advice_number="116117")
WALKS = [
    ("de", 601, "37,4", "38,6"),
    ("ar", 602, "٣٧٫٤", "٣٨٫٦"),
    ("pl", 603, "37,4", "38,6 °C"),
]


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.fixture
async def bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    settings = make_settings(fake, tmp_path / "bot.db", deployment=DEPLOYMENT)
    async with BotUnderTest(fake, settings) as running:
        yield running


def _keyboard(sent: list[StoredMessage]) -> StoredMessage:
    keyboards = [m for m in sent if m.buttons]
    assert len(keyboards) == 1, [m.text for m in sent]
    return keyboards[0]


@pytest.mark.parametrize(("lang", "user", "below", "above"), WALKS, ids=[w[0] for w in WALKS])
async def test_fever_walk_on_telegram(
    bot: BotUnderTest, lang: str, user: int, below: str, above: str
) -> None:
    dialogs = load_dialogs(ROOT / "dialogs")
    renderer = Renderer(Catalogs.load(ROOT / "locales"), dialogs)
    values = {"fever_threshold": DEPLOYMENT.fever_threshold, **DEPLOYMENT.placeholders()}
    watch = renderer.text(dialogs.nodes["fever/watch"].say[0].text, lang, values)
    urgent = renderer.text(dialogs.system["urgent_fever_no_team"], lang, values)
    fever_label = renderer.text(dialogs.nodes[dialogs.menu].choices[0].label, lang)
    assert watch != renderer.text(dialogs.nodes["fever/watch"].say[0].text, "en", values)

    menu = _keyboard(await bot.say(user, "/menu", language_code=lang))
    data = dict(menu.buttons)[fever_label]  # the menu's first button, in the person's language
    await bot.press(user, menu, data)
    answered = await bot.say(user, below, language_code=lang)
    assert any(watch in m.text for m in answered), [m.text for m in answered]

    again = _keyboard(await bot.say(user, "/menu", language_code=lang))
    await bot.press(user, again, dict(again.buttons)[fever_label])
    escalated = await bot.say(user, above, language_code=lang)
    assert any(urgent in m.text for m in escalated), [m.text for m in escalated]
    assert "112" in urgent and "116117" in urgent
