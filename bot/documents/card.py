"""The emergency card: what a hospital must know at once, in the family's language and English."""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bot.documents.text import FONT, wrap

# matplotlib is imported where a document is drawn: loading it takes about half a second,
# which every process (the bot, each CLI command) paid at start-up before.
if TYPE_CHECKING:
    from matplotlib.figure import Figure

WIDTH_IN = 8.27  # A4 width: the PDF prints on A4 and the picture reads well on a phone
_MARGIN = 0.06
_LINE = 0.27  # inches per body line
_WRAP = 70  # characters per body line at the body size


@dataclass(frozen=True, slots=True)
class CardSection:
    """The card in one language.

    Attributes:
        title: the heading ("Emergency card").
        paragraphs: the message to staff, one paragraph each.
        team: the care-team line (with the number, or a blank to fill in).
        allergies: the allergies label; a box to write in is drawn under it.
        note: the translation label (empty for English).
        rtl: written right to left.
    """

    title: str
    paragraphs: tuple[str, ...]
    team: str
    allergies: str
    note: str = ""
    rtl: bool = False

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> CardSection:
        return cls(
            str(spec["title"]),
            tuple(str(p) for p in spec["paragraphs"]),
            str(spec["team"]),
            str(spec["allergies"]),
            str(spec.get("note") or ""),
            bool(spec.get("rtl", False)),
        )

    def spec(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "paragraphs": list(self.paragraphs),
            "team": self.team,
            "allergies": self.allergies,
            "note": self.note,
            "rtl": self.rtl,
        }


@dataclass(frozen=True, slots=True)
class Card:
    """The whole card: one section per language (the family's first, then English) and the
    sources line."""

    sections: tuple[CardSection, ...]
    source: str

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> Card:
        """The card described by a reply's JSON spec."""
        return cls(tuple(CardSection.from_spec(s) for s in spec["sections"]), str(spec["source"]))

    def spec(self, fmt: str) -> dict[str, Any]:
        """This card as JSON-ready data; ``fmt`` is ``"png"`` or ``"pdf"``."""
        return {
            "type": "card",
            "format": fmt,
            "sections": [s.spec() for s in self.sections],
            "source": self.source,
        }


def _layout(card: Card) -> list[tuple[str, Any, str, bool]]:
    """(kind, text, colour, rtl) rows, top to bottom."""
    rows: list[tuple[str, Any, str, bool]] = []
    for n, section in enumerate(card.sections):
        if n:
            rows.append(("rule", "", "", False))
        rows.append(("title", section.title, "#b71c1c", section.rtl))
        for paragraph in section.paragraphs:
            rows.extend(("body", line, "#111111", section.rtl) for line in wrap(paragraph, _WRAP))
            rows.append(("gap", "", "", False))
        rows.append(("strong", section.team, "#111111", section.rtl))
        rows.append(("strong", section.allergies, "#111111", section.rtl))
        rows.append(("box", "", "", section.rtl))
        if section.note:
            rows.extend(("small", line, "#555555", section.rtl) for line in wrap(section.note, 90))
    rows.append(("rule", "", "", False))
    for line in wrap(card.source, 90):  # the family's language first, then English
        rtl = any("\u0590" <= ch <= "\u08ff" for ch in line)
        rows.append(("small", line, "#333333", rtl))
    return rows


_HEIGHTS = {"title": 0.5, "body": _LINE, "gap": 0.1, "strong": 0.34, "box": 0.62, "rule": 0.3}


def _figure(card: Card) -> Figure:
    from matplotlib.figure import Figure
    from matplotlib.patches import FancyBboxPatch, Rectangle

    rows = _layout(card)
    height = 0.8 + sum(_HEIGHTS.get(kind, 0.22) for kind, *_ in rows)
    fig = Figure(figsize=(WIDTH_IN, height))
    fig.patch.set_facecolor("white")
    fig.add_artist(
        FancyBboxPatch(
            (0.02, 0.2 / height),
            0.96,
            1 - 0.4 / height,
            boxstyle="round,pad=0,rounding_size=0.02",
            transform=fig.transFigure,
            fill=False,
            edgecolor="#b71c1c",
            linewidth=3,
        )
    )
    y = height - 0.35
    sizes = {"title": 20, "body": 12.5, "strong": 13, "small": 9.5}
    for kind, text, colour, rtl in rows:
        step = _HEIGHTS.get(kind, 0.22)
        x, ha = (1 - _MARGIN, "right") if rtl else (_MARGIN, "left")
        if kind in sizes:
            fig.text(
                x,
                (y - step * 0.75) / height,
                # A wrapped line may start with a Latin word ("NeutroGuide."): the mark keeps
                # the line right to left instead of letting its first letter decide.
                f"\u200f{text}" if rtl else text,
                ha=ha,
                va="baseline",
                fontsize=sizes[kind],
                fontweight="bold" if kind in ("title", "strong") else "normal",
                color=colour,
                fontfamily=FONT,
            )
        elif kind == "box":
            fig.add_artist(
                Rectangle(
                    (_MARGIN, (y - step + 0.08) / height),
                    1 - 2 * _MARGIN,
                    (step - 0.14) / height,
                    transform=fig.transFigure,
                    fill=False,
                    edgecolor="#777777",
                    linewidth=1,
                )
            )
        elif kind == "rule":
            fig.add_artist(
                Rectangle(
                    (_MARGIN, (y - step / 2) / height),
                    1 - 2 * _MARGIN,
                    0.001,
                    transform=fig.transFigure,
                    color="#b71c1c",
                )
            )
        y -= step
    return fig


def card_png(card: Card, dpi: int = 130) -> bytes:
    """The card as a PNG picture (about 1075 pixels wide)."""
    from matplotlib.backends.backend_agg import (
        FigureCanvasAgg,
    )

    fig = _figure(card)
    FigureCanvasAgg(fig)
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=dpi, metadata={"Software": None})
    return out.getvalue()


def card_pdf(card: Card) -> bytes:
    """The card as a one-page PDF, A4 wide, with the font embedded."""
    from matplotlib.backends.backend_pdf import (
        FigureCanvasPdf,
    )

    fig = _figure(card)
    FigureCanvasPdf(fig)
    out = io.BytesIO()
    fig.savefig(
        out, format="pdf", metadata={"Creator": None, "Producer": None, "CreationDate": None}
    )
    return out.getvalue()
