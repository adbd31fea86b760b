"""Babel extractor for ``dialogs/*.yaml``: English source as msgid, dialog/node path as msgctxt.

Registered as the ``neutroguide_dialogs`` entry point in the ``babel.extractors`` group, so
``pybabel extract -F babel.cfg -o locales/messages.pot .`` reads the dialog files. Each text
yields ``(lineno, "pgettext", (context, source), comments)``; Babel turns that into a catalog
entry with ``msgctxt``. Translator comments carry the author's note and machine-readable tags
(:data:`SAFETY_TAG`, :data:`BUTTON_TAG`) that ``neutroguide i18n check`` looks for.

A system message ``key`` with a partner ``key_plural`` is one plural entry (``npgettext``):
the first is the singular English text, the second the plural; both use ``{count}``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, Any

import yaml

from bot.content.loader import (
    MAX_LABEL,
    _FileReader,
    _Pending,
    _read_dialog,
    _read_system,
    placeholders,
)
from bot.content.model import Dialog, Text
from bot.content.problems import Problem
from bot.content.yamlpos import YMap, load_with_positions

#: Translator-comment prefix of texts shown in an emergency (``safety: true`` in the YAML).
SAFETY_TAG = "SAFETY-CRITICAL:"
#: Translator-comment prefix of button labels.
BUTTON_TAG = "BUTTON:"
#: Suffix of the system key that holds the English plural of another key.
PLURAL_SUFFIX = "_plural"

#: Tag comments are kept under Babel's 76-column wrap so each stays one line.
SAFETY_COMMENT = f"{SAFETY_TAG} urgent advice; shown in English until translated."
BUTTON_COMMENT = f"{BUTTON_TAG} a button label; at most {MAX_LABEL} characters."


@dataclass(frozen=True, slots=True)
class Entry:
    """One catalog entry found in a dialog file."""

    text: Text
    button: bool = False
    plural: Text | None = None

    def comments(self) -> list[str]:
        """Translator comments: the note, then tags for buttons, safety and placeholders."""
        out: list[str] = []
        if self.text.note:
            out.extend(line for line in self.text.note.splitlines() if line.strip())
        if self.button:
            out.append(BUTTON_COMMENT)
        if self.text.safety:
            out.append(SAFETY_COMMENT)
        names = placeholders(self.text.source)
        if self.plural is not None:
            names |= placeholders(self.plural.source)
        if names:
            listed = ", ".join("{" + n + "}" for n in sorted(names))
            out.append(f"Keep {listed} as written.")
        return out


def _dialog_entries(dialog: Dialog) -> Iterator[Entry]:
    yield Entry(dialog.title)
    if dialog.keywords_text is not None:
        yield Entry(dialog.keywords_text)
    for node in dialog.nodes.values():
        for say in node.say:
            yield Entry(say.text)
        if node.input is not None and node.input.invalid is not None:
            yield Entry(node.input.invalid)
        for choice in node.choices:
            yield Entry(choice.label, button=True)


def _system_entries(system: Mapping[str, Text]) -> Iterator[Entry]:
    for key, text in system.items():
        if key.endswith(PLURAL_SUFFIX) and key.removesuffix(PLURAL_SUFFIX) in system:
            continue
        yield Entry(text, plural=system.get(key + PLURAL_SUFFIX))


def entries_from_text(source: str, filename: str = "<dialog>") -> list[Entry]:
    """Every translatable entry of one dialog or system file, in line order.

    Structural problems (unknown keys, bad links) are the validator's business and are
    ignored here; a file that is not YAML or not a mapping gives no entries.
    """
    try:
        data = load_with_positions(source)
    except yaml.YAMLError:
        return []
    if not isinstance(data, YMap):
        return []
    reader = _FileReader(filename, list[Problem](), _Pending())
    if "system" in data:
        found = list(_system_entries(_read_system(reader, data)))
    else:
        dialog = _read_dialog(reader, data) if "id" in data else None
        found = list(_dialog_entries(dialog)) if dialog is not None else []
    return sorted((e for e in found if e.text.source), key=lambda e: e.text.line)


def extract_dialogs(
    fileobj: IO[bytes],
    keywords: Collection[str],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[int, str, tuple[str, ...], list[str]]]:
    """Babel extraction method for dialog YAML files.

    Args:
        fileobj: the file, opened in binary mode by Babel.
        keywords: Babel's keywords; ``pgettext`` and ``npgettext`` must be among them
            (they are by default).
        comment_tags: unused; every note is a translator comment.
        options: ``encoding`` (default utf-8).

    Yields:
        ``(lineno, funcname, messages, comments)``: ``("pgettext", (context, msgid))`` or
        ``("npgettext", (context, singular, plural))``.
    """
    del keywords, comment_tags
    encoding = str(options.get("encoding", "utf-8"))
    name = str(getattr(fileobj, "name", "<dialog>"))
    for entry in entries_from_text(fileobj.read().decode(encoding), name):
        text = entry.text
        if entry.plural is not None:
            messages: tuple[str, ...] = (text.context, text.source, entry.plural.source)
            yield text.line, "npgettext", messages, entry.comments()
        else:
            yield text.line, "pgettext", (text.context, text.source), entry.comments()
