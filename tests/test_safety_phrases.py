"""The red-flag phrase corpora (tests/data/redflags/<lang>.yaml) against the real rules."""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest
import yaml

from bot.safety import Screener
from bot.safety.screen import URGENT_KEYS

DATA = Path(__file__).parent / "data" / "redflags"
LANGUAGES = ("en", "es", "fr", "de", "ar", "pl")
MAX_FALSE_POSITIVE_RATE = 0.05
MIN_PHRASES = 40


def _corpus(lang: str) -> dict[str, list[str]]:
    data = yaml.safe_load((DATA / f"{lang}.yaml").read_text(encoding="utf-8"))
    return {kind: [str(t) for t in data.get(kind) or []] for kind in ("urgent", "confirm", "calm")}


def _cases(kind: str) -> list[tuple[str, str]]:
    return [(lang, text) for lang in LANGUAGES for text in _corpus(lang)[kind]]


def test_every_language_has_a_rule_file_and_a_corpus(screener: Screener) -> None:
    assert set(LANGUAGES) <= set(screener.languages)
    for lang in LANGUAGES:
        corpus = _corpus(lang)
        assert len(corpus["urgent"]) + len(corpus["confirm"]) >= MIN_PHRASES, lang
        assert len(corpus["calm"]) >= MIN_PHRASES, lang


@pytest.mark.parametrize(("lang", "text"), _cases("urgent"))
def test_warning_sign_gets_the_urgent_answer(screener: Screener, lang: str, text: str) -> None:
    found = screener.screen(text, lang)
    assert found is not None, f"{lang}: {text!r} was not flagged"
    assert found.kind == "urgent", f"{lang}: {text!r} -> {found}"
    assert found.message_key in URGENT_KEYS


@pytest.mark.parametrize(("lang", "text"), _cases("confirm"))
def test_negated_warning_sign_gets_the_confirming_question(
    screener: Screener, lang: str, text: str
) -> None:
    found = screener.screen(text, lang)
    assert found is not None, f"{lang}: {text!r} was not flagged"
    assert (found.kind, found.message_key) == ("confirm", "confirm_sign"), f"{lang}: {text!r}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_false_positive_rate(screener: Screener, lang: str) -> None:
    calm = _corpus(lang)["calm"]
    flagged = [(t, r) for t in calm if (r := screener.screen(t, lang)) is not None]
    rate = len(flagged) / len(calm)
    print(f"\nfalse positives {lang}: {len(flagged)}/{len(calm)} = {rate:.1%}")
    for text, result in flagged:
        print(f"  {text!r} -> {result.kind} {result.rule}")
    assert rate <= MAX_FALSE_POSITIVE_RATE, flagged


def test_screening_is_fast(screener: Screener) -> None:
    texts = [(t, lang) for lang in LANGUAGES for kind in _corpus(lang).values() for t in kind]
    for text, lang in texts:  # warm the typo memo as a running bot would be
        screener.screen(text, lang)
    times = []
    for text, lang in texts:
        start = time.perf_counter()
        screener.screen(text, lang)
        times.append(time.perf_counter() - start)
    median_us = statistics.median(times) * 1e6
    print(f"\nmedian screen: {median_us:.0f} µs over {len(texts)} messages")
    assert median_us < 1000  # measured about 40 µs; a generous bound for slow CI machines
