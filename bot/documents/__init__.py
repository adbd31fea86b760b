"""Pictures and printables: the temperature diary chart, the emergency card, clinic posters.

Everything here takes plain, already translated data and returns bytes (PNG or PDF); it reads
no catalog, no store and no clock. :func:`render` turns the JSON spec a reply carries in the
outbox into the file, so a replayed answer draws the same file again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.documents.card import Card, CardSection, card_pdf, card_png
from bot.documents.chart import DiaryChart, diary_png
from bot.documents.poster import Poster, poster_pdf, poster_png

__all__ = [
    "Card",
    "CardSection",
    "DiaryChart",
    "DocumentError",
    "Poster",
    "card_pdf",
    "card_png",
    "diary_png",
    "poster_pdf",
    "poster_png",
    "render",
]


class DocumentError(ValueError):
    """A spec that names no known document or lacks a field it needs."""


def render(spec: Mapping[str, Any]) -> bytes:
    """Draw the document a reply's spec describes (``{"type": ..., ...}``).

    Raises:
        DocumentError: the spec is not one this version can draw.
    """
    kind = spec.get("type")
    try:
        if kind == "diary":
            return diary_png(DiaryChart.from_spec(spec))
        if kind == "card":
            card = Card.from_spec(spec)
            return card_pdf(card) if spec.get("format") == "pdf" else card_png(card)
    except (KeyError, TypeError, ValueError) as exc:
        raise DocumentError(f"{kind} spec: {exc}") from exc
    raise DocumentError(f"no document of type {kind!r}")
