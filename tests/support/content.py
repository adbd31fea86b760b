"""Helpers for content tests: a small valid dialog set to add bad files to, and the engine
over the shipped content with the real question search."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.content.loader import load_dialogs
from bot.engine import Engine
from bot.i18n.keywords import translated_keywords
from bot.i18n.render import Catalogs
from bot.search import SearchIndex

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
GOOD = DATA / "dialogs_ok"
BAD = DATA / "dialogs_bad"

SETTINGS = {"emergency_number": "999", "urgent_advice_number": "111", "fever_threshold": 38.0}


def shipped_index() -> SearchIndex:
    """The question search over the shipped dialogs and catalogs, one per run for the same
    files (``SearchIndex.shared``): each language is built once, by whichever test asks first."""
    return SearchIndex.shared(load_dialogs(ROOT / "dialogs"), Catalogs.load(ROOT / "locales"))


def found_dialogs(index: SearchIndex, question: str, locale: str) -> list[str]:
    """The dialogs of the pages ``question`` finds, best first (one per button)."""
    return [page.split("/")[0] for page in index.find(question, locale).pages]


def searching_engine() -> Engine:
    """The engine over the shipped dialogs and catalogs, with their keywords and the search."""
    dialogs = load_dialogs(ROOT / "dialogs")
    catalogs = Catalogs.load(ROOT / "locales")
    return Engine(
        dialogs,
        SETTINGS,
        keywords=translated_keywords(catalogs, dialogs),
        finder=SearchIndex.shared(dialogs, catalogs),
    )


def good_dialogs(target: Path) -> Path:
    """Copy the small valid dialog set plus the real system messages into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in GOOD.glob("*.yaml"):
        shutil.copy(path, target / path.name)
    for path in (ROOT / "dialogs").glob("system*.yaml"):
        shutil.copy(path, target / path.name)
    return target


def expectation(path: Path) -> tuple[str, int]:
    """The ``# expect:`` message and ``# line:`` number written at the top of a bad file."""
    expect, line = "", 0
    for raw in path.read_text(encoding="utf-8").splitlines()[:3]:
        if raw.startswith("# expect:"):
            expect = raw.split(":", 1)[1].strip()
        elif raw.startswith("# line:"):
            line = int(raw.split(":", 1)[1])
    return expect, line


#: The review block every inline test dialog needs (7 lines), so tests show only what differs.
REVIEW_BLOCK = """\
review:
  status: draft
  reviewed: 2026-11-21
  next_review: 2027-05-21
  sources:
    - title: "A source"
      url: https://example.org
"""
