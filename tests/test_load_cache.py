"""Dialogs and catalogs are read once per process while their files stay the same."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from bot.content.loader import load_dialogs
from bot.i18n.render import load_catalog

ROOT = Path(__file__).resolve().parents[1]
HELP_LINE = "In an emergency, do not wait for me. Call {emergency_number}."


def test_unchanged_dialogs_are_reused_and_an_edit_in_the_same_tick_is_seen(
    tmp_path: Path,
) -> None:
    dialogs = tmp_path / "dialogs"
    shutil.copytree(ROOT / "dialogs", dialogs)
    first = load_dialogs(dialogs)
    assert load_dialogs(dialogs) is first
    help_file = dialogs / "help.yaml"
    text = help_file.read_text(encoding="utf-8")
    assert HELP_LINE in text
    # Same length, same mtime tick most likely: only the content tells the edit apart.
    help_file.write_text(text.replace("do not wait", "do NOT wait"), encoding="utf-8")
    second = load_dialogs(dialogs)
    assert second is not first
    texts = [
        say.text.source
        for node in second.nodes.values()
        if node.dialog == "help"
        for say in node.say
    ]
    assert any("do NOT wait" in t for t in texts)


def test_a_broken_edit_is_reported_not_hidden_by_the_cache(tmp_path: Path) -> None:
    from bot.content.loader import ContentError

    dialogs = tmp_path / "dialogs"
    shutil.copytree(ROOT / "dialogs", dialogs)
    load_dialogs(dialogs)
    (dialogs / "help.yaml").write_text("id: help\nnodes: [\n", encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_dialogs(dialogs)
    assert "help.yaml" in str(err.value)


def test_a_catalog_is_reused_until_its_text_changes(tmp_path: Path) -> None:
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(ROOT / "locales/de/LC_MESSAGES/messages.po", po)
    first = load_catalog(po)
    assert load_catalog(po) is first
    po.write_text(po.read_text(encoding="utf-8").replace("Notruf", "NOTRUF"), encoding="utf-8")
    second = load_catalog(po)
    assert second is not first
    assert any("NOTRUF" in form for forms in second.entries.values() for form in forms)


def test_a_catalog_with_rejected_entries_warns_every_time_it_is_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    po = tmp_path / "de" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(ROOT / "tests/data/po/placeholder_lost.po", po)
    with caplog.at_level(logging.WARNING, logger="bot.i18n.render"):
        load_catalog(po)
        load_catalog(po)
    warned = [r for r in caplog.records if "changes its {placeholders}" in r.getMessage()]
    assert len(warned) == 2
