"""German, Polish and Arabic concepts widened so the screen generalises to blind text (issue
9): a time said between verb and "nicht", pain round the bottom, "can't sit" as severe pain,
the person's verb after a reading, Arabic ث written ت, Arabizi with a doubled digit. Each
concept is tested both ways: the warning sign gets the urgent answer, the near miss does not.
Written here, not copied from the blind sets.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.dialect import keep_arabizi, variants


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load()


def _found(screener: Screener, text: str, lang: str) -> tuple[str | None, str]:
    found = screener.screen(text, lang, 38.0)
    return (found.kind, found.message_key) if found is not None else (None, "")


URGENT = [
    # a time between the verb and "nicht ... auf"
    ("de", "Das Nasenbluten hört seit einer Stunde einfach nicht auf", "urgent_emergency"),
    ("de", "die Wunde blutet und will seit 20 Minuten nicht aufhören", "urgent_emergency"),
    # pain round the bottom, so bad they cannot sit
    ("de", "Sie hat Schmerzen am Po und kann nicht sitzen", "urgent_sign"),
    ("pl", "bardzo boli ją pupa, nie może siedzieć", "urgent_sign"),
    ("ar", "عنده وجع جامد حوالين الشرج", "urgent_sign"),
    # mouth ulcers and feeling awful
    ("pl", "cała buzia w aftach, wygląda fatalnie", "urgent_sign"),
    # a baby's age in days without "old"
    ("de", "Neugeborenes 12 Tage, 38,1", "urgent_baby"),
    # the person's verb after a reading in degrees
    ("de", "39 Grad hat er jetzt", "urgent_fever"),
    ("pl", "38 stopni ma synek", "urgent_fever"),
    # Arabic: ث written ت, "and" written onto "not"
    ("ar", "كلامها تقيل ومش مفهوم", "urgent_emergency"),
    # Maghrebi present prefix on a shivering verb
    ("ar", "كتترعد بزاف", "urgent_sign"),
    # Arabizi: a doubled digit, hands and feet, waking
    ("ar", "bintna jelda mba22a3", "urgent_emergency"),
    ("ar", "ejreih w edeih metl el talj", "urgent_sign"),
    ("ar", "mish 2ader as7eeh", "urgent_emergency"),
    ("ar", "heya ra5ya w mesh bterod", "urgent_emergency"),
]

CALM = [
    # bleeding that stopped, a bottom that does not hurt
    ("de", "Das Nasenbluten hat nach 5 Minuten aufgehört"),
    ("pl", "pupa trochę odparzona, ale nie boli"),
    # degrees of bath water, with "hot" in the message
    ("pl", "ustawiłam wodę do kąpieli na 38 stopni, jest bardzo gorąca"),
    ("de", "das Badewasser hat 38 Grad, ist das zu heiss?"),
    # not concentrating at school is not confusion
    ("ar", "ابني مش مركز في المدرسة"),
    ("ar", "ابني مش مركز خالص في الواجبات"),
]


@pytest.mark.parametrize(("lang", "text", "key"), URGENT)
def test_warning_sign_gets_the_urgent_answer(
    screener: Screener, lang: str, text: str, key: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", key)


@pytest.mark.parametrize(("lang", "text"), CALM)
def test_near_miss_is_not_urgent(screener: Screener, lang: str, text: str) -> None:
    assert _found(screener, text, lang)[0] != "urgent"


def test_arabizi_keeps_a_doubled_digit_whole() -> None:
    assert keep_arabizi("mba22a3")
    assert keep_arabizi("m7ammar")
    assert not keep_arabizi("38c")
    assert not keep_arabizi("a12b")  # two different digits: a number, not letters


def test_arabic_ta_may_stand_for_tha() -> None:
    assert "ثقيل" in set(variants("تقيل", "ar"))
    assert "ثقيل" not in set(variants("تقيل", "fr"))
