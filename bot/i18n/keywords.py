"""Dialog keywords in every language: the translated comma-separated lists from the catalogs."""

from __future__ import annotations

from bot.content.model import DialogSet
from bot.i18n.render import SOURCE_LOCALE, Catalogs


def translated_keywords(
    catalogs: Catalogs, dialogs: DialogSet
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Per locale, per dialog id, the words that open the dialog when typed.

    A translation that is missing or fuzzy gives no words for that language; the English
    keywords keep working in every language.
    """
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for locale in catalogs.available():
        if locale == SOURCE_LOCALE:
            continue
        table: dict[str, tuple[str, ...]] = {}
        for dialog in dialogs.dialogs.values():
            if dialog.keywords_text is None:
                continue
            translated = catalogs.lookup(locale, dialog.keywords_text)
            if translated:
                words = tuple(w.strip().casefold() for w in translated.split(",") if w.strip())
                table[dialog.id] = words
        out[locale.split("_")[0]] = table
    return out
