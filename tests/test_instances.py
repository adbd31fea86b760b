"""Several instances on one PostgreSQL database: a person's turns never interleave.

Two stores (two connection pools, as two processes have) on the same database; then two
services; then two real ``neutroguide run`` webhook processes fed interleaved updates.
"""

from __future__ import annotations

import asyncio
import itertools
import signal
import socket
import sys
from asyncio.subprocess import Process
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from bot.engine import Session
from bot.service import Inbound
from bot.store import LogRow, Person, SqlStore, Unsent, open_existing_store, open_store
from bot.store.pseudonym import Pseudonymizer
from bot.store.sql import turn_lock_key
from tests.support.cli import neutroguide
from tests.support.db import upgraded_postgres_database
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.http import local_tls
from tests.support.service import TEST_KEY, make_service
from tests.support.telegram_env import PSEUDONYM_KEY, process_env

ALICE = Person("p-alice", locale="en")
BOB = Person("p-bob", locale="en")


@pytest.fixture
async def database() -> AsyncIterator[str]:
    async with upgraded_postgres_database() as url:  # at head: these tests are about turns
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
                    " AND classid::bigint = $1 AND objid::bigint = $2 AND objsubid = 1"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())",
                    key >> 32,
                    key & 0xFFFF_FFFF,
                )
                if waiting:
                    return
                await asyncio.sleep(0.01)  # polling the server's lock table, not timing
    finally:
        await conn.close()


async def test_a_turn_loads_commits_refuses_a_known_input_and_forgets(store: SqlStore) -> None:
    """The contract on both backends (SQLite: plain transactions; PostgreSQL: locked)."""
    answer = Unsent("b" * 32, {"messages": [{"text": "hi"}]})
    async with store.turn(ALICE.pseudonym) as turn:
        assert await turn.load() is None
        assert await turn.commit(ALICE, Session(node="a"), [LogRow("in", "text")], "k-1", answer)
    async with store.turn(ALICE.pseudonym) as turn:
        assert await turn.load() == (ALICE, Session(node="a"))
        assert not await turn.commit(ALICE, Session(node="b"), [], "k-1")
        assert await turn.unsent("k-1") == answer
    async with store.turn(ALICE.pseudonym) as turn:
        await turn.forget()
    async with store.turn(ALICE.pseudonym) as turn:
        assert await turn.load() is None
    assert set((await store.table_counts()).values()) == {0}


@pytest.mark.postgres
async def test_a_forgetting_turn_does_not_wait_for_itself(
    two_stores: tuple[SqlStore, SqlStore], database: str
) -> None:
    one, two = two_stores
    async with one.turn(ALICE.pseudonym) as turn:
        await turn.commit(ALICE, Session(node="a"), [LogRow("in", "text")], "f-1")
    async with one.turn(ALICE.pseudonym) as forgetting:
        assert await forgetting.load() is not None

        async def next_input() -> tuple[Person, Session] | None:
            async with two.turn(ALICE.pseudonym) as turn:
                return await turn.load()

        waiting = asyncio.create_task(next_input())
        await _wait_for_lock_waiter(database, ALICE.pseudonym)
        async with asyncio.timeout(10):
            await forgetting.forget()  # deletes on another connection while the lock is held
    assert await waiting is None  # the next input, on the other instance, finds nothing


@pytest.mark.postgres
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


@pytest.mark.postgres
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


@pytest.mark.postgres
async def test_a_committed_turn_cannot_be_used_again(
    two_stores: tuple[SqlStore, SqlStore],
) -> None:
    one, _ = two_stores
    async with one.turn(ALICE.pseudonym) as turn:
        assert await turn.commit(ALICE, Session(), [], None)
        with pytest.raises(RuntimeError, match="committed"):
            await turn.load()


@pytest.mark.postgres
async def test_a_failed_turn_releases_the_lock(two_stores: tuple[SqlStore, SqlStore]) -> None:
    one, two = two_stores
    with pytest.raises(ZeroDivisionError):
        async with one.turn(ALICE.pseudonym) as turn:
            await turn.load()
            1 / 0  # noqa: B018 - a step that raises
    async with asyncio.timeout(10), two.turn(ALICE.pseudonym) as after:
        assert await after.load() is None


