"""Extract, update and start catalogs with Babel's own APIs, keeping our review header.

``pybabel extract/update/init`` work on this project as they are; these functions do the same
with the project's settings (``babel.cfg``, ``locales/``) and keep the ``X-Medical-Review``
header, which Babel's update drops.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from bot.i18n.render import REVIEW_HEADER, UNCHECKED_REVIEW, read_headers

PROJECT = "NeutroGuide"
VERSION = "0.1"
COPYRIGHT = "the NeutroGuide contributors"
DOMAIN = "messages"
TEMPLATE = f"{DOMAIN}.pot"
#: GNU gettext / Weblate plural rules where Babel's built-in table differs (Arabic: Babel
#: swaps forms 4 and 5; Poedit and Weblate use these).
PLURAL_FORMS = {
    "ar": (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5);"
    ),
}


@dataclass(frozen=True, slots=True)
class Updated:
    """What ``update`` did to one catalog."""

    locale: str
    path: Path
    untranslated: int
    fuzzy: int
    obsolete: int


def po_path(locales_dir: Path, locale: str) -> Path:
    """Where ``locale``'s catalog lives: ``<locales_dir>/<locale>/LC_MESSAGES/messages.po``."""
    return locales_dir / locale / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract(root: Path, mapping: Path | None = None) -> Catalog:
    """Every translatable text below ``root``, read as ``babel.cfg`` says.

    Args:
        root: the project directory (paths in the template are relative to it).
        mapping: the Babel mapping file; ``root/babel.cfg`` by default.
    """
    mapping = mapping or root / "babel.cfg"
    with mapping.open(encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh, str(mapping))  # type: ignore[no-untyped-call]
    catalog = Catalog(
        project=PROJECT,
        version=VERSION,
        copyright_holder=COPYRIGHT,
        charset="utf-8",
        fuzzy=False,
    )
    catalog.msgid_bugs_address = ""
    found = extract_from_dir(
        str(root),
        method_map,
        options_map,
        keywords=DEFAULT_KEYWORDS,
        comment_tags=("TRANSLATORS:",),
        strip_comment_tags=True,
    )
    for filename, lineno, message, comments, context in found:
        path = os.path.relpath(os.path.join(root, filename), root).replace(os.sep, "/")
        catalog.add(message, None, [(path, lineno)], auto_comments=comments, context=context)
    return catalog


def _write(path: Path, catalog: Catalog, extra_headers: dict[str, str]) -> None:
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=76, include_previous=True)
    text = buffer.getvalue().decode("utf-8")
    if extra_headers:
        marker = '"MIME-Version: 1.0\\n"\n'
        lines = "".join(f'"{name}: {value}\\n"\n' for name, value in extra_headers.items())
        text = text.replace(marker, lines + marker, 1)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def write_template(catalog: Catalog, path: Path) -> None:
    """Write the extracted template (``messages.pot``)."""
    _write(path, catalog, {})


def _extra_headers(path: Path) -> dict[str, str]:
    headers = read_headers(path.read_text(encoding="utf-8"))
    return {k: v for k, v in headers.items() if k.startswith("X-")}


def locales_in(locales_dir: Path) -> list[str]:
    """The locales that have a catalog below ``locales_dir``."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update(locales_dir: Path, locales: list[str] | None = None) -> list[Updated]:
    """Merge ``messages.pot`` into each catalog, as ``pybabel update`` does.

    New texts arrive untranslated, changed ones fuzzy (with the previous English shown),
    removed ones obsolete (``#~``). ``X-`` headers such as the review status are kept.

    Raises:
        FileNotFoundError: there is no ``messages.pot``; run extract first.
    """
    with (locales_dir / TEMPLATE).open("rb") as fh:
        template = read_po(fh)
    done = []
    for locale in locales or locales_in(locales_dir):
        path = po_path(locales_dir, locale)
        with path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        extra = _extra_headers(path)
        catalog.update(template, update_header_comment=False)
        _write(path, catalog, extra)
        messages = [m for m in catalog if m.id]
        done.append(
            Updated(
                locale,
                path,
                untranslated=sum(1 for m in messages if not _translated(m.string)),
                fuzzy=sum(1 for m in messages if m.fuzzy),
                obsolete=len(catalog.obsolete),
            )
        )
    return done


def _translated(value: object) -> bool:
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, tuple | list):
        return bool(value) and all(isinstance(v, str) and v.strip() for v in value)
    return False


def init(locales_dir: Path, locale: str, translator: str = "") -> Path:
    """Start a catalog for a new ``locale`` from ``messages.pot``, marked as unchecked.

    Raises:
        FileExistsError: the locale already has a catalog (use update).
        babel.UnknownLocaleError: ``locale`` is not a locale Babel knows.
    """
    Locale.parse(locale)
    path = po_path(locales_dir, locale)
    if path.exists():
        raise FileExistsError(f"{path} exists; run `neutroguide i18n update` instead")
    with (locales_dir / TEMPLATE).open("rb") as fh:
        template = read_po(fh)
    catalog = Catalog(
        locale=locale,
        project=PROJECT,
        version=VERSION,
        charset="utf-8",
        fuzzy=False,
        header_comment=(
            f"# {Locale.parse(locale).english_name} translation of {PROJECT}.\n"
            "# Medical text: see docs/translating.md before you start."
        ),
        last_translator=translator or None,
        language_team=f"{locale} <>",
    )
    if locale in PLURAL_FORMS:
        _set_plural_forms(catalog, PLURAL_FORMS[locale])
    catalog.msgid_bugs_address = ""
    catalog.update(template)
    _write(path, catalog, {REVIEW_HEADER: UNCHECKED_REVIEW})
    return path


def _set_plural_forms(catalog: Catalog, value: str) -> None:
    catalog.mime_headers = [("Plural-Forms", value)]
