"""Sending an answer to Telegram: bounded retries, the one live keyboard, what failed and why.

A Bot API call that fails is sorted into one of three kinds (see :func:`failure_kind`):

- ``passing``: Telegram answered with a 5xx (JSON or its gateway's HTML page), a 429 the
  rate limiter could not wait out, or the connection never got through. Retried with
  backoff; a message that still fails makes the whole answer :class:`Undelivered`.
- ``ambiguous``: the request went out and no answer came (read/write timeout, connection
  dropped). The message most likely arrived, so it is not sent again here -- unless it is
  urgent advice, where a second copy is a small price against a lost one.
- anything else (400, 403, ...) is final and never retried.

Old keyboards stay by default (a press on one is answered "moved on" and the current step is
shown again); with :class:`Keyboards` they are removed, but only after every message of the
new answer was confirmed, so a person whose answer did not go out keeps the buttons they had.

Exceptions::

    Unavailable (bot.service)
     └── Undelivered        a message of the answer could not be sent for a passing reason
    TelegramError (telegram)
     └── RetryAfterTooLong  Telegram asked to wait longer than RetryPolicy.max_retry_after
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

import httpx
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Message
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import AIORateLimiter

from bot.channels.telegram.request import UNSENT_ERRORS
from bot.channels.telegram.text import Part
from bot.service import Unavailable

log = logging.getLogger(__name__)

T = TypeVar("T")
FailureKind = Literal["passing", "ambiguous", "final"]

#: Client errors raised before a request reached the server: always safe to send again
#: (httpx for PTB's own request class, aiohttp for bot.channels.telegram.request).
_UNSENT: tuple[type[BaseException], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
    *UNSENT_ERRORS,
)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounded retries with exponential backoff for 5xx, 429 and connection errors.

    Attributes:
        attempts: calls in total, the first one included.
        base_delay: seconds before the first retry; doubled for each further retry.
        max_delay: the longest wait between two attempts.
        max_retry_after: the longest 429 ``retry_after`` waited out; a longer one gives up at
            once (the answer stays in the outbox for the redelivery).
    """

    attempts: int = 4
    base_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 30.0

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1-based), with jitter."""
        ceiling = min(self.max_delay, self.base_delay * 2 ** (retry - 1))
        return float(ceiling * random.uniform(0.5, 1.0))


class Undelivered(Unavailable):
    """A message of the answer was not confirmed for a passing reason after every retry.

    Raised out of the handler so the update is not acknowledged: when Telegram delivers it
    again, the service replays the stored answer.
    """


class RetryAfterTooLong(TelegramError):
    """Telegram answered 429 with a ``retry_after`` above :attr:`RetryPolicy.max_retry_after`."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"Flood control: retry after {seconds:.0f} s, more than the cap")
        self.seconds = seconds


