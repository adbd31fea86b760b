"""Round 4 (2026-12-08): recall, by mechanism. Every sentence here was written for this file
(none copied from a blind set), both ways: the warning that must get its answer and the
near-miss that must not alarm (or only asks).
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.dialect import keep_arabizi
from bot.safety.normalize import fold
from tests.support.safety import screen_kind, urgent_key


def _urgent(pairs: list[tuple[str, str]]) -> pytest.MarkDecorator:
    return pytest.mark.parametrize(("text", "lang"), pairs)


# "Something is wrong with him" said with the child between the words, in fr/es/pl/ar as in
# English and Arabizi: the very-wrong sign (call the team now).
VERY_WRONG = [
    ("coś jest z nią nie tak, nie wiem co", "pl"),
    ("z synem dzieje się coś nie tak od rana", "pl"),
    ("algo le pasa a mi niña, no la reconozco", "es"),
    ("elle n'est vraiment pas normale ce soir", "fr"),
    ("بنتي مش على بعضها من امبارح", "ar"),
    ("ابني مو على بعضه ونايم طول الوقت", "ar"),
]
VERY_WRONG_CALM = [
    ("coś jest z drukarką nie tak", "pl"),
    ("algo le pasa a la lavadora, hace ruido", "es"),
    ("il n'est pas normal que l'ordonnance soit perdue", "fr"),
    ("الحمد لله رجع على بعضه", "ar"),
]


@_urgent(VERY_WRONG)
def test_something_wrong_with_the_child_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_sign", text


@_urgent(VERY_WRONG_CALM)
def test_something_wrong_with_a_thing_is_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# Worn out (exhausted, wiped out, k.o., wykończony, épuisé, agotado, هلكان) is feeling unwell:
# with a cough it is the care-team answer.
EXHAUSTED_COUGH = [
    ("she's been coughing all day and is totally drained", "en"),
    ("I've a cough and I feel completely knackered, 8 days after chemo", "en"),
    ("Oma hustet und ist total k.o.", "de"),
    ("er hustet seit gestern und ist völlig erschöpft", "de"),
    ("kaszle i jest wyczerpany", "pl"),
    ("il tousse beaucoup et il est complètement lessivé", "fr"),
    ("tiene tos y está agotada", "es"),
    ("عندها كحة وهلكانة", "ar"),
]
EXHAUSTED_CALM = [
    ("he has a little cough and is exhausted after swimming", "en"),
    ("sie hustet ein bisschen und ist kaputt vom Turnen", "de"),
    ("tiene un poco de tos y está agotado después del fútbol", "es"),
]


@_urgent(EXHAUSTED_COUGH)
def test_exhausted_with_a_cough_is_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent", text


@_urgent(EXHAUSTED_CALM)
def test_tired_from_sport_with_a_cough_is_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) is None, text


def test_single_letters_with_dots_are_one_word() -> None:
    assert fold("er ist k.o., danke") == " er ist ko , danke "
    assert fold("z.B. 39 Grad") == " zb 39 grad "
    assert fold("he is hot.I gave") == " he is hot | i gave "


# Discharge from a line said as "something yellow/green coming out".
LINE_DISCHARGE = [
    ("there's greenish gunk coming out around her picc", "en"),
    ("am Port kommt grünliches Zeug raus", "de"),
    ("z portu wycieka coś zielonkawego", "pl"),
    ("un liquide verdâtre autour de sa chambre implantable", "fr"),
    ("le sale algo verdoso alrededor del reservorio", "es"),
    ("في شي اخضر حوالين الكاتيتر", "ar"),
]
LINE_DISCHARGE_CALM = [
    ("his port is fine, he just has a runny nose with green stuff", "en"),
    ("er hat einen Port und heute kommt die Sonne raus", "de"),
    ("ma port, a z nosa mu leci woda", "pl"),
    ("son cathéter va bien, il sort jouer", "fr"),
]


@_urgent(LINE_DISCHARGE)
def test_discharge_from_the_line_is_urgent(screener: Screener, text: str, lang: str) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is not None and found.rule == "sign.line_site" and found.kind == "urgent", text


@_urgent(LINE_DISCHARGE_CALM)
def test_a_line_and_something_else_coming_out_is_not(
    screener: Screener, text: str, lang: str
) -> None:
    found = screener.screen(text, lang, 38.0)
    assert found is None or found.rule != "sign.line_site", text


# Grunting or moaning with each breath out, a chest pulling in, "not breathing well".
BREATHING = [
    ("he groans with every breath", "en"),
    ("her chest is sinking in when she breathes", "en"),
    ("my pikin no fit breathe well", "en"),
    ("gime cada vez que echa el aire", "es"),
    ("no está respirando bien", "es"),
    ("elle fait des gémissements quand elle expire", "fr"),
    ("il respire mal depuis ce matin", "fr"),
    ("ma 3am yetnaffas mni7", "ar"),
    ("bintna btetnaffas b so3ooba", "ar"),
    ("مش عم تتنفس منيح", "ar"),
]
BREATHING_CALM = [
    ("hace ruido cuando respira porque tiene mocos", "es"),
    ("il grogne quand on lui dit d'aller se coucher", "fr"),
    ("respira bien, ya está mejor", "es"),
    ("عم تتنفس منيح الحمد لله", "ar"),
]


@_urgent(BREATHING)
def test_breathing_signs_are_the_emergency(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_emergency", text


@_urgent(BREATHING_CALM)
def test_noisy_or_good_breathing_is_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


def test_a_dialect_prefixed_rule_word_still_reads() -> None:
    # a rule word كتتنفس would stop the dialect reading it as تتنفس (the breathing concept)
    found = Screener.load().screen("كتتنفس بالزربة", "ar", 38.0)
    assert found is not None and found.kind == "urgent"


# Readings: a decimal after "at"/"has", a reading on the forehead, number words, Hindi and
# Turkish fever words, "39 and a bit" in Bavarian.
READINGS = [
    ("she's at 102.2 since lunch", "en"),
    ("101 on the forehead", "en"),
    ("bacchi ko bukhar hai since morning", "en"),
    ("ateşi yüksek var, was tun?", "de"),
    ("38 und a bisserl, sie is ganz müd", "de"),
    ("حرارتها تسع وتلاتين", "ar"),
    ("حرارته ثمان وثلاثين ونص", "ar"),
]
READINGS_CALM = [
    ("she has 2.5 hours of school left", "en"),
    ("he bumped his forehead, he is 4", "en"),
    ("bukhar nahi hai, bas zukaam", "en"),
    ("عمرها تسع سنين", "ar"),
]


@_urgent(READINGS)
def test_readings_said_these_ways_are_fevers(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


@_urgent(READINGS_CALM)
def test_numbers_that_are_not_readings(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


# A baby's age: in apposition, "baby of N weeks", Turkish, Arabizi, Maghrebi in French.
BABY_AGES = [
    ("my daughter, 5 weeks, feels really hot", "en"),
    ("baby of 6 weeks with 38.1", "en"),
    ("Sohn, 7 Wochen, glüht", "de"),
    ("oğlum 6 haftalık, er ist ganz heiß", "de"),
    ("son front brûle, il a 4 semaines", "fr"),
    ("ibni 3omro 5 jem3at w 38.2", "ar"),
    ("bnti 3ndha 6 semaines, 38,3", "fr"),
]
BABY_AGES_CALM = [
    ("my son is 7, 3 weeks ago he had a cold and now he feels hot", "en"),
    ("Tochter, 5 Jahre, seit 2 Monaten Husten, Stirn glüht", "de"),
]


@_urgent(BABY_AGES)
def test_a_baby_age_said_these_ways_gets_the_baby_answer(
    screener: Screener, text: str, lang: str
) -> None:
    assert urgent_key(screener, text, lang) == "urgent_baby", text


@_urgent(BABY_AGES_CALM)
def test_an_older_child_gets_the_fever_answer(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


def test_a_hot_bottle_is_not_a_hot_baby(screener: Screener) -> None:
    assert screener.screen("il chauffe le biberon du bébé", "fr", 38.0) is None


# Dialect and wording families of other signs.
OTHER_SIGNS = [
    ("نزيف من اللثة ولا يتوقف", "ar"),
    ("بنتي عم تهلوس وما بتعرفني", "ar"),
    ("جوزي يحكي كلام مش مفهوم", "ar"),
    ("بالكوة يفتح عيونه", "ar"),
    ("i kriag s ned wach", "de"),
    ("d'Kloane speibt seit drei stund ois", "de"),
    ("vomita cada hora y no se le corta", "es"),
    ("her legs look like marble and she's cold", "en"),
    ("die Beine sehen aus wie Marmor", "de"),
    ("nóżki w ciapki jak marmur", "pl"),
    ("tak go boli brzuch, że się skręca", "pl"),
    ("3anda waja3 3al ma23ad", "ar"),
    ("started shivering and feeling awful about 5 minutes after the flush", "en"),
]
OTHER_CALM = [
    ("kot zwija się w kłębek na brzuchu", "pl"),
    ("الارض زي الرخام بعد التنظيف", "ar"),
    ("I feel awful about 2 hours late for school", "en"),
]


@_urgent(OTHER_SIGNS)
def test_other_sign_wordings_are_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent", text


@_urgent(OTHER_CALM)
def test_other_near_misses_are_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) is None, text


def test_two_different_digits_between_letters_are_arabizi() -> None:
    assert keep_arabizi("ma23ad") and keep_arabizi("yo23od")
    assert not keep_arabizi("38c") and not keep_arabizi("b12") and not keep_arabizi("7wks")


# Advice-like wording around a sign that is here now.
HERE_NOW = [
    ("is it normal that she's breathing this fast?", "en"),
    ("est-ce normal que mon fils respire aussi vite ?", "fr"),
    ("the plan says ring if he has rigors, and right now he has them", "en"),
    ("l'infirmière a dit d'appeler s'il a des frissons, et maintenant il en a", "fr"),
    ("me dijeron que si tiene escalofríos llame, y ahorita los tiene", "es"),
    ("was soll ich tun, wenn sie Schüttelfrost hat? und jetzt hat sie ihn", "de"),
    ("co robić, jak ma dreszcze? a teraz właśnie ma", "pl"),
]
STILL_ASKS = [
    ("is it normal for toddlers to breathe fast when they sleep?", "en"),
    ("what if he gets rigors, and now he has a cold", "en"),
    ("est-ce normal que les bébés respirent vite ?", "fr"),
]


@_urgent(HERE_NOW)
def test_a_sign_here_now_after_advice_words_is_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent", text


@_urgent(STILL_ASKS)
def test_a_general_question_still_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent", text


def test_an_age_is_in_apposition_only_when_it_stands_alone(screener: Screener) -> None:
    # "Sohn, 2 Monate nach der Chemo," is how long since the chemo, not a baby's age
    assert urgent_key(screener, "Sohn, 2 Monate nach der Chemo, glüht", "de") != "urgent_baby"
    assert urgent_key(screener, "Sohn, 2 Monate, glüht", "de") == "urgent_baby"


# Feeling hot said of a named person (son, daughter, husband), not only "er"/"il".
NAMED_HOT = [
    ("die Tochter fühlt sich ganz heiß an", "de"),
    ("mein Mann ist richtig heiß und müde", "de"),
    ("mon mari est brûlant ce soir", "fr"),
]
NAMED_HOT_CALM = [
    ("meine Frau ist heiß auf den Urlaub", "de"),
    ("mon fils est chaud pour le match de demain", "fr"),
    ("das Badewasser fühlt sich heiß an", "de"),
]


@_urgent(NAMED_HOT)
def test_a_named_person_feeling_hot_is_a_fever(screener: Screener, text: str, lang: str) -> None:
    assert urgent_key(screener, text, lang) == "urgent_fever", text


@_urgent(NAMED_HOT_CALM)
def test_keen_or_hot_water_is_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) is None, text
