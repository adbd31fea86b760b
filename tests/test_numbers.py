"""Reading typed temperatures, counts and yes/no in the person's locale."""

from __future__ import annotations

import pytest
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from bot.i18n.numbers import (
    CELSIUS_RANGE,
    Parsed,
    parse_input,
    parse_number,
    parse_temperature,
    parse_yes_no,
)

LOCALES = ["en", "de", "fr", "es", "pl", "ar", "en_US", "de_AT", "es_419"]


@pytest.mark.parametrize(
    ("typed", "celsius", "unit"),
    [
        ("38,5", 38.5, "C"),
        ("38.5", 38.5, "C"),
        ("38.5°C", 38.5, "C"),
        ("38.5 °C", 38.5, "C"),
        ("38,5 grados", 38.5, "C"),
        ("38,5 stopnia", 38.5, "C"),
        ("39 Grad", 39.0, "C"),
        ("101.3 F", 38.5, "F"),
        ("101,3°F", 38.5, "F"),
        ("100.4℉", 38.0, "F"),
        ("37.8℃", 37.8, "C"),
        ("100", 37.8, "F"),
        ("it is 38.2 now", 38.2, "C"),
        ("٣٨٫٥", 38.5, "C"),
        ("۳۸.۵", 38.5, "C"),
        ("38,5 درجة", 38.5, "C"),
    ],
)
def test_temperature_formats_are_read(typed: str, celsius: float, unit: str) -> None:
    assert parse_temperature(typed) == Parsed(celsius, None, unit)


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", "invalid"),
        ("hot", "invalid"),
        ("38.555", "invalid"),
        ("37.5 or 38", "ambiguous"),
        ("38-39", "ambiguous"),
        ("at 10pm it was 38.5", "ambiguous"),
        ("25", "range"),
        ("60", "range"),
        ("120 F", "range"),
        ("38 F", "range"),
        ("50 C", "range"),
        ("1.200", "invalid"),
    ],
)
def test_unreadable_temperatures_are_problems_not_guesses(typed: str, problem: str) -> None:
    parsed = parse_temperature(typed)
    assert parsed.problem == problem
    assert parsed.value is None


@pytest.mark.parametrize(
    ("typed", "locale", "value"),
    [
        ("1.200", "de", 1200.0),
        ("1,200", "en", 1200.0),
        ("1 200", "fr", 1200.0),
        ("1\u202f200", "fr", 1200.0),
        ("1 200", "pl", 1200.0),
        ("0,5", "de", 0.5),
        ("0.5", "en", 0.5),
        # the other decimal mark where it cannot be grouping, as "38,5" in the fever check
        ("0,4", "en", 0.4),
        ("1,5", "en", 1.5),
        ("0,500", "en", 0.5),
        ("0.4", "de", 0.4),
        ("0.4", "fr", 0.4),
        ("1,250.5", "en", 1250.5),
        ("1.250,5", "de", 1250.5),
        ("12.000", "es", 12000.0),
        ("١٢٠٠", "ar", 1200.0),
        ("1٬200", "ar", 1200.0),
        ("about 300", "en", 300.0),
        ("7", "de-AT", 7.0),
    ],
)
def test_counts_are_read_the_locale_way(typed: str, locale: str, value: float) -> None:
    assert parse_number(typed, locale) == Parsed(value)


@pytest.mark.parametrize(
    ("typed", "locale", "problem"),
    [
        ("1.200", "en", "ambiguous"),
        ("1,200", "de", "ambiguous"),
        ("1 200", "en", "ambiguous"),
        ("2 or 3", "en", "ambiguous"),
        ("none", "en", "invalid"),
        ("", "de", "invalid"),
    ],
)
def test_unclear_counts_are_problems(typed: str, locale: str, problem: str) -> None:
    assert parse_number(typed, locale).problem == problem


@given(
    st.integers(min_value=0, max_value=10_000_000),
    st.sampled_from(LOCALES),
)
def test_any_count_babel_formats_reads_back(value: int, locale: str) -> None:
    typed = format_decimal(value, locale=locale)
    assert parse_number(typed, locale) == Parsed(float(value))


@given(
    st.integers(min_value=int(CELSIUS_RANGE[0] * 10) + 1, max_value=int(CELSIUS_RANGE[1] * 10)),
    st.sampled_from([".", ","]),
    st.sampled_from(["", "°C", " °C", "C", " c", "º"]),
)
def test_any_celsius_reading_reads_back(tenths: int, sep: str, unit: str) -> None:
    typed = f"{tenths // 10}{sep}{tenths % 10}{unit}"
    assert parse_temperature(typed) == Parsed(tenths / 10, None, "C")


@given(
    st.integers(min_value=950, max_value=1100),
    st.sampled_from([".", ","]),
    st.sampled_from(["F", " °F", "°f", " F"]),
)
def test_any_fahrenheit_reading_converts_to_celsius(tenths: int, sep: str, unit: str) -> None:
    typed = f"{tenths // 10}{sep}{tenths % 10}{unit}"
    parsed = parse_temperature(typed)
    assert parsed.unit == "F"
    assert parsed.value == round((tenths / 10 - 32) * 5 / 9, 1)


@given(st.text(max_size=30))
def test_temperature_reader_never_raises_and_never_leaves_range(text: str) -> None:
    parsed = parse_temperature(text)
    if parsed.problem is None:
        assert isinstance(parsed.value, float)
        assert CELSIUS_RANGE[0] <= parsed.value <= CELSIUS_RANGE[1]
    else:
        assert parsed.value is None


@given(st.text(max_size=30), st.sampled_from(LOCALES))
def test_number_reader_never_raises(text: str, locale: str) -> None:
    parsed = parse_number(text, locale)
    assert (parsed.problem is None) == isinstance(parsed.value, float)


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        *[(word, True) for word in ("yes", "Ja!", "sí", "tak", "نعم", "oui")],
        *[(word, False) for word in ("no", "nein", "nie", "لا", "non")],
    ],
)
def test_yes_no_in_each_language(typed: str, value: bool) -> None:
    assert parse_yes_no(typed) == Parsed(value)


def test_maybe_is_not_read_as_yes_or_no() -> None:
    assert parse_yes_no("maybe").problem == "invalid"


def test_parse_input_dispatches_on_kind() -> None:
    assert parse_input("temperature", "38,5", "de").value == 38.5
    assert parse_input("number", "1.200", "de").value == 1200.0
    assert parse_input("yes_no", "ja", "de").value is True
    assert parse_input("text", "  hello ") == Parsed("hello")
    assert parse_input("text", "   ").problem == "invalid"


def test_a_temperature_keeps_the_number_as_typed_for_the_diary() -> None:
    f = parse_temperature("101 F")
    assert (f.value, f.unit, f.typed) == (38.3, "F", 101.0)
    c = parse_temperature("38,5")
    assert (c.value, c.unit, c.typed) == (38.5, "C", 38.5)
