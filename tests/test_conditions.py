"""``when:`` expressions: allowed forms evaluate; anything else is refused with a hint."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.content.conditions import ConditionError, compile_condition


@pytest.mark.parametrize(
    ("expr", "ns", "expected"),
    [
        ("age_group == 'baby'", {"age_group": "baby"}, True),
        ("age_group == 'baby'", {}, False),
        ("value >= fever_threshold or value < 36", {"value": 38.0, "fever_threshold": 38.0}, True),
        ("value >= fever_threshold or value < 36", {"value": 37.9, "fever_threshold": 38.0}, False),
        ("value >= fever_threshold or value < 36", {"value": 35.9, "fever_threshold": 38.0}, True),
        ("condition in ['lad', 'rac2']", {"condition": "lad"}, True),
        ("condition not in ['lad', 'rac2']", {"condition": "ain"}, True),
        ("care_team_phone", {"care_team_phone": "0123"}, True),
        ("not care_team_phone", {}, True),
        ("value < -1", {"value": -2}, True),
        ("500 <= value < 1000", {"value": 999}, True),
        ("500 <= value < 1000", {"value": 1000}, False),
        ("consent == true", {"consent": True}, True),
    ],
)
def test_evaluates(expr: str, ns: dict[str, object], expected: bool) -> None:
    test, _ = compile_condition(expr)
    assert test(ns) is expected


def test_names_are_reported() -> None:
    _, names = compile_condition("value >= fever_threshold and age_group == 'baby'")
    assert names == {"value", "fever_threshold", "age_group"}


@pytest.mark.parametrize("expr", ["__import__('os')", "a.b", "x[0]", "a + 1", "lambda: 1", "f()"])
def test_refuses_code(expr: str) -> None:
    with pytest.raises(ConditionError, match="not allowed"):
        compile_condition(expr)


def test_syntax_error_says_how_to_write_it() -> None:
    with pytest.raises(ConditionError, match="write it like"):
        compile_condition("age_group ==")


@given(st.one_of(st.none(), st.text(), st.floats(allow_nan=False), st.integers()))
def test_unset_or_odd_values_never_raise(value: object) -> None:
    test, _ = compile_condition("value >= 38 or value < 36")
    assert test({"value": value}) in (True, False)