class CappedRateLimiter(AIORateLimiter):
    """PTB's ``AIORateLimiter`` (pacing, and waiting out 429s), but a 429 asking for more than
    ``max_wait`` seconds is not waited out: it raises :class:`RetryAfterTooLong` at once, so
    one flood-control answer cannot hold every chat back for minutes."""

    def __init__(self, *, max_wait: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.max_wait = max_wait

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        async def capped(*a: Any, **k: Any) -> bool | dict[str, Any] | list[dict[str, Any]]:
            try:
                return await callback(*a, **k)
            except RetryAfter as err:
                seconds = _seconds(err)
                if seconds > self.max_wait:
                    raise RetryAfterTooLong(seconds) from err
                raise

        return await super().process_request(capped, args, kwargs, endpoint, data, rate_limit_args)


def failure_kind(err: TelegramError) -> FailureKind:
    """Sort a failed Bot API call: ``passing`` (retry), ``ambiguous`` (may have been carried
    out: only idempotent calls are retried) or ``final`` (never retried).

    PTB raises a ``NetworkError`` without a cause for an HTTP error status it has no better
    class for (5xx, with a JSON body), the same error caused by a ``TelegramError`` when the
    body was not JSON (the gateway's HTML page), and one caused by the client's (httpx or
    aiohttp) exception when the transport failed.
    """
    if isinstance(err, (RetryAfter, RetryAfterTooLong)):
        return "passing"
    if not isinstance(err, NetworkError) or isinstance(err, (BadRequest, Forbidden)):
        return "final"
    cause = err.__cause__
    if cause is None:
        return "ambiguous" if isinstance(err, TimedOut) else "passing"
    if isinstance(cause, _UNSENT):
        return "passing"
    if isinstance(cause, TelegramError) and not isinstance(err, TimedOut):
        return "passing"  # an HTTP error status whose body was not JSON (an HTML 502)
    return "ambiguous"


def _seconds(err: RetryAfter) -> float:
    value: Any = err.retry_after
    return float(value.total_seconds() if hasattr(value, "total_seconds") else value)


class Retrying:
    """Runs Bot API calls with :class:`RetryPolicy`."""

    def __init__(self, policy: RetryPolicy) -> None:
        self.policy = policy

    async def __call__(self, op: Callable[[], Awaitable[T]], repeat_ok: bool) -> T:
        """Run one Bot API call with bounded retries.

        Passing failures are retried with backoff. An ``ambiguous`` failure is retried only
        when ``repeat_ok`` (idempotent calls, urgent advice): an ordinary message that may
        have arrived is not sent a second time here.
        Final failures are raised at once, and so is a 429: the rate limiter below has already
        waited it out as often as it may (:class:`CappedRateLimiter`).
        """
        attempts = self.policy.attempts
        for attempt in range(1, attempts + 1):
            try:
                return await op()
            except TelegramError as err:
                kind = failure_kind(err)
                retry = kind == "passing" or (kind == "ambiguous" and repeat_ok)
                limited = isinstance(err, (RetryAfter, RetryAfterTooLong))
                if attempt == attempts or not retry or limited:
                    raise
                wait = self.policy.delay(attempt)
                log.warning(
                    "Telegram call failed (%s); retry %d of %d in %.2fs",
                    type(err).__name__,
                    attempt,
                    attempts - 1,
                    wait,
                )
                await asyncio.sleep(wait)
        raise AssertionError("unreachable")


class Keyboards:
    """Which of the bot's messages carry a live keyboard, per chat (the oldest chats forgotten)."""

    def __init__(self, max_chats: int) -> None:
        self._max = max_chats
        self._live: OrderedDict[int, list[int]] = OrderedDict()

    def take(self, chat_id: int) -> list[int]:
        """Forget and return the chat's live keyboards."""
        return self._live.pop(chat_id, [])

    def keep(self, chat_id: int, message_ids: list[int]) -> None:
        """Remember these messages (and only these) as the chat's live keyboards."""
        if not message_ids:
            return
        self._live[chat_id] = list(dict.fromkeys(message_ids))
        self._live.move_to_end(chat_id)
        while len(self._live) > self._max:
            self._live.popitem(last=False)


class Sender:
    """Sends an answer's messages to one chat and keeps one live keyboard there.

    Args:
        send_message: ``Bot.send_message``.
        edit_markup: ``Bot.edit_message_reply_markup``.
        retrying: how failed calls are retried.
        keyboards: the live keyboards of every chat, to remove old ones; ``None`` keeps them
            (no ``editMessageReplyMarkup`` call per step).
        send_photo: ``Bot.send_photo`` (for a part with a picture).
        send_document: ``Bot.send_document`` (for a part with a file).
    """

    def __init__(
        self,
        send_message: Callable[..., Awaitable[Message]],
        edit_markup: Callable[..., Awaitable[object]],
        retrying: Retrying,
        keyboards: Keyboards | None,
        send_photo: Callable[..., Awaitable[Message]] | None = None,
        send_document: Callable[..., Awaitable[Message]] | None = None,
    ) -> None:
        self._send_message = send_message
        self._edit_markup = edit_markup
        self._retrying = retrying
        self._keyboards = keyboards
        self._send_photo = send_photo
        self._send_document = send_document

    async def deliver(self, chat_id: int, parts: list[Part], pressed: int | None) -> bool:
        """Send ``parts`` in order; then, if Telegram confirmed every one, remove the old
        keyboards (and the pressed message's).

        Returns:
            True when every part was confirmed (the outbox entry may be confirmed).

        Raises:
            Undelivered: a part failed for a passing reason after every retry; the parts
                after it were not tried and the old keyboards were kept.
            Forbidden: the person blocked the bot.
        """
        if self._keyboards is None:
            return await self.send_only(chat_id, parts)
        old = self._keyboards.take(chat_id)
        if pressed is not None and pressed not in old:
            old.append(pressed)
        live: list[int] = []
        confirmed = 0
        try:
            for part in parts:
                sent = await self._send(chat_id, part)
                if sent is not None:
                    confirmed += 1
                    if part.buttons:
                        live.append(sent.message_id)
        except BaseException:
            self._keyboards.keep(chat_id, old + live)
            raise
        if confirmed < len(parts):
            self._keyboards.keep(chat_id, old + live)
            return False
        await self._clear(chat_id, [m for m in old if m not in live])
        self._keyboards.keep(chat_id, live)
        return True

    async def send_only(self, chat_id: int, parts: list[Part]) -> bool:
        """Send ``parts`` (no buttons) without touching the chat's live keyboards: a message
        that is not an answer to the person's last input ("Ask a nurse" answers).

        Returns:
            True when every part was confirmed.

        Raises:
            Undelivered: as for :meth:`deliver`.
            Forbidden: the person blocked the bot.
        """
        confirmed = 0
        for part in parts:
            if await self._send(chat_id, part) is not None:
                confirmed += 1
        return confirmed == len(parts)

    async def _send(self, chat_id: int, part: Part) -> Message | None:
        """Send one message; None when it was not confirmed and cannot be sent again now."""
        markup = _keyboard(part.buttons)
        attachment = part.attachment

        async def send() -> Message:
            if attachment is not None and attachment.content:
                upload = InputFile(attachment.content, filename=attachment.filename)
                if attachment.kind == "photo" and self._send_photo is not None:
                    return await self._send_photo(
                        chat_id, upload, caption=part.text, reply_markup=markup
                    )
                if attachment.kind == "document" and self._send_document is not None:
                    return await self._send_document(
                        chat_id, upload, caption=part.text, reply_markup=markup
                    )
            return await self._send_message(chat_id, part.text, reply_markup=markup)

        try:
            return await self._retrying(send, part.urgent)
        except Forbidden:
            raise
        except TelegramError as err:
            kind = failure_kind(err)
            if kind == "passing" or (kind == "ambiguous" and part.urgent):
                log.warning("message not sent after every retry: %s", type(err).__name__)
                raise Undelivered(type(err).__name__) from err
            # Refused for good (400), or it may have arrived (a timeout): not sent again here,
            # so one bad call loses at most this message and never doubles it.
            log.warning("message not confirmed: %s", type(err).__name__)
            return None

    async def _clear(self, chat_id: int, message_ids: list[int]) -> None:
        # All at once: the new answer is already out, and this only delays the button's answer.
        await asyncio.gather(*(self._clear_one(chat_id, m) for m in message_ids))

    async def _clear_one(self, chat_id: int, message_id: int) -> None:
        async def clear() -> object:
            return await self._edit_markup(
                chat_id=chat_id, message_id=message_id, reply_markup=None
            )

        try:
            await self._retrying(clear, True)
        except BadRequest:
            pass  # already without a keyboard, or too old to edit: nothing to do
        except TelegramError as err:
            log.info("old keyboard not removed: %s", type(err).__name__)


def _keyboard(buttons: tuple[tuple[str, str], ...]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data)] for label, data in buttons]
    )
