"""The store contract, run on SQLite and PostgreSQL (fixtures in tests/support/db.py)."""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from pathlib import Path

import asyncpg
import pytest

from bot.engine.types import Session
from bot.store import LogRow, Person, SqlStore, open_store
from bot.store.migrate import current_revision, head_revision, schema_differences, upgrade
from bot.store.sql import create_engine
from tests.support.db import (
    FakeClock,
    _reused_database,
    admin_url,
    postgres_database,
    postgres_unavailable,
    upgraded_sqlite_file,
)

EMPTY = {
    "people": 0,
    "sessions": 0,
    "conversation_log": 0,
    "processed_inputs": 0,
    "outbox": 0,
    "nurse_topics": 0,
}

ALICE = Person(
    pseudonym="a" * 32, locale="de", consent=True, status="active", notices=("unchecked-de",)
)
BOB = Person(pseudonym="b" * 32, locale="en")
SESSION = Session(
    node="fever/ask_temperature",
    history=("welcome/hello", "menu/main", "fever/start"),
    profile={
        "age_group": "child",
        "last_temperature": 38.4,
        "threshold": 38,
        "has_port": True,
        "care_team_phone": None,
        "note": "Grüße ✓",
    },
    updated_at=1_700_000_123.25,
    waiting="resume",
)


def rows(*texts: str, at: float = 0.0) -> list[LogRow]:
    """An incoming text and the reply to it, per text."""
    out: list[LogRow] = []
    for text in texts:
        out.append(LogRow("in", "text", node="menu/main", message_id="m1", text=text, at=at))
        out.append(LogRow("out", "reply", node="menu/main", message_id="m2", at=at))
    return out


async def test_new_person_load_returns_none(store: SqlStore) -> None:
    assert await store.load(ALICE.pseudonym) is None


async def test_commit_then_load_round_trips_exactly(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("hello"), "telegram:1")
    loaded = await store.load(ALICE.pseudonym)
    assert loaded == (ALICE, SESSION)
    person, session = loaded
    # JSON must not turn ints into floats, bools into ints or tuples into lists
    assert type(session.profile["threshold"]) is int
    assert type(session.profile["has_port"]) is bool
    assert type(session.profile["last_temperature"]) is float
    assert isinstance(session.history, tuple) and isinstance(person.notices, tuple)


async def test_empty_session_round_trips(store: SqlStore) -> None:
    assert await store.commit(BOB, Session(), [], None)
    assert await store.load(BOB.pseudonym) == (BOB, Session())


async def test_second_commit_replaces_person_and_session(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("one"), "in-1")
    later = replace(SESSION, node="menu/main", history=(), waiting=None, updated_at=5.0)
    stopped = replace(ALICE, status="stopped", locale="fr", notices=())
    assert await store.commit(stopped, later, rows("two"), "in-2")
    assert await store.load(ALICE.pseudonym) == (stopped, later)
    assert (await store.table_counts())["conversation_log"] == 4


async def test_resume_after_restart(store_url: str, store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("hello"), "in-1")
    await store.close()
    restarted = await open_store(store_url)
    try:
        assert await restarted.load(ALICE.pseudonym) == (ALICE, SESSION)
        assert await restarted.is_processed("in-1")
        assert len(await restarted.transcript(ALICE.pseudonym)) == 2
    finally:
        await restarted.close()


async def test_duplicate_input_id_returns_false_and_writes_nothing(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("hello"), "telegram:7")
    before = await store.table_counts()
    other = replace(SESSION, node="menu/main")
    assert not await store.commit(replace(ALICE, locale="en"), other, rows("again"), "telegram:7")
    assert await store.table_counts() == before
    assert await store.load(ALICE.pseudonym) == (ALICE, SESSION)


async def test_is_processed(store: SqlStore) -> None:
    assert not await store.is_processed("telegram:9")
    assert await store.commit(ALICE, SESSION, [], "telegram:9")
    assert await store.is_processed("telegram:9")
    assert not await store.is_processed("telegram:10")


async def test_prune_processed_forgets_only_old_input_ids(
    store: SqlStore, clock: FakeClock
) -> None:
    assert await store.commit(ALICE, SESSION, [], "old")
    cutoff = clock.now + 0.5
    assert await store.commit(ALICE, SESSION, [], "new")
    assert await store.prune_processed(cutoff) == 1
    assert not await store.is_processed("old")
    assert await store.is_processed("new")
    assert (await store.table_counts())["people"] == 1


