"""Reading what people type: temperatures, counts and yes/no, in their locale's formats.

Every reader returns a :class:`Parsed`; a value that cannot be read with confidence comes back
with a ``problem`` so the bot can ask again instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Literal

from babel import Locale, UnknownLocaleError
from babel.numbers import NumberFormatError, parse_decimal

Problem = Literal["invalid", "ambiguous", "range"]

#: Plausible body temperatures; outside these a reading is asked for again.
CELSIUS_RANGE = (30.0, 45.0)
FAHRENHEIT_RANGE = (86.0, 113.0)

_TEMP_RE = re.compile(
    r"(?<![\d.,])(-?\d{1,3}(?:[.,]\d{1,2})?)(?![\d]|[.,]\d)\s*(°\s*[cf]|º\s*[cf]|°|º|[cf](?![a-z])"
    r"|degrees?\s*[cf]?|grad|grados?|degr[ée]s?|stopni|st\.?|درجة)?",
    re.IGNORECASE,
)
_YES = {
    "yes",
    "y",
    "yeah",
    "yep",
    "ok",
    "sí",
    "si",
    "oui",
    "ja",
    "tak",
    "نعم",
    "ايوه",
    "أجل",
    "jawohl",
}
_NO = {"no", "n", "nope", "non", "nein", "nie", "لا", "nee"}


@dataclass(frozen=True, slots=True)
class Parsed:
    """A value read from text, or why it could not be read."""

    value: float | bool | str | None
    problem: Problem | None = None
    unit: str | None = None
    #: A temperature's number as typed, in its own unit (``value`` is always °C). Left out of
    #: comparisons: two readings of the same temperature are equal, however they were typed.
    typed: float | None = field(default=None, compare=False)


#: Arabic decimal and thousands separators, read as the Latin ones.
_SEPARATORS = str.maketrans({"\u066b": ".", "\u066c": ","})


def _ascii_digits(text: str) -> str:
    """Eastern Arabic, Persian, Devanagari ... digits as 0-9 (whatever the keyboard has)."""
    return "".join(
        str(unicodedata.digit(ch)) if not ch.isascii() and ch.isdecimal() else ch for ch in text
    )


def plain_digits(text: str) -> str:
    """``text`` with every kind of digit as 0-9 and Arabic separators as "." and ","."""
    return _ascii_digits(unicodedata.normalize("NFKC", text).translate(_SEPARATORS))


def _fold(text: str) -> str:
    return plain_digits(text).strip().casefold()


def parse_temperature(text: str, locale: str = "en") -> Parsed:
    """Read one body temperature in °C or °F, with a comma or a point, unit optional.

    Returns degrees Celsius rounded to one decimal. Without a unit, 30-45 reads as °C and
    86-113 as °F. Two different numbers, or one outside both ranges, is not guessed.
    """
    del locale  # both decimal separators are accepted everywhere; the unit decides the scale
    found = [(m.group(1), (m.group(2) or "").strip()) for m in _TEMP_RE.finditer(_fold(text))]
    if not found:
        return Parsed(None, "invalid")
    if len({n for n, _ in found}) > 1:
        return Parsed(None, "ambiguous")
    raw, unit_text = found[0]
    value = float(raw.replace(",", "."))
    unit_text = unit_text.replace(" ", "")
    if unit_text.endswith("f"):
        unit = "F"
    elif unit_text.endswith("c") or CELSIUS_RANGE[0] <= value <= CELSIUS_RANGE[1]:
        unit = "C"
    elif FAHRENHEIT_RANGE[0] <= value <= FAHRENHEIT_RANGE[1]:
        unit = "F"
    else:
        return Parsed(None, "range")
    celsius = (value - 32) * 5 / 9 if unit == "F" else value
    if not CELSIUS_RANGE[0] <= celsius <= CELSIUS_RANGE[1]:
        return Parsed(None, "range", unit)
    return Parsed(round(celsius, 1), None, unit, value)


def _babel_locale(locale: str) -> Locale:
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def parse_number(text: str, locale: str = "en") -> Parsed:
    """Read one number written the locale's way (``1.200`` in de, ``1,200`` in en, ``1 200`` fr).

    A grouping that does not fit the locale (``1.200`` in en could be 1.2 or 1200) comes
    back as ``ambiguous``; the other decimal mark where it cannot be grouping (``0,4`` or
    ``1,5`` in en, ``0.4`` in de) is read as a decimal, as temperatures are.
    """
    cleaned = _fold(text)
    cleaned = re.sub(r"(?<=\d)[\u00a0\u202f ](?=\d{3}\b)", "\u00a0", cleaned)
    match = re.search(r"-?\d[\d.,\u00a0\u202f']*", cleaned)
    if match is None:
        return Parsed(None, "invalid")
    if re.search(r"\d", cleaned[match.end() :]):
        return Parsed(None, "ambiguous")
    token = match.group(0).rstrip(".,")
    loc = _babel_locale(locale)
    group = loc.number_symbols.get("latn", loc.number_symbols).get("group", ",")
    if group in ("\u00a0", "\u202f"):
        token = token.replace(" ", group).replace("\u00a0", group).replace("\u202f", group)
    decimal = loc.number_symbols.get("latn", loc.number_symbols).get("decimal", ".")
    other = re.fullmatch(r"(-?\d+)([.,])(\d+)", token)
    if (
        other is not None
        and other.group(2) != decimal
        and (len(other.group(3)) < 3 or other.group(1).lstrip("-") == "0")
    ):
        # "0,4" or "1,5" in en, "0.4" in de: a mark that cannot be grouping (fewer than three
        # digits after it, or a lone 0 before it) is the other decimal mark, as in "38,5".
        return Parsed(float(f"{other.group(1)}.{other.group(3)}"))
    if re.fullmatch(rf"-?\d{{1,3}}{re.escape(decimal)}\d{{3}}", token) and decimal in ".,":
        # "1.200" in en: 1.2, or 1200 written the German way? Ask rather than guess.
        return Parsed(None, "ambiguous")
    try:
        value: Decimal = parse_decimal(token, locale=loc, strict=True)
    except NumberFormatError:
        return Parsed(None, "ambiguous")
    except InvalidOperation:
        return Parsed(None, "invalid")
    return Parsed(float(value))


def parse_yes_no(text: str, locale: str = "en") -> Parsed:
    """Read yes or no in English or the person's language."""
    del locale
    word = re.sub(r"[^\w\u0600-\u06ff]+", " ", _fold(text)).strip()
    first = word.split(" ", 1)[0] if word else ""
    if word in _YES or first in _YES:
        return Parsed(True)
    if word in _NO or first in _NO:
        return Parsed(False)
    return Parsed(None, "invalid")


def parse_input(kind: str, text: str, locale: str = "en") -> Parsed:
    """Read typed input of ``kind`` (temperature, number, yes_no, text)."""
    if kind == "temperature":
        return parse_temperature(text, locale)
    if kind == "number":
        return parse_number(text, locale)
    if kind == "yes_no":
        return parse_yes_no(text, locale)
    stripped = text.strip()
    return Parsed(stripped) if stripped else Parsed(None, "invalid")
