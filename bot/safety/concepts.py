"""Symptom concepts and modifiers: "nosebleed ... won't stop" is bleeding + persistent.

Each rule file lists, under ``concepts:``, the everyday, slang and misspelt forms of each
concept in its language. Words are reduced to their Snowball stem on both sides (the rule and
the message), so one form covers its endings ("bleeds", "bleeding"; "sangra", "sangrando").
A sign is a combination of concepts found in one sentence (:data:`COMBOS`); a symptom named
with nothing that settles it (:data:`ALONE`) makes the screen ask whether it is happening now.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import snowballstemmer  # type: ignore[import-untyped]

from bot.safety.normalize import CLAUSE, fold_chars
from bot.safety.patterns import Compiled, PatternError, compile_phrase

#: Snowball's name for each rule file language.
STEMMERS = {
    "en": "english",
    "es": "spanish",
    "fr": "french",
    "de": "german",
    "pl": "polish",
    "ar": "arabic",
}

#: Symptom concepts: what the person has.
SYMPTOMS = (
    "bleeding",
    "blue_grey",
    "bottom",
    "breathing",
    "breath_sign",
    "cold",
    "diarrhoea",
    "face_lips",
    "feeding",
    "fit",
    "flush",
    "hands_feet",
    "hot",
    "infection",
    "line",
    "nappy",
    "pain",
    "belly",
    "rash",
    "shake_all",
    "shiver",
    "speech",
    "ulcer",
    "unwell",
    "vomit",
    "wake",
    "wee",
)
#: Modifiers: how it is.
MODIFIERS = (
    "all",
    "difficult",
    "dry",
    "extreme",
    "fast",
    "glass",
    "inflamed",
    "not_fading",
    "persistent",
    "refuse",
    "severe",
    "turning",
    "unclear",
)
NAMES = frozenset(SYMPTOMS + MODIFIERS)


@dataclass(frozen=True, slots=True)
class Combo:
    """A sign: every group needs one of its concepts in the same sentence."""

    rule: str
    groups: tuple[tuple[str, ...], ...]
    #: Concepts that, in the same sentence, say it is another sign ("shaking all over" with
    #: chills is shivering, not a fit).
    unless: tuple[str, ...] = ()
    #: The other groups must be said in words of their own, not inside the first group's
    #: ("zittert" inside "zittert am ganzen Körper" is not chills said as well).
    apart: bool = False


def _c(rule: str, *groups: str, unless: str = "", apart: bool = False) -> Combo:
    return Combo(
        rule,
        tuple(tuple(g.split("|")) for g in groups),
        tuple(unless.split("|")) if unless else (),
        apart,
    )


#: The signs read from concepts; the first group is the symptom the sign is about.
COMBOS = (
    _c("sign.bleeding", "bleeding", "persistent|severe"),
    _c("sign.fast_breathing", "breathing", "difficult|fast"),
    _c("sign.fast_breathing", "breath_sign"),
    _c("sign.blue_skin", "blue_grey", "face_lips|turning"),
    _c("sign.hard_to_wake", "wake", "difficult"),
    _c("sign.seizure", "fit"),
    # shaking all over is a fit, or, with chills or shivering said as well, the whole body
    # shivering: extreme shivering (an emergency sign, UK Sepsis Trust), not a fit
    _c("sign.seizure", "shake_all", unless="shiver"),
    _c("sign.extreme_shivering", "shake_all", "shiver", apart=True),
    _c("sign.rash_not_fading", "rash", "glass|not_fading"),
    _c("sign.slurred_speech", "speech", "unclear"),
    _c("sign.vomit_all", "vomit", "all|persistent"),
    _c("sign.tummy_pain", "pain", "belly", "severe"),
    # pain around the bottom (perianal) is an infection sign on its own, no "severe" needed
    _c("sign.bottom_pain", "bottom", "pain"),
    _c("sign.diarrhoea", "diarrhoea", "persistent|severe"),
    _c("sign.cold_hands_feet", "cold", "hands_feet"),
    _c("sign.line_site", "line", "inflamed"),
    _c("sign.line_flush", "flush", "shiver|cold|unwell"),
    _c("sign.mouth_ulcers", "ulcer", "severe|all|refuse|unwell"),
    _c("sign.not_feeding", "feeding", "refuse"),
    _c("sign.no_wee", "wee|nappy", "dry"),
    _c("sign.very_wrong", "unwell", "severe"),
    # feeling unwell with a sign of infection (a cough, burning when passing urine): on
    # chemotherapy or with neutropenia, call the team now (CCLG, Christie: any infection sign)
    _c("sign.unwell_infection", "unwell", "infection"),
    _c("sign.extreme_shivering", "shiver", "extreme"),
    _c("sign.shaking_chills", "shiver"),
)
#: A symptom alone that no combination settles: ask "Is this happening now?".
ALONE = {
    "bleeding": "sign.bleeding",
    "vomit": "sign.vomit_all",
    "rash": "sign.rash_not_fading",
    "diarrhoea": "sign.diarrhoea",
    "hot": "temperature.hot",
}
#: A baby who feels hot: the baby answer whatever the reading (sepsis.yaml, NICE NG143).
BABY_HOT = "temperature.hot"

_TOKEN = re.compile(r"\s+|\.\.\.|[()\[\]|!]|[^\s()\[\]|!]+")
_WORD = re.compile(r"[^\W_]+")
_MEMO_LIMIT = 50_000
#: Stands for ``#`` (a number) while a form is compiled.
_NUMBER_WORD = "nnumm"


class Stemmer:
    """One language's Snowball stemmer over folded words, remembering what it has seen."""

    def __init__(self, language: str) -> None:
        self._stem: Callable[[str], str] = snowballstemmer.stemmer(
            STEMMERS.get(language, "english")
        ).stemWord
        self._memo: dict[str, str] = {}

    def __call__(self, word: str) -> str:
        found = self._memo.get(word)
        if found is None:
            found = self._stem(word) if word.isalpha() else word
            if len(self._memo) < _MEMO_LIMIT:
                self._memo[word] = found
        return found


