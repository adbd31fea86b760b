"""Screener behaviour: thresholds, negation, stop, distress, locales, loading."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.safety import RuleError, Screener, Screening
from bot.safety.screen import RULES_DIR


def _kind(found: Screening | None) -> str | None:
    return None if found is None else found.kind


# -- thresholds ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "threshold", "kind"),
    [
        ("temp 38.0", 38.0, "urgent"),
        ("temp 37.9", 38.0, None),
        ("temp 37.5", 37.5, "urgent"),
        ("temp 37.4", 37.5, None),
        ("temp 100.4 F", 38.0, "urgent"),
        ("temp 100.2 F", 38.0, None),
        ("temp 99.5 F", 37.5, "urgent"),
        ("temp 36.0", 38.0, None),
        ("temp 35.9", 38.0, "urgent"),
        ("he's 35.2", 37.5, "urgent"),
    ],
)
def test_threshold(screener: Screener, text: str, threshold: float, kind: str | None) -> None:
    assert _kind(screener.screen(text, "en", threshold)) == kind


def test_high_and_low_readings_name_their_rule(screener: Screener) -> None:
    assert screener.screen("38.4", "en") == Screening(
        "urgent", "temperature.high", True, "urgent_fever"
    )
    assert screener.screen("35.4", "en") == Screening(
        "urgent", "temperature.low", True, "urgent_fever"
    )


def test_reading_under_the_threshold_outweighs_the_word_fever(screener: Screener) -> None:
    assert screener.screen("he has a fever of 37.6", "en", 38.0) is None
    assert _kind(screener.screen("he has a fever of 37.6", "en", 37.5)) == "urgent"


def test_bare_whole_number_counts_only_when_a_temperature_was_asked_for(
    screener: Screener,
) -> None:
    assert screener.screen("he is 38 today", "en") is None
    found = screener.screen("he is 38 today", "en", expecting_temperature=True)
    assert found is not None and found.rule == "temperature.high"


@pytest.mark.parametrize(
    "text",
    [
        "38 weeks pregnant",
        "my child is 3",
        "0800 123 4567",
        "ANC 1.2",
        "born in 2019",
        "he weighs 38.5 kg",
        "call 06 38 45 12 34",
        "at 10:38 he ate",
        "30.11 was his last test",
        "it is 32 degrees outside",
        "40% of children",
    ],
)
def test_numbers_that_are_not_temperatures(screener: Screener, text: str) -> None:
    assert screener.screen(text, "en") is None


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("he's 38.6", "en"),
        ("fiebre de 39", "es"),
        ("Fieber 38,7", "de"),
        ("101F", "en"),
        ("il a 38°5", "fr"),
        ("tiene 38'5", "es"),
        ("حرارته ٣٨٫٥", "ar"),
        ("gorączka 39 st. C", "pl"),
        ("39", "en"),
    ],
)
def test_local_temperature_formats(screener: Screener, text: str, locale: str) -> None:
    found = screener.screen(text, locale)
    assert found is not None and found.rule == "temperature.high" and found.fever


# -- negation and questions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("no fever", "en"),
        ("not breathing fast", "en"),
        ("kein Fieber", "de"),
        ("pas de fièvre", "fr"),
        ("sin fiebre", "es"),
        ("nie ma gorączki", "pl"),
        ("لا يوجد حمى", "ar"),
    ],
)
def test_negation_asks_instead_of_ignoring(screener: Screener, text: str, locale: str) -> None:
    found = screener.screen(text, locale)
    assert found is not None
    assert (found.kind, found.message_key) == ("confirm", "confirm_sign")


def test_confirmed_negated_fever_becomes_the_fever_answer(screener: Screener) -> None:
    found = screener.screen("no fever", "en")
    assert found is not None and found.fever
    assert found.confirmed() == Screening("urgent", found.rule, True, "urgent_fever")
    sign = screener.screen("not breathing fast", "en")
    assert sign is not None and sign.confirmed().message_key == "urgent_emergency"
    chills = screener.screen("no shivering", "en")
    assert chills is not None and chills.confirmed().message_key == "urgent_sign"


def test_negation_does_not_reach_past_but(screener: Screener) -> None:
    assert _kind(screener.screen("no fever but very sleepy", "en")) == "urgent"
    assert _kind(screener.screen("kein Fieber, aber sehr schläfrig", "de")) == "urgent"


def test_not_breathing_at_all_is_urgent(screener: Screener) -> None:
    assert _kind(screener.screen("he is not breathing", "en")) == "urgent"
    assert _kind(screener.screen("er atmet nicht", "de")) == "urgent"


def test_question_about_fever_is_not_flagged_but_about_a_sign_is_checked(
    screener: Screener,
) -> None:
    assert screener.screen("what is a fever?", "en") is None
    assert _kind(screener.screen("what if she has a seizure?", "en")) == "confirm"


def test_topic_word_alone_goes_to_the_dialog(screener: Screener) -> None:
    assert screener.screen("Fever", "en") is None
    assert screener.screen("Fieber?", "de") is None


# -- tolerance -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "HE IS BREATHING VERY FAST",
        "he is breathng very fast",  # one letter missing
        "he is having a seizrue",  # two letters swapped
        "his temprature is 39",  # listed misspelling
        "she's so floppy 😟😟",
        "feverish 🤒",
    ],
)
def test_case_typos_and_emoji(screener: Screener, text: str) -> None:
    assert _kind(screener.screen(text, "en")) == "urgent"


def test_accents_are_optional(screener: Screener) -> None:
    assert _kind(screener.screen("fievre a 39", "fr")) == "urgent"
    assert _kind(screener.screen("goraczka od rana", "pl")) == "urgent"


def test_real_words_are_not_corrected_into_signs(screener: Screener) -> None:
    assert screener.screen("she is sitting up now", "en") is None


# -- stop and distress ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("STOP", "en"),
        ("stop!", "de"),
        ("please stop messaging me", "en"),
        ("para", "es"),
        ("arrête", "fr"),
        ("hör auf", "de"),
        ("przestań", "pl"),
        ("توقف", "ar"),
    ],
)
def test_stop_words(screener: Screener, text: str, locale: str) -> None:
    assert screener.screen(text, locale) == Screening("stop", "stop", False, "stopped")


def test_stop_inside_a_sentence_is_not_a_stop(screener: Screener) -> None:
    assert _kind(screener.screen("the bleeding won't stop", "en")) == "urgent"
    assert screener.screen("how do I stop him scratching?", "en") is None


@pytest.mark.parametrize(
    ("text", "locale", "rule"),
    [
        ("I can't cope anymore", "en", "distress.overwhelmed"),
        ("my daughter died last year", "en", "distress.bereavement"),
        ("I want to die", "en", "distress.self_harm"),
        ("ich kann nicht mehr", "de", "distress.overwhelmed"),
        ("je n'en peux plus", "fr", "distress.overwhelmed"),
        ("no puedo más", "es", "distress.overwhelmed"),
        ("nie daję rady", "pl", "distress.overwhelmed"),
        ("الله يرحمه", "ar", "distress.bereavement"),
    ],
)
def test_distress(screener: Screener, text: str, locale: str, rule: str) -> None:
    assert screener.screen(text, locale) == Screening("distress", rule, False, "distress")


def test_a_warning_sign_outranks_distress(screener: Screener) -> None:
    assert _kind(screener.screen("I can't cope, he is very floppy", "en")) == "urgent"


# -- languages and loading -----------------------------------------------------------------


def test_english_applies_in_every_language(screener: Screener) -> None:
    for locale in ("de", "ar", "pt-BR", "xx"):
        assert _kind(screener.screen("he is breathing very fast", locale)) == "urgent"


def test_locale_with_region_uses_the_language(screener: Screener) -> None:
    assert _kind(screener.screen("Fieber 38,7", "de-AT")) == "urgent"
    assert _kind(screener.screen("Fieber 38,7", "de_CH")) == "urgent"


def test_missing_english_rules_are_an_error(tmp_path: Path) -> None:
    shutil.copy(RULES_DIR / "de.yaml", tmp_path / "de.yaml")
    with pytest.raises(RuleError, match=r"en\.yaml.*English rules apply in every language"):
        Screener.load(tmp_path)


def test_every_broken_file_is_reported_at_once(tmp_path: Path) -> None:
    shutil.copy(RULES_DIR / "en.yaml", tmp_path / "en.yaml")
    (tmp_path / "de.yaml").write_text("signs:\n  floppy: ['(schlaff']\n", encoding="utf-8")
    (tmp_path / "fr.yaml").write_text("sign:\n  mou: [mou]\n", encoding="utf-8")
    with pytest.raises(RuleError) as info:
        Screener.load(tmp_path)
    files = {Path(p.file).name for p in info.value.problems}
    assert files == {"de.yaml", "fr.yaml"}
