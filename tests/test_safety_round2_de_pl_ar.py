"""Mechanisms fixed for German, Polish and Arabic in round 2 (docs/safety.md, 2026-12-07).

Each family is checked both ways with sentences written here, none copied from a blind set:
the sign happening now gets the urgent answer, the near miss does not.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener


@pytest.fixture(scope="module")
def screener() -> Screener:
    return Screener.load()


def _kind(screener: Screener, text: str, lang: str) -> str | None:
    found = screener.screen(text, lang, 38.0)
    return found.kind if found is not None else None


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
    assert _kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), BOTTOM_NOT)
def test_no_pain_at_the_bottom_is_not_urgent(screener: Screener, text: str, lang: str) -> None:
    assert _kind(screener, text, lang) != "urgent"
