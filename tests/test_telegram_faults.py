"""Telegram failing while the bot sends (issue 10 §1): the real Application and Conversations
against the fake Bot API answering 502 with its gateway's HTML page, 5xx JSON, 429 and hangs.

The oracle is a second, independent Conversations fed the same inputs, so no test hard-codes
dialog text; the outbox is read from the bot's own store.
"""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import NetworkError, TelegramError

from bot.channels.telegram import compose
from bot.channels.telegram.delivery import failure_kind
from bot.service import Conversations, Inbound, Outcome
from bot.store import SqlStore
from tests.support.db import upgraded_sqlite_file
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import TEST_OPTIONS, BotUnderTest, make_settings

USER = 610_000_001
FEVER = "my son has 39.5"
ATTEMPTS = TEST_OPTIONS.retry.attempts
#: "Telegram is down": more failures than any retry policy makes.
DOWN = 10_000


class Oracle:
    """An independent Conversations fed the same inputs as the bot."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    async def handle(self, kind: str, value: str) -> Outcome:
        return await self.conversations.handle(
            Inbound("telegram", str(USER), kind, value, language_code="en")  # type: ignore[arg-type]
        )


@pytest.fixture
async def oracle(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Oracle]:
    await upgraded_sqlite_file(tmp_path / "oracle.db")
    conversations = await Conversations.open(make_settings(fake, tmp_path / "oracle.db"))
    try:
        yield Oracle(conversations)
    finally:
        await conversations.close()


def assert_shows(sent: list[StoredMessage], expected: Outcome) -> None:
    parts = compose(expected.messages)
    assert [m.text for m in sent] == [p.text for p in parts]
    assert [m.buttons for m in sent] == [list(p.buttons) for p in parts]


def keyboard(sent: list[StoredMessage]) -> StoredMessage:
    with_buttons = [m for m in sent if m.buttons]
    assert len(with_buttons) == 1, [m.text for m in sent]
    return with_buttons[0]


async def unsent(bot: BotUnderTest) -> int:
    """Outbox entries never confirmed sent, counted in the bot's own database."""
    assert bot.conversations is not None and isinstance(bot.conversations.store, SqlStore)
    return (await bot.conversations.store.table_counts())["outbox"]


async def started(bot: BotUnderTest, oracle: Oracle) -> StoredMessage:
    """/start on both sides; the message with the welcome's buttons."""
    sent = await bot.say(USER, "/start")
    assert_shows(sent, await oracle.handle("command", "start"))
    return keyboard(sent)


def cleared_after_sent(fake: FakeBotAPI, old: StoredMessage) -> bool:
    """The old keyboard's removal started only after the last successful sendMessage ended."""
    sends = fake.calls_to("sendMessage", ok=True)
    edits = [
        c
        for c in fake.calls_to("editMessageReplyMarkup", ok=True)
        if c.params["message_id"] == old.message_id
    ]
    return bool(sends and edits) and min(e.received for e in edits) >= sends[-1].at


# -- the error PTB raises --------------------------------------------------------------------


@pytest.mark.slow
async def test_an_html_502_is_a_network_error_from_a_json_error_and_counts_as_passing(
    fake: FakeBotAPI,
) -> None:
    fake.private_chat(USER)
    fake.fail_html("sendMessage", 502)
    async with Bot(fake.token, base_url=f"{fake.url}/bot") as tg:
        with pytest.raises(NetworkError) as caught:
            await tg.send_message(USER, "hello")
    err = caught.value
    assert "502" in str(err)
    assert isinstance(err.__cause__, TelegramError)
    assert isinstance(err.__cause__.__cause__, json.JSONDecodeError)
    assert failure_kind(err) == "passing"
    assert fake.chat(USER) == []


# -- (a) 502 HTML twice, then Telegram works again ------------------------------------------


