"""Folding text for the screen: case, accents, digits, clauses."""

from __future__ import annotations

import pytest

from bot.safety.normalize import bare, clause, fold, fold_chars


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("He's 38,5!!", " he s 38,5 | "),
        ("101F", " 101 f "),
        ("Fieber 38,7°C", " fieber 38,7 ° c "),
        ("il a 38°5", " il a 38.5 "),
        ("tiene 38'5", " tiene 38.5 "),
        ("حرارته ٣٨٫٥", " حرارته 38.5 "),
        ("0800-123-4567.", " 0800 123 4567 | "),
        ("at 10:38, 12/10/2024", " at 10:38 , 12/10/2024 "),
        ("NIE MA GORĄCZKI", " nie ma goraczki "),
        ("fièvre: 38.2 ℃", " fievre | 38.2 ° c "),
        ("Straße", " strasse "),
        ("so floppy 😟😟", " so floppy "),
        ("", " "),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_replacements_turn_emoji_into_words() -> None:
    assert fold("🤒 38", {"🤒": "fever"}) == " fever 38 "


def test_fold_chars_keeps_words_whole() -> None:
    assert fold_chars("Ǆemal ŁÓDŹ أُمّ") == "dzemal lodz ام"


def test_clause_and_bare() -> None:
    text = fold("No fever, but sleepy. He is 38,5")
    start = text.index("sleepy")
    a, b = clause(text, start, start + 6)
    assert text[a:b] == " but sleepy "
    assert bare(text) == " no fever but sleepy he is 38,5 "
