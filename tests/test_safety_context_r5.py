"""Round 5 (2026-12-08): false alarms, by mechanism, written at the level of a class of
wordings (any time noun, any person noun, any question shape). Every sentence here was written
for this file (none copied from a blind set), both ways: the near-miss that no longer raises
the urgent answer, and the report now, in the same shape, that stays urgent.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind

# A choice of readings asked about after (or in) a when-to-call question.
CHOICE = [
    ("at what temperature do we go in? is it 38 or 38.5?", "en"),
    ("what counts as a fever for her? is it 37.8 or 38?", "en"),
    ("c'est quoi la fièvre pour lui ? c'est 38 ou 38,5 ?", "fr"),
    ("من كام درجة نروح الطوارئ، ٣٨ ولا ٣٩؟", "ar"),
    ("od jakiej temperatury trzeba jechać na SOR, 38 czy 39?", "pl"),
    ("ab welcher Temperatur sollen wir anrufen, 38 oder 38,5?", "de"),
]

# A reading someone has, or one said as a report, in the same shape.
CHOICE_NOW = [
    ("is it 38 or 38.5? he has 38.5 now", "en"),
    ("what should we do if he has a fever? he is 38.5 or 39.", "en"),
    ("he is 38.5 or 39, the thermometer keeps changing, should we go?", "en"),
    ("od rana ma 38,9, dzwonić?", "pl"),
    ("من كم ساعة عنده ٣٩ ونحن ننتظر", "ar"),
]

# A past time said with any time noun or form ("last summer", "اللي فات", "letscht", "als er
# ein Säugling war") and a recovery ("heute nicht mehr", "desde entonces está genial").
PAST = [
    ("الصيف اللي فات جاته حرارة ٣٩ وبقي في المستشفى، الحين زين", "ar"),
    ("bentna kan 3andha s5ana el shahr li fat, daba labas", "ar"),
    ("letscht Winter het er 39 gha, jetzt isch er wieder zwäg", "de"),
    ("als er ein Säugling war, hatte er einmal 39,5, heute zum Glück nicht mehr", "de"),
    ("el lunes le bajó la fiebre y desde entonces está genial", "es"),
    ("when he was about three he had a temperature of 40 and spent a week in hospital", "en"),
    ("cuando tenía unos tres años tuvo 40 de fiebre y lo ingresaron", "es"),
    ("vers trois ans il a eu 40 de fièvre et il a été hospitalisé", "fr"),
    ("kiedy był maluchem, raz miał 40 i leżał w szpitalu", "pl"),
]

# A reading now after the past story: still urgent.
PAST_NOW = [
    ("الصيف اللي فات جاته حرارة، والحين عنده ٣٩٫٤", "ar"),
    ("als sie ein Baby war hatte sie oft Fieber und jetzt hat sie wieder 39", "de"),
    ("la semana pasada tuvo fiebre y ahora tiene 39,2", "es"),
    ("she is about two and has a temperature of 39.5", "en"),
    ("tiene unos dos años y 39,5 de fiebre", "es"),
    ("il a 2 ans et 39,5 de fièvre", "fr"),
    ("when she was about two she had fevers, and now she has 39.4", "en"),
]

# Colour put on with paint, make-up or dye.
PAINT = [
    ("they painted her cheeks blue and gold for the parade", "en"),
    ("le pintaron la cara de azul en la fiesta del cole", "es"),
    ("on lui a maquillé le visage en bleu pour le carnaval", "fr"),
    ("er hat sich das Gesicht blau angemalt für den Fasching", "de"),
    ("pomalował sobie twarz na niebiesko na festyn", "pl"),
    ("رسم على وجهه باللون الأزرق في الحفلة", "ar"),
]

# Blue lips now next to painting or drawing: still urgent.
PAINT_NOW = [
    ("his lips are blue and he painted a picture this morning", "en"),
    ("tiene los labios azules y pintó un dibujo", "es"),
    ("seine Lippen sind blau und er hat heute gemalt", "de"),
    ("ma sine usta, rano malował obrazek", "pl"),
]

# A sign named as a case ("with", "bei", "przy", "مع") in a question about how many times
# to wait for, or whether a saying is true.
CASE_QUESTION = [
    ("with vomiting do we ring at once or after how many goes?", "en"),
    ("bei Erbrechen gleich anrufen oder erst ab wie vielen Malen?", "de"),
    ("przy wymiotach dzwonić od razu czy po ilu razach?", "pl"),
    ("مع الاستفراغ نتصل على طول ولا بعد كم مرة؟", "ar"),
    ("avec la diarrhée on appelle direct ou au bout de combien de fois ?", "fr"),
    ("my aunt says with a fever you keep them in a cool room, is that right?", "en"),
    ("mi suegra dice que con fiebre hay que darle caldo, ¿es cierto?", "es"),
    ("Opa meint, bei Fieber soll man Wadenwickel machen, stimmt das?", "de"),
    ("teściowa mówi, że przy gorączce trzeba dać ciepłą herbatę, to prawda?", "pl"),
    ("حماتي تقول مع الحرارة لازم نشربه شوربة، صح؟", "ar"),
    ("ma belle-mère dit qu'avec de la fièvre il faut un bain tiède, c'est vrai ?", "fr"),
]

# The sign reported (a count given, no case word, someone has it): still urgent.
CASE_QUESTION_NOW = [
    ("she has had diarrhoea 7 times today, how many times is too many?", "en"),
    ("Er hat seit heute früh 6 mal erbrochen, ab wie vielen Malen soll ich anrufen?", "de"),
    ("my aunt says he has a fever, is that true?", "en"),
    ("mi suegra dice que tiene fiebre, ¿es cierto?", "es"),
]

# A phone number to call is no reading; a "what if" opened with "a" in Polish.
SERVICE = [
    ("and what if she gets a fever on Sunday, 111 or A&E?", "en"),
    ("a gdyby dostała gorączki w nocy, to 112 czy SOR?", "pl"),
]

SERVICE_NOW = [
    ("his temp is 104, should we ring 111?", "en"),
    ("ma 39,5, dzwonić na 112?", "pl"),
    ("temp 111 F, he is burning", "en"),
]

# Someone else by class: a possessive with no apostrophe, one child of a class, "al hijo
# de ...", a pet's nickname.
SOMEONE_ELSE = [
    ("my cousins little boy has a fever, should we skip the party?", "en"),
    ("a girl from her class has a fever of 39, can she still go in?", "en"),
    ("the doggy has been sick all evening", "en"),
    ("Ein Mädchen aus seiner Gruppe hat 39 Fieber, darf er hin?", "de"),
    ("un niño de su clase tiene fiebre de 39, ¿puede ir al cole?", "es"),
    ("al hijo de mi cuñada le dio una convulsión el año pasado", "es"),
    ("un enfant de sa classe a 39 de fièvre, elle peut y aller ?", "fr"),
    ("dziecko z jego klasy ma 39 gorączki, czy może iść do szkoły?", "pl"),
    ("ولد من صفه عنده حرارة ٣٩، يقدر يروح المدرسة؟", "ar"),
]

SOMEONE_ELSE_NOW = [
    ("a kid in his class had a fever and now my son has 39.2", "en"),
    ("ein Kind aus seiner Klasse hatte Fieber, jetzt hat mein Sohn 39,4", "de"),
    ("un niño de su clase tuvo fiebre y ahora mi hijo tiene 39,3", "es"),
    ("the pup is fine but my daughter has a fever of 39", "en"),
]

# Medicine for fever named as a thing to pack; a bleeding heart; "asks whether".
FIGURES = [
    ("czy mogę wziąć syrop na gorączkę do samolotu?", "pl"),
    ("mon cœur saigne pour elle quand elle pleure", "fr"),
    ("me sangra el corazón al verla con la mascarilla", "es"),
    ("mir blutet das Herz, wenn ich sie so sehe", "de"),
    ("serce mi krwawi, jak na nią patrzę", "pl"),
    ("my heart bleeds for the other parents on the ward", "en"),
    ("قلبي ينزف لما أشوفها تعبانة", "ar"),
    ("meine Mutter fragt ob kalte Füße schlimm sind", "de"),
    ("babcia pyta czy zimne rączki to coś groźnego", "pl"),
    ("ma mère demande si les mains froides c'est grave", "fr"),
    ("لا، القسطرة نظيفة وما فيه احمرار", "ar"),
]

FIGURES_NOW = [
    ("ma gorączkę 39 i dostał syrop na gorączkę", "pl"),
    ("my heart bleeds for him, and his nose is bleeding heavily", "en"),
    ("grandma asked if we should come in, his lips are blue", "en"),
    ("Oma fragt, ob wir kommen sollen, er hat blaue Lippen", "de"),
]


@pytest.mark.parametrize(("text", "lang"), CHOICE)
def test_a_choice_of_readings_asked_about_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), CHOICE_NOW)
def test_a_reading_someone_has_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), PAST)
def test_a_past_time_of_any_kind_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), PAST_NOW)
def test_a_reading_now_after_a_past_story_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), PAINT)
def test_paint_is_no_blue_skin(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), PAINT_NOW)
def test_blue_lips_next_to_painting_stay_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), CASE_QUESTION)
def test_a_sign_named_as_a_case_in_a_question_asks(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), CASE_QUESTION_NOW)
def test_a_reported_sign_before_the_question_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), SERVICE)
def test_a_number_to_call_is_no_reading(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), SERVICE_NOW)
def test_a_reading_next_to_a_number_to_call_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), SOMEONE_ELSE)
def test_someone_else_by_class_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), SOMEONE_ELSE_NOW)
def test_the_persons_own_reading_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), FIGURES)
def test_figures_and_reported_questions_ask(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), FIGURES_NOW)
def test_a_sign_now_next_to_them_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"
