"""Reading one language's red-flag rule file (``bot/safety/rules/<lang>.yaml``), checked.

Errors::

    RuleError          the rule files cannot be used; .problems lists each, as file:line:col
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from bot.content.problems import Problem
from bot.content.yamlpos import Pos, YList, YMap, load_with_positions
from bot.safety.concepts import NAMES, Stemmer, compile_concept, form_words
from bot.safety.normalize import fold
from bot.safety.patterns import Compiled, PatternError, compile_phrase

PhraseKind = Literal["fever", "sign", "distress"]

#: Rule groups in a file: the group a phrase is in decides what a match does.
GROUPS: dict[str, PhraseKind] = {"fever": "fever", "signs": "sign", "distress": "distress"}
#: Rule id prefix by group; fever words share ``temperature.`` with the readings.
PREFIX: dict[PhraseKind, str] = {"fever": "temperature", "sign": "sign", "distress": "distress"}
#: Rule names the screen itself uses for readings.
RESERVED = frozenset({"temperature.high", "temperature.low"})
TEMPERATURE_KEYS = (
    "context",
    "celsius",
    "fahrenheit",
    "degrees",
    "not_before",
    "not_after",
    "not_context",
    "has",
)
WORD_LISTS = ("clause_breaks", "hypothetical", "ignore", "not_typos", "stop", "topics")
TOP_KEYS = frozenset(
    {
        "language",
        "replace",
        "typos",
        "fuzzy_min_length",
        "negation",
        "temperature",
        "numbers",
        "baby",
        "concepts",
        "time",
        "context",
        *WORD_LISTS,
        *GROUPS,
    }
)
#: Keys of ``baby:``: phrases that say the person is a baby under 3 months. ``always``
#: phrases say it outright ("newborn"); in the others ``#`` stands for the number of days,
#: weeks or months ("# weeks old").
#: ``infant`` words say a baby of any age ("baby", "bébé", "niemowlak"), with no number.
BABY_KEYS = ("always", "days", "weeks", "months", "infant")
#: Keys of ``numbers:``: number words (``words: {thirty eight: 38}``), the words for "and a
#: half" and for a decimal point, so "treinta y ocho y medio" reads as 38.5.
NUMBER_KEYS = ("words", "half", "point", "about", "exact")
#: Keys of ``time:``: a sign or reading in a clause with a ``past`` phrase ("2 years ago",
#: "last month", "on tuesday") and no ``now`` or ``ongoing`` ("since") phrase is asked about
#: instead of escalated. ``#`` stands for a number.
TIME_KEYS = ("past", "now", "ongoing", "recent", "resolved")
#: Keys of ``context:``: what makes a sign said in a message not a sign happening now to the
#: person (the screen asks "Is this happening now?" instead). ``others``: someone else or a
#: pet in the words before it ("his sister", "the dog"); ``resolved``: said right after it,
#: it has stopped ("stopped an hour ago", "went away"); ``recovered``: the person is well
#: again ("fine now", "back at school"), which settles only a sign said with a time in the
#: past ("last week", or a day name from ``days``: "Tuesday 38.4, fine now"), never one
#: said alone ("38.9 but seems fine now" is a fever now); ``conditional``: words that open
#: a sentence that is an "if" all through ("if he gets a fever, do we go to A&E?");
#: ``advice``: what a professional or a leaflet said ("the nurse said to call if her lips
#: go blue"), before the sign in its clause or anywhere before it in an "if" sentence.
#: ``idioms``: everyday sayings removed before matching, like ``ignore`` ("shaking with
#: laughter", "bleeding money", "a filter made his lips blue").
#: ``reported``: between someone else and the sign, it is the person's own sign told by
#: them ("his sister says he is vomiting everything"): not someone else's.
#: ``since``: after a sign, it has not come back since ("nothing since", "rien depuis"):
#: with a past time anywhere before the sign in its sentence, the sign is past.
#: ``handled``: the care team was already called about it ("we already spoke to the ward");
#: ``latest``: the words before the reading now ("now 36.9"). With both, a reading at or over
#: the threshold followed by a normal one now asks instead of escalating.
#: ``right_now``: "right now", "ahora mismo": in the sign's clause after a question word
#: ("is it normal that his lips are blue right now?") the sign is a report.
#: ``generic``: the whole start of a sentence before a sign that names no one ("is a",
#: "una", "est ce qu une"): with a question mark at the end, the sign is asked about in
#: general ("is a seizure always an emergency?"). Only the language's own file counts.
#: ``generally``: "always", "siempre": a sentence opening with a bare article is general
#: only with one of these ("una convulsión siempre es urgencia?").
#: ``documents``: a leaflet or plan named before signs anywhere in the sentence, across a
#: list of them joined by ``joins`` words ("the booklet lists floppy, mottled skin and
#: blue lips").
#: ``shared_subject``: "and" words after which a verb with no subject of its own keeps the
#: subject before them ("our dog has a fever and is shivering"); ``continues``: the only
#: words that may stand between such an "and" and the sign ("is", "sich"), so "and he is"
#: names a subject of its own.
#: ``instruction``: what to do, said right after a sign as a rule ("means 999", "heißt
#: sofort 112", "to od razu 999", "immer melden"): after advice earlier in the sentence the
#: sign is the advice quoted, even with no "if". ``judged``: "is urgent", "sont une urgence":
#: the same after a leaflet or plan is named (a person saying it may be looking at the child).
#: ``threshold``: "limit", "Grenze", "which of the two": a reading in a question with one is a
#: limit asked about ("is 38 the limit?"), not a reading now.
#: ``happening``: said after a sign asked about or quoted, the sign is here now ("the
#: leaflet says call if he has rigors, and he has them now", "y ahora los tiene").
#: ``limit_before`` / ``limit_after``: "ab", "od", "a partir de" right before a reading, "or
#: above", "o más", "oder mehr" right after it: the reading is said as a limit ("ab 38,0
#: anrufen", "fiebre de 38 o más, a urgencias"), a rule quoted, so the screen asks.
#: ``objects``: bath water, milk, a bottle: a hot word in a question whose sentence names one
#: before it is the object's ("la leche a 40 grados, ¿está muy caliente?"), so the screen asks.
#: ``restate``: "c'est", "das heißt", "that means" opening the clause after a sign alone in its
#: own: what to do said of the sign as a rule ("des frissons avec de la fièvre, c'est l'hôpital").
#: ``between``: "between", "entre", "zwischen": in a question about the difference between two
#: signs, the "and" lists the second one, so the question reaches it.
#: ``counted`` / ``case``: "after how many times", "ab wie vielen Malen", "po ilu razach" in a
#: question, with the sign named as a case right before it ("with", "bei", "przy", "مع"): the
#: sign is asked about as a rule ("bei Durchfall anrufen oder erst ab wie vielen Malen?").
#: ``checked``: "is that true?", "es verdad?", "stimmt das?" after such a case: a saying or a
#: rule someone told the writer, asked about ("Oma sagt, bei Fieber warm einpacken, stimmt das?").
CONTEXT_KEYS = (
    "generic",
    "generally",
    "documents",
    "joins",
    "others",
    "reported",
    "resolved",
    "recovered",
    "since",
    "handled",
    "latest",
    "right_now",
    "days",
    "dated",
    "conditional",
    "advice",
    "idioms",
    "compare",
    "shared_subject",
    "continues",
    "instruction",
    "judged",
    "threshold",
    "happening",
    "limit_before",
    "limit_after",
    "objects",
    "restate",
    "between",
    "counted",
    "case",
    "checked",
)
#: What ``#`` in a ``baby:`` phrase becomes: a number of up to three digits.
AGE_NUMBER = r"(?P<age>\d{1,3}) "
_AGE_WORD = "nnumm"
_YEAR_WORD = "yyearr"
_YEAR = r"(?:19|20)\d\d "
DEFAULT_FUZZY_MIN = 7
NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")


class RuleError(ValueError):
    """The rule files have problems; the screen refuses to start with them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Phrase:
    """One compiled phrase and the rule it belongs to."""

    rule: str
    kind: PhraseKind
    source: str
    compiled: Compiled
    file: str
    line: int
    #: Written with a leading ``~``: the sign said with a "not" ("atmet nicht schnell").
    negated: bool = False


