"""Turn engine replies into text in the person's language, at render time.

Catalogs are read from ``locales/<lang>/LC_MESSAGES/messages.po`` directly at start-up (no
compiled ``.mo`` to go stale). Lookup is by (msgctxt, msgid) = (dialog/node, English source).

Fallback rules, per message:

- a missing, empty or fuzzy translation, or one whose ``{placeholders}`` differ from the
  English source, is not served: the English source is shown and counted in
  :attr:`Catalogs.fallbacks` (per locale) and :attr:`Catalogs.fallback_contexts`;
- a safety-critical text (``safety: true``) that falls back gets a one-line note in the
  person's language (system message ``safety_english_note``) when that note is translated;
- a ``.po`` file that cannot be read is logged at ERROR with file and line and that locale
  is not offered (people asking for it get English); see :attr:`Catalogs.broken`.
"""

from __future__ import annotations

import datetime as dt
import gettext
import hashlib
import io
import logging
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError, negotiate_locale
from babel.dates import format_date, format_datetime
from babel.messages.pofile import PoFileError, read_po
from babel.numbers import format_decimal

from bot import placeholders
from bot.content.model import DialogSet, Text
from bot.engine.types import Reply

log = logging.getLogger(__name__)

SOURCE_LOCALE = "en"
#: Used when no dialog set is given; with one, every field of kind "temperature" counts too.
TEMPERATURE_FIELDS = frozenset({"fever_threshold", "last_temperature"})
#: Territories whose people read body temperature in °F (CLDR unit preferences for
#: temperature: US and the places that follow it). They see "100.4 °F (38.0 °C)".
FAHRENHEIT_TERRITORIES = frozenset({"US", "BS", "BZ", "KY", "LR", "PR", "PW", "FM", "MH"})
#: Header field with the catalog's review status; a value starting with "checked" marks a
#: catalog checked by a professional medical translator. Missing means unchecked.
REVIEW_HEADER = "X-Medical-Review"
UNCHECKED_REVIEW = "not checked by a professional medical translator"
SAFETY_NOTE_KEY = "safety_english_note"
UNCHECKED_KEY = "translation_unchecked"
PLURAL_SUFFIX = "_plural"
COUNT_PARAM = "count"

_QUOTED = re.compile(r'^"(.*)"$')


@dataclass(frozen=True, slots=True)
class Rendered:
    """A message ready for a channel: text and (label, token) buttons.

    ``fallback`` is true when any part of it was shown in English for want of a translation.
    """

    text: str
    buttons: tuple[tuple[str, str], ...] = ()
    fallback: bool = False


@dataclass(frozen=True, slots=True)
class LocaleCatalog:
    """The usable translations of one locale.

    Attributes:
        locale: the catalog's locale code (the directory name, e.g. ``de``).
        entries: (msgctxt, msgid) -> translated forms (one, or one per plural form).
        plural: picks the form index for a count (the catalog's Plural-Forms).
        review: the ``X-Medical-Review`` header value ("" when absent).
        rejected: contexts whose translation was dropped (placeholder mismatch).
    """

    locale: str
    entries: Mapping[tuple[str, str], tuple[str, ...]]
    plural: Callable[[int], int] = field(compare=False, repr=False)
    review: str = ""
    rejected: tuple[str, ...] = ()


def placeholder_names(text: str) -> set[str] | None:
    """The ``{name}`` placeholders of ``text``, or ``None`` when they are broken or not bare
    (a format spec such as ``{emergency_number:.0}`` could erase the number)."""
    return placeholders.names_or_none(text)


def placeholders_match(source: set[str], translated: str, plural: bool = False) -> bool:
    """Whether ``translated`` uses exactly the source's placeholders.

    A plural form may leave out ``{count}`` (Polish "jedna wiadomość"), nothing else.
    """
    found = placeholder_names(translated)
    if found is None:
        return False
    if plural:
        return found <= source and source - {COUNT_PARAM} <= found
    return found == source


