"""Round 4 of the question search (docs/content.md): spoken and Latin-script Arabic, Arabic
clitics and verb prefixes, how much a word no page has weighs in Arabic, hyphenated stop
words, and the keyword families families use. Every question here was written for these
tests, not taken from a test set."""

from __future__ import annotations

import pytest

from bot.search import SearchIndex
from bot.search import index as search_index
from bot.search.index import _Language, _unjoined
from bot.search.words import arabic_prefixes, arabic_variants, stemmer, stop_words, words
from tests.support.content import shipped_index


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return shipped_index()


@pytest.fixture(scope="module")
def arabic(index: SearchIndex) -> _Language:
    return index._index("ar")


# -- stop words ---------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["فهي", "وهو", "وانتي", "فاحنا"])
def test_an_arabic_stop_word_after_and_or_so_is_a_stop_word(arabic: _Language, word: str) -> None:
    assert arabic.stopped(word)


@pytest.mark.parametrize("word", ["وردة", "فطور", "ولد", "فحص"])
def test_an_arabic_word_starting_with_waw_or_fa_is_not_stopped_for_it(
    arabic: _Language, word: str
) -> None:
    assert not arabic.stopped(word)


def test_the_conjunction_is_stripped_only_in_arabic(index: SearchIndex) -> None:
    # "fthe" is no English word for "the": only Arabic has the one-letter conjunctions
    assert index._index("en").stopped("the")
    assert not index._index("en").stopped("fthe")


def test_arabizi_function_words_are_stop_words_and_its_names_of_things_are_not() -> None:
    stop = stop_words("ar")
    assert {"wach", "shno", "dyal", "mumkin", "kifach", "3and"} <= stop
    assert not {"neupogen", "7arara", "sba7a"} & stop


@pytest.mark.parametrize(
    "question",
    ["shno hiya neupogen w kifach tet3ata", "wach neupogen kaydir chi mochkil"],
)
def test_a_latin_script_arabic_question_is_about_its_name_of_a_thing(
    index: SearchIndex, question: str
) -> None:
    found = index.find(question, "ar")
    assert found.kind == "pages"
    assert found.pages[0].startswith("gcsf_effects/")


def test_a_hyphenated_word_of_stop_words_names_no_topic(index: SearchIndex) -> None:
    french = index._index("fr")
    typed = words("est-ce que la g-csf fait mal")
    kept = _unjoined(french, typed)
    assert "estce" not in kept  # "est" and "ce" are stop words
    assert "gcsf" in kept  # "g" is too short to be a part, "csf" is no stop word
    assert index.find("est-ce que mon fils va perdre ses cheveux", "fr").kind != "pages"


# -- Arabic clitics, verb prefixes, elision -----------------------------------------------


def test_arabic_variants_of_a_word_no_page_has() -> None:
    assert "طفل" in arabic_variants("لطفل")  # for a child
    assert "يروح" in arabic_variants("هيروح")  # Egyptian "will go"
    assert "يكبر" in arabic_variants("كيكبر")  # Moroccan "grows"
    assert "يسبح" in arabic_variants("تسبح")  # she swims: the pages write "he swims"
    assert arabic_variants("لبن") == []  # three letters: a word of its own


def test_a_proclitic_is_dropped_only_from_a_word_no_page_has(
    index: SearchIndex, arabic: _Language
) -> None:
    assert index._query(arabic, ["لطفل"]) == index._query(arabic, ["طفل"])
    # "لقاح" (vaccine) is a page's word as it is: its "ل" is no clitic
    stem = stemmer("ar")
    assert index._query(arabic, ["لقاح"]) == [stem("لقاح")]


def test_a_spoken_verb_finds_the_pages_form(index: SearchIndex, arabic: _Language) -> None:
    assert index._query(arabic, ["تزرع"]) == index._query(arabic, ["يزرع"])


@pytest.mark.parametrize(("typed", "bare"), [("l'analyse", "analyse"), ("d'urgence", "urgence")])
def test_a_french_elision_before_arabizi_is_dropped(typed: str, bare: str) -> None:
    assert arabic_prefixes(typed) == bare
    assert arabic_prefixes("lait") == "lait"


# -- how much a word no page has weighs ------------------------------------------------------


def test_in_arabic_a_word_no_page_has_weighs_less_than_the_rarest(
    index: SearchIndex, arabic: _Language, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = index._query(arabic, words("القسطرة اللي في صدر بنتي، كل كام يوم نغير الشاش"))
    assert not all(arabic.known(t) for t in question)
    page = next(i for i, p in enumerate(index._pages) if p.node == "central_line/care")
    lighter = index._fit(arabic, question, page)
    monkeypatch.setitem(search_index.UNKNOWN_WEIGHT, "ar", 1.0)
    assert index._fit(arabic, question, page) < lighter
    assert "en" not in search_index.UNKNOWN_WEIGHT  # other languages: the rarest word's weight


@pytest.mark.parametrize(
    "question",
    ["ابني بطل ينام كويس بالليل", "هل تقدر بنتي تصوم رمضان"],  # sleep, fasting: no page
)
def test_an_arabic_question_no_page_covers_is_still_no_good_fit(
    index: SearchIndex, question: str
) -> None:
    assert index.find(question, "ar").kind != "pages"


# -- keyword families -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "question", "page"),
    [
        ("en", "my son keeps catching every bug going", "prevention/"),
        ("es", "los abuelos quieren darle besos, es un problema", "prevention/"),
        ("ar", "ممكن جدته تبوسه؟", "prevention/"),
        ("es", "me siento agobiada con todo esto", "appointments/"),
        ("fr", "ces infos sont fiables ?", "about/"),
        ("ar", "هل المعلومات هنا موثوقة", "about/"),
        ("de", "dürfen wir mit ihm zum Döner", "eating_out/"),
        ("ar", "ابني بيلعب بالتراب في الجنينة كل يوم", "garden/"),
        ("fr", "est-ce que je peux lui offrir des boucles d'oreilles", "tattoos/"),
        ("ar", "هل ينفع تلبس حلق", "tattoos/"),
        pytest.param(
            "pl",
            "czy może pomóc przesadzać kwiaty na balkonie",
            "garden/",
            marks=pytest.mark.slow,  # Polish reads Stempel's table first
        ),
    ],
)
def test_everyday_words_for_a_pages_topic_find_it(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    found = index.find(question, lang)
    assert any(p.startswith(page) for p in found.pages), found


def test_a_new_keyword_is_no_typo_target_for_a_short_word(index: SearchIndex) -> None:
    # "cope" was left out: Spanish "cole" (school) was mended to it
    assert "cope" not in index._index("es").surface


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "who do we phone on a weekend"),
        ("fr", "on appelle qui pendant le week-end"),
        ("ar", "بمين نتصل في الويكند"),
    ],
)
def test_the_weekend_is_about_who_to_call(index: SearchIndex, lang: str, question: str) -> None:
    assert index.find(question, lang).pages[0].startswith("who_to_call/")


def test_a_week_is_not_the_weekend(index: SearchIndex) -> None:
    # "نهاية الأسبوع" (the end of the week) is left out: its "week" pulled how often counts
    # are taken to who to call
    found = index.find("كل كام اسبوع يعملوا تحليل الدم؟", "ar")
    assert not any(p.startswith("who_to_call/") for p in found.pages), found
