"""The temperature diary in the review app (#13 §2): on the transcript page and as a CSV
download, only for a person who consented to a record, the download audit-logged; over HTTP on
a real SQLite file and a real PostgreSQL database."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from bot import diary
from bot.engine.types import Session
from bot.store import LogRow, Person, open_store
from bot.store.operators import OperatorStore
from tests.support.review import T0, add_operators, client, review_app, sign_in

AGREED = Person("12" * 16, locale="de", consent=True)
REFUSED = Person("34" * 16, locale="en", consent=False)
#: 2026-11-21T23:00:00Z and a day later: 38.4 °C typed, 101.3 °F typed.
READINGS = (diary.Reading(T0, 38.4, 38.4, "C"), diary.Reading(T0 + 86400, 38.5, 101.3, "F"))


def with_readings(readings: tuple[diary.Reading, ...]) -> dict[str, Any]:
    """A profile holding ``readings``, saved the way "Save this reading" saves them."""
    profile: dict[str, Any] = {}
    for reading in readings:
        profile, _ = diary.save(diary.with_pending(profile, reading), reading.at)
    return profile


@pytest.fixture
async def app(upgraded_url: str) -> AsyncIterator[Starlette]:
    store = await open_store(upgraded_url)
    try:
        for person in (AGREED, REFUSED):
            session = Session(node="fever/ask", profile=with_readings(READINGS))
            rows = [LogRow("in", "command", None, message_id="diary", at=T0 + 90000)]
            assert await store.commit(person, session, rows, None)
        await add_operators(store)
    finally:
        await store.close()
    built = review_app(upgraded_url)
    try:
        yield built
    finally:
        await built.state.review.close()


@pytest.fixture
async def admin(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app) as http:
        assert (await sign_in(http, "ada")).status_code == 303
        yield http


async def exports(upgraded_url: str) -> list[tuple[str, str | None, str | None]]:
    store = await open_store(upgraded_url)
    try:
        entries = await OperatorStore(store).audit_entries()
    finally:
        await store.close()
    return [(e.operator, e.target, e.pseudonym) for e in entries if e.action == "export"]


async def test_the_transcript_shows_the_diary_of_a_consenting_person(
    admin: httpx.AsyncClient,
) -> None:
    page = (await admin.get(f"/people/{AGREED.pseudonym}")).text
    assert "Temperature diary" in page
    assert "2026-11-21 23:00 UTC" in page and "38.4 °C" in page
    assert "101.3 °F</td><td>38.5" in page  # as typed, and in °C beside it
    assert f'href="/people/{AGREED.pseudonym}/diary.csv"' in page


async def test_the_diary_downloads_as_csv_and_the_export_is_audited(
    admin: httpx.AsyncClient, upgraded_url: str
) -> None:
    answer = await admin.get(f"/people/{AGREED.pseudonym}/diary.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert f'filename="diary-{AGREED.pseudonym[:8]}.csv"' in answer.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert rows == [
        {"time (UTC)": "2026-11-21T23:00:00Z", "celsius": "38.4", "as typed": "38.4", "unit": "C"},
        {"time (UTC)": "2026-11-22T23:00:00Z", "celsius": "38.5", "as typed": "101.3", "unit": "F"},
    ]
    assert await exports(upgraded_url) == [("ada", "diary.csv", AGREED.pseudonym)]


async def test_without_consent_the_diary_is_neither_shown_nor_exported(
    admin: httpx.AsyncClient, upgraded_url: str
) -> None:
    page = (await admin.get(f"/people/{REFUSED.pseudonym}")).text
    assert "Temperature diary" in page and "has not agreed to a record" in page
    assert "38.4" not in page and "101.3" not in page and "diary.csv" not in page
    refused = await admin.get(f"/people/{REFUSED.pseudonym}/diary.csv")
    assert refused.status_code == 403
    assert "38.4" not in refused.text and "text/html" in refused.headers["content-type"]
    assert await exports(upgraded_url) == []


async def test_the_download_by_prefix_and_for_nobody(admin: httpx.AsyncClient) -> None:
    moved = await admin.get(f"/people/{AGREED.pseudonym[:6]}/diary.csv")
    assert moved.status_code == 303
    assert moved.headers["location"] == f"/people/{AGREED.pseudonym}/diary.csv"
    assert (await admin.get("/people/" + "0" * 32 + "/diary.csv")).status_code == 404
    assert (await admin.get("/people/not-hex/diary.csv")).status_code == 404


async def test_a_reviewer_is_signed_in_before_any_diary(app: Starlette) -> None:
    async with client(app) as http:
        answer = await http.get(f"/people/{AGREED.pseudonym}/diary.csv")
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
