"""Round 5 (2026-12-08): recall, by mechanism. Every sentence here was written for this file
(none copied from a blind set), both ways: the warning that must get its answer and the
near-miss that must not alarm (or only asks).
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind, urgent_key


def _pairs(pairs: list[tuple[str, str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("text", "lang"), pairs)


# A fever topic word said with "!" and no question mark is a report: the fever answer. With a
# question mark (or alone) it still opens the fever dialog.
EXCLAIMED = [
    ("Fever!", "en"),
    ("Fieber!!!", "de"),
    ("¡Fiebre!", "es"),
    ("fièvre !!", "fr"),
    ("gorączka!", "pl"),
    ("سخونه!!", "ar"),
]
TOPIC = [
    ("Fever?", "en"),
    ("fever?!", "en"),
    ("Fieber", "de"),
    ("¿fiebre?", "es"),
    ("temperature!", "en"),
]


@_pairs(EXCLAIMED)
def test_an_exclaimed_fever_word_is_a_report(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


@_pairs(TOPIC)
def test_a_fever_word_asked_is_the_topic(screener: Screener, text: str, lang: str) -> None:
    assert screener.screen(text, lang, 38.0) is None, text


# Fever spelt the way it is said: German "fiba"/"fiaba"; Arabizi with a final h for the taa
# marbuta ("7ararah"); the body said hot in Arabizi ("jesmo sa5en").
SPELT = [
    ("da bua hat fiaba seit heit fruah", "de"),
    ("sie hat fiba", "de"),
    ("bnti 3andha 7ararah mn el sob7", "ar"),
    ("ibni jesmo sa5en kteer", "ar"),
]
SPELT_CALM = [
    ("el akl sa5en kteer, esta2na shwaya", "ar"),
    ("el shay sa5en", "ar"),
]


@_pairs(SPELT)
def test_fever_spelt_as_said_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


@_pairs(SPELT_CALM)
def test_hot_food_is_not_a_fever(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# Arabizi "does not respond to me" (ma tarudd / ma yarudd) is hard to wake, as the Arabic script
# was; not answering the phone or messages is no sign in either script.
UNRESPONSIVE = [
    ("abouya ma yarudd 3alayna, 3ayono maftoo7a", "ar"),
    ("sitti ma tarudd 3alay wala kilme", "ar"),
]
PHONE = [
    ("el doktora ma tarudd 3ala el telefon", "ar"),
    ("الممرضه ما بترد على التلفون من الصبح", "ar"),
    ("mesh bterod 3ala el whatsapp", "ar"),
]


@_pairs(UNRESPONSIVE)
def test_arabizi_not_responding_is_an_emergency(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency", text


@_pairs(PHONE)
def test_not_answering_the_phone_is_not_a_sign(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# Arabic: a sore throat is an infection sign ("حلقه يوجعه", "zoro byoja3o"), and "he is worn out"
# (هو مرهق, منهكه) is feeling unwell: together, the care-team answer. The parent tired from work
# is neither.
SORE_THROAT_WORN = [
    ("زورها بيوجعها وهي منهكه", "ar"),
    ("ابني حلقه ملتهب وصار مرهق", "ar"),
]
WORN_CALM = [
    ("انا مرهقه جدا من السهر", "ar"),
    ("انا مرهق من الشغل", "ar"),
]


@_pairs(SORE_THROAT_WORN)
def test_sore_throat_and_worn_out_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_sign", text


@_pairs(WORN_CALM)
def test_a_tired_parent_is_not_a_sign(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# Arabizi bottom pain ("teezo", "el dobor" with "byoja3o"), and a baby who refuses to drink or
# the bottle in Egyptian Arabizi ("mesh 3ayez yeshrab", "rafed el bezaza"); refusing a medicine
# or vegetables is no sign.
ARABIZI_BOTTOM_FEED = [
    ("teezo byoja3o w 7amra", "ar", "urgent_sign"),
    ("el baby 2 shhor mesh 3ayza teshrab khales", "ar", "urgent_emergency"),
    ("el baby 3omro 6 shhor rafed el bezaza", "ar", "urgent_emergency"),
]
ARABIZI_FEED_CALM = [
    ("bnti mesh 3ayza teshrab el dawa", "ar"),
    ("ibni 9 snin mesh 3ayez yakol el khodar", "ar"),
]


@pytest.mark.parametrize(("text", "lang", "key"), ARABIZI_BOTTOM_FEED)
def test_arabizi_bottom_and_feeding(screener: Screener, text: str, lang: str, key: str) -> None:
    assert urgent_key(screener, text, lang) == key, text


@_pairs(ARABIZI_FEED_CALM)
def test_arabizi_refusing_medicine_is_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# Listless said with "not himself": "no es ella, está apagada", "c'est pas lui, il est tout
# abattu", "taki osowiały": very sleepy (call the team), as English "listless" alone already
# was. A flower, a cake or a team is not.
LISTLESS = [
    ("mi hija no es ella, está apagada", "es"),
    ("no parece él mismo, está muy decaído", "es"),
    ("il est pas bien, tout pâle et abattu", "fr"),
    ("elle est éteinte, c'est pas elle du tout", "fr"),
    ("od rana jest jakiś osowiały", "pl"),
    ("nie jest sobą, leży blady", "pl"),
]
LISTLESS_CALM = [
    ("el equipo no está bien, los jugadores están decaídos", "es"),
    ("está decaída porque perdió el partido", "es"),
    ("le gâteau est mou, c'est pas bien cuit", "fr"),
    ("kwiatek jest oklapnięty, trzeba podlać", "pl"),
    ("film był taki marny", "pl"),
]


@_pairs(LISTLESS)
def test_listless_and_not_himself_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_sign", text


@_pairs(LISTLESS_CALM)
def test_listless_things_are_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# A treatment named with its day after a reading dates the treatment, not the reading: the
# reading is now ("she's at 38.3, her chemo was on Tuesday"). A reading said with the day
# alone still only asks.
DATED = [
    ("she's at 38.3, her chemo was on tuesday", "en"),
    ("tiene 38,5 y el martes le pusieron la quimio", "es"),
    ("elle a 38,6, sa chimio c'était mardi", "fr"),
    ("sie hat 38,5, die Chemo war am Dienstag", "de"),
    ("ma 38,3, wlew był we wtorek", "pl"),
]
DAY_ALONE = [
    ("she had 38.3 on tuesday", "en"),
    ("tuvo 38,5 el martes", "es"),
    ("ma 38,3 we wtorek", "pl"),
]


@_pairs(DATED)
def test_a_dated_treatment_leaves_the_reading_now(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


@_pairs(DAY_ALONE)
def test_a_reading_with_its_day_still_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# Shivering that does not stop is uncontrollable shivering (the emergency answer, as "can't stop
# shaking" was); when another verb follows ("won't stop coughing", "no para de toser") it is
# the other symptom that goes on, and the chills get the care team.
NONSTOP_SHIVER = [
    ("his shivering won't stop, teeth going like mad", "en"),
    ("she's shivering so hard and we can't stop it", "en"),
    ("tirita y tirita y no para", "es"),
    ("sie zittert am ganzen Leib und es hört nicht auf", "de"),
    ("ma dreszcze, trzęsie się i nie przestaje", "pl"),
    ("عم يرجف وما عم يوقف", "ar"),
]
OTHER_GOES_ON = [
    ("he has chills and won't stop coughing", "en"),
    ("tiene escalofríos y no para de llorar", "es"),
    ("sie hat Schüttelfrost und hört nicht auf zu weinen", "de"),
    ("ma dreszcze i nie przestaje płakać", "pl"),
    ("عنده رجفه وما بيوقف بكي", "ar"),
]


@_pairs(NONSTOP_SHIVER)
def test_shivering_that_does_not_stop_is_an_emergency(
    screener: Screener, text: str, lang: str
) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency", text


@_pairs(OTHER_GOES_ON)
def test_chills_with_another_thing_going_on_get_the_team(
    screener: Screener, text: str, lang: str
) -> None:
    assert urgent_key(screener, text, lang) == "urgent_sign", text


# A bare whole number under 36 °C needs its fever or temperature word before it or at most a
# sentence after: an age with a thermometer named sentences later is no low reading ("I'm 33
# and on chemo. ... ... We have no thermometer"); "I took her temperature. ... It's 35" and
# "It's 34. Ear thermometer." still are.
AGE_FAR_FROM_THERMOMETER = [
    ("im 33 and on my fourth cycle. my sister is here. the thermometer is broken", "en"),
    (
        "er ist 35 und hat Leukämie. Wir sind gerade heimgekommen. Ein Thermometer haben wir nicht",
        "de",
    ),
]
LOW_NEAR_ITS_WORD = [
    ("I took her temperature. It's 35 and she is so cold", "en"),
    ("Fieberthermometer zeigt 34", "de"),
    ("his temp is 35 now", "en"),
    ("I took his temperature. He has gone back to sleep. It's 35", "en"),
    ("It's 34. That's the ear thermometer", "en"),
]


@_pairs(AGE_FAR_FROM_THERMOMETER)
def test_an_age_is_not_a_low_reading(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is None or found.rule != "temperature.low", text


@_pairs(LOW_NEAR_ITS_WORD)
def test_a_low_reading_near_its_word_is_urgent(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is not None and found.rule == "temperature.low", text
