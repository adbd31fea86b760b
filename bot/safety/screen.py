"""The red-flag screen: one typed message in, an urgent, confirm, distress or stop verdict out.

Rules load once from ``bot/safety/rules/<lang>.yaml``; English rules apply in every language.
:meth:`Screener.screen` is pure (no I/O) and uses only precompiled regular expressions.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from rapidfuzz.distance import OSA

from bot.content.problems import Problem
from bot.safety.concepts import ALONE, BABY_HOT, ConceptFinder, Hit, Stemmer, combos
from bot.safety.dialect import keep_arabizi, variants
from bot.safety.normalize import CLAUSE, COMMA, bare, clause, fold, question_flags
from bot.safety.patterns import Compiled, WordMatcher
from bot.safety.rules import Phrase, RuleError, RuleFile, load_rule_file
from bot.safety.temperature import LOW_C, Reading, TemperatureReader, TemperatureWords

if TYPE_CHECKING:
    from bot.safety.judge import Judge

Kind = Literal["urgent", "confirm", "distress", "stop"]

RULES_DIR = Path(__file__).parent / "rules"
SOURCE_LANGUAGE = "en"
#: Words before a phrase searched for a negation, and for an "if"/"what is".
NEGATION_WINDOW = 4
HYPOTHETICAL_WINDOW = 8
AFTER_WINDOW = 2
#: Words either side of a sign or reading searched for when it happened ("2 years ago").
TIME_WINDOW = 8
#: A "not" in a gap of up to this many words between two concepts negates the sign ("atmet
#: nicht mehr so schnell": "mehr so" had pushed the "not" out of a 2-word gap).
NEGATION_GAP_WORDS = 3
#: A clause next to the sign that is only a past time ("..., ist Jahre her") has at most this
#: many words besides the time phrase.
TRAILING_OTHER_WORDS = 2
#: Those other words are function words: at most this many letters ("ist", "było", "كان").
FUNCTION_WORD_LETTERS = 4
#: A date in digits: 3/11, 03/11/2026, 3.11, 03.11.2026 (day up to 31, month up to 12, so
#: never a temperature); counts as a past time only in a sentence that says it is over.
_DATE = re.compile(r"(?<= )(?:[0-2]?\d|3[01])[./](?:0?[1-9]|1[0-2])(?:[./]\d{2,4})?(?= )")
#: Words that may stand between an "and" and a sign whose subject is before the "and".
CONTINUES_WORDS = 2
#: Words after a bare question word or article searched for a "generally" word ("czy
#: drgawki to zawsze ...", "هل التشنج يعتبر حالة طارئة دائماً", "czy gorączka u niemowlęcia
#: poniżej 3 miesięcy to zawsze ...").
GENERALLY_WINDOW = 8
#: Words (and commas) between a leaflet named and a sign in the list after it.
DOCUMENT_LIST_WORDS = 6
#: Words before or after a reading searched for a limit ("a partir de", "or above").
LIMIT_WORDS = 3
#: Words right before a reading in a limit question that may make it a reading now ("temp").
THRESHOLD_SAID_WORDS = 3
#: At most this many words from a sign to the comma before what to do ("des frissons avec de la
#: fièvre, c'est l'hôpital").
TOPIC_WORDS = 6
#: Words between a reading asked about as a limit and the fever word that names it.
FEVER_NAMED_WORDS = 4
#: Words besides the readings and "or" in a question that is a choice of readings ("is it 38
#: or 37.5?").
CHOICE_LEAD_WORDS = 2
#: Words right before a sign searched for a ``case`` word ("bei", "with", "avec de la").
CASE_WORDS = 5
#: At most this many words in a sentence that only says who advised ("the nurse said:").
LEAD_IN_WORDS = 6
_DIGITS = re.compile(r"(?<= )\d+(?:[.,]\d+)?(?= )")
#: At most this many words between two readings of one list ("38,5 oder zweimal 38").
LIST_GAP_WORDS = 3
#: Words after a sign searched for "stopped", "went away", "fine now".
RESOLVED_WINDOW = 6
_MEMO_LIMIT = 20_000
#: Arabic "and", "so" written onto the next word; kept as a word of their own when taken off.
_AND = frozenset({"و", "ف"})
#: Words after a comma that continue the clause before it ("normal, dass ...", "normalne, że").
_SUBORDINATE = (["dass"], ["ob"], ["ze"], ["que"], ["qu"], ["czy"], ["whether"])
#: A number as a word of folded text, and the units that may follow one in a list of choices.
_NUMBER_WORD = re.compile(r"\d{2,3}(?:[.,]\d)?")
_UNIT_WORDS = frozenset({"c", "f", "°", "degrees", "grados", "degres"})
#: Screeners already compiled in this process, by rules folder, file stamps and judge file.
_LOADED: dict[tuple[object, ...], Screener] = {}
#: The learned judge's weights (bot/safety/judge.py), written by scripts/train_safety_judge.py
#: from the answers of the shipped rules, so it comes with those rules only.
JUDGE_FILE = Path(__file__).with_name("judge.json")
#: Rules the judge leaves alone: a reading at or above the threshold (the judge reads every
#: number as the same token, so whether 38.9 is "now" is the reading's rules' call alone).
JUDGE_KEEPS = frozenset({"temperature.high"})
#: Answers the judge leaves alone besides the emergency one: a baby under 3 months.
JUDGE_KEEPS_KEYS = frozenset({"urgent_baby"})

#: Life-threatening signs: "Call {emergency_number} now" first, then the care team (issue 9:
#: not breathing or breathing very hard or fast, blue or grey lips, a fit, floppy or hard to
#: wake, confusion or slurred speech, a rash that does not fade, mottled or very pale skin,
#: severe bleeding).
EMERGENCY_RULES = frozenset(
    {
        "sign.fast_breathing",
        "sign.blue_skin",
        "sign.seizure",
        "sign.floppy",
        "sign.hard_to_wake",
        "sign.confusion",
        "sign.slurred_speech",
        "sign.rash_not_fading",
        "sign.mottled_skin",
        "sign.very_pale",
        "sign.bleeding",
        # UK Sepsis Trust, sepsis.yaml, who_to_call.yaml: extreme shivering (other shivering
        # and rigors: the care team now).
        "sign.extreme_shivering",
        # sepsis.yaml and who_to_call.yaml: call the emergency number first (UK Sepsis Trust).
        "sign.no_wee",
    }
)
#: Signs still urgent when the message says they have stopped ("the fit stopped after 2
#: minutes", "he went blue but he's pink again"): a first fit or a blue spell needs seeing
#: now (sepsis.yaml, who_to_call.yaml).
STILL_URGENT_WHEN_OVER = frozenset({"sign.seizure", "sign.blue_skin", "sign.hard_to_wake"})
#: The line-site sign: its "hot"/"warm" words are the site's, not a fever.
LINE_SITE = "sign.line_site"
#: At most this many words from the line to its "hot" ("port ... hot to touch").
LOCAL_GAP_WORDS = 6
#: Signs whose symptom said with a "not" right before it is negated however the sign was
#: found ("a cough, but I don't feel unwell"); for other signs the "not" is part of the
#: sign ("he doesn't wake", "isn't responding").
NEGATABLE_SYMPTOM = frozenset({"sign.unwell_infection"})
#: Signs that are urgent for anyone and need the baby answer for a baby under 3 months.
BABY_RULES = frozenset({"sign.not_feeding"})
#: The urgent answers, strongest first: when a message has several signs, the strongest wins.
URGENT_KEYS = ("urgent_emergency", "urgent_baby", "urgent_fever", "urgent_sign")
_RANK = {key: len(URGENT_KEYS) - i for i, key in enumerate(URGENT_KEYS)}
#: A baby under 3 months: any reading at or above this is urgent, whatever threshold is saved.
BABY_FEVER_C = 38.0
#: A baby under 3 months, in days, weeks and months said in a message.
BABY_LIMITS = {"days": 90, "weeks": 12, "months": 2}
#: A baby of any age (under a year), for the signs the dialogs send to the emergency number
#: "in a baby" (sepsis.yaml, who_to_call.yaml: "a baby who is not feeding").
INFANT_LIMITS = {"days": 366, "weeks": 52, "months": 12}
#: Signs that are an emergency in a baby of any age and urgent (the care team) otherwise.
INFANT_RULES = frozenset({"sign.not_feeding"})
#: The saved ``age_group`` for a baby under 3 months (dialogs/settings.yaml).
BABY_AGE_GROUP = "baby"


def urgent_key(rule: str, *, fever: bool, baby: bool = False, infant: bool = False) -> str:
    """The urgent answer for a matched rule: emergency, baby, fever or other sign.

    ``baby``: under 3 months; ``infant``: a baby of any age (not feeding is an emergency)."""
    if rule in EMERGENCY_RULES:
        return "urgent_emergency"
    if baby and (fever or rule in BABY_RULES):
        return "urgent_baby"
    if (infant or baby) and rule in INFANT_RULES:
        return "urgent_emergency"
    return "urgent_fever" if fever else "urgent_sign"


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
        urgent_key: for ``urgent`` and ``confirm``, the urgent answer (``urgent_emergency``,
            ``urgent_baby``, ``urgent_fever`` or ``urgent_sign``); a confirmed ``confirm``
            sends it.
    """

    kind: Kind
    rule: str
    fever: bool
    message_key: str
    urgent_key: str = field(default="", compare=False)

    def confirmed(self) -> Screening:
        """The urgent screening to act on when the person confirms a ``confirm`` one."""
        key = self.urgent_key or urgent_key(self.rule, fever=self.fever)
        return Screening("urgent", self.rule, self.fever, key, key)


