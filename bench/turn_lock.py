"""Benchmark the per-person lock on PostgreSQL: what a turn costs with and without it.

Run by hand: ``python bench/turn_lock.py`` (``--turns N``; ``TEST_POSTGRES_URL`` or the test
server at 127.0.0.1:5432). It creates a scratch database and drops it afterwards. Figures go
in docs/performance.md. Not a test: nothing here asserts a time.

Measured, each as milliseconds per turn (median, mean, p95):

- ``separate``: the path before the lock: ``store.load`` and ``store.commit``, two
  transactions, no lock (what two instances could interleave);
- ``turn``: ``store.turn``: the path every input takes now, two round trips in autocommit:
  the session-level ``pg_advisory_lock`` and the load in one statement, then the whole write
  as one statement that takes the transaction-level hold of the key before it drops the
  session-level one (see ``SqlStore.turn``);
- ``lock statement``: the lock alone, ``BEGIN; SELECT pg_advisory_xact_lock($1); COMMIT``,
  against the same transaction selecting the number instead (asyncpg, no SQLAlchemy);
- ``contended``: two stores (two pools, as two instances) running turns for one person at
  once, against two stores each with its own person.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import asyncpg

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.engine import Session  # noqa: E402
from bot.store import LogRow, Person, SqlStore, open_store  # noqa: E402
from bot.store.sql import turn_lock_key  # noqa: E402

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
ROWS = (LogRow("in", "choice", "menu/main", message_id="abc.1"), LogRow("out", "reply", "x"))


def _summary(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[int(len(ms) * 0.95) - 1]
    return f"median {statistics.median(ms):.3f}  mean {statistics.fmean(ms):.3f}  p95 {p95:.3f} ms"


async def _timed(n: int, one: Callable[[int], Awaitable[None]]) -> list[float]:
    for i in range(min(50, n)):  # warm the pool and the prepared statements
        await one(-1 - i)
    times = []
    for i in range(n):
        start = time.perf_counter()
        await one(i)
        times.append(time.perf_counter() - start)
    return times


async def _separate(store: SqlStore, who: str, i: int) -> None:
    loaded = await store.load(who)
    person = loaded[0] if loaded else Person(who)
    await store.commit(person, Session(node=f"n{i}"), ROWS, f"s-{who}-{i}")


async def _turn(store: SqlStore, who: str, i: int) -> None:
    async with store.turn(who) as turn:
        loaded = await turn.load()
        person = loaded[0] if loaded else Person(who)
        await turn.commit(person, Session(node=f"n{i}"), ROWS, f"t-{who}-{i}")


async def _lock_statement(url: str, n: int) -> tuple[list[float], list[float]]:
    conn = await asyncpg.connect(url)
    key = turn_lock_key("bench-person")
    try:

        async def with_lock(_: int) -> None:
            async with conn.transaction():
                await conn.fetchval("SELECT pg_advisory_xact_lock($1::bigint)", key)

        async def without(_: int) -> None:
            async with conn.transaction():
                await conn.fetchval("SELECT $1::bigint", key)

        return await _timed(n, with_lock), await _timed(n, without)
    finally:
        await conn.close()


async def _contended(url: str, n: int, same: bool) -> tuple[float, list[float]]:
    """Two stores running ``n`` turns each at once; wall time and per-turn latencies."""
    stores = [await open_store(url) for _ in range(2)]
    people = ["bench-shared", "bench-shared"] if same else ["bench-a", "bench-b"]
    times: list[float] = []

    async def worker(k: int) -> None:
        for i in range(n):
            start = time.perf_counter()
            await _turn(stores[k], people[k], i * 2 + k + (0 if same else 10**6))
            times.append(time.perf_counter() - start)

    try:
        start = time.perf_counter()
        await asyncio.gather(worker(0), worker(1))
        return time.perf_counter() - start, times
    finally:
        for store in stores:
            await store.close()


async def main(turns: int) -> None:
    name = f"neutroguide_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_URL)
    await admin.execute(f'CREATE DATABASE "{name}"')
    url = ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        store = await open_store(url)
        try:
            separate = await _timed(turns, lambda i: _separate(store, "bench-1", i))
            turn = await _timed(turns, lambda i: _turn(store, "bench-2", i))
        finally:
            await store.close()
        locked, unlocked = await _lock_statement(url, turns)
        same_wall, same = await _contended(url, turns // 2, same=True)
        apart_wall, apart = await _contended(url, turns // 2, same=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
    print(f"PostgreSQL {ADMIN_URL.split('@')[-1]}, {turns} turns each")
    print(f"separate (load + commit, no lock)  {_summary(separate)}")
    print(f"turn (two round trips, locked)     {_summary(turn)}")
    print(f"lock statement                     {_summary(locked)}")
    print(f"same transaction, no lock          {_summary(unlocked)}")
    print(
        f"two stores, one person             {_summary(same)}  "
        f"({turns // 2 * 2 / same_wall:.0f} turns/s)"
    )
    print(
        f"two stores, two people             {_summary(apart)}  "
        f"({turns // 2 * 2 / apart_wall:.0f} turns/s)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=2000)
    asyncio.run(main(parser.parse_args().turns))
