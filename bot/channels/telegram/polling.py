"""Long polling that confirms an update to Telegram only after it was handled.

Telegram confirms every update below the ``offset`` of a ``getUpdates`` call. PTB's Updater
asks for the next batch (confirming the last one) while the last one is still queued for
processing, so a process killed during a burst loses those updates for good. Here the
offset is the lowest update id not yet handled: a process killed at any point gets every
unfinished update again on restart, and the processed-input ids keep the finished ones from
being applied twice.

Updates run concurrently across chats and one at a time, in order, within a chat (the
Application's :class:`~bot.channels.telegram.processor.PerChatUpdateProcessor`). An update
whose handling fails for a passing reason (the store) is retried in place, holding its chat,
with backoff: later updates of that chat wait behind it instead of overtaking it. An update
that can never be handled is logged and skipped (see :mod:`~bot.channels.telegram.receiving`).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable
from datetime import timedelta
from typing import Any, TypeVar

from telegram import Update
from telegram.error import InvalidToken, RetryAfter, TelegramError
from telegram.ext import Application

from bot.channels.telegram.handlers import RetryPolicy
from bot.channels.telegram.receiving import NotHandled, UpdateRunner

log = logging.getLogger(__name__)

#: Updates asked for per call (Telegram's maximum).
BATCH = 100
#: When a batch brought nothing new (only updates still being handled, which Telegram sends
#: again until confirmed), the next call waits for the offset to move, or this long: a new
#: update arriving meanwhile waits up to this long too. A call re-sends the unconfirmed
#: updates, but only new ones are read (:meth:`Poller._schedule`), so calling often is cheap
#: (it was 0.25 s while every update of every batch was read: p50 0.75 s at 10 updates/s).
IDLE_WAIT = 0.05
#: Seconds given to updates in progress at shutdown before they are abandoned (unconfirmed).
SHUTDOWN_GRACE = 10.0
T = TypeVar("T")


def _retry_after(err: TelegramError) -> float | None:
    """Seconds Telegram asked to wait (429), if it did."""
    if not isinstance(err, RetryAfter):
        return None
    wait = err.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


class Poller:
    """The ``getUpdates`` loop.

    Args:
        application: an initialised Application (its update processor keeps per-chat order).
        runner: runs one update and says whether it may be confirmed.
        allowed_updates: the update kinds to ask for.
        poll_timeout: long-polling timeout in seconds.
        read_timeout: seconds to wait for Telegram beyond the long-polling timeout.
        retry: backoff for failed ``getUpdates`` calls and for updates that failed in passing.
    """

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        runner: UpdateRunner,
        allowed_updates: list[str],
        poll_timeout: int = 30,
        read_timeout: float = 15.0,
        retry: RetryPolicy | None = None,
    ) -> None:
        self.application = application
        self.runner = runner
        self.allowed_updates = allowed_updates
        self.poll_timeout = poll_timeout
        self.read_timeout = read_timeout
        self.retry = retry or RetryPolicy()
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._max_seen = -1
        self._floor = 0  # the highest offset sent: Telegram forgot everything below it
        self._moved = asyncio.Event()  # set when the offset moves up
        self._stop = asyncio.Event()

    @property
    def offset(self) -> int:
        """The next ``getUpdates`` offset: the lowest update id not handled yet."""
        unfinished = min(self._pending, default=self._max_seen + 1)
        return max(self._floor, unfinished)

    async def run(self, stop: asyncio.Event, started: asyncio.Event | None = None) -> None:
        """Poll until ``stop`` is set, then let running updates finish (bounded) and confirm."""
        watcher = asyncio.create_task(self._watch(stop))
        try:
            await self._delete_webhook()
            log.info("polling for updates")
            if started is not None:
                started.set()
            await self._loop()
        finally:
            watcher.cancel()
            await self._finish()

    async def _watch(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self._stop.set()

    async def _delete_webhook(self) -> None:
        """Polling and a webhook exclude each other; pending updates are kept."""
        failures = 0
        while not self._stop.is_set():
            try:
                await self.application.bot.delete_webhook(drop_pending_updates=False)
                return
            except InvalidToken:
                raise
            except TelegramError as err:
                failures += 1
                log.warning("deleteWebhook failed: %s; retrying", type(err).__name__)
                await self._pause(self.retry.delay(failures))

    async def _loop(self) -> None:
        failures = 0
        while not self._stop.is_set():
            offset = self.offset
            self._moved.clear()
            try:
                batch = await self._until_stopped(self._fetch(offset, self.poll_timeout))
            except Exception as err:  # TelegramError, or a batch PTB could not read
                failures += 1
                log.warning("getUpdates failed: %s; retrying", type(err).__name__)
                wait = _retry_after(err) if isinstance(err, TelegramError) else None
                await self._pause(wait or self.retry.delay(failures))
                continue
            if batch is None:  # stopping
                return
            failures = 0
            self._floor = offset
            if not self._schedule(batch):
                # Only updates still in progress came back: wait for the offset to move
                # first, or Telegram would send the same batch again at once, in a loop.
                await self._first(self._moved, IDLE_WAIT)

    async def _fetch(self, offset: int, wait: int) -> list[dict[str, Any]]:
        """One ``getUpdates`` call; the updates as Telegram sent them (JSON objects).

        Not ``Bot.get_updates``: that builds an :class:`Update` of every update in the batch,
        and the batch holds every update still being handled again (they are unconfirmed)
        -- with 50 people at once, most of the poller's CPU. Only new ones are read here
        (:meth:`_schedule`). The call goes through the same ``Bot._post`` as
        ``get_updates`` (rate limiter, timeouts, error mapping); as there, the read timeout
        is the long-polling timeout plus ``read_timeout``.
        """
        data = {
            "offset": offset,
            "limit": BATCH,
            "timeout": wait,
            "allowed_updates": self.allowed_updates,
        }
        bot = self.application.bot
        result = await bot._post("getUpdates", data, read_timeout=self.read_timeout + wait)
        if not isinstance(result, list):
            raise TelegramError("getUpdates did not answer with a list")
        return [u for u in result if isinstance(u, dict)]

    def _schedule(self, batch: list[dict[str, Any]]) -> bool:
        """Start a task for each update not seen before, in order; True if there was one."""
        new = False
        for raw in batch:
            update_id = raw.get("update_id")
            if not isinstance(update_id, int):
                continue  # not an update: nothing to confirm it by
            # Telegram sends unconfirmed updates again: those at or above the offset that
            # were already started are skipped. One below the offset is a redelivery of an
            # update already confirmed; the processed-input ids recognise it.
            seen = self._floor <= update_id <= self._max_seen
            if seen or update_id in self._pending:
                continue
            new = True
            self._max_seen = max(self._max_seen, update_id)
            try:
                update = Update.de_json(raw, self.application.bot)
            except Exception as err:  # PTB raises KeyError, TypeError, ...; never quote it
                log.error("update %s skipped: unreadable (%s)", update_id, type(err).__name__)
                continue
            task = asyncio.create_task(self._process(update))
            self._pending[update_id] = task
            task.add_done_callback(functools.partial(self._finished, update_id))
        return new

    def _finished(self, update_id: int, task: asyncio.Task[None]) -> None:
        if self._pending.get(update_id) is task and not task.cancelled():
            before = self.offset
            del self._pending[update_id]
            if self.offset > before:  # the next call confirms something: worth making
                self._moved.set()

    async def _process(self, update: Update) -> None:
        """Handle one update; return once it may be confirmed (cancelled if it may not)."""
        handled = False

        async def until_handled() -> None:
            nonlocal handled
            handled = await self._until_handled(update)

        try:
            await self.application.update_processor.process_update(update, until_handled())
        except Exception as err:  # outside the handlers (PTB itself): it would fail again
            log.error(
                "update %s skipped: processing failed (%s)", update.update_id, type(err).__name__
            )
            return
        if not handled:
            raise asyncio.CancelledError  # stopping: leave it unconfirmed

    async def _until_handled(self, update: Update) -> bool:
        """Run the update, retrying a passing failure while holding its chat; False if
        stopped first."""
        failures = 0
        while True:
            try:
                await self.runner.run(update)
                return True
            except NotHandled as err:
                failures += 1
                wait = self.retry.delay(failures)
                log.warning(
                    "update %s not handled (%s); trying again in %.2fs",
                    update.update_id,
                    err,
                    wait,
                )
                if not await self._pause(wait):
                    return False

    async def _pause(self, seconds: float) -> bool:
        """Wait ``seconds``; False if told to stop meanwhile."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._stop.wait()
        return not self._stop.is_set()

    async def _first(self, event: asyncio.Event, seconds: float) -> None:
        """Wait until ``event`` or stop is set, at most ``seconds``."""
        waiters = [asyncio.ensure_future(event.wait()), asyncio.ensure_future(self._stop.wait())]
        try:
            await asyncio.wait(waiters, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for waiter in waiters:
                waiter.cancel()

    async def _until_stopped(self, awaitable: Awaitable[T]) -> T | None:
        """Await ``awaitable`` unless stop comes first (then cancel it and return None)."""
        task = asyncio.ensure_future(awaitable)
        stopping = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait([task, stopping], return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
            if not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        return None if task.cancelled() else task.result()

    async def _finish(self) -> None:
        """Give running updates a bounded time, abandon the rest, confirm what finished."""
        self._stop.set()
        running = list(self._pending.values())
        if running:
            _, late = await asyncio.wait(running, timeout=SHUTDOWN_GRACE)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
            if late:
                log.warning("%d update(s) left unconfirmed at shutdown", len(late))
        offset = self.offset
        if offset > self._floor:
            try:
                await self._fetch(offset, 0)  # confirms what finished; the answer is ignored
            except TelegramError as err:
                log.info("last confirmation not sent (%s)", type(err).__name__)
