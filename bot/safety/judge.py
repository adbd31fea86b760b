"""A learned second opinion on the rules' urgent answers.

The rules (:mod:`bot.safety.screen`) read phrases; most of their false alarms name a sign that
is not happening now to the person (a question, the past, quoted advice, a pet, a figure of
speech). The judge is a logistic regression over hashed word n-grams (words, pairs, triples)
and, when the training chooses them, character n-grams of each word (with word boundaries, as
scikit-learn's ``char_wb``), trained by ``scripts/train_safety_judge.py``, which writes the
weights file. Scoring is plain Python (no scikit-learn at run time); a word's contribution is
remembered, so a repeat word costs a dict look-up.

What the judge may do to a rule verdict (:meth:`Judge.review`): an ``urgent`` verdict becomes
the ``confirm`` question ("Is this happening now?", with the numbers) only when the judge is
very sure the sign is not happening now (score under ``veto_below``), the answer is not the
emergency one (``urgent_emergency`` is never touched) and the rule is not one of
``keep_rules``. Everything else (confirm, distress, stop, no answer) is left as the rules gave
it. ``Screener.screen`` asks it about the rules' urgent answers, with guards of its own
(``Screener._second_opinion``); the held-out results are in docs/safety.md ("Learned judge").
"""

from __future__ import annotations

import base64
import json
import math
import re
import sys
import zlib
from array import array
from pathlib import Path

from bot.safety.normalize import fold_chars
from bot.safety.screen import Screening

#: Remembered word scores per judge (a long tail of one-off words stays bounded).
_MEMO_LIMIT = 50_000
#: Answers the judge never touches: the emergency answer (a life-threatening sign).
NEVER_VETOED_KEYS = frozenset({"urgent_emergency"})
_TOKEN = re.compile(r"[^\W_]+|\?")
_NUMBER = re.compile(r"\d+")
#: A sentence ends at . ! ? ; … or a line break followed by a space (not inside 38.5).
_SENTENCE_END = re.compile(r"(?<=[.!?;…\n])\s+")
_JOIN = "\x01"
_WORD_MARK = "\x02"


def tokens(text: str) -> list[str]:
    """The words of ``text`` folded (case, accents, Arabic letter variants); a number is ``0``.

    Numbers are left to the rules (the threshold decides), so the judge reads only the words
    around them; ``?`` is a word of its own, since folding for the rules drops it.
    """
    return ["0" if _NUMBER.fullmatch(t) else t for t in _TOKEN.findall(fold_chars(text))]


def word_grams(word: str, sizes: tuple[int, ...], orders: tuple[int, ...]) -> list[str]:
    """The features of one word: itself (if 1 is in ``orders``) and its character n-grams.

    Character n-grams are taken from `` word `` (spaces mark its start and end).
    """
    padded = f" {word} "
    grams = [padded[i : i + n] for n in sizes for i in range(len(padded) - n + 1)]
    if 1 in orders:
        grams.append(_WORD_MARK + word)
    return grams


def phrase_grams(words: list[str], orders: tuple[int, ...]) -> list[str]:
    """The runs of 2 or more words (the ``orders`` above 1) as features."""
    return [
        _JOIN.join(words[i : i + n]) for n in orders if n > 1 for i in range(len(words) - n + 1)
    ]


def bucket(gram: str, dim: int) -> int:
    """The hashed feature index of a feature (CRC-32: the same in every process)."""
    return zlib.crc32(gram.encode("utf-8")) % dim


def feature_counts(
    text: str, sizes: tuple[int, ...], orders: tuple[int, ...], dim: int
) -> tuple[dict[int, int], int]:
    """Hashed feature counts of ``text`` and how many features were emitted (for scaling).

    The model reads ``count / sqrt(emitted)``, so a message's score is a sum over its words
    and word runs divided by one number: that is what lets :class:`Judge` remember words.
    """
    words = tokens(text)
    grams = [g for w in words for g in word_grams(w, sizes, orders)]
    grams += phrase_grams(words, orders)
    counts: dict[int, int] = {}
    for g in grams:
        i = bucket(g, dim)
        counts[i] = counts.get(i, 0) + 1
    return counts, len(grams)


