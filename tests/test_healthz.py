"""``GET /healthz`` checks the database (issue 10 §1): 503 when nothing could be stored.

The probe takes the write lock and changes nothing, so a SQLite file another process holds
locked, a damaged file and a PostgreSQL server that is down all answer 503; a healthy store
answers 200, and the answer follows the store as it recovers.
"""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.service import Conversations
from bot.store import SqlStore
from bot.web import create_app
from tests.support.db import upgraded_postgres_database
from tests.support.fake_bot_api import AsgiServer, FakeBotAPI
from tests.support.http import local_tls
from tests.support.service import make_service
from tests.support.telegram_env import process_env

#: The client waits this long at most: the probe is bounded well below it.
CLIENT_TIMEOUT = 15.0


async def health(url: str) -> int:
    async with httpx.AsyncClient(verify=local_tls(), timeout=CLIENT_TIMEOUT) as client:
        return (await client.get(f"{url}/healthz")).status_code


async def noop(update: object) -> None:
    return None


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db")
    yield svc
    await svc.close()


@pytest.fixture
async def served(service: Conversations) -> AsyncIterator[str]:
    app = create_app(webhook_path="/telegram", secret="s", on_update=noop, is_ready=service.healthy)
    server = AsgiServer(app)
    await server.start()
    try:
        yield server.url
    finally:
        await server.stop()


async def test_healthy_store_answers_200(served: str) -> None:
    assert await health(served) == 200


@pytest.mark.slow
async def test_locked_sqlite_file_answers_503_until_released(
    served: str, service: Conversations, tmp_path: Path
) -> None:
    holder = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        assert await health(served) == 503
        assert not await service.healthy(within=0.2)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert await health(served) == 200
    # The probe's shorter busy timeout did not stay on a pooled connection.
    assert await service.healthy()


async def test_damaged_sqlite_file_answers_503(served: str, tmp_path: Path) -> None:
    assert await health(served) == 200
    overwrite(tmp_path / "bot.db")
    assert await health(served) == 503


def overwrite(db: Path) -> None:
    """Replace the database files with junk, as a mistaken copy or a bad disk would."""
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"this is not a database, it was overwritten " * 200)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_postgresql_down_answers_503(service: Conversations) -> None:
    await service.store.close()
    service.store = SqlStore.from_url(f"postgresql://postgres@127.0.0.1:{closed_port()}/test")
    assert not await service.healthy(within=2.0)


@pytest.mark.postgres
async def test_postgresql_up_answers_200(service: Conversations) -> None:
    from bot.store import open_store

    async with upgraded_postgres_database() as url:
        await service.store.close()
        service.store = await open_store(url)
        assert await service.healthy()


@pytest.mark.slow
async def test_neutroguide_run_healthz_follows_the_database(tmp_path: Path) -> None:
    db = tmp_path / "run.db"
    port = closed_port()
    async with FakeBotAPI() as fake:
        env = process_env(
            fake,
            f"sqlite:///{db}",
            tmp_path,
            WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram",
            PORT=str(port),
        )
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            env=env,
            cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            await fake.wait_for(lambda: bool(fake.webhook.get("url")), within=60)
            url = f"http://127.0.0.1:{port}"
            assert await _first_answer(url) == 200
            holder = sqlite3.connect(db, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")
            try:
                assert await health(url) == 503
            finally:
                holder.execute("ROLLBACK")
                holder.close()
            assert await health(url) == 200
        finally:
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _, stderr = await process.communicate()
    assert process.returncode == 0, stderr.decode()
    assert "health check" in stderr.decode()


async def _first_answer(url: str) -> int:
    """The health answer once the server accepts connections (it starts with setWebhook)."""
    for _ in range(100):
        try:
            return await health(url)
        except httpx.ConnectError:
            await asyncio.sleep(0.1)  # waiting for the listener, not for an outcome
    raise AssertionError("the web server never accepted a connection")
