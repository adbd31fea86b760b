"""Extract, update and start catalogs with Babel's own APIs, keeping our review header.

``pybabel extract/update/init`` work on this project as they are; these functions do the same
with the project's settings (``babel.cfg``, ``locales/``) and keep the ``X-Medical-Review``
header, which Babel's update drops (a header ``pybabel update`` already dropped is restored
from the last committed version of the file).

Files are written in polib's layout (:data:`WRAP_WIDTH`), so a script that edits one entry
with polib and saves changes one line; a file whose text would not change is not written.
Obsolete (``#~``) entries are dropped: git keeps the history, translators need not see them.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polib
from babel import Locale
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po

from bot.content.loader import MAX_LABEL
from bot.i18n.extract import BUTTON_TAG, SAFETY_TAG
from bot.i18n.render import (
    REVIEW_HEADER,
    UNCHECKED_REVIEW,
    placeholder_names,
    placeholders_match,
    read_headers,
)

PROJECT = "NeutroGuide"
VERSION = "0.1"
COPYRIGHT = "the NeutroGuide contributors"
DOMAIN = "messages"
TEMPLATE = f"{DOMAIN}.pot"
#: polib's default ``wrapwidth``: catalogs are written exactly as ``polib.pofile(...).save()``
#: writes them (Babel's ``write_po`` wraps at 76 and GNU gettext/Poedit at 79, each with its
#: own rules; see docs/translating.md, "File layout").
WRAP_WIDTH = 78
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
    written: bool = True
    restored_review: str | None = None


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


def _previous_comment(msg: Message) -> str | None:
    """The previous English kept in ``#|`` lines, which Babel reads as user comments."""
    lines = [c.lstrip()[1:] for c in msg.user_comments if c.lstrip().startswith("|")]
    if not lines:
        return None
    joined = " ".join(line.strip() for line in lines)
    joined = joined.split("msgid_plural", 1)[0].split("msgid", 1)[-1]
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', joined)
    return "".join(parts).replace("\\n", "\n").replace('\\"', '"') or None


def _drop_stale_previous(catalog: Catalog) -> None:
    """Forget the previous English of entries that are no longer fuzzy.

    Babel reads ``#|`` lines as user comments and would write them back as ``# |``
    comments forever; once a translation is confirmed they only confuse translators.
    """
    for msg in catalog:
        if msg.id and not msg.fuzzy:
            msg.user_comments = [c for c in msg.user_comments if not c.lstrip().startswith("|")]


def serialize(catalog: Catalog, extra_headers: dict[str, str] | None = None) -> str:
    """The text of ``catalog`` in the project's file layout, obsolete entries left out.

    Babel writes the entries (no wrapping), polib lays them out (wrapping at
    :data:`WRAP_WIDTH`, header fields in its fixed order), so the result is what polib
    itself would save. ``extra_headers`` (``X-`` fields Babel does not keep) are added.
    """
    _drop_stale_previous(catalog)
    catalog.obsolete.clear()
    # The previous English of a fuzzy entry is handed to polib, which quotes and wraps it as
    # ``#| msgid`` lines; Babel wraps comment lines at 76 without quoting the continuation,
    # which no reader (polib, Babel, msgfmt) can read back.
    previous: dict[tuple[str, str], str] = {}
    for msg in catalog:
        if not msg.id or not msg.fuzzy:
            continue
        old_id = msg.previous_id[0] if msg.previous_id else _previous_comment(msg)
        msg.user_comments = [c for c in msg.user_comments if not c.lstrip().startswith("|")]
        msg.previous_id = []
        if old_id:
            current = msg.id if isinstance(msg.id, str) else msg.id[0]
            previous[(msg.context or "", current)] = old_id
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, include_previous=False)
    po = polib.pofile(buffer.getvalue().decode("utf-8"), wrapwidth=WRAP_WIDTH)
    for entry in po:
        old_id = previous.get((entry.msgctxt or "", entry.msgid))
        if old_id is not None:
            entry.previous_msgid = old_id
    for name, value in (extra_headers or {}).items():
        po.metadata[name] = value
    return str(po)


def _write(path: Path, catalog: Catalog, extra_headers: dict[str, str]) -> bool:
    """Write ``catalog`` to ``path`` unless the file already holds exactly that text."""
    data = serialize(catalog, extra_headers).encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def _without_date(text: str) -> str:
    return re.sub(r'^"POT-Creation-Date: .*"$', "", text, count=1, flags=re.MULTILINE)


def write_template(catalog: Catalog, path: Path) -> bool:
    """Write the extracted template (``messages.pot``) unless only its date would change.

    Returns:
        Whether the file was written (several people extracting the same content write
        nothing, so there is nothing to commit or to conflict on).
    """
    new = serialize(catalog)
    if path.exists() and _without_date(path.read_text(encoding="utf-8")) == _without_date(new):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(new, encoding="utf-8")
    return True


