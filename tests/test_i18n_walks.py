"""German, Arabic and Polish families walk the fever check in the terminal chat.

Readings are typed the local way; the expected texts come from the real catalogs (rendered
through the same Renderer), and must differ from the English, so a missing translation fails.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Deployment
from bot.content.loader import load_dialogs
from bot.i18n.render import Catalogs, Renderer
from tests.support.content import ROOT

WALKS = [
    ("de", "37,4", "38,6"),
    ("ar", "٣٧٫٤", "38.6"),
    ("pl", "37,4", "38,6 st."),
]


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    dialogs = load_dialogs(ROOT / "dialogs")
    return Renderer(Catalogs.load(ROOT / "locales"), dialogs)


def chat(tmp_path: Path, lang: str, lines: list[str]) -> str:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'walk.db'}",
        "PSEUDONYM_KEY": "walk-key",
        "DEPLOYMENT_FILE": str(tmp_path / "none.yaml"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--lang", lang, "--user", f"walk-{lang}"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "below", "above"), WALKS, ids=[w[0] for w in WALKS])
def test_fever_walk_in_the_terminal(
    tmp_path: Path, renderer: Renderer, lang: str, below: str, above: str
) -> None:
    dialogs = load_dialogs(ROOT / "dialogs")
    watch = dialogs.nodes["fever/watch"].say[0].text
    threshold = {"fever_threshold": Deployment().fever_threshold}
    expected_watch = renderer.text(watch, lang, threshold)
    assert expected_watch != renderer.text(watch, "en", threshold), "fever/watch untranslated"
    urgent = dialogs.system["urgent_fever_no_team"]
    numbers = Deployment().placeholders()
    expected_urgent = renderer.text(urgent, lang, numbers)
    assert expected_urgent != renderer.text(urgent, "en", numbers)

    # /menu, then the first button (the fever check), a reading below the threshold;
    # again, and a reading above it: the safety screen answers in the same language.
    out = chat(tmp_path, lang, ["/menu", "1", below, "/menu", "1", above])
    assert expected_watch in out
    assert expected_urgent in out
    assert "999" in expected_urgent and "111" in expected_urgent