@dataclass(frozen=True, slots=True)
class RuleFile:
    """Everything one language's file says, phrases compiled, words folded."""

    language: str
    path: str
    phrases: tuple[Phrase, ...] = ()
    replace: dict[str, str] = field(default_factory=dict)
    typos: dict[str, str] = field(default_factory=dict)
    fuzzy_min_length: int = DEFAULT_FUZZY_MIN
    negation_before: tuple[Compiled, ...] = ()
    negation_after: tuple[Compiled, ...] = ()
    lists: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)
    temperature: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)
    #: Folded number words and the number each stands for ("treinta y ocho": 38).
    number_words: dict[str, int] = field(default_factory=dict)
    #: Folded words for "and a half" and for a decimal point.
    half: tuple[str, ...] = ()
    point: tuple[str, ...] = ()
    #: Baby age phrases by key of :data:`BABY_KEYS`; ``#`` compiled to :data:`AGE_NUMBER`.
    baby: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)
    #: Folded words after a number for "and a bit" (38 y pico) and "exactly" (38 pile).
    about: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()
    #: Concept forms compiled against stemmed text, by concept name.
    concepts: tuple[tuple[str, Compiled], ...] = ()
    #: The folded words of the concept forms (known words: never "corrected").
    concept_words: frozenset[str] = frozenset()
    #: Time phrases by key of :data:`TIME_KEYS`; ``#`` compiled to :data:`AGE_NUMBER`.
    time: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)
    #: Context phrases by key of :data:`CONTEXT_KEYS`; ``#`` compiled to a number.
    context: dict[str, tuple[Compiled, ...]] = field(default_factory=dict)