def _screening(kind: Kind, phrase: Phrase, baby: bool = False) -> Screening:
    fever = phrase.kind == "fever"
    key = urgent_key(phrase.rule, fever=fever, baby=baby)
    if kind == "urgent":
        return Screening("urgent", phrase.rule, fever, key, key)
    if kind == "confirm":
        return Screening("confirm", phrase.rule, fever, "confirm_sign", key)
    return Screening("distress", phrase.rule, False, "distress")


def _urgent(rule: str, fever: bool, key: str) -> Screening:
    return Screening("urgent", rule, fever, key, key)


class _Numbers:
    """Readings said in words: "treinta y ocho y medio" → 38.5, "39 and a half" → 39.5."""

    def __init__(
        self,
        words: dict[str, int],
        half: Sequence[str],
        point: Sequence[str],
        about: Sequence[str] = (),
        exact: Sequence[str] = (),
    ) -> None:
        self.words = words
        digits = [w for w, n in words.items() if 0 <= n <= 9]

        def alt(items: Iterable[str]) -> str:
            found = sorted(items, key=len, reverse=True)
            return "|".join(re.escape(w) for w in found) if found else "(?!)"

        whole = r"\d{2,3}" + (f"|{alt(words)}" if words else "")
        digit = r"\d" + (f"|{alt(digits)}" if digits else "")
        self.rx = re.compile(
            rf"(?<= )(?P<n>{whole})"
            rf"(?: (?P<h>{alt(half)})| (?P<p>{alt(point)}) (?P<d>{digit})| (?P<d2>{digit})"
            rf"| (?P<a>{alt(about)})| (?P<x>{alt(exact)}))?(?= )"
        )

        # German writes a reading as one word: "neununddreissigeinhalb", "achtunddreissigkommafunf".
        glued = [w for w in words if len(w) >= 4 and w.isalpha()]
        self._tails = sorted(
            (t for t in (*half, *point) if len(t) >= 3 and t.isalpha()), key=len, reverse=True
        )
        self.glued = (
            re.compile(rf"(?<= )({alt(glued)})((?:{alt(self._tails)})[^ ]*)(?= )")
            if glued and self._tails
            else None
        )

    def _split(self, m: re.Match[str]) -> str:
        number, rest = m.group(1), m.group(2)
        tail = next(t for t in self._tails if rest.startswith(t))
        return " ".join(p for p in (number, tail, rest[len(tail) :]) if p)

    def _value(self, word: str) -> int:
        return int(word) if word.isdigit() else self.words[word]

    def _sub(self, m: re.Match[str]) -> str:
        n = m.group("n")
        value = self._value(n)
        if value < 30:  # ages, counts: no decimals
            return f"{value}{m.group(0)[len(n) :]}"
        if m.group("h"):
            return f"{value}.5"
        if m.group("a"):  # "38 and a bit": more than 38, the least it can be
            return f"{value}.1"
        if m.group("x"):
            return f"{value}.0"
        if m.group("p"):
            return f"{value}.{self._value(m.group('d'))}"
        d2 = m.group("d2")
        if d2 is not None:
            if n.isdigit():  # "38 5" in digits is two numbers
                return f"{value} {self._value(d2)}"
            return f"{value}.{self._value(d2)}"
        return str(value)

    def read(self, folded: str) -> str:
        """``folded`` with number words as digits."""
        if self.glued is not None:
            folded = self.glued.sub(self._split, folded)
        return self.rx.sub(self._sub, folded)


def _union(compiled: Iterable[Compiled], anchor: str = "(?<= )") -> re.Pattern[str] | None:
    sources = [c.regex for c in compiled]
    if not sources:
        return None
    return re.compile(anchor + "(?:" + "|".join(sources) + ")")


def _whole(compiled: Iterable[Compiled]) -> re.Pattern[str] | None:
    sources = [c.regex for c in compiled]
    return re.compile("^ (?:" + "|".join(sources) + ")$") if sources else None


@dataclass(frozen=True, slots=True)
class _FileMatchers:
    """The big matchers of one rule file, built once and shared by every language using it."""

    phrases: tuple[Phrase, ...]
    matcher: WordMatcher
    context: WordMatcher
    ignore: WordMatcher
    #: "Feels hot": makes a number a reading, but not in a clause about bath water.
    hot: WordMatcher

    @classmethod
    def build(cls, f: RuleFile) -> _FileMatchers:
        fever = [p.compiled for p in f.phrases if p.kind == "fever" and p.rule != BABY_HOT]
        hot = [p.compiled for p in f.phrases if p.rule == BABY_HOT]
        return cls(
            f.phrases,
            WordMatcher([p.compiled for p in f.phrases]),
            WordMatcher([*f.temperature.get("context", ()), *fever]),
            WordMatcher([*f.lists.get("ignore", ()), *f.context.get("idioms", ())]),
            WordMatcher(hot),
        )


#: An age said between commas (or before the clause's end): ", 6 weeks," · ", 2 Monate alt,".
_APPOSITION = re.compile(r" , (\d{1,3} [^ ,|]+(?: [^ ,|]+)?) (?=, |\| |$)")


def _apposition(numeric: str) -> str:
    """The folded message with the comma before an age said in apposition taken out, so that
    it reads as said of the child ("my son, 6 weeks, ..." · "Tochter, 2 Monate, ..."); "Sohn,
    2 Monate nach der Chemo, ..." is no age."""
    return _APPOSITION.sub(r" \1 ", numeric) if " , " in numeric else numeric


