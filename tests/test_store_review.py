"""The review app's queries on SQLite and PostgreSQL: inbox pages and filters, the red-flag
queue and its follow-up, unanswered questions, notes, charts' counts, and /forget."""

from __future__ import annotations

import pytest

from bot.engine.types import Session
from bot.store import LogRow, Person, SqlStore
from bot.store.operators import OperatorStore
from bot.store.review import InboxFilter, ReviewStore
from tests.support.review import FLAGGED, QUIET, seed


@pytest.fixture
async def review(store: SqlStore) -> ReviewStore:
    await seed(store)
    return ReviewStore(store)


async def test_inbox_pages_by_keyset_newest_first_without_gaps(store: SqlStore) -> None:
    people = [Person(f"{i:032x}", locale="en") for i in range(23)]
    for i, person in enumerate(people):
        rows = [LogRow("in", "command", None, message_id="start", at=1000.0 + i)]
        assert await store.commit(person, Session(node="menu/main"), rows, f"in-{i}")
    review = ReviewStore(store)
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = await review.inbox(InboxFilter(), cursor=cursor, limit=5)
        seen += [row.pseudonym for row in page.rows]
        pages += 1
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert pages == 5
    assert seen == [p.pseudonym for p in reversed(people)]  # committed later = newer


async def test_inbox_filters_and_counts(review: ReviewStore) -> None:
    everyone = await review.inbox(InboxFilter())
    assert [r.pseudonym for r in everyone.rows] == [QUIET.pseudonym, FLAGGED.pseudonym]
    flagged = everyone.rows[1]
    assert (flagged.messages, flagged.red, flagged.unanswered, flagged.open_flags) == (7, 1, 2, 1)
    for where, expected in (
        (InboxFilter(flag="red"), [FLAGGED]),
        (InboxFilter(flag="any-red"), [FLAGGED]),
        (InboxFilter(flag="unanswered"), [FLAGGED]),
        (InboxFilter(flag="escalation"), [FLAGGED]),
        (InboxFilter(locale="en"), [QUIET]),
        (InboxFilter(dialog="fever"), [FLAGGED]),
        (InboxFilter(prefix="CDCD"), [QUIET]),
        (InboxFilter(prefix="ef"), []),
        (InboxFilter(status="stopped"), []),
    ):
        page = await review.inbox(where)
        assert [r.pseudonym for r in page.rows] == [p.pseudonym for p in expected], where


async def test_acknowledging_takes_the_flag_off_the_queue(review: ReviewStore) -> None:
    [item] = await review.queue()
    assert (item.pseudonym, item.kind, item.rule) == (FLAGGED.pseudonym, "escalation", "fever.high")
    assert await review.open_flags() == 1
    assigned = await review.follow_up(item.id, "kim", assignee="ada", note="calling")
    assert assigned is not None and assigned.assignee == "ada" and assigned.note == "kim: calling"
    assert await review.open_flags() == 1
    done = await review.follow_up(item.id, "kim", acknowledge=True)
    assert done is not None and done.acknowledged_by == "kim"
    again = await review.follow_up(item.id, "lee", acknowledge=True)
    assert again is not None and again.acknowledged_by == "kim"  # the first one stands
    assert await review.queue() == [] and await review.open_flags() == 0
    assert [i.id for i in await review.queue(include_done=True)] == [item.id]
    assert await review.follow_up(item.id + 1000, "kim", acknowledge=True) is None
    assert (await review.inbox(InboxFilter(flag="red"))).rows == ()


async def test_unanswered_carries_what_was_typed_in_the_same_turn(review: ReviewStore) -> None:
    found = await review.unanswered()
    assert [(u.text, u.locale, u.node) for u in found] == [
        ("was ist anc", "de", "fever/ask"),
        ("Was ist ANC?", "de", "fever/ask"),
    ]


async def test_prefix_resolution(review: ReviewStore) -> None:
    assert await review.resolve_prefix("abab") == [FLAGGED.pseudonym]
    assert await review.resolve_prefix("ff") == []


async def test_transcript_pages_by_log_id(review: ReviewStore) -> None:
    first, more = await review.entries(FLAGGED.pseudonym, limit=4)
    assert more is not None and len(first) == 4
    rest, last = await review.entries(FLAGGED.pseudonym, after=more, limit=100)
    assert last is None and len(first) + len(rest) == 11
    assert [e.id for e in first + rest] == sorted(e.id for e in first + rest)
    assert [e.kind for e in first] == ["command", "choice", "reply", "text"]


async def test_analytics_counts(review: ReviewStore) -> None:
    data = await review.analytics(since=0.0)
    assert dict(data.languages) == {"de": 1, "en": 1}
    assert dict(data.node_people)["fever/ask"] == 1
    assert sum(n for _, n in data.red_per_week) == 1
    assert sum(c for _, c, _ in data.per_day) == 2


async def test_forget_removes_notes_and_follow_ups_and_unnames_the_audit(
    store: SqlStore, review: ReviewStore
) -> None:
    operators = OperatorStore(store)
    [item] = await review.queue()
    await review.follow_up(item.id, "kim", note="rang")
    await review.add_note(FLAGGED.pseudonym, "kim", "follow-up", "a note")
    await operators.audit("kim", "open transcript", pseudonym=FLAGGED.pseudonym)
    before = await store.review_counts()
    assert before["flag_reviews"] == 1 and before["conversation_notes"] == 1
    await store.forget(FLAGGED.pseudonym)
    after = await store.review_counts()
    assert after["flag_reviews"] == 0 and after["conversation_notes"] == 0
    [entry] = await operators.audit_entries()
    assert entry.action == "open transcript" and entry.pseudonym is None
    assert await review.notes(FLAGGED.pseudonym) == []
