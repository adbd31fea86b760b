"""Families of wording tuned for German, Polish and Arabic (docs/safety.md, 2026-12-07).

Each family is checked in both directions with sentences written here, none copied from a
blind set: the sign happening now gets the urgent answer, the near miss does not.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener


def _found(screener: Screener, text: str, lang: str) -> tuple[str | None, str | None]:
    found = screener.screen(text, lang, 38.0)
    return (found.kind, found.message_key) if found is not None else (None, None)


# Arabic dialect and Arabizi wordings of signs happening now.
URGENT = [
    # bleeding that does not stop, in Arabizi
    ("el nazif mn ideha ma bi2af mn sa3a", "ar", "urgent_emergency"),
    # no wet nappy
    ("الحفاض ما فيه بول من الصبح", "ar", "urgent_emergency"),
    ("ma fi 7efad mballal men 12 sa3a", "ar", "urgent_emergency"),
    # shivering and chattering teeth, Levantine and Arabizi
    ("ibni 3ando rajfe w snano 3am yedrabo", "ar", "urgent_sign"),
    ("سنانها عم تتخبط من البرد", "ar", "urgent_sign"),
    # shaking so hard she cannot hold anything
    ("binti btirjof w ma fiya temsek shi", "ar", "urgent_emergency"),
    # a baby who feels hot, in Arabizi
    ("ibni 3omro shahr w jismo sa5en", "ar", "urgent_baby"),
    # not himself, Iraqi "very"
    ("مش هي نفسها اليوم، كلش تعبانه", "ar", "urgent_sign"),
    # a reading now, with a bath or garden word after "and": that word is about the rest
    ("er hat 39,5 und liegt in der Badewanne", "de", "urgent_fever"),
    ("ma 39,2 i siedzimy w ogrodzie", "pl", "urgent_fever"),
    ("عنده 39.5 وهو بالبانيو", "ar", "urgent_fever"),
    ("he is 39.2 and we are in the garden", "en", "urgent_fever"),
    # a reading now after a quoted plan, and a list of readings now
    ("laut Zettel ab 38,5 anrufen, er hat 38,9", "de", "urgent_fever"),
    ("Im Heft steht was von 38,5 oder zweimal 38, er hat jetzt 38,7", "de", "urgent_fever"),
    ("w karcie jest napisane 38,5, a ona ma 39", "pl", "urgent_fever"),
    ("er hatte 37,5 oder 38 und jetzt 39,1", "de", "urgent_fever"),
    ("عنده 38.5 او 39", "ar", "urgent_fever"),
    # going on since a time: still now
    ("er hat seit letzter Woche Fieber und jetzt 39,4", "de", "urgent_fever"),
    ("ma drgawki od pięciu minut", "pl", "urgent_emergency"),
    ("ma gorączkę od szczepienia", "pl", "urgent_fever"),
    ("صار له ساعتين يرجف", "ar", "urgent_sign"),
    ("عنده حرارة صار له يومين", "ar", "urgent_fever"),
    ("عنده حمى من اول ايلول", "ar", "urgent_fever"),
    # shaking from cold, cold feet said of the child, a real fit feared now
    ("er zittert vor Kälte und ist ganz blass", "de", "urgent_emergency"),
    ("er hat kalte Füße bekommen", "de", "urgent_sign"),
    ("sie hat kalte Füße und zittert", "de", "urgent_sign"),
    ("trzęsie się z zimna i ma dreszcze", "pl", "urgent_sign"),
    ("krew mu leci z nosa i nie przestaje", "pl", "urgent_emergency"),
    ("يرجف من البرد", "ar", "urgent_sign"),
    ("يرجف من الخوف وحرارته 39", "ar", "urgent_fever"),
    ("خايف جدا، عنده تشنج الحين", "ar", "urgent_emergency"),
    # blue lips, "dying", a reading after a question or after days
    ("er hat blaue Lippen", "de", "urgent_emergency"),
    ("ma sine usta", "pl", "urgent_emergency"),
    ("شفايفه زرقا", "ar", "urgent_emergency"),
    ("ابني بيموت الحقوني", "ar", "urgent_sign"),
    ("Ab wann ist es schlimm? er hat 39,2", "de", "urgent_fever"),
    # Maghrebi vomiting and "hot" spelt with ص
    ("بنتي تقيات كلشي وحتى الما كترجعو", "ar", "urgent_sign"),
    ("الولد فيه صخونة وراسو يضرو بزاف", "ar", "urgent_fever"),
    ("الدنيا حر وابني عنده سخونة", "ar", "urgent_fever"),
    # a fit while watching TV, blue lips with no sweet to explain them
    ("er hat beim Fernsehen einen Krampfanfall bekommen", "de", "urgent_emergency"),
    ("ihre Lippen sind blau und sie friert", "de", "urgent_emergency"),
    ("oglądał bajkę i nagle dostał drgawek", "pl", "urgent_emergency"),
    ("usta ma sine od rana", "pl", "urgent_emergency"),
    ("كان يتفرج على الكرتون وجاته تشنجات", "ar", "urgent_emergency"),
    ("شفايفها زرقا من الصبح", "ar", "urgent_emergency"),
    ("رحنا الطوارئ عشان ما يتنفس", "ar", "urgent_emergency"),
    # very tired with no reason given
    ("تعبان كتير ومش طبيعي", "ar", "urgent_sign"),
    # Bavarian "weeks old", floppy "like a rag"
    ("unser Kleiner ist 6 Wochen oid und hat 38,1", "de", "urgent_baby"),
    ("sie hängt wie ein Lappen im Arm", "de", "urgent_emergency"),
    # "and not" written as one word (وما, ومش), Arabizi rash, line site, pale
    ("ولدي راسه يوجعه وما يقدر يحني رقبته", "ar", "urgent_sign"),
    ("ابني دايخ وما يعرفني", "ar", "urgent_emergency"),
    ("بنتي تعبانة ومش قادرة تتنفس", "ar", "urgent_emergency"),
    ("fi 7bub 7amra ma bterou7 lama e2ghat 3aleyha bl kasse", "ar", "urgent_emergency"),
    ("7aseto 3am ywaj3o ktir 3and el port w a7mar", "ar", "urgent_sign"),
    ("بنتي صارت صفرا كتير وما فيها حيل", "ar", "urgent_emergency"),
    ("ma ba3ref shu fi, nafaso sari3 ktir", "ar", "urgent_emergency"),
    ("vor zwei Tagen fing es an, jetzt 39,1", "de", "urgent_fever"),
]


@pytest.mark.parametrize(("text", "lang", "key"), URGENT)
def test_a_sign_said_in_these_words_is_urgent(
    screener: Screener, text: str, lang: str, key: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", key)


# The near misses of the families above: no urgent answer.
NOT_URGENT = [
    ("el dam wa2ef mn sa3a", "ar"),  # the bleeding has stopped: asks
    ("الجو حار كتير اليوم", "ar"),  # hot weather
    ("el jaw 7ar ktir", "ar"),
    ("ibni 3omro 5 snin w 7aar el jaw", "ar"),  # not a baby, and it is the weather
    ("الحفاض مبلول كالعادة", "ar"),  # a wet nappy
    ("هو نفسه مرتاح اليوم", "ar"),  # "himself", not "not himself"
    ("كلش زين اليوم، الحمد لله", "ar"),  # "very well"
    ("ra7et el re3sha mbere7 w halla2 mni7a", "ar"),  # shivering yesterday, fine now
    # water or milk temperatures, also in a list ("37, 38 degrees")
    ("das Badewasser hat so 37, 38 Grad", "de"),
    ("woda w basenie ma 37, 38 stopni", "pl"),
    ("the bath water is 37, 38 degrees", "en"),
    ("حرارة الماء في المسبح حوالي 37 او 38 درجة", "ar"),
    ("الماء في المسبح 38 درجة", "ar"),
    # readings in a booklet, the second one of a list too
    (
        "Wir messen jeden Abend mit dem Thermometer. Im Klinik-Heft steht was von 38,5 oder "
        "zweimal 38 in einer Stunde, wie zählt man das?",
        "de",
    ),
    (
        "Mierzymy termometrem co wieczór. W książeczce jest coś o 38,5 albo 2 razy 38, "
        "jak to liczyć?",
        "pl",
    ),
    ("نقيس بالميزان كل ليلة. في الكتيب مكتوب شي عن 38.5 او 38 مرتين، كيف نحسبها؟", "ar"),
    # an event last week, last month, last year, in a named month
    ("Die Krämpfe vorletzte Woche – brauchen wir jetzt immer ein Notfallmedikament?", "de"),
    ("drgawki w zeszłym miesiącu były od wysokiej gorączki, czy to się powtórzy?", "pl"),
    ("التشنج اللي صار له الشهر اللي راح، هل ممكن يرجع؟", "ar"),
    ("في شهر ايلول كانت عنده حمى، هل ترجع بالشتا؟", "ar"),
    # figurative: trembling with fear or excitement, cold feet about a plan, "my blood boils"
    ("ich zittere vor Aufregung wegen der Ergebnisse", "de"),
    ("Ich krieg kalte Füße wegen der OP", "de"),
    ("die Oma hat kalte Füße bekommen wegen der Reise", "de"),
    ("wir haben Blut und Wasser geschwitzt bei den Werten", "de"),
    ("trzęsę się ze strachu przed wynikami", "pl"),
    ("krew mnie zalewa, znowu przełożyli wizytę", "pl"),
    ("قلبي بيرجف من الخوف على النتيجة", "ar"),
    # a worry about later
    ("خايف جدا انه يجيه تشنج", "ar"),
    ("ييجي يوم وبيتحسن", "ar"),
    # five years old is not a baby: the fever answer, not the baby one
    ("der Kleine ist 5 Jahre oid und hat 37,2", "de"),
    # vomited once and fine now; hot weather
    ("تقيات مرة وحدة الصباح ودابا لاباس", "ar"),
    ("الجو فيه صخونة اليوم", "ar"),
    ("الجو فيه سخونة اليوم", "ar"),
    # a child on TV, lips blue from a sweet, the emergency department for a blood test
    ("In der Serie hatte das Kind einen Krampfanfall, das hat mich total mitgenommen", "de"),
    ("W serialu dziecko miało drgawki, strasznie to przeżyłam", "pl"),
    ("في المسلسل الولد جاته تشنجات وانا بكيت", "ar"),
    ("Ihre Lippen sind blau vom Heidelbeereis 😂", "de"),
    ("Usta ma sine od jagód 😂", "pl"),
    ("شفايفها زرقا من الآيس كريم 😂", "ar"),
    ("بنروح الطوارئ بس عشان فحص الدم، ضروري؟", "ar"),
    # tired after swimming or a late night
    ("تعبانة كتير اليوم بعد السباحة بس مبسوطة", "ar"),
    ("تعبان كتير من السهر", "ar"),
    # Arabizi "not", a yellow wall
    ("el port nadif w mesh a7mar", "ar"),
    ("ma fi 7arara bas kaslan", "ar"),
    ("ابني ما يتنفس بسرعة", "ar"),
    ("الحيطة صفرا كتير", "ar"),
    # what counts as a fever, asked with two readings
    ("Ab wann gilt es bei ihr als Fieber, 38 oder 37,5?", "de"),
    ("Od ilu to jest gorączka u niej, 38 czy 37,5?", "pl"),
    ("من كم تعتبر حمى عندها، 38 ولا 37.5؟", "ar"),
    # a reading days ago, over since
    ("Fieber hatte er vor zwei Tagen 38,6, seitdem normal", "de"),
    ("dwa dni temu miał 38,5, od tego czasu w normie", "pl"),
    ("قبل يومين كانت حرارته 38.6 والحين تمام", "ar"),
    # blue things, dying of curiosity
    ("er ist im blauen Team beim Sportfest, darf er mitmachen?", "de"),
    ("jest w niebieskiej drużynie na dniu sportu, może startować?", "pl"),
    ("sie stirbt vor Neugier, wann kommen die Werte?", "de"),
    ("umiera z ciekawości, kiedy wyniki?", "pl"),
    ("بنتي بتموت على قطة، نقدر نجيب وحدة؟", "ar"),
    # logistics with "emergency"
    ("عندنا خطة طوارئ مكتوبة، هل تكفي؟", "ar"),
    ("لازم ناخذ دوا الطوارئ معنا؟", "ar"),
]


@pytest.mark.parametrize(("text", "lang"), NOT_URGENT)
def test_the_near_miss_gets_no_urgent_answer(screener: Screener, text: str, lang: str) -> None:
    assert _found(screener, text, lang)[0] != "urgent"
