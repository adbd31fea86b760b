"""Storage: people, sessions and the conversation log in SQLite or PostgreSQL."""

from __future__ import annotations

import time
from collections.abc import Callable

from bot.store.migrate import UpgradeResult, upgrade
from bot.store.protocol import Conversation, LogRow, Person, Store
from bot.store.pseudonym import Pseudonymizer, load_or_create_key, resolve_key
from bot.store.sql import SqlStore, create_engine
from bot.store.url import normalize_database_url

__all__ = [
    "Conversation",
    "LogRow",
    "Person",
    "Pseudonymizer",
    "SqlStore",
    "Store",
    "UpgradeResult",
    "load_or_create_key",
    "normalize_database_url",
    "open_store",
    "resolve_key",
]


async def open_store(url: str, *, clock: Callable[[], float] = time.time) -> SqlStore:
    """Open the store for ``url`` (any accepted ``DATABASE_URL`` form), upgrading to head first.

    Args:
        url: the database URL.
        clock: the time source for row stamps (tests fix it).

    Returns:
        A ready store; call ``close()`` when done.
    """
    engine = create_engine(url)
    try:
        await upgrade(engine)
    except BaseException:
        await engine.dispose()
        raise
    return SqlStore(engine, clock=clock)
