"""The review app over HTTP: every page, sign-in, sessions, CSRF and roles, on a real SQLite
store seeded through the bot's own commit (the queries run on PostgreSQL too, in
tests/test_store_review.py)."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from bot.engine.types import Session
from bot.review.auth import IDLE_SECONDS, PER_NAME, SESSION_COOKIE
from bot.service import message_id
from bot.store import LogRow, Person, open_store
from bot.store.operators import OperatorStore
from tests.support.db import FakeClock, upgraded_sqlite_file
from tests.support.review import (
    FLAGGED,
    QUIET,
    add_operators,
    client,
    content,
    csrf_of,
    review_app,
    seed,
    sign_in,
)


class Clock(FakeClock):
    """A clock tests can move forward; still one second per reading."""


@pytest.fixture
async def url(tmp_path: Path) -> str:
    await upgraded_sqlite_file(tmp_path / "review.db")  # what a first open_store makes
    url = f"sqlite:///{tmp_path / 'review.db'}"
    store = await open_store(url, clock=FakeClock())  # people stamped from 2023-11-14T22:13Z
    try:
        await seed(store)
        await add_operators(store)
    finally:
        await store.close()
    return url


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def app(url: str, clock: Clock) -> AsyncIterator[Starlette]:
    built = review_app(url, clock)
    try:
        yield built
    finally:
        await built.state.review.close()


@pytest.fixture
async def admin(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app) as http:
        assert (await sign_in(http, "ada")).status_code == 303
        yield http


@pytest.fixture
async def reviewer(app: Starlette) -> AsyncIterator[httpx.AsyncClient]:
    async with client(app) as http:
        assert (await sign_in(http, "rex")).status_code == 303
        yield http


# -- signing in -------------------------------------------------------------------------


async def test_every_page_needs_a_signed_in_operator(app: Starlette) -> None:
    async with client(app) as http:
        for path in ("/inbox", "/flags", "/unanswered", "/analytics", "/map", "/content", "/audit"):
            answer = await http.get(path)
            assert answer.status_code == 303, path
            assert answer.headers["location"].startswith(f"/login?next={path}")
        refused = await http.post("/flags/1", data={"action": "acknowledge"})
        assert refused.status_code == 303 and refused.headers["location"].startswith("/login")


async def test_sign_in_sets_a_safe_session_cookie(app: Starlette) -> None:
    async with client(app) as http:
        answer = await sign_in(http, "ada")
        assert answer.status_code == 303 and answer.headers["location"] == "/inbox"
        cookie = next(
            v for v in answer.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE)
        )
        flags = cookie.lower()
        assert "httponly" in flags and "samesite=lax" in flags and "path=/" in flags
        assert "secure" not in flags  # plain HTTP: a Secure cookie would never come back
        assert (await http.get("/inbox")).status_code == 200
    async with client(app) as http:  # behind a TLS proxy
        http.headers["X-Forwarded-Proto"] = "https"
        answer = await sign_in(http, "ada")
        cookie = next(
            v for v in answer.headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE)
        )
        assert "secure" in cookie.lower()


async def test_wrong_password_unknown_name_and_disabled_operator_are_refused(
    app: Starlette, url: str
) -> None:
    async with client(app) as http:
        for name, password in (("ada", "not the password"), ("nobody", "whatever it is")):
            answer = await sign_in(http, name, password)
            assert answer.status_code == 401
            assert "do not match an active operator" in answer.text
        store = await open_store(url)
        try:
            await OperatorStore(store).disable("rex")
        finally:
            await store.close()
        assert (await sign_in(http, "rex")).status_code == 401


async def test_sign_in_without_the_forms_csrf_token_is_refused(app: Starlette) -> None:
    async with client(app) as http:
        await http.get("/login")
        answer = await http.post(
            "/login", data={"name": "ada", "password": "correct horse battery staple"}
        )
        assert answer.status_code == 403 and "form had expired" in answer.text
        assert SESSION_COOKIE not in http.cookies


async def test_failed_sign_ins_are_rate_limited_even_with_the_right_password(
    app: Starlette,
) -> None:
    async with client(app) as http:
        for _ in range(PER_NAME):
            assert (await sign_in(http, "ada", "wrong password, again")).status_code == 401
        answer = await sign_in(http, "ada")
        assert answer.status_code == 429 and "Too many failed sign-ins" in answer.text
        assert (await sign_in(http, "rex")).status_code == 303  # another name is not locked


async def test_an_idle_session_ends(admin: httpx.AsyncClient, clock: Clock) -> None:
    assert (await admin.get("/inbox")).status_code == 200
    clock.now += IDLE_SECONDS + 5
    answer = await admin.get("/inbox")
    assert answer.status_code == 303 and "expired=1" in answer.headers["location"]
    page = await admin.get(answer.headers["location"])
    assert "idle for too long" in page.text


async def test_sign_out_needs_the_token_and_ends_the_session(admin: httpx.AsyncClient) -> None:
    page = await admin.get("/inbox")
    forged = await admin.post("/logout", data={"csrf": "not-the-token"})
    assert forged.status_code == 403 and "Form refused" in forged.text
    assert (await admin.get("/inbox")).status_code == 200
    out = await admin.post("/logout", data={"csrf": csrf_of(page.text)})
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert (await admin.get("/inbox")).status_code == 303


async def test_a_reviewer_is_refused_the_audit_log_an_admin_reads_it(
    reviewer: httpx.AsyncClient, admin: httpx.AsyncClient
) -> None:
    refused = await reviewer.get("/audit")
    assert refused.status_code == 403 and "This page is for admins" in refused.text
    assert "Audit log</a>" not in (await reviewer.get("/inbox")).text
    await admin.get(f"/people/{FLAGGED.pseudonym}")
    audit = await admin.get("/audit")
    assert audit.status_code == 200
    assert "open transcript" in audit.text and FLAGGED.pseudonym in audit.text
    assert "sign in" in audit.text and "rex" in audit.text


# -- inbox ------------------------------------------------------------------------------


async def test_inbox_lists_newest_first_with_the_open_flag_count(
    reviewer: httpx.AsyncClient,
) -> None:
    page = (await reviewer.get("/inbox")).text
    assert page.index(QUIET.pseudonym) < page.index(FLAGGED.pseudonym)
    # The urgent answer wrote an escalation and a red flag in one turn: one item to follow up.
    assert 'aria-label="1 open">1</span>' in page
    assert "1 open red" in page


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("flag=red", FLAGGED, QUIET),
        ("flag=unanswered", FLAGGED, QUIET),
        ("lang=en", QUIET, FLAGGED),
        ("dialog=fever", FLAGGED, QUIET),
        (f"q={QUIET.pseudonym[:6]}", QUIET, FLAGGED),
        ("status=active", FLAGGED, None),
    ],
)
async def test_inbox_filters(
    reviewer: httpx.AsyncClient, query: str, shown: object, hidden: object
) -> None:
    page = (await reviewer.get(f"/inbox?{query}")).text
    assert shown.pseudonym in page  # type: ignore[attr-defined]
    if hidden is not None:
        assert hidden.pseudonym not in page  # type: ignore[attr-defined]


async def test_inbox_answers_a_bad_prefix_calmly(reviewer: httpx.AsyncClient) -> None:
    page = await reviewer.get("/inbox?q=zz%27;drop")
    assert page.status_code == 200 and "only the digits 0-9 and letters a-f" in page.text


async def test_inbox_date_range_in_the_viewers_zone(reviewer: httpx.AsyncClient) -> None:
    # The fake clock stamps people in November 2023.
    assert FLAGGED.pseudonym in (await reviewer.get("/inbox?from=2023-11-14&to=2023-11-15")).text
    assert FLAGGED.pseudonym not in (await reviewer.get("/inbox?from=2024-01-01")).text


# -- transcript -------------------------------------------------------------------------


async def test_transcript_shows_labels_and_bot_text_in_german_with_english(
    reviewer: httpx.AsyncClient,
) -> None:
    answer = await reviewer.get(f"/people/{FLAGGED.pseudonym}")
    assert answer.status_code == 200
    page = answer.text
    assert "[So wird gemessen]" in page and "English: [How to measure]" in page
    assert "Die meisten Ratschläge zu Fieber" in page
    assert "English: Most fever advice was written" in page
    assert "“39.5 und Schüttelfrost”" in page
    assert 'class="urgent"' in page and "URGENT" in page and "fever.high" in page


async def test_transcript_shows_what_went_to_the_nurses_and_their_answer(
    url: str, reviewer: httpx.AsyncClient
) -> None:
    asking = Person("c" * 32, locale="en", consent=True)
    rows = [
        LogRow("in", "text", "nurse/ask", text="Can she swim?"),
        LogRow("out", "relay", "nurse/ask"),
        LogRow("out", "staff", "nurse/more", text="Yes, in a clean pool."),
    ]
    store = await open_store(url)
    try:
        await store.commit(asking, Session(node="nurse/more"), rows, None)
    finally:
        await store.close()
    page = (await reviewer.get(f"/people/{asking.pseudonym}")).text
    assert "“Can she swim?”" in page
    assert "passed on to the nurses' group" in page
    assert "a nurse's answer: “Yes, in a clean pool.”" in page


async def test_a_value_known_only_in_the_conversation_shows_as_a_readable_marker(
    url: str, reviewer: httpx.AsyncClient
) -> None:
    dialogs, _ = content()
    call_now = dialogs.nodes["fever/call_now"].say[1].text  # "... on {care_team_phone}. ..."
    assert "{care_team_phone}" in call_now.source
    german = Person("e" * 32, locale="de", consent=True)
    rows = [LogRow("out", "reply", "fever/call_now", message_id=message_id(call_now))]
    store = await open_store(url)
    try:
        await store.commit(german, Session(node="fever/call_now"), rows, None)
    finally:
        await store.close()
    page = (await reviewer.get(f"/people/{german.pseudonym}")).text
    assert "English: Call your care team now on [care team phone]." in page
    assert "Behandlungsteam" in page  # the German column ...
    german_line = next(line for line in page.splitlines() if "Behandlungsteam" in line)
    assert "[care team phone]" in german_line  # ... has the marker too
    assert "{care_team_phone}" not in page and "care_team_phone" not in page


async def test_transcript_by_unique_prefix_and_unknown_pseudonyms(
    reviewer: httpx.AsyncClient,
) -> None:
    answer = await reviewer.get(f"/people/{FLAGGED.pseudonym[:5]}")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/people/{FLAGGED.pseudonym}"
    assert (await reviewer.get("/people/" + "0" * 32)).status_code == 404
    assert (await reviewer.get("/people/not-hex")).status_code == 404


async def test_tags_and_notes_need_the_csrf_token(reviewer: httpx.AsyncClient) -> None:
    page = await reviewer.get(f"/people/{FLAGGED.pseudonym}")
    path = f"/people/{FLAGGED.pseudonym}/notes"
    forged = await reviewer.post(path, data={"tag": "x", "note": "forged", "csrf": "nope"})
    assert forged.status_code == 403
    saved = await reviewer.post(
        path, data={"tag": "follow-up", "note": "Called the team", "csrf": csrf_of(page.text)}
    )
    assert saved.status_code == 303
    page = (await reviewer.get(f"/people/{FLAGGED.pseudonym}")).text
    assert "#follow-up" in page and "Called the team" in page and "forged" not in page


# -- red-flag queue ---------------------------------------------------------------------


async def test_acknowledged_flag_leaves_the_queue(reviewer: httpx.AsyncClient) -> None:
    page = (await reviewer.get("/flags")).text
    assert "fever.high" in page and "Acknowledge" in page
    ids = [int(part.split('"')[0]) for part in page.split('id="flag-')[1:]]
    assert len(ids) == 1  # the escalation; its turn's red flag row is the same event
    first = ids[0]
    answer = await reviewer.post(
        f"/flags/{first}", data={"action": "acknowledge", "csrf": csrf_of(page)}
    )
    assert answer.status_code == 303
    page = (await reviewer.get("/flags")).text
    assert f'id="flag-{first}"' not in page
    everything = (await reviewer.get("/flags?all=1")).text
    assert f'id="flag-{first}"' in everything and "Acknowledged by rex" in everything


async def test_assign_and_note_keep_the_flag_open(reviewer: httpx.AsyncClient) -> None:
    page = (await reviewer.get("/flags")).text
    item = int(page.split('id="flag-')[1].split('"')[0])
    csrf = csrf_of(page)
    await reviewer.post(
        f"/flags/{item}", data={"action": "assign", "assignee": "ada", "csrf": csrf}
    )
    await reviewer.post(
        f"/flags/{item}", data={"action": "note", "note": "Rang back", "csrf": csrf}
    )
    page = (await reviewer.get("/flags")).text
    assert f'id="flag-{item}"' in page
    assert "Assigned to ada" in page and "rex: Rang back" in page


async def test_a_flag_post_without_the_token_changes_nothing(reviewer: httpx.AsyncClient) -> None:
    page = (await reviewer.get("/flags")).text
    item = int(page.split('id="flag-')[1].split('"')[0])
    answer = await reviewer.post(f"/flags/{item}", data={"action": "acknowledge"})
    assert answer.status_code == 403
    assert f'id="flag-{item}"' in (await reviewer.get("/flags")).text
    missing = await reviewer.post(
        "/flags/999999", data={"action": "acknowledge", "csrf": csrf_of(page)}
    )
    assert missing.status_code == 404


# -- unanswered, analytics, map, content, settings --------------------------------------


async def test_unanswered_questions_are_grouped_and_exported(admin: httpx.AsyncClient) -> None:
    page = (await admin.get("/unanswered")).text
    assert "“Was ist ANC?”" in page and "“was ist anc”" in page
    export = await admin.get("/unanswered.csv")
    assert export.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.text)))
    assert len(rows) == 1  # the two spellings are one group
    assert rows[0]["language"] == "de" and rows[0]["times"] == "2" and rows[0]["people"] == "1"
    assert rows[0]["steps"] == "fever/ask=2"
    assert "unanswered.csv" in (await admin.get("/audit")).text


async def test_analytics_charts_are_matplotlib_svg_with_csv(reviewer: httpx.AsyncClient) -> None:
    page = await reviewer.get("/analytics?days=365")
    assert page.status_code == 200
    for key in ("daily", "topics", "completion", "red", "languages"):
        assert f"/analytics/{key}.svg?days=365" in page.text
        chart = await reviewer.get(f"/analytics/{key}.svg?days=365")
        assert chart.headers["content-type"] == "image/svg+xml"
        assert b"<svg" in chart.content and b"Matplotlib" in chart.content
    languages = await reviewer.get("/analytics/languages.csv")
    assert list(csv.reader(io.StringIO(languages.text))) == [
        ["language", "people"],
        ["de", "1"],
        ["en", "1"],
    ]
    assert (await reviewer.get("/analytics/nothing.svg")).status_code == 404


async def test_dialog_map_is_drawn_by_graphviz_with_counts(reviewer: httpx.AsyncClient) -> None:
    page = await reviewer.get("/map?dialog=fever&days=365")
    assert page.status_code == 200 and "/map/fever.svg?days=365" in page.text
    drawn = await reviewer.get("/map/fever.svg?days=365")
    assert drawn.headers["content-type"] == "image/svg+xml"
    assert b"Generated by graphviz" in drawn.content
    assert b"reached 1" in drawn.content  # fever/ask was sent to the one flagged person
    assert (await reviewer.get("/map/nothing.svg")).status_code == 404


async def test_content_review_in_german_with_sources_and_print_view(
    reviewer: httpx.AsyncClient,
) -> None:
    index = (await reviewer.get("/content")).text
    assert "/content/fever" in index and "nobody yet" in index
    page = (await reviewer.get("/content/fever?lang=de")).text
    assert "Nehmen Sie" in page or "Messen Sie" in page or "Fieber" in page
    assert "Take the temperature under the arm" in page
    assert 'href="https://www.cdc.gov/cancer/features/preventing-infections.html"' in page
    assert "not yet been checked by a professional medical translator" in page
    printed = (await reviewer.get("/content/fever?lang=de&print=1")).text
    assert "Reviewer's notes" in printed and "<nav" not in printed
    assert (await reviewer.get("/content/nothing")).status_code == 404


async def test_times_follow_the_chosen_time_zone(reviewer: httpx.AsyncClient) -> None:
    assert "UTC" in (await reviewer.get("/flags")).text
    form = await reviewer.get("/settings")
    saved = await reviewer.post("/settings", data={"tz": "Asia/Tokyo", "csrf": csrf_of(form.text)})
    assert saved.status_code == 303
    page = (await reviewer.get("/flags")).text
    assert "JST" in page and "Times in Asia/Tokyo" in page


async def test_mounted_under_review_beside_the_webhook(url: str) -> None:
    from bot.web import create_app

    async def on_update(data: object) -> None:
        return None

    review = review_app(url)
    web = create_app(
        webhook_path="/telegram", secret="s", on_update=on_update, mounts={"/review": review}
    )
    try:
        async with client(web) as http:
            assert (await http.get("/healthz")).status_code == 200
            answer = await http.get("/review/inbox")
            assert answer.status_code == 303
            assert answer.headers["location"].startswith("/review/login?next=/inbox")
            form = await http.get("/review/login")
            assert 'action="/review/login"' in form.text
            signed = await http.post(
                "/review/login",
                data={
                    "name": "ada",
                    "password": "correct horse battery staple",
                    "csrf": csrf_of(form.text),
                    "next": "/inbox",
                },
            )
            assert signed.status_code == 303 and signed.headers["location"] == "/review/inbox"
            assert "path=/review" in signed.headers["set-cookie"].lower()
            page = await http.get("/review/inbox")
            assert page.status_code == 200 and 'href="/review/flags"' in page.text
    finally:
        await review.state.review.close()


async def test_a_long_transcript_pages_200_at_a_time(url: str, app: Starlette) -> None:
    from bot.engine.types import Session
    from bot.store import LogRow, Person

    store = await open_store(url)
    try:
        person = Person("ef" * 16, locale="en", consent=True)
        rows = [
            LogRow("in", "text", "menu/main", text=f"line {n}", at=1.0e9 + n) for n in range(450)
        ]
        assert await store.commit(person, Session(node="menu/main"), rows, "long")
    finally:
        await store.close()
    async with client(app) as http:
        await sign_in(http, "rex")
        path = f"/people/{person.pseudonym}"
        seen: list[str] = []
        pages = 0
        while path:
            page = (await http.get(path)).text
            pages += 1
            seen += [part.split("”")[0] for part in page.split("“line ")[1:]]
            found = page.split('rel="next" href="')
            path = found[1].split('"')[0].replace("&amp;", "&") if len(found) > 1 else ""
        assert pages == 3
        assert seen == [str(n) for n in range(450)]


async def test_pages_refuse_framing_scripts_and_caching(reviewer: httpx.AsyncClient) -> None:
    for path in ("/login", "/inbox", f"/people/{FLAGGED.pseudonym}", "/map/fever.svg"):
        headers = (await reviewer.get(path)).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert "script-src" not in headers["content-security-policy"]  # default-src 'none'
        assert headers["x-frame-options"] == "DENY" and headers["cache-control"] == "no-store"
        assert headers["x-content-type-options"] == "nosniff"
