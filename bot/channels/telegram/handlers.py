"""Thin handlers: a Telegram update becomes an :class:`Inbound`; an :class:`Outcome` is sent back.

Every callback query is answered; the answer itself goes out through
:class:`~bot.channels.telegram.delivery.Sender` (retries, the one live keyboard), and the
outbox entry is confirmed only when Telegram confirmed every message. An answer Telegram
could not take for a passing reason raises :class:`Undelivered` out of the handler, so the
update comes again and the service replays the stored answer.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, CallbackQuery, Message, Update
from telegram.constants import ChatAction
from telegram.error import Forbidden, TelegramError
from telegram.ext import ContextTypes

from bot.channels.telegram.delivery import Keyboards, Retrying, RetryPolicy, Sender, Undelivered
from bot.channels.telegram.nurses import NurseDesk
from bot.channels.telegram.text import compose
from bot.service import Conversations, Inbound

__all__ = ["CHANNEL", "MEDIA_KINDS", "RetryPolicy", "TelegramHandlers", "Undelivered"]

log = logging.getLogger(__name__)

CHANNEL = "telegram"
#: The longest text ``answerCallbackQuery`` accepts.
NOTICE_LIMIT = 200

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

_CHAT_ID = re.compile(r"^-?\d+$")


class Blocked(Exception):
    """The person blocked the bot (Telegram answered 403 Forbidden)."""


class TelegramHandlers:
    """The handlers and the sending rules; one instance per Application.

    Args:
        conversations: the service every input goes to.
        retry: how failed calls are retried (default :class:`RetryPolicy`).
        max_tracked_chats: how many chats' live keyboards are remembered (oldest forgotten).
        operator_chat: chat id (or @channel) that gets a short notice for each red flag;
            empty for none.
        nurse_group: the nurses' supergroup for "Ask a nurse" (see
            :mod:`bot.channels.telegram.nurses`); empty for none.
        typing_after: seconds before "typing..." is sent for a typed message whose answer is
            not ready yet (0: at once).
        clear_old_keyboards: remove earlier keyboards after each answer (a call per step).
    """

    def __init__(
        self,
        conversations: Conversations,
        retry: RetryPolicy | None = None,
        max_tracked_chats: int = 100_000,
        operator_chat: str = "",
        nurse_group: str = "",
        typing_after: float = 1.0,
        clear_old_keyboards: bool = False,
    ) -> None:
        self.conversations = conversations
        self.typing_after = typing_after
        self.clear_old_keyboards = clear_old_keyboards
        self.operator_chat = operator_chat.strip()
        self.retry = retry or RetryPolicy()
        self._call = Retrying(self.retry)
        self._keyboards = Keyboards(max_tracked_chats)
        self._greeted_groups: set[int] = set()
        self.nurses = (
            NurseDesk(conversations, nurse_group, self._call, CHANNEL)
            if nurse_group.strip() and conversations.nurse_group
            else None
        )

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
        """Any message in a group: say once that the bot works in private; store nothing.
        In the nurses' group, a nurse's text in a person's topic is their answer."""
        message = _message(update)
        if self.nurses is not None and message.chat_id == self.nurses.chat_id:
            await self.nurses.on_group_message(message, _input_id(update), self._sender(update))
            return
        if message.chat_id in self._greeted_groups:
            return
        self._greeted_groups.add(message.chat_id)
        language = message.from_user.language_code if message.from_user else None
        text = self.conversations.system_text("private_only", language)
        try:
            await self._call(lambda: message.get_bot().send_message(message.chat_id, text), False)
        except TelegramError as err:
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
        # "typing..." only when its answer takes noticeably long (most take milliseconds).
        typing_sent = asyncio.Event()
        typing = (
            asyncio.create_task(self._typing(bot.send_chat_action, chat_id, typing_sent))
            if query is None
            else None
        )
        try:
            outcome = await self.conversations.handle(inbound)
        except BaseException:
            if typing is not None:
                typing.cancel()
                await asyncio.gather(typing, return_exceptions=True)
            if query is not None:
                await self._answer(query, None)
            raise
        blocked = False
        if typing is not None:
            if self.typing_after > 0 and not typing_sent.is_set():
                typing.cancel()  # the answer came first: no "typing..." at all
            # Once sent, its answer is awaited: a 403 there means the person blocked the bot.
            blocked = (await asyncio.gather(typing, return_exceptions=True))[0] is True
        # The button is answered while the answer goes out, not after it: the spinner stops
        # sooner, and the two calls overlap.
        answering = (
            asyncio.create_task(self._answer(query, outcome.notice)) if query is not None else None
        )
        try:
            if blocked:
                raise Blocked
            if not outcome.duplicate and outcome.messages:
                sender = self._sender(update)
                # The outbox entry is confirmed only when Telegram confirmed every message;
                # Undelivered (Telegram down) leaves it for the redelivered update's replay.
                confirmed = await sender.deliver(chat_id, compose(outcome.messages), pressed)
                if outcome.relay is not None and self.nurses is not None:
                    await self.nurses.relay(bot, str(user.id), chat_id, outcome)
                if outcome.delivery is not None and confirmed:
                    await self.conversations.delivered(outcome.delivery)
        except (Blocked, Forbidden):
            log.info("the person has blocked the bot; marked inactive")
            await self.conversations.mark_blocked(CHANNEL, str(user.id))
        finally:
            if outcome.topic_gone is not None and self.nurses is not None:
                await self.nurses.forget_topic(bot, outcome.topic_gone)
            if outcome.operator_notice and self.operator_chat and not outcome.duplicate:
                await self._notify_operators(bot.send_message, outcome.operator_notice)
            if answering is not None:
                await answering

    async def forget_topics(self, bot: Bot, topics: Sequence[tuple[str, int]]) -> None:
        """A retention purge removed people with topics in the nurses' group: delete them."""
        if topics and self.nurses is not None:
            await self.nurses.forget_topics(bot, topics)

    def _sender(self, update: Update) -> Sender:
        bot = update.get_bot()
        return Sender(
            bot.send_message,
            bot.edit_message_reply_markup,
            self._call,
            self._keyboards if self.clear_old_keyboards else None,
            bot.send_photo,
            bot.send_document,
        )

    async def _notify_operators(
        self, send_message: Callable[..., Awaitable[Message]], notice: str
    ) -> None:
        """Tell the operators' chat about a red flag; a failure is logged, never raised."""
        chat: int | str = (
            int(self.operator_chat) if _CHAT_ID.match(self.operator_chat) else (self.operator_chat)
        )
        try:
            await self._call(lambda: send_message(chat, notice), False)
        except TelegramError as err:
            log.warning("operator notice not sent: %s", type(err).__name__)

    async def _typing(
        self, send_chat_action: Callable[..., Awaitable[bool]], chat_id: int, sent: asyncio.Event
    ) -> bool:
        """After :attr:`typing_after` seconds, send "typing" (``sent`` is set as it goes);
        True if the person has blocked the bot. Cancelled when the answer is ready first."""
        if self.typing_after > 0:
            await asyncio.sleep(self.typing_after)  # a delay, not synchronisation
        sent.set()
        try:
            await self._call(lambda: send_chat_action(chat_id, ChatAction.TYPING), True)
        except Forbidden:
            return True
        except TelegramError as err:
            log.info("typing action not sent: %s", type(err).__name__)
        return False

    async def _answer(self, query: CallbackQuery, notice: str | None) -> None:
        # Telegram refuses a toast over 200 characters, and then the spinner would not stop.
        text = notice[: NOTICE_LIMIT - 1] + "…" if notice and len(notice) > NOTICE_LIMIT else notice
        try:
            await self._call(lambda: query.answer(text=text), True)
        except TelegramError as err:
            # Too old (e.g. a redelivered update) or unreachable: the spinner times out anyway.
            log.info("callback query not answered: %s", type(err).__name__)


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
