"""Round 7 of the question search (docs/content.md): the bench counts the dialog a message
opened, not only the step it ends on. Every question here was written for these tests, not
taken from a test set.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml

from bot.content.loader import load_dialogs
from bot.i18n.render import Catalogs
from bot.search import SearchIndex
from tests.support.content import ROOT


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex(load_dialogs(ROOT / "dialogs"), Catalogs.load(ROOT / "locales"))


def _dialogs(index: SearchIndex, question: str, locale: str) -> list[str]:
    return [page.split("/")[0] for page in index.find(question, locale).pages]


# -- the bench ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("search_blind", ROOT / "bench/search_blind.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["search_blind"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def engine(bench: ModuleType, index: SearchIndex):  # type: ignore[no-untyped-def]
    dialogs = load_dialogs(ROOT / "dialogs")
    catalogs = Catalogs.load(ROOT / "locales")
    keywords = bench.translated_keywords(catalogs, dialogs)
    return bench.Engine(dialogs, bench.SETTINGS, keywords=keywords, finder=index)


def _measure(bench: ModuleType, engine, tmp_path: Path, questions, **kw):  # type: ignore[no-untyped-def]
    path = tmp_path / "en.yaml"
    path.write_text(yaml.safe_dump({"questions": questions}), encoding="utf-8")
    return bench.measure(engine, path, **kw)


def test_the_bench_counts_a_dialog_that_returns_to_the_menu(
    bench: ModuleType, engine, tmp_path: Path
) -> None:
    # the nurse dialog says there is no nurse here and goes back to the menu
    questions = [{"text": "Speak to a nurse", "page": "nurse"}]
    assert _measure(bench, engine, tmp_path, questions).found == 1
    assert _measure(bench, engine, tmp_path, questions, end_step=True).found == 0


def test_the_bench_does_not_count_a_search_answer_as_opened(
    bench: ModuleType, engine, tmp_path: Path
) -> None:
    # a question that gets buttons opens nothing: the buttons are scored, not the menu
    questions = [{"text": "can my son keep his hamster in his bedroom", "page": "nurse"}]
    result = _measure(bench, engine, tmp_path, questions)
    assert result.found == 0
    assert _measure(bench, engine, tmp_path, questions, end_step=True).found == 0
