"""Laying replies out as Telegram messages: joined when short, split when long."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.service import Attachment, Outbound

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


@dataclass(frozen=True, slots=True)
class Part:
    """One Telegram message to send: its text and the buttons under it."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    #: Emergency advice: sent again even when a copy may already have arrived.
    urgent: bool = False
    #: A photo or file sent with ``text`` as its caption.
    attachment: Attachment | None = None


#: Telegram's limit for a photo's or file's caption.
CAPTION_LIMIT = 1024


def compose(messages: Sequence[Outbound], limit: int = MESSAGE_LIMIT) -> list[Part]:
    """Lay an outcome's messages out as Telegram messages.

    Consecutive messages are joined into one (as paragraphs) while they fit, so a step is one
    message with its keyboard at the bottom: easier to read, and well within Telegram's
    one-message-per-second-per-chat pace. An urgent message always stands alone, so the
    emergency advice is its own bubble; a message with buttons ends a group; a message with
    a picture or file is sent alone, its text the caption. Text longer
    than ``limit`` is split at paragraph boundaries, the buttons going under the last part.

    Args:
        messages: the outcome's messages, in order.
        limit: the most UTF-16 code units per Telegram message.

    Returns:
        The messages to send, in order.
    """
    groups: list[tuple[str, tuple[tuple[str, str], ...], bool]] = []
    parts: list[Part] = []
    for message in messages:
        if message.attachment is not None:
            # A picture or file stands alone, its text as the caption (cut to Telegram's
            # limit: captions are short by design).
            parts.extend(_parts(groups, limit))
            groups = []
            caption = message.text
            if utf16_len(caption) > CAPTION_LIMIT:
                caption = split_text(caption, CAPTION_LIMIT - 1)[0] + "…"
            parts.append(Part(caption, message.buttons, message.urgent, message.attachment))
            continue
        if groups:
            text, buttons, urgent = groups[-1]
            joined = f"{text}\n\n{message.text}"
            if not urgent and not message.urgent and not buttons and utf16_len(joined) <= limit:
                groups[-1] = (joined, message.buttons, False)
                continue
        groups.append((message.text, message.buttons, message.urgent))
    return parts + _parts(groups, limit)


def _parts(groups: list[tuple[str, tuple[tuple[str, str], ...], bool]], limit: int) -> list[Part]:
    parts: list[Part] = []
    for text, buttons, urgent in groups:
        chunks = split_text(text, limit)
        parts.extend(Part(chunk, urgent=urgent) for chunk in chunks[:-1])
        if chunks:
            parts.append(Part(chunks[-1], buttons, urgent))
    return parts
