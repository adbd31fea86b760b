"""Update processing: one update at a time per chat, any number of chats at once."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

from bot.locks import KeyedLock


class PerChatUpdateProcessor(BaseUpdateProcessor):
    """Runs updates concurrently across chats and strictly in order within a chat.

    PTB starts one task per update in arrival order; each waits for its chat's lock (FIFO),
    so a chat's updates run one after another, in order.
    """

    def __init__(self, max_concurrent_updates: int = 256) -> None:
        super().__init__(max_concurrent_updates)
        self._chats = KeyedLock()

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Run the handlers for one update once its chat is free."""
        key = _chat_key(update)
        if key is None:
            await coroutine
            return
        async with self._chats.hold(key):
            await coroutine

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


def _chat_key(update: object) -> str | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return str(update.effective_chat.id)
    if update.effective_user is not None:
        return f"u{update.effective_user.id}"
    return None
