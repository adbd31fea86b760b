"""Store fixtures (a pytest plugin): the contract suite runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (user ``postgres``, trust auth, database ``test``;
``TEST_POSTGRES_URL`` overrides). Each test gets a database of its own, dropped afterwards.
When the server is unreachable the PostgreSQL cases skip, except under CI (``CI`` set),
where they fail: CI must never skip them.

A test that uses ``store`` gets a database already at head instead of running the migrations
(about 40 ms on SQLite, 130 ms plus a CREATE and a DROP DATABASE on PostgreSQL, which on a
busy disk took 0.5-1.5 s): on SQLite a copy of a file upgraded once per run; on PostgreSQL
one of a few upgraded databases reused from test to test, whose connections are ended, whose
schema is checked unchanged (else it is dropped and another made) and whose tables are
emptied, identities restarted, before each test. ``open_store`` still runs on it (finding it
at head), so the test sees what a new database upgraded by the bot looks like. Tests of the
migrations themselves start from an empty ``store_url`` or :func:`postgres_database`.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from bot.store import SqlStore, open_store
from bot.store.files import DATABASE_FILE_MODE
from bot.store.tables import metadata

POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/test"
BACKENDS = (
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
)
#: Start of the fake clock the store fixture uses (2023-11-14T22:13:20Z).
CLOCK_START = 1_700_000_000.0


def admin_url() -> str:
    """The PostgreSQL server tests use, as a libpq URL."""
    return os.environ.get("TEST_POSTGRES_URL") or POSTGRES_ADMIN_URL


def postgres_unavailable(
    error: BaseException, env: Mapping[str, str] | None = None, where: str = "127.0.0.1:5432"
) -> None:
    """Skip the current test because PostgreSQL is unreachable; under CI, fail it instead."""
    env = os.environ if env is None else env
    reason = f"PostgreSQL not reachable at {where}: {error}"
    if env.get("CI"):
        pytest.fail(f"{reason} (CI is set: PostgreSQL tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


#: The first connection error per server, so an absent server costs one timeout, not one per test.
_unreachable: dict[str, BaseException] = {}


async def _admin_connect(url: str) -> asyncpg.Connection:
    where = url.split("@", 1)[-1].split("/", 1)[0]
    if url not in _unreachable:
        try:
            return await asyncpg.connect(url, timeout=5)
        except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
            _unreachable[url] = exc
    postgres_unavailable(_unreachable[url], where=where)
    raise AssertionError("postgres_unavailable always raises")


def _database_url(base: str, name: str) -> str:
    return base.rsplit("/", 1)[0] + "/" + name


#: Per server, the database upgraded to head once per run that upgraded databases copy.
_pg_templates: dict[str, str] = {}
_sqlite_template: list[Path] = []


async def _pg_template(base: str, admin: asyncpg.Connection) -> str:
    if base not in _pg_templates:
        name = f"neutroguide_test_template_{secrets.token_hex(6)}"
        await admin.execute(f'CREATE DATABASE "{name}"')
        _pg_templates[base] = name  # from here on, dropped at the end of the run
        upgraded = await open_store(_database_url(base, name))
        await upgraded.close()  # a template must have no connections when it is copied
        connection = await asyncpg.connect(_database_url(base, name), timeout=5)
        try:
            _pg_schema[base] = await connection.fetchval(_SCHEMA)
        finally:
            await connection.close()
    return _pg_templates[base]


#: Per server, the upgraded databases made for ``store`` (dropped at the end of the run), and
#: those no test is using now.
_pg_reused: dict[str, list[str]] = {}
_pg_free: dict[str, list[str]] = {}
#: What an upgraded database's schema must still be to be reused: columns, indexes,
#: constraints, triggers, functions and the Alembic revision.
_SCHEMA = """
SELECT md5(coalesce(string_agg(part, ';' ORDER BY part), '')) FROM (
    SELECT table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':'
        || coalesce(column_default, '') AS part
    FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint
        WHERE connamespace = 'public'::regnamespace
    UNION ALL SELECT tgname FROM pg_trigger WHERE NOT tgisinternal
    UNION ALL SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace
    UNION ALL SELECT 'revision ' || version_num FROM alembic_version
) AS parts
"""
_pg_schema: dict[str, str] = {}


async def _emptied(base: str, name: str) -> bool:
    """Empty database ``name`` for the next test; false when its schema is not the template's."""
    connection = await asyncpg.connect(_database_url(base, name), timeout=5)
    try:
        if await connection.fetchval(_SCHEMA) != _pg_schema[base]:
            return False
        # DELETE, not TRUNCATE: a TRUNCATE makes new files for every table (80 ms here),
        # deleting the few rows a test wrote takes a few; children first, for the keys.
        deletes = [f'DELETE FROM "{table.name}"' for table in reversed(metadata.sorted_tables)]
        sequences = await connection.fetch(
            "SELECT sequencename FROM pg_sequences"
            " WHERE schemaname = 'public' AND last_value IS NOT NULL"  # used since its start
        )
        restarts = [f'ALTER SEQUENCE "{row["sequencename"]}" RESTART' for row in sequences]
        await connection.execute(";".join(["BEGIN", *deletes, *restarts, "COMMIT"]))
        return True
    finally:
        await connection.close()


