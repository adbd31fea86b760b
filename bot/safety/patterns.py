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
    """A phrase as a regex source (no anchors), and its plain words (for typo tolerance)."""

    regex: str
    words: frozenset[str]


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

    def alt(self, closing: str | None) -> tuple[str, bool]:
        """Alternatives up to ``closing``; returns the regex and whether it can match nothing."""
        options: list[tuple[str, bool]] = [self.seq(closing)]
        while self.peek() == "|":
            self.i += 1
            options.append(self.seq(closing))
        if len(options) == 1:
            return options[0]
        return "(?:" + "|".join(r for r, _ in options) + ")", any(e for _, e in options)

    def seq(self, closing: str | None) -> tuple[str, bool]:
        parts: list[str] = []
        empty = True
        start = self.column()
        while (tok := self.peek()) is not None and tok not in ("|", ")", "]"):
            regex, can_be_empty = self.item()
            parts.append(regex)
            empty = empty and can_be_empty
        if not parts:
            where = f"before '{self.peek()}'" if self.peek() else "at the end"
            raise PatternError(f"a choice is empty {where}; {_SYNTAX}", start)
        if self.peek() in (")", "]") and self.peek() != closing:
            raise PatternError(f"'{self.peek()}' does not close anything; {_SYNTAX}", self.column())
        return "".join(parts), empty

    def item(self) -> tuple[str, bool]:
        tok, col = self.tokens[self.i]
        self.i += 1
        if tok in ("(", "["):
            closing = ")" if tok == "(" else "]"
            inner, empty = self.alt(closing)
            if self.peek() != closing:
                raise PatternError(f"'{tok}' is never closed with '{closing}'; {_SYNTAX}", col)
            self.i += 1
            if tok == "[":
                return f"(?:{inner})?", True
            return f"(?:{inner})", empty
        if tok == "...":
            return f"(?:[^ |]+ ){{0,{GAP_WORDS}}}", True
        if tok == "!":
            if self.peek() in (None, "|", ")", "]", "!", "..."):
                raise PatternError(f"'!' needs a word or (choices) after it; {_SYNTAX}", col)
            words = set(self.words)
            inner, _ = self.item()
            self.words = words  # words after '!' are not typo targets
            return f"(?!{inner})", True
        return self.word(tok, col), False

    def word(self, tok: str, col: int) -> str:
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
        return "".join(out)


def compile_phrase(source: str) -> Compiled:
    """Compile one phrase of a rule file.

    Raises:
        PatternError: the phrase is malformed; the message says how to write it.
    """
    if not source.strip():
        raise PatternError(f"the phrase is empty; {_SYNTAX}", 1)
    parser = _Parser(source)
    regex, empty = parser.alt(None)
    if parser.peek() is not None:
        raise PatternError(f"'{parser.peek()}' does not close anything; {_SYNTAX}", parser.column())
    if empty:
        raise PatternError(
            "every word of this phrase is optional or a gap; it would match "
            "anything: make at least one word required",
            1,
        )
    for tok, col in parser.tokens[:1] + parser.tokens[-1:]:
        if tok == "...":
            raise PatternError("'...' belongs between words, not at the start or end", col)
    try:
        re.compile(regex)
    except re.error as exc:  # pragma: no cover - the parser only emits valid regexes
        raise PatternError(f"cannot compile: {exc}", 1) from None
    return Compiled(regex, frozenset(parser.words))