def committed_review(path: Path) -> str | None:
    """The review header of ``path`` as last committed to git (None without git or header).

    Used to put back a header that ``pybabel update`` (or another tool) dropped.
    """
    try:
        done = subprocess.run(
            ["git", "show", f"HEAD:./{path.name}"],
            cwd=path.parent,
            capture_output=True,
            check=False,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if done.returncode != 0:
        return None
    value = read_headers(done.stdout.decode("utf-8", "replace")).get(REVIEW_HEADER, "")
    return value or None


def _extra_headers(path: Path) -> dict[str, str]:
    headers = read_headers(path.read_text(encoding="utf-8"))
    return {k: v for k, v in headers.items() if k.startswith("X-")}


def locales_in(locales_dir: Path) -> list[str]:
    """The locales that have a catalog below ``locales_dir``."""
    return sorted(p.parent.parent.name for p in locales_dir.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def update(locales_dir: Path, locales: list[str] | None = None) -> list[Updated]:
    """Merge ``messages.pot`` into each catalog, as ``pybabel update`` does.

    New texts arrive untranslated, changed ones fuzzy (with the previous English shown),
    removed ones are dropped (``Updated.obsolete`` counts them). ``X-`` headers such as the
    review status are kept; a review header that is missing is restored from git when the
    committed file has one. A catalog whose text does not change is not written.

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
        restored = None
        if not extra.get(REVIEW_HEADER):
            restored = committed_review(path)
            if restored:
                extra[REVIEW_HEADER] = restored
        catalog.update(template, update_header_comment=False)
        obsolete = len(catalog.obsolete)
        written = _write(path, catalog, extra)
        messages = [m for m in catalog if m.id]
        done.append(
            Updated(
                locale,
                path,
                untranslated=sum(1 for m in messages if not _translated(m.string)),
                fuzzy=sum(1 for m in messages if m.fuzzy),
                obsolete=obsolete,
                written=written,
                restored_review=restored,
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


def _load(locales_dir: Path, locale: str) -> tuple[Path, Catalog]:
    path = po_path(locales_dir, locale)
    with path.open("rb") as fh:
        return path, read_po(fh, locale=locale)


def todo(locales_dir: Path, locale: str, everything: bool = False) -> list[dict[str, Any]]:
    """Entries of ``locale`` that need a translator: untranslated or fuzzy (or all).

    Each item has ``context``, ``msgid`` (and ``msgid_plural`` with ``nplurals``), ``notes``
    (the author's note as one string),
    ``tags`` (``safety``, ``button``, ``fuzzy``), ``placeholders``, the current
    ``translation`` and, for fuzzy entries, the ``previous`` English.
    """
    _, catalog = _load(locales_dir, locale)
    out: list[dict[str, Any]] = []
    for msg in catalog:
        if not msg.id:
            continue
        done = _translated(msg.string) and not msg.fuzzy
        if done and not everything:
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        tags = [
            tag
            for tag, present in (
                ("safety", any(c.startswith(SAFETY_TAG) for c in msg.auto_comments)),
                ("button", any(c.startswith(BUTTON_TAG) for c in msg.auto_comments)),
                ("fuzzy", msg.fuzzy),
            )
            if present
        ]
        notes = " ".join(
            c for c in msg.auto_comments if not c.startswith((SAFETY_TAG, BUTTON_TAG, "Keep {"))
        )
        names: set[str] = set()
        for msgid in ids:
            names |= placeholder_names(msgid) or set()
        item: dict[str, Any] = {
            "context": msg.context or "",
            "msgid": ids[0],
            "notes": notes,
            "tags": tags,
            "placeholders": sorted(names),
            "translation": msg.string if isinstance(msg.string, str) else list(msg.string or ()),
        }
        if len(ids) > 1:
            item["msgid_plural"] = ids[1]
            item["nplurals"] = catalog.num_plurals
        if msg.fuzzy:
            previous = msg.previous_id[0] if msg.previous_id else _previous_comment(msg)
            if previous:
                item["previous"] = previous
        out.append(item)
    return out


@dataclass(frozen=True, slots=True)
class Filled:
    """What ``fill`` did: entries applied and entries refused, with why."""

    applied: int
    refused: list[str]


def fill(locales_dir: Path, locale: str, items: list[dict[str, Any]]) -> Filled:
    """Apply translations ``[{"context", "msgid", "translation"}]`` to ``locale``'s catalog.

    A translation is refused (and the entry left as it was) when its placeholders differ
    from the English, a plural has the wrong number of forms, or a button label is longer
    than the limit. Applied entries lose their fuzzy flag. ``X-`` headers are kept.
    """
    path, catalog = _load(locales_dir, locale)
    extra = _extra_headers(path)
    applied, refused = 0, []
    for item in items:
        context, msgid = str(item.get("context", "")), str(item.get("msgid", ""))
        where = f"[{context}] {msgid[:40]!r}"
        msg = catalog.get(msgid, context=context or None)
        if msg is None:
            refused.append(f"{where}: not in the catalog (run `neutroguide i18n update`)")
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        source: set[str] = set()
        for one in ids:
            source |= placeholder_names(one) or set()
        value = item.get("translation")
        forms = [value] if isinstance(value, str) else list(value or [])
        plural = len(ids) > 1
        if plural and len(forms) != catalog.num_plurals:
            refused.append(f"{where}: give {catalog.num_plurals} plural forms, not {len(forms)}")
            continue
        if not forms or not all(isinstance(f, str) and f.strip() for f in forms):
            refused.append(f"{where}: empty translation")
            continue
        bad = [f for f in forms if not placeholders_match(source, f, plural)]
        if bad:
            wanted = ", ".join("{" + n + "}" for n in sorted(source)) or "none"
            refused.append(f"{where}: placeholders must be exactly {wanted}")
            continue
        is_button = any(c.startswith(BUTTON_TAG) for c in msg.auto_comments)
        if is_button and any(len(f) > MAX_LABEL for f in forms):
            refused.append(f"{where}: a button label has at most {MAX_LABEL} characters")
            continue
        msg.string = forms[0] if not plural else tuple(forms)
        msg.flags.discard("fuzzy")
        msg.previous_id = []
        applied += 1
    _write(path, catalog, extra)
    return Filled(applied, refused)
