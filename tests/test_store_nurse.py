"""The store's nurse topics ("Ask a nurse"), on SQLite and PostgreSQL."""

from __future__ import annotations

from bot.engine.types import Session
from bot.store import LogRow, Person, SqlStore
from bot.store.protocol import NurseTopic

GROUP = "-1001234567890"
ALICE = Person(pseudonym="a" * 32, consent=True)
BOB = Person(pseudonym="b" * 32)


def topic(person: Person, thread: int, chat: str = GROUP) -> NurseTopic:
    return NurseTopic(person.pseudonym, chat, thread, f"sealed-{person.pseudonym[:4]}-{thread}")


async def test_an_opened_topic_is_found_by_person_and_by_thread(store: SqlStore) -> None:
    assert await store.nurse_topic(ALICE.pseudonym) is None
    assert await store.open_nurse_topic(topic(ALICE, 7)) == topic(ALICE, 7)
    assert await store.nurse_topic(ALICE.pseudonym) == topic(ALICE, 7)
    assert await store.nurse_topic_at(GROUP, 7) == topic(ALICE, 7)
    assert await store.nurse_topic_at(GROUP, 8) is None
    assert await store.nurse_topic_at("-1009999", 7) is None


async def test_the_first_topic_of_a_person_in_a_group_wins_a_race(store: SqlStore) -> None:
    await store.open_nurse_topic(topic(ALICE, 7))
    assert await store.open_nurse_topic(topic(ALICE, 9)) == topic(ALICE, 7)
    assert await store.nurse_topic_at(GROUP, 9) is None


async def test_a_topic_in_another_group_is_replaced(store: SqlStore) -> None:
    await store.open_nurse_topic(topic(ALICE, 7, chat="-1001111"))
    assert await store.open_nurse_topic(topic(ALICE, 3)) == topic(ALICE, 3)
    assert await store.nurse_topic_at("-1001111", 7) is None


async def test_a_dropped_topic_can_be_opened_again(store: SqlStore) -> None:
    await store.open_nurse_topic(topic(ALICE, 7))
    await store.drop_nurse_topic(ALICE.pseudonym)
    assert await store.nurse_topic(ALICE.pseudonym) is None
    assert await store.open_nurse_topic(topic(ALICE, 12)) == topic(ALICE, 12)


async def test_forget_removes_the_persons_topic_only(store: SqlStore) -> None:
    for person, thread in ((ALICE, 7), (BOB, 8)):
        await store.commit(person, Session(node="nurse/more"), [LogRow("out", "relay")], None)
        await store.open_nurse_topic(topic(person, thread))
    await store.forget(ALICE.pseudonym)
    assert await store.nurse_topic(ALICE.pseudonym) is None
    assert await store.nurse_topic_at(GROUP, 7) is None
    assert await store.nurse_topic(BOB.pseudonym) == topic(BOB, 8)
    assert (await store.table_counts())["nurse_topics"] == 1


async def test_a_staff_reply_counts_as_a_message(store: SqlStore) -> None:
    rows = [LogRow("out", "relay"), LogRow("out", "staff", text="Call us at 10.")]
    await store.commit(ALICE, Session(), rows, None)
    stats = await store.stats()
    assert stats["messages_out"] == 1
    assert [r.kind for r in await store.transcript(ALICE.pseudonym)] == ["relay", "staff"]