class _Language:
    """One language's rules merged with the English ones, compiled for screening."""

    def __init__(self, files: Sequence[RuleFile], matchers: Sequence[_FileMatchers]) -> None:
        self.files = tuple(matchers)
        self.replace = {k: v for f in reversed(files) for k, v in f.replace.items()}
        self.typos = {k: v for f in reversed(files) for k, v in f.typos.items()}

        def lists(key: str) -> list[Compiled]:
            return [c for f in files for c in f.lists.get(key, ())]

        # An English clause break that the language's own negation or "if" words use is a
        # word of that language there: French "plus" ("s'il a plus de 38", "n'a plus").
        own = {
            w
            for c in (
                *files[0].negation_before,
                *files[0].negation_after,
                *files[0].lists.get("hypothetical", ()),
                *files[0].context.get("conditional", ()),
            )
            for w in c.words
        }
        self.clause_breaks = _union(
            c
            for i, f in enumerate(files)
            for c in f.lists.get("clause_breaks", ())
            if i == 0 or not own.intersection(c.words)
        )
        self.hypothetical = _union(lists("hypothetical"))
        self.negation = _union(c for f in files for c in f.negation_before)
        self.negation_after = _union((c for f in files for c in f.negation_after), anchor="")
        self.stop = _whole(lists("stop"))
        self.topics = _whole(lists("topics"))

        def temp(key: str) -> list[str]:
            return [c.regex for f in files for c in f.temperature.get(key, ())]

        # "now" words end a clause for negation, not for what a number is about ("das
        # Wasser hat jetzt 38 Grad")
        now_words = {w for f in files for c in f.time.get("now", ()) for w in c.words}

        self.reader = TemperatureReader(
            TemperatureWords(
                context=tuple(m.context for m in matchers),
                hot=tuple(m.hot for m in matchers),
                celsius=temp("celsius"),
                fahrenheit=temp("fahrenheit"),
                degrees=temp("degrees"),
                not_before=temp("not_before"),
                not_after=temp("not_after"),
                not_context=temp("not_context"),
                has=temp("has"),
                clause_breaks=[c.regex for c in lists("clause_breaks") if not c.words & now_words],
            )
        )
        self.numbers = _Numbers(
            {k: v for f in reversed(files) for k, v in f.number_words.items()},
            [h for f in files for h in f.half],
            [p for f in files for p in f.point],
            [a for f in files for a in f.about],
            [x for f in files for x in f.exact],
        )
        self.concepts = ConceptFinder([(Stemmer(f.language), f.concepts) for f in files])
        self.past = _union(c for f in files for c in f.time.get("past", ()))
        #: "yesterday": in the past only if the message also says it is over ("fine now").
        self.recent = _union(c for f in files for c in f.time.get("recent", ()))
        self.over_time = _union(c for f in files for c in f.time.get("resolved", ()))
        self.now = _union(
            c for f in files for key in ("now", "ongoing") for c in f.time.get(key, ())
        )
        #: "since", "for the last", "depuis", "seit", "صار له": the sign is still going on.
        self.ongoing = _union(c for f in files for c in f.time.get("ongoing", ()))

        def context(key: str) -> list[Compiled]:
            return [c for f in files for c in f.context.get(key, ())]

        self.others = _union(context("others"))
        self.resolved = _union(context("resolved"))
        self.over = _union([*context("resolved"), *context("recovered")])
        self.days = _union(context("days"))
        self.dated = _union(context("dated"))
        self.since = _union(context("since"))
        self.handled = _union(context("handled"))
        self.latest = _union(context("latest"))
        self.right_now = _union(context("right_now"))
        self.compare = _union(context("compare"))
        self.shared_subject = _union(files[0].context.get("shared_subject", ()))
        self.continues = _union(files[0].context.get("continues", ()))
        self.instruction = _union(context("instruction"))
        self.judged = _union(context("judged"))
        self.threshold = _union(context("threshold"))
        self.happening = _union(context("happening"))
        self.limit_before = _union(context("limit_before"))
        self.limit_after = _union(context("limit_after"))
        self.objects = _union(files[0].context.get("objects", ()))
        self.restate = _union(files[0].context.get("restate", ()))
        self.between = _union(files[0].context.get("between", ()))
        self.counted = _union(context("counted"))
        self.case = _union(files[0].context.get("case", ()))
        self.checked = _union(context("checked"))
        # the language's own words only: English "a" is Polish "and"
        self.generic = _union(files[0].context.get("generic", ()), anchor=" ")
        self.generally = _union(files[0].context.get("generally", ()))
        self.conditional = _union(context("conditional"))
        self.advice = _union(context("advice"))
        self.reported = _union(context("reported"))
        self.documents = _union(context("documents"))
        self.joins = _union(context("joins"))
        #: Any word a not-now check looks for: most messages have none, and skip them all.
        self.context_any = _union(
            c for key in ("others", "resolved", "documents", "advice") for c in context(key)
        )
        #: The last text checked against ``context_any`` and the answer (one tuple, so a
        #: reader never sees one text's answer for another).
        self._context_seen: tuple[str, bool] = ("", False)
        #: Any "if" word: with advice earlier in the sentence, the sign is quoted advice.
        self.any_if = _union([*context("conditional"), *lists("hypothetical")])
        self.baby_always = WordMatcher([c for f in files for c in f.baby.get("always", ())])
        self.infant_words = WordMatcher([c for f in files for c in f.baby.get("infant", ())])
        self.baby_ages = tuple(
            (key, re.compile("(?<= )" + c.regex))
            for f in files
            for key in BABY_LIMITS
            for c in f.baby.get(key, ())
        )
        self.not_typos = {w for c in lists("not_typos") for w in c.words}
        self.fuzzy_min = min(f.fuzzy_min_length for f in files)
        self.language = files[0].language
        self.keep = keep_arabizi if self.language == "ar" else None
        vocab: set[str] = set()
        for f in files:
            words = [w for p in f.phrases for w in p.compiled.words]
            words += [w for c in f.temperature.get("context", ()) for w in c.words]
            words += f.concept_words  # "diarree" is "diarrhee"
            vocab.update(w for w in words if len(w) >= f.fuzzy_min_length and w.isalpha())
        self.vocab = frozenset(vocab)
        known = {w for f in files for p in f.phrases for w in p.compiled.words}
        known.update(w for f in files for cs in f.lists.values() for c in cs for w in c.words)
        known.update(w for f in files for cs in f.temperature.values() for c in cs for w in c.words)
        known.update(w for f in files for w in f.concept_words)
        for f in files:
            groups = (*f.time.values(), *f.context.values(), *f.baby.values())
            for group in (*groups, f.negation_before, f.negation_after):
                known.update(w for c in group for w in c.words)
        known.update(w for f in files for n in f.number_words for w in n.split())
        #: Words the rules use: never "corrected" into another rule word.
        self.known = frozenset(known)
        deletes: dict[str, set[str]] = {}
        for word in vocab:
            for key in _deletes(word):
                deletes.setdefault(key, set()).add(word)
        #: Rule words by each form with one letter deleted, for the typo search: two words one
        #: edit apart (a letter missing, extra, wrong or two swapped) share such a form, so
        #: only the few that do are compared (comparing every word cost milliseconds for a
        #: long message).
        self.deletes = {key: tuple(sorted(words)) for key, words in deletes.items()}
        self._memo: dict[str, str] = {}

    def correct(self, token: str) -> str:
        """The rule word ``token`` misspells (one letter off), or ``token`` itself."""
        fixed = self.typos.get(token)
        if fixed is not None:
            return fixed
        if token not in self.known:
            # a dialect spelling of a rule word (Arabic: وسخنه → سخنه, كرشو → كرشه)
            for other in variants(token, self.language):
                if other in self.known:
                    if token[0] in _AND and not other.startswith(token[0]):
                        return f"{token[0]} {other}"  # "and" stays a word: it ends a clause
                    return other
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
        candidates = {w for key in _deletes(token) for w in self.deletes.get(key, ())}
        # People rarely mistype a word's first letter, and a real word one letter off a rule
        # word mostly differs there ("wrocila" returned, "zwrocila" vomited): only a word
        # starting alike (or with its first two letters swapped) is a misspelling.
        found = {
            w
            for w in candidates
            if (w[0] == token[0] or w[:2] == token[1::-1])
            and OSA.distance(token, w, score_cutoff=1) <= 1
        }
        result = next(iter(found)) if len(found) == 1 else token
        if len(self._memo) < _MEMO_LIMIT:
            self._memo[token] = result
        return result

    def prepare(self, text: str) -> str:
        """Fold ``text``, fix misspellings and drop ignored phrases."""
        folded = fold(text, self.replace, self.keep)
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

    def baby(self, numeric: str) -> bool:
        """The message says the person is a baby under 3 months ("my 6 week old"); an age
        said between commas after the child counts ("Tochter, 2 Monate, ...")."""
        numeric = _apposition(numeric)
        if self.baby_always.search(numeric):
            return True
        return any(
            int(m.group("age")) <= BABY_LIMITS[key]
            for key, rx in self.baby_ages
            for m in rx.finditer(numeric)
        )

    def infant(self, numeric: str) -> bool:
        """The message says the person is a baby, of any age under a year ("my 7 month
        old", "mon bébé", "niemowlak 4 mies")."""
        numeric = _apposition(numeric)
        if self.infant_words.search(numeric) or self.baby_always.search(numeric):
            return True
        return any(
            int(m.group("age")) <= INFANT_LIMITS[key]
            for key, rx in self.baby_ages
            for m in rx.finditer(numeric)
        )

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

    def negated_between(self, text: str, hits: Sequence[Hit]) -> bool:
        """A negation in a short gap between ``hits`` ("atmet nicht schnell"), not in a hit."""
        if self.negation is None:
            return False
        spans = sorted((h.start, h.end, h.name) for h in hits)
        edge, last = spans[0][1], spans[0][2]
        for a, b, name in spans[1:]:
            gap = text[edge:a].split()
            # a "nor" between two of one concept lists them ("ni el pecho ni el biberón")
            if (
                name != last
                and 0 < len(gap) <= NEGATION_GAP_WORDS
                and "," not in gap
                and self.negation.search(f" {' '.join(gap)} ")
            ):
                return True
            if b > edge:
                edge, last = b, name
        return False

    def plain_modifiers(
        self, text: str, symptom: Sequence[str], hits: Sequence[Hit]
    ) -> list[Hit] | None:
        """The modifiers of a sign said without a "not" in the two words before them (nor
        right after a negated one, joined by "or"/"and": "nicht rot oder geschwollen");
        ``None`` when the sign has no modifier."""
        mods = sorted((h for h in hits if h.name not in symptom), key=lambda h: h.start)
        if not mods or self.negation is None:
            return mods or None
        plain: list[Hit] = []
        previous, negated = -1, False
        for h in mods:
            before = text[clause(text, h.start, h.start)[0] : h.start].split()
            gap = text[previous : h.start].split() if previous >= 0 else []
            joined = (
                negated
                and len(gap) == 1
                and self.joins is not None
                and self.joins.fullmatch(f" {gap[0]} ", 1) is not None
            )
            negated = joined or bool(before and self.negation.search(f" {' '.join(before[-2:])} "))
            if not negated:
                plain.append(h)
            previous = h.end - 1
        return plain

    def modifiers_negated(self, text: str, symptom: Sequence[str], hits: Sequence[Hit]) -> bool:
        """Every modifier of a sign has a "not" right before it ("nie ma zaczerwienienia")."""
        plain = self.plain_modifiers(text, symptom, hits)
        return plain is not None and not plain

    def symptom_negated(self, text: str, symptom: Sequence[str], hits: Sequence[Hit]) -> bool:
        """Every symptom hit of a sign is negated on its own (a "not" in the 4 words before
        it in its clause: "a cough, but I don't feel unwell"), wherever the sign starts."""
        found = [h for h in hits if h.name in symptom]
        return bool(found) and all(self.negated(text, h.start, h.end) for h in found)

    def plain_apart(self, text: str, symptom: Sequence[str], hits: Sequence[Hit]) -> bool:
        """A modifier said plainly in a later clause than the sign starts ("port nie jest
        czerwony, ale jest opuchnięty"): a "not" early in the sign does not reach it."""
        start = min(h.start for h in hits)
        for h in self.plain_modifiers(text, symptom, hits) or ():
            between = text[start - 1 : h.start]
            if f" {COMMA} " in between or f" {CLAUSE} " in between:
                return True
            if self.clause_breaks is not None and self.clause_breaks.search(between):
                return True
        return False

    def subclause(self, text: str, start: int, end: int) -> str:
        """The clause around ``start``-``end``, cut at clause-break words on both sides."""
        a, b = clause(text, start, end)
        before, after = text[a:start], text[end - 1 : b]
        if self.clause_breaks is not None:
            ends = [m.end() for m in self.clause_breaks.finditer(before)]
            if ends:
                before = before[ends[-1] - 1 :]
            m = self.clause_breaks.search(after)
            if m is not None:
                after = after[: m.start() + 1]
        before = " " + " ".join(before.split()[-TIME_WINDOW:]) + " "
        after = " " + " ".join(after.split()[:TIME_WINDOW]) + " "
        return before + text[start : end - 1] + after

    def in_past(self, text: str, start: int, end: int) -> bool:
        """The clause says this was in the past ("2 years ago", "last month"), not now.

        When the sentence also says it is over ("Tuesday 38.4, fine now"), a day name or a
        "before" in the clause is enough, whatever "now" or "still" the sentence has.
        """
        part = self.numbers.read(self.subclause(text, start, end))
        past = self.past
        whole = part  # the past time looked for with the "over" words left in: "passée" is
        # one ("c'est passé"), and "la semaine passée" a past time
        if self.over is not None and self._says_over(_sentence(text, start, end)):
            part = self.over.sub(" ", part)
            if (self.days is not None and self.days.search(part)) or _DATE.search(part):
                return True  # "il grelottait toujours ...": habit, not "still"
            # a day or an event then opening the sentence ("after my second cycle I had a
            # fever of 101 and was admitted, but I recovered fully")
            if self.days is not None and self._opens_past(text, start, self.days):
                return True
            # a past time opening a story that ends well reaches past its "and"s ("Last
            # summer we were in Cornwall and he had 38.6 ..., it was all fine in the end")
            if self._opens_past(text, start, across=True):
                return True
        if past is None:
            return False
        if self.now is not None and self.now.search(part):
            return False
        reading = text[start:end].strip()
        if (
            past.search(self._undated(part, reading))
            or past.search(self._undated(whole, reading))
            or self._past_then_since(text, start, end)
            or self._opens_past(text, start)
        ):
            return True
        if self._time_clause_after(text, start, end):
            return True
        # time: recent ("yesterday") is past only if the message says it is over
        over = [rx for rx in (self.over_time, self.over) if rx is not None]
        return bool(
            self.recent is not None
            and self.recent.search(part)
            and any(rx.search(text) for rx in over)
        )

    def _undated(self, part: str, said: str) -> str:
        """``part`` without a treatment named with its day after ``said`` ("tiene 38,4 le
        dieron quimio el viernes", "he has 38.4, chemo was on Friday"): the day dates the
        treatment, not what was said before it (``context: dated``)."""
        if self.dated is None or not said:
            return part
        at = part.find(said)
        if at < 0:
            return part
        cut = at + len(said)
        return part[:cut] + self.dated.sub(" ", part[cut:])

    def _time_clause_after(self, text: str, start: int, end: int) -> bool:
        """The clause right after the sign's, or the one that opens its sentence, is only a
        past time ("sie hatte einen Fieberkrampf, ist Jahre her", "miała drgawki, lata temu",
        "jak był mały, miał drgawki", "وهو صغير إجته تشنجات"): a time said on its own next to a
        comma belongs to the clause beside it. Only for languages with ``context: compare``
        ("wie vor 2 Jahren" compares now with then); the time phrase and at most 2 more words,
        after a clause-break word ("ale to było dawno temu"), and no "now" in them."""
        if self.past is None or self.compare is None:
            return False
        a, b = clause(text, start, end)
        near: list[str] = []
        if b < len(text) and text[b] == COMMA:
            near.append(text[b + 1 : clause(text, b + 2, b + 2)[1]])
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        if a >= 2 and text[a - 1] == COMMA and clause(text, a - 2, a - 2)[0] <= s0 + 2:
            near.append(text[max(s0 + 2, 0) : a - 1])
        for part in near:
            words = part.split()
            while (
                words
                and self.clause_breaks is not None
                and self.clause_breaks.fullmatch(f" {words[0]} ", 1)
            ):
                words = words[1:]
            # only up to the next clause-break word ("..., but that was nearly three years
            # ago and they said it was viral")
            cut = next(
                (
                    i
                    for i, w in enumerate(words)
                    if self.clause_breaks is not None and self.clause_breaks.fullmatch(f" {w} ", 1)
                ),
                len(words),
            )
            said = self.numbers.read(" " + " ".join(words[:cut]) + " ")
            if self.dated is not None:  # ", wlew był we wtorek": the treatment's day
                said = self.dated.sub(" ", said)
            if (self.now is not None and self.now.search(said)) or self.compare.search(said):
                continue
            m = self.past.search(said)
            if m is None:
                continue
            # besides the time only short function words ("ist", "to było", "كان"), not a
            # thing of its own ("chemia była w poniedziałek", "neutrofile w piątek 0,2")
            others = (said[: m.start()] + " " + said[m.end() :]).split()
            if len(others) <= TRAILING_OTHER_WORDS and all(
                w.isalpha() and len(w) <= FUNCTION_WORD_LETTERS for w in others
            ):
                return True
        return False

    def _opens_past(
        self, text: str, start: int, times: re.Pattern[str] | None = None, across: bool = False
    ) -> bool:
        """The sentence opens with a past time that reaches the sign, however far ("2 weeks
        ago mum was in hospital with neutropenic fever", "En noviembre, después del segundo
        ciclo, tuve 39,1"): a time said first sets the scene for its sentence, up to a
        clause-break word or a "now". Commas may follow the time only when it stands alone
        before them ("Back in October, after cycle two, I had"), and then only short
        phrases without a verb of their own may come between (at most 4 words each).
        ``times``: the time phrases to look for (``past`` by default); ``across``: clause-break
        words ("and") do not stop it (only for a sentence that says it is over)."""
        past = times or self.past
        if past is None:
            return False
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        before = self.numbers.read(text[s0 + 2 if s0 >= 0 else 0 : start + 1])
        if self.now is not None and self.now.search(before):
            return False
        pieces = before.split(f" {COMMA} ")
        # a piece between may be another past time, however long ("Letzten Winter, also vor
        # ungefähr zehn Monaten, hatte er 39,5"); its words are no clause break (English
        # "also" is German "that is")
        restated = [
            i
            for i, p in enumerate(pieces)
            if 0 < i < len(pieces) - 1 and past.search(f" {p} ") is not None
        ]
        rest = " , ".join(p for i, p in enumerate(pieces) if i not in restated)
        if across:
            # no "now" in the sign's own clause either ("in 2021 he had a fit and he is
            # fitting now, nothing since the last dose")
            a, b = clause(text, start, start + 1)
            if self.now is not None and self.now.search(text[a - 1 if a else 0 : b + 1]):
                return False
            first = pieces[0].rstrip() + " "
            return past.match(first, 1) is not None
        if self.clause_breaks is not None and self.clause_breaks.search(rest + " "):
            return False
        if len(pieces) == 1:
            return past.match(before, 1) is not None
        # the time is the whole first piece, or all of it but one word in front ("back")
        first = pieces[0].rstrip() + " "
        second = first.find(" ", 1) + 1
        found = (past.match(first, pos) for pos in (1, second) if pos > 0)
        whole = any(m is not None and m.end() >= len(first) - 1 for m in found)
        return whole and all(
            len(p.split()) <= 4 or i in restated for i, p in enumerate(pieces[1:-1], 1)
        )

    def _past_then_since(self, text: str, start: int, end: int) -> bool:
        """A past time earlier in the sentence and "nothing since" after the sign ("the fit
        was last year when she was 2, they said it was febrile, nothing since"): the story of
        a past event told in order."""
        if self.since is None or self.past is None:
            return False
        a = text.rfind(f" {CLAUSE}", 0, start)
        b = text.find(f" {CLAUSE}", max(end - 1, 0))
        after = text[end - 1 : b + 1 if b >= 0 else len(text)]
        found = self.since.search(after)
        if found is None:
            return False
        # no "now" between the sign's clause and the "since" ("a fever now, nothing since")
        between = text[clause(text, start, end)[0] : end - 1 + found.start() + 1]
        if self.now is not None and self.now.search(between):
            return False
        before = self.numbers.read(text[a + 1 if a >= 0 else 0 : start + 1])
        return bool(
            self.past.search(before)
            or (self.days is not None and self.days.search(before))
            or _DATE.search(before)
        )

    def _says_over(self, sentence: str) -> bool:
        """``sentence`` says something is over, not that it is not ("n'arrête pas depuis
        hier", "hasn't stopped since Monday"): a "not" in the 2 words before or the word after
        the "over" words cancels them."""
        if self.over is None:
            return False
        for m in self.over.finditer(sentence):
            if self.negation is None:
                return True
            before = " " + " ".join(sentence[: m.start()].split()[-2:]) + " "
            after = " " + " ".join(sentence[m.end() - 1 :].split()[:1]) + " "
            if not (self.negation.search(before) or self.negation.search(after)):
                return True
        return False

    def resolved_after(self, text: str, end: int) -> bool:
        """Said right after a sign, it has stopped or the person is well again ("the
        shivering stopped an hour ago", "went away", "fine now"), with no "not" between."""
        if self.resolved is None:
            return False
        stop = text.find(f" {CLAUSE}", end - 1)
        following = text[end - 1 : stop + 1 if stop >= 0 else len(text)]
        words = following.split()[:RESOLVED_WINDOW]
        gap = " " + " ".join(words) + " "
        m = self.resolved.search(gap)
        if m is None:
            return False
        between = gap[: m.start() + 1]
        # French puts the "not" after the verb: "ça s'arrête pas" has not stopped
        # (the word after the window too: "il saigne du nez et ça s'arrête pas")
        taken = len(gap[: m.end()].split())
        then = " " + " ".join(following.split()[taken : taken + 1]) + " "
        return not (
            self.negation is not None
            and (self.negation.search(between) or self.negation.search(then))
        )

    def about_other(self, text: str, start: int) -> bool:
        """The words before a sign say it is about someone else or a pet ("his sister has
        a fever", "the dog keeps being sick")."""
        if self.others is None:
            return False
        # with the phrase's first word: "a patient" before "had a seizure" (the phrase took
        # the verb)
        first = text[start:].split(" ", 1)[0]
        window = self.window(text, start, HYPOTHETICAL_WINDOW) + first + " "
        if self._before_unreported(self.others, window):
            return True
        # someone else opening the clause is its subject, however far the sign ("le fils du
        # voisin a le palu avec une grosse fièvre")
        opening = self.window(text, start, len(text)) + first + " "
        words = opening.split()
        for lead in range(min(2, len(words))):
            m = self.others.match(" " + " ".join(words[lead:]) + " ", 1)
            if m is not None:
                return self._before_unreported(self.others, " " + " ".join(words[lead:]) + " ")
        return self._shares_subject(text, start)

    def _and_before(self, text: str, start: int) -> int | None:
        """Where the "and" before the sign starts, when the sign is a second verb with no
        subject of its own ("... und zu zittern anfängt", "... i zacznie się trząść")."""
        if self.shared_subject is None or self.clause_breaks is None:
            return None
        a = clause(text, start, start)[0]
        before = text[a:start]
        breaks = list(self.clause_breaks.finditer(before))
        if not breaks:
            return None
        last = breaks[-1]
        if not self.shared_subject.fullmatch(f" {before[last.start() : last.end()].strip()} ", 1):
            return None
        gap = before[last.end() :].split()
        if len(gap) > CONTINUES_WORDS or (
            gap
            and (
                self.continues is None
                or not all(self.continues.fullmatch(f" {w} ", 1) for w in gap)
            )
        ):
            return None
        return a + last.start()

    def _compared_before(self, text: str, start: int) -> int | None:
        """Where "between" starts, when the sign follows the "and" of "between X and Y" in its
        clause (at most 3 words between the "and" and the sign, no comma)."""
        if self.between is None or self.shared_subject is None or self.clause_breaks is None:
            return None
        a = clause(text, start, start)[0]
        before = text[a:start]
        breaks = list(self.clause_breaks.finditer(before))
        if not breaks:
            return None
        last = breaks[-1]
        word = f" {before[last.start() : last.end()].strip()} "
        if not self.shared_subject.fullmatch(word, 1) or len(before[last.end() :].split()) > 3:
            return None
        found = list(self.between.finditer(before, 0, last.start() + 1))
        return a + found[-1].start() if found else None

    def _shares_subject(self, text: str, start: int) -> bool:
        """The sign is a second verb after an "and" with no subject of its own, so the
        subject before the "and" is its subject: "our dog has a fever and is shivering",
        "unser Hund hat Durchfall und zittert", "nasz pies ma biegunkę i się trzęsie". Only
        ``continues`` words ("is", "się") may stand between the "and" and the sign: "and
        he is shivering" names a subject of its own."""
        joined = self._and_before(text, start)
        if self.others is None or self.clause_breaks is None or joined is None:
            return False
        a = clause(text, start, start)[0]
        earlier = text[a:joined]
        if not earlier.strip() and a >= 2 and text[a - 1] == COMMA:
            # "nasz pies był u weterynarza, bo ciągle wymiotował": the clause before the comma
            earlier = text[clause(text, a - 2, a - 2)[0] : a - 1]
        ends = [m.end() for m in self.clause_breaks.finditer(earlier)]
        if ends:
            earlier = earlier[ends[-1] - 1 :]
        window = " " + " ".join(earlier.split()[-HYPOTHETICAL_WINDOW:]) + " "
        return self._before_unreported(self.others, window)

    def _before_unreported(self, rx: re.Pattern[str], window: str) -> bool:
        """``rx`` is in ``window`` and no "says he ..." follows it ("his sister says he is
        vomiting", "the nurse said she is floppy": the person's own sign, reported)."""
        found = list(rx.finditer(window))
        if not found:
            return False
        rest = window[found[-1].start() :]
        return not (self.reported is not None and self.reported.search(rest))

    def conditional_at(self, text: str, start: int) -> bool:
        """The sentence opens with "if" ("if he gets a fever, do we go to A&E?"): every
        clause of it is hypothetical. "Si, tiene fiebre" (yes, ...) is not."""
        if self.conditional is None:
            return False
        first = text.rfind(f" {CLAUSE} ", 0, start)
        pos = first + 2 if first >= 0 else 0
        m = self.conditional.match(text, pos + 1 if text[pos : pos + 1] == " " else pos)
        return m is not None and m.start() < start and text[m.end() : m.end() + 1] != COMMA

    def in_document(self, text: str, start: int) -> bool:
        """A leaflet or plan is named before the sign in its sentence, before any clause
        break other than the "and" of a list ("the booklet lists floppy, mottled skin and
        blue lips")."""
        if self.documents is None:
            return False
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        before = text[s0 + 2 if s0 >= 0 else 0 : start]
        if self.clause_breaks is not None:
            joins = self.joins

            def joining(m: re.Match[str]) -> bool:
                j = joins.match(before, m.start()) if joins is not None else None
                return j is not None and j.end() == m.end()

            ends = [m.end() for m in self.clause_breaks.finditer(before) if not joining(m)]
            if ends:
                before = before[ends[-1] - 1 :]
        found = list(self.documents.finditer(before))
        # a list of signs right after it, not a report later on ("the leaflet says call if
        # over 38 and he has 39.2")
        return bool(found) and len(before[found[-1].end() :].split()) <= DOCUMENT_LIST_WORDS

    def quoted(self, text: str, start: int, reading: bool = False) -> bool:
        """The sign is advice a professional or a leaflet gave ("the leaflet says call if he
        has a fit", "la enfermera dijo que si tiene los labios morados ..."): said just
        before it, or earlier in a sentence that has an "if"."""
        if self.advice is None:
            return False
        if self._before_unreported(self.advice, self.window(text, start, HYPOTHETICAL_WINDOW)):
            return True
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        before = text[s0 + 2 if s0 >= 0 else 0 : start]
        if self.clause_breaks is not None:
            ends = [m.end() for m in self.clause_breaks.finditer(before)]
            if ends:
                before = before[ends[-1] - 1 :]
        advised = self.advice.search(before) is not None or (
            before == text[s0 + 2 if s0 >= 0 else 0 : start] and self._lead_in(text, s0)
        )
        # a leaflet's rule ("the binder says that a rash that doesn't fade is urgent")
        document = self.documents is not None and self.documents.search(before) is not None
        if (advised or document) and self._instruction_after(text, start, document):
            return True
        if not advised or self.any_if is None:
            return False
        # the "if" is in the sign's own clause or the one right after it ("..., żeby dzwonić
        # na 112, jeśli usta zrobią się sine"), not in an earlier one ("the plan says call if
        # over 38, he has 39.2" is a reading now)
        a, b = clause(text, start, start + 1)
        c = clause(text, b + 2, b + 3)[1] if b < len(text) and text[b] == COMMA else b
        if self.any_if.search(text[a:c]):
            return True
        # or advice, then an "if" clause, then what to do: "der Kinderarzt sagte, falls er
        # schlapp wird, 112 anrufen" (a reading there is one now: "the plan says call if over
        # 38, he has 39.2")
        now = self.now is not None and bool(self.now.search(text[a - 1 : b + 1]))
        if not reading and not now and a >= 3 and text[a - 1] == COMMA:
            pa = clause(text, a - 3, a - 2)[0]
            return bool(self.any_if.search(text[pa:a]))
        return False

    def _lead_in(self, text: str, end: int) -> bool:
        """The sentence ending at ``end`` is only who advised, a lead-in to the next one
        ("pielęgniarka powiedziała: dreszcze = od razu dzwonić", "Im Merkblatt steht: ab
        38,0 ...": folding makes the colon a sentence end). The next sentence still needs
        what to do or an "if" after the sign to be the advice quoted."""
        if end < 0 or self.advice is None:
            return False
        p = text.rfind(f" {CLAUSE}", 0, end)
        lead = " " + text[p + 2 if p >= 0 else 0 : end + 1].strip() + " "
        if len(lead.split()) > LEAD_IN_WORDS:
            return False
        return self.advice.search(lead) is not None or (
            self.documents is not None and self.documents.search(lead) is not None
        )

    def object_hot(self, text: str, start: int, raw: str) -> bool:
        """A hot word in a question whose sentence names an object before it (bath water,
        milk, a bottle) is the object's: "la leche a 40 grados, ¿está muy caliente?", "مي
        الحمام ٣٨ درجة، سخنة كتير عليها؟". Only the language's own words ("te" is Spanish tea)."""
        if self.objects is None:
            return False
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        found = list(self.objects.finditer(text, s0 + 1 if s0 >= 0 else 0, start + 1))
        if not found:
            return False
        # the object's own clause or the next, with no "and" or "now" between ("he drank his
        # milk and now he is really hot, is that a fever?" is the child)
        between = text[found[-1].end() - 1 : start + 1]
        if between.count(COMMA) > 1 or any(
            rx is not None and rx.search(between) for rx in (self.clause_breaks, self.now)
        ):
            return False
        flags = question_flags(raw)
        index = text.count(f" {CLAUSE}", 0, start)
        return index < len(flags) and flags[index]

    def limit_in_clause(self, text: str, start: int) -> bool:
        """A reading said as a limit is in the clause of the fever word at ``start`` ("fiebre
        de 38 o más, a urgencias"): the word names that limit, not a fever now."""
        if self.limit_before is None and self.limit_after is None:
            return False
        a, b = clause(text, start, start + 1)
        return any(
            self.said_as_limit(text, m.start(), m.end()) for m in _DIGITS.finditer(text, a, b)
        )

    def _instruction_after(self, text: str, start: int, document: bool = False) -> bool:
        """What to do is said right after the sign, in its clause, as a rule ("blaue Lippen
        heißt sofort 112", "sine usta to od razu 999", "Schüttelfrost immer melden"): the
        quoted advice of a sentence with no "if"; after a leaflet named, also a ``judged``
        word ("is urgent", "son urgentes"). A comma or a clause-break word ends the
        sign's clause ("the doctor said he has a fever, come in now" and "... has blue lips
        and we must call 999" are reports)."""
        if self.instruction is None:
            return False
        b = clause(text, start, start + 1)[1]
        part = text[start - 1 if start else 0 : b + 1]
        if self.clause_breaks is not None:
            m = self.clause_breaks.search(part, 2)
            if m is not None:
                part = part[: m.start() + 1]
        if self.instruction.search(part) is not None:
            return True
        # the sign alone in its clause, then what to do opening the next ("des frissons avec
        # de la fièvre, c'est l'hôpital tout de suite"); not after a reading or a verb
        if (
            not document
            and self.restate is not None
            and b < len(text)
            and text[b] == COMMA
            and len(text[start:b].split()) <= TOPIC_WORDS
            and self.restate.match(text, b + 2) is not None
        ):
            after = text[b + 1 : clause(text, b + 2, b + 2)[1] + 1]
            return self.instruction.search(after) is not None
        # a leaflet, never a person looking at the child, says "is urgent" of a sign in general
        return document and self.judged is not None and self.judged.search(part) is not None

    def choice_after_question(self, text: str, start: int, end: int, raw: str = "") -> bool:
        """The reading is one of the choices a threshold question just asked about ("what
        counts as a fever for her? 38 or 37.5?"): its sentence is only readings joined by
        "or"/"and", and the sentence before it is a question about fever or what to do. A
        sentence asked as a question may open with up to ``CHOICE_LEAD_WORDS`` other words
        ("is it 38 or 37.5?", "c'est 38 ou 38,5 ?"), unless someone "has" the reading."""
        if self.joins is None or self.conditional is None:
            return False
        words = _sentence(text, start, end).split()
        numbers = [w for w in words if _NUMBER_WORD.fullmatch(w)]
        others = [w for w in words if not _NUMBER_WORD.fullmatch(w)]
        if len(numbers) < 2 or not others:
            return False
        joins = [w for w in others if self.joins.fullmatch(f" {w} ", 1)]
        lead = [w for w in others if w not in joins and w not in _UNIT_WORDS]
        if lead and not joins:
            return False
        if lead:
            flags = question_flags(raw) if raw else []
            index = text.count(f" {CLAUSE}", 0, start)
            asked = index < len(flags) and flags[index]
            if len(lead) > CHOICE_LEAD_WORDS or not asked or self.reader.has_before(text, start):
                return False
        a = text.rfind(f" {CLAUSE}", 0, start)
        if a < 0:
            return False
        before = text[: a + 1]
        p = before.rfind(f" {CLAUSE}")
        previous = before[p + 2 if p >= 0 else 0 :] + " "
        return bool(self.conditional.search(previous)) or bool(
            self.hypothetical is not None and self.hypothetical.search(previous)
        )

    def happening_after(self, text: str, end: int) -> bool:
        """After the sign that ends at ``end``, the message says it is here now, so an "if"
        or a quoted rule before it does not make it a question ("the leaflet says call if
        he has rigors, and he has them now", "et là il en a", "a teraz ma")."""
        return self.happening is not None and self.happening.search(text, end) is not None

    def threshold_question(self, text: str, start: int, raw: str) -> bool:
        """The reading is asked about as a limit: its sentence is a question with a
        ``threshold`` word in the reading's clause, or elsewhere when no one "has" the
        reading ("is 38 the limit or is there another?", "czy 38 to granica?", "the doctor
        said 38, the nurse 38.5, which of the two is right?"), and has no "now"."""
        if self.threshold is None or not raw:
            return False
        sentence = _sentence(text, start, start + 1)
        a, b = clause(text, start, start + 1)
        if not self.threshold.search(text[a - 1 if a else 0 : b + 1]) and (
            not self.threshold.search(sentence) or self.reader.has_before(text, start)
        ):
            return False  # "she has 38.4, is that over the limit?" is a reading now
        # "temp 38.6, is that the limit?": a reading said with a fever word is one now (the
        # words right before it: "is 37.8 a fever or do we wait for 38?" asks of the 38)
        said = " " + " ".join(text[a:start].split()[-THRESHOLD_SAID_WORDS:])
        if any(f.context.search(said + " ") for f in self.files):
            return False
        if self.now is not None and self.now.search(sentence):
            return False
        flags = question_flags(raw)
        index = text.count(f" {CLAUSE}", 0, start)
        return index < len(flags) and flags[index]

    def said_as_limit(self, text: str, start: int, end: int) -> bool:
        """The reading is said as a limit, not taken: "ab 38,0 anrufen", "od 38 dzwonić",
        "a partir de 38", "38 or above", "fièvre à 38 ou plus" (a rule quoted or asked about;
        "he has 38 or above" is rare, and the question still gives the numbers)."""
        before = text[:start].split()[-LIMIT_WORDS:]
        if self.limit_before is not None and any(
            self.limit_before.fullmatch(" " + " ".join(before[-k:]) + " ", 1)
            for k in range(1, len(before) + 1)
        ):
            return True
        after = " " + " ".join(text[end:].split()[:LIMIT_WORDS]) + " "
        return self.limit_after is not None and self.limit_after.match(after, 1) is not None

    def if_before(self, text: str, start: int) -> bool:
        """An "if" word in the clause before a reading ("call if temp 38 or above")."""
        return self.conditional is not None and bool(
            self.conditional.search(self.window(text, start, HYPOTHETICAL_WINDOW))
        )

    def not_now(self, text: str, start: int, end: int, rule: str = "") -> bool:
        """The sign is someone else's, advice quoted, or it has stopped: ask, not escalate.
        A fit, blue lips or being hard to wake that has stopped is still urgent."""
        seen_text, seen = self._context_seen
        if seen_text is not text:
            seen = self.context_any is not None and bool(self.context_any.search(text))
            self._context_seen = (text, seen)
        if not seen:
            return False
        return (
            self.about_other(text, start)
            or self.quoted(text, start, rule.startswith("temperature."))
            or self.in_document(text, start)
            or (
                rule not in STILL_URGENT_WHEN_OVER
                # a reading is not "over" when a medicine wore off after it ("38.9 cuando
                # se le pasó el dalsy"); "the fever went down" is a negation
                and not rule.startswith("temperature.")
                and self.resolved_after(text, end)
            )
            or (rule.startswith("temperature.") and self.limit_in_clause(text, start))
        )

    def listed(self, text: str, first: Reading, then: Reading) -> bool:
        """``then`` is the next item of a list of readings after ``first``: at most 3 words
        between with an "or"/"and" of a list, no "now" and no "he has" before it ("38,5
        oder zweimal 38", not "38 and now he has 39.2")."""
        gap = text[first.end - 1 : then.start]
        words = gap.split()
        if self.joins is None or not words or len(words) > LIST_GAP_WORDS or CLAUSE in words:
            return False
        if not self.joins.search(gap) or (self.now is not None and self.now.search(gap)):
            return False
        return not self.reader.has_before(text, then.start)

    def counted_question(self, text: str, start: int, raw: str) -> bool:
        """The sign is named as a case in a question about how many times to wait for
        ("with diarrhoea do we ring straight away or after how many times?", "bei Durchfall
        anrufen oder erst ab wie vielen Malen?", "مع الإسهال نتصل ولا بعد كم مرة؟") or about
        whether a rule is true ("con fiebre hay que abrigarlo, ¿es verdad?"): a ``case``
        word right before it, a ``counted`` or ``checked`` phrase later in its sentence, no
        number and no "now" in the sentence, and a question mark. "He has had diarrhoea 8
        times, after how many do we call?" gives a count; "he's vomiting, after how many
        times ...?" names no case."""
        if self.counted is None or self.case is None:
            return False
        words = text[:start].split()[-CASE_WORDS:]
        for mark in (CLAUSE, COMMA):  # the case is said in the sign's own clause
            if mark in words:
                words = words[len(words) - words[::-1].index(mark) :]
        if not self.case.search(" " + " ".join(words) + " "):
            return False
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        s1 = text.find(f" {CLAUSE}", start)
        sentence = text[s0 + 1 if s0 >= 0 else 0 : s1 + 1 if s1 >= 0 else len(text)]
        end = s1 + 1 if s1 >= 0 else len(text)
        if not self.counted.search(text, start, end) and not (
            self.checked is not None and self.checked.search(text, start, end)
        ):
            return False
        if any(ch.isdigit() for ch in sentence) or (
            self.now is not None and self.now.search(sentence)
        ):
            return False
        flags = question_flags(raw)
        index = text.count(f" {CLAUSE}", 0, start)
        return index < len(flags) and flags[index]

    def generic_question(self, text: str, start: int, raw: str) -> bool:
        """The sign is in a question about it in general: the sentence opens with
        ``generic`` words that name no one ("is a", "can a", "est ce qu une"), or with a
        bare "a"/"una"/"une" and a ``generally`` word ("always", "siempre", "toujours") with
        no comma after the sign, has no "now", and ends with a question mark ("is a seizure
        always an emergency for him?", "una convulsión siempre es urgencia?"). "Is he having
        a seizure?" names someone; "a rash that won't fade, what do I do?" has a comma."""
        if self.counted_question(text, start, raw):
            return True
        if self.generic is None:
            return False
        s0 = text.rfind(f" {CLAUSE}", 0, start)
        a = s0 + 2 if s0 >= 0 else 0
        m = self.generic.match(text, a)
        if m is None or m.end() > start + 1:
            return False
        # "now" anywhere after ("... an emergency? he is having one now"); French
        # "toujours" is "always" here, not "still"
        after = text[a:]
        if self.generally is not None:
            after = self.generally.sub(" ", after)
        if self.now is not None and self.now.search(after):
            return False
        if len(m.group(0).split()) == 1:
            rest = text[start : text.find(f" {CLAUSE}", start) % (len(text) + 1)]
            # a bare article or question word ("una", "czy", "هل"): the "always" says how
            # the sign is in general, within 5 words of it
            near = " " + " ".join(text[m.end() :].split()[:GENERALLY_WINDOW]) + " "
            if self.generally is None or not self.generally.search(near) or COMMA in rest:
                return False
        flags = question_flags(raw)
        index = text.count(f" {CLAUSE}", 0, start)
        return index < len(flags) and flags[index]

    def hypothetical_at(self, text: str, start: int) -> bool:
        if self.conditional_at(text, start):
            return True
        if self.hypothetical is None:
            return False
        # with the phrase's first word: "s'il" before "il tremble" (the phrase took the "il")
        first = text[start:].split(" ", 1)[0]
        if self.hypothetical.search(self.window(text, start, HYPOTHETICAL_WINDOW) + first + " "):
            # "is it normal that his lips are blue right now?": asked about, but happening
            a, b = clause(text, start, start + 1)
            return self.right_now is None or not self.right_now.search(text[a - 1 if a else 0 : b])
        # an "if" that opens the sign's clause reaches all of it, however long ("co mam
        # zrobić, jeśli Maja nagle zrobi się gorąca albo zacznie się trząść")
        opening = " " + " ".join(self.window(text, start, len(text)).split()) + " "
        if self.hypothetical.match(opening, 1) or (
            self.conditional is not None and self.conditional.match(opening, 1)
        ):
            a, b = clause(text, start, start + 1)
            return self.right_now is None or not self.right_now.search(text[a - 1 if a else 0 : b])
        # a second verb after "and" with no subject of its own is in the "if" of the first
        # ("wenn er heiß wird und zu zittern anfängt")
        joined = self._and_before(text, start)
        if joined is not None and self.hypothetical_at(text, joined):
            return True
        # "what's the difference between rigors and normal shivering?": the "and" lists the
        # second of the two compared
        compared = self._compared_before(text, start)
        if compared is not None and self.hypothetical_at(text, compared):
            return True
        # "ist es normal, dass ...", "czy to normalne, że ...": the question is before the comma
        a = clause(text, start, start)[0]
        if a >= 2 and text[a - 1] == COMMA and text[a:].split()[:1] in _SUBORDINATE:
            return bool(self.hypothetical.search(self.window(text, a - 2, HYPOTHETICAL_WINDOW)))
        return False


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return path.name, stat.st_mtime_ns, stat.st_size


