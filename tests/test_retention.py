"""Retention: `logs purge --older-than`, the store's purge, and the daily purge of a running bot."""

from __future__ import annotations

import pytest

from bot.engine.types import Session
from bot.store import LogRow, Person, SqlStore, Unsent
from bot.store.protocol import Purged

DAY = 86_400.0
NOW = 1_800_000_000.0


class SetClock:
    """A clock the test sets: the store stamps ``people.updated_at`` with it."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> SetClock:
    """Overrides tests/support/db.py's clock, so the ``store`` fixture uses this one."""
    return SetClock()


async def _turn(store: SqlStore, clock: SetClock, who: str, days_ago: float, text: str) -> None:
    clock.now = NOW - days_ago * DAY
    person = Person(who, consent=True)
    session = Session(node="menu/main", profile={"care_team_phone": "0"}, updated_at=clock.now)
    rows = [LogRow("in", "text", text=text), LogRow("out", "reply", message_id="m")]
    answer = Unsent(f"{who}-{days_ago}", {"messages": []})
    assert await store.commit(person, session, rows, f"{who}-{days_ago}", answer)


async def test_purge_removes_old_rows_and_idle_people_only(
    store: SqlStore, clock: SetClock
) -> None:
    for n in range(3):
        await _turn(store, clock, "idle", 120 + n, f"idle {n}")
    await _turn(store, clock, "back", 200, "long ago")
    await _turn(store, clock, "back", 95, "a while ago")
    await _turn(store, clock, "back", 1, "yesterday")
    await _turn(store, clock, "new", 0.5, "today")
    clock.now = NOW
    purged = await store.purge(NOW - 90 * DAY, batch=2)  # small batches: the loops run
    assert purged == Purged(log_rows=10, people=1)  # idle: 6 rows; back: 4 of 6
    assert await store.load("idle") is None
    assert await store.transcript("idle") == []
    kept = await store.load("back")
    assert kept is not None and kept[1].node == "menu/main"  # an active session is untouched
    assert [r.text for r in await store.transcript("back") if r.text] == ["yesterday"]
    assert [r.text for r in await store.transcript("new") if r.text] == ["today"]
    counts = await store.table_counts()
    assert counts["people"] == 2 and counts["sessions"] == 2 and counts["conversation_log"] == 4
    # The idle person's processed ids and unsent answers went with them.
    assert not await store.is_processed("idle-120")
    assert await store.unsent("idle-121") is None
    assert await store.is_processed("back-200")  # another person's are not touched here
    assert await store.purge(NOW - 90 * DAY) == Purged()  # nothing left to do


async def test_purge_keeps_everything_newer(store: SqlStore, clock: SetClock) -> None:
    await _turn(store, clock, "recent", 10, "ten days ago")
    assert await store.purge(NOW - 90 * DAY) == Purged()
    assert len(await store.transcript("recent")) == 2
