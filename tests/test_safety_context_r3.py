"""Round 3 (2026-12-07): false alarms, by mechanism. Every sentence here was written for this
file (none copied from a blind set), both ways: the near-miss that no longer raises the urgent
answer, and the report now, in the same shape, that stays urgent.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind

# A pet or someone else is the subject of a second verb after "and", with no subject of its own.
SHARED_SUBJECT = [
    ("my neighbour's cat has a cold and is shivering under the sofa", "en"),
    ("our puppy ate something odd and keeps vomiting everything", "en"),
    ("unser Kater frisst nichts und zittert seit dem Morgen", "de"),
    ("el perro de mi abuela está resfriado y tiembla mucho", "es"),
    ("notre lapin a de la diarrhée et tremble dans sa cage", "fr"),
    ("nasz kot nic nie je i się trzęsie od rana", "pl"),
    ("الكلب تبعنا ما ياكل وبيرجف من الصبح", "ar"),
]

# The same shape with a person as the new subject, or the person's own sign: still urgent.
OWN_SUBJECT = [
    ("our puppy is poorly and my son is shivering with 39.1", "en"),
    ("the cat scratched him and now he is shivering violently", "en"),
    ("my daughter has a fever and is shivering", "en"),
    ("unser Kater ist krank und mein Sohn zittert am ganzen Körper", "de"),
    ("mi hija tiene fiebre y tiembla mucho", "es"),
    ("notre lapin est malade et mon fils tremble de partout", "fr"),
    ("kot jest chory, a córka się trzęsie i ma dreszcze", "pl"),
]

# Advice quoted with no "if": a bare sign with what to do said right after it as a rule.
RULE_ADVICE = [
    ("the consultant told us grey lips means 999 whatever the time", "en"),
    ("Die Kinderärztin meinte, Atemnot heißt sofort 112", "de"),
    ("Der Onkologe hat gesagt, Schüttelfrost immer melden, auch nachts", "de"),
    ("el hematólogo dijo que convulsiones es llamar al 112 sin esperar", "es"),
    ("lekarka mówiła, że sinienie ust to od razu 112", "pl"),
    ("pielęgniarz powiedział, że drgawki zawsze zgłaszać", "pl"),
]

# A professional reports the sign now, or the instruction is in a clause of its own.
ADVICE_REPORT = [
    ("the nurse said his lips are blue and we must call 999", "en"),
    ("Die Ärztin hat gesagt, er hat Atemnot, sofort kommen", "de"),
    ("el médico dijo que tiene convulsiones y que llamemos al 112", "es"),
    ("lekarka mówi, że ma sine usta i trzeba dzwonić na 112", "pl"),
]

# General questions about a sign, with no person, in de, pl, ar (en, es, fr had them).
GENERAL = [
    ("Ist ein Fieberkrampf immer gefährlich?", "de"),
    ("Ist eine Blutung aus der Nase immer ein Notfall?", "de"),
    ("czy dreszcze to zawsze powód do dzwonienia?", "pl"),
    ("czy każde drgawki trzeba zgłaszać?", "pl"),
    ("هل الرجفة دائما خطيرة؟", "ar"),
    ("how quick is breathing too quick in a baby of 2?", "en"),
    ("¿cuántas respiraciones por minuto se considera respirar muy rápido?", "es"),
]

# The same words about someone, or happening now: still urgent.
GENERAL_NOW = [
    ("Ist das ein Fieberkrampf? Er zuckt am ganzen Körper", "de"),
    ("czy to drgawki? trzęsie nim całym i nie odpowiada", "pl"),
    ("هل هذه تشنجات؟ ابني عنده تشنجات الحين", "ar"),
    ("czy drgawki to zawsze nagły wypadek? on ma teraz drgawki", "pl"),
    ("he is breathing too quick, how quick is too quick?", "en"),
]


@pytest.mark.parametrize(("text", "lang"), SHARED_SUBJECT)
def test_a_pets_second_verb_after_and_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), OWN_SUBJECT)
def test_a_person_after_and_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), RULE_ADVICE)
def test_advice_said_as_a_rule_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), ADVICE_REPORT)
def test_a_professional_reporting_the_sign_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), GENERAL)
def test_a_general_question_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), GENERAL_NOW)
def test_a_question_about_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"
