"""Round 5 of the question search (docs/content.md): a dialog the question names by a keyword
of one word that no other dialog has gets its best page among the buttons. Every question
here was written for these tests, not taken from a test set."""

from __future__ import annotations

import pytest

from bot.search import SearchIndex
from bot.search.words import fold
from tests.support.content import shipped_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return shipped_index()


def _owner(index: SearchIndex, lang: str, word: str) -> str | None:
    language = index._index(lang)
    page = language.owners.get(fold(language.stem(word)))
    return None if page is None else index._pages[page].node


@pytest.mark.parametrize(
    ("locale", "question"),
    [
        (
            "en",
            "any treatment that helps kostmann syndrome with severe congenital neutropenia",
        ),
        ("de", "gibt es eine Behandlung bei schwerer kongenitaler Neutropenie"),
        ("es", "hay algun tratamiento para la neutropenia congenita severa de mi hija"),
        ("pl", "czy jest jakies leczenie na ciezka wrodzona neutropenie"),
    ],
)
def test_a_treatment_question_about_a_condition_gets_a_treatment_page(
    index: SearchIndex, locale: str, question: str
) -> None:
    found = index.find(question, locale)
    assert any(p.startswith("treatments/") for p in found.pages)
    # the condition's pages still lead: the named dialog comes last
    assert not found.pages[0].startswith("treatments/")


@pytest.mark.parametrize(
    ("locale", "question"),
    [
        ("en", "what is severe congenital neutropenia"),
        ("de", "was ist eine schwere kongenitale Neutropenie"),
    ],
)
def test_a_condition_question_without_a_treatment_word_gets_no_treatment_page(
    index: SearchIndex, locale: str, question: str
) -> None:
    found = index.find(question, locale)
    assert found.pages
    assert not any(p.startswith("treatments/") for p in found.pages)


def test_a_one_word_keyword_of_one_dialog_names_it(index: SearchIndex) -> None:
    assert _owner(index, "en", "treatment") == "treatments/topics"
    assert _owner(index, "de", "Behandlung") == "treatments/topics"


def test_a_word_of_a_keyword_phrase_names_no_dialog(index: SearchIndex) -> None:
    # "neutropenic" is only part of the food's "neutropenic diet"
    assert _owner(index, "en", "neutropenic") is None
    assert _owner(index, "fr", "neutropénique") is None


def test_a_german_compound_keyword_names_its_dialog_only_whole(index: SearchIndex) -> None:
    # "Schwester" (sister) is a part of "Krankenschwester" (nurse), not a keyword
    assert _owner(index, "de", "Schwester") is None


def test_a_question_that_already_has_the_dialog_keeps_its_other_pages(index: SearchIndex) -> None:
    # a treatments page leads, so the third button is not taken for another one
    found = index.find("is a stem cell transplant a treatment option", "en")
    assert found.pages[0] == "treatments/transplant"
    assert len(found.pages) == 3
    assert not found.pages[2].startswith("treatments/")