def stem_phrase(source: str, stem: Callable[[str], str]) -> str:
    """A rule phrase with each plain word replaced by its stem (``word*`` keeps its letters)."""
    out = []
    for m in _TOKEN.finditer(source):
        tok = m.group(0)
        if tok.isspace() or tok in ("...", "(", ")", "[", "]", "|", "!") or "*" in tok:
            out.append(fold_chars(tok) if "*" in tok else tok)
            continue
        out.append(" ".join(stem(w) for w in _WORD.findall(fold_chars(tok))) or tok)
    return "".join(out)


def compile_concept(source: str, stem: Callable[[str], str]) -> Compiled:
    """Compile one concept form against stemmed text.

    Raises:
        PatternError: the form is malformed.
    """
    stemmed = stem_phrase(source, stem).replace("#", f" {_NUMBER_WORD} ")
    if not stemmed.strip():
        raise PatternError("the form is empty", 1)
    compiled = compile_phrase(stemmed)
    if "#" not in source:
        return compiled
    regex = compiled.regex.replace(f"{_NUMBER_WORD} ", r"\d{1,3} ")
    return Compiled(regex, compiled.words - {_NUMBER_WORD}, None)


@dataclass(frozen=True, slots=True)
class Hit:
    """A concept found in folded text: its name, span and sentence number."""

    name: str
    start: int
    end: int
    sentence: int


class ConceptFinder:
    """Finds the concepts of one language (with English) in folded text.

    Each rule file's forms were stemmed with its own language's stemmer, so the text is
    stemmed once per file.
    """

    def __init__(self, groups: Sequence[tuple[Stemmer, Sequence[tuple[str, Compiled]]]]) -> None:
        # Forms of different concepts may overlap ("tout" turning, "tout chaud" hot), and each
        # must be found: one matcher per file tries every concept at each word start at once.
        self._groups = tuple(
            (stem, ConceptMatcher(concepts)) for stem, concepts in groups if concepts
        )

    @staticmethod
    def stemmed(folded: str, stem: Stemmer) -> tuple[str, list[int], list[int], list[int]]:
        """``folded`` as stems, with each token's start there and in ``folded``."""
        tokens = folded.split(" ")[1:-1]
        starts_f, starts_s, parts = [], [], []
        pos_f = pos_s = 1
        for tok in tokens:
            stemmed = stem(tok) if tok else tok
            starts_f.append(pos_f)
            starts_s.append(pos_s)
            parts.append(stemmed)
            pos_f += len(tok) + 1
            pos_s += len(stemmed) + 1
        return " " + " ".join(parts) + " ", starts_s, starts_f, [len(t) for t in tokens]

    def find(self, folded: str) -> list[Hit]:
        """Every concept in ``folded`` (see :func:`bot.safety.normalize.fold`), leftmost first."""
        hits: set[Hit] = set()
        sentences: list[int] | None = None
        for stem, matcher in self._groups:
            text, starts_s, starts_f, lengths = self.stemmed(folded, stem)
            for name, m_start, m_end in matcher.finditer(text):
                first = bisect.bisect_left(starts_s, m_start)
                last = bisect.bisect_right(starts_s, m_end - 2) - 1
                if first >= len(starts_f) or last < first:
                    continue
                if sentences is None:
                    sentences = _clause_marks(folded)
                start, end = starts_f[first], starts_f[last] + lengths[last] + 1
                hits.add(Hit(name, start, end, bisect.bisect_left(sentences, start)))
        return sorted(hits, key=lambda h: (h.start, h.end, h.name))