class Judge:
    """The learned "happening now to the person" score and the threshold that uses it."""

    def __init__(
        self,
        weights: array[float],
        bias: float,
        sizes: tuple[int, ...],
        orders: tuple[int, ...],
        veto_below: float,
        keep_rules: frozenset[str] = frozenset(),
    ) -> None:
        self.weights = weights
        self.dim = len(weights)
        self.bias = bias
        self.sizes = sizes
        self.orders = orders
        self.veto_below = veto_below
        self.keep_rules = keep_rules
        self._words: dict[str, tuple[float, int]] = {}

    @classmethod
    def load(cls, path: Path) -> Judge:
        """Read the weights file written by ``scripts/train_safety_judge.py``."""
        data = json.loads(path.read_text(encoding="utf-8"))
        quantised = array("h")
        quantised.frombytes(zlib.decompress(base64.b64decode(data["weights"])))
        if sys.byteorder != "little":
            quantised.byteswap()
        scale = float(data["scale"])
        return cls(
            array("d", (q * scale for q in quantised)),
            float(data["bias"]),
            tuple(int(n) for n in data["char_sizes"]),
            tuple(int(n) for n in data["word_orders"]),
            float(data["veto_below"]),
            frozenset(str(r) for r in data["keep_rules"]),
        )

    def _word(self, word: str) -> tuple[float, int]:
        known = self._words.get(word)
        if known is not None:
            return known
        grams = word_grams(word, self.sizes, self.orders)
        w, dim = self.weights, self.dim
        found = (math.fsum(w[bucket(g, dim)] for g in grams), len(grams))
        if len(self._words) < _MEMO_LIMIT:
            self._words[word] = found
        return found

    def score(self, text: str) -> float:
        """The probability (0-1) that ``text`` reports a sign happening now to the person."""
        words = tokens(text)
        total = 0.0
        emitted = 0
        for word in words:
            s, n = self._word(word)
            total += s
            emitted += n
        runs = phrase_grams(words, self.orders)
        total += math.fsum(self.weights[bucket(g, self.dim)] for g in runs)
        emitted += len(runs)
        z = self.bias + (total / math.sqrt(emitted) if emitted else 0.0)
        return 1.0 / (1.0 + math.exp(-z)) if z > -30 else 0.0

    def vetoes(self, text: str, found: Screening | None, *, sentences: bool = False) -> bool:
        """Whether the judge turns the rules' urgent ``found`` into the confirm question.

        Only an urgent answer that is not the emergency one, from a rule not kept out of the
        judge's reach, and only when the score of the message is under ``veto_below``; with
        ``sentences``, also the score of each of its sentences on its own, so one sentence
        that reads as a report now ("what counts as a fever? he is 38.9 now") keeps it.
        """
        if (
            found is None
            or found.kind != "urgent"
            or found.message_key in NEVER_VETOED_KEYS
            or found.rule in self.keep_rules
            or self.score(text) >= self.veto_below
        ):
            return False
        if not sentences:
            return True
        parts = [p for p in _SENTENCE_END.split(text.strip()) if p]
        return len(parts) == 1 or all(self.score(p) < self.veto_below for p in parts)

    def review(
        self, text: str, found: Screening | None, *, sentences: bool = False
    ) -> Screening | None:
        """``found`` as the rules gave it, or the confirm question when :meth:`vetoes`.

        "Yes, it is happening now" on that question (``Screening.confirmed``) sends the
        urgent answer the rules had chosen.
        """
        if found is None or not self.vetoes(text, found, sentences=sentences):
            return found
        return Screening("confirm", found.rule, found.fever, "confirm_sign", found.urgent_key)
