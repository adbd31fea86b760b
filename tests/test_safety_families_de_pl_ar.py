"""Families of wording tuned for German, Polish and Arabic (docs/safety.md, 2026-12-07).

Each family is checked in both directions with sentences written here, none copied from a
blind set: the sign happening now gets the urgent answer, the near miss does not.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load()


def _found(screener: Screener, text: str, lang: str) -> tuple[str | None, str | None]:
    found = screener.screen(text, lang, 38.0)
    return (found.kind, found.message_key) if found is not None else (None, None)


# Arabic dialect and Arabizi wordings of signs happening now.
URGENT = [
    # bleeding that does not stop, in Arabizi
    ("el nazif mn ideha ma bi2af mn sa3a", "ar", "urgent_emergency"),
    # no wet nappy
    ("الحفاض ما فيه بول من الصبح", "ar", "urgent_emergency"),
    ("ma fi 7efad mballal men 12 sa3a", "ar", "urgent_emergency"),
    # shivering and chattering teeth, Levantine and Arabizi
    ("ibni 3ando rajfe w snano 3am yedrabo", "ar", "urgent_sign"),
    ("سنانها عم تتخبط من البرد", "ar", "urgent_sign"),
    # shaking so hard she cannot hold anything
    ("binti btirjof w ma fiya temsek shi", "ar", "urgent_emergency"),
    # a baby who feels hot, in Arabizi
    ("ibni 3omro shahr w jismo sa5en", "ar", "urgent_baby"),
    # not himself, Iraqi "very"
    ("مش هي نفسها اليوم، كلش تعبانه", "ar", "urgent_sign"),
]


@pytest.mark.parametrize(("text", "lang", "key"), URGENT)
def test_a_sign_said_in_these_words_is_urgent(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", key)


# The near misses of the families above: no urgent answer.
NOT_URGENT = [
    ("el dam wa2ef mn sa3a", "ar"),  # the bleeding has stopped: asks
    ("الجو حار كتير اليوم", "ar"),  # hot weather
    ("el jaw 7ar ktir", "ar"),
    ("ibni 3omro 5 snin w 7aar el jaw", "ar"),  # not a baby, and it is the weather
    ("الحفاض مبلول كالعادة", "ar"),  # a wet nappy
    ("هو نفسه مرتاح اليوم", "ar"),  # "himself", not "not himself"
    ("كلش زين اليوم، الحمد لله", "ar"),  # "very well"
    ("ra7et el re3sha mbere7 w halla2 mni7a", "ar"),  # shivering yesterday, fine now
]


@pytest.mark.parametrize(("text", "lang"), NOT_URGENT)
def test_the_near_miss_gets_no_urgent_answer(screener: Screener, text: str, lang: str) -> None:
    assert _found(screener, text, lang)[0] != "urgent"
