"""Families of wordings found missing or misread in the en/es/fr blind tuning sets (issue 9).

Each test is written by hand for the concept, in English, Spanish and French (none copied from
a blind set), and checks both sides: the sign now gets the urgent answer, and the near-miss
next to it does not.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.normalize import fold
from bot.safety.temperature import TemperatureReader, TemperatureWords

# --- a number right before a "not before" word is that word's count -------------------------


def test_a_counted_unit_word_does_not_hide_the_reading_after_it() -> None:
    reader = TemperatureReader(TemperatureWords(not_before=["semaines "]))
    assert reader.readings(fold("bb 5 semaines 38,4")) == [38.4]
    # the word alone still labels the number after it (a week number, not a reading)
    assert reader.readings(fold("semaines 38,4")) == []


# --- pain around the bottom (perianal): a sign on its own, no "severe" needed ---------------


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load()


def _found(screener: Screener, text: str, lang: str) -> tuple[str, str] | None:
    found = screener.screen(text, lang, 38.0)
    return (found.kind, found.message_key) if found is not None else None


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("his bum is so sore he cries", "en"),
        ("she says it's painful to sit, it's around her bottom", "en"),
        ("sore bum and it hurts when he poos", "en"),
        ("le duelen las nalgas y no se puede sentar", "es"),
        ("tiene dolor alrededor del ano", "es"),
        ("mi hijo dice que le duele el culo", "es"),
        ("elle a mal aux fesses depuis ce matin", "fr"),
        ("douleur autour de l'anus, il ne peut plus s'asseoir", "fr"),
    ],
)
def test_pain_around_the_bottom_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert _found(screener, text, lang) == ("urgent", "urgent_sign")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the bottom of his foot is sore from his new shoes", "en"),
        ("pain at the bottom of her back after gym", "en"),
        ("hicimos cola una hora y le duele la espalda", "es"),
        ("il a mal derrière l'oreille", "fr"),
        # a question about it asks, it does not alarm
        ("what cream for a sore bum from nappy rash?", "en"),
    ],
)
def test_other_pains_and_questions_about_a_sore_bottom_do_not_alarm(
    screener: Screener, text: str, lang: str
) -> None:
    found = _found(screener, text, lang)
    assert found is None or found[0] != "urgent"


def test_pain_around_the_bottom_said_with_not_asks(screener: Screener) -> None:
    assert _found(screener, "no pain around his bottom any more", "en") != ("urgent", "urgent_sign")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("¿qué crema le pongo para el culito irritado que le duele?", "es"),
        ("quelle crème pour des fesses rouges qui lui font mal ?", "fr"),
    ],
)
def test_asking_which_cream_for_a_sore_bottom_asks(
    screener: Screener, text: str, lang: str
) -> None:
    assert _found(screener, text, lang) != ("urgent", "urgent_sign")
