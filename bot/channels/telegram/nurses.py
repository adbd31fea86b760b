""" "Ask a nurse" on Telegram: questions into a forum topic per person, answers back to them.

The nurses' group is a supergroup with topics (``nurse_group``); the bot must be an admin
there with the right to manage topics (and so it sees every message, whatever its privacy
mode). A person's first question opens their topic (``createForumTopic``, named by the
service: a family code, never a name or Telegram id); every question goes there with
``message_thread_id``. A text a nurse writes in a topic is handed to
:meth:`~bot.service.Conversations.staff_reply`, and what comes back is sent to the person,
leaving their buttons as they were. /forget deletes the topic (closes it, if deleting is
not allowed).

Failures: a passing one (Telegram down) raises :class:`Undelivered`, so the update comes
again (a question is then relayed from the outbox replay); a topic deleted by hand is opened
anew once; anything else is logged by kind, and the person is told the nurses could not be
reached, with the urgent numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import partial

from telegram import Bot, Message
from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.telegram.delivery import Retrying, Sender, Undelivered, failure_kind
from bot.channels.telegram.text import compose, split_text
from bot.service import Conversations, Outcome, Relay

log = logging.getLogger(__name__)


class NurseDesk:
    """The channel's side of "Ask a nurse" for one nurses' group.

    Args:
        conversations: the service.
        group: the nurses' group chat id (``-100...``).
        call: how Bot API calls are retried.
        channel: the channel name the service knows people by.
    """

    def __init__(
        self, conversations: Conversations, group: str, call: Retrying, channel: str
    ) -> None:
        self.conversations = conversations
        self.group = group.strip()
        self.chat_id = int(self.group)
        self._call = call
        self._channel = channel

    # -- questions into the group ----------------------------------------------------------

    async def relay(self, bot: Bot, user_id: str, chat_id: int, outcome: Outcome) -> None:
        """Post ``outcome.relay`` in the person's topic, opening it first if needed.

        Raises:
            Undelivered: Telegram could not take it for a passing reason (let the update
                come again).
            bot.service.Unavailable: the store cannot be used now.
        """
        relay = outcome.relay
        assert relay is not None
        for attempt in (1, 2):
            try:
                await self._post(bot, user_id, relay)
                return
            except BadRequest as err:
                if attempt == 1 and "thread not found" in err.message.lower():
                    log.warning("a nurse topic was deleted in the group; opening a new one")
                    await self.conversations.nurse_topic_lost(self._channel, user_id)
                    continue
                log.warning("question not passed on to the nurses: %s", type(err).__name__)
            except TelegramError as err:
                kind = failure_kind(err)
                if kind == "passing":
                    log.warning("question not passed on to the nurses yet: %s", type(err).__name__)
                    raise Undelivered(type(err).__name__) from err
                if kind == "ambiguous":  # it most likely arrived: not sent twice, not denied
                    log.warning("question to the nurses not confirmed: %s", type(err).__name__)
                    return
                log.warning("question not passed on to the nurses: %s", type(err).__name__)
            break
        await self._say_unreachable(bot, chat_id, outcome.locale)

    async def _post(self, bot: Bot, user_id: str, relay: Relay) -> None:
        thread = await self.conversations.nurse_topic(self._channel, user_id)
        if thread is None:
            # Not repeated after a timeout: a second topic for one person is worse than a
            # retry of the whole update later.
            topic = await self._call(
                lambda: bot.create_forum_topic(self.chat_id, relay.title), False
            )
            thread = await self.conversations.nurse_topic_opened(
                self._channel, user_id, topic.message_thread_id
            )
        for part in split_text(relay.text):
            send = partial(bot.send_message, self.chat_id, part, message_thread_id=thread)
            await self._call(send, False)

    async def _say_unreachable(self, bot: Bot, chat_id: int, locale: str) -> None:
        text = self.conversations.nurse_text("nurse_unreachable", locale)
        try:
            await self._call(lambda: bot.send_message(chat_id, text), False)
        except TelegramError as err:
            log.warning("message not sent: %s", type(err).__name__)

    async def forget_topic(self, bot: Bot, thread_id: int) -> None:
        """Delete a forgotten person's topic, or close it when deleting is refused; a
        failure is logged, never raised (their data in the bot is gone already)."""
        try:
            await self._call(lambda: bot.delete_forum_topic(self.chat_id, thread_id), True)
            return
        except TelegramError as err:
            log.warning("nurse topic not deleted: %s; closing it", type(err).__name__)
        try:
            await self._call(lambda: bot.close_forum_topic(self.chat_id, thread_id), True)
        except TelegramError as err:
            log.warning("nurse topic not closed: %s", type(err).__name__)

    async def forget_topics(self, bot: Bot, topics: Sequence[tuple[str, int]]) -> None:
        """After a retention purge: delete the removed people's topics that are in this
        group (one recorded for an earlier group is out of reach and left)."""
        for chat, thread_id in topics:
            if chat == self.group:
                await self.forget_topic(bot, thread_id)

    # -- answers from the group ------------------------------------------------------------

    async def on_group_message(self, message: Message, input_id: str, sender: Sender) -> None:
        """A message in the nurses' group: a nurse's text in a person's topic goes to them.

        Anything else (the General topic, service messages, commands, media, other bots,
        topics that are nobody's) is left alone.

        Raises:
            Undelivered: the answer could not be sent for a passing reason.
            bot.service.Unavailable: the store cannot be used now.
        """
        author = message.from_user
        text = message.text or ""
        thread = message.message_thread_id
        if (
            not message.is_topic_message
            or thread is None
            or author is None
            or author.is_bot
            or not text.strip()
            or text.startswith("/")
        ):
            return
        reply = await self.conversations.staff_reply(thread, text, input_id)
        if reply is None or reply.outcome.duplicate:
            return
        if reply.user_id is None:
            await self._not_delivered(message.get_bot(), thread)
            return
        try:
            confirmed = await sender.send_only(int(reply.user_id), compose(reply.outcome.messages))
        except Forbidden:
            log.info("the person has blocked the bot; a nurse's answer was not delivered")
            await self.conversations.mark_blocked(self._channel, reply.user_id)
            await self._not_delivered(message.get_bot(), thread)
            return
        if confirmed and reply.outcome.delivery is not None:
            await self.conversations.delivered(reply.outcome.delivery)

    async def _not_delivered(self, bot: Bot, thread: int) -> None:
        text = self.conversations.nurse_text("nurse_not_delivered")
        try:
            await self._call(
                lambda: bot.send_message(self.chat_id, text, message_thread_id=thread), False
            )
        except TelegramError as err:
            log.warning("notice not sent to the nurses: %s", type(err).__name__)
