"""Waiting on state no event announces: another process's database file."""

from __future__ import annotations

import asyncio
from collections.abc import Callable


async def wait_until(
    predicate: Callable[[], bool], within: float = 30.0, every: float = 0.05
) -> None:
    """Re-check ``predicate`` every ``every`` seconds until it holds (TimeoutError after
    ``within``). For conditions outside this process, e.g. rows a ``neutroguide run`` child
    committed; the fake Bot API's own state is better waited on with ``FakeBotAPI.wait_for``.
    """
    async with asyncio.timeout(within):
        while True:
            if predicate():
                return
            await asyncio.sleep(every)  # re-check interval, not a stand-in for an event
