"""A turn's database work: no thread hand-off on SQLite (bot/store/inline.py), few round trips
on PostgreSQL, and a SQLite file locked by another process still handled (on the thread)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.service import Conversations, Inbound
from bot.store import SqlStore
from bot.store.inline import CHECKPOINT_EVERY
from tests.support.db import upgraded_postgres_database
from tests.support.round_trips import counting_hops, counting_round_trips
from tests.support.service import make_service
from tests.support.waiting import wait_until

USER = "7272"


def _inbound(n: int, kind: str = "command", value: str = "menu") -> Inbound:
    return Inbound("telegram", USER, kind, value, input_id=f"telegram:{n}:1")  # type: ignore[arg-type]


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db")
    yield svc
    await svc.close()


async def test_a_sqlite_turn_and_its_delivery_make_no_thread_hop(service: Conversations) -> None:
    await service.handle(_inbound(1))  # the first turn opens the connections
    loop = asyncio.get_running_loop()
    with counting_hops(loop) as hops:
        outcome = await service.handle(_inbound(2))
        assert outcome.delivery is not None
        await service.delivered(outcome.delivery)
    assert outcome.messages and outcome.messages[-1].buttons
    assert hops[0] == 0
    # A redelivery is refused and replays nothing (delivered), still on the loop.
    with counting_hops(loop) as hops:
        again = await service.handle(_inbound(2))
    assert again.duplicate and hops[0] == 0


async def test_a_sqlite_file_locked_by_another_process_is_waited_for_on_the_thread(
    service: Conversations, tmp_path: Path
) -> None:
    store = service.store
    assert isinstance(store, SqlStore) and store._inline is not None
    await service.handle(_inbound(1))
    other = sqlite3.connect(tmp_path / "bot.db", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer holds the lock
    try:
        turn = asyncio.create_task(service.handle(_inbound(2)))
        inline = store._inline
        await wait_until(lambda: inline.fallbacks > 0 or turn.done(), every=0.001)
        assert not turn.done(), "the turn did not wait for the lock"
    finally:
        other.execute("ROLLBACK")
        other.close()
    outcome = await turn
    assert outcome.saved and outcome.delivery is not None
    assert store._inline.fallbacks == 1
    assert (await store.table_counts())["processed_inputs"] == 2


async def test_the_loop_connection_leaves_wal_checkpoints_to_the_thread(
    service: Conversations, tmp_path: Path
) -> None:
    wal = tmp_path / "bot.db-wal"
    for n in range(CHECKPOINT_EVERY):
        await service.handle(_inbound(n))  # one write each
    store = service.store
    assert isinstance(store, SqlStore) and store._inline is not None
    checkpoint = store._inline._checkpoint
    assert checkpoint is not None  # CHECKPOINT_EVERY writes were reached
    await checkpoint
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    assert wal.exists() and busy == 0 and copied == frames


@pytest.mark.postgres
async def test_a_postgresql_turn_round_trips(tmp_path: Path) -> None:
    async with upgraded_postgres_database() as url, counting_round_trips(url) as (proxied, trips):
        svc = await make_service(tmp_path / "unused.db", database_url=proxied)
        try:
            for n in (1, 2):  # connections opened, statements prepared
                warm = await svc.handle(_inbound(n))
                assert warm.delivery is not None
                await svc.delivered(warm.delivery)
            trips.count = 0
            outcome = await svc.handle(_inbound(3))
            turn = trips.count
            assert outcome.delivery is not None
            trips.count = 0
            await svc.delivered(outcome.delivery)
            delivery = trips.count
        finally:
            await svc.close()
    print(f"PostgreSQL: {turn} round trips a turn, {delivery} to confirm its delivery")
    # The lock with the load, then the one write statement that releases it, both in
    # autocommit (4 before, with BEGIN and COMMIT; 12 before that: a pre-ping and a
    # statement per table).
    assert turn <= 2
    assert delivery <= 1


async def test_the_write_ahead_log_stays_bounded_through_a_burst_of_turns(tmp_path: Path) -> None:
    """Turns that never wait for I/O keep the loop from running callbacks: the checkpoint must
    still come every CHECKPOINT_EVERY commits, and it must let the log start again, or the
    ``-wal`` file grows by every turn's pages (2.3 GB after 20,000 people)."""
    db = tmp_path / "burst.db"
    wal = tmp_path / "burst.db-wal"
    service = await make_service(db)
    sizes = []
    try:
        for n in range(6 * CHECKPOINT_EVERY):
            inbound = Inbound("telegram", str(10_000 + n), "command", "start", input_id=f"b:{n}")
            outcome = await service.handle(inbound)
            if outcome.delivery is not None:
                await service.delivered(outcome.delivery)
            if (n + 1) % CHECKPOINT_EVERY == 0:
                sizes.append(wal.stat().st_size)
    finally:
        await service.close()
    # Two commits a person: the log is reused at least every CHECKPOINT_EVERY people, so it
    # stops growing after the first cycles instead of growing by the same amount each time.
    assert sizes[-1] <= 1.5 * sizes[1], sizes