async def test_commit_without_input_id_always_applies(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("a"), None)
    assert await store.commit(ALICE, SESSION, rows("b"), None)
    assert (await store.table_counts())["conversation_log"] == 4
    assert (await store.table_counts())["processed_inputs"] == 0


async def test_concurrent_commits_of_one_input_exactly_one_wins(store: SqlStore) -> None:
    sessions = [replace(SESSION, node=f"fever/step{i}") for i in range(6)]
    results = await asyncio.gather(
        *(store.commit(ALICE, s, rows(f"try {i}"), "telegram:42") for i, s in enumerate(sessions))
    )
    assert results.count(True) == 1
    winner = results.index(True)
    loaded = await store.load(ALICE.pseudonym)
    assert loaded is not None and loaded[1] == sessions[winner]
    texts = [row.text for row in await store.transcript(ALICE.pseudonym) if row.text]
    assert texts == [f"try {winner}"]


async def test_concurrent_commits_of_distinct_inputs_all_apply(store: SqlStore) -> None:
    people = [Person(pseudonym=f"{i:032x}") for i in range(8)]
    results = await asyncio.gather(
        *(store.commit(p, SESSION, rows("hi"), f"in-{i}") for i, p in enumerate(people))
    )
    assert results == [True] * 8
    assert await store.table_counts() == {
        "people": 8,
        "sessions": 8,
        "conversation_log": 16,
        "processed_inputs": 8,
        "outbox": 0,
        "nurse_topics": 0,
    }


async def test_forget_removes_everything_of_that_person_only(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("a", "b"), "in-1")
    assert await store.commit(ALICE, SESSION, rows("c"), "in-2")
    assert await store.commit(BOB, Session(node="menu/main"), rows("x"), "in-3")
    await store.forget(ALICE.pseudonym)
    assert await store.load(ALICE.pseudonym) is None
    assert await store.transcript(ALICE.pseudonym) == []
    assert not await store.is_processed("in-1")
    assert await store.table_counts() == {
        "people": 1,
        "sessions": 1,
        "conversation_log": 2,
        "processed_inputs": 1,
        "outbox": 0,
        "nurse_topics": 0,
    }
    await store.forget(BOB.pseudonym)
    assert await store.table_counts() == EMPTY


async def test_forget_unknown_person_is_harmless(store: SqlStore) -> None:
    await store.forget("nobody")
    assert await store.table_counts() == EMPTY


async def test_set_status(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, [], None)
    await store.set_status(ALICE.pseudonym, "inactive")
    loaded = await store.load(ALICE.pseudonym)
    assert loaded is not None and loaded[0] == replace(ALICE, status="inactive")
    assert loaded[1] == SESSION
    await store.set_status(ALICE.pseudonym, "active")
    assert (await store.conversations())[0].status == "active"
    await store.set_status("nobody", "stopped")  # unknown person: nothing to mark
    assert (await store.table_counts())["people"] == 1


async def test_set_status_rejects_unknown_status(store: SqlStore) -> None:
    with pytest.raises(ValueError, match="blocked"):
        await store.set_status(ALICE.pseudonym, "blocked")  # type: ignore[arg-type]


async def test_conversations_order_counts_and_flags(store: SqlStore) -> None:
    flagged = [
        LogRow("in", "text", text="39.5", at=200.0),
        LogRow("out", "reply", node="fever/high", at=200.0),
        LogRow("out", "flag", node="fever/high", flag="red", rule="fever-over-threshold", at=200),
        LogRow("in", "text", text="stiff neck", at=300.0),
        LogRow("out", "escalation", flag="red", rule="stiff-neck", at=300.0),
        LogRow("out", "unanswered", flag="unanswered", at=300.0),
    ]
    assert await store.commit(ALICE, SESSION, flagged, "in-1")
    assert await store.commit(BOB, Session(), rows("hi", at=400.0), "in-2")
    carol = Person(pseudonym="c" * 32, status="stopped")
    assert await store.commit(carol, Session(), rows("hey", at=100.0), "in-3")

    found = await store.conversations()
    assert [c.pseudonym for c in found] == [BOB.pseudonym, ALICE.pseudonym, carol.pseudonym]
    bob, alice, c = found
    assert (bob.last_active, bob.messages, dict(bob.flags)) == (400.0, 2, {})
    assert (alice.last_active, alice.messages) == (300.0, 3)
    assert dict(alice.flags) == {"red": 2, "unanswered": 1}
    assert (alice.status, alice.locale) == ("active", "de")
    assert c.status == "stopped"
    assert [x.pseudonym for x in await store.conversations(limit=2)] == [
        BOB.pseudonym,
        ALICE.pseudonym,
    ]


