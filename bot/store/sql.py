"""The SQL store: SQLite (aiosqlite, WAL) or PostgreSQL (asyncpg) through SQLAlchemy async Core."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import math
import time
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager, nullcontext
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool, StaticPool

from bot.engine.types import Session
from bot.store.errors import StoreUnavailable
from bot.store.inline import InlineSqlite
from bot.store.protocol import (
    Conversation,
    Direction,
    LogKind,
    LogRow,
    NurseTopic,
    Person,
    Purged,
    Status,
    StoreTurn,
    Unsent,
)
from bot.store.tables import (
    ALL_TABLES,
    PERSON_TABLES,
    audit_log,
    conversation_log,
    conversation_notes,
    flag_reviews,
    nurse_topics,
    outbox,
    people,
    processed_inputs,
    sessions,
)
from bot.store.url import is_memory_sqlite, normalize_database_url

log = logging.getLogger(__name__)

#: How long a SQLite writer waits for another writer's lock before giving up.
SQLITE_BUSY_TIMEOUT_MS = 10_000
#: Rows deleted per transaction by :meth:`SqlStore.purge`, so a long first purge on a big log
#: never holds the SQLite write lock long enough to make the running bot's turns wait.
PURGE_BATCH = 500
#: Log kinds that are messages (in or out), as opposed to events recorded for operators.
MESSAGE_KINDS: tuple[LogKind, ...] = ("text", "choice", "command", "media", "reply", "staff")
_STATUSES: tuple[Status, ...] = ("active", "inactive", "stopped")
#: Failures that pass (a locked SQLite file, a PostgreSQL server down or restarting): the
#: service answers what needs no state and lets the channel deliver the input again.
_PASSING = (OperationalError, InterfaceError, OSError, TimeoutError)


@asynccontextmanager
async def _passing_as_unavailable() -> AsyncIterator[None]:
    """Turn a passing database failure into :class:`StoreUnavailable`, naming only its type
    (a driver's message can quote the statement's parameters, i.e. typed text)."""
    try:
        yield
    except _PASSING as exc:
        detail = type(getattr(exc, "orig", None) or exc).__name__
        raise StoreUnavailable(f"the database cannot be used now ({detail})") from exc


def turn_lock_key(pseudonym: str) -> int:
    """The PostgreSQL advisory-lock key of a person: a signed 64-bit hash of the pseudonym.

    Keyed by a fixed "personalisation" so another application's advisory locks on the same
    database are unlikely to share keys with ours; two people sharing a key by chance are
    merely served one after the other.
    """
    digest = hashlib.blake2b(pseudonym.encode(), digest_size=8, person=b"neutroguide-turn")
    return int.from_bytes(digest.digest(), "big", signed=True)


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """WAL lets readers work while one writer writes; busy_timeout makes writers queue;
    secure_delete overwrites deleted rows with zeros, so /forget leaves no text in the pages
    (set explicitly: whether it is on by default depends on how SQLite was compiled)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a ``DATABASE_URL`` (any accepted form), SQLite pragmas installed.

    SQL parameters (typed text, phone numbers) never appear in its errors or logs:
    ``hide_parameters`` replaces them with a notice.

    Args:
        url: the database URL as configured.
    """
    async_url = normalize_database_url(url)
    if is_memory_sqlite(url):
        # One shared connection, or every connection would see its own empty database.
        engine = create_async_engine(async_url, poolclass=StaticPool, hide_parameters=True)
    else:
        # No pre-ping on PostgreSQL: it is a round trip on every checkout, and a turn that
        # finds its pooled connection dead retries once on a new one (SqlStore.turn).
        pre_ping = make_url(async_url).get_backend_name() != "postgresql"
        engine = create_async_engine(async_url, pool_pre_ping=pre_ping, hide_parameters=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _sqlite_on_connect)
    elif engine.dialect.name == "postgresql":
        event.listen(engine.sync_engine, "connect", _postgres_on_connect)
    return engine


def _status(value: str) -> Status:
    for status in _STATUSES:
        if value == status:
            return status
    raise ValueError(f"unknown person status {value!r} in the database")


def _loaded(row: sa.Row[Any] | None) -> tuple[Person, Session] | None:
    """A person and their session from a row of the load statement (``None``: nobody)."""
    if row is None:
        return None
    person = Person(
        pseudonym=row.pseudonym,
        locale=row.locale,
        consent=bool(row.consent),
        status=_status(row.status),
        notices=tuple(row.notices or ()),
    )
    if row.session_pseudonym is None:
        return person, Session()
    session = Session(
        node=row.node,
        history=tuple(row.history or ()),
        profile=dict(row.profile or {}),
        updated_at=float(row.session_updated_at),
        waiting=row.waiting,
    )
    return person, session


def _row_to_log(row: sa.Row[Any]) -> LogRow:
    return LogRow(
        direction=cast(Direction, row.direction),
        kind=cast(LogKind, row.kind),
        node=row.node,
        message_id=row.message_id,
        text=row.text,
        flag=row.flag,
        rule=row.rule,
        at=float(row.at),
    )


def _row_to_topic(row: sa.Row[Any] | None) -> NurseTopic | None:
    if row is None:
        return None
    return NurseTopic(row.pseudonym, row.chat, int(row.thread_id), row.contact)


#: A turn's whole write on PostgreSQL in one statement, run in autocommit: one round trip that
#: is its own transaction (no BEGIN, no COMMIT). It claims the input id, then, only if the claim
#: was new, upserts person and session and inserts the log rows and the outbox entry; every
#: part sees the same snapshot, and the foreign key from sessions to people is checked at the
#: end of the statement, so a new person works. It also hands the person's lock over to the
#: commit: ``held`` takes the transaction-level hold of the key (granted at once: this session
#: already holds it), and only then, in the last step, ``pg_advisory_unlock`` drops the
#: session-level hold the load took. The key stays locked until this statement's transaction
#: has committed, so the next turn's load (which waits for the key) sees the write. Returns
#: 1 when the claim was new, 0 when the input was already processed (nothing written); the
#: session-level hold is gone either way.
_PG_WRITE_SQL = """
WITH held AS (SELECT pg_advisory_xact_lock(CAST(:key AS bigint))),
claim AS ({claim}),
person AS (
    INSERT INTO people (pseudonym, locale, consent, status, notices, created_at, updated_at)
    SELECT :who, CAST(:locale AS varchar), CAST(:consent AS boolean), CAST(:status AS varchar),
           CAST(:notices AS json), CAST(:now AS double precision), CAST(:now AS double precision)
    WHERE EXISTS (SELECT 1 FROM claim)
    ON CONFLICT (pseudonym) DO UPDATE SET locale = excluded.locale, consent = excluded.consent,
        status = excluded.status, notices = excluded.notices, updated_at = excluded.updated_at
    RETURNING 1
),
session AS (
    INSERT INTO sessions (pseudonym, node, history, profile, waiting, updated_at)
    SELECT :who, CAST(:node AS text), CAST(:history AS json), CAST(:profile AS json),
           CAST(:waiting AS varchar), CAST(:session_at AS double precision)
    WHERE EXISTS (SELECT 1 FROM claim)
    ON CONFLICT (pseudonym) DO UPDATE SET node = excluded.node, history = excluded.history,
        profile = excluded.profile, waiting = excluded.waiting, updated_at = excluded.updated_at
    RETURNING 1
),
logged AS (
    INSERT INTO conversation_log
        (at, pseudonym, direction, kind, node, message_id, text, flag, rule)
    SELECT CAST(e.r->>'at' AS double precision), :who, e.r->>'direction', e.r->>'kind',
           e.r->>'node', e.r->>'message_id', e.r->>'text', e.r->>'flag', e.r->>'rule'
    FROM json_array_elements(CAST(:rows AS json)) WITH ORDINALITY AS e(r, n)
    WHERE EXISTS (SELECT 1 FROM claim)
    ORDER BY e.n
    RETURNING 1
),
boxed AS (
    INSERT INTO outbox (id, input_id, pseudonym, payload, at)
    SELECT CAST(:answer_id AS varchar), CAST(:input_id AS varchar), :who,
           CAST(:payload AS json), CAST(:now AS double precision)
    WHERE CAST(:answer_id AS varchar) IS NOT NULL AND EXISTS (SELECT 1 FROM claim)
    RETURNING 1
)
SELECT claimed.n,
       CASE WHEN CAST(:release AS boolean) THEN pg_advisory_unlock(CAST(:key AS bigint)) END
