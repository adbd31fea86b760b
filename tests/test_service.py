"""The conversation service over a real SQLite store, with the small test dialog set."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest

from bot.config import Deployment
from bot.safety import Screener
from bot.service import Conversations, Inbound, Outcome
from bot.store.pseudonym import Pseudonymizer
from tests.support.content import good_dialogs
from tests.support.service import TEST_KEY, Clock, make_service

USER = "4242"


@pytest.fixture
async def service(tmp_path: Path) -> AsyncIterator[Conversations]:
    svc = await make_service(tmp_path / "bot.db", dialogs_dir=good_dialogs(tmp_path / "d"))
    yield svc
    await svc.close()


def text(channel_user: str, value: str, input_id: str | None = None) -> Inbound:
    return Inbound("test", channel_user, "text", value, input_id=input_id)


def press(outcome: Outcome, label: str, input_id: str | None = None) -> Inbound:
    for message in outcome.messages:
        for shown, data in message.buttons:
            if shown == label:
                return Inbound("test", USER, "choice", data, input_id=input_id)
    raise AssertionError(f"no button {label!r} in {outcome.messages}")


async def test_walk_and_resume_after_restart(tmp_path: Path) -> None:
    dialogs = good_dialogs(tmp_path / "d")
    svc = await make_service(tmp_path / "bot.db", dialogs_dir=dialogs)
    hello = await svc.handle(Inbound("test", USER, "command", "start"))
    assert hello.messages[0].text == "Hello. Who is this for?"
    menu = await svc.handle(press(hello, "A child"))
    check = await svc.handle(press(menu, "Check"))
    assert check.messages[-1].text == "Type a temperature."
    await svc.close()
    again = await make_service(tmp_path / "bot.db", dialogs_dir=dialogs)
    resumed = await again.resume("test", USER)
    assert resumed.messages[-1].text == "Type a temperature."
    calm = await again.handle(text(USER, "37,2"))
    assert calm.messages[0].text == "Check again later. Your last reading was 37.2 °C."
    await again.close()


async def test_redelivered_input_is_not_applied_twice(service: Conversations) -> None:
    hello = await service.handle(Inbound("test", USER, "command", "start", input_id="u1"))
    first = await service.handle(press(hello, "Skip", input_id="u2"))
    assert not first.duplicate and first.delivery is not None
    unconfirmed = await service.handle(press(hello, "Skip", input_id="u2"))
    assert unconfirmed.replay and unconfirmed.messages == first.messages
    await service.delivered(first.delivery)
    again = await service.handle(press(hello, "Skip", input_id="u2"))
    assert again.duplicate and again.messages == ()
    pseudonym = Pseudonymizer(TEST_KEY).of("test", USER)
    rows = await service.store.transcript(pseudonym)
    assert sum(1 for r in rows if r.direction == "in" and r.kind == "choice") == 1


async def test_concurrent_duplicates_apply_once(service: Conversations) -> None:
    await service.handle(Inbound("test", USER, "command", "start", input_id="c0"))
    dupes = [Inbound("test", USER, "command", "menu", input_id="c1") for _ in range(5)]
    outcomes = await asyncio.gather(*(service.handle(i) for i in dupes))
    applied = [o for o in outcomes if not o.replay]
    assert len(applied) == 1 and not applied[0].duplicate
    # The others replay the same stored answer: it was not confirmed sent yet.
    assert all(o.replay and o.messages == applied[0].messages for o in outcomes if o.replay)


async def test_stale_button_changes_nothing(service: Conversations) -> None:
    hello = await service.handle(Inbound("test", USER, "command", "start"))
    await service.handle(press(hello, "Skip"))
    stale = await service.handle(press(hello, "A child"))
    assert stale.stale
    assert stale.messages[0].text.startswith("That menu has moved on")
    assert stale.notice == stale.messages[0].text
    loaded = await service.store.load(Pseudonymizer(TEST_KEY).of("test", USER))
    assert loaded is not None and "age_group" not in loaded[1].profile


async def test_typed_label_counts_as_press(service: Conversations) -> None:
    hello = await service.handle(Inbound("test", USER, "command", "start"))
    assert hello.messages
    menu = await service.handle(text(USER, "skip"))
    assert menu.messages[-1].text == "Pick one."


async def test_flag_and_unanswered_are_logged(service: Conversations) -> None:
    await service.handle(Inbound("test", USER, "command", "menu"))
    await service.handle(text(USER, "what about ice cream"))
    menu = await service.handle(Inbound("test", USER, "command", "menu"))
    await service.handle(press(menu, "Check"))
    urgent = await service.handle(text(USER, "38.6"))
    assert urgent.messages[0].text == "Call 999 now."
    rows = await service.store.transcript(Pseudonymizer(TEST_KEY).of("test", USER))
    kinds = [(r.kind, r.flag) for r in rows]
    assert ("unanswered", None) in kinds
    assert ("flag", "red") in kinds


async def test_no_text_is_logged_without_consent(service: Conversations) -> None:
    await service.handle(Inbound("test", USER, "command", "menu"))
    await service.handle(text(USER, "my private question"))
    rows = await service.store.transcript(Pseudonymizer(TEST_KEY).of("test", USER))
    assert all(r.text is None for r in rows)


async def test_forget_removes_everything(service: Conversations) -> None:
    await service.handle(Inbound("test", USER, "command", "start", input_id="f1"))
    ask = await service.handle(Inbound("test", USER, "command", "forget", input_id="f2"))
    done = await service.handle(press(ask, "Yes, delete it", input_id="f3"))
    assert done.messages[0].text.startswith("Done. I have deleted everything")
    pseudonym = Pseudonymizer(TEST_KEY).of("test", USER)
    assert await service.store.load(pseudonym) is None
    assert await service.store.transcript(pseudonym) == []
    assert not await service.store.is_processed("f1")


async def test_media_gets_a_calm_reply(service: Conversations) -> None:
    await service.handle(Inbound("test", USER, "command", "menu"))
    outcome = await service.handle(Inbound("test", USER, "media", "sticker"))
    assert outcome.messages[0].text.startswith("I can only read text and buttons")
    assert outcome.messages[-1].text == "Pick one."


async def test_very_long_message_is_answered(service: Conversations) -> None:
    await service.handle(Inbound("test", USER, "command", "menu"))
    outcome = await service.handle(text(USER, "ä" * 5000))
    assert outcome.messages[0].text.startswith("That is a long message")


async def test_idle_person_is_asked_to_continue(tmp_path: Path) -> None:
    clock = Clock()
    svc = await make_service(
        tmp_path / "b.db", dialogs_dir=good_dialogs(tmp_path / "d"), clock=clock
    )
    menu = await svc.handle(Inbound("test", USER, "command", "menu"))
    await svc.handle(press(menu, "Check"))
    clock.now += 13 * 3600
    prompt = await svc.handle(text(USER, "37"))
    assert prompt.messages[0].text.startswith("Welcome back")
    assert [b[0] for b in prompt.messages[0].buttons] == ["Carry on", "Start again"]
    await svc.close()


async def test_people_are_served_concurrently_but_one_at_a_time_each(
    service: Conversations,
) -> None:
    users = [str(1000 + i) for i in range(20)]
    outcomes = await asyncio.gather(
        *(service.handle(Inbound("test", u, "command", "start", input_id=f"s{u}")) for u in users)
    )
    assert all(o.messages[0].text == "Hello. Who is this for?" for o in outcomes)
    assert len(service._locks) == 0


async def test_screen_reads_context_of_the_question(tmp_path: Path) -> None:
    """A threshold or blood count typed as a bare number is an answer, not a fever report."""
    svc = await make_service(tmp_path / "s.db", screener=Screener.load())
    try:

        async def at(node: str) -> None:
            pseudonym = Pseudonymizer(TEST_KEY).of("test", USER)
            loaded = await svc.store.load(pseudonym)
            assert loaded is not None
            person, session = loaded
            await svc.store.commit(person, replace(session, node=node, waiting=None), (), None)

        await svc.handle(Inbound("test", USER, "command", "menu"))
        await at("settings/ask_threshold")
        answer = await svc.handle(text(USER, "38"))
        assert not any(m.urgent for m in answer.messages)
        await at("blood_count/ask_ul")
        answer = await svc.handle(text(USER, "40"))
        assert not any(m.urgent for m in answer.messages)
        # a sentence about a fever is still screened at the same question
        await at("blood_count/ask_ul")
        answer = await svc.handle(text(USER, "he has a fever of 39"))
        assert any(m.urgent for m in answer.messages)
        # at the fever check a bare reading over the threshold gets the urgent answer
        await at("fever/ask")
        answer = await svc.handle(text(USER, "38"))
        assert answer.messages[0].urgent
    finally:
        await svc.close()


async def test_a_high_threshold_is_checked_before_the_screen_uses_it(tmp_path: Path) -> None:
    svc = await make_service(tmp_path / "t.db", screener=Screener.load())
    pseudonym = Pseudonymizer(TEST_KEY).of("test", USER)

    async def at(node: str) -> None:
        loaded = await svc.store.load(pseudonym)
        assert loaded is not None
        person, session = loaded
        await svc.store.commit(person, replace(session, node=node, waiting=None), (), None)

    try:
        await svc.handle(Inbound("test", USER, "command", "menu"))
        await at("settings/ask_threshold")
        asked = await svc.handle(text(USER, "38.4"))
        assert not any(m.urgent for m in asked.messages)  # a plan's number, not a reading
        assert "Does your written plan really say 38.4 °C?" in asked.messages[-1].text
        await at("fever/ask")
        before = await svc.handle(text(USER, "38.2"))
        assert before.messages[0].urgent  # not confirmed yet: the default 38.0 still counts
        await at("settings/ask_threshold")
        asked = await svc.handle(text(USER, "101.1F"))
        kept = await svc.handle(press(asked, "Yes, my plan says that"))
        assert "I will use 38.4 °C" in kept.messages[0].text
        await at("fever/ask")
        below = await svc.handle(text(USER, "38.2"))
        assert not any(m.urgent for m in below.messages)
        await at("fever/ask")
        above = await svc.handle(text(USER, "38.4"))
        assert above.messages[0].urgent
    finally:
        await svc.close()


async def test_unchecked_translation_is_said_once_and_again_in_about(tmp_path: Path) -> None:
    svc = await make_service(tmp_path / "u.db")
    try:
        first = await svc.handle(Inbound("test", USER, "command", "start", language_code="de-AT"))
        notice = svc.renderer.text(svc.dialogs.system["translation_unchecked"], "de")
        assert notice != svc.dialogs.system["translation_unchecked"].source  # it is translated
        assert first.messages[0].text == notice
        menu = await svc.handle(Inbound("test", USER, "command", "menu", language_code="de-AT"))
        assert all(m.text != notice for m in menu.messages)
        about = await svc.handle(Inbound("test", USER, "command", "about", language_code="de"))
        assert any(m.text == notice for m in about.messages)
        english = await svc.handle(Inbound("test", "77", "command", "start", language_code="en"))
        assert all("professional medical translator" not in m.text for m in english.messages)
    finally:
        await svc.close()


async def test_us_english_sees_fahrenheit_beside_celsius(tmp_path: Path) -> None:
    svc = await make_service(tmp_path / "f.db")
    try:
        await svc.handle(Inbound("test", USER, "command", "menu", language_code="en-US"))
        out = await svc.handle(Inbound("test", USER, "text", "37.2", language_code="en-US"))
        joined = "\n".join(m.text for m in out.messages)
        assert "°F" in joined and "°C" in joined
    finally:
        await svc.close()


async def test_missing_translation_falls_back_and_is_logged_for_operators(tmp_path: Path) -> None:
    """The test dialogs have no translations at all: German speakers see English, counted."""
    svc = await make_service(tmp_path / "g.db", dialogs_dir=good_dialogs(tmp_path / "d"))
    try:
        menu = await svc.handle(Inbound("test", USER, "command", "menu", language_code="de"))
        assert menu.messages[-1].text == "Pick one."
        assert svc.catalogs.fallbacks["de"] >= 1
        rows = await svc.store.transcript(Pseudonymizer(TEST_KEY).of("test", USER))
        fallbacks = [r for r in rows if r.kind == "fallback"]
        assert fallbacks and fallbacks[0].rule == "de"
        assert fallbacks[0].message_id is not None
        assert fallbacks[0].message_id.startswith("menu/main#")
        assert (await svc.store.stats())["fallbacks"] >= 1
    finally:
        await svc.close()


async def test_processed_ids_are_pruned_after_two_days(tmp_path: Path) -> None:
    clock = Clock(time.time())  # the store stamps processed ids with the real clock
    svc = await make_service(
        tmp_path / "p.db", dialogs_dir=good_dialogs(tmp_path / "d"), clock=clock
    )
    try:
        await svc.handle(Inbound("test", USER, "command", "menu", input_id="old"))
        clock.now += 3 * 24 * 3600
        await svc.handle(Inbound("test", USER, "command", "menu", input_id="new"))
        assert not await svc.store.is_processed("old")
        assert await svc.store.is_processed("new")
    finally:
        await svc.close()


async def test_operator_notice_links_to_the_review_queue_when_its_address_is_set(
    tmp_path: Path,
) -> None:
    screener = Screener.load()
    plain = await make_service(tmp_path / "plain.db", screener=screener)
    linked = await make_service(
        tmp_path / "linked.db",
        screener=screener,
        deployment=Deployment(review_url="https://ops.example.org/review/"),
    )
    try:
        notices = []
        for svc in (plain, linked):
            await svc.handle(Inbound("test", USER, "command", "menu", language_code="en"))
            out = await svc.handle(Inbound("test", USER, "text", "my child has a fever of 39.5"))
            notices.append(out.operator_notice or "")
        pseudonym = linked.pseudonyms.of("test", USER)
        assert "neutroguide logs show" in notices[0]
        assert notices[1].endswith("red-flag queue: https://ops.example.org/review/flags")
        assert pseudonym in notices[1] and "39.5" not in notices[1]
    finally:
        await plain.close()
        await linked.close()