class _Reader:
    def __init__(self, path: Path) -> None:
        self.file = str(path)
        self.problems: list[Problem] = []

    def error(self, pos: Pos, message: str) -> None:
        self.problems.append(Problem(self.file, pos.line, pos.col, message))

    def keys(self, data: YMap, allowed: Iterable[str], what: str) -> None:
        allowed = sorted(allowed)
        for key, pos in data.duplicates:
            self.error(pos, f"'{key}' appears twice in {what}; keep one")
        for key in data:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else ""
                self.error(
                    data.key_pos[key],
                    f"unknown key '{key}' in {what}{hint}; allowed: {', '.join(allowed)}",
                )

    def strings(self, data: YMap, key: str) -> list[tuple[str, Pos]]:
        """A list of phrases under ``key`` with each one's position."""
        value = data.get(key)
        pos = data.value_pos.get(key, data.pos)
        if value is None:
            return []
        if isinstance(value, str):
            return [(value, pos)]
        if not isinstance(value, YList):
            self.error(pos, f"'{key}' takes a list of phrases, one per line starting with '- '")
            return []
        out = []
        for item, ipos in zip(value, value.item_pos, strict=True):
            if isinstance(item, int | float) and not isinstance(item, bool):
                item = str(item)
            if not isinstance(item, str):
                self.error(
                    ipos,
                    f"a phrase in '{key}' must be text; put quotes around it"
                    + (
                        " (yes/no/on/off without quotes read as true/false)"
                        if isinstance(item, bool)
                        else ""
                    ),
                )
                continue
            out.append((item, ipos))
        return out

    def phrase(self, source: str, pos: Pos) -> Compiled | None:
        try:
            return compile_phrase(source)
        except PatternError as exc:
            self.error(pos, f"phrase '{source}' (character {exc.column}): {exc}")
            return None

    def phrases(self, data: YMap, key: str) -> tuple[Compiled, ...]:
        out = (self.phrase(s, p) for s, p in self.strings(data, key))
        return tuple(c for c in out if c is not None)

    def mapping(self, data: YMap, key: str) -> dict[str, str]:
        value = data.get(key)
        if value is None:
            return {}
        if not isinstance(value, YMap):
            self.error(data.value_pos[key], f"'{key}' takes 'written: meant' pairs")
            return {}
        for dup, pos in value.duplicates:
            self.error(pos, f"'{dup}' appears twice in '{key}'; keep one")
        out = {}
        for k, v in value.items():
            if not isinstance(v, str) or not v.strip():
                self.error(value.value_pos[k], f"'{k}' in '{key}' needs a word after the colon")
                continue
            out[k] = v
        return out


