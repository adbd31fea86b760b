"""Reading temperatures out of folded text, and the numbers that are not temperatures."""

from __future__ import annotations

import pytest

from bot.safety.normalize import fold
from bot.safety.patterns import WordMatcher, compile_phrase
from bot.safety.temperature import TemperatureReader, TemperatureWords


def _sources(*phrases: str) -> list[str]:
    return [compile_phrase(p).regex for p in phrases]


@pytest.fixture(scope="module")
def reader() -> TemperatureReader:
    return TemperatureReader(
        TemperatureWords(
            context=(WordMatcher([compile_phrase(p) for p in ("fever", "temp")]),),
            celsius=_sources("c", "celsius"),
            fahrenheit=_sources("f", "fahrenheit"),
            degrees=_sources("degrees", "grad"),
            not_before=_sources("anc", "weighs"),
            not_after=_sources("weeks", "kg", "years"),
            not_context=_sources("outside"),
        )
    )


@pytest.mark.parametrize(
    ("text", "readings"),
    [
        ("he is 38.6", [38.6]),
        ("fever 39", [39.0]),
        ("38,5", [38.5]),
        ("101F", [38.3]),
        ("100.4", [38.0]),
        ("temp 100", [37.8]),
        ("38.5 celsius", [38.5]),
        ("39 degrees", [39.0]),
        ("102 degrees", [38.9]),
        ("fever 35", [35.0]),
        ("it was 35.2", [35.2]),
        ("39", [39.0]),
        ("from 38.2 to 39.1", [38.2, 39.1]),
    ],
)
def test_readings(reader: TemperatureReader, text: str, readings: list[float]) -> None:
    assert reader.readings(fold(text)) == readings


@pytest.mark.parametrize(
    "text",
    [
        "he is 39",  # a whole number without a unit or a fever word
        "38 weeks",
        "fever for 38 weeks",
        "weighs 38.5",
        "ANC 1.2",
        "my child is 3",
        "0800 123 4567",
        "call 06 38 45 12",
        "2019",
        "it is 32 degrees",  # a whole number under 36 without a fever word is the weather
        "38.5 outside",
        "40%",
        "33.1",  # under the range read without a unit
        "200 f",  # outside the Fahrenheit body range
    ],
)
def test_not_temperatures(reader: TemperatureReader, text: str) -> None:
    assert reader.readings(fold(text)) == []


def test_expecting_a_temperature_reads_a_bare_whole_number(reader: TemperatureReader) -> None:
    assert reader.readings(fold("he is 39"), expecting=True) == [39.0]


def test_fever_word_beats_a_weather_word_in_the_clause(reader: TemperatureReader) -> None:
    assert reader.readings(fold("fever 38.5 after playing outside")) == [38.5]
