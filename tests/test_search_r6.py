"""Round 6 of the question search (docs/content.md): a German keyword compound's part that
another dialog's keywords have whole is that dialog's word; a word of the English keywords is
a name, not a compound; "lot" is a stop word; and the keyword families families use that the
pages never named. Every question here was written for these tests, not taken from a test set.
"""

from __future__ import annotations

import pytest

from bot.search import SearchIndex
from bot.search.words import stemmer, stems
from tests.support.content import found_dialogs, shipped_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return shipped_index()


# -- compounds ------------------------------------------------------------------------------


def test_a_compounds_part_in_foreign_is_left_out() -> None:
    def split(word: str) -> tuple[str, ...]:
        return ("kranken", "schwester") if word == "krankenschwester" else ()

    stem = stemmer("de")
    plain = stems("Krankenschwester", stem, split)
    kept = stems("Krankenschwester", stem, split, foreign=frozenset({"schwest"}))
    assert "schwest" in plain
    assert "schwest" not in kept
    assert kept[0] == plain[0]  # the whole word stays


@pytest.mark.parametrize(
    "question",
    [
        "seine Schwester hat Windpocken, darf sie zu Besuch kommen",
        "meine Schwester bekommt ein Baby, ist das erblich",
    ],
)
def test_a_sister_is_not_the_nurse(index: SearchIndex, question: str) -> None:
    pytest.importorskip("compound_split")
    assert "nurse" not in found_dialogs(index, question, "de")


def test_the_nurse_compound_still_finds_the_nurse(index: SearchIndex) -> None:
    found = found_dialogs(index, "kann ich mit einer Krankenschwester sprechen", "de")
    assert found[:1] == ["nurse"]


def test_a_name_from_the_english_keywords_is_not_split(index: SearchIndex) -> None:
    pytest.importorskip("compound_split")
    # "Kostmann" is not "Kost|mann": what something costs is no condition
    assert "conditions" not in found_dialogs(index, "was kostet ein Parkplatz an der Klinik", "de")
    assert "conditions" in found_dialogs(index, "was ist das Kostmann-Syndrom genau", "de")


# -- "lot" ----------------------------------------------------------------------------------


def test_thanks_a_lot_is_a_thanks(index: SearchIndex) -> None:
    assert index.find("thanks a lot, that was really helpful", "en").kind == "thanks"


def test_a_lot_in_a_question_leaves_the_question(index: SearchIndex) -> None:
    found = index.find("thanks, is there a lot of risk with soft cheese", "en")
    assert found.kind == "pages"
    assert found.pages[0] == "food/food"


# -- keyword families -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("locale", "question", "dialog"),
    [
        # leftovers and reheating
        ("en", "is it ok to warm up last night's leftovers for her", "food"),
        ("de", "darf er aufgewärmte Reste vom Vortag essen", "food"),
        ("fr", "peut-on réchauffer les restes du dîner pour elle", "food"),
        ("es", "puedo darle sobras recalentadas del almuerzo", "food"),
        ("pl", "czy może jeść odgrzewane resztki z wczoraj", "food"),
        ("fr", "est-ce qu'on peut manger un yaourt", "food"),
        # nappy rash, grazes
        ("en", "which cream helps with nappy rash", "mouth_skin"),
        ("fr", "que faire pour une égratignure au genou", "mouth_skin"),
        ("de", "wie pflege ich eine Schürfwunde am Ellbogen", "mouth_skin"),
        ("en", "how do i treat a cut on his knee", "mouth_skin"),
        # a sibling's vaccine
        ("es", "su hermanito va a recibir la vacuna del rotavirus", "vaccines"),
        ("en", "should her baby brother have the bcg", "vaccines"),
        # the rest
        ("de", "ab wie viel Grad soll ich anrufen", "fever"),
        ("en", "can he keep a rabbit in his room", "pets_travel"),
        ("en", "my mum has breast cancer, when is her count lowest", "neutropenia_chemo"),
        ("en", "does this replace what our doctor says", "about"),
        ("es", "esto sustituye lo que dice el pediatra", "about"),
        ("en", "kostmann", "conditions"),
        ("pl", "czy można podać ibufen przy gorączce", "fever_medicines"),
        ("ar", "فيفادول للطفل كم مرة", "fever_medicines"),
        ("ar", "بدي خزق دينين ابني", "tattoos"),
        ("en", "how do i keep his wiggly dry in the shower", "central_line"),
        # public transport is a crowd
        ("en", "do we have to avoid the bus to school", "prevention"),
        ("fr", "peut-on prendre le métro aux heures de pointe", "prevention"),
        ("es", "puede ir en autobús al colegio", "prevention"),
        # raw-meat dishes
        ("en", "is steak tartare ok for her", "food"),
        ("de", "darf er Mett essen", "food"),
        ("en", "can i speak to a human please", "nurse"),
        ("en", "what do the fbc results mean", "blood_count"),
    ],
)
def test_a_family_word_finds_its_page(
    index: SearchIndex, locale: str, question: str, dialog: str
) -> None:
    assert dialog in found_dialogs(index, question, locale)


def test_night_is_no_keyword_of_who_to_call(index: SearchIndex) -> None:
    # sleep questions no page covers: "night" would fit them to who to call
    found = index.find("he can't sleep at night, any tips", "en")
    assert found.kind != "pages"


def test_ice_cream_is_not_a_skin_cream(index: SearchIndex) -> None:
    assert "mouth_skin" not in found_dialogs(index, "can she have ice cream", "en")


def test_his_is_a_stop_word_again(index: SearchIndex) -> None:
    # "pierce his ears" kept "his" out of the stop words: a cut on his knee found the tattoos
    assert found_dialogs(index, "how do i treat a cut on his knee", "en")[0] != "tattoos"


def test_parking_is_not_packing(index: SearchIndex) -> None:
    # "packing" for travel was left out: "parking" was mended to it
    found = index.find("how much is parking at the children's hospital", "en")
    assert found.kind != "pages"


def test_a_nosebleed_is_not_a_nose_ring(index: SearchIndex) -> None:
    # nose piercings were left out: "nose" would take nosebleeds and runny noses to tattoos
    assert "tattoos" not in found_dialogs(index, "is a nose bleed a red sign", "en")
    assert found_dialogs(index, "he has a runny nose can he go to school", "en")[0] == "prevention"


def test_a_dose_is_not_chemo(index: SearchIndex) -> None:
    # "جرعة" (a dose) was left out of the chemo keywords: a paracetamol dose is no chemo
    assert "fever_medicines" in found_dialogs(index, "كم جرعة البنادول للطفل", "ar")


def test_instead_stays_a_stop_word(index: SearchIndex) -> None:
    # a keyword's stop word leaves the stop words of every question: "instead" was left out
    assert "about" not in found_dialogs(index, "can i give ibuprofen instead of paracetamol", "en")
