"""The handlers' translation and sending rules, with a scripted service behind the real PTB."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.channels.telegram.delivery import RetryPolicy, failure_kind
from bot.channels.telegram.text import MESSAGE_LIMIT
from bot.service import Inbound, Outbound, Outcome
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.telegram_env import BotUnderTest, make_settings
from tests.support.telegram_fakes import ScriptedConversations

USER = 555_000_111
LONG = "\n\n".join(f"Paragraph {i}. " + "Plain words about care. " * 120 for i in range(5))


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


async def start(fake: FakeBotAPI, tmp_path: Path, service: ScriptedConversations) -> BotUnderTest:
    settings = make_settings(fake, tmp_path / "unused.db")
    return await BotUnderTest(fake, settings, conversations=service).start()


async def test_long_reply_is_split_with_the_keyboard_on_the_last_part(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    service = ScriptedConversations(lambda i: Outcome((Outbound(LONG, (("Next", "n.0"),)),)))
    bot = await start(fake, tmp_path, service)
    try:
        sent = await bot.say(USER, "tell me everything")
    finally:
        await bot.stop()
    assert len(sent) > 1
    assert all(len(m.text) <= MESSAGE_LIMIT for m in sent)
    assert "\n\n".join(m.text for m in sent) == LONG
    assert [m.buttons for m in sent] == [[]] * (len(sent) - 1) + [[("Next", "n.0")]]


async def test_updates_become_inbound_inputs(fake: FakeBotAPI, tmp_path: Path) -> None:
    service = ScriptedConversations()
    bot = await start(fake, tmp_path, service)
    try:
        await bot.say(USER, "/START@neutroguide_test_bot fever", language_code="de")
        await bot.say(USER, "hello there", language_code=None)
        await bot.wait_handled(fake.send_media(USER, "voice"))
        message = fake.last_message(USER)
        update_id = fake.press(USER, message, "abc.1")
        await bot.wait_handled(update_id)
    finally:
        await bot.stop()
    command, text, media, choice = service.inbound
    assert (command.kind, command.value, command.argument) == ("command", "start", "fever")
    assert command.language_code == "de"
    assert command.user_id == str(USER)
    assert (text.kind, text.value, text.language_code) == ("text", "hello there", None)
    assert (media.kind, media.value) == ("media", "voice")
    assert (choice.kind, choice.value) == ("choice", "abc.1")
    assert choice.input_id == f"telegram:{update_id}:{message.message_id}"
    assert len({i.input_id for i in service.inbound}) == 4
    assert all(str(USER) not in (i.input_id or "") for i in service.inbound)


async def test_a_failing_service_still_answers_the_button_and_the_bot_carries_on(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    def script(inbound: Inbound) -> Outcome:
        if inbound.value == "boom":
            raise RuntimeError("service failure")
        return Outcome((Outbound("ok", (("B", "boom"),)),))

    bot = await start(fake, tmp_path, ScriptedConversations(script))
    try:
        await bot.say(USER, "hi")
        await bot.press(USER, fake.last_message(USER), "boom")
        assert fake.answered[fake.last_query_id()] is not None
        assert [m.text for m in await bot.say(USER, "again")] == ["ok"]
    finally:
        await bot.stop()


async def test_delivery_is_confirmed_only_when_every_message_was_sent(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    def script(inbound: Inbound) -> Outcome:
        return Outcome((Outbound(f"re {inbound.value}", (("B", "b.0"),)),), delivery=inbound.value)

    service = ScriptedConversations(script)
    bot = await start(fake, tmp_path, service)
    try:
        fake.private_chat(USER)
        fake.fail("sendMessage", 400, "Bad Request: can't parse entities", chat_id=USER)
        await bot.say(USER, "lost")
        assert fake.chat(USER) == []
        await bot.say(USER, "sent")
        assert [m.text for m in fake.chat(USER)] == ["re sent"]
    finally:
        await bot.stop()
    assert service.confirmed == ["sent"]  # the lost one stays in the outbox for a redelivery


async def test_duplicate_outcome_sends_nothing_but_answers(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    service = ScriptedConversations(lambda i: Outcome((), duplicate=True))
    bot = await start(fake, tmp_path, service)
    try:
        fake.private_chat(USER)
        await bot.say(USER, "hi")
        assert fake.chat(USER) == []
        ghost = StoredMessage(USER, 99, "old", None)
        await bot.wait_handled(fake.press(USER, ghost, "x.0"))
        assert fake.last_query_id() in fake.answered
    finally:
        await bot.stop()


async def test_notice_is_shown_on_the_button(fake: FakeBotAPI, tmp_path: Path) -> None:
    service = ScriptedConversations(
        lambda i: Outcome((Outbound("step", (("A", "a.0"),)),), stale=True, notice="moved on")
    )
    bot = await start(fake, tmp_path, service)
    try:
        await bot.say(USER, "hi")
        await bot.press(USER, fake.last_message(USER), "a.0")
    finally:
        await bot.stop()
    assert fake.answered[fake.last_query_id()]["text"] == "moved on"


def test_failures_are_sorted_into_passing_ambiguous_and_final() -> None:
    def caused(err: TelegramError, cause: BaseException) -> TelegramError:
        err.__cause__ = cause
        return err

    request = httpx.Request("POST", "http://127.0.0.1/")
    html = caused(NetworkError("Bad Gateway (502)"), TelegramError("Invalid server response"))
    # Telegram answered with an error status: not carried out, send again.
    assert failure_kind(NetworkError("Bad Gateway")) == "passing"  # a 5xx with a JSON body
    assert failure_kind(html) == "passing"  # the gateway's HTML page
    assert failure_kind(RetryAfter(3)) == "passing"
    # The request never got through.
    assert failure_kind(caused(TimedOut(), httpx.ConnectTimeout("x", request=request))) == (
        "passing"
    )
    assert failure_kind(caused(TimedOut(), httpx.PoolTimeout("x", request=request))) == "passing"
    assert failure_kind(caused(NetworkError("x"), httpx.ConnectError("x", request=request))) == (
        "passing"
    )
    # It went out and no answer came: it may have arrived.
    assert failure_kind(caused(TimedOut(), httpx.ReadTimeout("x", request=request))) == (
        "ambiguous"
    )
    assert failure_kind(
        caused(NetworkError("x"), httpx.RemoteProtocolError("x", request=request))
    ) == ("ambiguous")
    assert failure_kind(TimedOut()) == "ambiguous"
    # Refused for good.
    assert failure_kind(BadRequest("Bad Request: message is too long")) == "final"
    assert failure_kind(caused(BadRequest("Bad Request (400)"), TelegramError("x"))) == "final"
    assert failure_kind(Forbidden("Forbidden: bot was blocked by the user")) == "final"


def test_backoff_grows_and_is_bounded() -> None:
    policy = RetryPolicy(attempts=6, base_delay=0.5, max_delay=2.0)
    delays = [policy.delay(n) for n in range(1, 6)]
    assert 0.25 <= delays[0] <= 0.5
    assert all(d <= 2.0 for d in delays)
    assert delays[4] >= 1.0


async def test_a_long_notice_is_shortened_so_the_button_is_still_answered(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    notice = "That menu has moved on. " * 20
    service = ScriptedConversations(
        lambda i: Outcome((Outbound("step", (("A", "a.0"),)),), stale=True, notice=notice)
    )
    bot = await start(fake, tmp_path, service)
    try:
        await bot.say(USER, "hi")
        await bot.press(USER, fake.last_message(USER), "a.0")
    finally:
        await bot.stop()
    shown = fake.answered[fake.last_query_id()]["text"]
    assert len(shown) == 200
    assert notice.startswith(shown[:-1])