def read_headers(text: str) -> dict[str, str]:
    """The header fields of a ``.po`` file's first (``msgid ""``) entry, by name.

    Babel drops fields it does not know (such as ``X-Medical-Review``), so they are read here.
    """
    lines = iter(text.splitlines())
    for line in lines:
        if line.startswith('msgstr ""'):
            break
    parts = []
    for line in lines:
        match = _QUOTED.match(line.strip())
        if match is None:
            break
        parts.append(match.group(1))
    joined = "".join(parts).replace('\\"', '"').replace("\\n", "\n")
    headers: dict[str, str] = {}
    for field_line in joined.split("\n"):
        name, sep, value = field_line.partition(":")
        if sep:
            headers[name.strip()] = value.strip()
    return headers


def _plural_function(expr: str, locale: str) -> Callable[[int], int]:
    try:
        return gettext.c2py(expr)
    except (ValueError, SyntaxError):
        log.error("locale %s: Plural-Forms %r is not valid; using n != 1", locale, expr)
        return gettext.c2py("n != 1")


class CatalogError(Exception):
    """A ``.po`` file cannot be used; ``str()`` is ``file:line: what is wrong``."""


_KEYWORD_LINE = re.compile(r'^(msgctxt|msgid|msgid_plural|msgstr|msgstr\[\d+\])\s+(".*)$')
_STRING = re.compile(r'^"(?:[^"\\]|\\.)*"$')


def _check_syntax(text: str, path: Path) -> None:
    """Babel reads some broken files silently (an unclosed quote); catch those with the line."""
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line.startswith("#~"):
            line = line[2:].strip()
            if not line:
                continue
        elif not line or line.startswith("#"):
            continue
        keyword = _KEYWORD_LINE.match(line)
        quoted = keyword.group(2).strip() if keyword else line
        if not _STRING.match(quoted):
            what = 'a text must start and end with a double quote (write \\" for a quote)'
            if keyword is None and not line.startswith('"'):
                what = f"unknown line {line[:30]!r}; expected msgctxt, msgid, msgstr or a comment"
            raise CatalogError(f"{path}:{number}: {what}")