class Screener:
    """Red-flag screening for every supported language, compiled once at start-up.

    Build it with :meth:`load`; :meth:`screen` is then safe to call from any task.
    """

    def __init__(self, files: Iterable[RuleFile], judge: Judge | None = None) -> None:
        #: The learned second opinion on the rules' urgent answers (None: rules alone).
        self.judge = judge
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
    def load(cls, rules_dir: Path | None = None, *, judge: Path | bool = False) -> Screener:
        """Read and compile every ``<lang>.yaml`` rule file in ``rules_dir``.

        Args:
            rules_dir: where the rule files are; the package's own ``rules/`` by default.
            judge: the learned judge's weights file, or ``True`` for the shipped one
                (:data:`JUDGE_FILE`, trained on the shipped rules' answers). Off by default,
                so the bot screens with the rules alone: on the unseen set fresh7 the judge
                turned three real warnings ("no fever but strong chills") into the question
                (docs/safety.md, "Learned judge"). For measuring and further work only.

        Raises:
            RuleError: a rule file is broken (each problem names file:line:col and the fix),
                or there is no ``en.yaml``.
        """
        directory = rules_dir or RULES_DIR
        paths = sorted(directory.glob("*.yaml"))
        # Compiling takes a second or two; the same unchanged files give the same (read-only)
        # screener, so a process that opens the service again (tests, the CLI) reuses it.
        judge_file = JUDGE_FILE if judge is True else judge or None
        key = (
            str(directory.resolve()),
            tuple(_stamp(path) for path in paths),
            _stamp(judge_file) if judge_file is not None else None,
        )
        if (cached := _LOADED.get(key)) is not None:
            return cached
        if judge_file is not None:
            from bot.safety.judge import Judge  # judge.py reads Screening from this module

            # The judge only reviews the rules' answer: the rules compiled alone are shared
            # (read-only), not compiled a second time for the judge.
            rules = cls.load(directory)
            screener = copy.copy(rules)
            screener.judge = Judge.load(judge_file)
            _LOADED[key] = screener
            return screener
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
        screener = _LOADED[key] = cls(files)
        return screener

    def screen(
        self,
        text: str,
        locale: str,
        threshold_c: float = 38.0,
        *,
        expecting_temperature: bool = False,
        age_group: str | None = None,
    ) -> Screening | None:
        """Screen one typed message.

        Args:
            text: what the person typed.
            locale: their locale (``de``, ``pt-BR`` ...); unknown languages use English rules.
            threshold_c: their fever threshold in °C (a reading at or above it is urgent).
            expecting_temperature: the conversation just asked for a temperature, so a bare
                whole number such as ``38`` is read as one.
            age_group: the saved age group; ``baby`` (under 3 months) makes any reading at
                or above 38.0 °C, or "feels hot", the baby answer. An age said in the
                message ("my 6 week old") counts too.

        Returns:
            ``None`` when nothing needs a special answer, else the :class:`Screening`. With
            several signs the strongest answer wins: emergency, baby, fever, other sign. The
            learned judge, when loaded (``load(judge=True)``; off in the bot), may then turn
            an urgent answer into the confirm question (:meth:`_second_opinion`).
        """
        found = self._screen(text, locale, threshold_c, expecting_temperature, age_group)
        if self.judge is None or found is None or found.kind != "urgent":
            return found
        return self._second_opinion(text, locale, found, expecting_temperature)

    def _second_opinion(
        self, text: str, locale: str, found: Screening, expecting_temperature: bool
    ) -> Screening:
        """The rules' urgent ``found``, or the confirm question when the judge is very sure
        the sign is not happening now to the person (a question, the past, a pet ...).

        The judge never touches the emergency answer, a baby's, a reading at or above the
        threshold, a reply to "what is the temperature?", or a message in which the rules
        see a word saying the sign is still going on ("since", "for the last", "depuis",
        "seit", "صار له"): its words-only model reads durations as the past. "Yes" on the
        question sends the same urgent answer (:meth:`Screening.confirmed`); the question's
        rule is the rules' own with ``judge:`` before it, for the log.
        """
        judge = self.judge
        if (
            judge is None
            or expecting_temperature
            or found.rule in JUDGE_KEEPS
            or found.message_key in JUDGE_KEEPS_KEYS
            or not judge.vetoes(text, found)
        ):
            return found
        lang = self._langs.get(_language(locale)) or self._langs[SOURCE_LANGUAGE]
        if lang.ongoing is not None and lang.ongoing.search(lang.prepare(text)):
            return found
        # "judge:" in the log's rule: operators see the judge asked, not a rule
        judged = f"judge:{found.rule}"
        return Screening("confirm", judged, found.fever, "confirm_sign", found.urgent_key)

    def _screen(
        self,
        text: str,
        locale: str,
        threshold_c: float,
        expecting_temperature: bool,
        age_group: str | None,
    ) -> Screening | None:
        lang = self._langs.get(_language(locale)) or self._langs[SOURCE_LANGUAGE]
        folded = lang.prepare(text)
        whole = _once(bare(folded))
        if lang.stop is not None and lang.stop.match(whole):
            return Screening("stop", "stop", False, "stopped")
        # "Fever?" asks for the topic; "Fieber!!", "¡Fiebre!" report it: the words decide
        if lang.topics is not None and lang.topics.match(whole) and not _exclaimed(text):
            return None
        numeric = lang.numbers.read(folded)
        baby = age_group == BABY_AGE_GROUP or lang.baby(numeric)
        verdict = _Verdict(baby, lambda: baby or lang.infant(numeric))
        asked: list[int] = []
        readings = self._readings(
            lang, numeric, threshold_c, expecting_temperature, verdict, text, asked
        )
        distress: Phrase | None = None
        local: list[tuple[int, int]] | None = None
        hits: list[Hit] | None = None
        for _, _, phrase, m in lang.matches(folded):
            if phrase.kind == "fever":
                if local is None:
                    hits = lang.concepts.find(folded)
                    local = self._local_heat(lang, folded, hits)
                # "the skin around her port is hot to touch": the line site, not a fever
                if any(a < m.end() - 1 and m.start() < b - 1 for a, b in local):
                    continue
            negated = phrase.negated or lang.negated(folded, m.start(), m.end())
            iffy = (
                lang.hypothetical_at(folded, m.start())
                or lang.generic_question(folded, m.start(), text)
            ) and not lang.happening_after(folded, m.end())
            if (
                phrase.kind == "fever"
                and not (negated or iffy)
                and (
                    fever_named(asked, numeric, folded, m.start())
                    or lang.object_hot(folded, m.start(), text)
                )
            ):
                # "is 37.8 a fever or do we wait for 38?": the word names a reading asked about
                verdict.ask(phrase.rule, fever=True)
                continue
            # only asked when nothing above settled it (the context checks cost time)
            past = (
                not (negated or iffy)
                and phrase.kind != "distress"
                and (
                    lang.in_past(folded, m.start(), m.end())
                    or (
                        lang.not_now(folded, m.start(), m.end(), phrase.rule)
                        and not lang.happening_after(folded, m.end())
                    )
                )
            )
            fever = phrase.kind == "fever"
            if phrase.kind == "distress":
                if distress is None and not negated and not iffy:
                    distress = phrase
            elif fever and readings:
                # A reading under the threshold was given: the number decides, except for a
                # baby who feels hot (urgent whatever the reading).
                if baby and phrase.rule == BABY_HOT and not (negated or iffy or past):
                    verdict.urgent(phrase.rule, fever=True)
            elif not negated and not iffy and not past:
                verdict.urgent(phrase.rule, fever=fever)
            elif not (fever and iffy):
                verdict.ask(phrase.rule, fever=fever)
        self._concepts(lang, folded, verdict, text, hits)
        if verdict.best is not None:
            return verdict.best
        if verdict.confirm is not None:
            return verdict.confirm
        if distress is not None:
            return _screening("distress", distress)
        return None

    @staticmethod
    def _readings(
        lang: _Language,
        numeric: str,
        threshold_c: float,
        expecting: bool,
        verdict: _Verdict,
        raw: str = "",
        asked: list[int] | None = None,
    ) -> bool:
        """Offer the readings in the message; whether one was given for now. The ends of
        readings asked about as a limit go in ``asked``."""
        found = lang.reader.find(numeric, expecting)
        limit = round(threshold_c, 1)
        if verdict.baby:
            limit = min(limit, BABY_FEVER_C)

        def not_now(r: Reading) -> bool:
            return (
                lang.in_past(numeric, r.start, r.end)
                or lang.not_now(numeric, r.start, r.end, "temperature.high")
                or lang.conditional_at(numeric, r.start)
                or lang.if_before(numeric, r.start)
                or lang.choice_after_question(numeric, r.start, r.end, raw)
                or lang.threshold_question(numeric, r.start, raw)
                or lang.said_as_limit(numeric, r.start, r.end)
            )

        # "38.2 earlier, now 36.9, we already spoke to the ward": the team has it in hand
        handled = (
            lang.handled is not None
            and lang.latest is not None
            and lang.handled.search(numeric) is not None
        )

        def normal_after(r: Reading) -> bool:
            return handled and any(
                LOW_C <= later.celsius < limit
                and later.start > r.end
                and lang.latest is not None
                and lang.latest.search(_words_before(numeric, later.start, 3)) is not None
                for later in found
            )

        past = [not_now(r) for r in found]
        if asked is not None:
            asked.extend(
                r.end
                for r in found
                if lang.threshold_question(numeric, r.start, raw)
                or lang.said_as_limit(numeric, r.start, r.end)
            )
        for i in range(1, len(found)):
            # the next item of a list after a quoted or past reading is one too ("im Heft
            # steht 38,5 oder zweimal 38")
            if past[i - 1] and not past[i] and lang.listed(numeric, found[i - 1], found[i]):
                past[i] = True
        for rule, low in (("temperature.high", False), ("temperature.low", True)):
            for r, over in zip(found, past, strict=True):
                if (r.celsius >= LOW_C) if low else (r.celsius < limit):
                    continue
                if r.weak or over or (not low and normal_after(r)):
                    verdict.ask(rule, fever=True)
                elif verdict.best is None:
                    verdict.urgent(rule, fever=True)
        return not all(past)

    @staticmethod
    def _local_heat(lang: _Language, folded: str, hits: list[Hit]) -> list[tuple[int, int]]:
        """Where the message says a line site is hot or warm: an ``inflamed`` word of a
        line-site sign said after the line, at most 6 words on, with no clause break but an
        "and" between ("port looks puffy and its hot to touch", "PICC حمرا وسخونة"). It is
        the site's heat, no fever; "his port is fine but he feels hot" is one."""
        out = []
        for combo, made in combos(hits):
            if combo.rule != LINE_SITE:
                continue
            lines = [h for h in made if h.name == "line"]
            for h in made:
                if h.name != "inflamed":
                    continue
                for line in lines:
                    if line.end > h.start + 1:
                        continue
                    gap = folded[line.end - 1 : h.start]
                    words = [w for w in gap.split() if w != COMMA]
                    breaks = list(lang.clause_breaks.finditer(gap)) if lang.clause_breaks else []
                    if len(words) <= LOCAL_GAP_WORDS and all(
                        gap[b.start() : b.end()].strip() == "و"  # Arabic "and"
                        or (
                            lang.joins is not None
                            and lang.joins.fullmatch(gap, b.start(), b.end()) is not None
                        )
                        for b in breaks
                    ):
                        out.append((h.start, h.end))
                        break
        return out

    @staticmethod
    def _concepts(
        lang: _Language, folded: str, verdict: _Verdict, raw: str, hits: list[Hit] | None = None
    ) -> None:
        """Offer the signs read from concepts; ask about a symptom nothing settles."""
        if hits is None:
            hits = lang.concepts.find(folded)
        if not hits:
            return
        settled: set[Hit] = set()

        def status(start: int, end: int, rule: str = "") -> str:
            if lang.negated(folded, start, end):
                return "negated"
            if (
                (lang.hypothetical_at(folded, start) or lang.generic_question(folded, start, raw))
                and not lang.happening_after(folded, end)
            ) or (
                lang.in_past(folded, start, end)
                or (
                    lang.not_now(folded, start, end, rule) and not lang.happening_after(folded, end)
                )
            ):
                return "asked"
            return "now"

        for combo, made in combos(hits):
            start, end = min(h.start for h in made), max(h.end for h in made)
            settled.update(made)
            state = status(start, end, combo.rule)
            symptoms = [h.start for h in made if h.name in combo.groups[0]]
            # a modifier before the "if" ("c'est vrai que des lèvres bleues ..."): the
            # question is before the symptom itself
            if (
                state == "now"
                and symptoms
                and min(symptoms) > start
                and (
                    lang.hypothetical_at(folded, min(symptoms))
                    or lang.counted_question(folded, min(symptoms), raw)
                )
            ):
                state = "asked"
            if state == "now" and any(
                lang.not_now(folded, h.start, h.end, combo.rule)
                for h in made
                if h.name in combo.groups[0]
            ):
                # "le saignement s'est arrêté ..., je le note pour la consultation": the
                # symptom itself has stopped, whatever modifier comes later
                state = "asked"
            if (
                state == "now"
                and lang.negated_between(folded, made)
                and not lang.plain_apart(folded, combo.groups[0], made)
            ):
                state = "negated"  # "atmet nicht schnell": a "not" between the concepts
            if state == "now" and lang.modifiers_negated(folded, combo.groups[0], made):
                state = "negated"  # "the line site is not red or swollen"
            if (
                state == "now"
                and combo.rule in NEGATABLE_SYMPTOM
                and lang.symptom_negated(folded, combo.groups[0], made)
            ):
                state = "negated"  # "my cough is better and I don't feel unwell"
            if state == "now":
                verdict.urgent(combo.rule, fever=False)
            else:
                verdict.ask(combo.rule, fever=False)
        for h in hits:
            rule = ALONE.get(h.name)
            if rule is None or h in settled or status(h.start, h.end) != "now":
                continue
            if not rule.startswith("temperature."):
                verdict.ask(rule, fever=False)
            elif verdict.baby:  # "hot" alone is only a symptom said of a baby
                verdict.urgent(BABY_HOT, fever=True)