FROM (SELECT count(*) AS n FROM claim) AS claimed
"""
# The order matters: ``claim`` reads ``held`` (a CTE calling a volatile function is never
# inlined, so it runs, once, before the claim's row exists), and the unlock is in the outer
# select list, computed for the one output row, after the count over ``claim``.
_PG_WRITE = sa.text(
    _PG_WRITE_SQL.format(
        claim="INSERT INTO processed_inputs (input_id, pseudonym, at) "
        "SELECT CAST(:input_id AS varchar), :who, CAST(:now AS double precision) FROM held "
        "ON CONFLICT (input_id) DO NOTHING RETURNING 1"
    )
)
#: The same without an input id to claim (a language set from the terminal chat).
_PG_WRITE_UNCLAIMED = sa.text(
    _PG_WRITE_SQL.format(claim="SELECT 1 FROM held WHERE CAST(:input_id AS varchar) IS NULL")
)
#: Drop the session-level hold of a person's key when a turn ends without its write.
_PG_UNLOCK = sa.text("SELECT pg_advisory_unlock(CAST(:key AS bigint))")

#: A person's lock and load in one round trip on PostgreSQL, in autocommit. The lock is the
#: session-level ``pg_advisory_lock``: it outlives this statement's own transaction and is
#: handed over to the write's transaction by :data:`_PG_WRITE`. A VOLATILE SQL function takes
#: a fresh snapshot for each statement in it, so the load sees what the previous holder of the
#: lock committed: as safe as running the two statements one after the other (see
#: :meth:`SqlStore.turn`). A temporary function (``pg_temp``), created on each new
#: connection, so no migration and nothing left in the schema.
_PG_TURN_FUNCTION = """
CREATE OR REPLACE FUNCTION pg_temp.neutroguide_turn(key bigint, who varchar)
RETURNS TABLE (pseudonym varchar, locale varchar, consent boolean, status varchar,
    notices json, created_at double precision, updated_at double precision, node text,
    history json, profile json, waiting varchar, session_updated_at double precision,
    session_pseudonym varchar)
LANGUAGE sql VOLATILE AS $$
    SELECT pg_advisory_lock(key);
    SELECT p.pseudonym, p.locale, p.consent, p.status, p.notices, p.created_at,
           p.updated_at, s.node, s.history, s.profile, s.waiting, s.updated_at, s.pseudonym
    FROM people p LEFT OUTER JOIN sessions s ON s.pseudonym = p.pseudonym
    WHERE p.pseudonym = who;
$$
"""
_PG_TURN = sa.text("SELECT * FROM pg_temp.neutroguide_turn(:key, :who)").columns(
    sa.column("pseudonym", sa.String()),
    sa.column("locale", sa.String()),
    sa.column("consent", sa.Boolean()),
    sa.column("status", sa.String()),
    sa.column("notices", sa.JSON()),
    sa.column("created_at", sa.Double()),
    sa.column("updated_at", sa.Double()),
    sa.column("node", sa.Text()),
    sa.column("history", sa.JSON()),
    sa.column("profile", sa.JSON()),
    sa.column("waiting", sa.String()),
    sa.column("session_updated_at", sa.Double()),
    sa.column("session_pseudonym", sa.String()),
)


def _postgres_on_connect(dbapi_connection: Any, _record: Any) -> None:
    """Create the turn function on a new connection (bodies checked only when called, so a
    database without the tables yet, before its migrations, connects all the same)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET check_function_bodies = off")
        cursor.execute(_PG_TURN_FUNCTION)
        cursor.execute("RESET check_function_bodies")
    finally:
        cursor.close()
    dbapi_connection.commit()