def _clause_marks(folded: str) -> list[int]:
    """Where each sentence mark is: a hit's sentence is how many come before it."""
    marker = f" {CLAUSE}"
    out, pos = [], folded.find(marker)
    while pos >= 0:
        out.append(pos)
        pos = folded.find(marker, pos + 1)
    return out


class ConceptMatcher:
    """Every concept of one rule file, tried together at each word start.

    Per first letter, one pattern of optional lookaheads, one per concept (its forms in file
    order), so a word start costs one regex call whatever the number of concepts (one matcher
    per concept cost about 0.3 ms a message). For each concept the matches are the ones a
    :class:`~bot.safety.patterns.WordMatcher` of its forms gives: leftmost first, none
    overlapping another of the same concept.
    """

    def __init__(self, concepts: Sequence[tuple[str, Compiled]]) -> None:
        by_name: dict[str, list[Compiled]] = {}
        for name, compiled in concepts:
            by_name.setdefault(name, []).append(compiled)
        letters = {ch for forms in by_name.values() for c in forms if c.first for ch in c.first}

        def build(letter: str | None) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
            parts, names = [], []
            for name, forms in by_name.items():
                fit = [c.regex for c in forms if c.first is None or (letter and letter in c.first)]
                if fit:
                    parts.append(f"(?=(?:({'|'.join(fit)}))?)")
                    names.append(name)
            return (re.compile("".join(parts)), tuple(names)) if parts else None

        self._by_letter = {ch: build(ch) for ch in letters}
        self._anywhere = build(None)

    def finditer(self, text: str) -> Iterator[tuple[str, int, int]]:
        """(concept, start, end) of each match in ``text``, by start."""
        last_end: dict[str, int] = {}
        pos = text.find(" ")
        end = len(text) - 1
        while 0 <= pos < end:
            start = pos + 1
            entry = self._by_letter.get(text[start], self._anywhere)
            if entry is not None:
                m = entry[0].match(text, start)
                if m is not None and m.lastindex is not None:
                    for index, name in enumerate(entry[1], 1):
                        m_end = m.end(index)
                        if m_end > start and start >= last_end.get(name, 0):
                            last_end[name] = m_end
                            yield name, start, m_end
            pos = text.find(" ", start)


def form_words(source: str) -> set[str]:
    """The folded plain words of a concept form (never "corrected" into another word)."""
    return {w for tok in source.split() if "*" not in tok for w in _WORD.findall(fold_chars(tok))}


def combos(hits: Iterable[Hit]) -> list[tuple[Combo, list[Hit]]]:
    """Each sign whose concepts are all in one sentence, with the hits that make it."""
    by_sentence: dict[int, list[Hit]] = {}
    for h in hits:
        by_sentence.setdefault(h.sentence, []).append(h)
    out = []
    for group in by_sentence.values():
        names = {h.name for h in group}
        for combo in COMBOS:
            if all(names.intersection(g) for g in combo.groups):
                wanted = {n for g in combo.groups for n in g}
                made = [h for h in group if h.name in wanted]
                if combo.apart:
                    first = [h for h in made if h.name in combo.groups[0]]
                    made = [h for h in made if h in first or not any(_overlap(h, f) for f in first)]
                    if not all({h.name for h in made}.intersection(g) for g in combo.groups):
                        continue
                if not _said_apart(group, made, combo.unless):
                    out.append((combo, made))
    return out


def _said_apart(group: Sequence[Hit], made: Sequence[Hit], names: Sequence[str]) -> bool:
    """One of ``names`` is found in the sentence apart from the words of ``made`` ("chills"
    besides "shaking all over"; the "zittert" of "zittert am ganzen Körper" does not count)."""
    return any(h.name in names and not any(_overlap(h, m) for m in made) for h in group)


def _overlap(a: Hit, b: Hit) -> bool:
    return a.start < b.end - 1 and b.start < a.end - 1
