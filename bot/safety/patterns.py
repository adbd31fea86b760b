"""The phrase language of the rule files, compiled to regular expressions over folded text.

A phrase is words separated by spaces, matched on whole words after folding (no case, no
accents). On top of plain words::

    (a|b c)    one of: "a" or "b c"
    [very]     optional words
    ...        a gap of up to three words
    breath*    any ending: breath, breathing, breathless
    !(fast|hard)  not followed by these words ("not breathing !(fast|hard)")
    *حرار*     up to four letters in front (Arabic: و, ال, بال ...), any ending

Compiled phrases expect the text as :func:`bot.safety.normalize.fold` returns it: words
separated by single spaces, padded with one space each side. A match consumes the space after
its last word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.safety.normalize import fold_chars

#: How many words ``...`` may skip.
GAP_WORDS = 3
#: How many letters a leading ``*`` may stand for.
PREFIX_LETTERS = 4

_TOKEN = re.compile(r"\s+|\.\.\.|[()\[\]|!]|[^\s()\[\]|!]+")
_NOT_WORD = re.compile(r"[^\w]+")
_SYNTAX = (
    "write words, ( | ) for choices, [ ] for optional words, ... for a gap, * for any ending, "
    "! before a word it must not be followed by"
)


class PatternError(ValueError):
    """A phrase cannot be compiled; ``column`` is 1-based within the phrase."""

    def __init__(self, message: str, column: int) -> None:
        super().__init__(message)
        self.column = column


@dataclass(frozen=True, slots=True)
class Compiled:
    """A phrase as a regex source (no anchors), its plain words (for typo tolerance) and the
    letters a match can start with (``None``: any), so the screen tries it only there."""

    regex: str
    words: frozenset[str]
    first: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class _Part:
    regex: str
    empty: bool  # can match nothing
    first: frozenset[str] | None  # letters a match can start with; None: any


def _join(parts: list[_Part]) -> frozenset[str] | None:
    first: set[str] = set()
    for part in parts:
        if part.first is None:
            return None
        first |= part.first
        if not part.empty:
            break
    return frozenset(first)


class _Parser:
    def __init__(self, source: str) -> None:
        self.source = source
        self.tokens = [(m.group(0), m.start() + 1) for m in _TOKEN.finditer(source)]
        self.tokens = [(t, c) for t, c in self.tokens if not t.isspace()]
        self.i = 0
        self.words: set[str] = set()

    def peek(self) -> str | None:
        return self.tokens[self.i][0] if self.i < len(self.tokens) else None

    def column(self) -> int:
        return self.tokens[self.i][1] if self.i < len(self.tokens) else len(self.source) + 1

    def alt(self, closing: str | None) -> _Part:
        """Alternatives up to ``closing``."""
        options = [self.seq(closing)]
        while self.peek() == "|":
            self.i += 1
            options.append(self.seq(closing))
        if len(options) == 1:
            return options[0]
        firsts = [o.first for o in options]
        first = None if None in firsts else frozenset().union(*(f for f in firsts if f))
        return _Part(
            "(?:" + "|".join(o.regex for o in options) + ")", any(o.empty for o in options), first
        )

    def seq(self, closing: str | None) -> _Part:
        parts: list[_Part] = []
        start = self.column()
        while (tok := self.peek()) is not None and tok not in ("|", ")", "]"):
            parts.append(self.item())
        if not parts:
            where = f"before '{self.peek()}'" if self.peek() else "at the end"
            raise PatternError(f"a choice is empty {where}; {_SYNTAX}", start)
        if self.peek() in (")", "]") and self.peek() != closing:
            raise PatternError(f"'{self.peek()}' does not close anything; {_SYNTAX}", self.column())
        return _Part("".join(p.regex for p in parts), all(p.empty for p in parts), _join(parts))

    def item(self) -> _Part:
        tok, col = self.tokens[self.i]
        self.i += 1
        if tok in ("(", "["):
            closing = ")" if tok == "(" else "]"
            inner = self.alt(closing)
            if self.peek() != closing:
                raise PatternError(f"'{tok}' is never closed with '{closing}'; {_SYNTAX}", col)
            self.i += 1
            if tok == "[":
                return _Part(f"(?:{inner.regex})?", True, inner.first)
            return _Part(f"(?:{inner.regex})", inner.empty, inner.first)
        if tok == "...":
            return _Part(f"(?:[^ |]+ ){{0,{GAP_WORDS}}}", True, None)
        if tok == "!":
            if self.peek() in (None, "|", ")", "]", "!", "..."):
                raise PatternError(f"'!' needs a word or (choices) after it; {_SYNTAX}", col)
            words = set(self.words)
            inner = self.item()
            self.words = words  # words after '!' are not typo targets
            return _Part(f"(?!{inner.regex})", True, frozenset())
        return self.word(tok, col)

    def word(self, tok: str, col: int) -> _Part:
        lead, trail = tok.startswith("*"), tok.endswith("*") and len(tok) > 1
        core = tok.strip("*")
        if "*" in core:
            raise PatternError(f"'*' goes only at the start or end of a word: '{tok}'", col)
        parts = _NOT_WORD.sub(" ", fold_chars(core)).split()
        if not parts:
            raise PatternError(f"'{tok}' is not a word; {_SYNTAX}", col)
        out = []
        for n, part in enumerate(parts):
            regex = re.escape(part)
            if lead and n == 0:
                regex = f"[^ |]{{0,{PREFIX_LETTERS}}}" + regex
            if trail and n == len(parts) - 1:
                regex += "[^ |]*"
            elif not (lead and n == 0):
                self.words.add(part)
            out.append(regex + " ")
        return _Part("".join(out), False, None if lead else frozenset(parts[0][0]))


def compile_phrase(source: str) -> Compiled:
    """Compile one phrase of a rule file.

    Raises:
        PatternError: the phrase is malformed; the message says how to write it.
    """
    if not source.strip():
        raise PatternError(f"the phrase is empty; {_SYNTAX}", 1)
    parser = _Parser(source)
    top = parser.alt(None)
    if parser.peek() is not None:
        raise PatternError(f"'{parser.peek()}' does not close anything; {_SYNTAX}", parser.column())
    if top.empty:
        raise PatternError(
            "every word of this phrase is optional or a gap; it would match "
            "anything: make at least one word required",
            1,
        )
    for tok, col in parser.tokens[:1] + parser.tokens[-1:]:
        if tok == "...":
            raise PatternError("'...' belongs between words, not at the start or end", col)
    return Compiled(top.regex, frozenset(parser.words), top.first)


class WordMatcher:
    """Many compiled phrases, tried only at word starts and only those that can start there.

    One alternation of hundreds of phrases tried at every position costs about a millisecond
    a message; splitting it by first letter keeps a screen at tens of microseconds.
    """

    def __init__(self, phrases: Sequence[Compiled]) -> None:
        anywhere = [i for i, c in enumerate(phrases) if c.first is None]
        letters = {ch for c in phrases if c.first is not None for ch in c.first}

        def build(indexes: list[int]) -> re.Pattern[str] | None:
            if not indexes:
                return None
            return re.compile("|".join(f"(?P<p{i}>{phrases[i].regex})" for i in sorted(indexes)))

        self._by_letter = {
            ch: build([i for i, c in enumerate(phrases) if c.first and ch in c.first] + anywhere)
            for ch in letters
        }
        self._anywhere = build(anywhere)

    def finditer(self, text: str) -> Iterator[tuple[int, re.Match[str]]]:
        """Non-overlapping matches, leftmost first, as (phrase index, match)."""
        pos = text.find(" ")
        end = len(text) - 1
        while 0 <= pos < end:
            rx = self._by_letter.get(text[pos + 1], self._anywhere)
            m = rx.match(text, pos + 1) if rx is not None else None
            if m is not None and m.lastgroup is not None and m.end() > pos + 1:
                yield int(m.lastgroup[1:]), m
                pos = m.end() - 1
            else:
                pos = text.find(" ", pos + 1)

    def search(self, text: str) -> bool:
        """Whether any phrase occurs in ``text``."""
        return next(self.finditer(text), None) is not None

    def remove(self, text: str) -> str:
        """``text`` without the phrases found in it."""
        out, last = [], 0
        for _, m in self.finditer(text):
            out.append(text[last : m.start()])
            last = m.end()
        return "".join(out) + text[last:] if out else text
