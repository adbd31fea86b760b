"""The nurses' opening hours: read ``mon-fri 09:00-17:00; sat 10:00-12:00``, find the next opening.

Pure computation, no I/O: the caller passes the time. Days are English three-letter names
(``mon`` ... ``sun``), alone, as a range (``mon-fri``, ``fri-mon`` wraps) or ``daily``; each
day part has one or more ``HH:MM-HH:MM`` spans separated by commas (``24:00`` may end one).
``always`` means every hour of every day. Times are wall-clock times in the deployment's time
zone (an IANA name such as ``Europe/London``), so a change to summer time moves nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton, format_time, get_timezone_name

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")
_PART = re.compile(r"^([a-z]+(?:\s*-\s*[a-z]+)?)\s+(.+)$")


class HoursError(ValueError):
    """The opening hours or the time zone cannot be read; the message says what to write."""


@dataclass(frozen=True, slots=True)
class OpeningHours:
    """When the nurses read messages: per weekday (0 = Monday), spans of minutes from midnight.

    Build it with :meth:`parse`.
    """

    zone: ZoneInfo
    spans: tuple[tuple[tuple[int, int], ...], ...]  # seven days of (start, end) minutes

    @classmethod
    def parse(cls, text: str, timezone: str) -> OpeningHours:
        """Read ``text`` (see the module docstring) in ``timezone``.

        Raises:
            HoursError: a part, day, time or the time zone is not valid.
        """
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
        """Whether ``now`` (Unix time) falls in an opening span."""
        local = dt.datetime.fromtimestamp(now, self.zone)
        minute = local.hour * 60 + local.minute
        return any(start <= minute < end for start, end in self.spans[local.weekday()])

    def next_opening(self, now: float) -> dt.datetime:
        """The start of the next opening span after ``now``, in the deployment's time zone
        (``now`` itself, as a local time, when open)."""
        local = dt.datetime.fromtimestamp(now, self.zone)
        if self.is_open(now):
            return local.replace(second=0, microsecond=0)
        minute = local.hour * 60 + local.minute
        for ahead in range(8):
            day = local.date() + dt.timedelta(days=ahead)
            for start, _end in self.spans[day.weekday()]:
                if ahead == 0 and start <= minute:
                    continue
                at = dt.datetime.combine(day, dt.time(start // 60, start % 60), self.zone)
                return at
        raise AssertionError("parse() guarantees at least one span a week")


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
