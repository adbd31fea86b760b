"""Charts for the analytics page, drawn by matplotlib as SVG on the server (no JavaScript).

Each chart is a title, axis labels and rows; the same rows are its CSV download.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")  # no display: draw to files only
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

#: matplotlib's state is not thread-safe; pages render charts one at a time.
_drawing = threading.Lock()
#: Colour-blind-safe colours (Okabe-Ito), dark enough on white.
COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9")


@dataclass(frozen=True, slots=True)
class Chart:
    """One chart: what it shows and its data (first column the label, then one per series)."""

    key: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str | int | float, ...], ...]
    kind: str = "bar"  # "bar", "line" or "barh"
    description: str = ""


def svg(chart: Chart) -> bytes:
    """The chart as an SVG document."""
    with _drawing:
        figure = Figure(figsize=(7.5, 3.6), dpi=100)
        axes = figure.subplots()
        labels = [str(row[0]) for row in chart.rows]
        series = chart.columns[1:]
        if not chart.rows:
            axes.text(0.5, 0.5, "No data yet", ha="center", va="center", fontsize=14)
            axes.set_axis_off()
        elif chart.kind == "barh":
            values = [float(row[1]) for row in chart.rows]
            axes.barh(labels[::-1], values[::-1], color=COLOURS[0])
            axes.set_xlabel(series[0])
        else:
            positions = range(len(labels))
            width = 0.8 / max(1, len(series))
            for index, name in enumerate(series):
                values = [float(row[index + 1]) for row in chart.rows]
                colour = COLOURS[index % len(COLOURS)]
                if chart.kind == "line":
                    axes.plot(list(positions), values, marker="o", label=name, color=colour)
                else:
                    offset = [p + (index - (len(series) - 1) / 2) * width for p in positions]
                    axes.bar(offset, values, width=width, label=name, color=colour)
            step = max(1, len(labels) // 12)
            axes.set_xticks(list(positions)[::step], labels[::step], rotation=30, ha="right")
            if len(series) > 1:
                axes.legend(frameon=False)
        # Counts are whole people and events: no 0.2-person ticks.
        (axes.xaxis if chart.kind == "barh" else axes.yaxis).set_major_locator(
            MaxNLocator(integer=True)
        )
        axes.set_title(chart.title)
        for side in ("top", "right"):
            axes.spines[side].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="svg", metadata={"Date": None})
    return out.getvalue()


def csv_rows(chart: Chart) -> Sequence[Sequence[str | int | float]]:
    """The chart's header and rows for its CSV download."""
    return [chart.columns, *chart.rows]