def _baby(r: _Reader, data: YMap) -> dict[str, tuple[Compiled, ...]]:
    raw = data.get("baby")
    if raw is None:
        return {}
    if not isinstance(raw, YMap):
        r.error(data.value_pos["baby"], "'baby' takes lists: always, days, weeks, months, infant")
        return {}
    r.keys(raw, BABY_KEYS, "'baby'")
    out: dict[str, tuple[Compiled, ...]] = {}
    for key in BABY_KEYS:
        found = []
        for source, pos in r.strings(raw, key):
            has_number = "#" in source
            plain = key in ("always", "infant")
            if has_number == plain:
                need = "must not contain '#'" if plain else "needs '#' for the number"
                r.error(pos, f"baby phrase '{source}' in '{key}' {need}")
                continue
            compiled = _numbered(r, source, pos)
            if compiled is not None:
                found.append(compiled)
        out[key] = tuple(found)
    return out


def _numbered(r: _Reader, source: str, pos: Pos, number: str = AGE_NUMBER) -> Compiled | None:
    """A phrase in which ``#`` stands for a number of up to three digits (``####``: a year,
    1900-2099)."""
    marked = source.replace("####", f" {_YEAR_WORD} ").replace("#", f" {_AGE_WORD} ")
    compiled = r.phrase(marked, pos)
    if compiled is None or "#" not in source:
        return compiled
    regex = compiled.regex.replace(f"{_AGE_WORD} ", number).replace(f"{_YEAR_WORD} ", _YEAR)
    return Compiled(regex, compiled.words - {_AGE_WORD, _YEAR_WORD}, None)


def _time(r: _Reader, data: YMap) -> dict[str, tuple[Compiled, ...]]:
    raw = data.get("time")
    if raw is None:
        return {}
    if not isinstance(raw, YMap):
        r.error(data.value_pos["time"], "'time' takes lists: past, now, ongoing, recent, resolved")
        return {}
    r.keys(raw, TIME_KEYS, "'time'")
    out = {}
    for key in TIME_KEYS:
        found = (_numbered(r, s, p, r"\d{1,3} ") for s, p in r.strings(raw, key))
        out[key] = tuple(c for c in found if c is not None)
    return out


def _context(r: _Reader, data: YMap) -> dict[str, tuple[Compiled, ...]]:
    raw = data.get("context")
    if raw is None:
        return {}
    if not isinstance(raw, YMap):
        r.error(data.value_pos["context"], f"'context' takes lists: {', '.join(CONTEXT_KEYS)}")
        return {}
    r.keys(raw, CONTEXT_KEYS, "'context'")
    out = {}
    for key in CONTEXT_KEYS:
        found = (_numbered(r, s, p, r"\d{1,3} ") for s, p in r.strings(raw, key))
        out[key] = tuple(c for c in found if c is not None)
    return out


def _concept_sources(data: YMap) -> list[str]:
    raw = data.get("concepts")
    if not isinstance(raw, YMap):
        return []
    return [
        s for forms in raw.values() if isinstance(forms, list) for s in forms if isinstance(s, str)
    ]


