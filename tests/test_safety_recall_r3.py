"""Round 3 (2026-12-07): recall, by family of wordings. Every sentence here was written for
this file (none copied from a blind set), both ways: the warning that must get its answer and
the near-miss that must not alarm (or only asks).
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind, urgent_key

# Feeling unwell with a sign of infection (a cough, a sore throat, burning when peeing):
# who_to_call.yaml's amber list, with feeling ill: call the team now.
UNWELL_INFECTION = [
    ("I feel dreadful and I've got a chesty cough, chemo was tuesday", "en"),
    ("he's coughing a lot and feels absolutely rotten", "en"),
    ("it stings when she wees and she feels horrible", "en"),
    ("mi hijo tose mucho y se encuentra fatal", "es"),
    ("me arde al hacer pis y me siento muy mal", "es"),
    ("elle tousse depuis ce matin et se sent vraiment pas bien", "fr"),
    ("ça me pique quand je fais pipi et je me sens au plus mal", "fr"),
    ("er hustet seit gestern und fühlt sich richtig mies", "de"),
    ("mir geht es total dreckig und es brennt beim Pinkeln", "de"),
    ("kaszle od rana i czuje sie fatalnie", "pl"),
    ("piecze przy sikaniu i źle się czuję", "pl"),
    ("عنده كحه وتعبان", "ar"),
]
UNWELL_INFECTION_CALM = [
    ("he has a bit of a cough but otherwise he's fine", "en"),
    ("I felt terrible about missing his clinic appointment", "en"),
    ("my cough is better and I don't feel unwell any more", "en"),
    ("tiene un poco de tos pero está contento y juega", "es"),
    ("il tousse un peu mais il va très bien", "fr"),
    ("sie hustet ein bisschen, ist aber fit und fröhlich", "de"),
]


@pytest.mark.parametrize(("text", "lang"), UNWELL_INFECTION)
def test_feeling_unwell_with_an_infection_sign_is_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is not None and found.kind == "urgent", text
    assert found.message_key == "urgent_sign", (text, found)


@pytest.mark.parametrize(("text", "lang"), UNWELL_INFECTION_CALM)
def test_a_cough_without_feeling_unwell_does_not_alarm(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("je tousse et je me sens mal, j'ai terminé la chimio lundi", "fr"),
        ("tiene tos y se siente fatal, acabó el ciclo hace cinco días", "es"),
    ],
)
def test_finishing_a_course_of_chemo_is_not_the_sign_being_over(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent", text


def test_the_fever_being_over_still_asks(screener: Screener) -> None:
    assert screen_kind(screener, "il avait des frissons hier, c'est fini maintenant", "fr") != (
        "urgent"
    )


# A baby of any age who is not feeding: call the emergency number (sepsis.yaml,
# who_to_call.yaml: "a baby who is not feeding"). An older child or an adult: the care team.
@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("our 8 month old has refused every bottle today", "en", "urgent_emergency"),
        ("the baby won't feed at all since breakfast", "en", "urgent_emergency"),
        ("mi bebé de 9 meses no quiere ni el pecho ni el biberón", "es", "urgent_emergency"),
        ("mon bébé de 10 mois ne veut plus boire du tout", "fr", "urgent_emergency"),
        ("unser Säugling trinkt seit dem Morgen gar nichts", "de", "urgent_emergency"),
        ("niemowlak od rana nic nie chce pić", "pl", "urgent_emergency"),
        ("البيبي رافض الرضاعه من الصبح", "ar", "urgent_emergency"),
        ("a 6 week old who won't feed", "en", "urgent_baby"),
        ("my 9 year old won't eat anything today", "en", "urgent_sign"),
        ("mi hijo de 12 años no quiere comer nada", "es", "urgent_sign"),
    ],
)
def test_a_baby_not_feeding_gets_the_emergency_answer(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert urgent_key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [("Synek ma 12 dni i 38,1", "pl"), ("nourrisson 20 jours, 38,2 au thermomètre", "fr")],
)
def test_a_baby_age_in_days_after_the_child_word(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_baby", text


def test_fever_for_3_days_is_not_a_baby_age(screener: Screener) -> None:
    assert urgent_key(screener, "synek ma od 3 dni gorączkę 38,5", "pl") == "urgent_fever"


# A line site's heat is the site's: the line-site answer, not the fever one.
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("the skin round his hickman is swollen and warm to touch", "en"),
        ("el reservorio está rojo y caliente", "es"),
        ("مكان الهيكمان سخن وفيه افرازات", "ar"),
        ("فتحه البورت حمرا ومتورمه", "ar"),
    ],
)
def test_a_hot_line_site_is_the_line_site_sign(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is not None and found.rule == "sign.line_site", (text, found)


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("his port looks fine but he feels really hot", "en", "urgent_fever"),
        ("the line site is red and warm and he has a temperature of 38.7", "en", "urgent_fever"),
    ],
)
def test_a_hot_person_beside_a_line_stays_a_fever(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert urgent_key(screener, text, lang) == key, text


# A reading said with a measuring word, or in a dialect spelling of "temperature".
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("zmierzyłam przed chwilą: 38.", "pl"),
        ("gemessen: 39. Sie hat eine Neutropenie", "de"),
        ("le medimos hace un momento: 39", "es"),
        ("mesurée à l'instant : 39. elle est neutropénique", "fr"),
        ("قستلها هلق ٣٩", "ar"),
        ("7araretha 39 hala2", "ar"),
        # Arabizi with digits is split in French messages (only ar keeps 7arara whole)
        ("bnti 3andha skhouna, 39, on fait quoi", "fr"),
    ],
)
def test_a_reading_said_with_a_measuring_word(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


def test_a_leaflet_threshold_with_a_measuring_word_does_not_alarm(screener: Screener) -> None:
    text = "W ulotce piszą: dzwonić przy 38 stopniach. Czy to pomiar w uchu?"
    assert screen_kind(screener, text, "pl") != "urgent"


# Arabic dialect and Arabizi, by family.
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ديستفرغ كلشي من الصبح", "urgent_sign"),  # Iraqi دي present prefix
        ("قدماه باردتان جدا ويداه مثل الثلج", "urgent_sign"),  # MSA duals
        ("ابني ماشي هو هاداك، شي حاجة ماشي طبيعية", "urgent_sign"),  # Moroccan ماشي
        ("بعد ما نظفولو القسطره صار يرجف", "urgent_sign"),  # بعد ما: "after", not "not"
        ("ابني عم يختلج", "urgent_emergency"),  # Levantine اختلج
        ("binti katnfs bzerba w sout m3a kol nfs", "urgent_emergency"),
        ("huwa bi ra3ash gamed w snanoh bitkhabat", "urgent_emergency"),
        ("el baby 3omro 5 ash-hor w mabaddo yechrab", "urgent_emergency"),
        ("binti 3ndha joj chhour w s5ouna bzaf", "urgent_baby"),
        ("teezo 7amra w byewga3o lamma yo23od", "urgent_sign"),
    ],
)
def test_arabic_dialect_and_arabizi_signs(screener: Screener, text: str, key: str) -> None:
    assert urgent_key(screener, text, "ar") == key, text


@pytest.mark.parametrize(
    "text",
    [
        "ما عنده والو الحمد لله، بس سؤال عن الاكل",
        "بعد ما رجعنا من المستشفي كل شي تمام",
        "ديال المدرسه قالو بلي عادي",
    ],
)
def test_arabic_dialect_near_misses_do_not_alarm(screener: Screener, text: str) -> None:
    assert screen_kind(screener, text, "ar") != "urgent", text


# "All over" after a symptom is everywhere, not "it is over".
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("my 5 week old is warm all over and fussy", "urgent_baby"),
        ("he has little purple spots all over that don't fade", "urgent_emergency"),
    ],
)
def test_all_over_is_everywhere(screener: Screener, text: str, key: str) -> None:
    assert urgent_key(screener, text, "en") == key, text


def test_it_is_all_over_now_still_settles(screener: Screener) -> None:
    assert screen_kind(screener, "he had the runs on sunday but it's all over now", "en") != (
        "urgent"
    )


# Shaking all over: a fit, unless chills or shivering are said too (then the whole body
# shivering: extreme shivering, an emergency sign, with the right rule for the log).
@pytest.mark.parametrize(
    ("text", "lang", "rule"),
    [
        ("she is trembling all over and not answering me", "en", "sign.seizure"),
        ("er zittert am ganzen Leib", "de", "sign.seizure"),
        ("he's got the chills and is shaking from head to toe", "en", "sign.extreme_shivering"),
        ("tiene escalofríos y le tiembla todo el cuerpo", "es", "sign.extreme_shivering"),
        ("il a des frissons, il tremble de la tête aux pieds", "fr", "sign.extreme_shivering"),
        ("ma dreszcze i całe ciało się trzęsie", "pl", "sign.extreme_shivering"),
        ("عنده قشعريره وجسمه كله يرجف", "ar", "sign.extreme_shivering"),
    ],
)
def test_shaking_all_over_with_chills_is_shivering_not_a_fit(
    screener: Screener, text: str, lang: str, rule: str
) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is not None and found.kind == "urgent", text
    assert (found.rule, found.message_key) == (rule, "urgent_emergency"), text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("il frissonne tellement fort qu'il ne peut rien tenir", "fr"),
        ("dziadek trzęsie się tak mocno, że nie może mówić, ma dreszcze", "pl"),
        ("tiene escalofríos que no puede controlar", "es"),
    ],
)
def test_shivering_too_strong_to_stop_is_extreme(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is not None and found.rule == "sign.extreme_shivering", (text, found)


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Är schnuufet schwer und grunzt bi jedem Atemzug", "de"),
        ("steka i chrząka przy każdym oddechu", "pl"),
    ],
)
def test_grunting_with_each_breath_is_an_emergency(
    screener: Screener, text: str, lang: str
) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency", text


def test_clearing_the_throat_is_not_grunting(screener: Screener) -> None:
    assert screen_kind(screener, "ciągle chrząka i ma chrypkę od wczoraj", "pl") != "urgent"


@pytest.mark.parametrize(
    ("text", "lang", "key"),
    [
        ("she brings back every feed within minutes", "en", "urgent_sign"),
        ("he can't keep a single sip down", "en", "urgent_sign"),
        ("elle a très mal autour de l'anus, surtout quand elle s'assoit", "fr", "urgent_sign"),
        ("no le llega el aire", "es", "urgent_emergency"),
    ],
)
def test_vomiting_bottom_pain_and_breath_wordings(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert urgent_key(screener, text, lang) == key, text


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("we can't keep his temperature down with calpol, it's 37.6", "en"),
        ("he brought back his library book today", "en"),
        ("il a une bosse rouge sur le bras, pas douloureuse", "fr"),
    ],
)
def test_their_near_misses_do_not_alarm(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text
