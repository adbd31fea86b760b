"""Turn engine replies into text in the person's language, at render time.

Catalogs are read from ``locales/<lang>/LC_MESSAGES/messages.po`` directly at start-up (no
compiled ``.mo`` to go stale). Lookup is by (msgctxt, msgid) = (dialog/node, English source).
A missing, empty or fuzzy translation falls back to English for that message only.
"""

from __future__ import annotations

import logging
import string
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.messages.catalog import Catalog
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

from bot.content.model import Text
from bot.engine.types import Reply

log = logging.getLogger(__name__)

SOURCE_LOCALE = "en"
TEMPERATURE_FIELDS = frozenset({"fever_threshold", "last_temperature", "value"})


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready for a channel: text and (label, token) buttons."""

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    fallback: bool = False


class Catalogs:
    """Every locale's translations, loaded once; English is the source and always present."""

    def __init__(self, catalogs: Mapping[str, Mapping[tuple[str, str], str]]) -> None:
        self._tables = dict(catalogs)
        self.fallbacks: Counter[str] = Counter()

    @classmethod
    def load(cls, directory: Path | str) -> Catalogs:
        """Read every ``<lang>/LC_MESSAGES/messages.po`` below ``directory``.

        A broken file is reported in the log and skipped: that language falls back to English.
        """
        tables: dict[str, dict[tuple[str, str], str]] = {}
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
            lang = po.parent.parent.name
            try:
                with po.open("rb") as fh:
                    catalog: Catalog = read_po(fh, abort_invalid=True)
            except (PoFileError, ValueError, UnicodeDecodeError) as exc:
                log.error("translation file %s is broken and was skipped: %s", po, exc)
                continue
            table: dict[tuple[str, str], str] = {}
            for msg in catalog:
                if not msg.id or msg.fuzzy or not isinstance(msg.id, str):
                    continue
                if isinstance(msg.string, str) and msg.string.strip():
                    table[(msg.context or "", msg.id)] = msg.string
            tables[lang] = table
        return cls(tables)

    def available(self) -> list[str]:
        """Locales with a catalog, plus English, sorted."""
        return sorted({SOURCE_LOCALE, *self._tables})

    def negotiate(self, language_code: str | None, default: str = SOURCE_LOCALE) -> str:
        """Best available locale for a Telegram ``language_code`` such as ``pt-BR``."""
        if language_code:
            found = negotiate_locale([language_code.replace("-", "_")], self.available(), sep="_")
            if found is None:
                base = language_code.replace("-", "_").split("_")[0]
                found = base if base in self.available() else None
            if found is not None:
                return found
        return default if default in self.available() else SOURCE_LOCALE

    def lookup(self, locale: str, text: Text) -> str | None:
        """The translation of ``text`` in ``locale``, or ``None``."""
        table = self._tables.get(locale)
        if table is None:
            return None
        return table.get((text.context, text.source))


def _format_params(params: Mapping[str, Any], locale: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in params.items():
        if value is None:
            out[name] = ""
        elif isinstance(value, float) and name in TEMPERATURE_FIELDS:
            out[name] = format_decimal(value, format="0.0", locale=locale) + " °C"
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = format_decimal(value, locale=locale)
        else:
            out[name] = str(value)
    return out


class Renderer:
    """Renders replies for a locale with per-message fallback to English."""

    def __init__(self, catalogs: Catalogs) -> None:
        self.catalogs = catalogs

    def text(self, text: Text, locale: str, params: Mapping[str, Any] | None = None) -> str:
        """One text in ``locale`` with its placeholders filled."""
        values = _format_params(params or {}, _babel_locale_name(locale))
        if locale != SOURCE_LOCALE:
            translated = self.catalogs.lookup(locale, text)
            if translated is not None:
                try:
                    return translated.format_map(values)
                except (KeyError, IndexError, ValueError):
                    log.warning("translation %s/%s has a broken placeholder", locale, text.context)
            self.catalogs.fallbacks[locale] += 1
        return string.Formatter().vformat(text.source, (), values)

    def render(self, reply: Reply, locale: str) -> Rendered:
        """A reply in ``locale``: text with placeholders, button labels with their tokens."""
        body = self.text(reply.text, locale, reply.params)
        buttons = tuple((self.text(c.label, locale), c.token) for c in reply.choices)
        return Rendered(body, buttons)


def _babel_locale_name(locale: str) -> str:
    try:
        return str(Locale.parse(locale.replace("-", "_")))
    except (UnknownLocaleError, ValueError):
        return SOURCE_LOCALE
