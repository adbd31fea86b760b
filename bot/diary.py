"""The temperature diary: readings a person chose to keep, as plain data in their profile.

A reading answered in the fever check is held as *pending* (time, °C, the number and unit as
typed) until the person presses "Save this reading"; saving moves it into the diary list. Both
live in the session profile, so they are stored with it (SQLite or PostgreSQL) and ``/forget``
removes them with everything else. The profile holds plain values only, so each is kept there as
compact JSON text. Nothing here reads a clock or does I/O.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Profile fields: the reading waiting for "Save this reading", and the saved ones.
PENDING = "diary_pending"
FIELD = "diary"
#: What ``/diary`` shows.
SHOW_DAYS = 14
#: Saved readings older than this are dropped when a new one is saved; at most ``KEEP``.
KEEP_DAYS = 60
KEEP = 400
DAY = 24 * 3600


@dataclass(frozen=True, slots=True)
class Reading:
    """One temperature: when, in °C, and the number and unit the person typed."""

    at: float
    celsius: float
    typed: float
    unit: str  # "C" or "F"

    def data(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"at": self.at, "c": self.celsius, "typed": self.typed, "unit": self.unit}

    @classmethod
    def read(cls, data: Any) -> Reading | None:
        """A stored reading, or ``None`` for anything malformed (never raises)."""
        if not isinstance(data, Mapping):
            return None
        try:
            unit = "F" if data.get("unit") == "F" else "C"
            celsius = float(data["c"])
            typed = float(data.get("typed", celsius))
            return cls(float(data["at"]), celsius, typed, unit)
        except (KeyError, TypeError, ValueError):
            return None


def _loads(raw: Any) -> Any:
    if not isinstance(raw, str):
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))


def pending(profile: Mapping[str, Any]) -> Reading | None:
    """The reading waiting to be saved, if any."""
    return Reading.read(_loads(profile.get(PENDING)))


def with_pending(profile: Mapping[str, Any], reading: Reading) -> dict[str, Any]:
    """``profile`` holding ``reading`` as the one waiting for "Save this reading"."""
    return {**profile, PENDING: _dumps(reading.data())}


def saved(profile: Mapping[str, Any]) -> list[Reading]:
    """Every saved reading, oldest first."""
    raw = _loads(profile.get(FIELD))
    items = raw if isinstance(raw, list) else ()
    found = [r for r in (Reading.read(item) for item in items) if r is not None]
    return sorted(found, key=lambda r: r.at)


def save(profile: Mapping[str, Any], now: float) -> tuple[dict[str, Any], Reading | None]:
    """Move the pending reading into the diary.

    Returns:
        The new profile and the saved reading; ``(profile, None)`` when nothing was pending
        (a second press of the same button saves nothing twice).
    """
    reading = pending(profile)
    out = {k: v for k, v in profile.items() if k != PENDING}
    if reading is None:
        return out, None
    kept = [r for r in saved(profile) if r.at >= now - KEEP_DAYS * DAY]
    kept = [*kept, reading][-KEEP:]
    out[FIELD] = _dumps([r.data() for r in kept])
    return out, reading


def recent(profile: Mapping[str, Any], now: float, days: int = SHOW_DAYS) -> list[Reading]:
    """The saved readings of the last ``days`` days, oldest first."""
    return [r for r in saved(profile) if now - days * DAY <= r.at <= now + 60]


def unit_of(readings: Sequence[Reading], default: str) -> str:
    """The unit to show a diary in: the one the person typed last, else ``default``."""
    return readings[-1].unit if readings else default
