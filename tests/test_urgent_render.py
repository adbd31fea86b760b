"""Every urgent answer, in every shipped locale, shows every number it promises.

Placeholders are the only way a number reaches an urgent answer; a translation that dropped
one, or a spec that erased it, would send a frightened family a text with nothing to dial.
The numbers below are chosen so none is a substring of another or of ordinary text.
"""

from __future__ import annotations

import pytest

from bot.content.loader import load_dialogs, placeholders
from bot.content.model import DialogSet
from bot.i18n.render import Catalogs, Renderer
from tests.support.content import ROOT

NUMBERS = {
    "emergency_number": "112",
    "urgent_advice_number": "116117",
    "care_team_phone": "0800 555 0199",
}
LOCALES = ("en", "ar", "de", "es", "fr", "pl")


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(ROOT / "dialogs")


@pytest.fixture(scope="module")
def renderer(dialogs: DialogSet) -> Renderer:
    return Renderer(Catalogs.load(ROOT / "locales"), dialogs)


def urgent_keys() -> list[str]:
    return sorted(k for k in load_dialogs(ROOT / "dialogs").system if k.startswith("urgent_"))


def test_there_are_urgent_answers_with_and_without_a_team_number() -> None:
    keys = urgent_keys()
    assert {"urgent_fever", "urgent_fever_no_team", "urgent_sign", "urgent_sign_no_team"} <= set(
        keys
    )
    for key in keys:
        if not key.endswith("_no_team"):
            assert f"{key}_no_team" in keys, key


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", urgent_keys())
def test_every_number_is_in_the_rendered_urgent_answer(
    dialogs: DialogSet, renderer: Renderer, key: str, locale: str
) -> None:
    text = dialogs.system[key]
    wanted = placeholders(text.source)
    assert "emergency_number" in wanted, f"{key} must name the emergency number"
    shown = renderer.text(text, locale, {**NUMBERS, "fever_threshold": 38.0})
    for name in wanted & set(NUMBERS):
        assert NUMBERS[name] in shown, (key, locale, name, shown)
    assert "{" not in shown and "}" not in shown, shown
    assert len(shown) < 4096
