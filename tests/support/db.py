"""Store fixtures (a pytest plugin): the contract suite runs on SQLite and on PostgreSQL.

PostgreSQL is the server at 127.0.0.1:5432 (user ``postgres``, trust auth, database ``test``;
``TEST_POSTGRES_URL`` overrides). Each test gets a database of its own, dropped afterwards.
When the server is unreachable the PostgreSQL cases skip, except under CI (``CI`` set),
where they fail: CI must never skip them.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest

from bot.store import SqlStore, open_store

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
            yield base.rsplit("/", 1)[0] + "/" + name
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
    """A fresh, empty database URL: a SQLite file in ``tmp_path``, or a new PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
        return
    async with postgres_database() as url:
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
