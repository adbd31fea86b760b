"""Laying out a message for a terminal: wrapped to its width at spaces (never inside a word),
and right-to-left paragraphs (Arabic) shaped and reordered for display, flush right.

Most terminals draw characters in the order they come and join no Arabic letters, so an
Arabic paragraph is shaped (``arabic-reshaper``) and put in visual order (``python-bidi``,
the Unicode bidirectional algorithm) line by line after wrapping. Widths are display
columns (``wcwidth``): a vowel mark takes none, an emoji two.
"""

from __future__ import annotations

import re
import unicodedata

import arabic_reshaper
from bidi import get_display
from wcwidth import wcswidth

#: Narrowest layout, whatever the terminal says (a word longer than this still stays whole).
MIN_WIDTH = 20
#: A bullet or a button's number: continuation lines start under the text after it.
_BULLET = re.compile(r"(?:[•*-]|\d+\.) ")


def columns(text: str) -> int:
    """Display width of ``text`` in terminal columns."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # a control character: count it as one


def is_rtl(text: str) -> bool:
    """Whether ``text`` starts, in its first letter with a direction, right to left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def wrap(text: str, width: int, indent: str = "", hanging: str = "") -> list[str]:
    """``text`` broken at spaces into lines of at most ``width`` columns (a longer word gets a
    line of its own, whole); ``indent`` before the first line, ``hanging`` before the rest."""
    lines: list[str] = []
    line, used = indent, columns(indent)
    fresh = True
    for word in text.split():
        size = columns(word)
        if not fresh and used + 1 + size > width:
            lines.append(line)
            line, used, fresh = hanging, columns(hanging), True
        if fresh:
            line, used, fresh = line + word, used + size, False
        else:
            line, used = f"{line} {word}", used + 1 + size
    if not fresh or not lines:
        lines.append(line)
    return lines


def layout(text: str, width: int, indent: str = "", rtl: bool = True) -> list[str]:
    """The lines to print for ``text`` in a terminal ``width`` columns wide.

    Each paragraph (line of ``text``) is wrapped on its own; a bulleted one keeps its
    continuation lines under its first word. With ``rtl``, a paragraph whose first letter
    reads right to left is shaped, reordered for display and set flush right.
    """
    width = max(width, MIN_WIDTH)
    out: list[str] = []
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            out.append("")
            continue
        stripped = paragraph.strip()
        bullet = _BULLET.match(stripped)
        hanging = indent + " " * (bullet.end() if bullet else 0)
        if rtl and is_rtl(stripped):
            for line in wrap(stripped, width - columns(indent)):
                shown = str(get_display(arabic_reshaper.reshape(line), base_dir="R"))
                out.append(" " * max(width - columns(shown), 0) + shown)
        else:
            out.extend(wrap(stripped, width, indent, hanging))
    return out
