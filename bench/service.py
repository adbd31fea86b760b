"""The service alone, in-process: what one input costs with the real store, and memory.

    .venv/bin/python -m bench.service --inputs 2000             # SQLite file
    .venv/bin/python -m bench.service --inputs 2000 --postgres  # the test server (scratch db)
    .venv/bin/python -m bench.service --people 100000 --memory  # 100,000 people, one input each
    .venv/bin/python -m bench.service --instances 2 --seconds 10 # PostgreSQL: 1 vs 2 services

For each input (a button press or a command, one person after another): the median and p99
of ``Conversations.handle`` plus ``delivered``, the thread hand-offs to the event loop
(``call_soon_threadsafe``: aiosqlite's and any worker thread's results come back that way)
and, on PostgreSQL, the round trips (through a counting proxy; then the same inputs again
without the proxy, for the times). ``--memory``: retained
memory (tracemalloc, after ``gc.collect()``) while many different people write once each.
``--instances 2``: 50 people at once on PostgreSQL, each input sent to one of two services
(two pools, as two instances have: the advisory lock keeps a person's turns apart), against
one service with the same load. In one process, so it shows what the cross-instance lock
costs, not how two processes scale on two cores.
Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from bot.service import Conversations, Inbound
from tests.support.db import postgres_database
from tests.support.round_trips import RoundTrips, counting_hops, counting_round_trips
from tests.support.service import make_service


async def _inputs(service: Conversations, count: int, trips: RoundTrips | None) -> None:
    rng = random.Random(7)
    timings: list[float] = []
    hops_total = trips_total = 0
    loop = asyncio.get_running_loop()
    user = "4040"
    buttons: list[str] = []
    for n in range(count + 50):
        if buttons:
            inbound = Inbound("telegram", user, "choice", rng.choice(buttons), input_id=f"t:{n}")
        else:
            inbound = Inbound("telegram", user, "command", "menu", input_id=f"t:{n}")
        if trips is not None:
            trips.count = 0
        with counting_hops(loop) as hops:
            started = time.perf_counter()
            outcome = await service.handle(inbound)
            if outcome.delivery is not None:
                await service.delivered(outcome.delivery)
            elapsed = time.perf_counter() - started
        buttons = [data for m in outcome.messages for _, data in m.buttons]
        if n >= 50:  # after a warm-up: connections open, statements prepared
            timings.append(elapsed)
            hops_total += hops[0]
            trips_total += trips.count if trips is not None else 0
    timings.sort()
    print(
        f"  {count} inputs: median {statistics.median(timings) * 1e6:7.0f} µs, "
        f"p99 {timings[int(0.99 * len(timings))] * 1e6:7.0f} µs, "
        f"{hops_total / count:.2f} thread hops and {trips_total / count:.2f} round trips "
        "per input (handle + delivered)"
    )


def _rss_kib() -> float:
    """This process's resident memory now (Linux ``/proc/self/statm``), in KiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024


def _wal_kib(service: Conversations) -> float:
    """The size of the SQLite write-ahead log beside the database file, in KiB."""
    wal = Path(service.settings.database_url.removeprefix("sqlite:///") + "-wal")
    return wal.stat().st_size / 1024 if wal.exists() else 0.0


async def _memory(service: Conversations, people: int, traced: bool = True) -> None:
    """Retained memory every tenth of ``people``: by tracemalloc (exact, ~10x slower), or
    with ``traced=False`` the process's resident size (what the operating system sees)."""
    if traced:
        tracemalloc.start()
    gc.collect()
    base = tracemalloc.get_traced_memory()[0] if traced else _rss_kib()
    for n in range(people):
        inbound = Inbound("telegram", str(10_000_000 + n), "command", "start", input_id=f"m:{n}")
        outcome = await service.handle(inbound)
        if outcome.delivery is not None:
            await service.delivered(outcome.delivery)
        if (n + 1) % (people // 10) == 0:
            gc.collect()
            if traced:
                retained = (tracemalloc.get_traced_memory()[0] - base) / 1024
                print(f"  after {n + 1:7d} people: {retained:8.1f} KiB retained")
            else:
                print(
                    f"  after {n + 1:7d} people: resident {_rss_kib():9.0f} KiB "
                    f"({_rss_kib() - base:+8.0f} KiB since the start), "
                    f"WAL file {_wal_kib(service):8.0f} KiB"
                )
    if traced:
        tracemalloc.stop()


async def _load(services: list[Conversations], people: int, seconds: float) -> float:
    """Closed loop: ``people`` each send /menu then press buttons; inputs per second."""
    done = 0
    deadline = time.monotonic() + seconds
    rng = random.Random(11)

    async def person(n: int) -> None:
        nonlocal done
        buttons: list[str] = []
        step = 0
        while time.monotonic() < deadline:
            step += 1
            kind, value = ("choice", rng.choice(buttons)) if buttons else ("command", "menu")
            inbound = Inbound("telegram", str(n), kind, value, input_id=f"l:{n}:{step}")  # type: ignore[arg-type]
            service = rng.choice(services)
            outcome = await service.handle(inbound)
            if outcome.delivery is not None:
                await service.delivered(outcome.delivery)
            buttons = [data for m in outcome.messages for _, data in m.buttons]
            done += 1

    began = time.monotonic()
    await asyncio.gather(*(person(20_000_000 + n) for n in range(people)))
    return done / (time.monotonic() - began)


async def _instances(tmp: Path, seconds: float) -> None:
    async with postgres_database() as url:
        services = [
            await make_service(tmp / "unused.db", database_url=url, clock=time.time)
            for _ in range(2)
        ]
        try:
            for round_ in range(2):
                one = await _load(services[:1], 50, seconds)
                two = await _load(services, 50, seconds)
                print(
                    f"  round {round_ + 1}: one service {one:6.1f} inputs/s, two services "
                    f"{two:6.1f} inputs/s, ratio {two / one:4.2f}"
                )
        finally:
            for service in services:
                await service.close()


async def main_async(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if args.instances == 2:
            print("PostgreSQL, 50 people at once, closed loop (one process)")
            await _instances(Path(tmp), args.seconds)
            return
        if args.postgres:
            async with postgres_database() as url, counting_round_trips(url) as (proxied, trips):
                service = await make_service(Path(tmp) / "unused.db", database_url=proxied)
                try:
                    print("PostgreSQL (127.0.0.1, through the counting proxy)")
                    await _inputs(service, args.inputs, trips)
                finally:
                    await service.close()
                # Times through the proxy (a Python process) say little: again, direct.
                service = await make_service(Path(tmp) / "unused.db", database_url=url)
                try:
                    print("PostgreSQL (127.0.0.1, direct: times only)")
                    await _inputs(service, args.inputs, None)
                finally:
                    await service.close()
            return
        service = await make_service(Path(tmp) / "bench.db")
        try:
            if args.memory:
                print(f"SQLite file, {args.people} different people, one /start each")
                await _memory(service, args.people, traced=not args.rss)
            else:
                print("SQLite file")
                await _inputs(service, args.inputs, None)
        finally:
            await service.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=2000)
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("--memory", action="store_true")
    parser.add_argument(
        "--rss", action="store_true", help="with --memory: resident size, not tracemalloc"
    )
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--instances", type=int, default=1, choices=(1, 2))
    parser.add_argument("--seconds", type=float, default=10.0)
    asyncio.run(main_async(parser.parse_args(argv)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
