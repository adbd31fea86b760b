"""The temperature diary, the emergency card and poster deep links, through the real service
on SQLite and PostgreSQL (store_url), the real catalogs and the real safety screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot import diary
from bot.config import Deployment
from bot.engine import Session
from bot.safety import Screener
from bot.service import DIARY_SAVE, Conversations, Inbound, Outcome
from tests.support.service import Clock, make_service

#: Each test opens the safety screen and draws PNG and PDF files: seconds, not milliseconds.
pytestmark = pytest.mark.slow

USER = "4711"
DAY = 24 * 3600


class Person:
    def __init__(self, service: Conversations, language: str = "en") -> None:
        self.service = service
        self.language = language

    async def __call__(self, kind: str, value: str, argument: str = "") -> Outcome:
        return await self.service.handle(
            Inbound("telegram", USER, kind, value, argument, language_code=self.language)  # type: ignore[arg-type]
        )


@pytest.fixture
async def world(store_url: str, tmp_path: Path) -> AsyncIterator[tuple[Conversations, Clock]]:
    clock = Clock(1_800_000_000.0)
    service = await make_service(
        tmp_path / "unused.db",
        screener=Screener.load(),
        clock=clock,
        database_url=store_url,
        deployment=Deployment(timezone="Europe/Berlin"),
    )
    try:
        yield service, clock
    finally:
        await service.close()


def buttons(outcome: Outcome) -> list[str]:
    return [data for m in outcome.messages for _, data in m.buttons]


async def _profile(service: Conversations) -> dict[str, object]:
    pseudonym = service.pseudonyms.of("telegram", USER)
    async with service.store.turn(pseudonym) as stored:
        loaded = await stored.load()
    assert loaded is not None
    return dict(loaded[1].profile)


async def test_a_reading_is_saved_once_with_its_unit_and_shown_in_the_diary(
    world: tuple[Conversations, Clock],
) -> None:
    service, clock = world
    say = Person(service)
    await say("command", "start", "fever")
    answered = await say("text", "99.5F")
    assert DIARY_SAVE in buttons(answered)
    saved = await say("choice", DIARY_SAVE)
    assert "99.5 °F" in saved.messages[0].text
    again = await say("choice", DIARY_SAVE)  # the same button twice: nothing saved twice
    assert again.stale
    readings = diary.saved(await _profile(service))
    assert [(r.typed, r.unit, r.celsius) for r in readings] == [(99.5, "F", 37.5)]

    clock.now += 3600
    shown = await say("command", "diary")
    photo = shown.messages[0].attachment
    assert photo is not None and photo.kind == "photo"
    assert photo.content.startswith(b"\x89PNG")
    assert photo.spec["unit"] == "F" and photo.spec["threshold"] == 100.4
    assert "99.5 °F" in shown.messages[1].text


async def test_a_high_reading_gets_call_now_first_and_again_when_saved(
    world: tuple[Conversations, Clock],
) -> None:
    service, _ = world
    say = Person(service)
    await say("command", "start", "fever")
    answered = await say("text", "38.6")
    assert answered.messages[0].urgent
    assert DIARY_SAVE in buttons(answered)
    saved = await say("choice", DIARY_SAVE)
    assert saved.messages[0].urgent, "the urgent answer comes before 'Saved'"
    assert "38.6" in saved.messages[1].text
    assert [r.celsius for r in diary.saved(await _profile(service))] == [38.6]


async def test_diary_shows_only_the_last_14_days_in_the_persons_locale(
    world: tuple[Conversations, Clock],
) -> None:
    service, clock = world
    say = Person(service, "de")
    for typed in ("37,2", "37,9"):
        await say("command", "start", "fever")
        await say("text", typed)
        await say("choice", DIARY_SAVE)
        clock.now += 10 * DAY
    shown = await say("command", "diary")
    assert "37,9 °C" in shown.messages[1].text and "37,2" not in shown.messages[1].text
    assert shown.messages[0].attachment is not None
    assert shown.messages[0].attachment.spec["locale"] == "de"
    empty = await Person(service, "de")("command", "start")
    assert empty.messages


async def test_diary_without_readings_says_how_to_save_one(
    world: tuple[Conversations, Clock],
) -> None:
    service, _ = world
    shown = await Person(service)("command", "diary")
    assert all(m.attachment is None for m in shown.messages)
    assert "Save this reading" in shown.messages[0].text


async def test_forget_removes_the_diary(world: tuple[Conversations, Clock]) -> None:
    service, _ = world
    say = Person(service)
    await say("command", "start", "fever")
    await say("text", "37.4")
    await say("choice", DIARY_SAVE)
    assert diary.saved(await _profile(service))
    await say("command", "forget")
    await say("choice", "s.forget.yes")
    pseudonym = service.pseudonyms.of("telegram", USER)
    async with service.store.turn(pseudonym) as stored:
        assert await stored.load() is None


async def test_card_in_arabic_and_english_as_picture_and_pdf(
    world: tuple[Conversations, Clock],
) -> None:
    service, _ = world
    say = Person(service, "ar")
    await say("command", "start")
    shown = await say("command", "card")
    photo, pdf = (m.attachment for m in shown.messages[-2:])
    assert photo is not None and photo.kind == "photo" and photo.content[:4] == b"\x89PNG"
    assert pdf is not None and pdf.kind == "document" and pdf.content[:5] == b"%PDF-"
    arabic, english = photo.spec["sections"]
    assert arabic["rtl"] and not english["rtl"]
    assert "NeutroGuide" in arabic["note"], "the team translation is labelled"
    assert english["paragraphs"][0] == "This person has neutropenia (a low neutrophil count)."
    assert "within 1 hour" in english["paragraphs"][1]
    assert "NICE CG151" in photo.spec["source"]
    assert "____" in english["team"]  # no number saved: a line to write it on


async def test_card_carries_the_condition_and_the_care_team_number(
    world: tuple[Conversations, Clock],
) -> None:
    service, _ = world
    say = Person(service)
    pseudonym = service.pseudonyms.of("telegram", USER)
    await say("command", "start")
    async with service.store.turn(pseudonym) as stored:
        loaded = await stored.load()
        assert loaded is not None
        person, session = loaded
        profile = {**session.profile, "condition": "ain", "care_team_phone": "+44 20 7946 0000"}
        from dataclasses import replace

        await stored.commit(person, replace(session, profile=profile), (), None)
    shown = await say("command", "card")
    (section,) = shown.messages[-2].attachment.spec["sections"]  # type: ignore[union-attr]
    assert "Autoimmune neutropenia (AIN)" in section["paragraphs"][0]
    assert section["team"] == "Care team: +44 20 7946 0000"


async def test_start_payload_opens_the_topic_in_that_language(
    world: tuple[Conversations, Clock],
) -> None:
    service, _ = world
    opened = await Person(service, "en")("command", "start", "fever_ar")
    assert opened.locale == "ar"
    assert service.start_link("fever", "ar") == "fever_ar"
    plain = await Person(service, "en")("command", "start", "fever")
    assert plain.messages[-1].text == opened.messages[-1].text
    with pytest.raises(ValueError, match="no topic"):
        service.start_link("nope", "de")
    with pytest.raises(ValueError, match="no language"):
        service.start_link("fever", "xx")
    odd = await Person(service, "en")("command", "start", "fever_ar; drop" + "x" * 80)
    assert odd.messages  # a payload Telegram would not send: the ordinary start


async def test_a_stored_answer_draws_the_same_file_again(
    world: tuple[Conversations, Clock],
) -> None:
    from bot.service import _from_payload, _payload

    service, _ = world
    shown = await Person(service)("command", "card")
    again = await service._draw(_from_payload(_payload(shown)))
    assert [m.attachment.content for m in again.messages if m.attachment] == [
        m.attachment.content for m in shown.messages if m.attachment
    ]


def test_a_phone_number_stays_left_to_right_on_an_arabic_card() -> None:
    from bot import family

    def say(key: str, locale: str, /, **params: object) -> str:
        return f"{locale}:{key}:{params.get('care_team_phone', '')}"

    card = family.card(say, "ar", lambda _: None, "+44 20 7946 0000", "note")
    arabic, english = card.sections
    assert arabic.team == "ar:card_team:\u2066+44 20 7946 0000\u2069"
    assert english.team == "en:card_team:+44 20 7946 0000"


async def test_every_topic_has_a_link_telegram_accepts_in_every_language(
    world: tuple[Conversations, Clock],
) -> None:
    import re

    service, _ = world
    allowed = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
    for topic, dialog in service.dialogs.dialogs.items():
        for lang in service.locales():
            payload = service.start_link(topic, lang)
            assert allowed.match(payload), payload
        opened = await Person(service, "de")("command", "start", f"{topic}_pl")
        assert opened.locale == "pl"
        first = service.renderer.render(service.engine.current(Session(node=dialog.start))[0], "pl")
        assert any(m.text == first.text for m in opened.messages), topic
    docs = (Path(__file__).parents[1] / "docs" / "deploying.md").read_text(encoding="utf-8")
    for topic in service.dialogs.dialogs:
        assert f"?start={topic}_ar" in docs, f"docs/deploying.md lacks the links of {topic}"


async def test_a_babys_reading_of_38_gets_the_emergency_answer_when_saved(
    world: tuple[Conversations, Clock],
) -> None:
    service, _ = world
    say = Person(service)
    pseudonym = service.pseudonyms.of("telegram", USER)
    await say("command", "start", "fever")
    async with service.store.turn(pseudonym) as stored:
        loaded = await stored.load()
        assert loaded is not None
        person, session = loaded
        from dataclasses import replace

        profile = {**session.profile, "age_group": "baby", "fever_threshold": 38.5}
        await stored.commit(person, replace(session, profile=profile), (), None)
    answered = await say("text", "38.2")
    assert DIARY_SAVE in buttons(answered)
    saved = await say("choice", DIARY_SAVE)
    assert saved.messages[0].urgent
    assert saved.messages[0].text.startswith("Call 999 now.")  # the emergency number first
    assert "baby" in saved.messages[0].text


async def test_a_spec_that_cannot_be_drawn_is_dropped_and_logged_without_its_values(
    world: tuple[Conversations, Clock], caplog: pytest.LogCaptureFixture
) -> None:
    from bot.service import Attachment, Outbound

    service, _ = world
    broken = Attachment("photo", "x.png", {"type": "diary", "points": [[1, "38.7 secret"]]})
    outcome = Outcome((Outbound("caption", attachment=broken),))
    drawn = await service._draw(outcome)
    assert drawn.messages[0].attachment is None and drawn.messages[0].text == "caption"
    assert "secret" not in caplog.text and "38.7" not in caplog.text
    assert "could not be drawn" in caplog.text
