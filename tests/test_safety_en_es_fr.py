"""Families of wordings found missing or misread in the en/es/fr blind tuning sets (issue 9).

Each test is written by hand for the concept, in English, Spanish and French (none copied from
a blind set), and checks both sides: the sign now gets the urgent answer, and the near-miss
next to it does not.
"""

from __future__ import annotations

from bot.safety.normalize import fold
from bot.safety.temperature import TemperatureReader, TemperatureWords

# --- a number right before a "not before" word is that word's count -------------------------


def test_a_counted_unit_word_does_not_hide_the_reading_after_it() -> None:
    reader = TemperatureReader(TemperatureWords(not_before=["semaines "]))
    assert reader.readings(fold("bb 5 semaines 38,4")) == [38.4]
    # the word alone still labels the number after it (a week number, not a reading)
    assert reader.readings(fold("semaines 38,4")) == []
