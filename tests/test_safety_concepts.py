"""Concepts and modifiers: symptom + "won't stop" / "everything" / "severe", negation, past events.

Hand-written examples (not the blind corpus), a few per language, each through the real
:class:`Screener` loaded from the package's rule files.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.safety import Screener, Screening
from bot.safety.concepts import (
    COMBOS,
    NAMES,
    ConceptFinder,
    ConceptMatcher,
    Stemmer,
    combos,
    compile_concept,
)
from bot.safety.normalize import fold
from bot.safety.patterns import Compiled, WordMatcher
from tests.support.safety import shipped_rules

REDFLAGS = Path(__file__).parent / "data" / "redflags"


def _verdict(found: Screening | None) -> tuple[str, str] | None:
    return None if found is None else (found.kind, found.urgent_key or found.message_key)


# A symptom combined with a modifier: the urgent answer for that sign.
URGENT = [
    ("en", "my boy's gums have been bleeding for ages and it just won't stop", "urgent_emergency"),
    ("en", "she throws up every drink we give her", "urgent_sign"),
    ("en", "he keeps saying his tummy hurts and it's really bad", "urgent_sign"),
    (
        "en",
        "little purple spots on her arm, I pressed a glass and they did not fade",
        "urgent_emergency",
    ),
    ("en", "I can hardly wake her this morning", "urgent_emergency"),
    ("en", "her hands and feet are like ice", "urgent_sign"),
    ("en", "his port site looks red and puffy", "urgent_sign"),
    ("es", "la herida le sangra muchisimo y no para", "urgent_emergency"),
    ("es", "vomita todo lo que bebe desde la manana", "urgent_sign"),
    ("es", "tiene un dolor de barriga horrible", "urgent_sign"),
    ("es", "tiene las manos heladas", "urgent_sign"),
    ("fr", "il vomit tout ce qu'il boit", "urgent_sign"),
    ("fr", "elle a des douleurs atroces au ventre", "urgent_sign"),
    ("fr", "il saigne des gencives et ça s'arrête pas", "urgent_emergency"),
    ("de", "sie erbricht alles, sogar tee", "urgent_sign"),
    ("de", "er hat ganz starke bauchschmerzen", "urgent_sign"),
    ("de", "die einstichstelle vom port ist gerötet und geschwollen", "urgent_sign"),
    ("pl", "bardzo mocno boli go brzuch", "urgent_sign"),
    ("pl", "krwawi z dziąseł i nie przestaje", "urgent_emergency"),
    ("pl", "ma lodowate stopy", "urgent_sign"),
    ("ar", "بطنها بتوجعها جامد", "urgent_sign"),
    ("ar", "بيرجع كل شي بيشربه", "urgent_sign"),
    ("ar", "اطرافه باردين كتير", "urgent_sign"),
]


@pytest.mark.parametrize(("lang", "text", "key"), URGENT)
def test_a_symptom_with_its_modifier_is_urgent(
    screener: Screener, lang: str, text: str, key: str
) -> None:
    assert _verdict(screener.screen(text, lang)) == ("urgent", key), f"{lang}: {text}"


# Said with "not", or long ago: ask whether it is happening now, never escalate.
ASKED = [
    ("en", "she isn't bleeding heavily, just a graze"),
    ("en", "he had a seizure three years ago, is that relevant?"),
    ("en", "last year he had a fever of 39 for a week"),
    ("es", "tuvo convulsiones hace tres años"),
    ("es", "el mes pasado tuvo 39 de fiebre"),
    ("fr", "il a eu de la fièvre il y a trois ans"),
    ("fr", "le mois dernier il avait 39"),
    ("de", "vor drei jahren hatte er einen krampfanfall"),
    ("de", "er atmet nicht schnell"),
    ("pl", "trzy lata temu miał drgawki"),
    ("pl", "w zeszłym roku miał 39 stopni gorączki"),
    ("ar", "كان عنده تشنج من تلات سنين"),
]


@pytest.mark.parametrize(("lang", "text"), ASKED)
def test_negated_or_past_signs_ask_instead(screener: Screener, lang: str, text: str) -> None:
    found = screener.screen(text, lang)
    assert found is not None and found.kind == "confirm", f"{lang}: {text} -> {found}"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "he had a seizure two years ago and he is fitting again now"),
        ("es", "hace un año tuvo convulsiones y ahora otra vez esta convulsionando"),
        ("en", "she has had a fever since last week"),
    ],
)
def test_now_or_since_keeps_a_sign_urgent(screener: Screener, lang: str, text: str) -> None:
    found = screener.screen(text, lang)
    assert found is not None and found.kind == "urgent", f"{lang}: {text} -> {found}"


# A symptom named with nothing that settles it: the confirm question, never nothing.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "she is vomiting"),
        ("es", "tiene diarrea"),
        ("fr", "il a des taches sur le torse"),
        ("de", "er blutet"),
    ],
)
def test_a_symptom_alone_asks_whether_it_is_happening(
    screener: Screener, lang: str, text: str
) -> None:
    found = screener.screen(text, lang)
    assert found is not None and found.kind == "confirm", f"{lang}: {text} -> {found}"


# Readings after "has", "and a bit", "exactly", in words.
@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "she has 39 and a headache"),
        ("en", "it reads 38 and a bit"),
        ("es", "mi hijo tiene 39 y le duele la cabeza"),
        ("es", "tiene treinta y ocho y pico"),
        ("fr", "elle a trente-neuf"),
        ("fr", "il est à 38 et des poussières"),
        ("de", "sie hat jetzt achtunddreißig komma irgendwas"),
        ("pl", "ma trzydzieści osiem z hakiem"),
        ("ar", "حرارته 38 وشوي"),
    ],
)
def test_readings_in_everyday_words_are_urgent(screener: Screener, lang: str, text: str) -> None:
    found = screener.screen(text, lang)
    assert found is not None and (found.kind, found.fever) == ("urgent", True), f"{text}"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "it was 40 degrees in Seville on our holiday"),
        ("es", "en la playa hace 39 grados"),
        ("de", "in italien sind es 40 grad"),
    ],
)
def test_a_bare_number_of_degrees_without_a_person_is_only_asked(
    screener: Screener, lang: str, text: str
) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind == "confirm", f"{text} -> {found}"


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "my 5 week old feels warm and is grumpy"),
        ("es", "mi bebé de 7 semanas tiene 37,6 y está calentito"),
        ("de", "unser baby ist 5 wochen und fühlt sich heiß an"),
        ("pl", "synek ma 8 tygodni i jest rozpalony"),
    ],
)
def test_a_baby_who_feels_hot_gets_the_baby_answer(
    screener: Screener, lang: str, text: str
) -> None:
    assert _verdict(screener.screen(text, lang)) == ("urgent", "urgent_baby"), text


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("en", "the whole office has cup fever"),
        ("de", "mein sohn ist wieder fit"),
        ("fr", "quand est la prochaine prise de sang ?"),
        ("en", "she has a little nappy rash"),
    ],
)
def test_everyday_words_are_not_alarms(screener: Screener, lang: str, text: str) -> None:
    found = screener.screen(text, lang)
    assert found is None or found.kind != "urgent", f"{text} -> {found}"


def test_one_emoji_and_a_pair_behave_alike(screener: Screener) -> None:
    assert screener.screen("🤒", "en") == screener.screen("🤒🤒", "en")
    assert screener.screen("🤒 🤒 🤒", "en") == screener.screen("🤒", "en")


def test_concept_forms_are_stemmed_so_one_form_covers_its_endings() -> None:
    stem = Stemmer("es")
    matcher = WordMatcher([compile_concept("sangrar", stem)])
    for word in ("sangra", "sangrando", "sangrado"):
        assert matcher.search(f" {stem(word)} "), word


def test_combinations_need_every_group_in_one_sentence(screener: Screener) -> None:
    assert screener.screen("her nose is bleeding. it won't stop raining", "en") != Screening(
        "urgent", "sign.bleeding", False, "urgent_emergency"
    )
    lang = screener._langs["en"]
    hits = lang.concepts.find(lang.prepare("her nose is bleeding and it won't stop"))
    assert "sign.bleeding" in {c.rule for c, _ in combos(hits)}


def test_every_combination_names_known_concepts() -> None:
    for combo in COMBOS:
        for group in combo.groups:
            assert set(group) <= NAMES, combo.rule


@pytest.mark.parametrize("lang", ["en", "es", "fr", "de", "pl", "ar"])
def test_the_merged_concept_matcher_finds_what_one_matcher_per_concept_finds(lang: str) -> None:
    # ConceptMatcher tries every concept at once (for speed); per concept it must find the
    # same leftmost, non-overlapping matches as a WordMatcher of that concept's forms alone.
    rules = shipped_rules(lang)
    stem = Stemmer(lang)
    merged = ConceptMatcher(rules.concepts)
    forms: dict[str, list[Compiled]] = {}
    for name, compiled in rules.concepts:
        forms.setdefault(name, []).append(compiled)
    alone = {name: WordMatcher(c) for name, c in forms.items()}
    corpus = yaml.safe_load((REDFLAGS / f"{lang}.yaml").read_text(encoding="utf-8"))
    texts = [str(t) for key in ("urgent", "confirm", "calm") for t in corpus.get(key) or []]
    assert len(texts) > 50
    found_any = 0
    for text in texts:
        stemmed = ConceptFinder.stemmed(fold(text), stem)[0]
        want = sorted(
            (m.start(), name, m.end())
            for name, matcher in alone.items()
            for _, m in matcher.finditer(stemmed)
        )
        got = sorted((start, name, end) for name, start, end in merged.finditer(stemmed))
        assert got == want, text
        found_any += bool(got)
    assert found_any > 10
