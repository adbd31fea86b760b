"""A sign read from concepts whose every modifier is said with "not" ("the port is not red or
swollen", "nie ma zaczerwienienia") asks "Is this happening now?" instead of the urgent answer;
one modifier left un-negated keeps it urgent, and so does a plain modifier in a later clause
than a "not" between the concepts ("port nie jest czerwony, ale jest opuchnięty"). Written
here, not copied from the blind sets.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Der Verband am Port juckt, aber die Stelle ist nicht rot oder geschwollen"),
        ("pl", "opatrunek przy porcie swędzi, ale nie ma zaczerwienienia"),
        ("pl", "wkłucie czyste, bez zaczerwienienia i obrzęku"),
        ("en", "no redness or swelling around the port, just itchy"),
    ],
)
def test_every_modifier_negated_asks(screener: Screener, lang: str, text: str) -> None:
    assert screen_kind(screener, text, lang) == "confirm"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "der Port ist rot und geschwollen"),
        ("de", "der Port ist nicht mehr rot, aber geschwollen"),
        ("pl", "wkłucie jest zaczerwienione i boli"),
        ("en", "his port is not sore but it is red"),
        ("en", "not eating, vomiting everything"),
        ("de", "trinkt nicht, erbricht alles"),
        # a "not" early in the sign does not reach a modifier in a later clause
        ("pl", "port nie jest czerwony, ale jest opuchnięty i boli"),
        ("ar", "مكان القسطرة مش احمر بس منفوخ وفيه صديد"),
        ("de", "er atmet nicht schnell, aber sehr schwer"),
    ],
)
def test_a_modifier_said_plainly_stays_urgent(screener: Screener, lang: str, text: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"
