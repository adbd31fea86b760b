"""End to end on the Telegram channel: a German temperature typed in the middle of the hygiene
dialog gets the urgent answer, then the person goes back to where they were."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from bot.service import BACK_TOKEN, CONFIRM_YES
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import BotUnderTest, button, make_settings
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


# Issue 9's critical items, each through the real Application and the fake Bot API.


def _urgent(sent: list[StoredMessage]) -> StoredMessage:
    """The first message of a reply, which must be the urgent answer."""
    assert sent, "no reply"
    return sent[0]


async def test_an_emergency_sign_answers_with_the_emergency_number_first(
    eu_bot: BotUnderTest,
) -> None:
    for user, text, lang in [
        (USER + 1, "she is having a fit and her lips look blue", "en"),
        (USER + 2, "er zittert unkontrolliert und ist kaum wach zu kriegen", "de"),
        (USER + 3, "il respire très vite et ses lèvres sont bleues", "fr"),
    ]:
        first = _urgent(await eu_bot.say(user, text, language_code=lang))
        lines = first.text.splitlines()
        assert DEPLOYMENT.emergency_number in lines[0], (text, first.text)
        # the care team comes after it, the urgent advice line not before it
        assert DEPLOYMENT.urgent_advice_number not in lines[0], first.text
        assert [data for _, data in first.buttons] == [BACK_TOKEN]


async def test_a_baby_under_3_months_who_feels_hot_gets_the_baby_answer(
    eu_bot: BotUnderTest,
) -> None:
    assert eu_bot.conversations is not None
    baby = eu_bot.conversations.dialogs.system["urgent_baby_no_team"].source
    said = _urgent(await eu_bot.say(USER + 4, "my 6 week old feels really hot", language_code="en"))
    assert said.text == baby.format(emergency_number=DEPLOYMENT.emergency_number)
    # the saved age group counts too: "she feels hot" alone, for a baby saved in /settings
    settings = single_keyboard(await eu_bot.say(USER + 5, "/settings", language_code="en"))
    who = await eu_bot.press(USER + 5, settings, button(settings, "Who I am asking for"))
    ages = single_keyboard(who)
    baby_button = next(data for label, data in ages.buttons if "3 months" in label)
    await eu_bot.press(USER + 5, ages, baby_button)
    saved = _urgent(await eu_bot.say(USER + 5, "she feels hot", language_code="en"))
    assert saved.text == baby.format(emergency_number=DEPLOYMENT.emergency_number)
    # an older child who feels hot gets the fever answer, not the baby one
    older = _urgent(await eu_bot.say(USER + 6, "my 6 year old feels hot", language_code="en"))
    assert older.text != said.text and DEPLOYMENT.emergency_number in older.text


async def test_a_2243_character_message_ending_with_a_warning_sign_gets_the_urgent_answer(
    eu_bot: BotUnderTest,
) -> None:
    chatter = "We went to the park today and then to see her grandmother, who lives nearby. "
    ending = "Now she has a fever of 39.5 and is hard to wake."
    text = (chatter * 30)[: 2243 - len(ending)] + ending
    assert len(text) == 2243
    sent = await eu_bot.say(USER + 7, text, language_code="en")
    first = _urgent(sent)
    assert first.text.splitlines()[0].count(DEPLOYMENT.emergency_number) == 1, first.text
    assert not any("understand" in m.text for m in sent), [m.text for m in sent]


async def test_shivering_after_a_line_flush_gets_the_urgent_answer(eu_bot: BotUnderTest) -> None:
    assert eu_bot.conversations is not None
    sign = eu_bot.conversations.dialogs.system["urgent_sign_no_team"].source
    want = sign.format(
        emergency_number=DEPLOYMENT.emergency_number,
        urgent_advice_number=DEPLOYMENT.urgent_advice_number,
    )
    for n, text in enumerate(
        [
            "he started shivering after the nurse flushed his port",
            "she feels cold and shivery since her line flush this afternoon",
        ]
    ):
        first = _urgent(await eu_bot.say(USER + 8 + n, text, language_code="en"))
        assert first.text == want, (text, first.text)


async def test_a_fever_number_of_38_5_is_taken_only_after_the_plan_question(
    eu_bot: BotUnderTest,
) -> None:
    user = USER + 20
    settings = single_keyboard(await eu_bot.say(user, "/settings", language_code="en"))
    asked = await eu_bot.press(user, settings, button(settings, "My fever number"))
    question = await eu_bot.say(user, "38.5", language_code="en")
    check = single_keyboard(question)
    assert "Does your written plan really say 38.5 °C?" in check.text
    assert "38.0 °C" in check.text  # it names the usual number
    assert not any(DEPLOYMENT.emergency_number in m.text for m in question)  # not a reading
    # "No": back to the question, nothing saved; a reading of 38.2 is still urgent
    again = await eu_bot.press(user, check, button(check, "No, let me type it again"))
    assert [m.text for m in again][-1] == [m.text for m in asked][-1]
    assert eu_bot.conversations is not None
    fever = eu_bot.conversations.dialogs.system["urgent_fever_no_team"].source.format(
        emergency_number=DEPLOYMENT.emergency_number,
        urgent_advice_number=DEPLOYMENT.urgent_advice_number,
    )
    reading = _urgent(await eu_bot.say(user, "temp 38.2", language_code="en"))
    assert reading.text == fever
    # "Yes": saved; 38.2 is then under the person's number, 38.6 is over it
    settings = single_keyboard(await eu_bot.say(user, "/settings", language_code="en"))
    await eu_bot.press(user, settings, button(settings, "My fever number"))
    check = single_keyboard(await eu_bot.say(user, "38.5", language_code="en"))
    kept = await eu_bot.press(user, check, button(check, "Yes, my plan says that"))
    assert any("I will use 38.5 °C" in m.text for m in kept), [m.text for m in kept]
    below = await eu_bot.say(user, "temp 38.2", language_code="en")
    assert fever not in [m.text for m in below]
    assert any("below your fever number (38.5 °C)" in m.text for m in below), below
    above = _urgent(await eu_bot.say(user, "temp 38.6", language_code="en"))
    assert above.text == fever
    # nothing above 38.5 is taken as a fever number
    settings = single_keyboard(await eu_bot.say(user, "/settings", language_code="en"))
    await eu_bot.press(user, settings, button(settings, "My fever number"))
    refused = await eu_bot.say(user, "38.6", language_code="en")
    assert any("from 37 to 38.5" in m.text for m in refused), [m.text for m in refused]


async def test_the_confirm_question_shows_the_numbers_and_yes_sends_the_answer(
    eu_bot: BotUnderTest,
) -> None:
    """A sign said with "no" is asked about, with the numbers under the question, and "yes"
    sends the urgent answer."""
    user = USER + 40
    await eu_bot.say(user, "/menu", language_code="en")
    asked = await eu_bot.say(user, "if he gets chills do I call?", language_code="en")
    keyboard = single_keyboard(asked)
    assert DEPLOYMENT.emergency_number in keyboard.text
    assert DEPLOYMENT.urgent_advice_number in keyboard.text
    yes = next(data for _, data in keyboard.buttons if data.startswith(CONFIRM_YES))
    answer = await eu_bot.press(user, keyboard, yes)
    shown = "\n".join(m.text for m in answer)
    assert DEPLOYMENT.emergency_number in shown and DEPLOYMENT.urgent_advice_number in shown
    assert [data for _, data in single_keyboard(answer).buttons] == [BACK_TOKEN]
