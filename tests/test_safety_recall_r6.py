"""Round 6 (2026-12-08): missed emergencies, by mechanism. Every sentence here was written for
this file (none copied from a blind set), both ways: the warning that must get the emergency
answer and the near-miss that must not alarm.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import urgent_key


def _pairs(pairs: list[tuple[str, str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("text", "lang"), pairs)


# Confusion said in plain words: not knowing what day it is, where or who; calling someone by a
# dead or absent relative's name; words mixed up.
CONFUSED = [
    ("my dad couldn't tell us what day it was this morning", "en"),
    ("she keeps calling me by her sister's name, it's so strange", "en"),
    ("his speech is all jumbled since lunch", "en"),
    ("grandad is mixing up his words and slow", "en"),
    ("il nous appelait par le prénom de son frère, il ne sait plus quel jour c'est", "fr"),
    ("maman emmêle ses mots depuis hier soir", "fr"),
    ("mi abuelo no sabe en qué día estamos", "es"),
    ("confunde las palabras desde la quimio", "es"),
    ("Opa weiß nicht mehr welches Jahr wir haben", "de"),
    ("sie ruft mich beim Namen ihrer Mutter", "de"),
    ("tata nie wie kim jestem i placze slowa", "pl"),
    ("ابوي من الصبح يحكي كلام مالو معنى", "ar"),
    ("امي ما تعرف انا مين", "ar"),
]
NOT_CONFUSED = [
    ("I can never remember what day bin collection is", "en"),
    ("my son calls me by my first name to wind me up", "en"),
    ("I mixed up the words of the lullaby again", "en"),
    ("je mélange les mots quand je parle anglais", "fr"),
    ("elle ne sait pas quel jour est la prise de sang", "fr"),
    ("no sé qué día es la próxima cita", "es"),
    ("ich weiß nicht welcher Tag für die Blutabnahme ist", "de"),
    ("nie wiem jaki dzien bedzie kontrola", "pl"),
    ("هذا الكلام مالو معنى بس الدكتور قاله", "ar"),
]

# Not responding and staring blankly: the hard-to-wake sign (the emergency answer). Not
# answering messages, or a treatment "not responding", is no sign.
UNRESPONSIVE = [
    ("she has stopped responding to us, eyes open", "en"),
    ("he is staring into space and we can't get through", "en"),
    ("il regarde dans le vide et ne réagit plus", "fr"),
    ("se quedó con la mirada perdida y no contesta", "es"),
    ("ha dejado de responder, está como ido", "es"),
    ("er guckt nur vor sich hin", "de"),
    ("gapi sie w pustke i nie odpowiada", "pl"),
    ("przestala reagowac na nas", "pl"),
]
NOT_UNRESPONSIVE = [
    ("he stopped responding to my texts last night, teenagers!", "en"),
    ("the infection stopped responding to the antibiotics last year, now fine", "en"),
    ("she's staring at the tv again", "en"),
    ("dejó de responder a los mensajes del grupo", "es"),
    ("przestal odpowiadac na smsy od kolegi", "pl"),
]


@_pairs(CONFUSED + UNRESPONSIVE)
def test_confusion_and_unresponsive_are_emergencies(
    screener: Screener, text: str, lang: str
) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency"


@_pairs(NOT_CONFUSED + NOT_UNRESPONSIVE)
def test_near_misses_do_not_alarm(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is None


# Iraqi and Gulf Arabic write گ for the q said as g and چ for the k said as ch: read as ق, ك.
@_pairs([("النزيف من سنونه ما وگف من الصبح", "ar"), ("بنتي تحچي كلام مالو معنى", "ar")])
def test_persian_letters_in_arabic(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency"


# A dry nappy with a time (no wee, the emergency answer); drinks that all come back up (vomiting
# everything, the care team now); Arabizi "can't breathe" said with "doesn't know how".
DRY = [
    ("nappy's been dry since breakfast, he's 4 months", "en"),
    ("dry diapers all day today", "en"),
    ("seine Windel ist seit dem Frühstück knochentrocken", "de"),
    ("nicht ein einziges Mal Pipi seit gestern Abend", "de"),
    ("sa couche est sèche depuis 10 heures", "fr"),
    ("el pañal sigue seco desde la siesta", "es"),
    ("pampers suchy od wczoraj wieczorem", "pl"),
    ("الحفاض ناشف من الصبح", "ar"),
]
NOT_DRY = [
    ("what nappies are best for dry skin?", "en"),
    ("die Wäsche ist seit heute früh trocken", "de"),
    ("le linge sèche depuis ce matin sur le balcon", "fr"),
    ("la ropa está seca desde ayer", "es"),
    ("pranie suche od rana", "pl"),
    ("الغسيل ناشف من الصبح", "ar"),
]
ALL_BACK = [
    ("everything he eats comes straight back up", "en"),
    ("todo lo que toma lo devuelve", "es"),
    ("tout ce qu'elle boit, elle le vomit", "fr"),
    ("alles was sie trinkt kommt sofort wieder hoch", "de"),
    ("cokolwiek zje zwraca", "pl"),
    ("كل اللي يشربه يرجعه", "ar"),
    ("kil shi byishrabo byraj3o", "ar"),
]
NOT_ALL_BACK = [
    ("everything he drinks comes in a sippy cup", "en"),
    ("todo lo que bebe lo toma con pajita", "es"),
    ("tout ce qu'il boit est sans sucre", "fr"),
    ("alles was er trinkt ist ohne Zucker", "de"),
    ("wszystko co pije jest bez cukru", "pl"),
    ("كل شي بيشربه بيحبه بارد", "ar"),
]


@_pairs(DRY)
def test_dry_nappy_is_no_wee(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency"


@_pairs(ALL_BACK)
def test_everything_comes_back_up(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is not None


@_pairs(NOT_DRY + NOT_ALL_BACK + [("ana mesh 3arfe a3mel el dawa", "ar")])
def test_dry_and_back_near_misses(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is None


@_pairs([("ibni mish 2ader yetnafas", "ar"), ("bent mesh 3arfa tetnafes", "ar")])
def test_arabizi_cannot_breathe(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency"


# French: bleeding with "ça s'arrête pas" (it does not stop, the other languages had it) and
# breathing "avec beaucoup de mal" / "beaucoup de mal à respirer".
@_pairs(
    [
        ("son nez saigne depuis une heure, ça s'arrête jamais", "fr"),
        ("le sang de sa gencive, ça ne s'arrête pas", "fr"),
        ("il respire avec énormément de peine", "fr"),
        ("elle avait beaucoup de mal à respirer cette nuit et ce matin aussi", "fr"),
    ]
)
def test_french_bleeding_and_breathing(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency"


@_pairs(
    [
        ("il saignait un peu du nez hier, ça s'est arrêté tout seul", "fr"),
        ("il pleut, ça s'arrête pas depuis lundi", "fr"),
        ("il a beaucoup de mal à dormir avant l'hôpital", "fr"),
    ]
)
def test_french_near_misses(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is None


# Polish: feeling ill said "jest mu/jej źle", "czuje się chory", "rozbity", "ledwo stoję" is
# feeling unwell (with an infection word, the care team); "jakaś nie swoja ... słaba" is very
# sleepy; the port in the locative ("przy porcie") is the line.
@_pairs(
    [
        ("boli gardlo i jest mu bardzo zle", "pl"),
        ("kaszle i czuje sie bardzo chora", "pl"),
        ("kaszel, jestem totalnie rozbita, ledwo chodze", "pl"),
        ("taki jakis nie swoj od rana i blady", "pl"),
        ("skora przy porcie zaczerwieniona i goraca", "pl"),
    ]
)
def test_polish_unwell_and_port(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_sign"


@_pairs(
    [
        ("jest mu zle, bo kolega wyjechal", "pl"),
        ("kaszel minal, czuje sie dobrze", "pl"),
        ("jakis nie swoj po przegranym meczu, ale je i sie bawi", "pl"),
        ("przy porcie wszystko czyste i suche", "pl"),
    ]
)
def test_polish_near_misses(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is None


# German: "not like usual" with lying about or whimpering is very sleepy (call the team now), as
# "no es él ... decaído" and "pas lui ... mou" were in round 5.
@_pairs(
    [
        ("unser Sohn ist gar nicht wie sonst, liegt nur im Bett und wimmert", "de"),
        ("sie ist ganz anders als sonst, teilnahmslos", "de"),
        ("die Kleine liegt nur herum und jammert", "de"),
    ]
)
def test_german_not_like_usual(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_sign"


@_pairs(
    [
        ("er ist nicht wie sonst so schüchtern, redet viel", "de"),
        ("die Katze liegt nur rum", "de"),
    ]
)
def test_german_not_like_usual_near_misses(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is None


# A reading with only "exactly", "just" or "now" beside it is a number alone: the whole message
# is the reading (the fever answer). Not when another word is there ("exactly 38 people").
@_pairs(
    [
        ("exactly 38.1", "en"),
        ("pile 38,3 là", "fr"),
        ("genau 38", "de"),
        ("ahora 38,4", "es"),
        ("teraz 38,2", "pl"),
        ("هلق ٣٨", "ar"),
    ]
)
def test_number_alone_with_exactly(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever"


@_pairs([("exactly 38 people in his class", "en"), ("genau 38 Kinder im Kurs", "de")])
def test_number_with_other_words_is_not_alone(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) is None
