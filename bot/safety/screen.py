"""The red-flag screen: one typed message in, an urgent, confirm, distress or stop verdict out.

Rules load once from ``bot/safety/rules/<lang>.yaml``; English rules apply in every language.
:meth:`Screener.screen` is pure (no I/O) and uses only precompiled regular expressions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bot.content.problems import Problem
from bot.safety.normalize import bare, clause, fold
from bot.safety.patterns import Compiled, WordMatcher
from bot.safety.rules import Phrase, RuleError, RuleFile, load_rule_file
from bot.safety.temperature import LOW_C, TemperatureReader, TemperatureWords

Kind = Literal["urgent", "confirm", "distress", "stop"]

RULES_DIR = Path(__file__).parent / "rules"
SOURCE_LANGUAGE = "en"
#: Words before a phrase searched for a negation, and for an "if"/"what is".
NEGATION_WINDOW = 4
HYPOTHETICAL_WINDOW = 8
AFTER_WINDOW = 2
_MEMO_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class Screening:
    """What the screen found in a message.

    Attributes:
        kind: ``urgent`` (send the urgent answer now), ``confirm`` (a negated or hypothetical
            red flag: ask whether it is happening now), ``distress`` (a kind answer and where
            to find help) or ``stop`` (confirm and send nothing more).
        rule: the rule that matched, for the log: ``temperature.high``, ``sign.seizure`` ...
        fever: a fever or temperature is involved (the urgent answer adds the advice about
            fever medicine).
        message_key: the system message to send (see :mod:`bot.safety.messages`).
    """

    kind: Kind
    rule: str
    fever: bool
    message_key: str

    def confirmed(self) -> Screening:
        """The urgent screening to act on when the person confirms a ``confirm`` one."""
        key = "urgent_fever" if self.fever else "urgent_sign"
        return Screening("urgent", self.rule, self.fever, key)


def _screening(kind: Kind, phrase: Phrase) -> Screening:
    fever = phrase.kind == "fever"
    if kind == "urgent":
        return Screening("urgent", phrase.rule, fever, "urgent_fever" if fever else "urgent_sign")
    if kind == "confirm":
        return Screening("confirm", phrase.rule, fever, "confirm_sign")
    return Screening("distress", phrase.rule, False, "distress")


def _union(compiled: Iterable[Compiled], anchor: str = "(?<= )") -> re.Pattern[str] | None:
    sources = [c.regex for c in compiled]
    if not sources:
        return None
    return re.compile(anchor + "(?:" + "|".join(sources) + ")")


def _whole(compiled: Iterable[Compiled]) -> re.Pattern[str] | None:
    sources = [c.regex for c in compiled]
    return re.compile("^ (?:" + "|".join(sources) + ")$") if sources else None


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


@dataclass(frozen=True, slots=True)
class _FileMatchers:
    """The big matchers of one rule file, built once and shared by every language using it."""

    phrases: tuple[Phrase, ...]
    matcher: WordMatcher
    context: WordMatcher
    ignore: WordMatcher

    @classmethod
    def build(cls, f: RuleFile) -> _FileMatchers:
        fever = [p.compiled for p in f.phrases if p.kind == "fever"]
        return cls(
            f.phrases,
            WordMatcher([p.compiled for p in f.phrases]),
            WordMatcher([*f.temperature.get("context", ()), *fever]),
            WordMatcher(f.lists.get("ignore", ())),
        )


class _Language:
    """One language's rules merged with the English ones, compiled for screening."""

    def __init__(self, files: Sequence[RuleFile], matchers: Sequence[_FileMatchers]) -> None:
        self.files = tuple(matchers)
        self.replace = {k: v for f in reversed(files) for k, v in f.replace.items()}
        self.typos = {k: v for f in reversed(files) for k, v in f.typos.items()}

        def lists(key: str) -> list[Compiled]:
            return [c for f in files for c in f.lists.get(key, ())]

        self.clause_breaks = _union(lists("clause_breaks"))
        self.hypothetical = _union(lists("hypothetical"))
        self.negation = _union(c for f in files for c in f.negation_before)
        self.negation_after = _union((c for f in files for c in f.negation_after), anchor="")
        self.stop = _whole(lists("stop"))
        self.topics = _whole(lists("topics"))

        def temp(key: str) -> list[str]:
            return [c.regex for f in files for c in f.temperature.get(key, ())]

        self.reader = TemperatureReader(
            TemperatureWords(
                context=tuple(m.context for m in matchers),
                celsius=temp("celsius"),
                fahrenheit=temp("fahrenheit"),
                degrees=temp("degrees"),
                not_before=temp("not_before"),
                not_after=temp("not_after"),
                not_context=temp("not_context"),
            )
        )
        self.not_typos = {w for c in lists("not_typos") for w in c.words}
        self.fuzzy_min = min(f.fuzzy_min_length for f in files)
        vocab: set[str] = set()
        for f in files:
            words = [w for p in f.phrases for w in p.compiled.words]
            words += [w for c in f.temperature.get("context", ()) for w in c.words]
            vocab.update(w for w in words if len(w) >= f.fuzzy_min_length and w.isalpha())
        self.vocab = frozenset(vocab)
        known = {w for f in files for p in f.phrases for w in p.compiled.words}
        known.update(w for f in files for cs in f.lists.values() for c in cs for w in c.words)
        known.update(w for f in files for cs in f.temperature.values() for c in cs for w in c.words)
        #: Words the rules use: never "corrected" into another rule word.
        self.known = frozenset(known)
        index: dict[str, set[str]] = {}
        for word in vocab:
            for d in _deletes(word):
                index.setdefault(d, set()).add(word)
        self.index = {k: frozenset(v) for k, v in index.items()}
        self._memo: dict[str, str] = {}

    def correct(self, token: str) -> str:
        """The rule word ``token`` misspells (one letter off), or ``token`` itself."""
        fixed = self.typos.get(token)
        if fixed is not None:
            return fixed
        if (
            len(token) < self.fuzzy_min - 1
            or token in self.known
            or token in self.not_typos
            or not token.isalpha()
        ):
            return token
        memo = self._memo.get(token)
        if memo is not None:
            return memo
        found = set(self.index.get(token, ()))
        for d in _deletes(token):
            if d in self.vocab:
                found.add(d)
            found.update(self.index.get(d, ()))
        result = next(iter(found)) if len(found) == 1 else token
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[token] = result
        return result

    def prepare(self, text: str) -> str:
        """Fold ``text``, fix misspellings and drop ignored phrases."""
        folded = fold(text, self.replace)
        folded = " ".join(self.correct(t) for t in folded.split(" "))
        for f in self.files:
            folded = f.ignore.remove(folded)
        return folded

    def matches(self, text: str) -> list[tuple[int, int, Phrase, re.Match[str]]]:
        """Every phrase found in ``text``, leftmost first (this language's before English)."""
        found = [
            (m.start(), order, f.phrases[index], m)
            for order, f in enumerate(self.files)
            for index, m in f.matcher.finditer(text)
        ]
        found.sort(key=lambda x: (x[0], x[1]))
        return found

    def window(self, text: str, start: int, words: int) -> str:
        """Up to ``words`` words before ``start`` in its clause (after any clause-break word)."""
        before = text[clause(text, start, start)[0] : start]
        if self.clause_breaks is not None:
            ends = [m.end() for m in self.clause_breaks.finditer(before)]
            if ends:
                before = before[ends[-1] - 1 :]
        return " " + " ".join(before.split()[-words:]) + " "

    def after(self, text: str, end: int) -> str:
        following = text[end : clause(text, end, end)[1]].split()
        return " ".join(following[:AFTER_WINDOW]) + " "

    def negated(self, text: str, start: int, end: int) -> bool:
        if self.negation is not None and self.negation.search(
            self.window(text, start, NEGATION_WINDOW)
        ):
            return True
        return self.negation_after is not None and bool(
            self.negation_after.match(self.after(text, end))
        )

    def hypothetical_at(self, text: str, start: int) -> bool:
        return self.hypothetical is not None and bool(
            self.hypothetical.search(self.window(text, start, HYPOTHETICAL_WINDOW))
        )


