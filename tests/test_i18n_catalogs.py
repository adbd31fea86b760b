"""The shipped catalogs: readable, placeholders intact, system messages translated."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import iter_files
from bot.i18n.extract import Entry, entries_from_text
from bot.i18n.render import Catalogs, read_headers
from tests.support.content import ROOT

LOCALES = ("ar", "de", "es", "fr", "pl")
PLURAL_COUNTS = {"ar": 6, "de": 2, "es": 2, "fr": 2, "pl": 3}


@pytest.fixture(scope="module")
def catalogs() -> Catalogs:
    return Catalogs.load(ROOT / "locales")


@pytest.fixture(scope="module")
def dialog_entries() -> dict[str, list[Entry]]:
    """Per shipped dialog file, every text the extractor finds in it; extracted once
    for this module (0.8 s each time; every locale's tests read the same files)."""
    return {
        str(path): entries_from_text(path.read_text(encoding="utf-8"), str(path))
        for path in iter_files(ROOT / "dialogs")
    }


def system_entries(entries: dict[str, list[Entry]]) -> list[Entry]:
    """The entries of the ``system*`` dialog files."""
    return [
        e for path, found in entries.items() if Path(path).name.startswith("system") for e in found
    ]


def test_every_locale_loads_without_breakage(catalogs: Catalogs) -> None:
    assert catalogs.available() == sorted(["en", *LOCALES])
    assert catalogs.broken == {}
    for locale in LOCALES:
        assert catalogs.status()[locale]["rejected"] == []


@pytest.mark.parametrize("locale", LOCALES)
def test_headers_name_language_plural_rule_and_review(locale: str) -> None:
    po = ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po"
    headers = read_headers(po.read_text(encoding="utf-8"))
    assert headers["Language"] == locale
    assert headers["Plural-Forms"].startswith(f"nplurals={PLURAL_COUNTS[locale]};")
    assert headers["X-Medical-Review"] == "not checked by a professional medical translator"


@pytest.mark.parametrize("locale", LOCALES)
def test_every_system_message_is_translated(
    catalogs: Catalogs, dialog_entries: dict[str, list[Entry]], locale: str
) -> None:
    entries = system_entries(dialog_entries)
    assert len(entries) > 20
    missing = [e.text.context for e in entries if catalogs.lookup(locale, e.text) is None]
    assert missing == []


@pytest.mark.parametrize("locale", LOCALES)
def test_team_catalogs_are_marked_unchecked(catalogs: Catalogs, locale: str) -> None:
    assert catalogs.unchecked(locale)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_dialog_text_is_translated(
    catalogs: Catalogs, dialog_entries: dict[str, list[Entry]], locale: str
) -> None:
    """All content, not only system messages: the five locales ship complete."""
    entries = [e for found in dialog_entries.values() for e in found]
    assert len(entries) > 500
    missing = [e.text.context for e in entries if catalogs.lookup(locale, e.text) is None]
    assert missing == []


@pytest.mark.parametrize("locale", LOCALES)
def test_shipped_catalogs_are_in_the_written_layout_without_obsolete_entries(locale: str) -> None:
    """What `i18n update` writes is what ships: a translator's tool then changes one line."""
    from babel.messages.pofile import read_po

    from bot.i18n.workflow import _extra_headers, po_path, serialize

    path = po_path(ROOT / "locales", locale)
    text = path.read_text(encoding="utf-8")
    assert "\n#~ " not in text
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=locale)
    assert serialize(catalog, _extra_headers(path)) == text
