"""Finding body temperatures in folded text: "he's 38.6", "fiebre de 39", "101 f", not "38 weeks".

A number counts as a temperature when it has a unit (°, C, F, degrees in any language), or a
decimal in the body range, or the message speaks of fever or temperature, or it is the whole
message. Numbers in a phone-number-like run, right after a lab name (ANC), right before a
non-temperature unit (weeks, kg) or in a clause about the weather are never temperatures.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.safety.normalize import CLAUSE, bare, clause
from bot.safety.patterns import WordMatcher

CELSIUS = (30.0, 45.0)
FAHRENHEIT = (86.0, 113.0)
#: Without a unit: lowest Celsius reading taken (lower needs a unit), and the Fahrenheit range.
BARE_CELSIUS_MIN = 34.0
BARE_FAHRENHEIT = (95.0, 113.0)
#: Phone numbers to call (NHS 111, the European 112) inside the bare Fahrenheit range: with
#: no unit, and not the whole answer to "what is the temperature?", never a reading (111-112 °F
#: is no body temperature anyone writes; "111 F" still is one).
SERVICE_NUMBERS = frozenset({"111", "112"})
#: Below this a temperature is a red flag too (CCLG, Christie: may mean sepsis).
LOW_C = 36.0

_NUMBER = r"(?<= )(?P<num>\d{2,3}(?:[.,]\d{1,2})?) "
#: How far before a number (characters) a "not before" word such as ANC is looked for.
_LOOKBACK = 40
#: A number right before a "not before" word: the word is its unit ("3 semaines 38,2", a baby
#: three weeks old with 38.2), not a label of the number after it ("semaine 38").
_COUNTED = re.compile(r"(?<= )\d{1,3} $")
#: A clause that ends with a number, before a comma: "37 ," of "37 , 38 grad".
_LIST_END = re.compile(r"(?<= )\d{2,3}(?:[.,]\d{1,2})? ,$")
# A number with only "exactly", "just" or "now" beside it is still a number alone ("pile 38",
# "genau 38", "exactly 38 now"): the whole message is the reading.
_ALONE_WORDS = re.compile(
    r"(?<= )(?:exactly|just|now|pile|exactement|juste|genau|jetzt|justo|exactamente|ahora"
    r"|dokladnie|rowno|teraz|بالضبط|تماما|هلق|الحين|هسه|دلوقتي)(?= )"
)
_RUN = re.compile(r"(?<= )\d[\d.,:/]*(?: \d[\d.,:/]*)+(?= )")


def _alternation(regexes: Sequence[str]) -> str:
    return "(?:" + "|".join(regexes) + ")" if regexes else "(?!)"


@dataclass(frozen=True, slots=True)
class TemperatureWords:
    """What the reader is built from: regex sources (compiled phrases), one list per role,
    and the fever and temperature words as a matcher."""

    context: Sequence[WordMatcher] = ()
    #: "Feels hot" phrases: a number in the message is a reading, unless its own clause is
    #: about bath water or the weather.
    hot: Sequence[WordMatcher] = ()
    celsius: Sequence[str] = ()
    fahrenheit: Sequence[str] = ()
    degrees: Sequence[str] = ()
    not_before: Sequence[str] = ()
    not_after: Sequence[str] = ()
    not_context: Sequence[str] = ()
    #: A whole number right after these ("tiene 39", "hat 39") is a reading (37-43 °C).
    has: Sequence[str] = ()
    #: Words that end a clause ("and", "but"): a weather or bath word past one of them is
    #: about something else ("he has 39.2 and we are in the garden").
    clause_breaks: Sequence[str] = ()


@dataclass(frozen=True, slots=True)
class Reading:
    """One temperature found in the text: °C, where it is, and whether it is only maybe one.

    ``weak``: a whole number with only a word for "degrees" and nothing about fever or
    temperature in the message ("it's 39 degrees in Madrid"): the screen asks, not escalates.
    """

    celsius: float
    start: int
    end: int
    weak: bool = False


class TemperatureReader:
    """Reads the body temperatures in a folded message, in °C rounded to one decimal."""

    def __init__(self, words: TemperatureWords) -> None:
        units = (
            f"(?:(?P<deg>° )?(?:(?P<c>{_alternation(words.celsius)})"
            f"|(?P<f>{_alternation(words.fahrenheit)})"
            f"|(?P<word>{_alternation(words.degrees)}))?)"
        )
        self._number = re.compile(_NUMBER + units)
        self._contexts = tuple(words.context)
        self._hot = tuple(words.hot)
        self._not_before = re.compile(f"(?<= ){_alternation(words.not_before)}$")
        self._not_after = re.compile(_alternation([*words.not_after, "% "]))
        self._not_context = re.compile(f"(?<= ){_alternation(words.not_context)}")
        self._has = re.compile(f"(?<= ){_alternation(words.has)}$")
        self._breaks = (
            re.compile(f"(?<= ){_alternation(words.clause_breaks)}")
            if words.clause_breaks
            else None
        )

    def _context(self, text: str) -> bool:
        return any(m.search(text) for m in self._contexts)

    def readings(self, text: str, expecting: bool = False) -> list[float]:
        """Temperatures in ``text`` (folded, see :func:`bot.safety.normalize.fold`), in °C.

        Args:
            text: the folded message.
            expecting: the conversation just asked for a temperature, so a bare whole
                number counts.
        """
        return [r.celsius for r in self.find(text, expecting)]

    def find(self, text: str, expecting: bool = False) -> list[Reading]:
        """The temperatures in ``text`` with where each is; see :meth:`readings`."""
        found = list(self._number.finditer(text))
        if not found:
            return []
        strong = expecting or self._context(text)
        context = strong or any(m.search(text) for m in self._hot)
        runs = [m.span() for m in _RUN.finditer(text) if _phone_like(m.group(0))]
        out: list[Reading] = []
        for m in found:
            start = m.start("num")
            if any(a <= start < b for a, b in runs):
                continue
            label = self._not_before.search(text, max(0, start - _LOOKBACK), start)
            if label and not _COUNTED.search(text, max(0, label.start() - 5), label.start()):
                continue
            unit = "c" if m.group("c") else "f" if m.group("f") else None
            if unit is None and (m.group("deg") or m.group("word")):
                unit = "deg"
            if unit is None and self._not_after.match(text, m.end()):
                continue
            part = self._about(text, start, m.end())
            if self._not_context.search(part) and not self._context(part):
                continue
            alone = _ALONE_WORDS.sub("", bare(text)).split() == m.group(0).split()
            number = m.group("num")
            if number in SERVICE_NUMBERS and unit is None and not alone and not expecting:
                continue  # "111 or A&E?", "to 112 czy szpital": a number to call
            has = not strong and bool(self._has.search(text, max(0, start - _LOOKBACK), start))
            if (
                has
                and unit is None
                and not alone
                and not 37 <= float(number.replace(",", ".")) <= 43
                # a decimal in the body range is a reading without the "has" ("at 101.3")
                and _celsius(number, None, False, False) is None
            ):
                continue
            celsius = _celsius(number, unit, context or has, alone)
            if (
                celsius is not None
                and celsius < LOW_C
                and unit is None
                and not alone
                and not expecting
                and not any(ch in number for ch in ".,")
                and not self._context(_sentence_of(text, start, m.end()))
            ):
                # a bare whole number under 36 needs its fever word before it or at most a
                # sentence after: "im 34 and on my third round ... i havent got a thermometer"
                # (sentences later) is an age
                continue
            if celsius is not None:
                weak = (
                    unit == "deg"
                    and not m.group("deg")
                    and not strong
                    and not has
                    and not any(ch in number for ch in ".,")
                )
                out.append(Reading(celsius, start, m.end(), weak))
        return out

    def has_before(self, text: str, start: int) -> bool:
        """A "has" word is right before the number at ``start`` ("hat 39", "tiene 39")."""
        return bool(self._has.search(text, max(0, start - _LOOKBACK), start))

    def _about(self, text: str, start: int, end: int) -> str:
        """The words a number is said with: its clause, cut at clause-break words ("39.2 and
        we are in the garden"), and reaching back over a list of numbers ("the water is 37,
        38 degrees")."""
        a, b = clause(text, start, end)
        while a >= 2 and not text[a:start].strip() and _LIST_END.search(text, 0, a):
            a = clause(text, a - 3, a - 2)[0]
        if self._breaks is None:
            return text[a:b]
        ends = [m.end() for m in self._breaks.finditer(text, a, start)]
        if ends:
            a = ends[-1] - 1
        after = self._breaks.search(text, end - 1, b)
        return text[a : after.start() + 1 if after is not None else b]


def _sentence_of(text: str, start: int, end: int) -> str:
    """Everything up to the end of the sentence after the one around ``start``-``end`` (``|``
    marks sentences): "I took her temperature. He's asleep. It's 35", "It's 35. Ear
    thermometer", not a word many sentences later."""
    b = text.find(f" {CLAUSE}", max(end - 1, 0))
    if b >= 0:
        b = text.find(f" {CLAUSE}", b + 2)
    return text[: b + 1 if b >= 0 else len(text)]


def _phone_like(run: str) -> bool:
    groups = run.split(" ")
    return (
        len(groups) >= 3
        or any(sum(ch.isdigit() for ch in g) >= 4 for g in groups)
        or any(g.startswith("0") and len(g) > 1 and g[1].isdigit() for g in groups)
    )


def _celsius(number: str, unit: str | None, context: bool, bare: bool) -> float | None:
    """Degrees Celsius for one number, or ``None`` when it is not read as a temperature.

    A whole number under 36 °C needs a fever or temperature word in the message: "it's 32
    degrees" is the weather.
    """
    value = float(number.replace(",", "."))
    point = max(number.find("."), number.find(","))
    decimals = len(number) - 1 - point if point >= 0 else 0
    celsius = _scale(value, unit, decimals, context or bare)
    if celsius is None or (celsius < LOW_C and not decimals and not context):
        return None
    return celsius


def _scale(value: float, unit: str | None, decimals: int, context: bool) -> float | None:
    scale: str | None = None
    if unit == "f":
        scale = "F" if FAHRENHEIT[0] <= value <= FAHRENHEIT[1] else None
    elif unit == "c":
        scale = "C" if CELSIUS[0] <= value <= CELSIUS[1] else None
    elif unit == "deg":
        if CELSIUS[0] <= value <= CELSIUS[1]:
            scale = "C"
        elif FAHRENHEIT[0] <= value <= FAHRENHEIT[1]:
            scale = "F"
    elif decimals or context:
        if BARE_CELSIUS_MIN <= value <= CELSIUS[1]:
            scale = "C"
        elif BARE_FAHRENHEIT[0] <= value <= BARE_FAHRENHEIT[1] and (context or decimals == 1):
            scale = "F"
    if scale is None:
        return None
    celsius = (value - 32) * 5 / 9 if scale == "F" else value
    return round(celsius, 1)
