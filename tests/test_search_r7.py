"""Round 7 of the question search (docs/content.md): the bench counts the dialog a message
opened, not only the step it ends on; a question naming what no page covers (hair, fertility,
sleep) asks the care team; night words find who to call; and the keyword families families use
that the pages never named. Every question here was written for these tests, not taken from a
test set.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from bot.content.loader import load_dialogs
from bot.i18n.render import Catalogs
from bot.search import SearchIndex
from tests.support.content import ROOT, found_dialogs, shipped_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return shipped_index()


# -- the bench ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_blind", ROOT / "bench/search_blind.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_blind"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def engine(bench: ModuleType, index: SearchIndex):  # type: ignore[no-untyped-def]
    dialogs = load_dialogs(ROOT / "dialogs")
    catalogs = Catalogs.load(ROOT / "locales")
    keywords = bench.translated_keywords(catalogs, dialogs)
    return bench.Engine(dialogs, bench.SETTINGS, keywords=keywords, finder=index)


def _measure(bench: ModuleType, engine, tmp_path: Path, questions, **kw):  # type: ignore[no-untyped-def]
    path = tmp_path / "en.yaml"
    path.write_text(yaml.safe_dump({"questions": questions}), encoding="utf-8")
    return bench.measure(engine, path, **kw)


def test_the_bench_counts_a_dialog_that_returns_to_the_menu(
    bench: ModuleType, engine, tmp_path: Path
) -> None:
    # the nurse dialog says there is no nurse here and goes back to the menu
    questions = [{"text": "Speak to a nurse", "page": "nurse"}]
    assert _measure(bench, engine, tmp_path, questions).found == 1
    assert _measure(bench, engine, tmp_path, questions, end_step=True).found == 0


def test_the_bench_does_not_count_a_search_answer_as_opened(
    bench: ModuleType, engine, tmp_path: Path
) -> None:
    # a question that gets buttons opens nothing: the buttons are scored, not the menu
    questions = [{"text": "can my son keep his hamster in his bedroom", "page": "nurse"}]
    result = _measure(bench, engine, tmp_path, questions)
    assert result.found == 0
    assert _measure(bench, engine, tmp_path, questions, end_step=True).found == 0


# -- what no page covers goes to the care team ----------------------------------------------


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("when does hair usually come back once chemo is over", "en"),
        ("my daughter has trouble sleeping since the chemo started", "en"),
        ("kann mein Sohn nach der Chemo später Kinder bekommen, Fruchtbarkeit", "de"),
        ("bekommt sie Haarausfall von der Chemotherapie", "de"),
        ("con la quimioterapia perderá todo el pelo", "es"),
        ("elle ne dort plus depuis la chimio, que faire", "fr"),
        ("czy po chemii wypadną jej włosy", "pl"),
        ("هل الكيماوي يأثر على الخصوبة", "ar"),
    ],
)
def test_a_topic_no_page_covers_asks_the_care_team(
    index: SearchIndex, question: str, locale: str
) -> None:
    assert index.find(question, locale).kind == "weak"


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("what are the side effects of chemo on the blood count", "en"),
        ("warum sind die Neutrophilen nach der Chemo so niedrig", "de"),
        ("la quimio baja los neutrófilos, cuánto tiempo", "es"),
    ],
)
def test_a_chemo_question_without_those_words_still_fits(
    index: SearchIndex, question: str, locale: str
) -> None:
    assert index.find(question, locale).kind == "pages"


def test_sleep_is_not_mended_to_a_farm_animal(index: SearchIndex) -> None:
    found = index.find("he wakes up every night and cannot get back to sleep", "en")
    assert found.kind != "pages"


# -- keyword families ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "locale", "dialog"),
    [
        ("is daycare ok for him while his neutrophils are low", "en", "prevention"),
        ("darf sie trotzdem in die Krippe", "de", "prevention"),
        ("puede volver al preescolar la semana que viene", "es", "prevention"),
        ("la garderie, c'est possible avec une neutropénie ?", "fr", "prevention"),
        ("czy może chodzić do zerówki", "pl", "prevention"),
        ("should she wear a mask on the tube", "en", "prevention"),
        ("muss sie beim Einkaufen eine Maske tragen", "de", "prevention"),
        ("hace falta mascarilla en el supermercado", "es", "prevention"),
        ("est-ce que je peux réchauffer le riz pour lui", "fr", "food"),
        ("can she eat fried rice from yesterday", "en", "food"),
        ("is this guide available in polish", "en", "about"),
        ("gibt es den Ratgeber auch auf Arabisch", "de", "about"),
        ("¿hay una versión en inglés?", "es", "about"),
        ("does the school need a letter from us about the absences", "en", "appointments"),
        ("necesito un justificante para el colegio", "es", "appointments"),
        ("can he pet the cows at the petting farm", "en", "pets_travel"),
        ("darf er auf dem Pferd reiten", "de", "pets_travel"),
        ("mi abuela tiene un huerto, puede ayudarla", "es", "garden"),
    ],
)
def test_a_keyword_family_finds_its_page(
    index: SearchIndex, question: str, locale: str, dialog: str
) -> None:
    assert dialog in found_dialogs(index, question, locale)


@pytest.mark.parametrize(
    ("question", "locale", "dialog"),
    [
        # G-CSF pens are kept in the fridge too: the fridge is not the food page's word
        ("the filgrastim pen was left out of the fridge overnight", "en", "food"),
        # "sleep" is not "sheep", "cheveux" not "chevaux"
        ("she cannot sleep", "en", "pets_travel"),
        ("ses cheveux tombent", "fr", "pets_travel"),
    ],
)
def test_a_near_word_does_not_name_the_family(
    index: SearchIndex, question: str, locale: str, dialog: str
) -> None:
    assert dialog not in found_dialogs(index, question, locale)[:1]


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("who do we phone in the middle of the night", "en"),
        ("wen rufen wir nachts an", "de"),
        ("a quién llamo de noche", "es"),
        ("qui appeler la nuit", "fr"),
        ("do kogo dzwonić w nocy", "pl"),
    ],
)
def test_night_finds_who_to_call(index: SearchIndex, question: str, locale: str) -> None:
    assert "who_to_call" in found_dialogs(index, question, locale)


def test_a_night_without_sleep_is_not_for_the_team_but_sleep_is(index: SearchIndex) -> None:
    assert index.find("he does not sleep at night", "en").kind == "weak"


@pytest.mark.parametrize(
    ("question", "locale"),
    [
        ("tell me about cyclic neutropenia", "en"),
        ("qué significa neutropenia cíclica", "es"),
        ("la neutropénie congénitale, c'est quoi", "fr"),
    ],
)
def test_congenital_and_cyclic_name_the_conditions(
    index: SearchIndex, question: str, locale: str
) -> None:
    assert "conditions" in found_dialogs(index, question, locale)