@asynccontextmanager
async def _reused_database(base: str) -> AsyncIterator[str]:
    """An upgraded, empty database on ``base`` for one test (see the module docstring)."""
    admin = await _admin_connect(base)
    try:
        free = _pg_free.setdefault(base, [])
        name = free.pop() if free else None
        if name is not None:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = $1 AND pid <> pg_backend_pid()",
                name,
            )
            if not await _emptied(base, name):
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                _pg_reused[base].remove(name)
                name = None
        if name is None:
            template = await _pg_template(base, admin)
            name = f"neutroguide_test_{secrets.token_hex(6)}"
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            _pg_reused.setdefault(base, []).append(name)
    finally:
        await admin.close()
    try:
        yield _database_url(base, name)
    finally:
        _pg_free[base].append(name)


async def _drop_pg_databases() -> None:
    for base in {*_pg_templates, *_pg_reused}:
        admin = await asyncpg.connect(base, timeout=5)
        try:
            for name in [*_pg_reused.get(base, []), _pg_templates.get(base)]:
                if name is not None:
                    await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()
    _pg_templates.clear()
    _pg_reused.clear()
    _pg_free.clear()


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the upgraded databases and files this run made."""
    if _pg_templates or _pg_reused:
        asyncio.run(_drop_pg_databases())
    for path in _sqlite_template:
        shutil.rmtree(path.parent, ignore_errors=True)
    _sqlite_template.clear()


async def upgraded_sqlite_file(path: Path) -> None:
    """Make ``path`` a new SQLite database at head, as ``open_store`` leaves a new file (mode
    0600, WAL), by copying one upgraded once per run."""
    if not _sqlite_template:
        template = Path(tempfile.mkdtemp(prefix="neutroguide-template-")) / "head.db"
        upgraded = await open_store(f"sqlite:///{template}")
        await upgraded.close()
        with sqlite3.connect(template) as connection:  # everything in the main file
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.close()
        _sqlite_template.append(template)
    data = _sqlite_template[0].read_bytes()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_FILE_MODE)
    with os.fdopen(fd, "wb") as file:
        file.write(data)


async def sqlite_file_at_head(path: Path) -> None:
    """:func:`upgraded_sqlite_file`, unless ``path`` is there already (a restart on it, or a
    file a test prepared), which is then left as it is."""
    with contextlib.suppress(FileExistsError):
        await upgraded_sqlite_file(path)


@asynccontextmanager
async def postgres_database(url: str | None = None) -> AsyncIterator[str]:
    """A new empty database ``neutroguide_test_<random>`` for one test; dropped afterwards.

    Yields:
        Its URL in the plain ``postgresql://`` form operators write.
    """
    base = url or admin_url()
    name = f"neutroguide_test_{secrets.token_hex(6)}"
    admin = await _admin_connect(base)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield _database_url(base, name)
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


class FakeClock:
    """A clock that moves one second per reading, so stamps are distinct and predictable."""

    def __init__(self, start: float = CLOCK_START) -> None:
        self.now = start

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


@pytest.fixture(params=BACKENDS)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A fresh database URL: a SQLite file in ``tmp_path``, or a new PostgreSQL database.

    Empty, unless the test also uses ``store`` or ``upgraded_url``: then already at head and
    empty (see the module docstring), which is what ``store`` would make of a new one.
    """
    upgraded = not {"store", "upgraded_url"}.isdisjoint(request.fixturenames)
    if request.param == "sqlite":
        path = tmp_path / "store.db"
        if upgraded:
            await upgraded_sqlite_file(path)
        yield f"sqlite:///{path}"
        return
    if upgraded:
        async with _reused_database(admin_url()) as url:
            yield url
        return
    async with postgres_database() as url:
        yield url


@pytest.fixture
def upgraded_url(store_url: str) -> str:
    """``store_url`` already at head and empty, for a test that opens its own stores (or a
    service) on it but does not test the migrations."""
    return store_url


@asynccontextmanager
async def upgraded_postgres_database() -> AsyncIterator[str]:
    """A PostgreSQL database at head and empty for one test (one of the reused ones, see the
    module docstring), for a test that needs PostgreSQL but not a new empty database."""
    async with _reused_database(admin_url()) as url:
        yield url


@pytest.fixture
def clock() -> FakeClock:
    """The fake clock the ``store`` fixture stamps rows with."""
    return FakeClock()


@pytest.fixture
async def store(store_url: str, clock: Callable[[], float]) -> AsyncIterator[SqlStore]:
    """An opened (migrated) store on ``store_url``, closed afterwards."""
    opened = await open_store(store_url, clock=clock)
    try:
        yield opened
    finally:
        await opened.close()
