"""The phrase language: what each piece of syntax matches, and the matcher by first letter."""

from __future__ import annotations

import re

import pytest

from bot.safety.normalize import fold
from bot.safety.patterns import PatternError, WordMatcher, compile_phrase


def _matches(phrase: str, text: str) -> bool:
    return re.search("(?<= )" + compile_phrase(phrase).regex, fold(text)) is not None


@pytest.mark.parametrize(
    ("phrase", "text", "hit"),
    [
        ("hard to wake", "He is HARD to wake!", True),
        ("hard to wake", "hard to make", False),
        ("(won't|will not) wake [up]", "she won't wake up", True),
        ("(won't|will not) wake [up]", "she will not wake", True),
        ("rash ... (doesn't|not) fade", "a rash that really doesn't fade", True),
        ("rash ... (doesn't|not) fade", "rash. it does not fade", False),  # no gap over a '.'
        ("breath*", "breathless", True),
        ("breath*", "a deep breath", True),
        ("*حمي", "والحمى", True),
        ("not breathing !(fast|hard)", "he is not breathing", True),
        ("not breathing !(fast|hard)", "he is not breathing fast", False),
        ("fièvre", "FIEVRE", True),
        ("gorączka", "goraczka", True),
        ("fever", "feverish", False),
    ],
)
def test_phrase_syntax(phrase: str, text: str, hit: bool) -> None:
    assert _matches(phrase, text) is hit


def test_plain_words_are_typo_targets_but_wildcards_and_lookaheads_are_not() -> None:
    compiled = compile_phrase("very (sleepy|drows*) !(kitten)")
    assert compiled.words == {"very", "sleepy"}


def test_first_letters() -> None:
    assert compile_phrase("[very] (sleepy|drowsy)").first == {"v", "s", "d"}
    assert compile_phrase("*حمي").first is None
    assert compile_phrase("Ärger").first == {"a"}


@pytest.mark.parametrize(
    ("phrase", "message", "column"),
    [
        ("(a|b", "never closed", 1),
        ("a b)", "does not close anything", 4),
        ("[very]", "every word of this phrase is optional", 1),
        ("... a", "'...' belongs between words", 1),
        ("a |", "a choice is empty at the end", 4),
        ("(very)? sleepy", "'?' is not a word", 7),
        ("bre*th", "'*' goes only at the start or end", 1),
        ("a !", "'!' needs a word", 3),
        ("   ", "the phrase is empty", 1),
    ],
)
def test_bad_phrases(phrase: str, message: str, column: int) -> None:
    with pytest.raises(PatternError, match=re.escape(message)) as info:
        compile_phrase(phrase)
    assert info.value.column == column


def test_word_matcher_finds_leftmost_in_order_and_removes() -> None:
    phrases = [compile_phrase(p) for p in ("very sleepy", "sleepy", "*حمي", "blue lips")]
    matcher = WordMatcher(phrases)
    text = fold("so sleepy, very sleepy and blue lips with الحمى")
    assert [i for i, _ in matcher.finditer(text)] == [1, 0, 3, 2]
    assert matcher.search(text)
    assert not matcher.search(fold("all fine"))
    assert matcher.remove(fold("very sleepy today")) == " today "
    assert not WordMatcher([]).search(text)
