"""The fake Bot API answers like Telegram: offsets, long polling, edits, faults on demand."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest

from tests.support.fake_bot_api import BOT_ID, FakeBotAPI
from tests.support.http import local_tls


@pytest.fixture
async def fake() -> FakeBotAPI:
    async with FakeBotAPI() as server:
        yield server


async def call(fake: FakeBotAPI, method: str, **params: object) -> httpx.Response:
    async with httpx.AsyncClient(verify=local_tls(), timeout=10) as client:
        return await client.post(f"{fake.url}/bot{fake.token}/{method}", json=params)


async def test_get_me_answers_with_the_bot_and_records_the_call(fake: FakeBotAPI) -> None:
    response = await call(fake, "getMe")
    assert response.json()["result"]["id"] == BOT_ID
    assert [(c.method, c.status) for c in fake.calls] == [("getMe", 200)]


async def test_wrong_token_is_unauthorized(fake: FakeBotAPI) -> None:
    async with httpx.AsyncClient(verify=local_tls()) as client:
        response = await client.post(f"{fake.url}/bot1:wrong/getMe")
    assert response.status_code == 401
    assert response.json()["ok"] is False


async def test_unknown_method_is_not_found(fake: FakeBotAPI) -> None:
    response = await call(fake, "sendTelepathy")
    assert response.status_code == 404


async def test_get_updates_honours_offsets(fake: FakeBotAPI) -> None:
    first = fake.send_text(1, "one")
    second = fake.send_text(1, "two")
    batch = (await call(fake, "getUpdates")).json()["result"]
    assert [u["update_id"] for u in batch] == [first, second]
    # Not confirmed yet: fetched again.
    again = (await call(fake, "getUpdates", offset=first)).json()["result"]
    assert [u["update_id"] for u in again] == [first, second]
    confirmed = (await call(fake, "getUpdates", offset=second + 1, timeout=0)).json()["result"]
    assert confirmed == []
    assert fake.pending_updates() == 0


async def test_long_poll_returns_as_soon_as_an_update_arrives(fake: FakeBotAPI) -> None:
    poll = asyncio.create_task(call(fake, "getUpdates", timeout=20))
    await fake.wait_for(lambda: fake.pending_updates() == 0)
    started = time.monotonic()
    update_id = fake.send_text(1, "hello")
    batch = (await poll).json()["result"]
    assert [u["update_id"] for u in batch] == [update_id]
    assert time.monotonic() - started < 10


async def test_long_poll_times_out_empty(fake: FakeBotAPI) -> None:
    response = await call(fake, "getUpdates", timeout=0.05)
    assert response.json()["result"] == []


async def test_send_and_edit_keep_the_chat_as_telegram_shows_it(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    sent = (await call(fake, "sendMessage", chat_id=5, text="hi", reply_markup=markup)).json()
    message_id = sent["result"]["message_id"]
    assert fake.live_keyboards(5)[0].buttons == [("A", "a")]
    edited = await call(fake, "editMessageReplyMarkup", chat_id=5, message_id=message_id)
    assert edited.status_code == 200
    assert fake.live_keyboards(5) == []
    again = await call(fake, "editMessageReplyMarkup", chat_id=5, message_id=message_id)
    assert again.status_code == 400
    assert "not modified" in again.json()["description"]


async def test_too_long_text_is_refused(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    response = await call(fake, "sendMessage", chat_id=5, text="x" * 4097)
    assert response.status_code == 400
    assert fake.chat(5) == []


async def test_rate_limit_fault_carries_retry_after_then_clears(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    fake.fail("sendMessage", 429, retry_after=3)
    limited = await call(fake, "sendMessage", chat_id=5, text="a")
    assert limited.status_code == 429
    assert limited.json()["parameters"]["retry_after"] == 3
    assert (await call(fake, "sendMessage", chat_id=5, text="a")).status_code == 200


async def test_faults_can_target_one_chat(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    fake.private_chat(6)
    fake.fail("sendMessage", 502, chat_id=6)
    assert (await call(fake, "sendMessage", chat_id=5, text="a")).status_code == 200
    assert (await call(fake, "sendMessage", chat_id=6, text="a")).status_code == 502


async def test_blocked_user_gets_forbidden(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    fake.block(5)
    response = await call(fake, "sendChatAction", chat_id=5, action="typing")
    assert response.status_code == 403
    assert "blocked" in response.json()["description"]


async def test_slow_response_is_carried_out_then_answered_late(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    fake.slow("sendMessage", 0.3)
    started = time.monotonic()
    response = await call(fake, "sendMessage", chat_id=5, text="late")
    assert response.status_code == 200
    assert time.monotonic() - started >= 0.3
    assert [m.text for m in fake.chat(5)] == ["late"]


async def test_callback_query_can_be_answered_once(fake: FakeBotAPI) -> None:
    fake.private_chat(5)
    await call(fake, "sendMessage", chat_id=5, text="q")
    fake.press(5, fake.last_message(5), "x")
    query_id = fake.last_query_id()
    assert (await call(fake, "answerCallbackQuery", callback_query_id=query_id)).status_code == 200
    second = await call(fake, "answerCallbackQuery", callback_query_id=query_id)
    assert second.status_code == 400


async def test_webhook_blocks_polling(fake: FakeBotAPI) -> None:
    await call(fake, "setWebhook", url="http://127.0.0.1:9/hook", secret_token="s")
    assert fake.webhook["secret_token"] == "s"
    assert (await call(fake, "getUpdates")).status_code == 409
    await call(fake, "deleteWebhook")
    assert (await call(fake, "getUpdates", timeout=0)).status_code == 200


async def test_redelivered_update_comes_back_despite_the_offset(fake: FakeBotAPI) -> None:
    update_id = fake.send_text(1, "once")
    await call(fake, "getUpdates")
    await call(fake, "getUpdates", offset=update_id + 1, timeout=0)
    fake.redeliver(fake.update_by_id(update_id))
    batch = (await call(fake, "getUpdates", offset=update_id + 1, timeout=0)).json()["result"]
    assert [u["update_id"] for u in batch] == [update_id]


async def test_gateway_502_is_an_html_page_and_nothing_is_sent(fake: FakeBotAPI) -> None:
    fake.private_chat(7)
    fake.fail_html("sendMessage", 502, times=2, chat_id=7)
    for _ in range(2):
        response = await call(fake, "sendMessage", chat_id=7, text="hello")
        assert response.status_code == 502
        assert response.headers["content-type"].startswith("text/html")
        assert "<title>502 Bad Gateway</title>" in response.text
    assert (await call(fake, "sendMessage", chat_id=7, text="hello")).status_code == 200
    assert [m.text for m in fake.chat(7)] == ["hello"]
    assert [c.status for c in fake.calls_to("sendMessage")] == [502, 502, 200]


async def test_a_fault_after_carrying_out_the_call_still_sends_the_message(
    fake: FakeBotAPI,
) -> None:
    fake.private_chat(8)
    fake.fail("sendMessage", 500, carry_out=True)
    response = await call(fake, "sendMessage", chat_id=8, text="maybe")
    assert response.status_code == 500 and response.json()["ok"] is False
    assert [m.text for m in fake.chat(8)] == ["maybe"]


async def test_stalled_calls_hang_until_released(fake: FakeBotAPI) -> None:
    fake.private_chat(9)
    fake.stall("sendMessage", chat_id=9)
    hung = asyncio.create_task(call(fake, "sendMessage", chat_id=9, text="stuck"))
    await fake.wait_for(lambda: len(fake.stalled) == 1)
    assert not hung.done() and fake.chat(9) == []
    await fake.release()
    response = await hung
    assert response.status_code == 502 and fake.chat(9) == []
    # Released once: the next call goes through.
    assert (await call(fake, "sendMessage", chat_id=9, text="now")).status_code == 200
    call_record = fake.calls_to("sendMessage")[0]
    assert call_record.received <= call_record.at


async def test_unused_faults_can_be_cleared(fake: FakeBotAPI) -> None:
    fake.private_chat(10)
    fake.fail_html("sendMessage", 503, times=100)
    assert (await call(fake, "sendMessage", chat_id=10, text="a")).status_code == 503
    fake.clear_faults("sendMessage")
    assert (await call(fake, "sendMessage", chat_id=10, text="b")).status_code == 200
