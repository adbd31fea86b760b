#!/usr/bin/env python3
"""A git merge driver for gettext catalogs: merge by entry, not by line.

Two branches that each add strings (and their translations) touch neighbouring lines of every
``.po`` file, so a line merge conflicts although the entries never do. This driver merges the
three versions entry by entry: an entry added on one side is added, a translation changed on
one side only is taken, an entry removed on one side (and untouched on the other) is removed.
When both sides changed the same entry differently it keeps ours, prints the entry and exits 1
so git reports the file as conflicted. Run ``neutroguide i18n extract`` and ``i18n update``
afterwards to bring locations and the template in line.

Set up once per clone (not committed config, because git never runs drivers it was not told
about)::

    git config merge.po.name "gettext catalogs, merged by entry"
    git config merge.po.driver ".venv/bin/python scripts/merge_po.py %O %A %B %P"

``.gitattributes`` routes ``locales/**/*.po`` and ``messages.pot`` to it.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po

from bot.i18n.workflow import serialize

Key = tuple[str | tuple[str, ...], str | None]


def _read(path: str) -> Catalog:
    with open(path, "rb") as fh:
        return read_po(fh)


def _key(msg: Message) -> Key:
    msg_id = msg.id if isinstance(msg.id, str) else tuple(msg.id)
    return (msg_id, msg.context)


def _entries(catalog: Catalog) -> dict[Key, Message]:
    return {_key(m): m for m in catalog if m.id}


def _same(a: Message | None, b: Message | None) -> bool:
    if a is None or b is None:
        return a is b
    return (a.string, a.fuzzy) == (b.string, b.fuzzy)


def merge(base: Catalog, ours: Catalog, theirs: Catalog) -> tuple[Catalog, list[Key]]:
    """Ours with theirs' one-sided changes applied; keys both sides changed differently."""
    o, a, b = _entries(base), _entries(ours), _entries(theirs)
    conflicts: list[Key] = []
    for key, msg in b.items():
        if key not in a:
            if key not in o:  # added by them
                ours.add(
                    msg.id,
                    msg.string,
                    locations=msg.locations,
                    flags=msg.flags,
                    auto_comments=msg.auto_comments,
                    user_comments=msg.user_comments,
                    previous_id=msg.previous_id,
                    context=msg.context,
                )
            continue
        if _same(a[key], b[key]):
            continue
        if key in o and _same(a[key], o[key]):  # changed by them only
            a[key].string = msg.string
            a[key].flags = set(msg.flags)
            a[key].user_comments = list(msg.user_comments)
        elif key in o and _same(b[key], o[key]):  # changed by us only
            continue
        elif not a[key].string or a[key].fuzzy:  # ours is untranslated: theirs is better
            a[key].string = msg.string
            a[key].flags = set(msg.flags)
        elif msg.string and not msg.fuzzy:
            conflicts.append(key)
    for key in o:
        if key in a and key not in b and _same(a[key], o[key]):  # removed by them
            ours.delete(a[key].id, context=a[key].context)
    return ours, conflicts


def _header_block(text: str) -> str:
    match = re.search(r'^msgid ""\nmsgstr ""\n(?:".*"\n)+', text, flags=re.MULTILINE)
    return match.group(0) if match else ""


def main(argv: list[str]) -> int:
    base_path, ours_path, theirs_path = argv[1:4]
    shown = argv[4] if len(argv) > 4 else ours_path
    ours_text = Path(ours_path).read_text(encoding="utf-8")
    merged, conflicts = merge(_read(base_path), _read(ours_path), _read(theirs_path))
    text = serialize(merged)  # the layout `neutroguide i18n update` writes
    # Keep our header exactly (X- headers such as the review status, the translator's names).
    header = _header_block(ours_text)
    if header:
        text = text.replace(_header_block(text), header, 1)
    Path(ours_path).write_text(text, encoding="utf-8")
    for msg_id, context in conflicts:
        print(f"{shown}: both sides changed {msg_id!r} (context {context!r}); kept ours")
    return 1 if conflicts else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
