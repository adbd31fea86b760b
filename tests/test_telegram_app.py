"""End to end: the real Application and Conversations against the fake Bot API on 127.0.0.1.

The oracle is a second, independent Conversations (its own SQLite file) fed the same inputs:
whatever it answers, the Telegram chat must show, so no test hard-codes dialog text.
"""

from __future__ import annotations

import dataclasses
import logging
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.channels.telegram import StartupError, compose
from bot.service import Conversations, Inbound, Outcome
from tests.support.db import upgraded_sqlite_file
from tests.support.fake_bot_api import FakeBotAPI, StoredMessage
from tests.support.http import local_tls
from tests.support.telegram_env import TEST_OPTIONS, BotUnderTest, make_settings

USER = 987_654_321
OTHER = 876_543_219


class Oracle:
    """An independent Conversations fed the same inputs as the bot."""

    def __init__(self, conversations: Conversations) -> None:
        self.conversations = conversations

    async def command(self, user: int, name: str, argument: str = "") -> Outcome:
        return await self.conversations.handle(
            Inbound("telegram", str(user), "command", name, argument, language_code="en")
        )

    async def text(self, user: int, text: str) -> Outcome:
        return await self.conversations.handle(
            Inbound("telegram", str(user), "text", text, language_code="en")
        )

    async def choice(self, user: int, data: str) -> Outcome:
        return await self.conversations.handle(
            Inbound("telegram", str(user), "choice", data, language_code="en")
        )

    async def media(self, user: int, kind: str) -> Outcome:
        return await self.conversations.handle(
            Inbound("telegram", str(user), "media", kind, language_code="en")
        )


@pytest.fixture
async def oracle(fake: FakeBotAPI, tmp_path: Path) -> AsyncIterator[Oracle]:
    await upgraded_sqlite_file(tmp_path / "oracle.db")  # at head, as after a first start
    conversations = await Conversations.open(make_settings(fake, tmp_path / "oracle.db"))
    try:
        yield Oracle(conversations)
    finally:
        await conversations.close()


def assert_shows(sent: list[StoredMessage], expected: Outcome) -> None:
    """The chat shows exactly the outcome, laid out as compose() says (tested on its own)."""
    parts = compose(expected.messages)
    assert [m.text for m in sent] == [p.text for p in parts]
    assert [m.buttons for m in sent] == [list(p.buttons) for p in parts]
    shown = "\n\n".join(m.text for m in sent)
    for message in expected.messages:
        assert "".join(message.text.split()) in "".join(shown.split())


def live(fake: FakeBotAPI, user: int) -> StoredMessage:
    """The one message in the chat that still has buttons."""
    keyboards = fake.live_keyboards(user)
    assert len(keyboards) == 1, [m.text for m in keyboards]
    return keyboards[0]


async def walk(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle, steps: int, pick: int = 0
) -> None:
    """Press a button of the live keyboard ``steps`` times; /menu when a path ends."""
    for _ in range(steps):
        keyboards = fake.live_keyboards(USER)
        if not keyboards:
            assert_shows(await bot.say(USER, "/menu"), await oracle.command(USER, "menu"))
            continue
        message = live(fake, USER)
        _, data = message.buttons[min(pick, len(message.buttons) - 1)]
        sent = await bot.press(USER, message, data)
        expected = await oracle.choice(USER, data)
        assert_shows(sent, expected)
        assert message.buttons == [], "the pressed message keeps no keyboard"
        assert fake.answered[fake.last_query_id()].get("text") == expected.notice


