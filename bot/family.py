"""What ``/diary`` and ``/card`` say and draw, built from translated system messages.

The service hands in ``say(key, locale, **params) -> str`` (its renderer over
``dialogs/system.yaml``); this module picks the messages, formats numbers and dates in the
person's locale and returns the JSON specs :func:`bot.documents.render` draws.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_datetime
from babel.numbers import format_decimal

from bot import diary
from bot.documents.card import Card, CardSection
from bot.documents.chart import DiaryChart, in_unit
from bot.documents.text import is_rtl, ltr
from bot.i18n.render import babel_locale


class Say(Protocol):
    """A system message in a locale, with its placeholders filled."""

    def __call__(self, key: str, locale: str, /, **params: Any) -> str: ...


def zone(name: str) -> dt.tzinfo:
    """The deployment's time zone; UTC when the name is unknown."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def temperature(value: float, unit: str, locale: str) -> str:
    """``38,5 °C`` / ``101.3 °F`` in the locale's number format."""
    number = format_decimal(value, format="0.0", locale=babel_locale(locale))
    return f"{number} °{'F' if unit == 'F' else 'C'}"


def _number(text: str, locale: str) -> str:
    return ltr(text) if is_rtl(locale) else text


def when(at: float, locale: str, tz: dt.tzinfo) -> str:
    """A reading's date and time, short, in the locale's format."""
    return format_datetime(
        dt.datetime.fromtimestamp(at, tz), format="short", locale=babel_locale(locale)
    )


def typed(reading: diary.Reading, locale: str) -> str:
    """A reading as the person typed it: their number, their unit."""
    return temperature(reading.typed, reading.unit, locale)


def diary_list(readings: Sequence[diary.Reading], locale: str, tz: dt.tzinfo) -> str:
    """One line per reading, newest first: ``• 04/12/2026, 09:15 — 38.2 °C``."""
    return "\n".join(f"• {when(r.at, locale, tz)} — {typed(r, locale)}" for r in reversed(readings))


def diary_chart(
    say: Say,
    readings: Sequence[diary.Reading],
    threshold_c: float,
    locale: str,
    now: float,
    timezone: str,
) -> dict[str, Any]:
    """The spec of the 14-day chart, in the unit the person typed last."""
    unit = diary.unit_of(readings, "C")
    threshold = in_unit(threshold_c, unit)
    chart = DiaryChart(
        tuple((r.at, in_unit(r.celsius, unit)) for r in readings),
        threshold,
        unit,
        locale,
        say("diary_title", locale),
        say(
            "diary_threshold",
            locale,
            threshold=_number(temperature(threshold, unit, locale), locale),
        ),
        now - diary.SHOW_DAYS * diary.DAY,
        now,
        timezone if isinstance(zone(timezone), ZoneInfo) else "UTC",
    )
    return chart.spec()


def card(
    say: Say,
    locale: str,
    condition: Callable[[str], str | None],
    phone: str | None,
    note: str,
) -> Card:
    """The emergency card in ``locale`` and English (English alone for an English speaker).

    Args:
        say: renders a system message.
        locale: the person's locale.
        condition: the condition's name in a locale (``None`` when not set).
        phone: the care team's number, or ``None`` for a line to write it on.
        note: the translation label for the family's language ("" when checked).
    """
    english = locale.split("_")[0] == "en"
    sections = [] if english else [_section(say, locale, condition(locale), phone, note)]
    sections.append(_section(say, "en", condition("en"), phone, ""))
    source = say("card_source", "en")
    if not english:
        local_source = say("card_source", locale)
        source = source if local_source == source else f"{local_source}\n{source}"
    return Card(tuple(sections), source)


def _section(
    say: Say, locale: str, condition: str | None, phone: str | None, note: str
) -> CardSection:
    first = say("card_neutropenia", locale)
    if condition:
        first = f"{first} {say('card_condition', locale, condition=condition)}"
    if phone:
        team = say("card_team", locale, care_team_phone=ltr(phone) if is_rtl(locale) else phone)
    else:
        team = say("card_team_blank", locale)
    return CardSection(
        say("card_title", locale),
        (first, say("card_emergency", locale)),
        team,
        say("card_allergies", locale),
        note,
        is_rtl(locale),
    )
