"""Text for drawing: which languages run right to left, and lines wrapped by width.

Arabic needs no reshaping here: matplotlib 3.11 lays text out with libraqm (HarfBuzz shaping,
FriBiDi ordering), so a line given in logical order is drawn joined and right to left.
Reshaping it beforehand (arabic-reshaper + python-bidi) would reverse it a second time.
"""

from __future__ import annotations

import textwrap

#: A font every document uses: matplotlib ships DejaVu Sans, which has Latin, Greek, Cyrillic
#: and Arabic glyphs, so no system font is needed.
FONT = "DejaVu Sans"


def is_rtl(locale: str) -> bool:
    """Whether ``locale`` is written right to left (the languages we ship or may ship)."""
    return locale.replace("-", "_").split("_")[0].lower() in {"ar", "fa", "he", "ur", "ps"}


def ltr(text: str) -> str:
    """``text`` kept left to right inside a right-to-left line (Unicode isolates): without it a
    phone number ``+44 20 7946 0000`` in Arabic is drawn ``0000 7946 20 44+``."""
    return f"\u2066{text}\u2069"


def wrap(text: str, width: int) -> list[str]:
    """``text`` cut into lines of at most ``width`` characters at spaces (blank lines kept)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, width, break_long_words=False) or [""])
    return lines