def _concepts(r: _Reader, data: YMap, language: str) -> tuple[tuple[str, Compiled], ...]:
    raw = data.get("concepts")
    if raw is None:
        return ()
    if not isinstance(raw, YMap):
        r.error(data.value_pos["concepts"], "'concepts' takes 'name:' entries, each a list")
        return ()
    r.keys(raw, NAMES, "'concepts'")
    stem = Stemmer(language)
    out = []
    for name in raw:
        if name not in NAMES:
            continue
        for source, pos in r.strings(raw, name):
            try:
                out.append((name, compile_concept(source, stem)))
            except PatternError as exc:
                r.error(pos, f"concept form '{source}' (character {exc.column}): {exc}")
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _NumberWords:
    words: dict[str, int] = field(default_factory=dict)
    half: tuple[str, ...] = ()
    point: tuple[str, ...] = ()
    about: tuple[str, ...] = ()
    exact: tuple[str, ...] = ()


def _numbers(r: _Reader, data: YMap) -> _NumberWords:
    raw = data.get("numbers")
    if raw is None:
        return _NumberWords()
    if not isinstance(raw, YMap):
        r.error(data.value_pos["numbers"], "'numbers' takes 'words:', 'half:' and 'point:'")
        return _NumberWords()
    r.keys(raw, NUMBER_KEYS, "'numbers'")
    words: dict[str, int] = {}
    value = raw.get("words")
    if isinstance(value, YMap):
        for word, number in value.items():
            folded = fold(str(word)).strip()
            if isinstance(number, bool) or not isinstance(number, int) or not folded:
                r.error(value.value_pos[word], f"number word '{word}' needs a whole number")
                continue
            words[folded] = number
    elif value is not None:
        r.error(raw.value_pos["words"], "'words' takes 'word: number' pairs")

    def listed(key: str) -> tuple[str, ...]:
        return tuple(fold(s).strip() for s, _ in r.strings(raw, key))

    return _NumberWords(words, listed("half"), listed("point"), listed("about"), listed("exact"))


def _group(r: _Reader, data: YMap, group: str, kind: PhraseKind) -> list[Phrase]:
    raw = data.get(group)
    if raw is None:
        return []
    if not isinstance(raw, YMap):
        r.error(data.value_pos[group], f"'{group}' takes 'rule_name:' entries, each a phrase list")
        return []
    for key, pos in raw.duplicates:
        r.error(pos, f"rule '{key}' appears twice in '{group}'; rule names must be unique")
    out: list[Phrase] = []
    for name in raw:
        rule = f"{PREFIX[kind]}.{name}"
        if not NAME_RE.match(name):
            r.error(raw.key_pos[name], f"rule name '{name}' must be lower-case letters, digits, _")
            continue
        if rule in RESERVED:
            r.error(raw.key_pos[name], f"rule name '{name}' is reserved for temperature readings")
            continue
        items = r.strings(raw, name)
        if not items:
            r.error(raw.key_pos[name], f"rule '{name}' has no phrases; list at least one")
        for source, pos in items:
            negated = source.lstrip().startswith("~")
            compiled = r.phrase(source.lstrip()[1:] if negated else source, pos)
            if compiled is not None:
                out.append(Phrase(rule, kind, source, compiled, r.file, pos.line, negated))
    return out


