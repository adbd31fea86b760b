"""Each sign gets its own urgent answer: emergency, baby under 3 months, fever or other sign."""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.screen import (
    BABY_RULES,
    EMERGENCY_RULES,
    URGENT_KEYS,
    urgent_key,
)
from tests.support.safety import shipped_rules

LANGUAGES = ("en", "es", "fr", "de", "pl", "ar")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_rule_in_every_file_maps_to_one_urgent_answer(lang: str) -> None:
    rules = shipped_rules(lang)
    names = {p.rule for p in rules.phrases if p.kind != "distress"}
    for rule in names:
        fever = rule.startswith("temperature.")
        assert urgent_key(rule, fever=fever) in URGENT_KEYS, rule
        assert urgent_key(rule, fever=fever, baby=True) in URGENT_KEYS, rule
    # Every emergency rule exists in every language, so no language sends a weaker answer.
    assert names >= EMERGENCY_RULES | BABY_RULES, sorted((EMERGENCY_RULES | BABY_RULES) - names)


def test_the_key_per_kind_of_rule() -> None:
    assert urgent_key("sign.seizure", fever=False) == "urgent_emergency"
    assert urgent_key("sign.seizure", fever=False, baby=True) == "urgent_emergency"
    assert urgent_key("temperature.hot", fever=True) == "urgent_fever"
    assert urgent_key("temperature.hot", fever=True, baby=True) == "urgent_baby"
    assert urgent_key("sign.shaking_chills", fever=False) == "urgent_sign"
    assert urgent_key("sign.shaking_chills", fever=False, baby=True) == "urgent_sign"
    assert urgent_key("sign.not_feeding", fever=False, baby=True) == "urgent_baby"
    assert urgent_key("sign.extreme_shivering", fever=False) == "urgent_emergency"


# Extreme shivering is an emergency sign (UK Sepsis Trust; sepsis.yaml and who_to_call.yaml:
# call the emergency number now); ordinary shivering, chills and rigors call the team now.
@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("he is shivering uncontrollably", "en", "urgent_emergency"),
        ("she can't stop shaking, her teeth are going", "en", "urgent_emergency"),
        ("violent rigors after the last dose", "en", "urgent_emergency"),
        ("she has rigors", "en", "urgent_sign"),
        ("he's shivery and cold", "en", "urgent_sign"),
        ("no para de temblar, está helado", "es", "urgent_emergency"),
        ("tiene escalofríos muy fuertes", "es", "urgent_emergency"),
        ("tiene escalofríos", "es", "urgent_sign"),
        ("il tremble violemment depuis une heure", "fr", "urgent_emergency"),
        ("elle a des frissons incontrôlables", "fr", "urgent_emergency"),
        ("il a des frissons", "fr", "urgent_sign"),
        ("er zittert unkontrolliert am ganzen Körper", "de", "urgent_emergency"),
        ("sie hat starken Schüttelfrost", "de", "urgent_emergency"),
        ("er hat Schüttelfrost", "de", "urgent_sign"),
        ("trzęsie się bez przerwy", "pl", "urgent_emergency"),
        ("ma bardzo silne dreszcze", "pl", "urgent_emergency"),
        ("trzesie nim strasznie", "pl", "urgent_emergency"),
        ("ma dreszcze", "pl", "urgent_sign"),
        ("عنده رجفة قوية ومش قادر يوقف", "ar", "urgent_emergency"),
        ("بيرجف بقوة", "ar", "urgent_emergency"),
        ("عنده قشعريرة", "ar", "urgent_sign"),
    ],
)
def test_extreme_shivering_is_an_emergency_other_shivering_is_not(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    found = screener.screen(text, lang)
    assert found is not None and found.kind == "urgent", (text, found)
    assert found.message_key == key, (text, found)
    if key == "urgent_emergency":
        assert found.rule == "sign.extreme_shivering", (text, found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("he isn't shivering uncontrollably", "en"),
        ("what if she starts shaking uncontrollably?", "en"),
        ("¿qué hago si tiembla sin parar?", "es"),
        ("falls er unkontrolliert zittert, was tun?", "de"),
    ],
)
def test_extreme_shivering_negated_or_asked_confirms(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang)
    assert found is not None and found.kind == "confirm", (text, found)
    assert found.confirmed().message_key == "urgent_emergency"


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("he had a fit", "urgent_emergency"),
        ("her lips are blue", "urgent_emergency"),
        ("he stopped breathing", "urgent_emergency"),
        ("she is breathing very fast", "urgent_emergency"),
        ("hard to wake", "urgent_emergency"),
        ("he is very floppy", "urgent_emergency"),
        ("the rash does not fade under a glass", "urgent_emergency"),
        ("his skin is mottled", "urgent_emergency"),
        ("the bleeding won't stop", "urgent_emergency"),
        ("she seems confused", "urgent_emergency"),
        ("no wet nappy for 12 hours", "urgent_emergency"),
        ("he has had no wee since this morning", "urgent_emergency"),
        ("temp 38.6", "urgent_fever"),
        ("she has rigors", "urgent_sign"),
        ("blood in his poo", "urgent_sign"),
    ],
)
def test_each_sign_gets_its_answer(screener: Screener, text: str, key: str) -> None:
    found = screener.screen(text, "en")
    assert found is not None and found.kind == "urgent", text
    assert found.message_key == key, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "fever of 39 and she had a fit",
        "she had a fit and now a fever of 39",
        "shivering, 38.9 and his lips look blue",
    ],
)
def test_the_strongest_answer_wins(screener: Screener, text: str) -> None:
    found = screener.screen(text, "en")
    assert found is not None and found.message_key == "urgent_emergency", found


