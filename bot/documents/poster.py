"""A printable A4 poster for a clinic wall: a QR code that opens one topic in one language."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.documents.text import FONT, wrap

# matplotlib is imported where a document is drawn: loading it takes about half a second,
# which every process (the bot, each CLI command) paid at start-up before.
if TYPE_CHECKING:
    from matplotlib.figure import Figure

A4_IN = (8.27, 11.69)


@dataclass(frozen=True, slots=True)
class Poster:
    """What the poster says (already translated) and where its QR code leads.

    Attributes:
        title: the topic's title.
        line: one line telling what scanning does.
        url: the deep link the QR code holds (also printed under it).
        note: the translation label, or empty for English.
        rtl: written right to left.
    """

    title: str
    line: str
    url: str
    note: str = ""
    rtl: bool = False


def poster_pdf(poster: Poster) -> bytes:
    """The poster as a one-page A4 PDF; the QR code is drawn as vector squares, so it prints
    sharp at any size."""
    from matplotlib.backends.backend_pdf import (
        FigureCanvasPdf,
    )

    fig = _figure(poster)
    FigureCanvasPdf(fig)
    out = io.BytesIO()
    fig.savefig(
        out, format="pdf", metadata={"Creator": None, "Producer": None, "CreationDate": None}
    )
    return out.getvalue()


def poster_png(poster: Poster, dpi: int = 60) -> bytes:
    """The poster as a small picture (for a preview or the docs)."""
    from matplotlib.backends.backend_agg import (
        FigureCanvasAgg,
    )

    fig = _figure(poster)
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def _figure(poster: Poster) -> Figure:
    import segno
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    fig = Figure(figsize=A4_IN)
    width, height = A4_IN
    x = 0.92 if poster.rtl else 0.08
    ha = "right" if poster.rtl else "left"
    y = 0.9
    for line in wrap(poster.title, 28):
        fig.text(
            x, y, line, ha=ha, fontsize=34, fontweight="bold", color="#1f3f7a", fontfamily=FONT
        )
        y -= 0.05
    y -= 0.01
    for line in wrap(poster.line, 46):
        fig.text(x, y, line, ha=ha, fontsize=19, fontfamily=FONT)
        y -= 0.033

    qr = segno.make(poster.url, error="m")
    matrix = [list(row) for row in qr.matrix]
    n = len(matrix)
    side_in = 4.6
    left_in = (width - side_in) / 2
    bottom_in = 3.4
    ax = fig.add_axes((left_in / width, bottom_in / height, side_in / width, side_in / height))
    ax.set_xlim(-4, n + 4)  # the quiet zone of four modules that scanners need
    ax.set_ylim(n + 4, -4)
    ax.set_axis_off()
    squares = [
        Rectangle((c, r), 1, 1) for r, row in enumerate(matrix) for c, on in enumerate(row) if on
    ]
    ax.add_collection(PatchCollection(squares, facecolor="black", edgecolor="black", linewidth=0.1))
    fig.text(
        0.5,
        (bottom_in - 0.35) / height,
        poster.url,
        ha="center",
        fontsize=13,
        color="#333333",
        fontfamily=FONT,
    )
    if poster.note:
        for n_line, line in enumerate(wrap(poster.note, 80)):
            fig.text(
                x, 0.06 - n_line * 0.018, line, ha=ha, fontsize=9, color="#555555", fontfamily=FONT
            )
    return fig
