"""Arabic dialect spelling and Arabizi: clitics written onto words, digits used as letters.

Hand-written examples of the kinds the blind sets showed (not copied from them), through the
real :class:`Screener` and its rule files.
"""

from __future__ import annotations

import pytest

from bot.safety import Screener
from bot.safety.dialect import keep_arabizi, variants
from bot.safety.normalize import fold


@pytest.mark.parametrize("word", ["7arara", "3ando", "ba5tene2", "2ader", "so5n", "asabee3"])
def test_arabizi_words_are_kept_whole(word: str) -> None:
    assert keep_arabizi(word)
    assert fold(f"x {word} y", keep=keep_arabizi) == f" x {word} y "


@pytest.mark.parametrize("word", ["38c", "3yo", "10am", "2nd", "7wks", "b12", "covid19", "38"])
def test_numbers_with_units_are_not_arabizi(word: str) -> None:
    assert not keep_arabizi(word)


def test_without_arabizi_digits_and_letters_are_split() -> None:
    assert fold("7arara 38.5c") == " 7 arara 38.5 c "


@pytest.mark.parametrize(
    ("word", "meant"),
    [
        ("وسخنه", "سخنه"),  # "and hot"
        ("بالتقرحات", "تقرحات"),  # "with the ulcers"
        ("كاتضرو", "تضرو"),  # Maghrebi present
        ("كرشو", "كرشه"),  # "his belly", final و
        ("قادرش", "قادر"),  # negation ما ...ش
        ("كيجاوبش", "يجاوب"),
    ],
)
def test_arabic_clitics_give_the_plain_word(word: str, meant: str) -> None:
    assert meant in list(variants(word, "ar"))


def test_only_arabic_has_clitic_variants() -> None:
    assert list(variants("wheezing", "en")) == []
    assert list(variants("ما", "ar")) == []  # too short to hold a clitic


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("وابني سخن كتير وعمره 5 أسابيع", "urgent_baby"),
        ("بطنو كتوجعو بزاف ومكيقدرش يوقف", "urgent_sign"),
        ("mish 2adra tetnaffas", "urgent_emergency"),
        ("7araretha 39.2 men el sob7", "urgent_fever"),
        ("ibni 3ando 6 asabee3 w so5n ktir", "urgent_baby"),
        ("ma 3am yrod 3alayi w 3am yetshannaj", "urgent_emergency"),
        ("wejho asfar ktir w ta3ban", "urgent_emergency"),
        ("ما كيرضعش من الصباح وتعبان بزاف", "urgent_sign"),
    ],
)
def test_dialect_and_arabizi_warning_signs(screener: Screener, text: str, key: str) -> None:
    found = screener.screen(text, "ar")
    assert found is not None and found.kind == "urgent", (text, found)
    assert found.message_key == key, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "وكان سخن الشهر اللي فات وهلق منيح",  # past, and now well
        "بيتنفس بصوت عالي لما ينام عشان اللحميه، الدكتور شافه",  # noisy breathing, known cause
        "ana ta3bane men el shoghl el yom",  # tired from work
        "شكرا على المعلومات، وبالتوفيق",
    ],
)
def test_dialect_ordinary_messages_are_not_urgent(screener: Screener, text: str) -> None:
    found = screener.screen(text, "ar")
    assert found is None or found.kind != "urgent", (text, found)


# Gulf and Maghrebi wordings (new sentences of the kinds above).
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("بنتي حرارتها مرتفعة وايد من الصبح", "urgent_fever"),
        ("بطنها يعورها وايد", "urgent_sign"),
        ("ما قامت من النوم ونحاول نصحيها", "urgent_emergency"),
        ("كترعد بزاف والسخانة طالعة", "urgent_fever"),
        ("كتتنفس بالزربة", "urgent_emergency"),
        ("ما قدرناش نفيقوها", "urgent_emergency"),
        ("الدم ما بغاش يوقف من فمها", "urgent_emergency"),
        ("شفايفها زرقين", "urgent_emergency"),
        ("جاتها الكريزة دابا", "urgent_emergency"),
        ("ما كتهضرش مزيان والكلام ديالها مخلط", "urgent_emergency"),
    ],
)
def test_gulf_and_maghrebi_warning_signs(screener: Screener, text: str, key: str) -> None:
    found = screener.screen(text, "ar")
    assert found is not None and found.kind == "urgent", (text, found)
    assert found.message_key == key, (text, found)


@pytest.mark.parametrize(
    "text",
    [
        "شكون نعيط ليه ايلا طلعت السخانة؟",
        "ما ياكل الخضرة من زمان، هذا عادي",
        "عمره 5 شهور ويحب الحليب",
    ],
)
def test_gulf_and_maghrebi_ordinary_messages(screener: Screener, text: str) -> None:
    found = screener.screen(text, "ar")
    assert found is None or found.kind != "urgent", (text, found)


def test_a_child_months_old_is_not_months_ago(screener: Screener) -> None:
    found = screener.screen("ما ياكل ولا يشرب من امس وعمره ٥ شهور", "ar")
    assert found is not None and found.kind == "urgent", found


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "er hat aufgehört zu atmen"),
        ("de", "ich glaube, dass er nicht mehr atmet"),
        ("de", "Wenn ich ihn wecke, reagiert er nicht"),
        ("ar", "نفسه وقف"),
        ("ar", "ما عم يتنفس"),
    ],
)
def test_stopped_breathing_and_no_response_in_other_word_orders_are_emergencies(
    lang: str, text: str
) -> None:
    """Found by a rule writer's own probes: perfect tense, a verb-last clause, and the
    Levantine progressive got no answer at all."""
    result = Screener.load().screen(text, lang)
    assert result is not None and result.kind == "urgent"
    assert result.rule in {"sign.fast_breathing", "sign.hard_to_wake"}
