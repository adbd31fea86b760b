"""The outbox: a turn's answer is stored with its step, replayed until confirmed, and safety
answers go out even when the store cannot be written (issue 10 §1)."""

from __future__ import annotations

import asyncio
import io
import logging
import signal
import socket
import sqlite3
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import bot.store.sql
from bot.channels.console import ConsoleChat
from bot.engine import Session
from bot.safety import Screener
from bot.service import Conversations, Inbound, Unavailable
from bot.store import SqlStore
from bot.store.protocol import LogRow, Person, Unsent
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.service import make_service
from tests.support.telegram_env import process_env
from tests.support.waiting import wait_until

USER = "5151"
FEVER = "my son has 39.5"


@pytest.fixture
async def service(tmp_path: Path, screener: Screener) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db", screener=screener)
    yield svc
    await svc.close()


def said(value: str, input_id: str | None = "telegram:1:1") -> Inbound:
    return Inbound("telegram", USER, "text", value, input_id=input_id)


async def counts(svc: Conversations) -> dict[str, int]:
    assert isinstance(svc.store, SqlStore)
    return await svc.store.table_counts()


# -- the store ------------------------------------------------------------------------------


async def test_answer_is_stored_with_the_step_until_delivered(store: SqlStore) -> None:
    person = Person("p" * 32)
    answer = Unsent("a" * 32, {"messages": [{"text": "call now", "urgent": True}]})
    assert await store.commit(person, Session(node="x"), [LogRow("in", "text")], "in-1", answer)
    assert await store.unsent("in-1") == answer
    assert await store.unsent("in-2") is None
    # The same input again writes nothing, and its answer is still there to be replayed.
    assert not await store.commit(person, Session(node="y"), [LogRow("in", "text")], "in-1")
    assert (await store.table_counts())["conversation_log"] == 1
    await store.delivered(answer.id)
    assert await store.unsent("in-1") is None
    assert (await store.table_counts())["outbox"] == 0


async def test_forget_and_prune_remove_outbox_entries(store: SqlStore) -> None:
    alice, bob = Person("a" * 32), Person("b" * 32)
    await store.commit(alice, Session(), [], "in-a", Unsent("1" * 32, {"messages": []}))
    await store.commit(bob, Session(), [], "in-b", Unsent("2" * 32, {"messages": []}))
    await store.forget(alice.pseudonym)
    assert await store.unsent("in-a") is None and await store.unsent("in-b") is not None
    await store.prune_processed(before=0.0)  # nothing that old
    assert await store.unsent("in-b") is not None
    await store.prune_processed(before=float(2**40))
    assert (await store.table_counts())["outbox"] == 0


# -- the service ----------------------------------------------------------------------------


async def test_unconfirmed_answer_is_replayed_once_confirmed_nothing(
    service: Conversations,
) -> None:
    first = await service.handle(said(FEVER))
    assert first.messages[0].urgent and first.delivery is not None and first.saved
    before = await counts(service)
    again = await service.handle(said(FEVER))
    assert again.replay and not again.duplicate
    assert again.messages == first.messages and again.delivery == first.delivery
    assert again.operator_notice == first.operator_notice
    assert await counts(service) == before  # the step was applied once
    await service.delivered(first.delivery)
    third = await service.handle(said(FEVER))
    assert third.duplicate and third.messages == () and not third.replay
    assert (await counts(service))["outbox"] == 0


async def test_console_confirms_after_printing(service: Conversations) -> None:
    out = io.StringIO()
    chat = ConsoleChat(service, "console-user", out=out)
    outcome = await chat.send(FEVER)
    assert outcome.delivery is not None
    assert outcome.messages[0].text in out.getvalue()
    assert (await counts(service))["outbox"] == 0


# -- safety over bookkeeping ----------------------------------------------------------------


