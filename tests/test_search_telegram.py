"""End to end on the Telegram channel: a question typed in Spanish comes back as page buttons
through the fake Bot API, and pressing one opens the page."""

from __future__ import annotations

import pytest

from bot.engine.engine import PAGE_TOKEN
from tests.support.telegram_env import BotUnderTest, button
from tests.support.telegram_fixtures import single_keyboard

pytestmark = pytest.mark.slow  # a real bot against the fake Bot API

USER = 555_013_001


async def test_a_typed_question_gets_page_buttons_that_open_the_page(bot: BotUnderTest) -> None:
    await bot.say(USER, "/menu", language_code="es")
    found = await bot.say(USER, "¿Puede mi hija nadar en la piscina?", language_code="es")
    keyboard = single_keyboard(found)
    assert keyboard.text == "Estas páginas pueden ayudar:"
    pages = [(label, data) for label, data in keyboard.buttons if data.startswith(PAGE_TOKEN)]
    assert 1 <= len(pages) <= 3
    assert all(len(data.encode()) <= 64 for _, data in keyboard.buttons)  # Telegram's limit
    label, data = next((lab, d) for lab, d in pages if "Natación" in lab or "nadar" in lab)
    opened = await bot.press(USER, keyboard, data)
    assert bot.conversations is not None
    pseudonym = bot.conversations.pseudonyms.of("telegram", str(USER))
    loaded = await bot.conversations.store.load(pseudonym)
    assert loaded is not None and (loaded[1].node or "").startswith("water/")
    assert opened and opened[0].text != keyboard.text, label


async def test_hello_gets_a_friendly_answer_not_an_apology(bot: BotUnderTest) -> None:
    await bot.say(USER, "/menu", language_code="en")
    answer = await bot.say(USER, "hello", language_code="en")
    assert answer[0].text.startswith("Hello! You can type a question in your own words")
    assert "did not understand" not in "\n".join(m.text for m in answer)
    menu = single_keyboard(answer)
    assert button(menu, "Fever check")
