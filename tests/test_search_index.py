"""The question search over the real dialogs and catalogs, in every shipped language."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import load_dialogs
from bot.content.model import DialogSet
from bot.i18n.render import Catalogs
from bot.search import SearchIndex
from bot.search.index import _Language
from bot.search.words import arabic_prefixes, fold, has_reading, stemmer, stop_words
from tests.support.content import ROOT, good_dialogs, shipped_index

#: (language, question, a page that must be among the buttons)
QUESTIONS = [
    ("en", "can my daughter go swimming in the pool", "water/"),
    ("en", "whats the tempreture for a fever", "fever/"),  # two typos mended
    ("en", "what is wiskott aldrich", "conditions/was"),  # the hyphenated name's parts
    ("en", "side effects of gcsf", "gcsf_effects/"),  # "G-CSF" written without the hyphen
    ("es", "¿puede mi hija nadar en la piscina?", "water/"),
    ("fr", "peut-elle manger du fromage et des œufs", "food/"),
    # German reads compound-split's table first (seconds): slow
    pytest.param("de", "Welche Impfungen darf er bekommen", "vaccines/", marks=pytest.mark.slow),
    # compounds split into their words (compound-split): "Rohmilch" + "Käse", "Mund" + "Pflege"
    pytest.param("de", "Rohmilchkäse erlaubt?", "food/", marks=pytest.mark.slow),
    pytest.param("de", "Mundpflege und Zähneputzen", "mouth_skin/", marks=pytest.mark.slow),
    # Polish reads Stempel's table first (seconds): slow
    pytest.param("pl", "czy córka może pływać na basenie", "water/", marks=pytest.mark.slow),
    pytest.param("pl", "jaka temperatura to goraczka", "fever/", marks=pytest.mark.slow),
    ("ar", "هل يمكن لابنتي السباحة في المسبح", "water/"),
]


@pytest.fixture(scope="module")
def dialogs() -> DialogSet:
    return load_dialogs(ROOT / "dialogs")


@pytest.fixture(scope="module")
def index(dialogs: DialogSet) -> SearchIndex:
    assert shipped_index().dialogs is dialogs
    return shipped_index()


@pytest.mark.parametrize(("lang", "question", "page"), QUESTIONS)
def test_the_right_page_is_among_the_best(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    found = index.find(question, lang)
    assert found.kind in ("pages", "weak")
    assert 1 <= len(found.pages) <= 3
    assert any(p.startswith(page) for p in found.pages), found
    assert set(found.pages) <= index.pages


@pytest.mark.parametrize(
    ("lang", "typed", "kind"),
    [
        ("en", "hello", "greeting"),
        ("en", "Hi there!", "greeting"),
        ("en", "thank you so much", "thanks"),
        ("es", "¡Hola!", "greeting"),
        ("es", "muchas gracias", "thanks"),
        ("fr", "Bonjour", "greeting"),
        ("fr", "merci beaucoup", "thanks"),
        pytest.param("de", "Guten Morgen", "greeting", marks=pytest.mark.slow),
        pytest.param("de", "Danke schön", "thanks", marks=pytest.mark.slow),
        pytest.param("pl", "Dzień dobry", "greeting", marks=pytest.mark.slow),
        pytest.param("pl", "dziękuję", "thanks", marks=pytest.mark.slow),
        ("ar", "مرحبا", "greeting"),
        ("ar", "شكرا جزيلا", "thanks"),
    ],
)
def test_greetings_and_thanks_get_their_own_answer(
    index: SearchIndex, lang: str, typed: str, kind: str
) -> None:
    assert index.find(typed, lang).kind == kind


def test_a_greeting_before_a_question_is_not_small_talk(index: SearchIndex) -> None:
    found = index.find("hello, which foods should we avoid with neutropenia?", "en")
    assert found.kind in ("pages", "weak")
    assert any(p.startswith("food/") for p in found.pages)
    assert index.find("ok fever", "en").kind not in ("greeting", "thanks")


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "how much does parking at the hospital cost"),
        pytest.param("de", "was kostet das Parken am Krankenhaus", marks=pytest.mark.slow),
        ("en", "zzzz qqqq"),
    ],
)
def test_a_question_no_page_answers_is_not_a_good_fit(
    index: SearchIndex, lang: str, question: str
) -> None:
    assert index.find(question, lang).kind in ("weak", "none")


def test_a_locale_with_a_territory_or_without_a_catalog(index: SearchIndex) -> None:
    assert (
        index.find("¿Puede ir a la piscina?", "es_MX").pages
        == index.find("¿Puede ir a la piscina?", "es").pages
    )
    assert (
        index.find("can she go swimming", "ja").pages
        == index.find("can she go swimming", "en").pages
    )


def test_each_language_is_indexed_once(dialogs: DialogSet) -> None:
    built: list[str] = []

    class Counting(SearchIndex):
        def _build(self, lang: str) -> _Language:
            built.append(lang)
            return super()._build(lang)

    index = Counting(dialogs, Catalogs.load(ROOT / "locales"))
    for _ in range(3):
        index.find("can she go swimming", "en")
        index.find("¿puede nadar?", "es")
    index.warm(["en", "es", "fr"])
    assert built == ["en", "es", "fr"]


def test_pages_are_readable_steps_a_search_may_open(index: SearchIndex) -> None:
    pages = index.pages
    assert {"fever/ask", "water/swimming", "conditions/ain", "settings/ask_phone"} <= pages
    assert "welcome/hello" not in pages and "menu/main" not in pages
    # saving a consent answer, raising a flag or showing a typed count's band: never from
    # a search
    assert not {"settings/consent_yes", "sepsis/call_now", "blood_count/severe"} & pages
    assert str(index.label("conditions/ain").source) == "Autoimmune neutropenia (AIN)"
    assert str(index.label("water/swimming").source) == "Swimming"


def test_a_dialog_set_without_pages_finds_nothing(tmp_path: Path) -> None:
    dialogs = load_dialogs(good_dialogs(tmp_path))
    index = SearchIndex(dialogs, Catalogs.load(ROOT / "locales"))
    assert index.find("can she go swimming", "en").kind == "none"
    assert index.find("hello", "en").kind == "greeting"


def test_a_shared_label_gets_its_dialogs_title(index: SearchIndex) -> None:
    inherited = index.detail("inherited/scn")
    assert inherited is not None and inherited.source == "Is it inherited?"
    assert index.label("inherited/scn").source == index.label("conditions/scn").source
    assert index.detail("water/swimming") is None  # a name no other page has


@pytest.mark.parametrize(
    ("written", "same"),
    [
        ("عدلات", "العدلات"),  # the article: Snowball alone stems these two apart
        ("والبيك", "بيك"),  # "and the"
        ("بالطيارة", "طيارة"),  # "with the"
        ("عالطوارئ", "الطوارئ"),  # spoken "on the", written as one word
        ("للطفل", "طفل"),  # "for the"
        ("إبرة", "ابره"),  # alef with hamza, ta marbuta
        ("حـرارة", "حرارة"),  # tatweel
        ("حَرارَة", "حرارة"),  # vowel marks
    ],
)
def test_arabic_article_clitics_and_letter_variants_meet(written: str, same: str) -> None:
    stem = stemmer("ar")
    assert fold(stem(written)) == fold(stem(same))


def test_a_short_arabic_word_keeps_its_letters() -> None:
    # "ولد" (boy) is not "and" + "لد"; "ال" alone is not stripped to nothing
    assert arabic_prefixes("ولد") == "ولد"
    assert arabic_prefixes("الم") == "الم"
    # "عالية" (high) is not "on the" + "ية"
    assert arabic_prefixes("عالية") == arabic_prefixes("عاليه") == "عاليه"


def test_spoken_arabic_function_words_are_stop_words_and_content_words_are_not() -> None:
    stop = stop_words("ar")
    for spoken in ("ينفع", "بدي", "ايه", "مش", "عشان"):  # can, I want, what, not, because
        assert fold(spoken) in stop
    for content in ("عدد", "حار", "الذاتي"):  # count, hot, auto(immune): stopwordsiso has them
        assert fold(content) not in stop


def test_a_short_arabic_word_no_page_has_is_not_mended_into_another(index: SearchIndex) -> None:
    # "طياره" (plane) is one letter from "حراره" (fever): a question about flying is not
    # about fever
    language = index._index("ar")
    assert fold(language.stem("حرارة")) not in index._query(language, ["بالطيارة"])


def test_spoken_arabic_question_finds_its_page(index: SearchIndex) -> None:
    # Egyptian "can he eat", "not": left out, the food words are what counts
    found = index.find("ينفع ياكل جبنة قريش او لبن مش مبستر", "ar")
    assert any(p.startswith("food/") for p in found.pages), found


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("en", "cheers that helped"),  # "helped": the help page's keyword, after a thanks
        ("en", "thanks a lot"),  # "a" is a keyword's word ("port a cath"), still no topic
        ("en", "thanks for your help"),
        ("en", "thank you very much that was helpful"),
        ("en", "ok thanks"),
        ("fr", "merci pour votre aide"),
        ("es", "gracias me ayudó mucho"),
        ("ar", "شكرا جزيلا"),
    ],
)
def test_thanks_for_the_help_is_thanks(index: SearchIndex, lang: str, typed: str) -> None:
    assert index.find(typed, lang).kind == "thanks"


def test_help_without_a_thanks_and_a_question_after_one_are_searched(index: SearchIndex) -> None:
    assert index.find("help me", "en").kind not in ("thanks", "greeting")
    found = index.find("thanks can he have the flu jab", "en")
    assert any(p.startswith("vaccines/") for p in found.pages), found


def test_a_titles_common_word_is_a_stop_word(index: SearchIndex) -> None:
    # "and" ("Fever and pain medicines") and "a" ("port a cath") are a title's and a
    # keyword's words, yet on most pages: left out of a question
    language = index._index("en")
    query = index._query(language, ["and", "what", "if", "she", "gets", "a", "temperature"])
    assert "and" not in query and "a" not in query
    assert fold(language.stem("temperature")) in query


def test_a_first_step_that_only_routes_is_a_page_read_by_where_it_routes(
    index: SearchIndex,
) -> None:
    # "Ask a nurse" opens with branches only (to the consent, or "there is no nurse here")
    assert "nurse/start" in index.pages
    assert str(index.label("nurse/start").source) == "Ask a nurse"
    # the steps it routes to are reached through it, never from a search
    assert not {"nurse/consent", "nurse/not_here", "nurse/agreed"} & index.pages
    assert "nurse/start" in index.find("could one of the nurses answer my questions", "en").pages
    assert "nurse/start" in index.find("quisiera hablar con un enfermero", "es").pages


def test_nursery_is_not_the_nurse(index: SearchIndex) -> None:
    assert "nurse/start" not in index.find("is nursery ok for him this winter", "en").pages


@pytest.mark.parametrize(
    ("lang", "typed", "kind"),
    [
        ("en", "good night", "greeting"),
        ("en", "goodnight, you have been lovely", "greeting"),
        ("fr", "bonne nuit", "greeting"),
        pytest.param("pl", "dobranoc", "greeting", marks=pytest.mark.slow),
        ("ar", "تصبح على خير", "greeting"),
        ("ar", "shukran ya doktor", "thanks"),  # Arabic in Latin letters
    ],
)
def test_good_night_and_latin_script_thanks_are_courtesies(
    index: SearchIndex, lang: str, typed: str, kind: str
) -> None:
    assert index.find(typed, lang).kind == kind


@pytest.mark.parametrize(
    ("lang", "typed"),
    [
        ("en", "who to call at night"),  # "night" of "good night" alone is no greeting
        ("en", "good food for him"),  # nor "good" of "good morning"
        ("fr", "qui appeler la nuit"),
        ("ar", "على مين نتصل بالليل"),
    ],
)
def test_a_word_of_a_courtesy_phrase_alone_is_no_courtesy(
    index: SearchIndex, lang: str, typed: str
) -> None:
    assert index.find(typed, lang).kind not in ("greeting", "thanks")


@pytest.mark.parametrize(
    ("lang", "question", "page"),
    [
        # everyday words and brand names for a page's topic (the dialogs' keywords)
        ("en", "we are flying to italy next month", "pets_travel/"),
        ("en", "is brie or blue cheese safe for her", "food/"),
        ("en", "does he still need the mmr", "vaccines/"),
        ("en", "why is she on septrin every day", "treatments/"),
        ("en", "should i ring our gp first", "who_to_call/"),
        ("fr", "on prend l'avion pour le Portugal", "pets_travel/"),
        ("fr", "il a des aphtes", "mouth_skin/"),
        ("es", "le toca la triple vírica", "vaccines/"),
        ("es", "puede comer tacos en la calle", "eating_out/"),
        ("ar", "هل ينفع ادفيل للطفل", "fever_medicines/"),
        ("ar", "ليش ياخذ باكتريم", "treatments/"),
        pytest.param("de", "dürfen wir Döner holen", "eating_out/", marks=pytest.mark.slow),
        pytest.param("pl", "czy może jeść jajka na miękko", "food/", marks=pytest.mark.slow),
        pytest.param("pl", "po co mu biseptol", "treatments/", marks=pytest.mark.slow),
    ],
)
def test_everyday_words_and_brand_names_find_their_page(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    assert any(p.startswith(page) for p in index.find(question, lang).pages)


@pytest.mark.parametrize(
    ("lang", "word"),
    [
        ("fr", "dans"),
        ("es", "al"),
        ("ar", "غير"),
        ("en", "co"),
        pytest.param("pl", "za", marks=pytest.mark.slow),
        pytest.param("de", "im", marks=pytest.mark.slow),
    ],
)
def test_a_keyword_phrase_makes_no_stop_word_a_topic(
    index: SearchIndex, lang: str, word: str
) -> None:
    # "au" of "au revoir" or "غير" of a longer phrase would outweigh a question's topic
    assert fold(word) in index._index(lang).stop


def test_the_skin_page_is_not_outranked_by_its_dialogs_first_step(index: SearchIndex) -> None:
    # words of a sub-page ("cuts") are not the dialog's keywords, which count for its first
    # step only and would push the sub-page off the buttons
    assert "mouth_skin/skin" in index.find("how should we clean a cut", "en").pages


@pytest.mark.parametrize(
    ("lang", "question"),
    [
        ("en", "she is 38.6, what should i do"),
        ("en", "101.5 F and grumpy"),
        ("fr", "elle est à 38,7 depuis ce matin"),
        ("es", "tiene 39 grados"),
        ("ar", "حرارته ٣٨٫٥ شو اعمل"),
    ],
)
def test_a_body_temperature_in_a_question_is_about_the_fever_check(
    index: SearchIndex, lang: str, question: str
) -> None:
    assert index.find(question, lang).pages[:1] == ("fever/ask",)


@pytest.mark.parametrize(
    ("typed", "reading"),
    [
        ("38,4", True),
        ("39°", True),
        ("٣٨٫٥", True),
        ("102.2 F", True),
        ("born at 37 weeks", False),  # a bare whole number may be weeks, kilos or years
        ("he weighs 38 kg", False),
        ("her count is 0.4", False),
        ("call 111 at 3am", False),
    ],
)
def test_what_reads_as_a_temperature(typed: str, reading: bool) -> None:
    assert has_reading(typed) is reading


@pytest.mark.parametrize(
    ("lang", "question", "page"),
    [
        ("en", "how fast can things deteriorate", "rapid_sepsis/"),
        ("en", "is a paddling pool ok in the garden", "water/"),
        ("es", "puede meterse en la pileta del club", "water/"),
        ("ar", "متى نروح عالطوارئ", "sepsis/"),
        ("ar", "نشرب مية الحنفية", "water/"),
        pytest.param("de", "darf sie ins Freibad", "water/", marks=pytest.mark.slow),
        pytest.param("pl", "czy może sadzić kwiaty na działce", "garden/", marks=pytest.mark.slow),
    ],
)
def test_local_words_for_a_pages_topic(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    assert any(p.startswith(page) for p in index.find(question, lang).pages)


@pytest.mark.parametrize(
    ("lang", "question", "kind"),
    [
        ("en", "is tap water safe to drink", "pages"),
        ("en", "why is she on septrin every day", "pages"),
        ("es", "puede nadar en la piscina", "pages"),
        # one rare word shared by chance, and little of the question's weight: weak
        ("en", "will they pay for the bus ticket to the clinic", "weak"),
        ("fr", "est-ce qu'on rembourse le taxi pour l'hôpital", "weak"),
    ],
)
def test_a_good_fit_and_a_chance_one(
    index: SearchIndex, lang: str, question: str, kind: str
) -> None:
    assert index.find(question, lang).kind in ((kind,) if kind == "pages" else ("weak", "none"))


@pytest.mark.parametrize(
    ("lang", "question", "page"),
    [
        ("en", "how do i use this bot", "help/"),
        ("fr", "comment utiliser ce bot", "help/"),
        ("en", "is there a support group we could join", "appointments/"),
        ("es", "hay alguna asociación para familias", "appointments/"),
        ("ar", "هل توجد جمعية للأهالي", "appointments/"),
    ],
)
def test_how_to_use_the_guide_and_support_groups(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    assert any(p.startswith(page) for p in index.find(question, lang).pages)


def test_a_thanks_for_the_bot_is_still_thanks(index: SearchIndex) -> None:
    # the help page's keywords ("bot") are courtesy after a thanks, as "help" is
    assert index.find("thanks, great bot", "en").kind == "thanks"


@pytest.mark.parametrize(
    ("question", "first", "inside"),
    [
        ("we want to take him on holiday to france", "pets_travel/topics", "pets_travel/travel"),
        ("is our cat a problem", "pets_travel/topics", "pets_travel/pets"),
        ("why is she on septrin every day", "treatments/topics", "treatments/antibiotics"),
    ],
)
def test_a_dialogs_first_step_brings_its_best_page_inside(
    index: SearchIndex, question: str, first: str, inside: str
) -> None:
    # the first step has the dialog's keywords and stays first; the page inside that fits
    # best comes next, where it would otherwise fall off the buttons
    found = index.find(question, "en")
    assert found.pages[:2] == (first, inside), found


def test_a_page_of_a_dialog_without_pages_inside_comes_alone(index: SearchIndex) -> None:
    found = index.find("is blue cheese ok", "en")
    assert found.pages[0] == "food/food"
    assert not any(p.startswith("food/") for p in found.pages[1:])


@pytest.mark.parametrize(
    ("lang", "question", "page"),
    [
        # young and small pets the pets page is about but never named (2026-12-07, round 2)
        ("en", "is a puppy a good idea for him", "pets_travel/"),
        ("fr", "un chiot à la maison c'est possible", "pets_travel/"),
        ("es", "mi hijo quiere un cachorro", "pets_travel/"),
        ("ar", "نجيب جرو للبيت", "pets_travel/"),
        pytest.param("de", "ein Welpe für unsere Tochter", "pets_travel/", marks=pytest.mark.slow),
        pytest.param("pl", "czy możemy mieć chomika", "pets_travel/", marks=pytest.mark.slow),
        # the emergency signs page by the names families give its list
        ("en", "list the danger signs please", "sepsis/"),
        ("fr", "quels sont les signes d'alerte", "sepsis/"),
        ("es", "cuales son las señales de peligro", "sepsis/"),
        ("ar", "ما هي علامات الخطورة", "sepsis/"),
        pytest.param("de", "welche Alarmzeichen gibt es", "sepsis/", marks=pytest.mark.slow),
        pytest.param("pl", "jakie są znaki ostrzegawcze", "sepsis/", marks=pytest.mark.slow),
    ],
)
def test_young_pets_and_warning_signs_find_their_page(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    assert any(p.startswith(page) for p in index.find(question, lang).pages)


@pytest.mark.parametrize(
    ("lang", "question", "page"),
    [
        # the near misses: a puppet is no puppy, a road sign is no warning sign
        ("en", "can she make a puppet at nursery", "pets_travel/"),
        ("en", "what does the sign on the ward door mean", "sepsis/"),
    ],
)
def test_near_words_do_not_open_those_pages(
    index: SearchIndex, lang: str, question: str, page: str
) -> None:
    assert not any(p.startswith(page) for p in index.find(question, lang).pages[:1])
