"""Retention in the running bot: purge the conversation log once a day (``retention_days``)."""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
from collections.abc import Awaitable, Callable

from bot.store import open_existing_store
from bot.store.errors import StoreError
from bot.store.protocol import Purged

log = logging.getLogger(__name__)

DAY = 86_400.0


async def purge_once(url: str, days: float, now: float) -> Purged:
    """Remove what is older than ``days`` at ``now`` from the database at ``url``.

    Raises:
        StoreError: the database cannot be used (missing, not upgraded, unreachable).
    """
    store = await open_existing_store(url)
    try:
        return await store.purge(now - days * DAY)
    finally:
        await store.close()


async def purge_daily(
    url: str,
    days: float,
    stop: asyncio.Event,
    *,
    every: float = DAY,
    clock: Callable[[], float] = time.time,
    on_purge: Callable[[Purged], Awaitable[None] | None] | None = None,
) -> None:
    """Purge at once, then every ``every`` seconds, until ``stop`` is set.

    The schema must be current (the caller upgrades first). A failed purge is logged as a
    WARNING and tried again at the next round; the bot goes on either way.

    Args:
        url: the ``DATABASE_URL``.
        days: the deployment's ``retention_days`` (more than 0).
        stop: set it to end the loop.
        every: seconds between purges.
        clock: the time source (tests fix it).
        on_purge: called with each result (and awaited when it returns an awaitable): the
            Telegram channel deletes the removed people's topics in the nurses' group.
    """
    while not stop.is_set():
        try:
            purged = await purge_once(url, days, clock())
        except StoreError as exc:
            log.warning("retention: the purge failed, trying again later: %s", exc)
        else:
            log.info(
                "retention: removed %d conversation log row(s) and %d person(s) older than %g "
                "day(s)",
                purged.log_rows,
                purged.people,
                days,
            )
            if on_purge is not None:
                done = on_purge(purged)
                if inspect.isawaitable(done):
                    await done
        try:
            await asyncio.wait_for(stop.wait(), timeout=every)
        except TimeoutError:
            continue


async def start_retention(
    url: str,
    days: float,
    stop: asyncio.Event,
    on_purge: Callable[[Purged], Awaitable[None] | None] | None = None,
) -> asyncio.Task[None] | None:
    """With ``days`` above 0: :func:`purge_daily` as a task, started once the schema is
    current (the purge must not race the migrations). ``None`` when logs are kept."""
    if days <= 0:
        return None
    from bot.store import upgrade_database

    await upgrade_database(url)
    return asyncio.create_task(purge_daily(url, days, stop, on_purge=on_purge), name="retention")
