"""Only bare ``{name}`` placeholders: a format spec can never erase or inflate a number."""

from __future__ import annotations

import pytest

from bot import placeholders
from bot.placeholders import PlaceholderError


def test_names_of_bare_placeholders_and_literal_braces() -> None:
    assert placeholders.names("Call {emergency_number} or {care_team_phone} {{now}}") == {
        "emergency_number",
        "care_team_phone",
    }


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Call {emergency_number:.0}", "{emergency_number:.0} has a format"),
        ("Call {emergency_number:>30000000}", "{emergency_number:>30000000} has a format"),
        ("Call {emergency_number!r}", "{emergency_number!r} has a format"),
        ("Call {0}", "{0} is not a placeholder name"),
        ("Call {}", "{} is not a placeholder name"),
        ("Call {a.b}", "{a.b} is not a placeholder name"),
        ("Call {a[0]}", "{a[0]} is not a placeholder name"),
        ("Call {emergency_number", "has a broken brace"),
    ],
)
def test_anything_but_a_bare_name_is_refused(text: str, says: str) -> None:
    with pytest.raises(PlaceholderError) as caught:
        placeholders.names(text)
    assert says in str(caught.value)
    assert placeholders.names_or_none(text) is None
    assert placeholders.fill(text, {"emergency_number": "999", "a": "x"}) is None


def test_fill_shows_each_value_as_given_and_never_formats() -> None:
    shown = placeholders.fill("{n} and {n}, {{x}}", {"n": 112}, show=lambda v: f"<{v}>")
    assert shown == "<112> and <112>, {x}"
    assert placeholders.fill("Call {missing}", {}) is None
