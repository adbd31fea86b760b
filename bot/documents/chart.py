"""The temperature diary as a chart: the latest readings and the family's fever number as a line."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time
from babel.numbers import format_decimal

from bot.documents.text import FONT, is_rtl

if TYPE_CHECKING:
    pass

DAY = 24 * 3600


@dataclass(frozen=True, slots=True)
class DiaryChart:
    """What the chart shows, already in the person's unit and language.

    Attributes:
        points: (Unix time, reading in ``unit``), oldest first.
        threshold: the family's fever number in ``unit``.
        unit: ``"C"`` or ``"F"``.
        locale: the person's locale, for numbers and dates.
        title: the heading (translated).
        threshold_label: the line's label (translated, with the number in it).
        start: Unix time where the chart begins (14 days before ``end``).
        end: Unix time where it ends (now).
        timezone: IANA zone the times are shown in.
    """

    points: tuple[tuple[float, float], ...]
    threshold: float
    unit: str
    locale: str
    title: str
    threshold_label: str
    start: float
    end: float
    timezone: str = "UTC"

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> DiaryChart:
        """The chart described by a reply's JSON spec."""
        return cls(
            tuple((float(at), float(v)) for at, v in spec["points"]),
            float(spec["threshold"]),
            str(spec["unit"]),
            str(spec["locale"]),
            str(spec["title"]),
            str(spec["threshold_label"]),
            float(spec["start"]),
            float(spec["end"]),
            str(spec.get("timezone") or "UTC"),
        )

    def spec(self) -> dict[str, Any]:
        """This chart as JSON-ready data (``{"type": "diary", ...}``)."""
        return {
            "type": "diary",
            "points": [list(p) for p in self.points],
            "threshold": self.threshold,
            "unit": self.unit,
            "locale": self.locale,
            "title": self.title,
            "threshold_label": self.threshold_label,
            "start": self.start,
            "end": self.end,
            "timezone": self.timezone,
        }


def _locale(code: str) -> Locale:
    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def diary_png(chart: DiaryChart, dpi: int = 110) -> bytes:
    """Draw ``chart`` as a PNG (about 1000 × 600 pixels)."""
    from matplotlib.backends.backend_agg import (
        FigureCanvasAgg,
    )
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    loc = _locale(chart.locale)
    rtl = is_rtl(chart.locale)
    zone = ZoneInfo(chart.timezone)
    unit = "°F" if chart.unit == "F" else "°C"

    fig = Figure(figsize=(9, 5.4), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    xs = [p[0] for p in chart.points]
    ys = [p[1] for p in chart.points]
    above = [(x, y) for x, y in chart.points if y >= chart.threshold]
    ax.plot(xs, ys, color="#1f5fa8", linewidth=2, marker="o", markersize=6, zorder=3)
    if above:
        ax.scatter([x for x, _ in above], [y for _, y in above], s=90, color="#c62828", zorder=4)
    ax.axhline(chart.threshold, color="#c62828", linestyle="--", linewidth=1.6, zorder=2)
    ax.annotate(
        chart.threshold_label,
        xy=(0.99 if not rtl else 0.01, chart.threshold),
        xycoords=("axes fraction", "data"),
        xytext=(0, 5),
        textcoords="offset points",
        ha="right" if not rtl else "left",
        va="bottom",
        color="#c62828",
        fontsize=11,
        fontfamily=FONT,
    )
    low = min([*ys, chart.threshold]) - (1.0 if chart.unit == "C" else 2.0)
    high = max([*ys, chart.threshold]) + (0.8 if chart.unit == "C" else 1.5)
    ax.set_ylim(low, high)
    ax.set_xlim(chart.start, chart.end + DAY / 2)  # room for the last label

    first = dt.datetime.fromtimestamp(chart.start, zone).replace(hour=0, minute=0, second=0)
    days = [first + dt.timedelta(days=n) for n in range(16)]
    ticks = [d.timestamp() for d in days if chart.start <= d.timestamp() <= chart.end][::2]
    ax.set_xticks(ticks)
    ax.set_xticklabels(
        [format_date(dt.datetime.fromtimestamp(t, zone), "d MMM", locale=loc) for t in ticks],
        fontfamily=FONT,
    )
    ax.yaxis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{format_decimal(v, format='0.0', locale=loc)} {unit}")
    )
    if rtl:  # Arabic reads from the right: the temperature scale goes on that side
        ax.yaxis.tick_right()
    ax.grid(True, color="#dddddd", linewidth=0.8)
    ax.set_title(chart.title, fontsize=15, fontfamily=FONT, loc="center")
    for x, y in chart.points[-12:]:  # label the latest readings with their values
        when = format_time(dt.datetime.fromtimestamp(x, zone), "short", locale=loc)
        ax.annotate(
            f"{format_decimal(y, format='0.0', locale=loc)}\n{when}",
            (x, y),
            xytext=(0, 9),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color="#333333",
            fontfamily=FONT,
        )
    fig.tight_layout()
    out = io.BytesIO()
    fig.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()


def in_unit(celsius: float, unit: str) -> float:
    """A Celsius reading in ``unit`` (``"C"`` or ``"F"``), to one decimal."""
    return round(celsius * 9 / 5 + 32, 1) if unit == "F" else round(celsius, 1)


def points(readings: Sequence[tuple[float, float]], unit: str) -> tuple[tuple[float, float], ...]:
    """(time, Celsius) pairs as (time, value in ``unit``)."""
    return tuple((at, in_unit(c, unit)) for at, c in readings)
