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
