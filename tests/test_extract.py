"""The dialog extractor: msgid, msgctxt, translator comments and line numbers Babel sees."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po

from bot.i18n.extract import BUTTON_TAG, SAFETY_TAG, entries_from_text
from tests.support.content import REVIEW_BLOCK, ROOT

DIALOG = (
    """\
id: demo
title: Demo dialog
"""
    + REVIEW_BLOCK
    + """\
start: ask
nodes:
  ask:
    say: "Type the temperature, for example 38.2."
    input:
      kind: temperature
      save: last_temperature
      invalid:
        text: "Please type a number like 38.2."
        note: "Write the example number your language's way."
    goto: urgent
  urgent:
    safety: true
    say:
      - text: "Call {emergency_number} now."
        note: "The emergency number of the deployment."
    choices:
      - label: "Back to the menu"
        goto: ask
"""
)

SYSTEM = """\
system:
  not_understood: "Sorry, I did not understand that."
  untranslated:
    text: "{count} message is still in English."
    note: "Said in /about."
  untranslated_plural: "{count} messages are still in English."
"""


def _extract(tmp_path: Path, name: str, text: str) -> list[tuple[int, object, list[str], str]]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return list(extract_from_file("neutroguide_dialogs", str(path)))


def test_extractor_is_found_through_the_entry_point(tmp_path: Path) -> None:
    found = _extract(tmp_path, "demo.yaml", DIALOG)
    assert [(line, msg, ctx) for line, msg, _, ctx in found] == [
        (2, "Demo dialog", "demo/_title"),
        (13, "Type the temperature, for example 38.2.", "demo/ask"),
        (18, "Please type a number like 38.2.", "demo/ask"),
        (24, "Call {emergency_number} now.", "demo/urgent"),
        (27, "Back to the menu", "demo/urgent"),
    ]


def test_notes_become_translator_comments(tmp_path: Path) -> None:
    comments = {msg: c for _, msg, c, _ in _extract(tmp_path, "demo.yaml", DIALOG)}
    assert comments["Please type a number like 38.2."] == [
        "Write the example number your language's way."
    ]
    assert comments["Type the temperature, for example 38.2."] == []


def test_safety_texts_and_buttons_are_tagged(tmp_path: Path) -> None:
    comments = {msg: c for _, msg, c, _ in _extract(tmp_path, "demo.yaml", DIALOG)}
    urgent = comments["Call {emergency_number} now."]
    assert urgent[0] == "The emergency number of the deployment."
    assert any(c.startswith(SAFETY_TAG) for c in urgent)
    assert any("{emergency_number}" in c for c in urgent)
    label = comments["Back to the menu"]
    assert any(c.startswith(BUTTON_TAG) for c in label)
    assert not any(c.startswith(SAFETY_TAG) for c in label)


def test_system_key_with_plural_partner_is_one_plural_entry(tmp_path: Path) -> None:
    found = _extract(tmp_path, "system.yaml", SYSTEM)
    assert [(line, msg, ctx) for line, msg, _, ctx in found] == [
        (2, "Sorry, I did not understand that.", "system/not_understood"),
        (
            4,
            ("{count} message is still in English.", "{count} messages are still in English."),
            "system/untranslated",
        ),
    ]
    assert found[1][2][0] == "Said in /about."


def test_files_that_are_not_dialogs_give_nothing() -> None:
    assert entries_from_text("a: [unclosed") == []
    assert entries_from_text("- just\n- a list\n") == []
    assert entries_from_text("title: no id here\n") == []


def test_pybabel_extract_with_the_mapping_file(tmp_path: Path) -> None:
    (tmp_path / "dialogs").mkdir()
    (tmp_path / "dialogs" / "demo.yaml").write_text(DIALOG, encoding="utf-8")
    (tmp_path / "dialogs" / "system.yaml").write_text(SYSTEM, encoding="utf-8")
    (tmp_path / "babel.cfg").write_text((ROOT / "babel.cfg").read_text(), encoding="utf-8")
    (tmp_path / "bot").mkdir()
    (tmp_path / "bot" / "reply.py").write_text(
        "# TRANSLATORS: shown when the database is down.\n"
        'print(pgettext("errors/db", "Please try again in a minute."))\n',
        encoding="utf-8",
    )
    out = tmp_path / "messages.pot"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from babel.messages.frontend import main; sys.exit(main())",
            "extract",
            "-F",
            "babel.cfg",
            "-o",
            str(out),
            "-c",
            "TRANSLATORS:",
            ".",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    with out.open("rb") as fh:
        template = read_po(fh)
    urgent = template.get("Call {emergency_number} now.", context="demo/urgent")
    assert urgent is not None
    assert urgent.locations == [("dialogs/demo.yaml", 24)]
    assert "python-brace-format" in urgent.flags
    plural = template.get("{count} message is still in English.", context="system/untranslated")
    assert plural is not None
    assert plural.pluralizable
    assert plural.id[1] == "{count} messages are still in English."
    code = template.get("Please try again in a minute.", context="errors/db")
    assert code is not None
    assert code.locations == [("bot/reply.py", 2)]
    assert code.auto_comments == ["TRANSLATORS: shown when the database is down."]


def test_real_dialogs_extract_with_every_context_from_the_loader() -> None:
    from bot.content.loader import iter_files

    for path in iter_files(ROOT / "dialogs"):
        for entry in entries_from_text(path.read_text(encoding="utf-8"), str(path)):
            assert "/" in entry.text.context
            assert entry.text.line > 0
