"""Round 3 (2026-12-07): false alarms, by mechanism. Every sentence here was written for this
file (none copied from a blind set), both ways: the near-miss that no longer raises the urgent
answer, and the report now, in the same shape, that stays urgent.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from tests.support.safety import screen_kind

# A pet or someone else is the subject of a second verb after "and", with no subject of its own.
SHARED_SUBJECT = [
    ("my neighbour's cat has a cold and is shivering under the sofa", "en"),
    ("our puppy ate something odd and keeps vomiting everything", "en"),
    ("unser Kater frisst nichts und zittert seit dem Morgen", "de"),
    ("el perro de mi abuela está resfriado y tiembla mucho", "es"),
    ("notre chienne a de la diarrhée et tremble dans son panier", "fr"),
    ("nasz kot nic nie je i się trzęsie od rana", "pl"),
    ("الكلب تبعنا ما ياكل وبيرجف من الصبح", "ar"),
]

# The same shape with a person as the new subject, or the person's own sign: still urgent.
OWN_SUBJECT = [
    ("our puppy is poorly and my son is shivering with 39.1", "en"),
    ("the cat scratched him and now he is shivering violently", "en"),
    ("my daughter has a fever and is shivering", "en"),
    ("unser Kater ist krank und mein Sohn zittert am ganzen Körper", "de"),
    ("mi hija tiene fiebre y tiembla mucho", "es"),
    ("notre lapin est malade et mon fils tremble de partout", "fr"),
    ("kot jest chory, a córka się trzęsie i ma dreszcze", "pl"),
]

# Advice quoted with no "if": a bare sign with what to do said right after it as a rule.
RULE_ADVICE = [
    ("the consultant told us grey lips means 999 whatever the time", "en"),
    ("Die Kinderärztin meinte, Atemnot heißt sofort 112", "de"),
    ("Der Onkologe hat gesagt, Schüttelfrost immer melden, auch nachts", "de"),
    ("el hematólogo dijo que convulsiones es llamar al 112 sin esperar", "es"),
    ("lekarka mówiła, że sinienie ust to od razu 112", "pl"),
    ("pielęgniarz powiedział, że drgawki zawsze zgłaszać", "pl"),
]

# A professional reports the sign now, or the instruction is in a clause of its own.
ADVICE_REPORT = [
    ("the nurse said his lips are blue and we must call 999", "en"),
    ("Die Ärztin hat gesagt, er hat Atemnot, sofort kommen", "de"),
    ("el médico dijo que tiene convulsiones y que llamemos al 112", "es"),
    ("lekarka mówi, że ma sine usta i trzeba dzwonić na 112", "pl"),
]

# General questions about a sign, with no person, in de, pl, ar (en, es, fr had them).
GENERAL = [
    ("Ist ein Fieberkrampf immer gefährlich?", "de"),
    ("Ist eine Blutung aus der Nase immer ein Notfall?", "de"),
    ("czy dreszcze to zawsze powód do dzwonienia?", "pl"),
    ("czy każde drgawki trzeba zgłaszać?", "pl"),
    ("هل الرجفة دائما خطيرة؟", "ar"),
    ("how quick is breathing too quick in a baby of 2?", "en"),
    ("¿cuántas respiraciones por minuto se considera respirar muy rápido?", "es"),
]

# The same words about someone, or happening now: still urgent.
GENERAL_NOW = [
    ("Ist das ein Fieberkrampf? Er zuckt am ganzen Körper", "de"),
    ("czy to drgawki? trzęsie nim całym i nie odpowiada", "pl"),
    ("هل هذه تشنجات؟ ابني عنده تشنجات الحين", "ar"),
    ("czy drgawki to zawsze nagły wypadek? on ma teraz drgawki", "pl"),
    ("he is breathing too quick, how quick is too quick?", "en"),
]


@pytest.mark.parametrize(("text", "lang"), SHARED_SUBJECT)
def test_a_pets_second_verb_after_and_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), OWN_SUBJECT)
def test_a_person_after_and_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), RULE_ADVICE)
def test_advice_said_as_a_rule_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), ADVICE_REPORT)
def test_a_professional_reporting_the_sign_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), GENERAL)
def test_a_general_question_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), GENERAL_NOW)
def test_a_question_about_now_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# A past time in a clause of its own next to the sign, or an age then, in en, es, fr (de, pl,
# ar had it in round 2); a time restated between commas ("last winter, about ten months ago,").
LONG_AGO = [
    ("he had a febrile convulsion as a baby, ages ago, is that linked to his count?", "en"),
    ("when she was 3 she had a fever of 39.8 and spent a week inside", "en"),
    ("tuvo fiebre de 40 cuando tenía 3 años, hace muchísimo, ¿cuenta eso?", "es"),
    ("de chiquita tuvo una convulsión, ¿importa ahora?", "es"),
    ("il a fait une convulsion quand il avait 2 ans, il y a longtemps, ça compte ?", "fr"),
    ("Vorletzten Sommer, also vor ungefähr anderthalb Jahren, hatte sie 39,6", "de"),
    ("Zeszłego lata, czyli jakieś 2 lata temu, miała 39,6", "pl"),
    ("حصلتلها تشنجات، من زمان كتير", "ar"),
]

# A time that compares with now, another thing in the clause, or a sign now after "and".
LONG_AGO_BUT_NOW = [
    ("he is having a fit now, like 2 years ago, what do I do", "en"),
    ("she had a fit as a baby and now she is fitting again", "en"),
    ("tiene una convulsión ahora, como hace 2 años", "es"),
    ("il convulse, comme il y a deux ans, on appelle le 15 ?", "fr"),
    ("tiembla mucho, hace mucho frío en casa", "es"),
    ("when she was 3 she had fits, now she has 39.5", "en"),
]

# Someone in a story or on television, said with "someone" or "a patient", or a show's name.
STORY = [
    ("in a documentary last week a patient had a seizure on the ward", "en"),
    ("somebody had a fit on the bus today and my son is upset", "en"),
    ("Im Krimi gestern hatte jemand einen Krampfanfall, mein Sohn hat jetzt Angst", "de"),
    ("en la serie alguien tuvo una convulsión y mi hija se asustó", "es"),
    ("à la télé un patient faisait une convulsion, ma fille a eu peur", "fr"),
    ("w filmie ktoś dostał drgawek i syn się wystraszył", "pl"),
    ("my daughter loves Grey's Anatomy, can she watch it on the ward?", "en"),
]

# The person's own sign, told the same way: still urgent.
STORY_NOW = [
    ("someone please help, my son is having a seizure", "en"),
    ("my son had a seizure on the bus today", "en"),
    ("heute hatte mein Sohn einen Krampfanfall im Bus", "de"),
    ("mi hija tuvo una convulsión en el cole hoy", "es"),
]

# Figurative words: a laughing or coughing fit in Spanish, a blue team, Saturday's fever.
FIGURES = [
    ("le dio un ataque de tos de tanto reír", "es"),
    ("a mi marido le dio un ataque de nervios con el tráfico", "es"),
    ("die Blauen spielen morgen, er ist ganz aufgeregt", "de"),
    ("w radiu leci sobotnia gorączka, mała tańczy", "pl"),
    ("we watched Saturday Night Fever with grandma", "en"),
]

FIGURES_NOW = [
    ("le dio una convulsión en el coche", "es"),
    ("seine Lippen sind ganz blau und er atmet schwer", "de"),
    ("mała ma gorączkę 39,2 od soboty", "pl"),
]


@pytest.mark.parametrize(("text", "lang"), LONG_AGO)
def test_a_sign_long_ago_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), LONG_AGO_BUT_NOW)
def test_a_sign_compared_with_then_or_now_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), STORY)
def test_someone_in_a_story_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), STORY_NOW)
def test_the_persons_own_sign_stays_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), FIGURES)
def test_figurative_words_are_no_sign(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) is None


@pytest.mark.parametrize(("text", "lang"), FIGURES_NOW)
def test_the_same_words_said_plainly_stay_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# An "if" that opens the sign's clause reaches all of it, past the 8-word window; a "how do I
# tell whether" before a comma; a plan's rule that a sign "is urgent".
IF_CLAUSE = [
    (
        "what should the childminder do, if Zofia at her house all of a sudden gets hot"
        " and starts to shake",
        "en",
    ),
    (
        "was sollen die Großeltern tun, wenn Paul bei ihnen mitten in der Nacht plötzlich"
        " ganz heiß wird und zu zittern anfängt",
        "de",
    ),
    (
        "co ma zrobić babcia, jeśli Staś u niej w nocy nagle zrobi się gorący i zacznie się trząść",
        "pl",
    ),
    ("woran merkt man, ob ein Ausschlag gefährlich ist?", "de"),
    ("jak sprawdzić, czy wysypka jest groźna?", "pl"),
    (
        "the care plan says that a cough with a temperature is urgent, how do we explain"
        " that to grandma?",
        "en",
    ),
    ("en la carpeta del cole pone que las manchas que no se van con el vaso son urgentes", "es"),
    ("le classeur de la crèche dit que des lèvres bleues sont une urgence", "fr"),
    ("si durante la excursión tiembla mucho, ¿lo llevan al médico?", "es"),
    ("co robić jak zacznie się trząść w pociągu?", "pl"),
]

# The same shapes with the sign now: still urgent.
IF_CLAUSE_NOW = [
    ("what should I do, he is shaking all over and very hot", "en"),
    ("jak sprawdzić czy to drgawki, on teraz cały się trzęsie i nie odpowiada", "pl"),
    ("the nurse says his rash doesn't fade and it is urgent", "en"),
    ("la enfermera dice que las manchas de mi hijo no se van con el vaso", "es"),
    ("sí, durante la noche tembló mucho y tiene 39,4", "es"),
    ("jak zaczął się trząść, zmierzyłam: 39,6", "pl"),
]

# Figures of speech and the writer's own wanting; someone else's child "of the neighbour";
# a pet's second verb after "because"; a relative's reading at the weekend, well now.
MORE_NEAR_MISSES = [
    ("il a vomi une fois ce matin mais ensuite il a tout gardé", "fr"),
    ("she was sick once at lunch but has kept everything down since", "en"),
    ("أعصابي تعبانة من الشغل، بس البنت بخير", "ar"),
    ("syn mówi, że umrze ze wstydu w tej maseczce", "pl"),
    ("nie chcę jej zawracać głowy, ale kiedy jest kontrola?", "pl"),
    ("ich will nicht nerven, aber wann ist der nächste Termin?", "de"),
    ("la fille de la voisine a une grosse fièvre, on peut la voir ?", "fr"),
    ("nasz pies był u weterynarza, bo ciągle wymiotował", "pl"),
    ("أخوي كان عنده حرارة 39 نهاية الأسبوع، بس الحين الحمد لله زين", "ar"),
]

MORE_NOW = [
    ("il a vomi tout ce qu'il a bu, il ne garde rien", "fr"),
    ("she keeps vomiting and can't keep anything down", "en"),
    ("البنت أعصابها تعبانة وحرارتها 39.4", "ar"),
    ("nie chce pić od rana i ma gorączkę", "pl"),
    ("er will nicht trinken und ist ganz schlapp", "de"),
    ("ma fille a une grosse fièvre depuis ce matin", "fr"),
    ("syn był u lekarza, bo ciągle wymiotuje i ma 39", "pl"),
    ("عنده حرارة 39 من نهاية الأسبوع", "ar"),
]


@pytest.mark.parametrize(("text", "lang"), IF_CLAUSE)
def test_an_if_or_a_rule_asks(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), IF_CLAUSE_NOW)
def test_the_sign_now_in_the_same_shape_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


@pytest.mark.parametrize(("text", "lang"), MORE_NEAR_MISSES)
def test_more_near_misses_do_not_alarm(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), MORE_NOW)
def test_more_reports_now_stay_urgent(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# Someone else opening the clause is its subject, however far the sign; a reading asked about
# as a limit ("is 38 the limit?", "which of the two is right?").
OPENING_AND_LIMITS = [
    ("a girl in her class has had a really bad fever since monday", "en"),
    ("la fille de la collègue de mon mari a depuis trois jours une très grosse fièvre", "fr"),
    ("is 38.3 the limit for her, or do we wait for 38.5?", "en"),
    ("ist 38,2 die Grenze oder gilt bei uns ein anderer Wert?", "de"),
    ("czy 38,2 to granica, czy inna liczba?", "pl"),
    ("el hematólogo dijo 38 y la enfermera 38,5, ¿cuál de los dos vale?", "es"),
]

OPENING_AND_LIMITS_NOW = [
    ("my little boy has had a really bad fever since monday", "en"),
    ("his teacher phoned to say he has a fever of 39", "en"),
    ("she has 38.4, is that over the limit?", "en"),
    ("his temperature is 38.6 now, is that the limit?", "en"),
    ("temp 38.6 is that over the limit", "en"),
    ("Fieber 38,7, ist das schon die Grenze?", "de"),
    ("er hat jetzt 38,6, ist das über der Grenze?", "de"),
]


@pytest.mark.parametrize(("text", "lang"), OPENING_AND_LIMITS)
def test_someone_else_opening_a_clause_or_a_limit_asks(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), OPENING_AND_LIMITS_NOW)
def test_the_persons_reading_with_a_limit_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# An event then opening the sentence ("after my second cycle"), with the sentence saying it is
# over, makes its reading past; without "over" it stays a reading now.
EVENT_THEN_OVER = [
    (
        "after his third cycle he had 39.2 and spent two nights inside, but he recovered fully",
        "en",
    ),
    ("después de su segundo ciclo tuvo 39,2 y lo ingresaron, pero se recuperó bien", "es"),
    (
        "après sa troisième cure il a fait 39,2 et il a été hospitalisé, mais il s'est vite remis",
        "fr",
    ),
]

EVENT_THEN_NOW = [
    ("after his third cycle he had 39.2 and he is shivering", "en"),
    ("después de su segundo ciclo tiene 39,2", "es"),
    ("après sa troisième cure il a fait 39,2 cette nuit", "fr"),
]


@pytest.mark.parametrize(("text", "lang"), EVENT_THEN_OVER)
def test_a_reading_after_an_event_then_that_is_over_asks(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), EVENT_THEN_NOW)
def test_a_reading_after_an_event_not_over_stays_urgent(
    screener: Screener, text: str, lang: str
) -> None:
    assert screen_kind(screener, text, lang) == "urgent"


# Arabic "and not" written as one word before "has": a negation ("وما فيه حرارة"); "وما زال"
# (still) is no negation.
AR_AND_NOT = [("البنت عندها رشح بسيط وما فيها حرارة، عادي تروح المدرسة؟", "ar")]
AR_STILL = [("وما زال عنده تشنجات من ربع ساعة", "ar"), ("أخوه مريض وعنده حرارة 39.5", "ar")]


@pytest.mark.parametrize(("text", "lang"), AR_AND_NOT)
def test_arabic_and_not_negates(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) != "urgent"


@pytest.mark.parametrize(("text", "lang"), AR_STILL)
def test_arabic_still_is_no_negation(screener: Screener, text: str, lang: str) -> None:
    assert screen_kind(screener, text, lang) == "urgent"
