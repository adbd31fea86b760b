"""Benchmark the review app's heaviest pages on SQLite and PostgreSQL.

Run by hand: ``python bench/review.py [--people 100000] [--entries 10000] [--backend both]``
(``TEST_POSTGRES_URL`` or the test server at 127.0.0.1:5432 for PostgreSQL; a scratch
database is created and dropped; SQLite goes to a temporary file). Figures go in
docs/operators.md. Not a test: nothing here asserts a time.

The data: ``--people`` people with three log rows each (one in a hundred with a red flag and
an escalation), plus one person with ``--entries`` log rows. Measured, as milliseconds
(median and worst of ``--repeat`` runs), through the whole app over ASGI (sign-in cookie,
store query, template, HTML):

- the inbox's first page, a page 1,000 pages deep (keyset cursor), the open-red-flag filter
  and a four-character pseudonym prefix search;
- the 10,000-entry transcript's first page and its last page (200 entries each), and the
  red-flag queue.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.store import open_store  # noqa: E402
from bot.store.tables import conversation_log, people, sessions  # noqa: E402
from tests.support.review import add_operators, client, review_app, sign_in  # noqa: E402

ADMIN_URL = os.environ.get("TEST_POSTGRES_URL") or "postgresql://postgres@127.0.0.1:5432/test"
BIG = "f" * 32  # the person with the long transcript
CHUNK = 10_000


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[str]:
    """A scratch database URL for ``backend``, removed afterwards."""
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{folder}/bench.db"
        return
    name = f"neutroguide_bench_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(ADMIN_URL)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        try:
            yield ADMIN_URL.rsplit("/", 1)[0] + "/" + name
        finally:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


async def fill(url: str, count: int, entries: int) -> float:
    """Write the data set in bulk (Core inserts in chunks); returns the seconds it took."""
    started = time.perf_counter()
    store = await open_store(url)
    try:
        await add_operators(store)
        base = 1_790_000_000.0
        for start in range(0, count, CHUNK):
            who, where, rows = [], [], []
            for i in range(start, min(count, start + CHUNK)):
                p = pseudonym(i)
                at = base + i * 7.0
                who.append(
                    {
                        "pseudonym": p,
                        "locale": ("en", "de", "fr", "es", "pl", "ar")[i % 6],
                        "consent": i % 3 == 0,
                        "status": "active",
                        "notices": [],
                        "created_at": at,
                        "updated_at": at + 2,
                    }
                )
                where.append(
                    {
                        "pseudonym": p,
                        "node": "fever/ask",
                        "history": [],
                        "profile": {},
                        "waiting": None,
                        "updated_at": at + 2,
                    }
                )
                rows += [
                    _row(p, at, "in", "command", message_id="start"),
                    _row(p, at + 1, "out", "reply", "welcome/hello", "welcome/hello#00000000"),
                    _row(
                        p, at + 2, "in", "text", "fever/ask", text="39 grad" if i % 3 == 0 else None
                    ),
                ]
                if i % 100 == 0:
                    rows += [
                        _row(
                            p,
                            at + 2,
                            "out",
                            "escalation",
                            "fever/ask",
                            flag="urgent",
                            rule="fever.high",
                        ),
                        _row(
                            p, at + 2, "out", "flag", "fever/ask", flag="red", rule="urgent_fever"
                        ),
                    ]
            async with store.engine.begin() as conn:
                await conn.execute(people.insert(), who)
                await conn.execute(sessions.insert(), where)
                await conn.execute(conversation_log.insert(), rows)
        long = [
            _row(
                BIG,
                base + n,
                "in" if n % 2 == 0 else "out",
                "text" if n % 2 == 0 else "reply",
                "fever/ask",
                "fever/ask#00000000" if n % 2 else None,
                text=f"message {n}" if n % 2 == 0 else None,
            )
            for n in range(entries)
        ]
        async with store.engine.begin() as conn:
            await conn.execute(
                people.insert(),
                [
                    {
                        "pseudonym": BIG,
                        "locale": "de",
                        "consent": True,
                        "status": "active",
                        "notices": [],
                        "created_at": base,
                        "updated_at": base + entries,
                    }
                ],
            )
            for start in range(0, len(long), CHUNK):
                await conn.execute(conversation_log.insert(), long[start : start + CHUNK])
        if store.engine.dialect.name == "postgresql":
            async with store.engine.connect() as conn:
                await conn.exec_driver_sql("COMMIT")
                await conn.exec_driver_sql("ANALYZE")
    finally:
        await store.close()
    return time.perf_counter() - started


def pseudonym(i: int) -> str:
    """Person ``i``'s pseudonym: 32 hex digits spread like real (HMAC) ones."""
    return hashlib.md5(str(i).encode()).hexdigest()


def _row(
    p: str,
    at: float,
    direction: str,
    kind: str,
    node: str | None = None,
    message_id: str | None = None,
    text: str | None = None,
    flag: str | None = None,
    rule: str | None = None,
) -> dict[str, object]:
    return {
        "pseudonym": p,
        "at": at,
        "direction": direction,
        "kind": kind,
        "node": node,
        "message_id": message_id,
        "text": text,
        "flag": flag,
        "rule": rule,
    }


async def timed(http: httpx.AsyncClient, path: str, repeat: int) -> tuple[float, float, str]:
    """(median ms, worst ms, body of the last answer) of GET ``path``."""
    times = []
    body = ""
    for _ in range(repeat):
        started = time.perf_counter()
        answer = await http.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert answer.status_code == 200, (path, answer.status_code)
        body = answer.text
    return statistics.median(times), max(times), body


async def measure(backend: str, count: int, entries: int, repeat: int) -> None:
    async with database(backend) as url:
        seconds = await fill(url, count, entries)
        print(
            f"\n{backend}: {count:,} people + one with {entries:,} entries "
            f"(filled in {seconds:.0f} s)"
        )
        app = review_app(url)
        try:
            async with client(app) as http:
                await sign_in(http, "ada")
                deep_at = 1_790_000_000.0 + (count // 2) * 7.0
                deep = f"?after={deep_at + 2!r}_{pseudonym(count // 2)}"
                big_first = f"/people/{BIG}"
                late = 1_790_000_000.0 + entries - 200  # the last 200 entries' times
                cases = [
                    ("inbox, first page", "/inbox"),
                    ("inbox, page deep in the list (keyset)", f"/inbox{deep}"),
                    ("inbox, open red flags", "/inbox?flag=red"),
                    ("inbox, pseudonym prefix (4 chars)", f"/inbox?q={pseudonym(12345)[:4]}"),
                    ("transcript (10,000 entries), first page", big_first),
                    ("transcript, a page at the end", f"{big_first}?after={late!r}_{10**12}"),
                    ("red-flag queue", "/flags"),
                ]
                for label, path in cases:
                    median, worst, body = await timed(http, path, repeat)
                    shown = body.count('<li class="') + body.count("<tr")
                    print(
                        f"  {label:45s} median {median:7.1f} ms   worst {worst:7.1f} ms"
                        f"   ({shown} rows on the page)"
                    )
        finally:
            await app.state.review.close()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        await measure(backend, args.people, args.entries, args.repeat)


if __name__ == "__main__":
    asyncio.run(main())
