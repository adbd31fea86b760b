"""Dialect spelling that folding alone does not settle: Arabic clitics, Arabizi, Spanish b/v.

Arabic writes "and", "with", "the" ... onto the next word (وسخنه "and hot", بالتقرحات "with the
ulcers"); Maghrebi marks the present with كا/كي (كاتضرو "it hurts him"), Egyptian and Maghrebi
negate with a final ش (ما قادرش "he can't"), Levantine and Maghrebi write "his" as a final و
(كرشو = كرشه "his belly"), and Levantine and Egyptian write ث as ت (تقيل = ثقيل "heavy").
:func:`variants` gives the forms a word may stand for; the screen uses the first that a rule
uses, so a word is never turned into one no rule knows.

Arabizi (Arabic in Latin letters) uses digits as letters: 7arara (حرارة), 3ando (عنده),
2ader (قادر); the same digit twice is the letter doubled (mba22a3 مبقع). :func:`keep_arabizi`
says which words to keep whole instead of splitting "38c" into "38 c".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

#: Arabic: letters written in front of a word and what they become (longest first).
_AR_PREFIXES = (
    ("وال", "ال"),
    ("بال", "ال"),
    ("فال", "ال"),
    ("كال", "ال"),
    ("ولل", "ال"),
    ("لل", "ال"),
    ("وال", ""),
    ("بال", ""),
    ("فال", ""),
    ("كال", ""),
    ("لل", ""),
    ("ال", ""),
    ("وب", ""),
    ("وم", "م"),
    ("كا", ""),
    ("كي", "ي"),
    ("كت", "ت"),
    ("كن", "ن"),
    ("بي", "ي"),
    ("بت", "ت"),
    ("بن", "ن"),
    # Iraqi present-tense prefix: ديرجع = يرجع ("he is vomiting"), دتاكل = تاكل
    ("دي", "ي"),
    ("دت", "ت"),
    ("و", ""),
    ("ف", ""),
    ("ب", ""),
    ("ل", ""),
    ("ك", ""),
)
#: Arabic: word endings and what they become.
#: "for him/her/me/us" written onto a verb (قستلو, قستلها "I took it for him/her"): taken off.
_AR_SUFFIXES = (
    ("وش", "ه"),
    ("هاش", "ها"),
    ("ش", ""),
    ("و", "ه"),
    ("هو", "ه"),
    ("لها", ""),
    ("لنا", ""),
    ("لو", ""),
    ("له", ""),
    ("لي", ""),
)
#: After these "and"-like prefixes a two-letter word may remain (ومش → مش, وما → ما).
_AR_SHORT_OK = frozenset({"و", "ف"})

#: Arabizi: a digit standing for a letter, inside or at an edge of Latin letters; the same
#: digit twice is that letter doubled (mba22a3 مبقع, m7ammar), two different digits a number.
_ARABIZI = re.compile(r"^(?=.*[a-z])(?=.*[235679])(?!.*(\d)(?!\1)\d)(?!.*\d\d\d)[a-z0-9]+$")
#: Latin words with a digit that are not Arabizi: 38c, 3yo, 2nd, 7wks, b12 ("3am" is Arabizi
#: عم, the Levantine "-ing", far more often than 3 a.m. in an Arabic chat).
_NOT_ARABIZI = re.compile(
    r"^\d+(?:c|f|st|nd|rd|th|h|hr|hrs|min|mins|yo|y|yr|yrs|m|mo|mos|w|wk|wks|d|kg|g|mg|ml"
    r"|x|day|days|week|weeks|month|months|year|years)$|^[a-z]\d+$"
)


def variants(word: str, language: str) -> Iterator[str]:
    """Other spellings ``word`` may stand for in ``language``, most likely first."""
    if language == "es" and len(word) >= 4 and word.isalpha():
        # b and v sound the same and are often swapped: "bomita" is "vomita"
        for swapped in (word.replace("b", "v"), word.replace("v", "b")):
            if swapped != word:
                yield swapped
        return
    if language != "ar" or len(word) < 3 or not word.isalpha():
        return
    stems = [word]
    for prefix, instead in _AR_PREFIXES:
        if word.startswith(prefix):
            rest = instead + word[len(prefix) :]
            if len(rest) >= 3 or (prefix in _AR_SHORT_OK and len(rest) >= 2):
                stems.append(rest)
    for stem in stems:
        if stem is not word:
            yield stem
        for suffix, instead in _AR_SUFFIXES:
            if stem.endswith(suffix) and len(stem) - len(suffix) >= 2:
                yield stem[: -len(suffix)] + instead
    # Levantine and Egyptian say and often write ث as ت: تقيل (ثقيل "heavy"), تلج (ثلج "ice")
    for stem in stems:
        if "ت" in stem:
            yield stem.replace("ت", "ث")


#: Two different digits between letters are two letters, not a number: ma23ad (مقعد),
#: yo23od (يقعد); letter digits only (2 3 5 6 7 9: "a12b" stays a number), inside the word,
#: at most two together.
_ARABIZI_INSIDE = re.compile(r"^[a-z]+(?:[235679]{1,2}[a-z]+)+$")


def keep_arabizi(word: str) -> bool:
    """Whether ``word`` (folded) is Arabizi, to keep whole: 7arara, 3ando, ba5tene2, ma23ad."""
    if _NOT_ARABIZI.match(word):
        return False
    return bool(_ARABIZI.match(word) or _ARABIZI_INSIDE.match(word))