class _Verdict:
    """The strongest urgent answer and the strongest question found so far."""

    def __init__(self, baby: bool, infant: Callable[[], bool] = lambda: False) -> None:
        self.baby = baby
        #: Whether the message names a baby of any age: asked only for an INFANT_RULES sign.
        self._infant = infant
        self._infant_known: bool | None = None
        self.best: Screening | None = None
        self.confirm: Screening | None = None

    def _key(self, rule: str, fever: bool) -> str:
        infant = False
        if rule in INFANT_RULES:
            if self._infant_known is None:
                self._infant_known = self._infant()
            infant = self._infant_known
        return urgent_key(rule, fever=fever, baby=self.baby, infant=infant)

    def urgent(self, rule: str, *, fever: bool) -> None:
        key = self._key(rule, fever)
        if self.best is None or _RANK[key] > _RANK[self.best.message_key]:
            self.best = Screening("urgent", rule, fever, key, key)

    def ask(self, rule: str, *, fever: bool) -> None:
        key = self._key(rule, fever)
        if self.confirm is None or _RANK[key] > _RANK[self.confirm.urgent_key]:
            self.confirm = Screening("confirm", rule, fever, "confirm_sign", key)


def fever_named(asked: Sequence[int], numeric: str, folded: str, start: int) -> bool:
    """A fever word right after a reading asked about as a limit, in its clause ("is 37.8 a
    fever ...?", "37,8 c'est de la fièvre ...?", "fiebre de 38 o más"), names that reading."""
    if not asked or numeric != folded:  # number words read as digits move the offsets
        return False
    gaps = (folded[end:start] for end in asked if end <= start)
    return any(
        CLAUSE not in gap and COMMA not in gap and len(gap.split()) <= FEVER_NAMED_WORDS
        for gap in gaps
    )


