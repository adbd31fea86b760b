"""A turn's SQLite work on the event loop, through SQLAlchemy Core on the stdlib driver.

Why on the loop: a turn's load and its one write transaction cost about 0.3-0.4 ms of CPU on
``sqlite3``. Through aiosqlite they cost about 4 ms and 27 thread hand-offs an input (each
statement and the pool's pre-ping and reset go through its thread, and each hand-off waits
for the GIL); the hand-offs were most of the bot's time per step (docs/performance.md).

Why it cannot stall the loop: the loop's connection has ``busy_timeout=0``. A statement that
finds the file locked by another process (a ``neutroguide db`` command, a backup) fails at
once with ``SQLITE_BUSY``, rolls back, and the whole call runs again on a single worker thread
whose connection waits the usual :data:`~bot.store.sql.SQLITE_BUSY_TIMEOUT_MS`. Automatic
WAL checkpoints (which fsync) are off on the loop's connection; the worker thread runs a
RESTART checkpoint every :data:`CHECKPOINT_EVERY` commits instead, and writes wait behind it.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import StaticPool

T = TypeVar("T")

#: Commits between two passive WAL checkpoints (SQLite's own default is 1,000 pages).
CHECKPOINT_EVERY = 200
#: SQLite's "the file is locked" result codes.
_BUSY_CODES = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


def is_busy(exc: BaseException) -> bool:
    """Whether ``exc`` is SQLite's "database is locked" (another connection holds the lock)."""
    orig = getattr(exc, "orig", exc)
    code = getattr(orig, "sqlite_errorcode", None)
    return isinstance(orig, sqlite3.OperationalError) and (
        code in _BUSY_CODES or (code is None and "locked" in str(orig))
    )


def _sync_engine(url: URL, on_connect: Callable[[Any, Any], None], busy_ms: int) -> Engine:
    """One connection (StaticPool), used by one thread at a time."""
    engine = sa.create_engine(
        url.set(drivername="sqlite"),
        poolclass=StaticPool,
        connect_args={"check_same_thread": False},
        hide_parameters=True,
    )

    def pragmas(dbapi_connection: Any, record: Any) -> None:
        on_connect(dbapi_connection, record)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            if busy_ms == 0:
                cursor.execute("PRAGMA wal_autocheckpoint=0")
        finally:
            cursor.close()

    event.listen(engine, "connect", pragmas)
    return engine


class InlineSqlite:
    """Runs short store calls on the loop's SQLite connection, or on the worker thread's when
    the file is locked.

    Args:
        url: the async engine's URL (``sqlite+aiosqlite:///...``); the stdlib driver is used.
        on_connect: the pragmas every connection gets (WAL, secure_delete, ...).
        busy_timeout_ms: how long the worker thread's connection waits for a lock.
    """

    def __init__(
        self, url: URL, on_connect: Callable[[Any, Any], None], busy_timeout_ms: int
    ) -> None:
        self._loop_engine = _sync_engine(url, on_connect, 0)
        self._thread_engine = _sync_engine(url, on_connect, busy_timeout_ms)
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="sqlite-store")
        self._commits = 0
        self._checkpoint: asyncio.Future[None] | None = None
        self._checkpointing = threading.Event()
        #: The last checkpoint could not restart the log (another process wrote or read): the
        #: next commit tries again instead of waiting CHECKPOINT_EVERY commits.
        self._checkpoint_failed = False
        self._closed = False
        #: Calls that found the file locked and went to the worker thread (tests read it).
        self.fallbacks = 0

    async def read(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` outside a transaction (each statement reads the latest commit)."""
        return await self._run(work, write=False)

    async def write(self, work: Callable[[Connection], T]) -> T:
        """``work(conn)`` in one transaction, committed unless it raises."""
        return await self._run(work, write=True)

    async def _run(self, work: Callable[[Connection], T], *, write: bool) -> T:
        if write and self._checkpointing.is_set():
            # Queue behind the checkpoint instead of racing it for the write lock: a RESTART
            # checkpoint waits for the lock with a busy handler that sleeps, and the loop took
            # the lock back in every gap, so the checkpoint gave up now and then and the log
            # grew by another cycle's pages (the test's sizes doubled on a busy machine).
            result = await self._on_thread(work, write)
        else:
            try:
                result = self._call(self._loop_engine, work, write)
            except OperationalError as exc:
                if not is_busy(exc):
                    raise
                self.fallbacks += 1
                result = await self._on_thread(work, write)
        if write:
            self._commits += 1
            if self._commits % CHECKPOINT_EVERY == 0 or self._checkpoint_failed:
                self._start_checkpoint()
        return result

    async def _on_thread(self, work: Callable[[Connection], T], write: bool) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._thread, self._call, self._thread_engine, work, write
        )

    @staticmethod
    def _call(engine: Engine, work: Callable[[Connection], T], write: bool) -> T:
        if write:
            with engine.begin() as conn:
                return work(conn)
        with engine.connect() as conn:
            return work(conn)

    def _start_checkpoint(self) -> None:
        # The thread says itself when it is done: a future's done() waits for the loop to run
        # its callbacks, which a burst of turns that never wait for I/O does not let it do; the
        # write-ahead log then grew without bound (2.3 GB after 20,000 people in bench/service).
        if self._checkpointing.is_set():
            return  # one at a time; the next one comes CHECKPOINT_EVERY commits later
        self._checkpointing.set()
        loop = asyncio.get_running_loop()
        self._checkpoint = loop.run_in_executor(self._thread, self._checkpoint_now)

    def _checkpoint_now(self) -> None:
        # RESTART: copies the log into the database and makes the next writer start the log
        # again from its beginning. A PASSIVE one never got there while turns kept writing (the
        # log is only reused once a checkpoint has caught up before the next write begins), so
        # the file grew by every turn's pages for ever. Turns that arrive meanwhile find the
        # file locked and wait on this thread, off the loop.
        busy = True
        try:
            with contextlib.suppress(OperationalError), self._thread_engine.connect() as conn:
                # One row: (1 when it could not finish, frames in the log, frames copied).
                row = conn.exec_driver_sql("PRAGMA wal_checkpoint(RESTART)").first()
                conn.commit()
                busy = row is None or bool(row[0])
        finally:
            self._checkpoint_failed = busy
            self._checkpointing.clear()

    async def close(self) -> None:
        """Finish a running checkpoint, then close both connections and the thread (once)."""
        if self._closed:
            return
        self._closed = True
        if self._checkpoint is not None:
            with contextlib.suppress(Exception):
                await self._checkpoint
        self._loop_engine.dispose()
        await asyncio.get_running_loop().run_in_executor(self._thread, self._thread_engine.dispose)
        self._thread.shutdown(wait=True)