async def test_walk_from_start_by_pressing_the_buttons_the_bot_sent(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    sent = await bot.say(USER, "/start")
    assert_shows(sent, await oracle.command(USER, "start"))
    assert fake.calls_to("sendChatAction", ok=True)[0].params["action"] == "typing"
    await walk(bot, fake, oracle, steps=12)
    assert len(fake.answered) == len(fake.callback_ids)


async def test_every_step_leaves_one_live_keyboard(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await bot.say(USER, "/start")
    await oracle.command(USER, "start")
    for pick in (0, 1, 0, 2, 1):
        await walk(bot, fake, oracle, steps=1, pick=pick)
        assert len(fake.live_keyboards(USER)) <= 1


async def test_deep_link_opens_a_dialog_and_an_unknown_payload_falls_back(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    sent = await bot.say(USER, "/start fever")
    assert_shows(sent, await oracle.command(USER, "start", "fever"))
    sent = await bot.say(OTHER, "/start no_such_dialog")
    expected = await oracle.command(OTHER, "start", "no_such_dialog")
    assert_shows(sent, expected)
    plain = await oracle.command(USER + 1, "start")
    assert [m.text for m in expected.messages] == [m.text for m in plain.messages]


async def test_stale_button_is_answered_calmly_and_changes_nothing(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await bot.say(USER, "/start")
    await oracle.command(USER, "start")
    first = live(fake, USER)
    first_buttons = list(first.buttons)
    await walk(bot, fake, oracle, steps=1)
    stale_data = first_buttons[-1][1]
    sent = await bot.press(USER, first, stale_data)
    expected = await oracle.choice(USER, stale_data)
    assert expected.stale
    assert_shows(sent, expected)
    assert fake.answered[fake.last_query_id()].get("text") == expected.notice
    # The dialog carries on from where it was.
    await walk(bot, fake, oracle, steps=2)


async def test_forged_button_data_is_treated_as_stale(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await bot.say(USER, "/start")
    await oracle.command(USER, "start")
    for forged in ("zz.9", "x" * 64, "l.xx", "🙂"):
        sent = await bot.press(USER, live(fake, USER), forged)
        expected = await oracle.choice(USER, forged)
        assert expected.stale
        assert_shows(sent, expected)
    assert len(fake.answered) == len(fake.callback_ids)
    await walk(bot, fake, oracle, steps=1)


async def test_redelivered_updates_are_not_applied_twice(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    await bot.say(USER, "/start")
    await oracle.command(USER, "start")
    message = live(fake, USER)
    press_id = fake.press(USER, message, message.buttons[0][1])
    await bot.wait_handled(press_id)
    count = len(fake.calls_to("sendMessage"))
    fake.redeliver(fake.update_by_id(press_id))
    await bot.wait_handled(press_id, times=2)
    text_id = fake.send_text(USER, "/menu")
    await bot.wait_handled(text_id)
    after_menu = len(fake.calls_to("sendMessage"))
    assert after_menu > count
    fake.redeliver(fake.update_by_id(text_id))
    await bot.wait_handled(text_id, times=2)
    assert len(fake.calls_to("sendMessage")) == after_menu


@pytest.mark.parametrize(
    "kind", ["sticker", "photo", "voice", "video", "document", "location", "contact"]
)
async def test_media_gets_a_short_reply_and_nothing_is_downloaded(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle, kind: str
) -> None:
    await bot.say(USER, "/start")
    await oracle.command(USER, "start")
    before = len(fake.chat(USER))
    await bot.wait_handled(fake.send_media(USER, kind))
    expected = await oracle.media(USER, kind)
    assert_shows(fake.chat(USER)[before:], expected)
    media_text = conversations(bot).system_text("media_unsupported", "en")
    assert fake.chat(USER)[before].text.startswith(media_text)
    assert not fake.calls_to("getFile")


async def test_group_chat_is_told_once_and_nothing_is_stored(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    group = fake.group_chat(-100_200_300)
    for text in ("/start", "hello bot", "/menu"):
        await bot.wait_handled(fake.send_text(USER, text, chat=group))
    assert conversations(bot).system_text("private_only", "en") == fake.chat(group["id"])[0].text
    assert len(fake.chat(group["id"])) == 1
    store = conversations(bot).store
    assert await store.load(conversations(bot).pseudonyms.of("telegram", str(USER))) is None


async def test_edited_messages_and_channel_posts_are_ignored(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    edited = fake.push(fake.message_update(USER, "/start", kind="edited_message"))
    channel = {"id": -100_999, "type": "channel", "title": "News"}
    post = fake.push(
        {"channel_post": {"message_id": 1, "date": 0, "chat": channel, "text": "/start"}}
    )
    await bot.wait_handled(edited)
    await bot.wait_handled(post)
    assert not fake.calls_to("sendMessage")
    assert not fake.calls_to("sendChatAction")


@pytest.mark.parametrize(
    "text",
    [
        "a" * 5000,
        "fever " * 900,
        "\u202eevil\u202c 38.5",
        "👨‍👩‍👧‍👦🙂" * 50,
        "e\u0301" * 300,
        "\x00\x01\x1f",
        "مرحبا، حرارة ٣٨٫٥",
        "\ufeff\u200b\u200d",
    ],
)
@pytest.mark.slow
async def test_long_and_odd_unicode_messages_get_an_ordinary_answer(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle, text: str
) -> None:
    await bot.say(USER, "/start")
    await oracle.command(USER, "start")
    sent = await bot.say(USER, text)
    expected = await oracle.text(USER, text)
    assert expected.messages
    assert_shows(sent, expected)


@pytest.mark.slow
async def test_rate_limit_waits_retry_after_and_sends_once(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    fake.fail("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    sent = await bot.say(USER, "/start")
    assert time.monotonic() - started >= 1.0
    assert_shows(sent, await oracle.command(USER, "start"))
    assert len(fake.calls_to("sendMessage", ok=False)) == 1


async def test_server_errors_are_retried_and_nothing_is_sent_twice(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    fake.fail("sendMessage", 502, times=2)
    fake.fail("sendChatAction", 500)
    fake.fail("answerCallbackQuery", 503)
    fake.fail("editMessageReplyMarkup", 500)
    sent = await bot.say(USER, "/start")
    assert_shows(sent, await oracle.command(USER, "start"))
    assert len(fake.calls_to("sendMessage", ok=False)) == 2
    await walk(bot, fake, oracle, steps=2)
    assert len(fake.answered) == len(fake.callback_ids)


async def test_retries_are_bounded_and_the_bot_carries_on(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    attempts = TEST_OPTIONS.retry.attempts
    expected = await oracle.command(USER, "start")
    fake.fail("sendMessage", 500, times=attempts)
    update_id = fake.send_text(USER, "/start")
    # The bounded attempts ran out: the update stays unconfirmed, comes again, and the stored
    # answer is sent whole (nothing of it was lost, nothing sent past the failed message).
    await bot.wait_handled(update_id, times=2)
    assert len(fake.calls_to("sendMessage", ok=False)) == attempts
    assert [m.text for m in fake.chat(USER)] == [p.text for p in compose(expected.messages)]
    assert_shows(await bot.say(USER, "/menu"), await oracle.command(USER, "menu"))


@pytest.mark.slow
async def test_slow_answer_beyond_the_timeout_is_not_sent_again(
    fake: FakeBotAPI, tmp_path: Path, oracle: Oracle
) -> None:
    options = dataclasses.replace(TEST_OPTIONS, read_timeout=0.3)
    settings = make_settings(fake, tmp_path / "bot.db")
    async with BotUnderTest(fake, settings, options) as bot:
        fake.slow("sendMessage", 1.0)
        expected = await oracle.command(USER, "start")
        update_id = fake.send_text(USER, "/start")
        await bot.wait_handled(update_id)
        parts = compose(expected.messages)
        await fake.wait_for(lambda: len(fake.calls_to("sendMessage")) == len(parts))
        assert [m.text for m in fake.chat(USER)] == [p.text for p in parts]


async def test_blocked_user_is_marked_inactive(bot: BotUnderTest, fake: FakeBotAPI) -> None:
    await bot.say(USER, "/start")
    fake.block(USER)
    before = len(fake.calls_to("sendMessage"))
    await bot.wait_handled(fake.send_text(USER, "/menu"))
    assert len(fake.calls_to("sendMessage")) == before
    service = conversations(bot)
    loaded = await service.store.load(service.pseudonyms.of("telegram", str(USER)))
    assert loaded is not None
    assert loaded[0].status == "inactive"


@pytest.mark.slow
async def test_one_chat_at_a_time_in_order_and_chats_concurrently(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    fake.slow("sendChatAction", 1.5, chat_id=USER)
    slow_id = fake.send_text(USER, "/start")
    queued = [fake.send_text(USER, c) for c in ("/menu", "/help")]
    fast_id = fake.send_text(OTHER, "/start")
    await bot.wait_handled(fast_id)
    assert bot.handled(slow_id) == 0, "another chat waited for the slow one"
    for update_id in queued:
        await bot.wait_handled(update_id)
    expected = [
        await oracle.command(USER, "start"),
        await oracle.command(USER, "menu"),
        await oracle.command(USER, "help"),
    ]
    assert [m.text for m in fake.chat(USER)] == [
        part.text for outcome in expected for part in compose(outcome.messages)
    ]


async def test_restart_mid_dialog_and_carry_on(
    fake: FakeBotAPI, tmp_path: Path, oracle: Oracle
) -> None:
    await upgraded_sqlite_file(tmp_path / "bot.db")
    settings = make_settings(fake, tmp_path / "bot.db")
    async with BotUnderTest(fake, settings) as first:
        assert_shows(await first.say(USER, "/start"), await oracle.command(USER, "start"))
        await walk(first, fake, oracle, steps=2)
    async with BotUnderTest(fake, settings) as second:
        await walk(second, fake, oracle, steps=3)


async def test_commands_menu_in_every_language(bot: BotUnderTest, fake: FakeBotAPI) -> None:
    service = conversations(bot)
    scope = '{"type": "all_private_chats"}'
    for locale in service.locales():
        language = locale.split("_")[0]
        published = fake.commands[(scope, language)]
        expected = [{"command": c, "description": d} for c, d in service.command_menu(locale)]
        assert published == expected
    default = service.command_menu(bot.settings.deployment.default_locale)
    assert [c["command"] for c in fake.commands[(scope, "")]] == [c for c, _ in default]


async def test_log_holds_no_token_user_id_or_text_at_info(
    fake: FakeBotAPI, tmp_path: Path, oracle: Oracle, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    secret_text = "my daughter Zelda has 38.9 fever"
    await upgraded_sqlite_file(tmp_path / "bot.db")
    async with BotUnderTest(fake, make_settings(fake, tmp_path / "bot.db")) as bot:
        fake.fail("sendMessage", 502)
        await bot.say(USER, "/start")
        await oracle.command(USER, "start")
        await walk(bot, fake, oracle, steps=2)
        await bot.say(USER, secret_text)
        await bot.wait_handled(fake.send_media(USER, "photo"))
        await bot.wait_handled(fake.send_text(OTHER, secret_text, chat=fake.group_chat(-5)))
        fake.block(USER)
        await bot.wait_handled(fake.send_text(USER, secret_text))
    logged = caplog.text
    assert caplog.records, "nothing was logged at all"
    for needle in (fake.token, fake.token.split(":")[1], str(USER), str(OTHER), "Zelda"):
        assert needle not in logged


async def test_webhook_mode_serves_updates_and_refuses_wrong_secrets(
    fake: FakeBotAPI, tmp_path: Path, oracle: Oracle
) -> None:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    port = sock.getsockname()[1]
    await upgraded_sqlite_file(tmp_path / "bot.db")
    settings = make_settings(
        fake,
        tmp_path / "bot.db",
        webhook_url=f"http://127.0.0.1:{port}/hook/telegram",
        webhook_secret="s3cret-Token_1",
    )
    async with BotUnderTest(fake, settings, sock=sock):
        assert fake.webhook["url"] == settings.webhook_url
        assert fake.webhook["secret_token"] == "s3cret-Token_1"
        assert set(fake.webhook["allowed_updates"]) == {"message", "callback_query"}
        start = fake.make_update(fake.message_update(USER, "/start"))
        assert await fake.deliver(start) == 200
        assert_shows(fake.chat(USER), await oracle.command(USER, "start"))
        shown = len(fake.chat(USER))

        menu = fake.make_update(fake.message_update(USER, "/menu"))
        assert await fake.deliver(menu, secret="wrong") == 403
        assert await fake.deliver(menu, secret="") == 403
        assert len(fake.chat(USER)) == shown

        async with httpx.AsyncClient(verify=local_tls()) as client:
            headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-Token_1"}
            url = settings.webhook_url
            for body in (b"{not json", b"[1, 2]", b'{"update_id": "x"}', b"\xff\xfe"):
                response = await client.post(url, content=body, headers=headers)
                assert response.status_code == 400
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
            assert health.status_code == 200
            # The operators' review app is served beside the webhook, under /review.
            review = await client.get(f"http://127.0.0.1:{port}/review/login")
            assert review.status_code == 200 and 'action="/review/login"' in review.text

        message = live(fake, USER)
        data = message.buttons[0][1]
        press = fake.make_update(
            {
                "callback_query": {
                    "id": "cq-webhook",
                    "from": fake.user(USER),
                    "chat_instance": "ci",
                    "data": data,
                    "message": message.to_api(fake.private_chat(USER)),
                }
            }
        )
        fake.callback_ids.add("cq-webhook")
        before = len(fake.chat(USER))
        assert await fake.deliver(press) == 200
        assert_shows(fake.chat(USER)[before:], await oracle.choice(USER, data))
        # Telegram redelivers when an answer was lost: applied once only.
        count = len(fake.calls_to("sendMessage"))
        assert await fake.deliver(press) == 200
        assert len(fake.calls_to("sendMessage")) == count


async def test_polling_recovers_from_get_updates_errors(
    bot: BotUnderTest, fake: FakeBotAPI, oracle: Oracle
) -> None:
    fake.fail("getUpdates", 502, times=2)
    # Wake the current long poll so the next getUpdates calls meet the faults.
    sent = await bot.say(USER, "/start")
    assert_shows(sent, await oracle.command(USER, "start"))
    assert_shows(await bot.say(USER, "/menu"), await oracle.command(USER, "menu"))


def conversations(bot: BotUnderTest) -> Conversations:
    assert bot.conversations is not None
    return bot.conversations


async def test_a_refused_token_or_unreachable_api_stops_the_start_with_a_reason(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    wrong = make_settings(fake, tmp_path / "bot.db", telegram_token="1:not-the-token")
    with pytest.raises(StartupError, match="TELEGRAM_TOKEN"):
        await BotUnderTest(fake, wrong).start()
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    closed_port = listener.getsockname()[1]
    listener.close()
    nowhere = make_settings(
        fake, tmp_path / "bot.db", telegram_api_url=f"http://127.0.0.1:{closed_port}"
    )
    with pytest.raises(StartupError, match="TELEGRAM_API_URL"):
        await BotUnderTest(fake, nowhere).start()
