"""The safety screen inside the conversation service: it overrides any dialog state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.config import Deployment
from bot.engine import Session
from bot.safety import Screener
from bot.service import BACK_TOKEN, CONFIRM_NO, CONFIRM_YES, Conversations, Inbound, Outcome
from bot.store.protocol import Person, Status
from bot.store.pseudonym import Pseudonymizer
from tests.support.service import TEST_KEY, Clock, make_service

DATA = Path(__file__).parent / "data" / "redflags"
LANGUAGES = ("en", "es", "fr", "de", "ar", "pl")
USER = "5151"
PSEUDONYM = Pseudonymizer(TEST_KEY).of("test", USER)
DEPLOYMENT = Deployment(emergency_number="112", urgent_advice_number="116117")
CARE_TEAM = "0161 446 3000"
NOW = Clock().now
#: Where a person can be when they type: before consent, waiting for a temperature, reading
#: the hygiene dialog after /stop. (Typing in settings: test_settings_input_is_screened.)
STATES: dict[str, tuple[str, Status]] = {
    "before_consent": ("welcome/consent", "active"),
    "waiting_for_temperature": ("fever/ask", "active"),
    "after_stop": ("prevention/hands", "stopped"),
}


def _corpus(lang: str, kind: str) -> list[str]:
    data = yaml.safe_load((DATA / f"{lang}.yaml").read_text(encoding="utf-8"))
    return [str(t) for t in data[kind]]


@pytest.fixture
async def service(tmp_path: Path, screener: Screener) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db", screener=screener, deployment=DEPLOYMENT)
    yield svc
    await svc.close()


async def _place(
    svc: Conversations, lang: str, node: str, status: Status = "active", **profile: str
) -> None:
    person = Person(PSEUDONYM, locale=lang, consent=True, status=status)
    session = Session(node=node, profile=profile, updated_at=NOW)  # not idle: no "carry on?"
    await svc.store.commit(person, session, (), None)


async def _say(svc: Conversations, value: str) -> Outcome:
    return await svc.handle(Inbound("test", USER, "text", value))


def _tokens(outcome: Outcome) -> list[str]:
    return [data for m in outcome.messages for _, data in m.buttons]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_warning_sign_escalates_from_every_state(
    service: Conversations, lang: str
) -> None:
    missed = []
    for state, (node, status) in STATES.items():
        for text in _corpus(lang, "urgent"):
            await _place(service, lang, node, status, care_team_phone=CARE_TEAM)
            outcome = await _say(service, text)
            if not (outcome.messages and outcome.messages[0].urgent):
                missed.append((state, text))
            elif BACK_TOKEN not in _tokens(outcome):
                missed.append((state, f"{text} (no way back)"))
        for text in _corpus(lang, "confirm"):
            await _place(service, lang, node, status)
            outcome = await _say(service, text)
            if CONFIRM_NO not in _tokens(outcome):
                missed.append((state, f"{text} (no confirming question)"))
    assert not missed


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_urgent_answer_has_the_numbers_and_is_logged(
    service: Conversations, lang: str
) -> None:
    await _place(service, lang, "prevention/hands", care_team_phone=CARE_TEAM)
    outcome = await _say(service, _corpus(lang, "urgent")[0])
    text = outcome.messages[0].text
    for number in (CARE_TEAM, DEPLOYMENT.urgent_advice_number, DEPLOYMENT.emergency_number):
        assert number in text, (lang, number, text)
    rows = await service.store.transcript(PSEUDONYM)
    escalations = [r for r in rows if r.kind == "escalation"]
    assert escalations and escalations[-1].rule.startswith("temperature.")  # type: ignore[union-attr]
    assert escalations[-1].node == "prevention/hands"
    assert any(r.flag == "red" for r in rows)


async def test_without_a_care_team_number_the_answer_still_has_the_lines(
    service: Conversations,
) -> None:
    await _place(service, "en", "prevention/hands")
    text = (await _say(service, "she has shaking chills")).messages[0].text
    assert DEPLOYMENT.urgent_advice_number in text and DEPLOYMENT.emergency_number in text
    assert "{" not in text


async def test_back_returns_to_where_the_person_was(service: Conversations) -> None:
    await _place(service, "de", "prevention/hands")
    before = await service.handle(Inbound("test", USER, "command", "back"))
    await _place(service, "de", "prevention/hands")
    urgent = await _say(service, "Fieber 38,7")
    assert urgent.messages[0].urgent
    back = await service.handle(Inbound("test", USER, "choice", BACK_TOKEN))
    loaded = await service.store.load(PSEUDONYM)
    assert loaded is not None and loaded[1].node == "prevention/hands"
    assert back.messages and back.messages[-1].buttons
    assert before.messages  # the hygiene dialog was showing something to return to


async def test_confirm_yes_gives_the_urgent_answer(service: Conversations) -> None:
    await _place(service, "en", "fever/ask", care_team_phone=CARE_TEAM)
    question = await _say(service, "no fever")
    yes = next(t for t in _tokens(question) if t.startswith(CONFIRM_YES))
    answer = await service.handle(Inbound("test", USER, "choice", yes))
    assert answer.messages[0].urgent
    assert "fever medicine" in answer.messages[0].text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_confirm_question_has_the_numbers_under_it_in_every_language(
    service: Conversations, lang: str
) -> None:
    await _place(service, lang, "prevention/hands")
    outcome = await _say(service, _corpus(lang, "confirm")[0])
    assert not any(m.urgent for m in outcome.messages)
    asking = [m for m in outcome.messages if m.buttons]
    assert len(asking) == 1, outcome.messages
    numbers = asking[0]
    assert DEPLOYMENT.urgent_advice_number in numbers.text
    assert DEPLOYMENT.emergency_number in numbers.text
    assert "{" not in numbers.text
    assert any(data.startswith(CONFIRM_YES) for _, data in numbers.buttons)
    question = outcome.messages[outcome.messages.index(numbers) - 1]
    assert question.text and DEPLOYMENT.emergency_number not in question.text


async def test_stop_word_stops_mid_dialog(service: Conversations) -> None:
    await _place(service, "fr", "fever/ask")
    outcome = await _say(service, "Arrête !")
    assert not outcome.messages[0].urgent
    loaded = await service.store.load(PSEUDONYM)
    assert loaded is not None and loaded[0].status == "stopped"


async def test_distress_gets_a_kind_answer_with_the_emergency_number(
    service: Conversations,
) -> None:
    await _place(service, "en", "fever/ask")
    outcome = await _say(service, "I can't cope any more")
    assert DEPLOYMENT.emergency_number in outcome.messages[0].text
    assert BACK_TOKEN in _tokens(outcome)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_settings_input_is_screened(service: Conversations, lang: str) -> None:
    for text in _corpus(lang, "urgent")[:5]:
        await _place(service, lang, "settings/ask_phone")
        outcome = await _say(service, text)
        assert outcome.messages[0].urgent, (lang, text)
    loaded = await service.store.load(PSEUDONYM)
    assert loaded is not None and "care_team_phone" not in loaded[1].profile


async def test_calm_messages_reach_the_dialog(service: Conversations) -> None:
    await _place(service, "en", "fever/ask")
    outcome = await _say(service, "37.2")
    assert not any(m.urgent for m in outcome.messages)
    loaded = await service.store.load(PSEUDONYM)
    assert loaded is not None and loaded[1].node != "fever/ask"
    assert loaded[1].profile.get("last_temperature") == 37.2


async def test_a_warning_sign_at_the_end_of_a_long_message_gets_the_urgent_answer(
    service: Conversations,
) -> None:
    await _place(service, "en", "prevention/hands", care_team_phone=CARE_TEAM)
    chatter = "We went to the park today and then to see her grandmother, who lives nearby. "
    text = chatter * 29 + "Now she has a fever of 39.5 and is hard to wake."
    assert len(text) > 2200
    outcome = await _say(service, text)
    assert outcome.messages[0].urgent, outcome.messages[0].text
    assert "112" in outcome.messages[0].text
    assert not any("too long" in m.text.lower() for m in outcome.messages)


async def test_a_long_ordinary_message_is_cut_for_the_dialog_and_the_person_told(
    service: Conversations,
) -> None:
    await _place(service, "en", "prevention/hands", care_team_phone=CARE_TEAM)
    text = "We went to the park today and then to the shops to buy some bread. " * 60
    outcome = await _say(service, text)
    english = service.dialogs.system["too_long"].source
    assert any(m.text == english for m in outcome.messages), [m.text for m in outcome.messages]
    assert not any(m.urgent for m in outcome.messages)
