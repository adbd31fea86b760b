"""The engine's answers to questions typed in the person's words, over the real dialogs with
the real search (no I/O): page buttons, "Ask your care team", greetings, forged buttons."""

from __future__ import annotations

import pytest

from bot.engine import Engine, Event, Session, StepResult
from bot.engine.engine import ASK_TEAM_TOKEN, PAGE_TOKEN, node_token
from tests.support.content import searching_engine

NOW = 1_000_000.0


@pytest.fixture(scope="module")
def engine() -> Engine:
    return searching_engine()


def at(engine: Engine, node: str | None = None, **profile: object) -> Session:
    return Session(node=node or engine.dialogs.menu, profile=profile, updated_at=NOW)


def said(result: StepResult) -> list[str]:
    return [r.text.context for r in result.replies]


def tokens(result: StepResult) -> list[str]:
    return [c.token for r in result.replies for c in r.choices]


def test_a_question_gets_page_buttons_that_open_the_pages(engine: Engine) -> None:
    menu = at(engine)
    result = engine.step(menu, Event("text", "can my daughter go swimming in the pool"), NOW)
    assert said(result)[0] in ("system/search_results", "system/search_unsure")
    assert result.session == menu  # nothing changes until a page is pressed
    pages = [t for t in tokens(result) if t.startswith(PAGE_TOKEN)]
    assert 1 <= len(pages) <= 3
    labels = [c.label.source for c in result.replies[0].choices]
    assert "Swimming" in labels or "Water and swimming" in labels
    swimming = next(t for t in pages if t == f"{PAGE_TOKEN}{node_token('water/swimming')}")
    opened = engine.step(menu, Event("choice", swimming), NOW)
    assert opened.session.node == "water/swimming"
    assert opened.session.history[-1] == menu.node  # /back returns to where the person was
    assert said(opened)[0].startswith("water/swimming")


def test_a_page_button_works_from_anywhere_later(engine: Engine) -> None:
    result = engine.step(at(engine), Event("text", "which foods should we avoid"), NOW)
    food = next(t for t in tokens(result) if t == f"{PAGE_TOKEN}{node_token('food/food')}")
    elsewhere = at(engine, "vaccines/vaccines")
    assert engine.step(elsewhere, Event("choice", food), NOW + 60).session.node == "food/food"


def test_a_forged_page_button_opens_nothing(engine: Engine) -> None:
    menu = at(engine)
    for node in ("settings/consent_yes", "sepsis/call_now", "no/such"):
        result = engine.step(menu, Event("choice", f"{PAGE_TOKEN}{node_token(node)}"), NOW)
        assert result.session.node == menu.node, node
        assert said(result)[0] == "system/moved_on"
        assert "consent" not in result.session.profile


def test_nothing_that_fits_offers_the_care_team_and_is_unanswered(engine: Engine) -> None:
    result = engine.step(at(engine), Event("text", "how much is parking at the hospital"), NOW)
    assert result.actions == ("unanswered",)
    assert said(result)[0] in ("system/search_unsure", "system/search_nothing")
    assert ASK_TEAM_TOKEN in tokens(result)


def test_ask_your_care_team_gives_their_number_when_saved(engine: Engine) -> None:
    saved = engine.step(
        at(engine, care_team_phone="0161 555 0100"), Event("choice", ASK_TEAM_TOKEN), NOW
    )
    assert said(saved)[0] == "system/search_ask_team"
    assert saved.replies[0].params == {"care_team_phone": "0161 555 0100"}
    unsaved = engine.step(at(engine), Event("choice", ASK_TEAM_TOKEN), NOW)
    assert said(unsaved)[0] == "system/search_ask_team_no_team"
    assert said(unsaved)[1:] == said(engine.step(at(engine), Event("command", "menu"), NOW))


@pytest.mark.parametrize(("typed", "key"), [("hello", "greeting"), ("thanks!", "thanks")])
def test_greetings_get_a_short_answer_and_the_buttons_again(
    engine: Engine, typed: str, key: str
) -> None:
    result = engine.step(at(engine), Event("text", typed), NOW)
    assert said(result)[0] == f"system/search_{key}"
    assert said(result)[1:] == [r.text.context for r in engine.current(at(engine))]
    assert result.actions == ()


def test_a_whole_keyword_still_opens_its_topic(engine: Engine) -> None:
    assert engine.step(at(engine), Event("text", "Vaccines"), NOW).session.node == (
        engine.dialogs.dialogs["vaccines"].start
    )
    reading = engine.step(at(engine), Event("text", "37,4"), NOW)
    assert reading.session.profile.get("last_temperature") == 37.4


def test_a_question_where_an_answer_is_awaited_gets_pages_and_the_question_again(
    engine: Engine,
) -> None:
    asking = at(engine, "fever/ask")
    result = engine.step(asking, Event("text", "can my daughter go swimming in the pool"), NOW)
    assert said(result)[0] == "system/search_results"
    assert said(result)[1:] == [r.text.context for r in engine.current(asking)]
    assert result.session == asking
    # a mistyped reading is not a question: the usual "type it again"
    garbled = engine.step(asking, Event("text", "3o8"), NOW)
    assert said(garbled)[0] != "system/search_results"
    assert not any(t.startswith(PAGE_TOKEN) for t in tokens(garbled))