#: Columns an upsert overwrites (``created_at`` keeps its first value).
_PERSON_FIELDS = ("locale", "consent", "status", "notices", "updated_at")
_SESSION_FIELDS = ("node", "history", "profile", "waiting", "updated_at")


class SqlStore:
    """The :class:`~bot.store.protocol.Store` on SQLAlchemy: one transaction per handled input.

    Safe with several bot instances on one PostgreSQL database: :meth:`turn` serialises a
    person's turns with an advisory lock, and the processed-input insert inside it decides
    which instance applies a redelivered input. (:meth:`load` and :meth:`commit` on their
    own take no lock: for tools and tests, not for handling input.)
    """

    def __init__(self, engine: AsyncEngine, clock: Callable[[], float] = time.time) -> None:
        """Wrap ``engine`` (see :func:`create_engine`); ``clock`` stamps rows and tests fix it."""
        self.engine = engine
        self._clock = clock
        self._dialect = engine.dialect.name
        # An in-memory SQLite database has a single connection: take turns using it.
        self._lock: asyncio.Lock | None = (
            asyncio.Lock() if isinstance(engine.pool, StaticPool) else None
        )
        self._prober: AsyncEngine | None = None  # see ping()
        # A SQLite file: the turn's statements run on the event loop (bot/store/inline.py).
        self._inline: InlineSqlite | None = (
            InlineSqlite(engine.url, _sqlite_on_connect, SQLITE_BUSY_TIMEOUT_MS)
            if self._dialect == "sqlite" and self._lock is None
            else None
        )
        self._prepare_statements()

    def _prepare_statements(self) -> None:
        """Build the hot-path statements once: executing one with fresh parameters reuses
        SQLAlchemy's compiled form instead of building and caching a new statement each time
        (about half of the store's CPU per handled input before)."""
        claim = self._insert(processed_inputs).on_conflict_do_nothing(
            index_elements=[processed_inputs.c.input_id]
        )
        person = self._insert(people)
        person = person.on_conflict_do_update(
            index_elements=[people.c.pseudonym],
            set_={c: person.excluded[c] for c in _PERSON_FIELDS},
        )
        session = self._insert(sessions)
        session = session.on_conflict_do_update(
            index_elements=[sessions.c.pseudonym],
            set_={c: session.excluded[c] for c in _SESSION_FIELDS},
        )
        self._claim_stmt, self._person_stmt, self._session_stmt = claim, person, session
        self._unsent_stmt = (
            sa.select(outbox.c.id, outbox.c.payload)
            .where(outbox.c.input_id == sa.bindparam("input_id"))
            .order_by(outbox.c.at)
            .limit(1)
        )
        self._log_stmt = conversation_log.insert()
        self._delivered_stmt = outbox.delete().where(outbox.c.id == sa.bindparam("id"))
        self._outbox_stmt = outbox.insert()
        self._load_stmt = (
            sa.select(people, sessions.c.node, sessions.c.history, sessions.c.profile)
            .add_columns(
                sessions.c.waiting,
                sessions.c.updated_at.label("session_updated_at"),
                sessions.c.pseudonym.label("session_pseudonym"),
            )
            .select_from(people.outerjoin(sessions, sessions.c.pseudonym == people.c.pseudonym))
            .where(people.c.pseudonym == sa.bindparam("who"))
        )

    @classmethod
    def from_url(cls, url: str, clock: Callable[[], float] = time.time) -> SqlStore:
        """A store on a new engine for ``url``; the schema must already be current."""
        return cls(create_engine(url), clock=clock)

    def _turn(self) -> AbstractAsyncContextManager[Any]:
        return self._lock if self._lock is not None else nullcontext()

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        async with _passing_as_unavailable(), self._turn(), self.engine.begin() as conn:
            yield conn

    @asynccontextmanager
    async def _read(self) -> AsyncIterator[AsyncConnection]:
        async with _passing_as_unavailable(), self._turn(), self.engine.connect() as conn:
            yield conn

    def _insert(self, table: sa.Table) -> Any:
        """The dialect's INSERT, which has ``on_conflict_do_update`` / ``_do_nothing``."""
        if self._dialect == "postgresql":
            return postgresql.insert(table)
        if self._dialect == "sqlite":
            return sqlite.insert(table)
        raise NotImplementedError(f"no upsert for the {self._dialect} dialect")

    @asynccontextmanager
    async def turn(self, pseudonym: str) -> AsyncIterator[StoreTurn]:
        """One person's turn: load, then commit, with nobody else's turn for them in between.

        On PostgreSQL the turn holds the person's advisory lock (key
        :func:`turn_lock_key`) from the load to the end of the write's transaction, in two
        round trips, both in autocommit (no BEGIN, no COMMIT of their own):

        1. :data:`_PG_TURN`: ``pg_advisory_lock`` (session level, so it outlives the
           statement) then the load, as the two statements of a VOLATILE SQL function. A
           second instance handling the same person waits at the lock until this turn ends,
           then loads what this one saved: under READ COMMITTED (the default, which this
           relies on) each statement reads a snapshot taken when it starts, and the load is
           its own statement after the lock, so it cannot read the state from before the wait.
        2. :data:`_PG_WRITE`: the whole write as one statement, which is its own transaction.
           It takes the transaction-level hold of the same key before it drops the
           session-level one, so the key is free only once the write has committed. The
           duplicate check (the processed-input insert) is its first part, so a redelivery
           the other instance handled is refused.

        A turn that ends without the write (a replay, ``/forget``, an error) drops the lock
        with one more statement; if that fails the connection is closed, and the server
        drops the lock with the session.

        On SQLite (one process; the service's in-process lock serialises a person) each
        call is its own transaction, as :meth:`load` and :meth:`commit` are.

        Raises:
            StoreUnavailable: the database cannot be reached or the lock not taken.
        """
        if self._dialect != "postgresql":
            yield _PlainTurn(self, pseudonym)
            return
        key = turn_lock_key(pseudonym)
        conn, loaded = await self._locked(key, pseudonym)
        turn = _LockedTurn(self, conn, key, pseudonym, loaded)
        try:
            yield turn
        finally:
            await turn.end()

    async def _locked(
        self, key: int, pseudonym: str
    ) -> tuple[AsyncConnection, tuple[Person, Session] | None]:
        """An autocommit connection whose session holds the advisory lock ``key``, and what
        was loaded under it (one round trip: :data:`_PG_TURN`).

        The pool does not pre-ping: a pooled connection the server closed (a restart) fails
        the lock statement, before anything was done, so that is retried once on a new one.
        """
        values = {"key": key, "who": pseudonym}
        async with _passing_as_unavailable():
            for attempt in (1, 2):
                conn = await self.engine.connect()
                try:
                    conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                    return conn, _loaded((await conn.execute(_PG_TURN, values)).first())
                except BaseException as exc:
                    # Cancelled or failed while waiting: whether the lock was granted is not
                    # known, so the connection goes (the server drops its locks with it).
                    await _discard(conn)
                    if (
                        attempt == 2
                        or not isinstance(exc, DBAPIError)
                        or not exc.connection_invalidated
                    ):
                        raise
        raise AssertionError("unreachable")

    async def load(self, pseudonym: str) -> tuple[Person, Session] | None:
        """The person and their session, or ``None`` for someone new."""
        if self._inline is not None:
            async with _passing_as_unavailable():
                return await self._inline.read(lambda conn: self._load_sync(conn, pseudonym))
        async with self._read() as conn:
            return await self._load_on(conn, pseudonym)

    async def _load_on(
        self, conn: AsyncConnection, pseudonym: str
    ) -> tuple[Person, Session] | None:
        return _loaded((await conn.execute(self._load_stmt, {"who": pseudonym})).first())

    def _load_sync(self, conn: Connection, pseudonym: str) -> tuple[Person, Session] | None:
        return _loaded(conn.execute(self._load_stmt, {"who": pseudonym}).first())

    async def commit(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None = None,
    ) -> bool:
        """Save person, session, log rows and the outbox entry ``answer`` and mark ``input_id``
        processed, atomically.

        The processed-input row goes in first: a second delivery of the same input (on this
        or another instance) finds it and changes nothing. Log rows with ``at == 0`` get
        the commit time.

        Returns:
            ``False`` (nothing written) when ``input_id`` was already processed, else ``True``.

        Raises:
            StoreUnavailable: the database cannot be written now (locked, unreachable).
        """
        if self._inline is not None:
            claim, writes = self._writes(person, session, rows, input_id, answer)

            def work(conn: Connection) -> bool:
                if claim is not None and conn.execute(self._claim_stmt, claim).rowcount != 1:
                    return False  # nothing was written: the commit that follows is empty
                for statement, values in writes:
                    conn.execute(statement, values)
                return True

            async with _passing_as_unavailable():
                return await self._inline.write(work)
        async with self._begin() as conn:
            if not await self._write_on(conn, person, session, rows, input_id, answer):
                await conn.rollback()
                return False
        return True

    async def _write_on(
        self,
        conn: AsyncConnection,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None,
        *,
        key: int | None = None,
    ) -> bool:
        """The statements of :meth:`commit` on ``conn``; ``False`` (nothing written) when
        ``input_id`` was already processed. The caller commits (on PostgreSQL ``conn`` may be
        in autocommit: the write is one statement). ``key``: the advisory lock whose
        session-level hold the write takes over and releases (PostgreSQL, in a turn);
        without it the write still waits for the person's lock, and releases nothing."""
        if self._dialect == "postgresql":
            values = self._pg_write_values(person, session, rows, input_id, answer)
            values["key"] = turn_lock_key(person.pseudonym) if key is None else key
            values["release"] = key is not None
            statement = _PG_WRITE if input_id is not None else _PG_WRITE_UNCLAIMED
            return bool((await conn.execute(statement, values)).scalar())
        claim, writes = self._writes(person, session, rows, input_id, answer)
        if claim is not None and (await conn.execute(self._claim_stmt, claim)).rowcount != 1:
            return False
        for statement, values in writes:
            await conn.execute(statement, values)
        return True

    def _pg_write_values(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None,
    ) -> dict[str, Any]:
        """The parameters of :data:`_PG_WRITE`: JSON columns and the log rows as JSON text."""
        now = self._clock()
        who = person.pseudonym
        log_rows = [self._log_values(who, row, now) for row in rows]
        return {
            "input_id": input_id,
            "who": who,
            "now": now,
            "locale": person.locale,
            "consent": person.consent,
            "status": person.status,
            "notices": json.dumps(list(person.notices)),
            "node": session.node,
            "history": json.dumps(list(session.history)),
            "profile": json.dumps(_json_safe_profile(session.profile)),
            "waiting": session.waiting,
            "session_at": session.updated_at,
            "rows": json.dumps(log_rows),
            "answer_id": answer.id if answer is not None else None,
            "payload": json.dumps(dict(answer.payload)) if answer is not None else None,
        }

    def _writes(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None,
    ) -> tuple[dict[str, Any] | None, list[tuple[Any, Any]]]:
        """The processed-input claim (``None`` without an input id) and the statements of a
        commit with their values, in order."""
        now = self._clock()
        pseudonym = person.pseudonym
        claim = (
            None if input_id is None else {"input_id": input_id, "pseudonym": pseudonym, "at": now}
        )
        writes: list[tuple[Any, Any]] = [
            (self._person_stmt, self._person_values(person, now)),
            (self._session_stmt, self._session_values(pseudonym, session)),
        ]
        if rows:
            writes.append((self._log_stmt, [self._log_values(pseudonym, r, now) for r in rows]))
        if answer is not None:
            entry = {
                "id": answer.id,
                "input_id": input_id,
                "pseudonym": pseudonym,
                "payload": dict(answer.payload),
                "at": now,
            }
            writes.append((self._outbox_stmt, entry))
        return claim, writes

    async def unsent(self, input_id: str) -> Unsent | None:
        """The outbox entry of an already processed input, if it was never confirmed sent."""
        if self._inline is not None:
            async with _passing_as_unavailable():
                return await self._inline.read(lambda conn: self._unsent_sync(conn, input_id))
        async with self._read() as conn:
            return await self._unsent_on(conn, input_id)

    async def _unsent_on(self, conn: AsyncConnection, input_id: str) -> Unsent | None:
        row = (await conn.execute(self._unsent_stmt, {"input_id": input_id})).first()
        return None if row is None else Unsent(row.id, dict(row.payload))

    def _unsent_sync(self, conn: Connection, input_id: str) -> Unsent | None:
        row = conn.execute(self._unsent_stmt, {"input_id": input_id}).first()
        return None if row is None else Unsent(row.id, dict(row.payload))

    async def delivered(self, outbox_id: str) -> None:
        """The answer ``outbox_id`` was sent: delete it (its text is not kept any longer)."""
        if self._inline is not None:
            async with _passing_as_unavailable():
                await self._inline.write(
                    lambda conn: conn.execute(self._delivered_stmt, {"id": outbox_id})
                )
            return
        if self._dialect == "postgresql":
            # One statement needs no transaction around it: autocommit saves BEGIN and COMMIT.
            async with _passing_as_unavailable(), self.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                await conn.execute(self._delivered_stmt, {"id": outbox_id})
            return
        async with self._begin() as conn:
            await conn.execute(self._delivered_stmt, {"id": outbox_id})

    @staticmethod
    def _person_values(person: Person, now: float) -> dict[str, Any]:
        return {
            "pseudonym": person.pseudonym,
            "locale": person.locale,
            "consent": person.consent,
            "status": person.status,
            "notices": list(person.notices),
            "created_at": now,  # kept on update: only _PERSON_FIELDS change
            "updated_at": now,
        }

    @staticmethod
    def _session_values(pseudonym: str, session: Session) -> dict[str, Any]:
        return {
            "pseudonym": pseudonym,
            "node": session.node,
            "history": list(session.history),
            "profile": _json_safe_profile(session.profile),
            "waiting": session.waiting,
            "updated_at": session.updated_at,
        }

    @staticmethod
    def _log_values(pseudonym: str, row: LogRow, now: float) -> dict[str, Any]:
        return {
            "at": row.at or now,
            "pseudonym": pseudonym,
            "direction": row.direction,
            "kind": row.kind,
            "node": row.node,
            "message_id": row.message_id,
            "text": row.text,
            "flag": row.flag,
            "rule": row.rule,
        }

    async def is_processed(self, input_id: str) -> bool:
        """Whether ``input_id`` was already committed."""
        query = sa.select(processed_inputs.c.input_id).where(
            processed_inputs.c.input_id == input_id
        )
        async with self._read() as conn:
            return (await conn.execute(query)).first() is not None

    async def prune_processed(self, before: float) -> int:
        """Forget processed-input ids recorded before ``before`` (Unix time); returns how many.

        Only redeliveries need them: Telegram gives up on an update after about a day, so
        calling this now and then with ``now - 2 days`` keeps the table small. Outbox entries
        as old go too: no redelivery will ask for them any more.
        """
        async with self._begin() as conn:
            result = await conn.execute(
                processed_inputs.delete().where(processed_inputs.c.at < before)
            )
            await conn.execute(outbox.delete().where(outbox.c.at < before))
        return int(result.rowcount)

    async def set_status(self, pseudonym: str, status: Status) -> None:
        """Mark a person active, inactive (blocked the bot) or stopped; unknown people: no-op."""
        _status(status)
        async with self._begin() as conn:
            await conn.execute(
                people.update()
                .where(people.c.pseudonym == pseudonym)
                .values(status=status, updated_at=self._clock())
            )

    async def forget(self, pseudonym: str) -> None:
        """Delete everything about a person: log rows, processed ids, outbox, nurse topic,
        session, person.

        On SQLite the deleted rows are overwritten with zeros (``secure_delete``) and the WAL
        is checkpointed and truncated, so no database file keeps their text afterwards.
        """
        async with self._begin() as conn:
            await self._delete_people(conn, [pseudonym])
        await self.scrub()

    @staticmethod
    async def _delete_people(conn: AsyncConnection, pseudonyms: Sequence[str]) -> None:
        tables = (
            flag_reviews,
            conversation_notes,
            conversation_log,
            processed_inputs,
            outbox,
            nurse_topics,
            sessions,
            people,
        )
        for table in tables:
            await conn.execute(table.delete().where(table.c.pseudonym.in_(pseudonyms)))
        # The audit log keeps that an operator opened a transcript, not whose it was.
        await conn.execute(
            audit_log.update().where(audit_log.c.pseudonym.in_(pseudonyms)).values(pseudonym=None)
        )

    async def purge(self, before: float, *, batch: int = PURGE_BATCH) -> Purged:
        """Retention: delete log rows older than ``before`` (Unix time), and everything about
        people with no activity since then (their person, session, processed ids, outbox).

        People active since ``before`` keep their person record and session (where they are
        in a dialog, their settings); only their older log rows go. "Activity" is any handled
        input: it stamps the person's ``updated_at`` and writes log rows. Works in batches of
        ``batch`` rows, one transaction each; on SQLite the WAL is truncated afterwards, as
        after a /forget.

        Returns:
            How many log rows and people were removed, and the removed people's topics in
            the nurses' group (the channel deletes those).
        """
        log_rows = people_gone = 0
        topics: list[tuple[str, int]] = []
        log = conversation_log
        idle_people = self._idle(before)
        while True:
            old = sa.select(log.c.id).where(log.c.at < before).limit(batch)
            async with self._begin() as conn:
                deleted = (await conn.execute(log.delete().where(log.c.id.in_(old)))).rowcount
            log_rows += int(deleted)
            if deleted < batch:
                break
        while True:
            # The idle test is in the DELETE itself: a person who writes while this runs is
            # either deleted before their turn commits (and recreated by it) or kept.
            idle = sa.select(people.c.pseudonym).where(*idle_people).limit(batch)
            async with self._begin() as conn:
                gone = (
                    (
                        await conn.execute(
                            people.delete()
                            .where(people.c.pseudonym.in_(idle))
                            .returning(people.c.pseudonym)
                        )
                    )
                    .scalars()
                    .all()
                )
                if gone:
                    t = nurse_topics
                    found = await conn.execute(
                        sa.select(t.c.chat, t.c.thread_id).where(t.c.pseudonym.in_(gone))
                    )
                    topics.extend((str(chat), int(thread)) for chat, thread in found)
                    await self._delete_people(conn, gone)
            people_gone += len(gone)
            if len(gone) < batch:
                break
        if log_rows or people_gone:
            await self.scrub()
        return Purged(log_rows=log_rows, people=people_gone, nurse_topics=tuple(topics))

    @staticmethod
    def _idle(before: float) -> tuple[sa.ColumnElement[bool], ...]:
        """Conditions on ``people``: no handled input and no log row since ``before``."""
        log = conversation_log
        recent = sa.select(log.c.id).where(
            log.c.pseudonym == people.c.pseudonym, log.c.at >= before
        )
        return (people.c.updated_at < before, ~sa.exists(recent))

    async def purgeable(self, before: float) -> Purged:
        """What :meth:`purge` with ``before`` would remove now, deleting nothing."""
        log = conversation_log
        async with self._read() as conn:
            rows = await conn.scalar(
                sa.select(sa.func.count()).select_from(log).where(log.c.at < before)
            )
            idle = await conn.scalar(
                sa.select(sa.func.count()).select_from(people).where(*self._idle(before))
            )
        return Purged(log_rows=int(rows or 0), people=int(idle or 0))

    async def scrub(self) -> bool:
        """After an erasure on SQLite: copy the WAL into the database and truncate it to zero
        bytes (``wal_checkpoint(TRUNCATE)``), so the WAL no longer holds deleted rows.

        Never raises: the rows are already deleted, and the erasure must not look failed.

        Returns:
            ``True`` when done (always, on PostgreSQL and in-memory SQLite: nothing to do);
            ``False`` when a reader or writer kept the checkpoint from finishing within the
            busy timeout (logged as a WARNING; the next erasure or purge tries again).
        """
        if self._dialect != "sqlite" or self._lock is not None:
            return True
        try:
            async with _passing_as_unavailable(), self.engine.connect() as conn:
                conn = await conn.execution_options(isolation_level="AUTOCOMMIT")
                # One row: busy (a reader kept it from finishing), WAL frames, frames copied.
                result = await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
                busy = bool(result.one()[0])
        except StoreUnavailable as exc:
            log.warning("the WAL could not be truncated after an erasure: %s", exc)
            return False
        if busy:
            log.warning("the WAL could not be truncated after an erasure: a reader was busy")
        return not busy

    async def conversations(self, limit: int = 100) -> list[Conversation]:
        """Conversations, most recently active first (ties: pseudonym order)."""
        log = conversation_log
        activity = (
            sa.select(
                log.c.pseudonym,
                sa.func.max(log.c.at).label("last_at"),
                sa.func.sum(sa.case((log.c.kind.in_(MESSAGE_KINDS), 1), else_=0)).label("messages"),
                sa.func.sum(sa.case((log.c.kind == "unanswered", 1), else_=0)).label("unanswered"),
            )
            .group_by(log.c.pseudonym)
            .subquery()
        )
        last_active = sa.func.coalesce(activity.c.last_at, people.c.updated_at)
        query = (
            sa.select(
                people.c.pseudonym,
                people.c.status,
                people.c.locale,
                last_active.label("last_active"),
                sa.func.coalesce(activity.c.messages, 0).label("messages"),
                sa.func.coalesce(activity.c.unanswered, 0).label("unanswered"),
            )
            .select_from(people.outerjoin(activity, activity.c.pseudonym == people.c.pseudonym))
            .order_by(last_active.desc(), people.c.pseudonym)
            .limit(limit)
        )
        async with self._read() as conn:
            found = (await conn.execute(query)).all()
            names = [row.pseudonym for row in found]
            flags: dict[str, dict[str, int]] = {name: {} for name in names}
            if names:
                flag_query = (
                    sa.select(log.c.pseudonym, log.c.flag, sa.func.count().label("n"))
                    .where(log.c.pseudonym.in_(names), log.c.flag.is_not(None))
                    .group_by(log.c.pseudonym, log.c.flag)
                    .order_by(log.c.pseudonym, log.c.flag)
                )
                for row in await conn.execute(flag_query):
                    flags[row.pseudonym][row.flag] = int(row.n)
        return [
            Conversation(
                pseudonym=row.pseudonym,
                last_active=float(row.last_active),
                messages=int(row.messages),
                flags=flags[row.pseudonym],
                status=_status(row.status),
                locale=row.locale,
                unanswered=int(row.unanswered),
            )
            for row in found
        ]

    async def nurse_topic(self, pseudonym: str) -> NurseTopic | None:
        """The person's topic in the nurses' group, if one was opened."""
        query = sa.select(nurse_topics).where(nurse_topics.c.pseudonym == pseudonym)
        async with self._read() as conn:
            row = (await conn.execute(query)).first()
        return _row_to_topic(row)

    async def nurse_topic_at(self, chat: str, thread_id: int) -> NurseTopic | None:
        """Whose topic ``thread_id`` of the group ``chat`` is, if anybody's."""
        query = sa.select(nurse_topics).where(
            nurse_topics.c.chat == chat, nurse_topics.c.thread_id == thread_id
        )
        async with self._read() as conn:
            row = (await conn.execute(query)).first()
        return _row_to_topic(row)

    async def open_nurse_topic(self, topic: NurseTopic) -> NurseTopic:
        """Record a new topic. Two turns racing to open one for the same person (a topic is
        created in Telegram outside the person's turn) keep the first; a topic recorded for
        another group (the deployment moved) is replaced."""
        values = {
            "pseudonym": topic.pseudonym,
            "chat": topic.chat,
            "thread_id": topic.thread_id,
            "contact": topic.contact,
            "created_at": self._clock(),
        }
        t = nurse_topics
        insert = self._insert(t)
        stmt = insert.on_conflict_do_update(
            index_elements=[t.c.pseudonym],
            set_={c: insert.excluded[c] for c in ("chat", "thread_id", "contact", "created_at")},
            where=t.c.chat != insert.excluded.chat,
        )
        async with self._begin() as conn:
            await conn.execute(stmt, values)
            row = (await conn.execute(sa.select(t).where(t.c.pseudonym == topic.pseudonym))).first()
        found = _row_to_topic(row)
        assert found is not None
        return found

    async def drop_nurse_topic(self, pseudonym: str) -> None:
        """Forget the person's topic (it was deleted in the group)."""
        async with self._begin() as conn:
            await conn.execute(nurse_topics.delete().where(nurse_topics.c.pseudonym == pseudonym))

    async def transcript(self, pseudonym: str) -> list[LogRow]:
        """One person's log, oldest first (same time: in the order written)."""
        query = (
            sa.select(conversation_log)
            .where(conversation_log.c.pseudonym == pseudonym)
            .order_by(conversation_log.c.at, conversation_log.c.id)
        )
        async with self._read() as conn:
            return [_row_to_log(row) for row in await conn.execute(query)]

    async def export(self) -> AsyncGenerator[tuple[str, LogRow], None]:
        """Every log row with its pseudonym, oldest first, streamed for CSV / JSON Lines."""
        query = sa.select(conversation_log).order_by(conversation_log.c.at, conversation_log.c.id)
        async with self._read() as conn:
            result = await conn.stream(query)
            async for row in result:
                yield row.pseudonym, _row_to_log(row)

    async def stats(self) -> dict[str, Any]:
        """Counts for operators.

        Returns:
            ``people`` (total), ``by_status`` (people per status), ``messages_in``,
            ``messages_out``, ``flags`` (log rows per flag), ``escalations``, ``unanswered``,
            ``fallbacks``.
        """
        log = conversation_log
        async with self._read() as conn:
            by_status = {
                row.status: int(row.n)
                for row in await conn.execute(
                    sa.select(people.c.status, sa.func.count().label("n")).group_by(people.c.status)
                )
            }
            kinds = {
                (row.direction, row.kind): int(row.n)
                for row in await conn.execute(
                    sa.select(log.c.direction, log.c.kind, sa.func.count().label("n")).group_by(
                        log.c.direction, log.c.kind
                    )
                )
            }
            flags = {
                row.flag: int(row.n)
                for row in await conn.execute(
                    sa.select(log.c.flag, sa.func.count().label("n"))
                    .where(log.c.flag.is_not(None))
                    .group_by(log.c.flag)
                    .order_by(log.c.flag)
                )
            }

        def count(*, direction: str | None = None, kinds_of: Sequence[str] = ()) -> int:
            return sum(
                n
                for (d, k), n in kinds.items()
                if (direction is None or d == direction) and (not kinds_of or k in kinds_of)
            )

        return {
            "people": sum(by_status.values()),
            "by_status": {status: by_status.get(status, 0) for status in _STATUSES},
            "messages_in": count(direction="in", kinds_of=MESSAGE_KINDS),
            "messages_out": count(direction="out", kinds_of=MESSAGE_KINDS),
            "flags": flags,
            "escalations": count(kinds_of=("escalation",)),
            "unanswered": count(kinds_of=("unanswered",)),
            "fallbacks": count(kinds_of=("fallback",)),
        }

    async def table_counts(self) -> dict[str, int]:
        """Rows per conversation table, for ``neutroguide db`` and for checking that
        ``forget`` forgot (the review app's tables: :meth:`review_counts`)."""
        return await self._counts_of(PERSON_TABLES)

    async def review_counts(self) -> dict[str, int]:
        """Rows per table of the review app (operators, sessions, audit, follow-ups, notes)."""
        return await self._counts_of(tuple(t for t in ALL_TABLES if t not in PERSON_TABLES))

    async def _counts_of(self, tables: Sequence[sa.Table]) -> dict[str, int]:
        counts: dict[str, int] = {}
        async with self._read() as conn:
            for table in tables:
                query = sa.select(sa.func.count()).select_from(table)
                counts[table.name] = int((await conn.execute(query)).scalar_one())
        return counts

    async def ping(self, within: float) -> None:
        """Prove the database can be written now, changing nothing (the health check).

        A ``DELETE`` that matches no row takes the write lock (SQLite) or needs a writable
        primary (PostgreSQL); it is rolled back. A SQLite file is probed on a new connection
        (busy timeout ``within``), so a file replaced, removed or damaged under the running
        bot is noticed, not hidden by a pooled connection's cache. The call is bounded too.

        Raises:
            StoreUnavailable: down, locked, unreadable or damaged (the type only is named).
        """
        probe = processed_inputs.delete().where(sa.false())
        try:
            async with asyncio.timeout(within + 1.0):
                if self._dialect == "sqlite" and self._lock is None:
                    async with self._probe_engine().connect() as conn:
                        await conn.exec_driver_sql(f"PRAGMA busy_timeout={int(within * 1000)}")
                        await conn.execute(probe)
                        await conn.rollback()
                else:
                    async with self._read() as conn:
                        await conn.execute(probe)
                        await conn.rollback()
        except StoreUnavailable:
            raise
        except (sa.exc.DBAPIError, TimeoutError, OSError) as exc:
            detail = type(getattr(exc, "orig", None) or exc).__name__
            raise StoreUnavailable(f"the database cannot be used now ({detail})") from exc

    def _probe_engine(self) -> AsyncEngine:
        """An engine without a pool on the same SQLite file, for :meth:`ping`."""
        if self._prober is None:
            self._prober = create_async_engine(
                self.engine.url, poolclass=NullPool, hide_parameters=True
            )
            event.listen(self._prober.sync_engine, "connect", _sqlite_on_connect)
        return self._prober

    async def close(self) -> None:
        """Release connections."""
        if self._inline is not None:
            await self._inline.close()
        if self._prober is not None:
            await self._prober.dispose()
        await self.engine.dispose()