class Screener:
    """Red-flag screening for every supported language, compiled once at start-up.

    Build it with :meth:`load`; :meth:`screen` is then safe to call from any task.
    """

    def __init__(self, files: Iterable[RuleFile]) -> None:
        by_lang = {f.language: f for f in files}
        english = by_lang[SOURCE_LANGUAGE]
        self.languages = tuple(sorted(by_lang))
        shared = {lang: _FileMatchers.build(f) for lang, f in by_lang.items()}
        self._langs = {
            lang: _Language(
                [f] if lang == SOURCE_LANGUAGE else [f, english],
                [shared[lang]] if lang == SOURCE_LANGUAGE else [shared[lang], shared["en"]],
            )
            for lang, f in by_lang.items()
        }

    @classmethod
    def load(cls, rules_dir: Path | None = None) -> Screener:
        """Read and compile every ``<lang>.yaml`` rule file in ``rules_dir``.

        Args:
            rules_dir: where the rule files are; the package's own ``rules/`` by default.

        Raises:
            RuleError: a rule file is broken (each problem names file:line:col and the fix),
                or there is no ``en.yaml``.
        """
        directory = rules_dir or RULES_DIR
        paths = sorted(directory.glob("*.yaml"))
        files: list[RuleFile] = []
        problems: list[Problem] = []
        for path in paths:
            try:
                files.append(load_rule_file(path))
            except RuleError as exc:
                problems.extend(exc.problems)
        if not any(p.stem == SOURCE_LANGUAGE for p in paths):
            problems.append(
                Problem(
                    str(directory / f"{SOURCE_LANGUAGE}.yaml"),
                    0,
                    0,
                    "no English rule file; English rules apply in every language, so en.yaml "
                    "is required",
                )
            )
        if problems:
            raise RuleError(problems)
        return cls(files)

    def screen(
        self,
        text: str,
        locale: str,
        threshold_c: float = 38.0,
        *,
        expecting_temperature: bool = False,
    ) -> Screening | None:
        """Screen one typed message.

        Args:
            text: what the person typed.
            locale: their locale (``de``, ``pt-BR`` ...); unknown languages use English rules.
            threshold_c: their fever threshold in °C (a reading at or above it is urgent).
            expecting_temperature: the conversation just asked for a temperature, so a bare
                whole number such as ``38`` is read as one.

        Returns:
            ``None`` when nothing needs a special answer, else the :class:`Screening`.
        """
        lang = self._langs.get(_language(locale)) or self._langs[SOURCE_LANGUAGE]
        folded = lang.prepare(text)
        whole = bare(folded)
        if lang.stop is not None and lang.stop.match(whole):
            return Screening("stop", "stop", False, "stopped")
        if lang.topics is not None and lang.topics.match(whole):
            return None
        readings = lang.reader.readings(folded, expecting_temperature)
        if readings:
            limit = round(threshold_c, 1)
            if any(c >= limit for c in readings):
                return Screening("urgent", "temperature.high", True, "urgent_fever")
            if any(c < LOW_C for c in readings):
                return Screening("urgent", "temperature.low", True, "urgent_fever")
        confirm: Phrase | None = None
        distress: Phrase | None = None
        for _, _, phrase, m in lang.matches(folded):
            negated = phrase.negated or lang.negated(folded, m.start(), m.end())
            iffy = lang.hypothetical_at(folded, m.start())
            if phrase.kind == "distress":
                if distress is None and not negated and not iffy:
                    distress = phrase
            elif phrase.kind == "fever" and readings:
                continue  # a reading was given and is under the threshold: the number decides
            elif not negated and not iffy:
                return _screening("urgent", phrase)
            elif confirm is None and not (phrase.kind == "fever" and iffy):
                confirm = phrase
        if confirm is not None:
            return _screening("confirm", confirm)
        if distress is not None:
            return _screening("distress", distress)
        return None


def _language(locale: str) -> str:
    return locale.replace("_", "-").split("-", 1)[0].lower()