def test_fever_beats_another_sign(screener: Screener) -> None:
    found = screener.screen("shivering and a temp of 38.9", "en")
    assert found is not None and found.message_key == "urgent_fever"


def test_a_negated_emergency_confirms_to_the_emergency_answer(screener: Screener) -> None:
    found = screener.screen("she is not breathing fast", "en")
    assert found is not None and found.kind == "confirm"
    assert found.confirmed().message_key == "urgent_emergency"
    assert found.confirmed().kind == "urgent"


@pytest.mark.parametrize("age_group", ["baby"])
def test_a_saved_baby_gets_the_baby_answer_under_any_threshold(
    screener: Screener, age_group: str
) -> None:
    found = screener.screen("38.1", "en", 38.5, age_group=age_group)
    assert found is not None and found.message_key == "urgent_baby"
    assert screener.screen("38.1", "en", 38.5, age_group="child") is None
    assert screener.screen("37.6", "en", 38.5, age_group="baby") is None
    hot = screener.screen("she feels hot", "en", age_group="baby")
    assert hot is not None and hot.message_key == "urgent_baby"
    fit = screener.screen("38.4 and she had a fit", "en", age_group="baby")
    assert fit is not None and fit.message_key == "urgent_emergency"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my 6 week old is 38.2", "en"),
        ("3 week old baby temp 38.1", "en"),
        ("newborn with a temperature of 38.3", "en"),
        ("my 5 week old feels hot", "en"),
        ("mi bebé de 2 meses tiene 38,2", "es"),
        ("mon bébé de 5 semaines a 38,1", "fr"),
        ("mein 8 Wochen altes Baby hat 38,2", "de"),
        ("moje 2-miesięczne dziecko ma 38,2", "pl"),
        ("رضيع عمره شهرين حرارته 38.2", "ar"),
    ],
)
def test_an_age_in_the_message_counts(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang, 38.5)
    assert found is not None and found.message_key == "urgent_baby", (text, found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("my 6 month old is 38.2", "en"),
        ("she had a cough for 3 weeks, temp 38.2", "en"),
        ("mi hijo de 4 meses tiene 38,2", "es"),
        ("mein 5 Monate altes Baby hat 38,2", "de"),
    ],
)
def test_an_older_child_is_not_a_baby(screener: Screener, text: str, lang: str) -> None:
    assert screener.screen(text, lang, 38.5) is None, text
