"""Several instances on one PostgreSQL database: a person's turns never interleave.

Two stores (two connection pools, as two processes have) on the same database; then two
services; then two real ``neutroguide run`` webhook processes fed interleaved updates.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest

from bot.engine import Session
from bot.service import Inbound
from bot.store import LogRow, Person, SqlStore, Unsent, open_store
from bot.store.pseudonym import Pseudonymizer
from bot.store.sql import turn_lock_key
from tests.support.db import postgres_database
from tests.support.service import TEST_KEY, make_service

pytestmark = pytest.mark.postgres

ALICE = Person("p-alice", locale="en")
BOB = Person("p-bob", locale="en")


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with postgres_database() as url:
        yield url


@pytest.fixture
async def two_stores(database: str) -> AsyncIterator[tuple[SqlStore, SqlStore]]:
    one = await open_store(database)
    two = await open_store(database)
    try:
        yield one, two
    finally:
        await one.close()
        await two.close()


async def _wait_for_lock_waiter(url: str, pseudonym: str, within: float = 10.0) -> None:
    """Wait until a session waits for ``pseudonym``'s advisory lock (seen in ``pg_locks``)."""
    key = turn_lock_key(pseudonym) & 0xFFFF_FFFF_FFFF_FFFF
    conn = await asyncpg.connect(url)
    try:
        async with asyncio.timeout(within):
            while True:
                waiting = await conn.fetchval(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                    " AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1",
                    key >> 32,
                    key & 0xFFFF_FFFF,
                )
                if waiting:
                    return
                await asyncio.sleep(0.01)  # polling the server's lock table, not timing
    finally:
        await conn.close()


async def test_two_turns_for_one_person_take_turns(
    two_stores: tuple[SqlStore, SqlStore], database: str
) -> None:
    one, two = two_stores
    async with one.turn(ALICE.pseudonym) as first:
        assert await first.load() is None

        async def second() -> tuple[Person, Session] | None:
            async with two.turn(ALICE.pseudonym) as turn:
                seen = await turn.load()
                assert seen is not None
                await turn.commit(seen[0], replace(seen[1], node="b"), [LogRow("in", "text")], "2")
                return seen

        waiting = asyncio.create_task(second())
        await _wait_for_lock_waiter(database, ALICE.pseudonym)
        # Another person is not held up by Alice's turn.
        async with two.turn(BOB.pseudonym) as other:
            assert await other.commit(BOB, Session(node="x"), [], "bob-1")
        assert not waiting.done()
        assert await first.commit(ALICE, Session(node="a"), [LogRow("in", "command")], "1")
    seen = await waiting
    assert seen is not None and seen[1].node == "a"  # it loaded what the first turn saved
    loaded = await one.load(ALICE.pseudonym)
    assert loaded is not None and loaded[1].node == "b"
    assert [r.kind for r in await one.transcript(ALICE.pseudonym)] == ["command", "text"]


async def test_a_redelivery_to_the_other_instance_changes_nothing(
    two_stores: tuple[SqlStore, SqlStore],
) -> None:
    one, two = two_stores
    answer = Unsent("a" * 32, {"messages": [{"text": "hello"}]})
    async with one.turn(ALICE.pseudonym) as turn:
        assert await turn.commit(ALICE, Session(node="a"), [LogRow("in", "text")], "u-1", answer)
    before = await one.table_counts()
    async with two.turn(ALICE.pseudonym) as again:
        loaded = await again.load()
        assert loaded is not None and loaded[1].node == "a"
        assert not await again.commit(ALICE, Session(node="z"), [LogRow("in", "text")], "u-1")
        assert await again.unsent("u-1") == answer  # in the same turn, for the replay
    assert await two.table_counts() == before
    loaded = await two.load(ALICE.pseudonym)
    assert loaded is not None and loaded[1].node == "a"


async def test_a_committed_turn_cannot_be_used_again(
    two_stores: tuple[SqlStore, SqlStore],
) -> None:
    one, _ = two_stores
    async with one.turn(ALICE.pseudonym) as turn:
        assert await turn.commit(ALICE, Session(), [], None)
        with pytest.raises(RuntimeError, match="committed"):
            await turn.load()


async def test_a_failed_turn_releases_the_lock(two_stores: tuple[SqlStore, SqlStore]) -> None:
    one, two = two_stores
    with pytest.raises(ZeroDivisionError):
        async with one.turn(ALICE.pseudonym) as turn:
            await turn.load()
            1 / 0  # noqa: B018 - a step that raises
    async with asyncio.timeout(10), two.turn(ALICE.pseudonym) as after:
        assert await after.load() is None


def _chain_breaks(rows: list[LogRow]) -> list[int]:
    """Turns that did not start where the previous one ended (a lost update): the node of
    each "in" row must be the node of the previous turn's last "out" row."""
    breaks, last_out, turn = [], None, 0
    for row in rows:
        if row.direction == "in":
            if last_out is not None and row.node != last_out:
                breaks.append(turn)
            turn += 1
        else:
            last_out = row.node
    return breaks


@pytest.mark.slow
async def test_two_services_on_one_database_apply_each_input_once_in_turn(
    database: str, tmp_path: Path
) -> None:
    services = [await make_service(tmp_path / "unused.db", database_url=database) for _ in "ab"]
    user = "777001"
    commands = ["menu", "help", "about", "settings"] * 4
    try:
        await services[0].handle(Inbound("telegram", user, "command", "start", input_id="s"))
        inbounds = [
            Inbound("telegram", user, "command", c, input_id=f"i{n}")
            for n, c in enumerate(commands)
        ]
        # Each input twice, once per instance (a redelivery racing its first delivery).
        outcomes = await asyncio.gather(
            *(services[n % 2].handle(i) for n, i in enumerate(inbounds)),
            *(services[(n + 1) % 2].handle(i) for n, i in enumerate(inbounds)),
        )
        pseudonym = Pseudonymizer(TEST_KEY).of("telegram", user)
        rows = await services[0].store.transcript(pseudonym)
    finally:
        for service in services:
            await service.close()
    applied = [o for o in outcomes if not o.replay and not o.duplicate]
    assert len(applied) == len(commands)  # each input applied by exactly one instance
    ins = [r for r in rows if r.direction == "in"]
    assert len(ins) == len(commands) + 1
    assert sorted(r.message_id or "" for r in ins) == sorted(["start", *commands])
    assert _chain_breaks(rows) == []
