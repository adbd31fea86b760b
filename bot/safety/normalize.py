"""Folding text for matching: no case, no accents, local digits as 0-9, clauses marked ``|``."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping

#: Marks a sentence boundary in folded text; nothing matches across one.
CLAUSE = "|"
#: A comma in folded text: a phrase's "..." gap may cross it, a negation may not.
COMMA = ","
_BOUNDARY = re.compile(r" [|,](?= )")

# Letters NFKD does not take apart, Arabic letter variants, local digits and punctuation.
_TABLE = str.maketrans(
    {
        "ł": "l",
        "đ": "d",
        "ø": "o",
        "æ": "ae",
        "œ": "oe",
        "ı": "i",
        "ة": "ه",
        "ى": "ي",
        # Persian letters in Iraqi and Gulf Arabic: گ is the q said as g (وگف = وقف), چ the k
        # said as ch (تحچي = تحكي); ک and ی are the Persian forms of ك and ي.
        "گ": "ق",
        "چ": "ك",
        "ک": "ك",
        "ی": "ي",
        "ـ": "",
        "\ufe0f": "",
        "\u200d": "",
        "\u200c": "",
        "\u200f": "",
        "\u200e": "",
        "٫": ".",
        "،": ",",
        "؟": "?",
        "؛": ";",
        **{chr(0x0660 + i): str(i) for i in range(10)},
        **{chr(0x06F0 + i): str(i) for i in range(10)},
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "º": "°",
        "˚": "°",
    }
)
_MARKS = re.compile(r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed]+")
# A decimal written 38'5 (Spain) or 38°5 (France) reads as 38.5.
_DECIMAL_MARK = re.compile(r"(?<=\d)['°](?=\d)")
# Punctuation that ends a clause, unless it sits inside a number (38,5 · 10:30 · 12/10).
_BREAK = re.compile(r"\.(?!\d)|(?<!\d)\.|[!?;\n\r…]+|:(?!\d)|(?<!\d):|/(?!\d)|(?<!\d)/")
_COMMAS = re.compile(r",(?!\d)|(?<!\d),")
# A German date "am 3.11." keeps its date: the dot after the month does not end the sentence.
_DATE_DOT = re.compile(r"(?<![\d.,])((?:[0-2]?\d|3[01])\.(?:0?[1-9]|1[0-2]))\.(?=\s|$)")
# Single letters joined by dots are one abbreviation, not sentence ends: "k.o." (worn out),
# "z.B.", "e.g.", "a.m." read as the words "ko", "zb", "eg", "am".
_ABBREVIATION = re.compile(r"(?<![^\W_])([^\W\d_])\.(?: (?=[^\W\d_]\.))?([^\W\d_])\.?(?![^\W_])")
_OTHER = re.compile(r"[^\w.,°%:/|]+")
# Numbers stand apart from letters and units: 38.5c → 38.5 c, 3yo → 3 yo, 38° → 38 °.
_APART = re.compile(r"(?<=\d)(?=[^\W\d_]|[°%])|(?<=[^\W\d_]|[°%])(?=\d)|(?<=°)(?=[^\W\d_])")
_SPACES = re.compile(r" {2,}")
_WORDS = re.compile(r"[^ ]+")
_WORD = re.compile(r"[^\W_]")
_BARS = re.compile(r"(?: \|)+")


def fold_chars(text: str) -> str:
    """Case, accents and letter variants folded; digits in any script as 0-9."""
    text = text.translate(_TABLE)  # before NFKD: º would otherwise become 'o'
    text = unicodedata.normalize("NFKD", text)
    return _MARKS.sub("", text).casefold().translate(_TABLE)


def fold(
    text: str, replace: Mapping[str, str] | None = None, keep: Callable[[str], bool] | None = None
) -> str:
    """Fold ``text`` for matching: words separated by single spaces, padded by one each side.

    Clause punctuation becomes ``|``; every other symbol and emoji becomes a space, after
    ``replace`` has turned listed ones (🤒 → fever) into words; a comma stays as ``,``.
    ``"He's 38,5, hot!!"`` becomes ``" he s 38,5 , hot | "``. Words for which ``keep`` is
    true keep their digits and letters together (Arabizi: ``7arara``).
    """
    text = fold_chars(text)
    if replace:
        for old, new in replace.items():
            if old in text:
                text = text.replace(old, f" {new} ")
    text = _ABBREVIATION.sub(r"\1\2", text)
    text = _DECIMAL_MARK.sub(".", text)
    text = _DATE_DOT.sub(r"\1", text)
    text = _BREAK.sub(" | ", text)
    text = _COMMAS.sub(" , ", text)
    text = _OTHER.sub(" ", text)
    if keep is None:
        text = _APART.sub(" ", text)
    else:
        text = _WORDS.sub(lambda m: m[0] if keep(m[0]) else _APART.sub(" ", m[0]), text)
    text = _BARS.sub(" |", _SPACES.sub(" ", f" {text} "))
    return _SPACES.sub(" ", text)


def clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of the clause (between sentence ends or commas) around ``start``-``end``."""
    before = [m.end() for m in _BOUNDARY.finditer(text, 0, start)]
    after = _BOUNDARY.search(text, max(end - 1, 0))
    return (before[-1] if before else 0), (after.start() + 1 if after else len(text))


def bare(text: str) -> str:
    """Folded text without its punctuation marks: what a whole-message match compares."""
    return _BOUNDARY.sub("", text)


def question_flags(text: str) -> list[bool]:
    """For each sentence :func:`fold` makes of ``text``, whether it ended with a question
    mark (folding turns ``?`` into a sentence end like ``.``). A sentence with no words
    (emoji, "?!") belongs to the one before it."""
    text = _DATE_DOT.sub(r"\1", _DECIMAL_MARK.sub(".", fold_chars(text)))
    flags: list[bool] = []
    last = 0
    for m in _BREAK.finditer(text):
        asked = "?" in m.group()
        if _WORD.search(text, last, m.start()):
            flags.append(asked)
        elif flags and asked:
            flags[-1] = True
        last = m.end()
    flags.append(False)
    return flags
