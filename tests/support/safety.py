"""The safety screen's test fixture and helper, shared by the tests/test_safety_*.py files."""

from __future__ import annotations

from functools import cache

import pytest

from bot.safety import Screener
from bot.safety.rules import RuleFile, load_rule_file
from bot.safety.screen import RULES_DIR


@pytest.fixture(scope="session")
def screener() -> Screener:
    """The screen over the shipped rule files (``Screener.load`` caches it per process)."""
    return Screener.load()


def screen_kind(screener: Screener, text: str, lang: str, threshold: float = 38.0) -> str | None:
    """What the screen makes of ``text`` at a 38.0 °C threshold: "urgent", "confirm" or None."""
    found = screener.screen(text, lang, threshold)
    return found.kind if found is not None else None


def urgent_key(screener: Screener, text: str, lang: str, threshold: float = 38.0) -> str | None:
    """The urgent answer's message key for ``text`` (None when it is not urgent)."""
    found = screener.screen(text, lang, threshold)
    return found.message_key if found is not None and found.kind == "urgent" else None


@cache
def shipped_rules(lang: str) -> RuleFile:
    """The shipped rule file of ``lang``, read once per run: reading one takes about 0.4 s, and
    several test modules read every language's (read-only: RuleFile is frozen)."""
    return load_rule_file(RULES_DIR / f"{lang}.yaml")
