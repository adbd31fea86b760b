"""Questions in the person's words through the conversation service: real dialogs, real
catalogs, real safety screen and a real SQLite store; what the log keeps of a miss."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.engine.engine import PAGE_TOKEN
from bot.safety import Screener
from bot.service import Conversations, Inbound, Outcome
from bot.store.pseudonym import Pseudonymizer
from tests.support.service import TEST_KEY, make_service

USER = "5150"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db", screener=Screener.load())
    yield svc
    await svc.close()


def typed(value: str) -> Inbound:
    return Inbound("test", USER, "text", value, language_code="en")


def press(outcome: Outcome, label: str) -> Inbound:
    for message in outcome.messages:
        for shown, data in message.buttons:
            if shown == label:
                return Inbound("test", USER, "choice", data, language_code="en")
    raise AssertionError(f"no button {label!r} in {[m.buttons for m in outcome.messages]}")


async def welcome(service: Conversations, consent: bool) -> Outcome:
    hello = await service.handle(Inbound("test", USER, "command", "start", language_code="en"))
    ask = await service.handle(press(hello, "Carry on"))
    answered = await service.handle(
        press(ask, "Yes, keep a record" if consent else "No, thank you")
    )
    return await service.handle(press(answered, "Not now"))


async def unanswered(service: Conversations) -> list[str | None]:
    rows = await service.store.transcript(Pseudonymizer(TEST_KEY).of("test", USER))
    return [r.text for r in rows if r.kind == "unanswered"]


async def test_a_question_gets_pages_and_a_page_opens(service: Conversations) -> None:
    await welcome(service, consent=True)
    found = await service.handle(typed("can my daughter go swimming in the pool?"))
    first = found.messages[0]
    assert first.text == "These pages may help:"
    assert any(data.startswith(PAGE_TOKEN) for _, data in first.buttons)
    page = await service.handle(press(found, "Swimming"))
    assert page.messages[0].text.startswith("Ask your team before swimming.")
    assert await unanswered(service) == []  # a good fit is not a miss


async def test_a_miss_is_logged_with_its_text_when_the_person_agreed(
    service: Conversations,
) -> None:
    await welcome(service, consent=True)
    miss = await service.handle(typed("how much is parking at the hospital"))
    assert "Ask your care team" in [label for m in miss.messages for label, _ in m.buttons]
    assert await unanswered(service) == ["how much is parking at the hospital"]
    team = await service.handle(press(miss, "Ask your care team"))
    assert team.messages[0].text.startswith("Your care team knows you best")


async def test_a_miss_is_logged_without_its_text_otherwise(service: Conversations) -> None:
    await welcome(service, consent=False)
    await service.handle(typed("how much is parking at the hospital"))
    assert await unanswered(service) == [None]
    rows = await service.store.transcript(Pseudonymizer(TEST_KEY).of("test", USER))
    assert all(r.text is None for r in rows)


async def test_a_greeting_gets_a_short_answer_in_the_persons_language(
    service: Conversations,
) -> None:
    await service.set_locale("test", USER, "fr")
    await service.handle(Inbound("test", USER, "command", "menu"))
    hello = await service.handle(Inbound("test", USER, "text", "Bonjour !"))
    texts = [m.text for m in hello.messages]
    assert "Bonjour ! Vous pouvez écrire une question avec vos propres mots" in "\n".join(texts)
    assert await unanswered(service) == []


async def test_the_safety_screen_reads_a_question_first(service: Conversations) -> None:
    await welcome(service, consent=True)
    urgent = await service.handle(typed("can she go swimming, she has a fever of 39"))
    assert urgent.messages[0].urgent
    assert not any(data.startswith(PAGE_TOKEN) for m in urgent.messages for _, data in m.buttons)


async def test_buttons_that_share_a_name_say_which_page_they_open(
    service: Conversations,
) -> None:
    await welcome(service, consent=True)
    found = await service.handle(typed("is severe congenital neutropenia inherited"))
    labels = [shown for message in found.messages for shown, _ in message.buttons]
    # the condition page and the inheritance page are both "Severe congenital neutropenia"
    assert "Severe congenital neutropenia · Is it inherited?" in labels, labels
    assert len(set(labels)) == len(labels)
    page = await service.handle(press(found, "Severe congenital neutropenia · Is it inherited?"))
    assert page.messages
