"""Splitting long texts into Telegram-sized messages at paragraph boundaries."""

from __future__ import annotations

#: Telegram's limit for one message, counted (conservatively) in UTF-16 code units.
MESSAGE_LIMIT = 4096

_SEPARATORS = ("\n\n", "\n", " ")


def utf16_len(text: str) -> int:
    """The length Telegram counts: UTF-16 code units (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Split ``text`` into chunks of at most ``limit`` UTF-16 units.

    Paragraph breaks are preferred, then line breaks, then spaces; only a single word longer
    than ``limit`` is cut mid-word (never inside a character). Blank chunks are dropped.

    Args:
        text: the message text.
        limit: the most UTF-16 code units per chunk.

    Returns:
        The chunks in order; ``[text]`` when it fits.
    """
    if utf16_len(text) <= limit:
        return [text] if text.strip() else []
    return [c for c in _split(text, limit, 0) if c.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_cut(text, limit)
    sep = _SEPARATORS[level]
    chunks: list[str] = []
    current = ""
    for piece in text.split(sep):
        candidate = f"{current}{sep}{piece}" if current else piece
        if utf16_len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        if utf16_len(piece) <= limit:
            current = piece
        else:
            *full, current = _split(piece, limit, level + 1)
            chunks.extend(full)
    if current:
        chunks.append(current)
    return chunks


def _hard_cut(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current: list[str] = []
    size = 0
    for char in text:
        width = utf16_len(char)
        if size + width > limit:
            chunks.append("".join(current))
            current, size = [], 0
        current.append(char)
        size += width
    chunks.append("".join(current))
    return chunks