@pytest.mark.slow
async def test_html_502_twice_then_one_reply_and_the_old_keyboard_cleared_only_after(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    old = await started(bot, oracle)
    data = old.buttons[0][1]
    expected = await oracle.handle("choice", data)
    before = len(fake.calls_to("sendMessage"))
    fake.fail_html("sendMessage", 502, times=2, chat_id=USER)
    sent = await bot.press(USER, old, data)
    assert_shows(sent, expected)
    statuses = [c.status for c in fake.calls_to("sendMessage")[before:]]
    assert statuses == [502, 502] + [200] * len(sent)
    assert old.buttons == [] and cleared_after_sent(fake, old)
    assert len(fake.live_keyboards(USER)) <= 1
    assert await unsent(bot) == 0
    assert fake.last_query_id() in fake.answered


@pytest.mark.slow
async def test_a_500_json_on_typed_text_is_retried_and_answered_once(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    old = await started(bot, oracle)
    expected = await oracle.handle("text", "hello there")
    fake.fail("sendMessage", 500, times=ATTEMPTS - 1, chat_id=USER)
    sent = await bot.say(USER, "hello there")
    assert_shows(sent, expected)
    assert len(fake.calls_to("sendMessage", ok=False)) == ATTEMPTS - 1
    assert old.buttons == [] and cleared_after_sent(fake, old)
    assert await unsent(bot) == 0


async def test_a_502_after_telegram_sent_it_gives_the_documented_duplicate(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    """The gateway failed after the backend sent the message: the bot cannot tell, sends it
    again, and the person sees it twice (docs/telegram.md: a duplicate, never a loss)."""
    await started(bot, oracle)
    expected = compose((await oracle.handle("command", "menu")).messages)
    fake.fail_html("sendMessage", 502, chat_id=USER, carry_out=True)
    sent = await bot.say(USER, "/menu")
    assert [m.text for m in sent] == [expected[0].text] + [p.text for p in expected]
    assert await unsent(bot) == 0


# -- (b) 429 ---------------------------------------------------------------------------------


@pytest.mark.slow
async def test_429_waits_retry_after_then_the_reply_arrives_once(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    old = await started(bot, oracle)
    data = old.buttons[0][1]
    expected = await oracle.handle("choice", data)
    fake.fail("sendMessage", 429, retry_after=1, chat_id=USER)
    sent = await bot.press(USER, old, data)
    assert_shows(sent, expected)
    failed, ok = fake.calls_to("sendMessage", ok=False), fake.calls_to("sendMessage", ok=True)
    assert len(failed) == 1
    # Telegram's wait was honoured: the retry came at least retry_after after the 429.
    assert ok[-len(sent)].received - failed[0].at >= 1.0
    assert old.buttons == [] and await unsent(bot) == 0


async def test_a_429_longer_than_the_cap_is_not_waited_and_the_update_comes_again(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    """A 429 asking for an hour is not waited out: the update stays unconfirmed (Undelivered
    is a passing failure), the poller hands it over again, and the stored answer is replayed."""
    old = await started(bot, oracle)
    data = old.buttons[0][1]
    expected = await oracle.handle("choice", data)
    before = len(fake.chat(USER))
    fake.fail("sendMessage", 429, retry_after=3600, chat_id=USER)
    update_id = fake.press(USER, old, data)
    await bot.wait_handled(update_id, times=2)  # within 15 s, not an hour
    assert len(fake.calls_to("sendMessage", ok=False)) == 1
    assert_shows(fake.chat(USER)[before:], expected)
    assert old.buttons == [] and await unsent(bot) == 0


# -- (c) Telegram stays down -----------------------------------------------------------------


@pytest.mark.slow
async def test_telegram_down_keeps_old_buttons_and_the_answer_is_replayed_after_restart(
    fake: FakeBotAPI, tmp_path: Path, oracle: Oracle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    settings = make_settings(fake, tmp_path / "bot.db")
    async with BotUnderTest(fake, settings) as bot:
        old = await started(bot, oracle)
        shown = len(fake.chat(USER))
        data = old.buttons[0][1]
        expected = await oracle.handle("choice", data)
        fake.fail_html("sendMessage", 502, times=DOWN, chat_id=USER)
        update_id = fake.press(USER, old, data)
        await bot.wait_handled(update_id)
        assert len(fake.calls_to("sendMessage", ok=False)) == ATTEMPTS  # bounded
        assert len(fake.chat(USER)) == shown
        assert old.buttons and fake.live_keyboards(USER) == [old]  # the person keeps them
        assert fake.calls_to("editMessageReplyMarkup") == []
        assert fake.last_query_id() in fake.answered  # the spinner stopped all the same
        assert await unsent(bot) == 1
        # The bot is alive: another chat is answered meanwhile.
        other = await bot.say(USER + 1, "/start")
        assert other
    fake.clear_faults()
    async with BotUnderTest(fake, settings) as bot:
        fake.redeliver(fake.update_by_id(update_id))
        await bot.wait_handled(update_id)
        assert_shows(fake.chat(USER)[shown:], expected)
        assert old.buttons == [] and await unsent(bot) == 0
        # Confirmed now: once more is a plain duplicate, nothing is sent.
        fake.redeliver(fake.update_by_id(update_id))
        await bot.wait_handled(update_id)
        assert len(fake.chat(USER)) == shown + len(compose(expected.messages))
    logged = caplog.text
    assert "Undelivered" in logged
    for needle in (str(USER), fake.token, expected.messages[0].text[:40]):
        assert needle not in logged


async def test_a_hung_send_then_502_leaves_the_answer_for_the_redelivery(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await started(bot, oracle)
    expected = await oracle.handle("command", "menu")
    fake.stall("sendMessage", chat_id=USER)
    fake.fail_html("sendMessage", 504, times=DOWN, chat_id=USER)
    update_id = fake.send_text(USER, "/menu")
    await fake.wait_for(lambda: len(fake.stalled) == 1)
    await fake.release()
    await bot.wait_handled(update_id)
    assert await unsent(bot) == 1
    before = len(fake.chat(USER))
    fake.clear_faults()
    fake.redeliver(fake.update_by_id(update_id))
    await bot.wait_handled(update_id, times=2)
    assert_shows(fake.chat(USER)[before:], expected)
    assert await unsent(bot) == 0


# -- (d) the urgent answer -------------------------------------------------------------------


async def test_urgent_answer_arrives_through_502s(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await started(bot, oracle)
    expected = await oracle.handle("text", FEVER)
    assert expected.messages[0].urgent
    fake.fail_html("sendMessage", 502, times=ATTEMPTS - 1, chat_id=USER)
    sent = await bot.say(USER, FEVER)
    assert_shows(sent, expected)
    assert sent[0].text == expected.messages[0].text
    assert await unsent(bot) == 0


async def test_urgent_answer_during_an_outage_is_sent_when_the_update_comes_again(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await started(bot, oracle)
    expected = await oracle.handle("text", FEVER)
    shown = len(fake.chat(USER))
    fake.fail_html("sendMessage", 502, times=DOWN, chat_id=USER)
    update_id = fake.send_text(USER, FEVER)
    await bot.wait_handled(update_id)
    assert len(fake.chat(USER)) == shown and await unsent(bot) == 1
    fake.clear_faults()
    fake.redeliver(fake.update_by_id(update_id))
    await bot.wait_handled(update_id, times=2)
    sent = fake.chat(USER)[shown:]
    assert_shows(sent, expected)
    assert [m.text for m in sent].count(expected.messages[0].text) == 1
    assert await unsent(bot) == 0


@pytest.mark.slow
async def test_urgent_answer_is_sent_again_after_a_timeout_even_if_that_doubles_it(
    fake: FakeBotAPI, tmp_path: Path, oracle: Oracle
) -> None:
    """Telegram took the urgent message but answered too late: an ordinary message is not
    sent again (it most likely arrived), urgent advice is (docs/telegram.md)."""
    options = dataclasses.replace(TEST_OPTIONS, read_timeout=0.3)
    async with BotUnderTest(fake, make_settings(fake, tmp_path / "bot.db"), options) as bot:
        await started(bot, oracle)
        expected = compose((await oracle.handle("text", FEVER)).messages)
        assert expected[0].urgent
        fake.slow("sendMessage", 1.0, chat_id=USER)
        sent = await bot.say(USER, FEVER)
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage", ok=True)) >= 2 + len(expected))
        assert await unsent(bot) == 0
    sent = fake.chat(USER)[-len(expected) - 1 :]
    assert [m.text for m in sent] == [expected[0].text] + [p.text for p in expected]