def load_catalog(path: Path, warn: bool = True) -> LocaleCatalog:
    """Read one ``.po`` file into its usable translations.

    A translation whose placeholders differ from the English is left out (logged when
    ``warn``), so the English is shown instead.

    Raises:
        CatalogError: the file is not a readable catalog (the message names file and line).
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogError(f"{path}:1: {exc}") from exc
    key = (str(path.resolve()), hashlib.blake2b(raw).digest())
    if (cached := _LOADED.get(key)) is not None:
        return cached
    loaded = _parse_catalog(path, raw, warn)
    if not loaded.rejected:  # one with rejected entries is read again, so it warns again
        _LOADED[key] = loaded
    return loaded


#: Catalogs already read in this process, by file and content digest (reading one takes a
#: few hundred milliseconds; tests and the CLI open the service many times).
_LOADED: dict[tuple[str, bytes], LocaleCatalog] = {}


def _parse_catalog(path: Path, raw: bytes, warn: bool) -> LocaleCatalog:
    locale = path.parent.parent.name
    try:
        text = raw.decode("utf-8")
        _check_syntax(text, path)
        catalog = read_po(io.BytesIO(raw), locale=locale, abort_invalid=True)
    except PoFileError as exc:
        raise CatalogError(f"{path}:{exc.lineno}: {exc}") from exc
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CatalogError(f"{path}:{line}: not UTF-8 text; save the file as UTF-8") from exc
    except (ValueError, OSError) as exc:
        raise CatalogError(f"{path}:1: {exc}") from exc
    entries: dict[tuple[str, str], tuple[str, ...]] = {}
    rejected: list[str] = []
    for msg in catalog:
        if not msg.id or msg.fuzzy:
            continue
        ids = (msg.id,) if isinstance(msg.id, str) else tuple(msg.id)
        forms = (msg.string,) if isinstance(msg.string, str) else tuple(msg.string or ())
        if not forms or not all(isinstance(f, str) and f.strip() for f in forms):
            continue
        plural = len(ids) > 1
        source: set[str] = set()
        for msgid in ids:
            source |= placeholder_names(msgid) or set()
        if not all(placeholders_match(source, f, plural) for f in forms):
            rejected.append(msg.context or "")
            if not warn:
                continue
            log.warning(
                "%s:%s: translation of %s changes its {placeholders}; English is shown instead",
                path,
                msg.lineno,
                msg.context or ids[0],
            )
            continue
        entries[(msg.context or "", ids[0])] = forms
    headers = read_headers(text)
    return LocaleCatalog(
        locale=locale,
        entries=entries,
        plural=_plural_function(catalog.plural_expr, locale),
        review=headers.get(REVIEW_HEADER, ""),
        rejected=tuple(rejected),
    )


class Catalogs:
    """Every locale's translations, loaded once; English is the source and always present.

    Attributes:
        fallbacks: how often each locale showed English for want of a translation.
        fallback_contexts: the same, per (locale, msgctxt), for operators to fix.
        broken: locales whose ``.po`` could not be read -> ``file:line: reason``.
    """

    def __init__(
        self,
        catalogs: Mapping[str, Mapping[tuple[str, str], str] | LocaleCatalog],
        broken: Mapping[str, str] | None = None,
    ) -> None:
        self._catalogs: dict[str, LocaleCatalog] = {}
        for locale, table in catalogs.items():
            if isinstance(table, LocaleCatalog):
                self._catalogs[locale] = table
            else:
                entries = {key: (value,) for key, value in table.items()}
                self._catalogs[locale] = LocaleCatalog(locale, entries, gettext.c2py("n != 1"))
        self.broken: dict[str, str] = dict(broken or {})
        self.fallbacks: Counter[str] = Counter()
        self.fallback_contexts: Counter[tuple[str, str]] = Counter()

    @classmethod
    def load(cls, directory: Path | str) -> Catalogs:
        """Read every ``<lang>/LC_MESSAGES/messages.po`` below ``directory``.

        A broken file is reported in the log (ERROR, with file and line) and skipped: that
        language falls back to English.
        """
        catalogs: dict[str, LocaleCatalog] = {}
        broken: dict[str, str] = {}
        for po in sorted(Path(directory).glob("*/LC_MESSAGES/messages.po")):
            lang = po.parent.parent.name
            try:
                catalogs[lang] = load_catalog(po)
            except CatalogError as exc:
                log.error("%s; people who use %s will see English", exc, lang)
                broken[lang] = str(exc)
        return cls(catalogs, broken)

    def available(self) -> list[str]:
        """Locales with a catalog, plus English, sorted."""
        return sorted({SOURCE_LOCALE, *self._catalogs})

    def catalog(self, locale: str) -> LocaleCatalog | None:
        """The loaded catalog for ``locale`` (its language part when needed), if any."""
        if locale in self._catalogs:
            return self._catalogs[locale]
        code = locale.replace("-", "_")
        if code in self._catalogs:
            return self._catalogs[code]
        return self._catalogs.get(code.split("_")[0])

    def negotiate(
        self,
        language_code: str | None,
        default: str = SOURCE_LOCALE,
        keep_territory: bool = False,
    ) -> str:
        """Best available locale for a Telegram ``language_code`` such as ``pt-BR``.

        Args:
            language_code: what Telegram (or the terminal) says the person uses.
            default: the deployment's default locale, used when nothing matches.
            keep_territory: return ``de_AT`` rather than ``de`` when the language matched, so
                formatting (°F for ``en_US``, the decimal sign) follows the territory.
        """
        available = self.available()
        if language_code:
            code = language_code.strip().replace("-", "_")
            found = negotiate_locale([code], available, sep="_")
            if found is not None:
                found = next((a for a in available if a.lower() == found.lower()), None)
            if found is None:
                base = code.split("_")[0].lower()
                found = base if base in available else None
            if found is not None:
                if keep_territory:
                    return _with_territory(found, code)
                return found
        return default if default in available else SOURCE_LOCALE

    def display_names(self) -> list[tuple[str, str]]:
        """(code, the language's name in itself) for each available locale, e.g. ``Deutsch``."""
        out = []
        for code in self.available():
            try:
                name = Locale.parse(code).get_display_name(code) or code
            except (UnknownLocaleError, ValueError):
                name = code
            out.append((code, name[:1].upper() + name[1:]))
        return out

    def unchecked(self, locale: str) -> bool:
        """Whether ``locale`` is a translation not checked by a professional medical translator.

        English (the source) is never unchecked; a catalog without the review header is.
        """
        catalog = self.catalog(locale)
        if catalog is None:
            return False
        return not catalog.review.strip().lower().startswith("checked")

    def review_status(self, locale: str) -> str:
        """The review header of ``locale``'s catalog ("" for English or when absent)."""
        catalog = self.catalog(locale)
        return catalog.review if catalog is not None else ""

    def lookup(self, locale: str, text: Text, count: int | None = None) -> str | None:
        """The usable translation of ``text`` in ``locale`` (the plural form for ``count``)."""
        catalog = self.catalog(locale)
        if catalog is None:
            return None
        forms = catalog.entries.get((text.context, text.source))
        if not forms:
            return None
        if len(forms) == 1:
            return forms[0]
        index = catalog.plural(count if count is not None else 1)
        return forms[index] if 0 <= index < len(forms) else None

    def untranslated(self, locale: str, texts: Iterable[Text]) -> int:
        """How many of ``texts`` have no usable translation in ``locale`` (0 for English)."""
        if self.catalog(locale) is None:
            return 0 if locale.split("_")[0] == SOURCE_LOCALE else sum(1 for _ in texts)
        return sum(1 for t in texts if self.lookup(locale, t) is None)

    def status(self) -> dict[str, dict[str, Any]]:
        """Per locale, for operators: fallbacks so far, rejected entries, review, breakage."""
        out: dict[str, dict[str, Any]] = {}
        for locale in sorted({*self._catalogs, *self.broken}):
            catalog = self._catalogs.get(locale)
            out[locale] = {
                "fallbacks": self.fallbacks[locale],
                "missing": sorted(c for (loc, c) in self.fallback_contexts if loc == locale),
                "rejected": list(catalog.rejected) if catalog else [],
                "unchecked": self.unchecked(locale),
                "broken": self.broken.get(locale),
            }
        return out

    def count_fallback(self, locale: str, text: Text) -> None:
        """Record that ``text`` was shown in English to someone using ``locale``."""
        self.fallbacks[locale] += 1
        self.fallback_contexts[(locale, text.context)] += 1


def _with_territory(found: str, code: str) -> str:
    try:
        asked = Locale.parse(code)
    except (UnknownLocaleError, ValueError):
        return found
    if asked.language == found.split("_")[0] and asked.territory and "_" not in found:
        return f"{found}_{asked.territory}"
    return found


def babel_locale(locale: str) -> Locale:
    """The Babel locale for a code such as ``de``, ``de-AT`` or ``es_419``; English if unknown."""
    try:
        return Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(SOURCE_LOCALE)


def uses_fahrenheit(locale: Locale | str) -> bool:
    """Whether people of ``locale``'s territory read body temperature in °F (``en_US``: yes)."""
    loc = babel_locale(locale) if isinstance(locale, str) else locale
    return (loc.territory or "") in FAHRENHEIT_TERRITORIES


def format_temperature(celsius: float, locale: Locale | str) -> str:
    """A temperature for ``locale``: ``38,0 °C``, or ``100.4 °F (38.0 °C)`` where °F is used."""
    loc = babel_locale(locale) if isinstance(locale, str) else locale
    c_text = format_decimal(celsius, format="0.0", locale=loc) + " °C"
    if uses_fahrenheit(loc):
        fahrenheit = celsius * 9 / 5 + 32
        return f"{format_decimal(fahrenheit, format='0.0', locale=loc)} °F ({c_text})"
    return c_text


def format_value(value: Any, locale: Locale, temperature: bool = False) -> str:
    """One placeholder value in ``locale``'s format (numbers, dates, temperatures)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if temperature and isinstance(value, int | float | Decimal):
        return format_temperature(float(value), locale)
    if temperature and isinstance(value, str):
        try:
            return format_temperature(float(value), locale)
        except ValueError:
            return value
    if isinstance(value, int | float | Decimal):
        return format_decimal(value, locale=locale)
    if isinstance(value, dt.datetime):
        return format_datetime(value, format="medium", locale=locale)
    if isinstance(value, dt.date):
        return format_date(value, format="long", locale=locale)
    return str(value)


class _Values(dict[str, str]):
    """Placeholder values; a name nobody supplied becomes empty instead of an error."""

    def __missing__(self, key: str) -> str:
        log.warning("no value for placeholder {%s}; left empty", key)
        return ""


class Renderer:
    """Renders replies for a locale with per-message fallback to English.

    Args:
        catalogs: the loaded translations.
        dialogs: the dialog set: its ``fields`` say which placeholders are temperatures, its
            system messages give plural partners (``key_plural``) and the safety note.
        temperature_fields: extra placeholder names holding °C values.
    """

    def __init__(
        self,
        catalogs: Catalogs,
        dialogs: DialogSet | None = None,
        temperature_fields: Collection[str] = TEMPERATURE_FIELDS,
    ) -> None:
        self.catalogs = catalogs
        self.dialogs = dialogs
        fields = dialogs.fields if dialogs is not None else {}
        self.temperature_fields = frozenset(temperature_fields) | {
            name for name, kind in fields.items() if kind == "temperature"
        }
        self._system = dict(dialogs.system) if dialogs is not None else {}

    def _values(self, params: Mapping[str, Any], locale: Locale) -> _Values:
        return _Values(
            {
                name: format_value(value, locale, name in self.temperature_fields)
                for name, value in params.items()
            }
        )

    def _english(self, text: Text, count: int | None) -> str:
        if count is not None and count != 1 and text.context.startswith("system/"):
            partner = self._system.get(text.context.removeprefix("system/") + PLURAL_SUFFIX)
            if partner is not None:
                return partner.source
        return text.source

    def _fill(self, template: str, values: _Values) -> str | None:
        return placeholders.fill(template, values)

    def translate(
        self, text: Text, locale: str, params: Mapping[str, Any] | None = None
    ) -> tuple[str, bool]:
        """``text`` in ``locale`` with placeholders filled, and whether it fell back to English."""
        params = params or {}
        loc = babel_locale(locale)
        values = self._values(params, loc)
        raw_count = params.get(COUNT_PARAM)
        count = (
            int(raw_count)
            if isinstance(raw_count, int | float) and not isinstance(raw_count, bool)
            else None
        )
        catalog = self.catalogs.catalog(locale)
        if catalog is not None and catalog.locale != SOURCE_LOCALE:
            translated = self.catalogs.lookup(catalog.locale, text, count)
            if translated is not None:
                filled = self._fill(translated, values)
                if filled is not None:
                    return filled, False
            self.catalogs.count_fallback(catalog.locale, text)
            english = self._fill(self._english(text, count), values) or text.source
            if text.safety:
                note = self._system.get(SAFETY_NOTE_KEY)
                translated_note = (
                    self.catalogs.lookup(catalog.locale, note) if note is not None else None
                )
                if translated_note:
                    return f"{english}\n{translated_note}", True
            return english, True
        source = self._fill(self._english(text, count), values)
        if source is None:
            log.error("English text %s has a broken placeholder", text.context)
            source = text.source
        return source, False

    def text(self, text: Text, locale: str, params: Mapping[str, Any] | None = None) -> str:
        """One text in ``locale`` with its placeholders filled."""
        return self.translate(text, locale, params)[0]

    def render(self, reply: Reply, locale: str) -> Rendered:
        """A reply in ``locale``: text with placeholders, button labels with their tokens."""
        body, fallback = self.translate(reply.text, locale, reply.params)
        buttons = []
        for choice in reply.choices:
            label, label_fallback = self.translate(choice.label, locale)
            fallback = fallback or label_fallback
            if choice.detail is not None:
                detail, detail_fallback = self.translate(choice.detail, locale)
                label = f"{label} · {detail}"
                fallback = fallback or detail_fallback
            buttons.append((label, choice.token))
        return Rendered(body, tuple(buttons), fallback)