class _PlainTurn:
    """A turn on SQLite: each call is its own transaction (one process; the service's
    in-process lock keeps a person's turns apart)."""

    def __init__(self, store: SqlStore, pseudonym: str) -> None:
        self._store = store
        self._pseudonym = pseudonym

    async def load(self) -> tuple[Person, Session] | None:
        return await self._store.load(self._pseudonym)

    async def commit(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None = None,
    ) -> bool:
        return await self._store.commit(person, session, rows, input_id, answer)

    async def unsent(self, input_id: str) -> Unsent | None:
        return await self._store.unsent(input_id)

    async def forget(self) -> None:
        await self._store.forget(self._pseudonym)


async def _discard(conn: AsyncConnection) -> None:
    """Close ``conn`` for good (not back to the pool): the server ends its session, and the
    advisory locks the session held go with it."""
    with contextlib.suppress(Exception):
        await conn.invalidate()
    with contextlib.suppress(Exception):
        await conn.close()


class _LockedTurn:
    """A turn on PostgreSQL: an autocommit connection whose session holds the person's
    advisory lock until the write (see :meth:`SqlStore.turn`)."""

    def __init__(
        self,
        store: SqlStore,
        conn: AsyncConnection,
        key: int,
        pseudonym: str,
        loaded: tuple[Person, Session] | None,
    ) -> None:
        self._store = store
        self._conn = conn
        self._key = key
        self._pseudonym = pseudonym
        self._held = True  # the session-level lock: dropped by the write or by end()
        self._loaded: list[tuple[Person, Session] | None] = [loaded]  # read with the lock

    def _open(self) -> AsyncConnection:
        if not self._held:  # the lock went with the write: a further read or write is unguarded
            raise RuntimeError("this turn was committed; start another one")
        return self._conn

    async def load(self) -> tuple[Person, Session] | None:
        conn = self._open()
        if self._loaded:  # the first load came with the lock
            return self._loaded.pop()
        async with _passing_as_unavailable():
            return await self._store._load_on(conn, self._pseudonym)

    async def commit(
        self,
        person: Person,
        session: Session,
        rows: Sequence[LogRow],
        input_id: str | None,
        answer: Unsent | None = None,
    ) -> bool:
        conn = self._open()
        async with _passing_as_unavailable():
            written = await self._store._write_on(
                conn, person, session, rows, input_id, answer, key=self._key
            )
        # The write released the lock, whether or not the input was new.
        self._held = False
        return written

    async def unsent(self, input_id: str) -> Unsent | None:
        # After a refused commit, without the lock: the outbox entry was committed by the
        # turn that claimed the input (before this turn got the lock), and a delivery
        # confirmation deletes it without the lock in any case.
        async with _passing_as_unavailable():
            return await self._store._unsent_on(self._conn, input_id)

    async def forget(self) -> None:
        # On a second connection while this one holds the lock (in autocommit it holds no
        # row locks, so the deletes do not wait for it): the person's next input, on any
        # instance, waits for the lock and finds nothing left.
        self._open()
        await self._store.forget(self._pseudonym)

    async def end(self) -> None:
        """Release the lock if the write did not, and give the connection back."""
        if self._held:
            self._held = False
            try:
                await self._conn.execute(_PG_UNLOCK, {"key": self._key})
            except Exception:
                await _discard(self._conn)  # the server drops the lock with the session
                return
            except BaseException:  # cancelled while unlocking: the same, then go on cancelling
                await _discard(self._conn)
                raise
        with contextlib.suppress(*_PASSING):
            await self._conn.close()


def _json_safe_profile(profile: Mapping[str, Any]) -> dict[str, Any]:
    """The profile as a JSON object; values must be str, int, float, bool or ``None``."""
    safe: dict[str, Any] = {}
    for key, value in profile.items():
        if value is not None and not isinstance(value, str | int | float | bool):
            raise TypeError(f"profile[{key!r}] is a {type(value).__name__}; store plain values")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"profile[{key!r}] is {value}; JSON cannot hold it")
        safe[str(key)] = value
    return safe