def _read(r: _Reader, data: YMap, language: str) -> RuleFile:
    r.keys(data, TOP_KEYS, "a rule file")
    if "language" in data and data["language"] != language:
        r.error(
            data.value_pos["language"],
            f"language '{data['language']}' does not match the file name '{language}.yaml'",
        )
    replace = {fold(k).strip() or k: v for k, v in r.mapping(data, "replace").items()}
    typos = {}
    for wrong, right in r.mapping(data, "typos").items():
        folded = fold(wrong).strip()
        if " " in folded or "|" in folded or not folded:
            r.error(data.value_pos["typos"], f"typo '{wrong}' must be one word")
            continue
        typos[folded] = fold(right).strip()
    fuzzy = data.get("fuzzy_min_length", DEFAULT_FUZZY_MIN)
    if not isinstance(fuzzy, int) or isinstance(fuzzy, bool) or fuzzy < 4:
        r.error(data.value_pos["fuzzy_min_length"], "fuzzy_min_length takes a whole number >= 4")
        fuzzy = DEFAULT_FUZZY_MIN
    negation_before: tuple[Compiled, ...] = ()
    negation_after: tuple[Compiled, ...] = ()
    negation = data.get("negation")
    if isinstance(negation, YMap):
        r.keys(negation, ("before", "after"), "'negation'")
        negation_before = r.phrases(negation, "before")
        negation_after = r.phrases(negation, "after")
    elif negation is not None:
        r.error(data.value_pos["negation"], "'negation' takes 'before:' and 'after:' lists")
    temperature: dict[str, tuple[Compiled, ...]] = {}
    temp = data.get("temperature")
    if isinstance(temp, YMap):
        r.keys(temp, TEMPERATURE_KEYS, "'temperature'")
        temperature = {key: r.phrases(temp, key) for key in TEMPERATURE_KEYS}
    elif temp is not None:
        r.error(data.value_pos["temperature"], "'temperature' takes lists: context, celsius ...")
    lists = {key: r.phrases(data, key) for key in WORD_LISTS}
    numbers = _numbers(r, data)
    baby = _baby(r, data)
    concepts = _concepts(r, data, language)
    phrases = [p for group, kind in GROUPS.items() for p in _group(r, data, group, kind)]
    return RuleFile(
        language=language,
        path=r.file,
        phrases=tuple(phrases),
        replace=replace,
        typos=typos,
        fuzzy_min_length=fuzzy,
        negation_before=negation_before,
        negation_after=negation_after,
        lists=lists,
        temperature=temperature,
        number_words=numbers.words,
        half=numbers.half,
        point=numbers.point,
        baby=baby,
        about=numbers.about,
        exact=numbers.exact,
        concepts=concepts,
        concept_words=frozenset(w for s in _concept_sources(data) for w in form_words(s)),
        time=_time(r, data),
        context=_context(r, data),
    )


#: How many rule files :func:`load_rule_file` keeps as read (RuleFile is frozen, so shared).
READ_KEEP = 32
_READ: dict[tuple[str, str, str], RuleFile] = {}


def load_rule_file(path: Path, language: str | None = None) -> RuleFile:
    """Read and check one rule file.

    Args:
        path: the file.
        language: its language; by default the file name (``de.yaml`` → ``de``).

    Raises:
        RuleError: every problem found, each with file, line, column and what to write instead.
    """
    r = _Reader(path)
    language = language or path.stem
    if not LANG_RE.match(language):
        raise RuleError([Problem(r.file, 1, 1, "name a rule file by its language: de.yaml")])
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise RuleError(
            [Problem(r.file, 1, 1, "file is not UTF-8 text; save it as UTF-8")]
        ) from None
    # Reading a file takes about 0.4 s; the same text at the same place reads the same (the
    # text is the key, so an edit within one mtime tick is read again).
    key = (r.file, language, text)
    if (known := _READ.get(key)) is not None:
        return known
    try:
        data: Any = load_with_positions(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = getattr(exc, "problem", None) or str(exc)
        raise RuleError(
            [Problem(r.file, line, col, f"YAML syntax: {problem}; check indentation and quotes")]
        ) from None
    if not isinstance(data, YMap):
        raise RuleError([Problem(r.file, 1, 1, "a rule file is a mapping: signs:, fever: ...")])
    rules = _read(r, data, language)
    if r.problems:
        raise RuleError(r.problems)
    _READ[key] = rules
    while len(_READ) > READ_KEEP:
        del _READ[next(iter(_READ))]
    return rules
