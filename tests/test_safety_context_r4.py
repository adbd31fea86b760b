"""Round 4 (2026-12-08): false alarms, by mechanism. Every sentence here was written for this
file (none copied from a blind set), both ways: the near-miss that no longer raises the urgent
answer, and the report now, in the same shape, that stays urgent.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind

# A friend, a neighbour, a colleague or a story's animal has the sign or reading.
SOMEONE_ELSE = [
    ("my best mate has a fever of 39 and wants to come round tonight", "en"),
    ("in the picture book the bunny has a fever and stays in bed", "en"),
    ("a colleague of my husband's was admitted with a temperature of 40", "en"),
    ("mi mejor amigo tiene 39,2 de fiebre desde ayer, ¿puedo ir a su casa?", "es"),
    ("ma meilleure copine a 39 de fièvre, je peux aller la voir samedi ?", "fr"),
    ("un collègue de mon mari a 40 de fièvre depuis lundi", "fr"),
    ("mein bester Kumpel hat seit gestern 39 Fieber, darf ich ihn besuchen?", "de"),
    ("im Bilderbuch hat der Teddy Fieber und bleibt im Bett", "de"),
    ("mój najlepszy kolega ma 39 gorączki, mogę do niego iść?", "pl"),
    ("w bajce, którą oglądamy, miś ma gorączkę", "pl"),
    ("صديقتي عندها حرارة ٣٩، هل أقدر أزورها؟", "ar"),
]

# The person's own sign next to a friend: the subject after the "and" is the person's.
SOMEONE_ELSE_NOW = [
    ("my friend is here with me and my son has 39.4", "en"),
    ("meine Freundin ist gerade da, und mein Sohn hat 39,5 Fieber", "de"),
    ("mi amiga me está ayudando y mi hijo tiene 39,3", "es"),
    ("kolega z pracy mnie podwiózł, a córka ma 39,4", "pl"),
]

# Definition and how-long questions about a sign (no one has it).
HOW_LONG = [
    ("¿cuántas horas sin hacer pis se considera demasiado en un bebé?", "es"),
    ("combien d'heures sans faire pipi avant de s'inquiéter ?", "fr"),
    ("nach wie vielen Stunden ohne nasse Windel sollte man sich Sorgen machen?", "de"),
    ("po ilu godzinach bez mokrej pieluchy trzeba dzwonić?", "pl"),
    ("بعد كم ساعة بدون بول لازم نتصل؟", "ar"),
    ("co właściwie oznaczają dreszcze u dziecka?", "pl"),
    ("¿cuál es la diferencia entre escalofríos fuertes y temblar de frío?", "es"),
]

# The same sign reported with a time: still urgent.
HOW_LONG_NOW = [
    ("lleva 14 horas sin mojar el pañal", "es"),
    ("seit 12 Stunden keine nasse Windel mehr", "de"),
    ("od 12 godzin nie siusiał", "pl"),
]

# A reading said as a limit: "ab 38,5", "od 38,5", "from 38.0", "38 or more".
LIMIT = [
    ("ab 38,5 sofort anrufen, richtig?", "de"),
    ("od 38,5 dzwonimy na oddział, tak?", "pl"),
    ("from 38.0 we ring the ward, is that right?", "en"),
    ("la enfermera nos dijo: fiebre de 38 o más, llamar al hospital", "es"),
    ("38 ou plus, on appelle le service", "fr"),
    ("الحرارة ٣٨ أو أكثر نتصل بالمستشفى", "ar"),
]

# A reading rising from one number to another, or since a time: the reading now.
LIMIT_NOW = [
    ("seit heute früh hat er 38,9", "de"),
    ("he went from 37 to 39.4 in an hour", "en"),
    ("skoczyła od 37 do 39,5 w godzinę", "pl"),
    ("il est passé de 37 à 39,2 en une heure", "fr"),
]

# Who advised, in a sentence of its own before the rule (the colon ends a sentence).
LEAD_IN = [
    ("lekarka powiedziała: sine usta = od razu 112", "pl"),
    ("Die Kinderärztin hat gesagt: Schüttelfrost heißt sofort anrufen.", "de"),
    ("the ward nurse said: rigors means ring us straight away", "en"),
]

# The same lead-in before a report now.
LEAD_IN_NOW = [
    ("the nurse just said: his lips are blue, call 999", "en"),
    ("Die Ärztin sagte: er hat Atemnot.", "de"),
]

# A fever word naming a reading asked about as a limit ("or do we wait for 38?").
FEVER_ASKED = [
    ("does 37.9 count as a fever or do we wait until 38?", "en"),
    ("ist 37,9 schon Fieber oder warten wir bis 38?", "de"),
    ("¿37,9 ya es fiebre o esperamos hasta 38?", "es"),
]

# Someone has the reading: a fever now.
FEVER_HAD = [
    ("she's 38.6, that's a fever, do we wait for the ward to call?", "en"),
    ("sie hat 38,7 Fieber, warten wir bis morgen?", "de"),
]

# A story that opens with a past time and ends well, across its "and"s.
STORY_ENDED = [
    (
        "Last winter we were at my mum's and she had 39.1, we went to A&E and "
        "it was fine in the end",
        "en",
    ),
    (
        "El invierno pasado estábamos en casa de los abuelos y tuvo 39,2, "
        "fuimos a urgencias y al final todo bien",
        "es",
    ),
    (
        "L'hiver dernier on était chez ma sœur et il a fait 39,1, on est allés "
        "aux urgences et tout s'est bien terminé",
        "fr",
    ),
    (
        "Letzten Sommer waren wir an der Ostsee und sie hatte 39,3, wir waren "
        "in der Klinik und am Ende war alles gut",
        "de",
    ),
]

# The same story with a reading now.
STORY_NOW = [
    ("Last winter it was fine in the end, but now she has 39.1", "en"),
    ("L'hiver dernier tout s'est bien terminé, et maintenant il a 39,2", "fr"),
]

# A symptom said to have stopped, whatever modifier comes later.
STOPPED = [
    (
        "le saignement de nez s'est arrêté au bout de dix minutes, je le "
        "signale pour la prochaine consultation",
        "fr",
    ),
    ("la hemorragia de la nariz paró a los diez minutos", "es"),
]

# Not stopped (French "ça s'arrête pas": the "not" after the verb).
NOT_STOPPED = [
    ("le saignement de nez ne s'arrête pas depuis vingt minutes", "fr"),
    ("il tremble de tout son corps et ça s'arrête pas", "fr"),
    ("la hemorragia de la nariz no para", "es"),
]

# "Any fever is an emergency": a rule about fever in general.
ANY = [
    ("the consultant said any fever is an emergency for her", "en"),
    ("der Onkologe sagt, jedes Fieber ist ein Notfall", "de"),
    ("hematolog mówi, że każda gorączka to nagły wypadek", "pl"),
]

# A fever now said to be an emergency.
ANY_NOW = [
    ("she has a high fever and I think it's an emergency", "en"),
]

# An object's temperature: a hot word in a question after bath water or milk.
OBJECT = [
    ("puse el agua del baño a 37 grados, ¿no está demasiado caliente?", "es"),
    ("الحليب ٤٠ درجة، سخن كتير عليه؟", "ar"),
]

# The child is hot: after "and now", or with the object after the hot word.
OBJECT_CHILD = [
    ("le di la leche y ahora está muy caliente, ¿es fiebre?", "es"),
    ("el niño está muy caliente, ¿le baño con agua tibia?", "es"),
]

# A sign when small, in de, pl, ar (en, es, fr had it).
AGE_THEN = [
    ("als Kleinkind hatte sie einmal einen Fieberkrampf, muss ich das dem neuen Arzt sagen?", "de"),
    ("w dzieciństwie miał drgawki gorączkowe, czy to ma znaczenie?", "pl"),
    ("لما كان صغير صارت معه تشنجات حرارية، هل هذا مهم؟", "ar"),
]

# The sign now.
AGE_NOW = [
    ("er hat jetzt einen Fieberkrampf", "de"),
    ("ma teraz drgawki", "pl"),
]

# "Zéro fièvre", Maghrebi "ma3ndouch": a "not".
ZERO = [
    ("zéro fièvre depuis trois jours, juste un peu de toux", "fr"),
    ("ma3ndouch skhana w kayl3eb", "ar"),
]

# The sign with "zéro" after it, or Arabizi "3ando".
ZERO_NOW = [
    ("il a de la fièvre, zéro appétit", "fr"),
    ("3ando skhana bzaf", "ar"),
]


# Several children of a class or group: never the one child the bot is about.
GROUP = [
    ("in ihrer Krippengruppe hatten gleich drei Kinder Durchfall und Fieber", "de"),
    ("troje dzieci z jej klasy ma gorączkę i wymioty", "pl"),
    ("two kids in her class had a high fever this week", "en"),
    ("في الروضة تبعه ولدين جاتهم حرارة وإسهال", "ar"),
]

# The person's own child after the "and", or the writer's own children now.
GROUP_NOW = [
    ("die Kinder sind im Kindergarten, und unser Sohn hat jetzt 39,4 Fieber", "de"),
    ("dzieci są w przedszkolu, a syn ma 39,6 i dreszcze", "pl"),
    ("my two children have a fever and my son is shivering now", "en"),
]

# A past time restated after the story ("but that was almost two years ago").
RESTATED = [
    (
        "she had 39.4 and a rash and we went to A&E, but that was almost two "
        "years ago and it was a virus",
        "en",
    ),
    (
        "tuvo 39,4 y manchas y fuimos a urgencias, pero eso fue hace casi dos años y era un virus",
        "es",
    ),
    (
        "il a fait 39,4 avec des boutons, mais c'était il y a presque deux ans et c'était un virus",
        "fr",
    ),
]

# A reading again now.
RESTATED_NOW = [
    ("she had 39.4 two years ago and she has 39.4 again now", "en"),
    ("il a fait 39,4 il y a deux ans, et là il a encore 39,4 maintenant", "fr"),
]

# The sign alone, then "c'est"/"das heißt"/"eso es" and what to do: the rule quoted.
TOPIC = [
    ("l'oncologue m'a dit que des frissons avec de la fièvre, c'est l'hôpital tout de suite", "fr"),
    ("die Ärztin sagte, Atemnot beim Kind, das heißt sofort 112", "de"),
    ("la pediatra dijo que convulsiones con fiebre, eso es llamar al 112", "es"),
]

# The sign reported ("er hat", "il a"), then what to do.
TOPIC_NOW = [
    ("Die Ärztin hat gesagt, er hat Atemnot, sofort kommen", "de"),
    ("l'infirmière dit qu'il a des frissons, il faut venir tout de suite", "fr"),
]

# "c'est toujours un appel": number words turn "un" into 1.
ONE_CALL = [
    ("le pédiatre nous a dit que 38,5 c'est toujours un appel à l'hôpital", "fr"),
]

# The reading now, then the advice.
ONE_CALL_NOW = [
    ("il a 38,5, le pédiatre nous a dit d'appeler", "fr"),
]


# A general question: "wenn ein Kind ..." opens it; the "always" may be 8 words on ("czy ...").
GENERAL = [
    ("Wenn ein Kind unter einem Jahr Fieber hat, ist das dann immer ein Notfall?", "de"),
    ("czy dreszcze u dziecka w trakcie chemii to zawsze powód do dzwonienia?", "pl"),
]

# The writer's own "wenn ich ...", or a reading now after the general question.
GENERAL_NOW = [
    ("Wenn ich ihn wecke, reagiert er nicht", "de"),
    ("Wenn ein Kind neben ihm hustet, ist das schlimm? Er hat gerade 39,2 Fieber", "de"),
    ("czy to drgawki? on się trzęsie cały czas od rana", "pl"),
]


# The difference between two signs: the "and" lists the second, the question reaches it.
BETWEEN = [
    ("what is the difference between feeling cold and having rigors?", "en"),
    ("¿qué diferencia hay entre tener frío y tener escalofríos?", "es"),
    ("quelle est la différence entre avoir froid et avoir de vrais frissons ?", "fr"),
    ("was ist der Unterschied zwischen Frieren und Schüttelfrost?", "de"),
]

# "between" that is no comparison, or a sign after "and" with a subject of its own.
BETWEEN_NOW = [
    ("he has rigors and is shivering all over", "en"),
    ("está entre el sofá y la cama y tiene escalofríos fuertes", "es"),
    ("il est entre deux rendez-vous et il a de gros frissons", "fr"),
]


# A reading with a past day, then a doctor said it was fine: the reading is over.
DOCTOR_OK = [
    (
        "yesterday evening she had 38.3 for a bit, an hour later 37.1 and the GP said it was fine",
        "en",
    ),
    (
        "gestern Abend kurz 38,4, eine Stunde später 37,2 und die Ärztin "
        "meinte am Telefon, alles gut",
        "de",
    ),
    (
        "wczoraj wieczorem przez chwilę 38,4, potem 37,1 i pielęgniarka "
        "powiedziała, że wszystko w porządku",
        "pl",
    ),
]

# A reading now: the doctor's word about yesterday does not settle it.
DOCTOR_OK_NOW = [
    ("she has 38.9 now, yesterday the doctor said it was fine", "en"),
    ("er hat jetzt 39,1, gestern meinte die Ärztin, alles gut", "de"),
    ("ma teraz 39,2, a wczoraj lekarz powiedział, że ok", "pl"),
]


# "The blues": music or a low mood, never blue skin.
BLUES = [
    ("seit dem Spiel hat der Papa den Blues, aber das Kind ist munter", "de"),
    ("we all have the blues since the match, she is fine though", "en"),
]

# Blue lips said plainly next to the blues.
BLUES_NOW = [
    ("die Lippen sind ganz blau und er hat den Blues gehört", "de"),
    ("his lips are blue and he is listening to the blues", "en"),
]


@pytest.mark.parametrize(("text", "lang"), SOMEONE_ELSE)
def test_someone_else_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), SOMEONE_ELSE_NOW)
def test_the_persons_own_sign_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), HOW_LONG)
def test_a_definition_question_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), HOW_LONG_NOW)
def test_the_sign_with_its_time_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), LIMIT)
def test_a_reading_said_as_a_limit_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), LIMIT_NOW)
def test_a_reading_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), LEAD_IN)
def test_advice_in_a_lead_in_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), LEAD_IN_NOW)
def test_a_report_after_a_lead_in_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), FEVER_ASKED)
def test_a_fever_word_naming_a_limit_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), FEVER_HAD)
def test_a_reading_someone_has_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), STORY_ENDED)
def test_a_story_that_ended_well_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), STORY_NOW)
def test_a_reading_after_the_story_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), STOPPED)
def test_a_symptom_that_stopped_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), NOT_STOPPED)
def test_a_symptom_that_goes_on_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), ANY)
def test_any_fever_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), ANY_NOW)
def test_a_fever_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), OBJECT)
def test_an_objects_heat_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), OBJECT_CHILD)
def test_a_hot_child_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), AGE_THEN)
def test_a_sign_when_small_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), AGE_NOW)
def test_a_sign_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), ZERO)
def test_zero_is_a_not(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), ZERO_NOW)
def test_a_sign_said_plainly_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), GROUP)
def test_children_of_a_group_ask(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), GROUP_NOW)
def test_the_persons_child_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), RESTATED)
def test_a_story_dated_after_it_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), RESTATED_NOW)
def test_a_reading_again_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), TOPIC)
def test_a_rule_said_after_the_sign_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), TOPIC_NOW)
def test_a_report_then_what_to_do_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), ONE_CALL)
def test_a_reading_quoted_as_a_call_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), ONE_CALL_NOW)
def test_a_reading_then_advice_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), GENERAL)
def test_a_general_question_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), GENERAL_NOW)
def test_the_writers_own_or_a_reading_now_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), BETWEEN)
def test_the_difference_between_two_signs_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), BETWEEN_NOW)
def test_between_with_no_comparison_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), DOCTOR_OK)
def test_a_dated_reading_a_doctor_called_fine_asks(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), DOCTOR_OK_NOW)
def test_a_reading_now_stays_urgent_whatever_was_said_before(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), BLUES)
def test_the_blues_are_no_sign(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), BLUES_NOW)
def test_blue_lips_next_to_the_blues_stay_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"
