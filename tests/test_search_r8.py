"""Round 8 of the question search, Arabic only (docs/content.md): a spoken verb of three root
letters is tried bare when the pages do not have it ("تخرم" -> "خرم"), and the Arabic keywords
families use that the catalog lacked. Every question here was written for these tests, not
taken from a test set.
"""

from __future__ import annotations

import pytest

from bot.search import SearchIndex
from bot.search.words import arabic_variants
from tests.support.content import found_dialogs, shipped_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return shipped_index()


# -- a verb of three root letters, tried bare ------------------------------------------------


def test_a_four_letter_verb_is_tried_without_its_person_last() -> None:
    assert arabic_variants("تخرم")[-1] == "خرم"
    assert arabic_variants("نخزق")[-1] == "خزق"


def test_a_longer_word_or_a_third_person_verb_is_not_cut_to_three() -> None:
    assert "ريم" not in arabic_variants("تخريم")
    assert "خرم" not in arabic_variants("يخرم")


@pytest.mark.parametrize("question", ["هل تخزق اذن البنت ممكن", "متى تخرم البنت اذنها"])
def test_piercing_as_a_spoken_verb_finds_the_tattoo_page(index: SearchIndex, question: str) -> None:
    assert "tattoos" in found_dialogs(index, question, "ar")


def test_a_verb_whose_bare_form_no_page_has_changes_nothing(index: SearchIndex) -> None:
    assert "tattoos" not in found_dialogs(index, "تكتب الحرارة كم", "ar")


# -- keywords families use ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "dialog"),
    [
        ("نشتري سناك من الدكان؟", "eating_out"),
        ("نبي بيبي ثاني هل يصير عنده نفس المرض", "inherited"),
        ("عندنا طير في قفص بالصالة", "pets_travel"),
        ("ياخذ الشيميو كل اسبوع متى ترجع المناعة", "neutropenia_chemo"),
        ("عندنا عرس الخميس نروح؟", "prevention"),
        ("نسقيه حليب ناقة؟", "food"),
        ("نغرس نعناع بالبلكونة", "garden"),
    ],
)
def test_everyday_arabic_words_find_their_page(
    index: SearchIndex, question: str, dialog: str
) -> None:
    assert dialog in found_dialogs(index, question, "ar")


def test_born_with_the_condition_is_not_a_second_child(index: SearchIndex) -> None:
    # "ولد" (was born; a boy) is not a keyword of the inheritance page: only "بيبي ثاني",
    # "طفل ثاني" name a second child
    found = found_dialogs(index, "ولد ابني قبل شهرين بنقص العدلات الخلقي", "ar")
    assert found[0] == "conditions"
    assert "inherited" not in found


@pytest.mark.parametrize(
    ("question", "dialog"),
    [
        ("اعطيه نوفالجين للسخونة؟", "fever_medicines"),
        ("شراب بروفينال كم مرة", "fever_medicines"),
        ("nrou7 el bahr fel sayf?", "water"),
    ],
)
def test_brand_names_and_arabizi_find_their_page(
    index: SearchIndex, question: str, dialog: str
) -> None:
    assert dialog in found_dialogs(index, question, "ar")


def test_a_brand_name_is_not_a_word_of_every_medicine_question(index: SearchIndex) -> None:
    assert "fever_medicines" not in found_dialogs(index, "ناخذ شراب الكحة متى", "ar")