async def test_person_without_log_rows_is_listed_by_last_update(
    store: SqlStore, clock: FakeClock
) -> None:
    assert await store.commit(ALICE, SESSION, [], None)
    (only,) = await store.conversations()
    assert (only.pseudonym, only.messages, only.last_active) == (ALICE.pseudonym, 0, clock.now)


async def test_transcript_oldest_first_ties_in_written_order(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("second", at=20.0), "in-2")
    assert await store.commit(ALICE, SESSION, rows("first", at=10.0), "in-1")
    assert await store.commit(BOB, SESSION, rows("bob", at=15.0), "in-3")
    transcript = await store.transcript(ALICE.pseudonym)
    assert [(r.at, r.direction, r.text) for r in transcript] == [
        (10.0, "in", "first"),
        (10.0, "out", None),
        (20.0, "in", "second"),
        (20.0, "out", None),
    ]
    assert transcript[0] == rows("first", at=10.0)[0]


async def test_rows_without_time_get_the_commit_time(store: SqlStore, clock: FakeClock) -> None:
    assert await store.commit(ALICE, SESSION, [LogRow("in", "command", text="/start")], None)
    (row,) = await store.transcript(ALICE.pseudonym)
    assert row.at == clock.now


async def test_export_streams_every_row_oldest_first(store: SqlStore) -> None:
    assert await store.commit(ALICE, SESSION, rows("late", at=30.0), "in-1")
    assert await store.commit(BOB, SESSION, rows("early", at=10.0), "in-2")
    exported = [item async for item in store.export()]
    assert [(p, r.at, r.direction, r.text) for p, r in exported] == [
        (BOB.pseudonym, 10.0, "in", "early"),
        (BOB.pseudonym, 10.0, "out", None),
        (ALICE.pseudonym, 30.0, "in", "late"),
        (ALICE.pseudonym, 30.0, "out", None),
    ]


async def test_stats(store: SqlStore) -> None:
    events = [
        LogRow("in", "choice", at=1.0),
        LogRow("out", "reply", at=1.0),
        LogRow("out", "flag", flag="red", at=1.0),
        LogRow("out", "escalation", flag="red", at=1.0),
        LogRow("out", "unanswered", at=1.0),
        LogRow("out", "fallback", at=1.0),
        LogRow("out", "fallback", at=1.0),
        LogRow("in", "media", at=1.0),
    ]
    assert await store.commit(ALICE, SESSION, events, "in-1")
    assert await store.commit(replace(BOB, status="inactive"), Session(), rows("x", "y"), "in-2")
    assert await store.stats() == {
        "people": 2,
        "by_status": {"active": 1, "inactive": 1, "stopped": 0},
        "messages_in": 4,
        "messages_out": 3,
        "flags": {"red": 2},
        "escalations": 1,
        "unanswered": 1,
        "fallbacks": 2,
    }


async def test_profile_values_must_be_plain(store: SqlStore) -> None:
    with pytest.raises(TypeError, match="profile\\['when'\\]"):
        await store.commit(ALICE, Session(profile={"when": object()}), [], "in-1")
    with pytest.raises(ValueError, match="nan"):
        await store.commit(ALICE, Session(profile={"t": float("nan")}), [], "in-1")
    assert await store.table_counts() == EMPTY


async def test_migrations_upgrade_from_empty(store_url: str) -> None:
    engine = create_engine(store_url)
    try:
        assert await current_revision(engine) is None
        first = await upgrade(engine)
        assert first.before is None and first.after == head_revision()
        assert first.applied and first.applied[-1] == head_revision()
        assert await schema_differences(engine) == []
        again = await upgrade(engine)
        assert (again.before, again.after, again.applied) == (head_revision(), head_revision(), ())
    finally:
        await engine.dispose()