def _sentence(text: str, start: int, end: int) -> str:
    """The sentence (between ``|`` marks) around ``start``-``end``."""
    a = text.rfind(f" {CLAUSE}", 0, start)
    b = text.find(f" {CLAUSE}", max(end - 1, 0))
    return text[a + 2 if a >= 0 else 0 : b + 1 if b >= 0 else len(text)]


def _words_before(text: str, start: int, words: int) -> str:
    """Up to ``words`` words before ``start`` in its clause, clause-break words included."""
    before = text[clause(text, start, start)[0] : start].split()[-words:]
    return " " + " ".join(before) + " "


def _deletes(word: str) -> set[str]:
    """``word`` and each form of it with one letter deleted."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}


def _exclaimed(text: str) -> bool:
    """The message ends with "!" and asks nothing ("Fieber!!", "¡Fiebre!"): a report, not
    the name of a topic ("Fever?", "fever?!" still open the fever dialog)."""
    stripped = text.strip()
    return stripped.endswith("!") and not any(q in stripped for q in "?؟¿")


def _once(text: str) -> str:
    """``text`` with a word repeated straight after itself said once: 🤒🤒 reads as 🤒."""
    words = text.split(" ")
    return " ".join(w for i, w in enumerate(words) if i == 0 or not w or w != words[i - 1])


def _language(locale: str) -> str:
    return locale.replace("_", "-").split("-", 1)[0].lower()
