"""What keeps the fast subset fast (round 3): built objects shared while their inputs are the
same, and rebuilt as soon as they are not (docs/testing.md, 2026-12-08)."""

from __future__ import annotations

import gc
import os
import shutil
import ssl
from pathlib import Path

import pytest

from bot.content.loader import load_dialogs
from bot.engine.engine import _fold_keyword, _words
from bot.i18n.render import Catalogs
from bot.safety import Screener
from bot.safety.rules import RuleError, load_rule_file
from bot.search import SearchIndex
from bot.search import index as search_index
from tests.support.content import ROOT, good_dialogs, searching_engine, shipped_index
from tests.support.http import local_tls

# -- the search index ----------------------------------------------------------------------


def test_the_same_content_shares_one_index_and_its_built_languages() -> None:
    first = SearchIndex.shared(load_dialogs(ROOT / "dialogs"), Catalogs.load(ROOT / "locales"))
    # Catalogs.load gives a new object each time, over the same (cached) tables
    again = SearchIndex.shared(load_dialogs(ROOT / "dialogs"), Catalogs.load(ROOT / "locales"))
    assert again is first is shipped_index()
    first.find("what do I do about a temperature", "en")
    assert "en" in again._built  # a second service would not build English again


def test_edited_dialogs_get_an_index_of_their_own(tmp_path: Path) -> None:
    catalogs = Catalogs.load(ROOT / "locales")
    dialogs_dir = good_dialogs(tmp_path / "dialogs")
    before = SearchIndex.shared(load_dialogs(dialogs_dir), catalogs)
    page = next(iter(sorted(dialogs_dir.glob("*.yaml"))))
    page.write_text(page.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = load_dialogs(dialogs_dir)
    after = SearchIndex.shared(edited, catalogs)
    assert after is not before and after.dialogs is edited
    assert SearchIndex.shared(edited, catalogs) is after


def test_an_edited_catalog_gets_an_index_of_its_own(tmp_path: Path) -> None:
    dialogs = load_dialogs(ROOT / "dialogs")
    locales = tmp_path / "locales"
    po = locales / "fr" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "fr" / "LC_MESSAGES" / "messages.po", po)
    before = SearchIndex.shared(dialogs, Catalogs.load(locales))
    assert SearchIndex.shared(dialogs, Catalogs.load(locales)) is before
    po.write_text(po.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert SearchIndex.shared(dialogs, Catalogs.load(locales)) is not before


def test_only_the_last_contents_indexes_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_index, "SHARED_KEEP", 2)
    catalogs = Catalogs.load(ROOT / "locales")
    sets = [load_dialogs(good_dialogs(tmp_path / f"d{n}")) for n in range(3)]
    first = SearchIndex.shared(sets[0], catalogs)
    SearchIndex.shared(sets[1], catalogs)
    SearchIndex.shared(sets[2], catalogs)
    assert len(search_index._SHARED) <= 2
    assert SearchIndex.shared(sets[0], catalogs) is not first  # dropped, so made again


# -- the rule files and the screener -------------------------------------------------------

RULES = "signs:\n  floppy: [floppy, limp]\n"


def test_a_rule_file_is_read_once_while_its_text_is_the_same(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text(RULES, encoding="utf-8")
    first = load_rule_file(path)
    assert load_rule_file(path) is first
    # the same length written within the same mtime tick: only the text tells them apart
    stat = path.stat()
    path.write_text(RULES.replace("limp", "lame"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    edited = load_rule_file(path)
    assert edited is not first
    assert "lame" in {p.source for p in edited.phrases}


def test_the_same_text_elsewhere_or_as_another_language_is_read_for_itself(
    tmp_path: Path,
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one, two = tmp_path / "a" / "en.yaml", tmp_path / "b" / "en.yaml"
    one.write_text(RULES, encoding="utf-8")
    two.write_text(RULES, encoding="utf-8")
    assert load_rule_file(two) is not load_rule_file(one)
    assert {p.file for p in load_rule_file(two).phrases} == {str(two)}  # problems name it
    assert load_rule_file(one, "de").language == "de"
    assert load_rule_file(one).language == "en"


def test_a_broken_rule_file_is_reported_every_time(tmp_path: Path) -> None:
    path = tmp_path / "en.yaml"
    path.write_text("signs:\n  Very-Floppy: [floppy]\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(RuleError, match="lower-case"):
            load_rule_file(path)


def test_the_judge_shares_the_rules_compiled_alone() -> None:
    rules = Screener.load()
    judged = Screener.load(judge=True)
    assert rules.judge is None and judged.judge is not None
    assert judged._langs is rules._langs  # one compilation for both
    assert Screener.load(judge=True) is judged
    assert Screener.load().judge is None  # the rules' screener is not given the judge
    for text in ("she is floppy and will not wake up", "he has a runny nose"):
        alone, reviewed = rules.screen(text, "en"), judged.screen(text, "en")
        assert (alone and alone.kind) == (reviewed and reviewed.kind)


# -- the test helpers ----------------------------------------------------------------------


def test_local_clients_share_one_tls_context_that_still_verifies() -> None:
    context = local_tls()
    assert local_tls() is context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname


def test_what_was_imported_and_collected_is_frozen_for_the_run() -> None:
    assert gc.get_freeze_count() > 0


# -- the engine ------------------------------------------------------------------------------


def test_engines_fold_the_contents_keywords_once_and_never_remember_typed_text() -> None:
    first, second = searching_engine(), searching_engine()
    assert second._keywords == first._keywords
    assert _fold_keyword("Gorączka") == "goraczka" and _fold_keyword("حُمّى") == "حمى"
    remembered = _fold_keyword.cache_info().currsize
    assert _words("Meine Tochter hat Fieber, 38,9") == ["meine", "tochter", "hat", "fieber"]
    assert _fold_keyword.cache_info().currsize == remembered
