"""The translator workflow functions: previous English for fuzzy entries, and no stale ``#|``."""

from __future__ import annotations

from pathlib import Path

from bot.i18n.workflow import fill, todo

PO = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: de\\n"
"X-Medical-Review: not checked by a professional medical translator\\n"
"MIME-Version: 1.0\\n"

#. Keep the numbers.
#, fuzzy
#| msgid "mild: 1000 to 1500"
msgctxt "blood_count/bands"
msgid "mild: 1000 to below 1500"
msgstr "leicht: 1000 bis 1500"
"""


def test_fuzzy_entry_shows_previous_english_and_fill_drops_it(tmp_path: Path) -> None:
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    [item] = todo(tmp_path, "de")
    assert item["previous"] == "mild: 1000 to 1500"
    assert item["msgid"] == "mild: 1000 to below 1500"
    result = fill(tmp_path, "de", [{**item, "translation": "leicht: 1000 bis unter 1500"}])
    assert result.applied == 1
    text = po.read_text(encoding="utf-8")
    assert "#|" not in text and "# |" not in text
    assert 'msgstr "leicht: 1000 bis unter 1500"' in text
    assert "X-Medical-Review: not checked" in text
    assert todo(tmp_path, "de") == []


LONG_OLD = (
    "Water can carry germs. One germ, Cryptosporidium (often called Crypto), can give a bad "
    "tummy bug. It can be serious and last a long time when the immune system is weak."
)
LONG_NEW = LONG_OLD.replace("One germ", "One of them")


def test_a_long_changed_text_keeps_its_previous_english_readable_and_update_settles(
    tmp_path: Path,
) -> None:
    """A previous English longer than a line was written as unquoted ``#|`` lines that
    neither polib nor Babel could read back, so the next ``i18n update`` crashed."""
    import polib

    from bot.i18n.workflow import update

    def entry(msgid: str, translated: bool) -> str:
        msgstr = "Wasser kann Keime tragen." if translated else ""
        return f'msgctxt "water/topics"\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'

    header = PO.split("\n\n", 1)[0] + "\n\n"
    (tmp_path / "messages.pot").write_text(header + entry(LONG_NEW, False), encoding="utf-8")
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(header + entry(LONG_OLD, True), encoding="utf-8")
    [first] = update(tmp_path)
    assert first.fuzzy == 1 and first.written
    [fuzzy] = [e for e in polib.pofile(str(po)) if e.msgid]
    assert fuzzy.msgid == LONG_NEW and fuzzy.previous_msgid == LONG_OLD
    assert "fuzzy" in fuzzy.flags
    [second] = update(tmp_path)
    assert not second.written
    [item] = todo(tmp_path, "de")
    assert item["previous"] == LONG_OLD
