""" "Ask a nurse" through the service: consent, relay, hours, safety first, replies, /forget."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.config import Deployment
from bot.safety import Screener
from bot.service import Conversations, Inbound, Outcome
from bot.store.pseudonym import Pseudonymizer
from tests.support.service import TEST_KEY, Clock, make_service

USER = "4242"
GROUP = "-1001234567890"
PSEUDONYM = Pseudonymizer(TEST_KEY).of("test", USER)
LONDON = ZoneInfo("Europe/London")
#: Friday 4 December 2026, 10:00 in London: the nurses are at work.
OPEN = dt.datetime(2026, 12, 4, 10, 0, tzinfo=LONDON).timestamp()
#: The same Friday at 19:30: they are back on Monday at 09:00.
CLOSED = dt.datetime(2026, 12, 4, 19, 30, tzinfo=LONDON).timestamp()
NURSES = Deployment(
    emergency_number="112",
    urgent_advice_number="116117",
    nurse_group=GROUP,
    timezone="Europe/London",
)


@pytest.fixture
def clock() -> Clock:
    return Clock(OPEN)


@pytest.fixture
async def service(tmp_path: Path, clock: Clock) -> AsyncIterator[Conversations]:
    svc = await make_service(
        tmp_path / "bot.db", screener=Screener.load(), clock=clock, deployment=NURSES
    )
    yield svc
    await svc.close()


@pytest.fixture
async def on_any_store(
    tmp_path: Path, clock: Clock, upgraded_url: str
) -> AsyncIterator[Conversations]:
    """The service on SQLite and on PostgreSQL (the staff turn takes the person's lock)."""
    svc = await make_service(
        tmp_path / "unused.db",
        screener=Screener.load(),
        clock=clock,
        deployment=NURSES,
        database_url=upgraded_url,
    )
    yield svc
    await svc.close()


def texts(outcome: Outcome) -> list[str]:
    return [m.text for m in outcome.messages]


def labels(outcome: Outcome) -> list[str]:
    return [label for m in outcome.messages for label, _ in m.buttons]


async def press(svc: Conversations, outcome: Outcome, label: str) -> Outcome:
    for message in outcome.messages:
        for shown, data in message.buttons:
            if shown == label:
                return await svc.handle(Inbound("test", USER, "choice", data))
    raise AssertionError(f"no button {label!r} in {labels(outcome)}")


async def say(svc: Conversations, value: str, input_id: str | None = None) -> Outcome:
    return await svc.handle(Inbound("test", USER, "text", value, input_id=input_id))


async def at_the_question(svc: Conversations) -> Outcome:
    """From /menu through the consent step to the nurses' question."""
    menu = await svc.handle(Inbound("test", USER, "command", "menu"))
    consent = await press(svc, menu, "Ask a nurse")
    assert "They see a code for this chat, not your name" in " ".join(texts(consent))
    assert labels(consent) == ["Yes, ask a nurse", "No, back to the menu"]
    asked = await press(svc, consent, "Yes, ask a nurse")
    assert texts(asked)[-1] == "Type your question for the nurses in one message."
    assert asked.relay is None
    return asked


async def test_without_a_nurses_group_the_menu_has_no_nurse(tmp_path: Path) -> None:
    svc = await make_service(tmp_path / "bot.db", deployment=Deployment())
    try:
        menu = await svc.handle(Inbound("test", USER, "command", "menu"))
        assert "Ask a nurse" not in labels(menu)
        deep_link = await svc.handle(Inbound("test", USER, "command", "start", argument="nurse"))
        assert "There is no nurse to ask in this guide." in texts(deep_link)[0]
    finally:
        await svc.close()


async def test_a_question_in_hours_is_relayed_and_logged(service: Conversations) -> None:
    await at_the_question(service)
    sent = await say(service, "Can she go to nursery with a count of 0.8?")
    assert sent.relay is not None
    assert sent.relay.title == f"Family {PSEUDONYM[:8]}"
    assert sent.relay.text == (
        f"Family {PSEUDONYM[:8]} (en) writes:\n\nCan she go to nursery with a count of 0.8?"
    )
    assert USER not in sent.relay.text + sent.relay.title
    assert texts(sent)[0].startswith("Your message is with the nurses.")
    assert "112" in texts(sent)[0]
    assert texts(sent)[-1] == "You can write more for the nurses here, or go back to the menu."
    assert labels(sent) == ["Back to the menu"]
    # More text goes on to the nurses too.
    again = await say(service, "And swimming?")
    assert again.relay is not None and again.relay.text.endswith("And swimming?")
    rows = await service.store.transcript(PSEUDONYM)
    assert [r.kind for r in rows].count("relay") == 2
    # The question is relayed, never kept in the profile.
    loaded = await service.store.load(PSEUDONYM)
    assert loaded is not None and "nurse_question" not in loaded[1].profile
    assert loaded[1].profile.get("nurse_consent") is True


async def test_the_consent_is_asked_once(service: Conversations) -> None:
    await at_the_question(service)
    menu = await service.handle(Inbound("test", USER, "command", "menu"))
    straight = await press(service, menu, "Ask a nurse")
    assert texts(straight) == ["Type your question for the nurses in one message."]


async def test_saying_no_sends_nothing(service: Conversations) -> None:
    menu = await service.handle(Inbound("test", USER, "command", "menu"))
    consent = await press(service, menu, "Ask a nurse")
    back = await press(service, consent, "No, back to the menu")
    assert back.relay is None and "Ask a nurse" in labels(back)
    typed = await say(service, "my question")
    assert typed.relay is None


async def test_out_of_hours_says_when_and_gives_the_numbers(
    service: Conversations, clock: Clock
) -> None:
    await at_the_question(service)
    clock.now = CLOSED
    sent = await say(service, "Can we fly to Spain next month?")
    assert sent.relay is not None
    closed = texts(sent)[0]
    assert closed.startswith("The nurses are not at work now.")
    assert "Mon, Dec 7 9:00\u202fAM (Greenwich Mean Time)" in closed
    assert "116117" in closed and "112" in closed


async def test_the_hours_message_is_in_the_persons_language(
    service: Conversations, clock: Clock
) -> None:
    await service.handle(Inbound("test", USER, "choice", "l.de"))
    menu = await service.handle(Inbound("test", USER, "command", "menu"))
    ask = "Eine Pflegekraft fragen"
    button = next(d for m in menu.messages for label, d in m.buttons if label == ask)
    consent = await service.handle(Inbound("test", USER, "choice", button))
    yes = consent.messages[-1].buttons[0][1]
    await service.handle(Inbound("test", USER, "choice", yes))
    clock.now = CLOSED
    sent = await say(service, "Darf sie schwimmen?")
    assert "Mo., 7. Dez. 09:00 (Mittlere Greenwich-Zeit)" in texts(sent)[0]
    assert sent.relay is not None and "(de)" in sent.relay.text  # the nurses read English


async def test_an_urgent_question_gets_the_urgent_answer_first_and_is_relayed(
    service: Conversations,
) -> None:
    await at_the_question(service)
    sent = await say(service, "She has a temperature of 39.1 and is shivering")
    assert sent.messages[0].urgent
    assert "112" in sent.messages[0].text
    assert sent.relay is not None
    assert "The bot gave them the urgent answer (" in sent.relay.text
    assert sent.relay.text.endswith("She has a temperature of 39.1 and is shivering")
    assert any(t.startswith("Your message is with the nurses.") for t in texts(sent)[1:])
    assert sent.operator_notice is not None  # the red-flag notice goes out as before
    rows = await service.store.transcript(PSEUDONYM)
    relay = next(r for r in rows if r.kind == "relay")
    assert relay.rule is not None


async def test_a_question_after_a_long_pause_is_not_held_back(
    service: Conversations, clock: Clock
) -> None:
    await at_the_question(service)
    clock.now += 2 * 24 * 3600  # well past idle_resume_hours
    sent = await say(service, "Are we still OK to travel?")
    assert sent.relay is not None
    assert not any("carry on" in t for t in texts(sent))


async def test_a_nurses_reply_reaches_the_person_marked_as_staff(
    on_any_store: Conversations,
) -> None:
    service = on_any_store
    await at_the_question(service)
    await say(service, "Can she go to nursery?")
    thread = await service.nurse_topic_opened("test", USER, 77)
    assert thread == 77 and await service.nurse_topic("test", USER) == 77
    reply = await service.staff_reply(77, "Yes, if she feels well. Ask at clinic too.", "tg:1")
    assert reply is not None and reply.user_id == USER
    assert texts(reply.outcome) == [
        "From the care team's staff:\n\nYes, if she feels well. Ask at clinic too."
    ]
    assert reply.outcome.delivery is not None
    rows = await service.store.transcript(PSEUDONYM)
    staff = [r for r in rows if r.kind == "staff"]
    assert len(staff) == 1 and staff[0].text is None  # no log consent given in this walk
    # The same update again: the stored answer while unconfirmed, then nothing.
    replay = await service.staff_reply(77, "Yes, if she feels well. Ask at clinic too.", "tg:1")
    assert replay is not None and replay.outcome.replay
    await service.delivered(reply.outcome.delivery)
    duplicate = await service.staff_reply(77, "Yes, if she feels well.", "tg:1")
    assert duplicate is not None and duplicate.outcome.duplicate
    assert await service.staff_reply(78, "someone else's topic", "tg:2") is None


async def test_a_stopped_person_gets_no_reply(service: Conversations) -> None:
    await at_the_question(service)
    await say(service, "question")
    await service.nurse_topic_opened("test", USER, 5)
    await service.handle(Inbound("test", USER, "command", "stop"))
    reply = await service.staff_reply(5, "answer", "tg:9")
    assert reply is not None and reply.user_id is None and reply.outcome.messages == ()


async def test_forget_removes_the_topic_and_says_which_one(on_any_store: Conversations) -> None:
    service = on_any_store
    await at_the_question(service)
    await say(service, "question")
    await service.nurse_topic_opened("test", USER, 31)
    prompt = await service.handle(Inbound("test", USER, "command", "forget"))
    done = await press(service, prompt, "Yes, delete it")
    assert done.topic_gone == 31
    assert await service.nurse_topic("test", USER) is None
    assert await service.staff_reply(31, "answer", "tg:3") is None
    assert (await service.store.table_counts())["nurse_topics"] == 0


async def test_the_nurses_texts_carry_the_deployment_numbers(service: Conversations) -> None:
    unreachable = service.nurse_text("nurse_unreachable", "en")
    assert "116117" in unreachable and "112" in unreachable
    assert service.nurse_text("nurse_not_delivered").startswith("Not delivered")
