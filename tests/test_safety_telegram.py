"""End to end on the Telegram channel: a German temperature typed in the middle of the hygiene
dialog gets the urgent answer, then the person goes back to where they were."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.service import BACK_TOKEN
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import BotUnderTest, make_settings
from tests.support.telegram_fixtures import EU_DEPLOYMENT, single_keyboard

USER = 555_000_111
DEPLOYMENT = EU_DEPLOYMENT


async def test_german_temperature_mid_hygiene_dialog_escalates_then_returns(
    eu_bot: BotUnderTest,
) -> None:
    topics = single_keyboard(await eu_bot.say(USER, "/start prevention", language_code="de"))
    _, first_topic = topics.buttons[0]
    hygiene = await eu_bot.press(USER, topics, first_topic)
    hygiene_buttons = list(single_keyboard(hygiene).buttons)  # later answers take the keyboard
    assert eu_bot.conversations is not None
    pseudonym = eu_bot.conversations.pseudonyms.of("telegram", str(USER))
    loaded = await eu_bot.conversations.store.load(pseudonym)
    assert loaded is not None
    where = loaded[1].node
    assert where is not None and where.startswith("prevention/")

    urgent = await eu_bot.say(USER, "Fieber 38,7", language_code="de")
    shown = "\n".join(m.text for m in urgent)
    assert DEPLOYMENT.emergency_number in shown and DEPLOYMENT.urgent_advice_number in shown
    back_on = single_keyboard(urgent)
    assert [data for _, data in back_on.buttons] == [BACK_TOKEN]
    rows = await eu_bot.conversations.store.transcript(pseudonym)
    flagged = [r for r in rows if r.kind == "escalation"]
    assert [(r.rule, r.node) for r in flagged] == [("temperature.high", where)]

    returned = await eu_bot.press(USER, back_on, BACK_TOKEN)
    assert [m.text for m in returned] == [m.text for m in hygiene]
    assert single_keyboard(returned).buttons == hygiene_buttons
    loaded = await eu_bot.conversations.store.load(pseudonym)
    assert loaded is not None and loaded[1].node == where


async def test_red_flag_sends_a_short_notice_to_the_operator_chat(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    deployment = replace(EU_DEPLOYMENT, operator_chat="-100777")
    settings = make_settings(fake, tmp_path / "op.db", deployment=deployment)
    async with BotUnderTest(fake, settings) as running:
        await running.say(USER, "/menu", language_code="de")
        assert not [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == -100777]
        await running.say(USER, "mein Kind hat Fieber 38,7", language_code="de")
        assert running.conversations is not None
        pseudonym = running.conversations.pseudonyms.of("telegram", str(USER))
    notices = [c for c in fake.calls_to("sendMessage") if c.params.get("chat_id") == -100777]
    assert len(notices) == 1
    text = str(notices[0].params["text"])
    assert "temperature.high" in text and pseudonym in text
    assert str(USER) not in text and "38,7" not in text and "Kind" not in text