async def test_open_store_creates_the_schema(store_url: str) -> None:
    opened = await open_store(store_url)
    try:
        assert await current_revision(opened.engine) == head_revision()
        assert await opened.table_counts() == EMPTY
    finally:
        await opened.close()


# -- one backend only ------------------------------------------------------------------


async def test_sqlite_uses_wal(tmp_path: Path) -> None:
    path = tmp_path / "wal.db"
    opened = await open_store(f"sqlite:///{path}")
    try:
        assert await opened.commit(ALICE, SESSION, [], None)
        assert path.with_name("wal.db-wal").exists()
    finally:
        await opened.close()


async def test_in_memory_sqlite_keeps_data_between_operations() -> None:
    opened = await open_store("sqlite://")
    try:
        results = await asyncio.gather(
            *(opened.commit(ALICE, SESSION, rows(str(i)), "same") for i in range(3))
        )
        assert results.count(True) == 1
        assert await opened.load(ALICE.pseudonym) == (ALICE, SESSION)
    finally:
        await opened.close()


async def test_unreachable_postgres_skips_locally_and_fails_under_ci() -> None:
    error = OSError("connection refused")
    expected = re.escape("PostgreSQL not reachable at 127.0.0.1:5432: connection refused")
    with pytest.raises(pytest.skip.Exception, match=expected):
        postgres_unavailable(error, env={})
    with pytest.raises(pytest.fail.Exception, match="connection refused"):
        postgres_unavailable(error, env={"CI": "true"})


@pytest.mark.postgres
async def test_postgres_database_is_dropped_afterwards() -> None:
    async with postgres_database() as url:
        opened = await open_store(url)
        assert await opened.commit(ALICE, SESSION, [], None)
        await opened.close()
    with pytest.raises(Exception, match="does not exist"):
        await open_store(url)


# -- the fixtures' upgraded databases (tests/support/db.py) ------------------------------


async def _log_ids(url: str) -> list[int]:
    connection = await asyncpg.connect(url)
    try:
        return [row["id"] for row in await connection.fetch("SELECT id FROM conversation_log")]
    finally:
        await connection.close()


@pytest.mark.postgres
async def test_a_reused_postgres_database_comes_back_empty_with_identities_restarted() -> None:
    first_ids: list[int] = []
    for _ in range(2):
        async with _reused_database(admin_url()) as url:
            opened = await open_store(url)
            try:
                assert await opened.table_counts() == EMPTY
                assert await opened.commit(ALICE, SESSION, rows("hello", "again"), "in-1")
            finally:
                await opened.close()
            ids = await _log_ids(url)
            assert ids and ids == (first_ids or ids)
            first_ids = ids


@pytest.mark.postgres
async def test_a_reused_postgres_database_whose_schema_changed_is_replaced() -> None:
    async with _reused_database(admin_url()) as changed:
        connection = await asyncpg.connect(changed)
        try:
            await connection.execute("ALTER TABLE people ADD COLUMN left_behind integer")
        finally:
            await connection.close()
    async with _reused_database(admin_url()) as url:
        assert url != changed
        opened = await open_store(url)
        try:
            assert await schema_differences(opened.engine) == []
        finally:
            await opened.close()
    # the unchanged one is reused: the pool does not grow with every test
    async with _reused_database(admin_url()) as again:
        assert again == url


async def test_an_upgraded_sqlite_file_is_what_open_store_makes_of_a_new_file(
    tmp_path: Path,
) -> None:
    copied, made = tmp_path / "copied.db", tmp_path / "made.db"
    await upgraded_sqlite_file(copied)
    await (await open_store(f"sqlite:///{made}")).close()
    for path in (copied, made):
        assert path.stat().st_mode & 0o777 == 0o600
        assert path.read_bytes()[18:20] == b"\x02\x02"  # WAL, as the header records it
        opened = await open_store(f"sqlite:///{path}")
        try:
            assert await current_revision(opened.engine) == head_revision()
            assert await opened.table_counts() == EMPTY
        finally:
            await opened.close()