async def _held_turn_locks(url: str) -> int:
    """How many sessions hold an advisory lock on a one-bigint key (the turns' kind) in this
    test's scratch database (``pg_locks`` lists the whole server's: another test run on the
    same server once made it 2)."""
    conn = await asyncpg.connect(url)
    try:
        return int(
            await conn.fetchval(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND objsubid = 1 AND database ="
                " (SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        )
    finally:
        await conn.close()


@pytest.mark.postgres
async def test_the_lock_is_held_from_the_load_to_the_write_and_never_kept(
    two_stores: tuple[SqlStore, SqlStore], database: str
) -> None:
    """The lock is a session-level hold in autocommit (two round trips a turn): it must
    last from the load to the write and be gone after every kind of ending, or a pooled
    connection would keep the person locked for the next instance."""
    one, two = two_stores
    for n in range(3):  # the same pooled connection, turn after turn
        async with one.turn(ALICE.pseudonym) as turn:
            await turn.load()
            assert await _held_turn_locks(database) == 1
            assert await turn.commit(ALICE, Session(node=str(n)), [], f"h-{n}")
            assert await _held_turn_locks(database) == 0  # the write released it
    async with one.turn(ALICE.pseudonym) as turn:  # a redelivery: refused, then replayed
        await turn.load()
        assert not await turn.commit(ALICE, Session(node="x"), [], "h-0")
        assert await turn.unsent("h-0") is None
    async with one.turn(ALICE.pseudonym) as turn:  # a turn that only reads (a resume)
        await turn.load()
    assert await _held_turn_locks(database) == 0
    async with asyncio.timeout(10), two.turn(ALICE.pseudonym) as after:
        loaded = await after.load()
    assert loaded is not None and loaded[1].node == "2"


@pytest.mark.postgres
async def test_a_turn_cancelled_while_it_waits_for_the_lock_leaves_no_lock(
    two_stores: tuple[SqlStore, SqlStore], database: str
) -> None:
    one, two = two_stores
    async with one.turn(ALICE.pseudonym) as first:
        await first.load()

        async def waiter() -> None:
            async with two.turn(ALICE.pseudonym) as turn:
                await turn.load()

        waiting = asyncio.create_task(waiter())
        await _wait_for_lock_waiter(database, ALICE.pseudonym)
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert await first.commit(ALICE, Session(node="a"), [], "c-1")
    # Had the cancelled wait been granted later on its pooled connection, this would hang.
    async with asyncio.timeout(10), two.turn(ALICE.pseudonym) as after:
        loaded = await after.load()
    assert loaded is not None and loaded[1].node == "a"
    assert await _held_turn_locks(database) == 0


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


@pytest.mark.postgres
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


# -- two real `neutroguide run` webhook processes ------------------------------------------------

SECRET = "instances-test-webhook-secret"
Update = dict[str, Any]
CARRY_ON, KEEP_RECORD = "Carry on", "Yes, keep a record"
TO_THRESHOLD = (CARRY_ON, KEEP_RECORD, "Yes, ask me", "My child", "Skip")
THRESHOLD, PHONE = "37.8", "020 7946 0000"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Instances:
    """Two bot processes on one database, and Telegram's side of them (the fake Bot API)."""

    def __init__(self, fake: FakeBotAPI, ports: tuple[int, int]) -> None:
        self.fake = fake
        self.ports = ports
        self.client = httpx.AsyncClient(verify=local_tls(), timeout=60)
        self.sent: dict[int, int] = {}  # updates sent per chat
        self._queries = itertools.count(1)

    async def post(self, instance: int, chat: int, update: dict[str, Any]) -> None:
        """POST one update to one instance's webhook, as Telegram does; wait for the answer."""
        self.sent[chat] = self.sent.get(chat, 0) + 1
        url = f"http://127.0.0.1:{self.ports[instance]}/telegram"
        headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
        response = await self.client.post(url, json=update, headers=headers)
        assert response.status_code == 200, response.text

    def text(self, chat: int, text: str) -> dict[str, Any]:
        return self.fake.make_update(self.fake.message_update(chat, text))

    def press(self, chat: int, data: str) -> dict[str, Any]:
        query_id = f"q{chat}-{next(self._queries)}"
        self.fake.callback_ids.add(query_id)
        message = self.fake.last_message(chat).to_api(self.fake.private_chat(chat))
        query = {
            "id": query_id,
            "from": self.fake.user(chat),
            "chat_instance": f"ci{chat}",
            "data": data,
            "message": message,
        }
        return self.fake.make_update({"callback_query": query})

    def button(self, chat: int, label: str) -> str:
        for message in reversed(self.fake.chat(chat)):
            for shown, data in message.buttons:
                if shown == label:
                    return data
        raise AssertionError(f"no button {label!r} in chat {chat}")

    async def walk(self, chat: int, labels: tuple[str, ...], first: int = 0) -> list[str]:
        """/start, then press ``labels`` one by one, alternating instances; the button data."""
        await self.post(first, chat, self.text(chat, "/start"))
        pressed = []
        for n, label in enumerate(labels, start=1):
            data = self.button(chat, label)
            pressed.append(data)
            await self.post((first + n) % 2, chat, self.press(chat, data))
        return pressed


async def _start(env: dict[str, str], port: int, log: Path, cwd: Path) -> Process:
    env = {**env, "PORT": str(port), "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram"}
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stderr=out
        )


async def _person(store: SqlStore, url: str, chat: int) -> tuple[Any, ...]:
    """What the database holds about a chat's person: session (less its time), log rows
    (less their times) and how many inputs were processed."""
    pseudonym = Pseudonymizer(PSEUDONYM_KEY.encode()).of("telegram", str(chat))
    loaded = await store.load(pseudonym)
    assert loaded is not None
    rows = [replace(r, at=0.0) for r in await store.transcript(pseudonym)]
    conn = await asyncpg.connect(url)
    try:
        processed = await conn.fetchval(
            "SELECT count(*) FROM processed_inputs WHERE pseudonym = $1", pseudonym
        )
    finally:
        await conn.close()
    return replace(loaded[1], updated_at=0.0), rows, processed


@pytest.mark.postgres
@pytest.mark.slow
async def test_two_webhook_processes_keep_each_persons_turns_whole(
    database: str, tmp_path: Path
) -> None:
    migrated = neutroguide(database, "db", "upgrade", cwd=tmp_path)  # migrations once
    assert migrated.returncode == 0, migrated.stderr
    presses = range(515_100_000, 515_100_030)  # 30 two-press sequences
    settings = range(515_200_000, 515_200_020)  # 20 threshold + phone pairs
    # Control chats: the same inputs one at a time, in the order sent and the other way round.
    controls = {
        ("presses", True): 515_300_001,
        ("presses", False): 515_300_002,
        ("settings", True): 515_300_003,
        ("settings", False): 515_300_004,
    }
    async with FakeBotAPI() as fake:
        env = process_env(fake, database, tmp_path, WEBHOOK_SECRET=SECRET)
        ports = (_free_port(), _free_port())
        logs = (tmp_path / "a.log", tmp_path / "b.log")
        processes = [
            await _start(env, port, log, tmp_path) for port, log in zip(ports, logs, strict=True)
        ]
        bots = Instances(fake, ports)
        try:
            await fake.wait_calls("setWebhook", 2, within=60)
            # One update at a time per chat, as Telegram sends a chat's updates.
            data = await bots.walk(controls["presses", True], (CARRY_ON, KEEP_RECORD))
            swapped = controls["presses", False]
            await bots.post(1, swapped, bots.text(swapped, "/start"))
            await bots.post(0, swapped, bots.press(swapped, data[1]))
            await bots.post(1, swapped, bots.press(swapped, data[0]))
            for in_order, typed in ((True, (THRESHOLD, PHONE)), (False, (PHONE, THRESHOLD))):
                chat = controls["settings", in_order]
                await bots.walk(chat, TO_THRESHOLD)
                for n, text in enumerate(typed):
                    await bots.post(n, chat, bots.text(chat, text))
            # The others: /start (and the walk to the threshold question) one at a time...
            await asyncio.gather(
                *(bots.post(n % 2, c, bots.text(c, "/start")) for n, c in enumerate(presses)),
                *(bots.walk(c, TO_THRESHOLD, n % 2) for n, c in enumerate(settings)),
            )

            # ... then each pair a few ms apart, to alternating instances, without waiting.
            async def pair(
                n: int, chat: int, first: dict[str, Any], second: dict[str, Any]
            ) -> None:
                a, b = n % 2, (n + 1) % 2
                sending = asyncio.create_task(bots.post(a, chat, first))
                await asyncio.sleep(0.005)  # spacing the sends, not waiting for an outcome
                await asyncio.gather(sending, bots.post(b, chat, second))

            jobs = [
                *(
                    pair(n, c, bots.press(c, data[0]), bots.press(c, data[1]))
                    for n, c in enumerate(presses)
                ),
                *(
                    pair(n, c, bots.text(c, THRESHOLD), bots.text(c, PHONE))
                    for n, c in enumerate(settings)
                ),
            ]
            tasks = []
            for job in jobs:
                tasks.append(asyncio.create_task(job))
                await asyncio.sleep(0.002)
            await asyncio.gather(*tasks)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                codes = [await process.wait() for process in processes]
            await bots.client.aclose()
        store = await open_existing_store(database)
        try:
            expected = {key: await _person(store, database, c) for key, c in controls.items()}
            found = {c: await _person(store, database, c) for c in (*presses, *settings)}
        finally:
            await store.close()
    texts = "\n".join(log.read_text() for log in logs)
    assert codes == [0, 0], texts
    assert "ERROR" not in texts, texts
    session = expected["settings", True][0]
    assert session.profile.get("fever_threshold") == 37.8
    assert session.profile.get("care_team_phone") == PHONE
    assert expected["presses", True][0].profile.get("consent") is True
    in_sent_order = 0
    for chat in (*presses, *settings):
        kind = "presses" if chat in presses else "settings"
        # Nothing lost, nothing doubled, no turn interleaved with another: the session, the
        # log rows and the processed inputs are exactly those of the two inputs handled one
        # after the other, in one order or the other (whichever instance took the lock
        # first: nothing orders two updates sent to two instances at once).
        assert found[chat] in (expected[kind, True], expected[kind, False]), chat
        in_order = found[chat] == expected[kind, True]
        in_sent_order += in_order
        control = controls[kind, in_order]
        assert found[chat][2] == bots.sent[chat] == bots.sent[control]
        # Every answer reached the chat once (two instances may send in either order).
        assert sorted(m.text for m in fake.chat(chat)) == sorted(
            m.text for m in fake.chat(control)
        ), chat
    print(f"{in_sent_order} of {len(presses) + len(settings)} pairs applied in the order sent")
