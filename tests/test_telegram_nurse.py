""" "Ask a nurse" end to end: the real Application against the fake Bot API's forum topics."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.nurse.hours import DAYS
from tests.support.db import sqlite_file_at_head
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import BotUnderTest, button, make_settings
from tests.support.telegram_fixtures import EU_DEPLOYMENT

USER = 987_654_321
NURSE = 555_000_111
GROUP = -1001234567890
NURSES = replace(EU_DEPLOYMENT, nurse_group=str(GROUP), nurse_hours="always")


def never_now() -> str:
    """Opening hours that are certainly not now: an hour, three days away."""
    return f"{DAYS[(dt.datetime.now(dt.UTC).weekday() + 3) % 7]} 09:00-10:00"


async def running_bot(fake: FakeBotAPI, tmp_path: Path, **changes: str) -> BotUnderTest:
    fake.forum_chat(GROUP)
    deployment = replace(NURSES, **changes)
    await sqlite_file_at_head(tmp_path / "nurse.db")
    settings = make_settings(fake, tmp_path / "nurse.db", deployment=deployment)
    return await BotUnderTest(fake, settings).start()


@pytest.fixture
async def bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    running = await running_bot(fake, tmp_path)
    yield running
    await running.stop()


def group_texts(fake: FakeBotAPI) -> list[str]:
    return [m.text for m in fake.chat(GROUP)]


async def to_the_question(bot: BotUnderTest) -> None:
    menu = (await bot.say(USER, "/menu"))[-1]
    consent = (await bot.press(USER, menu, button(menu, "Ask a nurse")))[-1]
    assert "not your name or your Telegram account" in consent.text
    asked = (await bot.press(USER, consent, button(consent, "Yes, ask a nurse")))[-1]
    assert asked.text == "Type your question for the nurses in one message."


async def ask(bot: BotUnderTest, text: str) -> list[StoredMessage]:
    return await bot.say(USER, text)


async def test_a_question_opens_a_topic_and_a_nurses_answer_comes_back(
    bot: BotUnderTest, fake: FakeBotAPI, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    await to_the_question(bot)
    sent = await ask(bot, "Can she go to nursery with a count of 0.8?")
    assert sent[0].text.startswith("Your message is with the nurses.")
    assert sent[-1].buttons == [("Back to the menu", sent[-1].buttons[0][1])]
    assert bot.conversations is not None
    pseudonym = bot.conversations.pseudonyms.of("telegram", str(USER))
    (thread, topic), *others = fake.topics[GROUP].items()
    assert not others and topic["name"] == f"Family {pseudonym[:8]}"
    [relayed] = fake.topic_messages(GROUP, thread)
    assert relayed.text.endswith("Can she go to nursery with a count of 0.8?")
    assert all(str(USER) not in t and "Parent" not in t for t in [topic["name"], relayed.text])

    # A second question goes to the same topic.
    await ask(bot, "And swimming?")
    assert len(fake.calls_to("createForumTopic", ok=True)) == 1
    assert fake.topic_messages(GROUP, thread)[-1].text.endswith("And swimming?")

    # A nurse answers in the topic: the person gets it, marked, and keeps their buttons.
    keyboards = [m.message_id for m in fake.live_keyboards(USER)]
    update = fake.send_in_topic(GROUP, thread, NURSE, "Yes, if she feels well.")
    await bot.wait_handled(update)
    answer = fake.last_message(USER)
    assert answer.text == "From the care team's staff:\n\nYes, if she feels well."
    assert answer.buttons == []
    assert [m.message_id for m in fake.live_keyboards(USER)] == keyboards
    assert "Nurse" not in answer.text and str(NURSE) not in answer.text
    rows = await bot.conversations.store.transcript(pseudonym)
    assert [r.kind for r in rows].count("relay") == 2
    assert [r.kind for r in rows].count("staff") == 1
    # The same update again (Telegram redelivers it): the answer is not sent twice.
    before = len(fake.chat(USER))
    await bot.wait_handled(fake.redeliver(fake.update_by_id(update)))
    assert len(fake.chat(USER)) == before
    # The bot's own log names nobody and quotes nothing.
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("bot"))
    for secret in (str(USER), str(NURSE), "nursery", "swimming", "feels well"):
        assert secret not in logged


async def test_messages_that_are_no_answer_are_left_alone(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await to_the_question(bot)
    await ask(bot, "A question")
    thread = next(iter(fake.topics[GROUP]))
    before = len(fake.chat(USER)), len(fake.chat(GROUP))
    general = fake.message_update(NURSE, "Who is on call tonight?", chat=fake.forum_chat(GROUP))
    await bot.wait_handled(fake.push(general))
    await bot.wait_handled(fake.send_in_topic(GROUP, thread, NURSE, "/start"))
    await bot.wait_handled(fake.send_in_topic(GROUP, thread + 100, NURSE, "our rota topic"))
    assert (len(fake.chat(USER)), len(fake.chat(GROUP))) == before


async def test_an_urgent_question_is_answered_first_and_relayed(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await to_the_question(bot)
    sent = await ask(bot, "She has a temperature of 39.1 and is shivering")
    assert "112" in sent[0].text and sent[0].buttons  # the urgent answer, alone, first
    assert any(m.text.startswith("Your message is with the nurses.") for m in sent[1:])
    [relayed] = fake.chat(GROUP)
    assert "The bot gave them the urgent answer (" in relayed.text
    assert relayed.text.endswith("She has a temperature of 39.1 and is shivering")


@pytest.mark.slow  # starts a bot of its own
async def test_out_of_hours_the_person_is_told_when(fake: FakeBotAPI, tmp_path: Path) -> None:
    bot = await running_bot(fake, tmp_path, nurse_hours=never_now(), timezone="UTC")
    try:
        await to_the_question(bot)
        sent = await ask(bot, "Can we fly next month?")
    finally:
        await bot.stop()
    assert sent[0].text.startswith("The nurses are not at work now.")
    assert "9:00" in sent[0].text and "Coordinated Universal Time" in sent[0].text
    assert "116117" in sent[0].text and "112" in sent[0].text
    assert len(group_texts(fake)) == 1  # relayed all the same, for the morning


async def test_forget_deletes_the_topic(bot: BotUnderTest, fake: FakeBotAPI) -> None:
    await to_the_question(bot)
    await ask(bot, "A question")
    [thread] = fake.topics[GROUP]
    prompt = (await bot.say(USER, "/forget"))[-1]
    await bot.press(USER, prompt, button(prompt, "Yes, delete it"))
    assert fake.topics[GROUP] == {} and fake.chat(GROUP) == []
    assert [c.params["message_thread_id"] for c in fake.calls_to("deleteForumTopic")] == [thread]
    assert bot.conversations is not None
    assert (await bot.conversations.store.table_counts())["nurse_topics"] == 0


async def test_a_topic_deleted_by_hand_is_opened_again(bot: BotUnderTest, fake: FakeBotAPI) -> None:
    await to_the_question(bot)
    await ask(bot, "First")
    fake.topics[GROUP].clear()  # a nurse deleted the topic in Telegram
    await ask(bot, "Second")
    [(thread, _)] = fake.topics[GROUP].items()
    assert fake.topic_messages(GROUP, thread)[-1].text.endswith("Second")
    assert len(fake.calls_to("createForumTopic", ok=True)) == 2


@pytest.mark.slow  # starts a bot of its own
async def test_a_group_without_topics_tells_the_person(fake: FakeBotAPI, tmp_path: Path) -> None:
    bot = await running_bot(fake, tmp_path)
    fake.group_chat(GROUP, "supergroup")  # topics were never turned on
    try:
        await to_the_question(bot)
        await ask(bot, "A question")
    finally:
        await bot.stop()
    assert fake.last_message(USER).text.startswith("I could not pass your message to the nurses")
    assert "116117" in fake.last_message(USER).text


async def test_telegram_down_relays_the_question_when_the_update_comes_again(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await to_the_question(bot)
    fake.fail("sendMessage", 502, times=4, chat_id=GROUP)  # every attempt of the first try
    update = fake.send_text(USER, "A question while Telegram is down")
    await bot.wait_handled(update, times=2)
    [relayed] = fake.chat(GROUP)
    assert relayed.text.endswith("A question while Telegram is down")
    assert len(fake.calls_to("createForumTopic", ok=True)) == 1


async def test_an_answer_telegram_cannot_take_now_is_sent_once_when_it_comes_again(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await to_the_question(bot)
    await ask(bot, "A question")
    [thread] = fake.topics[GROUP]
    fake.fail("sendMessage", 502, times=4, chat_id=USER)  # every attempt of the first try
    update = fake.send_in_topic(GROUP, thread, NURSE, "The answer")
    await bot.wait_handled(update, times=2)
    answers = [m for m in fake.chat(USER) if m.text.endswith("The answer")]
    assert len(answers) == 1


async def test_an_answer_to_a_family_that_stopped_is_not_delivered(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await to_the_question(bot)
    await ask(bot, "A question")
    [thread] = fake.topics[GROUP]
    await bot.say(USER, "/stop")
    before = len(fake.chat(USER))
    await bot.wait_handled(fake.send_in_topic(GROUP, thread, NURSE, "The answer"))
    assert len(fake.chat(USER)) == before
    assert fake.topic_messages(GROUP, thread)[-1].text.startswith("Not delivered:")
