"""``{name}`` placeholders: the one reader every layer shares (loader, catalogs, rendering).

Only a bare name is a placeholder. A format spec or conversion (``{emergency_number:.0}``,
``{n:>30000000}``, ``{x!r}``), an index or attribute (``{a[0]}``, ``{a.b}``) or a positional
field (``{}``, ``{0}``) is refused: in a translation or a dialog file it could erase an
emergency number or inflate a message, so it is an error in ``validate`` and ``i18n check``
and never reaches ``str.format`` at run time. ``{{`` and ``}}`` are literal braces.
"""

from __future__ import annotations

import string
from collections.abc import Callable, Mapping
from typing import Any

_FORMATTER = string.Formatter()


class PlaceholderError(ValueError):
    """A text's braces are broken or hold something other than a bare ``{name}``."""


def _parse(text: str) -> list[tuple[str, str | None]]:
    try:
        parsed = list(_FORMATTER.parse(text))
    except ValueError as exc:
        raise PlaceholderError(f"has a broken brace ({exc})") from None
    parts: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            parts.append((literal, None))
            continue
        if not name.isidentifier():
            raise PlaceholderError(f"{{{name}}} is not a placeholder name")
        if spec or conversion:
            shown = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
            raise PlaceholderError(f"{{{shown}}} has a format; write {{{name}}} only")
        parts.append((literal, name))
    return parts


def names(text: str) -> set[str]:
    """The placeholder names in ``text``.

    Raises:
        PlaceholderError: a broken brace, or a placeholder that is not a bare ``{name}``.
    """
    return {name for _, name in _parse(text) if name is not None}


def names_or_none(text: str) -> set[str] | None:
    """The placeholder names in ``text``, or ``None`` when they are broken or not bare."""
    try:
        return names(text)
    except PlaceholderError:
        return None


def fill(text: str, values: Mapping[str, Any], show: Callable[[Any], str] = str) -> str | None:
    """``text`` with each ``{name}`` replaced by ``show(values[name])``.

    Returns:
        The filled text, or ``None`` when a placeholder is broken, not bare or has no value.
        No format spec is ever applied: the value is shown exactly as ``show`` gives it.
    """
    try:
        parts = _parse(text)
    except PlaceholderError:
        return None
    out: list[str] = []
    for literal, name in parts:
        out.append(literal)
        if name is not None:
            try:
                value = values[name]  # a mapping may supply missing names (``__missing__``)
            except KeyError:
                return None
            out.append(show(value))
    return "".join(out)
