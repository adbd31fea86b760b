"""German, Polish and Arabic concepts widened so the screen generalises to blind text (issue
9): a time said between verb and "nicht", pain round the bottom, "can't sit" as severe pain,
the person's verb after a reading, Arabic ث written ت, Arabizi with a doubled digit. Each
concept is tested both ways: the warning sign gets the urgent answer, the near miss does not.
Written here, not copied from the blind sets.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.dialect import keep_arabizi, variants


def _found(screener: Screener, text: str, lang: str) -> tuple[str | None, str]:
    found = screener.screen(text, lang, 38.0)
    return (found.kind, found.message_key) if found is not None else (None, "")


URGENT = [
    # a time between the verb and "nicht ... auf"
    ("de", "Das Nasenbluten hört seit einer Stunde einfach nicht auf", "urgent_emergency"),
    ("de", "die Wunde blutet und will seit 20 Minuten nicht aufhören", "urgent_emergency"),
    # pain round the bottom, so bad they cannot sit
    ("de", "Sie hat Schmerzen am Po und kann nicht sitzen", "urgent_sign"),
    ("pl", "bardzo boli ją pupa, nie może siedzieć", "urgent_sign"),
    ("ar", "عنده وجع جامد حوالين الشرج", "urgent_sign"),
    # mouth ulcers and feeling awful
    ("pl", "cała buzia w aftach, wygląda fatalnie", "urgent_sign"),
    # a baby's age in days without "old"
    ("de", "Neugeborenes 12 Tage, 38,1", "urgent_baby"),
    # the person's verb after a reading in degrees
    ("de", "39 Grad hat er jetzt", "urgent_fever"),
    ("pl", "38 stopni ma synek", "urgent_fever"),
    # Arabic: ث written ت, "and" written onto "not"
    ("ar", "كلامها تقيل ومش مفهوم", "urgent_emergency"),
    # Maghrebi present prefix on a shivering verb
    ("ar", "كتترعد بزاف", "urgent_sign"),
    # Arabizi: a doubled digit, hands and feet, waking
    ("ar", "bintna jelda mba22a3", "urgent_emergency"),
    ("ar", "ejreih w edeih metl el talj", "urgent_sign"),
    ("ar", "mish 2ader as7eeh", "urgent_emergency"),
    ("ar", "heya ra5ya w mesh bterod", "urgent_emergency"),
]

CALM = [
    # bleeding that stopped, a bottom that does not hurt
    ("de", "Das Nasenbluten hat nach 5 Minuten aufgehört"),
    ("pl", "pupa trochę odparzona, ale nie boli"),
    # degrees of bath water, with "hot" in the message
    ("pl", "ustawiłam wodę do kąpieli na 38 stopni, jest bardzo gorąca"),
    ("de", "das Badewasser hat 38 Grad, ist das zu heiss?"),
    # not concentrating at school is not confusion
    ("ar", "ابني مش مركز في المدرسة"),
    ("ar", "ابني مش مركز خالص في الواجبات"),
    # a sibling named without "his/her"
    ("pl", "młodsza siostra ma gorączkę 38,5, a syn jest zdrowy, czy ma iść do przedszkola?"),
    ("de", "Der große Bruder hat 38,4, er selbst ist fit"),
    ("ar", "خوها الصغير عنده سخونه، نبعدهم؟"),
    # a year after the verb, a month name, back at school or well since
    ("de", "Er hatte 2019 einen Krampfanfall, seitdem nichts mehr"),
    ("pl", "miał drgawki w 2020, od tego czasu nic"),
    ("de", "Am 3. März 38,9, seitdem wieder fit"),
    ("de", "am 8. Jänner 39,1, jetzt wieder im Kindergarten"),
    ("pl", "5 stycznia miał 39, teraz już chodzi do szkoły"),
    # questions about a sign: from how many degrees, does it count, how does it look
    ("de", "Ab wie viel Grad soll ich die Station anrufen?"),
    ("de", "Zählt Schüttelfrost auch als Warnzeichen?"),
    ("pl", "czy lekkie dreszcze po kąpieli też się liczą?"),
    ("pl", "jak wygląda wysypka, która nie blednie?"),
    ("ar", "kifash n3ref ila kan 3ando s5ana?"),
    ("ar", "كيفاش نعرف إذا عنده سخانة؟"),
    # blood taken for a test
    ("de", "Morgen wird ihm Blut abgenommen, muss er nüchtern sein?"),
    ("pl", "jutro pobiorą mu krew, czy musi być na czczo?"),
    # the line site said with "not"
    ("de", "der Port ist nicht gerötet und nicht geschwollen"),
    ("pl", "port nie jest czerwony"),
    ("ar", "مكان القسطرة مش احمر ولا منفوخ"),
]

#: The same concepts with the sign happening now to the person: still urgent.
URGENT_NOW = [
    ("pl", "syn ma 39 stopni, brat też kaszle"),
    ("de", "Er hat 39,1 und seine Schwester sagt, er ist ganz schlapp"),
    ("de", "Die Kleine hat 39,2 und zittert"),
    ("ar", "بنتي عندها حرارة ٣٩ وخوها كمان مريض"),
    ("de", "Er hat gerade einen Krampfanfall, das hatte er 2019 auch schon"),
    ("de", "Heute 38,9, gestern war alles wieder gut"),
    ("de", "Er ist fit gewesen, jetzt hat er 39,4"),
    ("de", "Er zählt nicht mehr bis zehn und ist total verwirrt"),
    ("pl", "ma wysypkę, która nie blednie pod szklanką"),
    ("ar", "3ando s5ana 39 w mesh 2ader yetnaffas"),
    ("pl", "krew leci z nosa od godziny i nie przestaje"),
    ("de", "der Port ist nicht mehr rot, aber geschwollen"),
    ("ar", "البورت احمر"),
    # a reading nothing brings down, Arabizi fever words and "39 and a bit"
    ("pl", "trzydzieści osiem i pół stopnia, paracetamol nie pomaga"),
    ("de", "achtunddreissig Grad, das Zäpfchen hilft nicht"),
    ("ar", "حرارته ٣٩ درجة والخافض ما نفع"),
    ("ar", "3andi skhoneya 38.9"),
    ("ar", "7arareto 38 w shwaya"),
]


@pytest.mark.parametrize(("lang", "text", "key"), URGENT)
def test_warning_sign_gets_the_urgent_answer(
    screener: Screener, lang: str, text: str, key: str
) -> None:
    assert _found(screener, text, lang) == ("urgent", key)


@pytest.mark.parametrize(("lang", "text"), CALM)
def test_near_miss_is_not_urgent(screener: Screener, lang: str, text: str) -> None:
    assert _found(screener, text, lang)[0] != "urgent"


@pytest.mark.parametrize(("lang", "text"), URGENT_NOW)
def test_sign_now_next_to_the_same_words_is_urgent(
    screener: Screener, lang: str, text: str
) -> None:
    assert _found(screener, text, lang)[0] == "urgent"


def test_arabizi_keeps_a_doubled_digit_whole() -> None:
    assert keep_arabizi("mba22a3")
    assert keep_arabizi("m7ammar")
    assert not keep_arabizi("38c")
    assert not keep_arabizi("a12b")  # two different digits: a number, not letters


def test_arabic_ta_may_stand_for_tha() -> None:
    assert "ثقيل" in set(variants("تقيل", "ar"))
    assert "ثقيل" not in set(variants("تقيل", "fr"))
