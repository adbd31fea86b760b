"""German, Arabic and Polish families walk the fever check on Telegram (fake Bot API),
typing readings the local way; the texts they must see come from the real catalogs."""

from __future__ import annotations

import pytest

from bot.content.loader import load_dialogs
from bot.i18n.render import Catalogs, Renderer
from tests.support.content import ROOT
from tests.support.telegram_env import BotUnderTest
from tests.support.telegram_fixtures import EU_DEPLOYMENT, single_keyboard

DEPLOYMENT = EU_DEPLOYMENT
WALKS = [
    ("de", 601, "37,4", "38,6"),
    ("ar", 602, "٣٧٫٤", "٣٨٫٦"),
    ("pl", 603, "37,4", "38,6 °C"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "user", "below", "above"), WALKS, ids=[w[0] for w in WALKS])
async def test_fever_walk_on_telegram(
    eu_bot: BotUnderTest, lang: str, user: int, below: str, above: str
) -> None:
    dialogs = load_dialogs(ROOT / "dialogs")
    renderer = Renderer(Catalogs.load(ROOT / "locales"), dialogs)
    values = {"fever_threshold": DEPLOYMENT.fever_threshold, **DEPLOYMENT.placeholders()}
    watch = renderer.text(dialogs.nodes["fever/watch"].say[0].text, lang, values)
    urgent = renderer.text(dialogs.system["urgent_fever_no_team"], lang, values)
    fever_label = renderer.text(dialogs.nodes[dialogs.menu].choices[0].label, lang)
    assert watch != renderer.text(dialogs.nodes["fever/watch"].say[0].text, "en", values)

    menu = single_keyboard(await eu_bot.say(user, "/menu", language_code=lang))
    data = dict(menu.buttons)[fever_label]  # the menu's first button, in the person's language
    await eu_bot.press(user, menu, data)
    answered = await eu_bot.say(user, below, language_code=lang)
    assert any(watch in m.text for m in answered), [m.text for m in answered]

    again = single_keyboard(await eu_bot.say(user, "/menu", language_code=lang))
    await eu_bot.press(user, again, dict(again.buttons)[fever_label])
    escalated = await eu_bot.say(user, above, language_code=lang)
    assert any(urgent in m.text for m in escalated), [m.text for m in escalated]
    assert "112" in urgent and "116117" in urgent
