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


# --- a young baby's age said as "<child> a/tiene # semaines/semanas" ------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("ma petite a 5 sem et elle est brûlante", "fr"),
        ("mon fils a 7 semaines et il a de la fièvre", "fr"),
        ("mi nena 6 semanas tiene fiebre", "es"),
        ("bb 2 meses con fiebre", "es"),
    ],
)
def test_a_young_baby_said_in_other_word_orders_gets_the_baby_answer(
    screener: Screener, text: str, lang: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", "urgent_baby")


@pytest.mark.parametrize(
    ("text", "lang"),
    [("mon fils a 5 mois et il a de la fièvre", "fr"), ("mi hijo 8 meses tiene fiebre", "es")],
)
def test_an_older_baby_with_a_fever_gets_the_fever_answer(
    screener: Screener, text: str, lang: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", "urgent_fever")


# --- "very unwell / not right" said with "at all" --------------------------------------------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("he's not right at all tonight", "en"),
        ("she is not well at all, not like herself", "en"),
        ("no está nada bien, lo veo raro", "es"),
        ("no se encuentra bien para nada", "es"),
        ("il ne va pas bien du tout ce soir", "fr"),
        ("elle n'est plus du tout elle-même", "fr"),
    ],
)
def test_not_well_at_all_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert _found(screener, text, lang) == ("urgent", "urgent_sign")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("he's fine, he doesn't seem unwell at all", "en"),
        ("no dormí nada bien anoche", "es"),
        ("la nuit ne s'est pas bien passée du tout", "fr"),
        ("il n'a pas mal du tout", "fr"),
    ],
)
def test_at_all_about_something_else_does_not_alarm(
    screener: Screener, text: str, lang: str
) -> None:
    found = _found(screener, text, lang)
    assert found is None or found[0] != "urgent"


# --- "what counts as a fever, 38 or 37.5?": a reading inside a question about the threshold --


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("what counts as a high temperature for him, 38 or 38.5?", "en"),
        ("at what temperature do we ring the ward, 38.2?", "en"),
        ("¿qué se considera fiebre, 38 o 38,5?", "es"),
        ("a partir de cuántos grados es fiebre, 38,2?", "es"),
        ("à partir de combien on appelle, 38 ou 38,5 ?", "fr"),
        ("qu'est-ce qui est considéré comme de la fièvre, 38,3 ?", "fr"),
    ],
)
def test_a_reading_in_a_question_about_the_threshold_asks(
    screener: Screener, text: str, lang: str
) -> None:
    assert _found(screener, text, lang) == ("confirm", "confirm_sign")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("what counts as a fever? he is 38.9 now", "en"),
        ("¿qué se considera fiebre? ahora tiene 38,9", "es"),
        ("qu'est-ce qui compte comme fièvre ? là il a 38,9", "fr"),
    ],
)
def test_a_reading_after_the_question_is_one_now(screener: Screener, text: str, lang: str) -> None:
    assert _found(screener, text, lang) == ("urgent", "urgent_fever")


# --- "hasn't stopped since last night" is not "over": the "not" cancels the stop word -------


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("la diarrhée ne s'arrête pas depuis hier, 7 fois ce matin", "fr"),
        ("il vomit, ça n'arrête pas depuis hier soir, 6 fois", "fr"),
        ("the diarrhoea hasn't stopped since yesterday, 9 times now", "en"),
    ],
)
def test_a_sign_that_has_not_stopped_since_yesterday_is_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", "urgent_sign")


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("mardi il avait 38,6, c'est passé depuis", "fr"),
        ("la diarrhée c'était lundi, ça s'est arrêté mardi", "fr"),
    ],
)
def test_a_sign_that_stopped_with_a_day_name_still_asks(
    screener: Screener, text: str, lang: str
) -> None:
    found = _found(screener, text, lang)
    assert found is None or found[0] != "urgent"
