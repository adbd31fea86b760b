"""The nurses' opening hours: read ``mon-fri 09:00-17:00; sat 10:00-12:00``, find the next opening.

Pure computation, no I/O: the caller passes the time. Days are English three-letter names
(``mon`` ... ``sun``), alone, as a range (``mon-fri``, ``fri-mon`` wraps) or ``daily``; each
day part has one or more ``HH:MM-HH:MM`` spans separated by commas (``24:00`` may end one).
``always`` means every hour of every day. Times are wall-clock times in the deployment's time
zone (an IANA name such as ``Europe/London``), so a change to summer time moves nothing.

Closed days come on top: dates and date ranges (``2026-12-24..2027-01-01, 2027-04-02``), and
a country's public holidays from the ``holidays`` package (``GB-ENG``, ``DE-BY``, ``FR``:
the country code, then the region after a hyphen).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton, format_time, get_timezone_name

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_PART = re.compile(r"^([a-z]+(?:\s*-\s*[a-z]+)?)\s+(.+)$")
_DATES = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\s*\.\.\s*(\d{4}-\d{2}-\d{2}))?$")
#: The longest closure written as dates: past it, turn "Ask a nurse" off instead.
MAX_CLOSED_RUN = 90


class HoursError(ValueError):
    """The opening hours or the time zone cannot be read; the message says what to write."""


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """When the nurses read messages: per weekday (0 = Monday), spans of minutes from midnight.

    Build it with :meth:`parse`.
    """

    zone: ZoneInfo
    spans: tuple[tuple[tuple[int, int], ...], ...]  # seven days of (start, end) minutes
    #: Dates the nurses do not answer on (local dates in ``zone``).
    closed: frozenset[dt.date] = frozenset()
    #: Public holidays (a ``holidays`` calendar: ``date in calendar``), or ``None``.
    holidays: Any = field(default=None, compare=False)

    @classmethod
    def parse(cls, text: str, timezone: str, closed: str = "", holidays: str = "") -> OpeningHours:
        """Read ``text`` (see the module docstring) in ``timezone``, closed on the dates and
        ranges in ``closed`` and on the public holidays of ``holidays`` (e.g. ``GB-ENG``).

        Raises:
            HoursError: a part, day, time, date, holiday calendar or the time zone is not
                valid.
        """
        hours = cls._weekly(text, timezone)
        return cls(hours.zone, hours.spans, _closed_dates(closed), _calendar(holidays))

    @classmethod
    def _weekly(cls, text: str, timezone: str) -> OpeningHours:
        try:
            zone = ZoneInfo(timezone.strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise HoursError(
                f"unknown time zone {timezone!r}; write an IANA name such as Europe/London"
            ) from None
        days: list[list[tuple[int, int]]] = [[] for _ in DAYS]
        cleaned = text.strip().lower()
        if cleaned == "always":
            return cls(zone, tuple(((0, 1440),) for _ in DAYS))
        for part in filter(None, (p.strip() for p in cleaned.split(";"))):
            match = _PART.match(part)
            if match is None:
                raise HoursError(f"cannot read {part!r}; write it like 'mon-fri 09:00-17:00'")
            spans = [_span(s.strip()) for s in match.group(2).split(",")]
            for day in _days(match.group(1)):
                days[day].extend(spans)
        if not any(days):
            raise HoursError("no opening hours given; write e.g. 'mon-fri 09:00-17:00' or 'always'")
        return cls(zone, tuple(tuple(sorted(d)) for d in days))

    def is_open(self, now: float) -> bool:
        """Whether ``now`` (Unix time) falls in an opening span on a day that is not closed."""
        local = dt.datetime.fromtimestamp(now, self.zone)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self._spans_on(local.date()))

    def is_closed(self, day: dt.date) -> bool:
        """Whether ``day`` is a closed date or a public holiday."""
        return day in self.closed or (self.holidays is not None and day in self.holidays)

    def _spans_on(self, day: dt.date) -> tuple[tuple[int, int], ...]:
        return () if self.is_closed(day) else self.spans[day.weekday()]

    def next_opening(self, now: float) -> dt.datetime:
        """The start of the next opening span after ``now``, in the deployment's time zone
        (``now`` itself, as a local time, when open)."""
        local = dt.datetime.fromtimestamp(now, self.zone)
        if self.is_open(now):
            return local.replace(second=0, microsecond=0)
        minute = local.hour * 60 + local.minute
        # parse() guarantees a span every week and no written closure over MAX_CLOSED_RUN
        # days; public holidays never close a country for weeks on end.
        for ahead in range(MAX_CLOSED_RUN + 60):
            day = local.date() + dt.timedelta(days=ahead)
            for start, _end in self._spans_on(day):
                if ahead == 0 and start <= minute:
                    continue
                return dt.datetime.combine(day, dt.time(start // 60, start % 60), self.zone)
        raise AssertionError("no opening within the closure limits parse() checks")


def _closed_dates(text: str) -> frozenset[dt.date]:
    days: set[dt.date] = set()
    for item in filter(None, (i.strip() for i in text.replace(";", ",").split(","))):
        match = _DATES.match(item)
        if match is None:
            raise HoursError(
                f"cannot read the closed date {item!r}; write dates like 2026-12-25 or "
                "2026-12-24..2027-01-01, separated by commas"
            )
        try:
            first = dt.date.fromisoformat(match.group(1))
            last = dt.date.fromisoformat(match.group(2) or match.group(1))
        except ValueError:
            raise HoursError(f"{item!r} is not a real date; write it like 2026-12-25") from None
        if last < first:
            raise HoursError(f"the closed range {item!r} ends before it starts")
        days.update(first + dt.timedelta(days=n) for n in range((last - first).days + 1))
    run = longest = 0
    for day in sorted(days):
        run = run + 1 if day - dt.timedelta(days=1) in days else 1
        longest = max(longest, run)
    if longest > MAX_CLOSED_RUN:
        raise HoursError(
            f"the nurses are closed for {longest} days in a row; for more than "
            f"{MAX_CLOSED_RUN}, remove nurse_group so the bot does not offer Ask a nurse"
        )
    return frozenset(days)


def _calendar(code: str) -> Any:
    """The public holidays of ``code`` (``GB-ENG``: country, then region), or ``None``."""
    code = code.strip()
    if not code:
        return None
    import holidays  # only deployments that ask for it pay for the import

    country, _, region = code.partition("-")
    try:
        return holidays.country_holidays(country.upper(), subdiv=region.upper() or None)
    except NotImplementedError as exc:
        raise HoursError(
            f"no public holiday calendar for {code!r} ({exc}); write a country code, with a "
            "region after a hyphen where holidays differ by region, e.g. GB-ENG, DE-BY, FR"
        ) from None


def _span(text: str) -> tuple[int, int]:
    match = _SPAN.match(text)
    if match is None:
        raise HoursError(f"cannot read the time span {text!r}; write it like 09:00-17:00")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if h1 > 23 or m1 > 59 or m2 > 59 or end > 1440 or end <= start:
        raise HoursError(
            f"the time span {text!r} must start before it ends, within one day (00:00-24:00)"
        )
    return start, end


def _days(text: str) -> list[int]:
    if text == "daily":
        return list(range(7))
    first, _, last = (t.strip() for t in text.partition("-"))
    for name in (first, last or first):
        if name not in DAYS:
            raise HoursError(f"unknown day {name!r}; use {', '.join(DAYS)} or daily")
    a, b = DAYS.index(first), DAYS.index(last or first)
    return [(a + i) % 7 for i in range((b - a) % 7 + 1)]


def format_opening(when: dt.datetime, locale: str) -> str:
    """``when`` for a family in ``locale``: weekday, date, time and the zone's name at that
    date, e.g. ``Mon, Dec 7 9:00 AM (Greenwich Mean Time)``."""
    loc = locale.replace("-", "_")
    day = format_skeleton("MMMEd", when, locale=loc)
    time = format_time(when, "short", tzinfo=when.tzinfo, locale=loc)
    zone = get_timezone_name(when, "long", locale=loc)
    return f"{day} {time} ({zone})"