@pytest.fixture
async def locked(
    tmp_path: Path, screener: Screener, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[Conversations]:
    """A service whose SQLite file another connection holds with BEGIN IMMEDIATE."""
    monkeypatch.setattr(bot.store.sql, "SQLITE_BUSY_TIMEOUT_MS", 200)
    db = tmp_path / "bot.db"
    svc = await make_service(db, screener=screener)
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        yield svc
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        await svc.close()


async def test_locked_sqlite_still_gives_the_urgent_answer_unsaved(
    locked: Conversations, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    outcome = await locked.handle(said(FEVER))
    assert not outcome.saved and outcome.delivery is None
    assert outcome.messages and outcome.messages[0].urgent
    assert "care team" in outcome.messages[0].text
    # Our own records; third-party debug loggers (aiosqlite's SQL parameters, whose object
    # addresses may hold any digits) are capped by `neutroguide run` (tests/test_private_logs.py).
    ours = [r for r in caplog.records if r.name.startswith("bot")]
    failures = [r for r in ours if r.levelno >= logging.ERROR]
    assert failures and all("39" not in r.getMessage() for r in ours)
    assert all(USER not in r.getMessage() for r in ours)


async def test_locked_sqlite_refuses_an_ordinary_message(
    locked: Conversations, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(Unavailable):
        await locked.handle(said("hello there"))
    assert all("hello" not in r.getMessage() for r in caplog.records)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def postgres_down(tmp_path: Path, screener: Screener) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db", screener=screener)
    await svc.store.close()
    svc.store = SqlStore.from_url(f"postgresql://postgres@127.0.0.1:{_closed_port()}/test")
    try:
        yield svc
    finally:
        await svc.close()


async def test_postgresql_down_still_gives_the_urgent_answer(postgres_down: Conversations) -> None:
    outcome = await postgres_down.handle(said(FEVER))
    assert not outcome.saved and outcome.delivery is None
    assert outcome.messages[0].urgent


async def test_postgresql_down_refuses_an_ordinary_message(postgres_down: Conversations) -> None:
    with pytest.raises(Unavailable):
        await postgres_down.handle(said("hello there"))
    with pytest.raises(Unavailable):
        await postgres_down.handle(Inbound("telegram", USER, "command", "start", input_id="t:2"))


# -- a real process killed between commit and send -------------------------------------------


def _rows(db: Path) -> tuple[int, int, int, str | None]:
    """(log rows, processed ids, outbox entries, session node) straight from the file."""
    with sqlite3.connect(db) as conn:
        log_rows = conn.execute("SELECT count(*) FROM conversation_log").fetchone()[0]
        processed = conn.execute("SELECT count(*) FROM processed_inputs").fetchone()[0]
        unsent = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        node = conn.execute("SELECT node FROM sessions").fetchone()
    return int(log_rows), int(processed), int(unsent), node[0] if node else None


async def _start_bot(env: dict[str, str], cwd: Path) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stderr=asyncio.subprocess.PIPE
    )


@pytest.mark.slow
async def test_kill_9_between_commit_and_send_answers_once_after_restart(tmp_path: Path) -> None:
    chat = 515_151_001
    db = tmp_path / "run.db"
    async with FakeBotAPI() as fake:
        env = process_env(fake, f"sqlite:///{db}", tmp_path)
        fake.stall("sendMessage", chat_id=chat)
        first = await _start_bot(env, tmp_path)
        try:
            update_id = fake.send_text(chat, FEVER)
            # The answer is being sent, so the step is committed: kill the bot right there.
            await fake.wait_for(lambda: bool(fake.stalled), within=60)
        finally:
            first.kill()
            await first.communicate()
        assert first.returncode == -signal.SIGKILL
        answer = fake.stalled[0].params["text"]
        assert "care team" in answer and fake.chat(chat) == []
        committed = _rows(db)
        assert committed[2] == 1  # the answer waits in the outbox

        second = await _start_bot(env, tmp_path)
        try:
            fake.redeliver(fake.update_by_id(update_id))
            await fake.wait_for(lambda: len(fake.chat(chat)) >= 1, within=60)
            # Once confirmed, a further redelivery is a plain duplicate: nothing more is sent.
            await wait_until(lambda: _rows(db)[2] == 0, within=30)
            fake.redeliver(fake.update_by_id(update_id))
            fake.send_text(chat, "/menu")  # handled after the redelivery (one chat, in order)
            await fake.wait_for(lambda: len(fake.chat(chat)) >= 2, within=60)
        finally:
            second.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                _, stderr = await second.communicate()
    texts = [m.text for m in fake.chat(chat)]
    assert texts.count(answer) == 1, texts
    after = _rows(db)
    # The replay applied nothing: same node; only /menu added its rows and processed id.
    assert after[3] is not None and committed[1] == 1 and after[1] == 2
    log = stderr.decode()
    assert FEVER not in log and str(chat) not in log and fake.token not in log
