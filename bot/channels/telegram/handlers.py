"""Thin handlers: a Telegram update becomes an :class:`Inbound`; an :class:`Outcome` is sent back.

Sending follows three rules: every callback query is answered; the chat keeps one live
keyboard (older keyboards are removed when the person moves on); and a failed call is retried
only when retrying cannot deliver a message twice.
"""

from __future__ import annotations

import asyncio
import logging
import random
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import httpx
from telegram import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    Update,
)
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut
from telegram.ext import ContextTypes

from bot.channels.telegram.text import Part, compose
from bot.service import Conversations, Inbound, Outcome

log = logging.getLogger(__name__)

CHANNEL = "telegram"
#: The longest text ``answerCallbackQuery`` accepts.
NOTICE_LIMIT = 200
T = TypeVar("T")

#: Attachments answered with "I read text and buttons", checked in this order.
MEDIA_KINDS = (
    "sticker",
    "photo",
    "voice",
    "video_note",
    "video",
    "animation",
    "audio",
    "document",
    "venue",
    "location",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
)

#: httpx errors raised before a request reached the server: always safe to send again.
_CHAT_ID = re.compile(r"^-?\d+$")
_UNSENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries with exponential backoff for timeouts, 5xx and connection errors.

    Attributes:
        attempts: calls in total, the first one included.
        base_delay: seconds before the first retry; doubled for each further retry.
        max_delay: the longest wait between two attempts.
    """

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based), with jitter."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return float(ceiling * random.uniform(0.5, 1.0))


class Blocked(Exception):
    """The person blocked the bot (Telegram answered 403 Forbidden)."""


class TelegramHandlers:
    """The handlers and the sending rules; one instance per Application.

    Args:
        conversations: the service every input goes to.
        retry: how failed calls are retried.
        max_tracked_chats: how many chats' live keyboards are remembered (oldest forgotten).
        operator_chat: chat id (or @channel) that gets a short notice for each red flag;
            empty for none.
    """

    def __init__(
        self,
        conversations: Conversations,
        retry: RetryPolicy = RetryPolicy(),
        max_tracked_chats: int = 100_000,
        operator_chat: str = "",
    ) -> None:
        self.conversations = conversations
        self.operator_chat = operator_chat.strip()
        self.retry = retry
        self._max_tracked = max_tracked_chats
        self._keyboards: OrderedDict[int, list[int]] = OrderedDict()
        self._greeted_groups: set[int] = set()

    # -- handlers (registered in build_application) ------------------------------------------

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A /command in a private chat; ``/start <payload>`` carries a deep link."""
        message = _message(update)
        head, _, argument = (message.text or "").partition(" ")
        command = head[1:].split("@", 1)[0].lower()
        await self._serve(update, message.chat_id, "command", command, argument.strip())

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Typed text in a private chat."""
        message = _message(update)
        await self._serve(update, message.chat_id, "text", message.text or "")

    async def on_media(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A sticker, photo, voice note, file, location...: nothing is downloaded."""
        message = _message(update)
        kind = next((k for k in MEDIA_KINDS if getattr(message, k, None)), "other")
        await self._serve(update, message.chat_id, "media", kind)

    async def on_choice(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A pressed inline button."""
        query = update.callback_query
        assert query is not None
        message = query.message
        if not isinstance(message, Message) or message.chat.type != "private" or not query.data:
            await self._answer(query, None)
            return
        await self._serve(update, message.chat_id, "choice", query.data, query=query)

    async def on_group(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Any message in a group: say once that the bot works in private; store nothing."""
        message = _message(update)
        if message.chat_id in self._greeted_groups:
            return
        self._greeted_groups.add(message.chat_id)
        language = message.from_user.language_code if message.from_user else None
        text = self.conversations.system_text("private_only", language)
        try:
            await self._call(lambda: message.get_bot().send_message(message.chat_id, text), False)
        except (Forbidden, BadRequest) as err:
            log.info("group reply not possible: %s", type(err).__name__)

    async def on_error(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Log a failed update without its content (no text, no user id)."""
        error = context.error
        update_id = update.update_id if isinstance(update, Update) else None
        log.error("update %s failed: %s", update_id, type(error).__name__, exc_info=error)

    # -- the one path every private input takes ----------------------------------------------

    async def _serve(
        self,
        update: Update,
        chat_id: int,
        kind: str,
        value: str,
        argument: str = "",
        query: CallbackQuery | None = None,
    ) -> None:
        user = update.effective_user
        assert user is not None
        pressed = query.message.message_id if query is not None and query.message else None
        inbound = Inbound(
            channel=CHANNEL,
            user_id=str(user.id),
            kind=kind,  # type: ignore[arg-type]
            value=value,
            argument=argument,
            input_id=_input_id(update),
            language_code=user.language_code,
        )
        bot = update.get_bot()
        # A pressed button already shows a spinner until it is answered; typed input gets
        # "typing..." while the reply is prepared.
        typing = (
            asyncio.create_task(self._typing(bot.send_chat_action, chat_id))
            if query is None
            else None
        )
        try:
            outcome = await self.conversations.handle(inbound)
        except BaseException:
            if typing is not None:
                await asyncio.gather(typing, return_exceptions=True)
            if query is not None:
                await self._answer(query, None)
            raise
        blocked = await typing if typing is not None else False
        try:
            if blocked:
                raise Blocked
            if not outcome.duplicate and outcome.messages:
                # Count the messages Telegram confirmed: the outbox entry is confirmed only
                # when all of them were, so a redelivered update gets a lost one again.
                confirmed = 0

                async def send_message(*args: object, **kwargs: object) -> Message:
                    nonlocal confirmed
                    sent = await bot.send_message(*args, **kwargs)  # type: ignore[arg-type]
                    confirmed += 1
                    return sent

                await self._deliver(
                    send_message, bot.edit_message_reply_markup, chat_id, outcome, pressed
                )
                if outcome.delivery is not None and confirmed == len(compose(outcome.messages)):
                    await self.conversations.delivered(outcome.delivery)
        except (Blocked, Forbidden):
            log.info("the person has blocked the bot; marked inactive")
            await self.conversations.mark_blocked(CHANNEL, str(user.id))
        finally:
            if outcome.operator_notice and self.operator_chat and not outcome.duplicate:
                await self._notify_operators(bot.send_message, outcome.operator_notice)
            if query is not None:
                await self._answer(query, outcome.notice)

    async def _notify_operators(
        self, send_message: Callable[..., Awaitable[Message]], notice: str
    ) -> None:
        """Tell the operators' chat about a red flag; a failure is logged, never raised."""
        chat: int | str = (
            int(self.operator_chat) if _CHAT_ID.match(self.operator_chat) else (self.operator_chat)
        )
        try:
            await self._call(lambda: send_message(chat, notice), False)
        except (BadRequest, Forbidden, NetworkError) as err:
            log.warning("operator notice not sent: %s", type(err).__name__)

    async def _typing(self, send_chat_action: Callable[..., Awaitable[bool]], chat_id: int) -> bool:
        """Send "typing"; True if the person has blocked the bot."""
        try:
            await self._call(lambda: send_chat_action(chat_id, ChatAction.TYPING), True)
        except Forbidden:
            return True
        except (NetworkError, BadRequest) as err:
            log.info("typing action not sent: %s", type(err).__name__)
        return False

    async def _deliver(
        self,
        send_message: Callable[..., Awaitable[Message]],
        edit_markup: Callable[..., Awaitable[object]],
        chat_id: int,
        outcome: Outcome,
        pressed: int | None,
    ) -> None:
        old = self._keyboards.pop(chat_id, [])
        if pressed is not None and pressed not in old:
            old.append(pressed)
        live: list[int] = []
        try:
            clearing = asyncio.create_task(self._clear(edit_markup, chat_id, old))
            for part in compose(outcome.messages):
                live.extend(await self._send(send_message, chat_id, part))
            await clearing
        finally:
            self._remember(chat_id, live)

    async def _send(
        self, send_message: Callable[..., Awaitable[Message]], chat_id: int, part: Part
    ) -> list[int]:
        """Send one message; its id if it carries a keyboard."""
        markup = _keyboard(part.buttons)

        async def send() -> Message:
            return await send_message(chat_id, part.text, reply_markup=markup)

        try:
            sent = await self._call(send, False)
        except (BadRequest, NetworkError) as err:
            # Not retried (it may have arrived, or cannot be sent): go on with the rest,
            # so one bad call loses at most this message and never doubles it.
            log.warning("message not confirmed: %s", type(err).__name__)
            return []
        return [sent.message_id] if markup is not None else []

    async def _clear(
        self, edit_markup: Callable[..., Awaitable[object]], chat_id: int, message_ids: list[int]
    ) -> None:
        for message_id in message_ids:

            async def clear(message_id: int = message_id) -> object:
                return await edit_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)

            try:
                await self._call(clear, True)
            except BadRequest:
                pass  # already without a keyboard, or too old to edit: nothing to do
            except NetworkError as err:
                log.info("old keyboard not removed: %s", type(err).__name__)

    async def _answer(self, query: CallbackQuery, notice: str | None) -> None:
        # Telegram refuses a toast over 200 characters, and then the spinner would not stop.
        text = notice[: NOTICE_LIMIT - 1] + "…" if notice and len(notice) > NOTICE_LIMIT else notice
        try:
            await self._call(lambda: query.answer(text=text), True)
        except (BadRequest, Forbidden, NetworkError) as err:
            # Too old (e.g. a redelivered update) or unreachable: the spinner times out anyway.
            log.info("callback query not answered: %s", type(err).__name__)

    def _remember(self, chat_id: int, live: list[int]) -> None:
        if not live:
            return
        self._keyboards[chat_id] = live
        self._keyboards.move_to_end(chat_id)
        while len(self._keyboards) > self._max_tracked:
            self._keyboards.popitem(last=False)

    async def _call(self, op: Callable[[], Awaitable[T]], resend_safe: bool) -> T:
        """Run one Bot API call with bounded retries.

        Timeouts, 5xx and connection errors are retried with backoff. A call that is not safe
        to repeat (sending a message) is retried only when the request provably did not reach
        Telegram, so a slow answer never turns into a second copy of the message. 429 is
        handled below this, by the rate limiter; 400 and 403 are never retried.
        """
        attempts = self.retry.attempts
        for attempt in range(1, attempts + 1):
            try:
                return await op()
            except (BadRequest, Forbidden):
                raise
            except NetworkError as err:
                if attempt == attempts or not (resend_safe or _surely_unsent(err)):
                    raise
                wait = self.retry.delay(attempt)
                log.warning(
                    "Telegram call failed (%s); retry %d of %d in %.2fs",
                    type(err).__name__,
                    attempt,
                    attempts - 1,
                    wait,
                )
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")


def _surely_unsent(err: NetworkError) -> bool:
    """True when the request cannot have been carried out: a 5xx answer or a failed connect."""
    cause = err.__cause__
    if cause is None:
        return not isinstance(err, TimedOut)  # an HTTP 5xx status from the server
    return isinstance(cause, _UNSENT)


def _message(update: Update) -> Message:
    message = update.message
    assert message is not None
    return message


def _input_id(update: Update) -> str:
    """The update's identity for duplicate detection (holds no user or chat id)."""
    message = update.message or (
        update.callback_query.message if update.callback_query is not None else None
    )
    suffix = f":{message.message_id}" if message is not None else ""
    return f"{CHANNEL}:{update.update_id}{suffix}"


def _keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons]
    )
