"""The review app in a real headless Chromium (Debian's chromium, driven by Playwright):
what an operator does with the mouse and keyboard, on a real uvicorn server."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.review import FLAGGED, PASSWORD, QUIET, ServedApp, review_app, seeded_database

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"

import playwright.sync_api as playwright_api  # noqa: E402  (in the test extra: never skipped)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServedApp]:
    url = seeded_database(tmp_path / "browser.db")
    with ServedApp(review_app(url)) as served:
        yield served


@pytest.fixture
def page(browser: object, server: ServedApp) -> Iterator[object]:
    context = browser.new_context(base_url=server.url)  # type: ignore[attr-defined]
    opened = context.new_page()
    opened.set_default_timeout(20_000)
    try:
        yield opened
    finally:
        context.close()


def sign_in(page: object, name: str) -> None:
    page.goto("/inbox")  # type: ignore[attr-defined]
    page.get_by_label("Name").fill(name)  # type: ignore[attr-defined]
    page.get_by_label("Password").fill(PASSWORD)  # type: ignore[attr-defined]
    page.get_by_role("button", name="Sign in").click()  # type: ignore[attr-defined]
    page.wait_for_url("**/inbox")  # type: ignore[attr-defined]


def test_sign_in_filter_the_inbox_and_open_a_transcript(page: object) -> None:
    p: object = page
    sign_in(p, "ada")
    assert p.get_by_role("heading", name="Inbox").is_visible()  # type: ignore[attr-defined]
    assert QUIET.pseudonym[:12] in p.content()  # type: ignore[attr-defined]
    p.get_by_label("Flag").select_option("red")  # type: ignore[attr-defined]
    p.get_by_role("button", name="Filter").click()  # type: ignore[attr-defined]
    p.wait_for_url("**/inbox?*flag=red*")  # type: ignore[attr-defined]
    html = p.content()  # type: ignore[attr-defined]
    assert FLAGGED.pseudonym[:12] in html and QUIET.pseudonym[:12] not in html
    p.get_by_role("link", name=f"{FLAGGED.pseudonym[:12]}…").click()  # type: ignore[attr-defined]
    p.wait_for_url(f"**/people/{FLAGGED.pseudonym}")  # type: ignore[attr-defined]
    body = p.inner_text("main")  # type: ignore[attr-defined]
    assert "[So wird gemessen]" in body and "English: [How to measure]" in body
    assert "URGENT" in body


def test_acknowledge_a_red_flag_and_see_it_leave_the_queue(page: object) -> None:
    p: object = page
    sign_in(p, "rex")
    nav = p.get_by_role("navigation", name="Main")  # type: ignore[attr-defined]
    assert "Red flags 1" in nav.inner_text()
    nav.get_by_role("link", name="Red flags").click()
    p.wait_for_url("**/flags")  # type: ignore[attr-defined]
    rows = p.locator("tr[id^=flag-]")  # type: ignore[attr-defined]
    assert rows.count() == 1 and "fever.high" in rows.first.inner_text()
    rows.first.get_by_role("button", name="Acknowledge").click()
    p.wait_for_url("**/flags")  # type: ignore[attr-defined]
    assert p.locator("tr[id^=flag-]").count() == 0  # type: ignore[attr-defined]
    assert "Nothing open" in p.inner_text("main")  # type: ignore[attr-defined]
    assert "Red flags 0" in nav.inner_text()


def test_a_form_with_a_wrong_csrf_token_is_refused(page: object) -> None:
    p: object = page
    sign_in(p, "rex")
    p.goto("/flags")  # type: ignore[attr-defined]
    # What a forged cross-site form would send: everything but this session's token.
    p.eval_on_selector_all(  # type: ignore[attr-defined]
        "input[name=csrf]", "els => els.forEach(e => e.value = 'forged')"
    )
    with p.expect_response("**/flags/*") as answer:  # type: ignore[attr-defined]
        p.get_by_role("button", name="Acknowledge").first.click()  # type: ignore[attr-defined]
    assert answer.value.status == 403
    assert "Form refused" in p.inner_text("main")  # type: ignore[attr-defined]
    p.goto("/flags")  # type: ignore[attr-defined]
    assert p.locator("tr[id^=flag-]").count() == 1  # type: ignore[attr-defined]


def test_a_reviewer_is_refused_the_audit_log(page: object) -> None:
    p: object = page
    sign_in(p, "rex")
    answer = p.goto("/audit")  # type: ignore[attr-defined]
    assert answer.status == 403
    assert "This page is for admins" in p.inner_text("main")  # type: ignore[attr-defined]


def test_the_dialog_map_is_drawn(page: object) -> None:
    p: object = page
    sign_in(p, "rex")
    p.goto("/map?dialog=fever&days=365")  # type: ignore[attr-defined]
    image = p.get_by_role("img", name="Map of the fever dialog")  # type: ignore[attr-defined]
    image.wait_for()
    p.wait_for_function(  # type: ignore[attr-defined]
        "() => { const i = document.querySelector('.map img'); "
        "return i && i.complete && i.naturalWidth > 100; }"
    )
    assert image.bounding_box()["height"] > 100
