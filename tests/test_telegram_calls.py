"""Bot API calls per step with the default options: two for a press (the answer to the button,
sent alongside the next step), one for a typed message; old keyboards stay and a press on one
is answered "moved on" (docs/telegram.md, "Calls per step")."""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.service import Inbound, Outbound, Outcome
from tests.support.db import sqlite_file_at_head
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import FEWER_CALLS, BotUnderTest, make_settings
from tests.support.telegram_fakes import ScriptedConversations

USER = 424_242


@pytest.fixture
async def bot(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[BotUnderTest]:
    await sqlite_file_at_head(tmp_path / "bot.db")
    settings = make_settings(fake, tmp_path / "bot.db")
    async with BotUnderTest(fake, settings, FEWER_CALLS) as running:
        yield running


def calls_since(fake: FakeBotAPI, start: int) -> Counter[str]:
    return Counter(c.method for c in fake.calls[start:] if c.method != "getUpdates")


async def test_a_press_costs_two_calls_and_a_typed_message_one(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    start = len(fake.calls)
    sent = await bot.say(USER, "/start")
    assert sent and sent[-1].buttons
    assert calls_since(fake, start) == Counter({"sendMessage": len(sent)})
    for _ in range(3):
        message = fake.live_keyboards(USER)[-1]
        start = len(fake.calls)
        shown = await bot.press(USER, message, message.buttons[0][1])
        assert shown, "the press was answered with the next step"
        assert calls_since(fake, start) == Counter(
            {"answerCallbackQuery": 1, "sendMessage": len(shown)}
        )
        assert fake.last_query_id() in fake.answered
    start = len(fake.calls)
    typed = await bot.say(USER, "what is neutropenia")
    assert typed and calls_since(fake, start) == Counter({"sendMessage": len(typed)})


async def test_an_old_keyboard_stays_and_pressing_it_says_moved_on(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await bot.say(USER, "/start")
    first = fake.live_keyboards(USER)[-1]
    await bot.press(USER, first, first.buttons[0][1])
    assert first.buttons, "the old keyboard is kept (no editMessageReplyMarkup)"
    current = fake.live_keyboards(USER)[-1]
    assert current.message_id != first.message_id
    start = len(fake.calls)
    # The same old button again: the dialog has moved on from that message.
    shown = await bot.press(USER, first, first.buttons[0][1])
    toast = fake.answered[fake.last_query_id()].get("text")
    assert toast, "the button's answer says why nothing happened"
    assert shown and shown[-1].buttons == current.buttons  # the current step again
    assert "editMessageReplyMarkup" not in calls_since(fake, start)


async def test_typing_goes_out_only_when_the_answer_is_slow(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    async def slow(inbound: Inbound) -> Outcome:
        # The answer is ready only once "typing..." was sent: no guessing at durations.
        await fake.wait_calls("sendChatAction", 1)
        return Outcome((Outbound("Here you are."),))

    service = ScriptedConversations()
    service.handle = slow  # type: ignore[method-assign]
    options = dataclasses.replace(FEWER_CALLS, typing_after=0.05)
    settings = make_settings(fake, tmp_path / "unused.db")
    async with BotUnderTest(fake, settings, options, conversations=service) as running:
        sent = await running.say(USER, "a question")
    assert [m.text for m in sent] == ["Here you are."]
    (action,) = fake.calls_to("sendChatAction", ok=True)
    assert action.params["action"] == "typing"
    assert action.at <= fake.calls_to("sendMessage", ok=True)[0].received


async def test_a_quick_answer_sends_no_typing(fake: FakeBotAPI, tmp_path: Path) -> None:
    service = ScriptedConversations(lambda i: Outcome((Outbound("Quick."),)))
    options = dataclasses.replace(FEWER_CALLS, typing_after=30.0)
    settings = make_settings(fake, tmp_path / "unused.db")
    async with BotUnderTest(fake, settings, options, conversations=service) as running:
        # The handler has finished (the typing task was cancelled and awaited with it).
        await running.say(USER, "a question")
    assert fake.calls_to("sendChatAction") == []
