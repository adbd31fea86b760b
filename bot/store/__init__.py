"""Storage: people, sessions and the conversation log in SQLite or PostgreSQL.

Errors::

    StoreError                 the database cannot be used as asked
    ├── StoreUnavailable       cannot connect or write now (server down, locked, wrong URL)
    └── StoreNotReady          no schema yet, or an older one: run ``neutroguide db upgrade``
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.errors import StoreError, StoreNotReady, StoreUnavailable
from bot.store.files import prepare_sqlite_file
from bot.store.migrate import UpgradeResult, current_revision, head_revision, upgrade
from bot.store.protocol import Conversation, LogRow, Person, Store, StoreTurn, Unsent
from bot.store.pseudonym import Pseudonymizer, load_or_create_key, resolve_key
from bot.store.sql import SqlStore, create_engine
from bot.store.url import display_url, normalize_database_url, sqlite_path

__all__ = [
    "Conversation",
    "LogRow",
    "Person",
    "Pseudonymizer",
    "SqlStore",
    "Store",
    "StoreError",
    "StoreNotReady",
    "StoreTurn",
    "StoreUnavailable",
    "Unsent",
    "UpgradeResult",
    "display_url",
    "load_or_create_key",
    "normalize_database_url",
    "open_existing_store",
    "open_store",
    "resolve_key",
    "upgrade_database",
]


#: What SQLite says about a file that is not (or no longer) a database.
_CORRUPT = re.compile(r"not a database|malformed|file is encrypted", re.I)


@asynccontextmanager
async def _connecting(url: str) -> AsyncIterator[None]:
    """Turn driver connection failures into :class:`StoreUnavailable` naming the database."""
    try:
        yield
    except (DBAPIError, OSError) as exc:
        detail = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        if sqlite_path(url) is not None and _CORRUPT.search(str(detail)):
            raise StoreError(
                f"the database {display_url(url)} is damaged ({detail}): restore it from a "
                "backup, or move it aside and run 'neutroguide db upgrade' to start a new one"
            ) from exc
        raise StoreUnavailable(f"cannot open the database {display_url(url)}: {detail}") from exc


async def upgrade_database(url: str, revision: str = "head") -> UpgradeResult:
    """Run the migrations on the database at ``url`` (``neutroguide db upgrade``).

    Raises:
        StoreUnavailable: the database cannot be reached or created.
        StoreError: the SQLite file exists but is empty (0 bytes), or is damaged.
    """
    prepare_sqlite_file(url, create=True)
    engine = create_engine(url)
    try:
        async with _connecting(url):
            return await upgrade(engine, revision)
    finally:
        await engine.dispose()


async def open_existing_store(url: str, *, clock: Callable[[], float] = time.time) -> SqlStore:
    """Open the store without migrating, for review tools that must not change the schema.

    Raises:
        StoreNotReady: there is no database yet, or its schema is not the current one.
        StoreUnavailable: the database cannot be reached.
    """
    prepare_sqlite_file(url, create=False)
    engine = create_engine(url)
    try:
        await _check_current(engine, url)
    except BaseException:
        await engine.dispose()
        raise
    return SqlStore(engine, clock=clock)


async def _check_current(engine: AsyncEngine, url: str) -> None:
    async with _connecting(url):
        found = await current_revision(engine)
    expected = head_revision()
    if found is None:
        raise StoreNotReady(
            f"the database {display_url(url)} has no NeutroGuide tables yet; "
            "run `neutroguide db upgrade`"
        )
    if found != expected:
        raise StoreNotReady(
            f"the database {display_url(url)} is at schema {found}, this version needs "
            f"{expected}; run `neutroguide db upgrade`"
        )


async def open_store(url: str, *, clock: Callable[[], float] = time.time) -> SqlStore:
    """Open the store for ``url`` (any accepted ``DATABASE_URL`` form), upgrading to head first.

    Args:
        url: the database URL.
        clock: the time source for row stamps (tests fix it).

    Returns:
        A ready store; call ``close()`` when done.

    Raises:
        StoreUnavailable: the database cannot be reached or created.
        StoreError: the SQLite file exists but is empty (0 bytes), or is damaged.
    """
    prepare_sqlite_file(url, create=True)
    engine = create_engine(url)
    try:
        async with _connecting(url):
            await upgrade(engine)
    except BaseException:
        await engine.dispose()
        raise
    return SqlStore(engine, clock=clock)
