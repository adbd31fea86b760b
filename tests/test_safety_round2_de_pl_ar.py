"""Mechanisms fixed for German, Polish and Arabic in round 2 (docs/safety.md, 2026-12-07).

Each family is checked both ways with sentences written here, none copied from a blind set:
the sign happening now gets the urgent answer, the near miss does not.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind

# de/pl/ar had no `bottom:` concept: bottom words sat under `belly`, which needs "severe".
BOTTOM_NOW = [
    ("sie sagt, ihr Po tut so weh, sie kann kaum sitzen", "de"),
    ("am After ist eine rote Stelle, die weh tut", "de"),
    ("ma czerwono wokół odbytu i płacze że boli", "pl"),
    ("pupa ją boli przy każdej kupie", "pl"),
    ("ابني يقول مؤخرته توجعه", "ar"),
    ("عندها ألم عند فتحة الشرج", "ar"),
]
BOTTOM_NOT = [
    ("ihm tut nichts weh, nur der Po ist ein bisschen rot", "de"),
    ("pupa nie boli, tylko trochę zaczerwieniona po pieluszce", "pl"),
    ("ما عنده أي ألم، بس مؤخرته حمرا شوي من الحفاض", "ar"),
]


@pytest.mark.parametrize(("text", "lang"), BOTTOM_NOW)
def test_pain_around_the_bottom_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), BOTTOM_NOT)
def test_no_pain_at_the_bottom_is_not_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


# A past time said in a clause of its own next to the sign ("..., ist Jahre her", "jak był
# mały, ...") or an age then ("als Kleinkind", "لما كان عمره سنة") makes the sign past.
PAST_CLAUSE = [
    ("als Baby hatte er einmal einen Krampfanfall, das ist ewig her", "de"),
    ("sie hatte vor Jahren Schüttelfrost nach der Spülung", "de"),
    ("jak był mały, miał raz drgawki, ale to było dawno temu", "pl"),
    ("miała sine usta po kąpieli w morzu, lata temu", "pl"),
    ("لما كانت صغيرة، جاتها تشنجات", "ar"),
    ("لما كان عمره سنة جاته تشنجات", "ar"),
]
NOW_WITH_A_PAST_CLAUSE = [
    ("er hat gerade einen Krampfanfall, vor Jahren hatte er das schon mal", "de"),
    ("er krampft, wie vor 2 Jahren", "de"),
    ("ma drgawki, jak dwa lata temu", "pl"),
    ("gorączka 39,3, chemia była w czwartek", "pl"),
    ("عم يتشنج، متل من سنتين", "ar"),
    ("عم يتشنج هلق، من سنين صار معه هيك مرة", "ar"),
]


@pytest.mark.parametrize(("text", "lang"), PAST_CLAUSE)
def test_a_past_time_clause_beside_the_sign_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "confirm"


@pytest.mark.parametrize(("text", "lang"), NOW_WITH_A_PAST_CLAUSE)
def test_a_comparison_or_another_past_thing_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# "no longer so fast": the optional "mehr"/"już" let "stopped breathing" match before it, and
# "mehr so" pushed the "not" out of the 2-word gap between the concepts.
NO_LONGER_SO_FAST = [
    ("sie atmet nicht mehr so schnell wie heute Nacht", "de"),
    ("er atmet nicht mehr so schwer, jetzt schläft er", "de"),
    ("nie oddycha już tak szybko jak w nocy", "pl"),
]
STILL_URGENT_BREATHING = [
    ("sie atmet nicht mehr", "de"),
    ("er trinkt nicht und atmet so schnell", "de"),
    ("nie oddycha już", "pl"),
    ("nie je i oddycha tak szybko", "pl"),
    ("he is not eating and breathing really fast", "en"),
]


@pytest.mark.parametrize(("text", "lang"), NO_LONGER_SO_FAST)
def test_no_longer_so_fast_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "confirm"


@pytest.mark.parametrize(("text", "lang"), STILL_URGENT_BREATHING)
def test_stopped_or_fast_breathing_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"
