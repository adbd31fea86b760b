"""Compiling the rules takes seconds: unchanged files reuse the screener, changed ones do not."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.safety import Screener
from bot.safety.screen import RULES_DIR


@pytest.mark.slow  # two full compilations of the rule files: several seconds
def test_unchanged_rules_reuse_the_screener_and_an_edit_recompiles(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    first = Screener.load(rules)
    assert Screener.load(rules) is first
    en = rules / "en.yaml"
    text = en.read_text(encoding="utf-8")
    en.write_text(text + "\n# edited\n", encoding="utf-8")
    stat = en.stat()
    os.utime(en, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    second = Screener.load(rules)
    assert second is not first
    assert second.screen("she had a fit", "en") is not None
