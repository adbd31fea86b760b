"""Per-chat update processing: in order within a chat, concurrent across chats."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.channels.telegram.processor import PerChatUpdateProcessor


def update(chat_id: int, update_id: int) -> Update:
    chat = {"id": chat_id, "type": "private", "first_name": "P"}
    message = {"message_id": update_id, "date": 0, "chat": chat, "text": f"m{update_id}"}
    return Update.de_json({"update_id": update_id, "message": message}, None)


async def test_same_chat_runs_in_order_other_chats_do_not_wait() -> None:
    processor = PerChatUpdateProcessor(16)
    release = asyncio.Event()
    order: list[int] = []

    async def job(update_id: int, gate: asyncio.Event | None = None) -> None:
        if gate is not None:
            await gate.wait()
        order.append(update_id)

    first = asyncio.create_task(processor.process_update(update(1, 1), job(1, release)))
    second = asyncio.create_task(processor.process_update(update(1, 2), job(2)))
    other = asyncio.create_task(processor.process_update(update(2, 3), job(3)))
    await asyncio.wait_for(other, 5)
    assert order == [3], "chat 2 ran while chat 1 was busy; chat 1's second update waited"
    release.set()
    await asyncio.wait_for(asyncio.gather(first, second), 5)
    assert order == [3, 1, 2]
