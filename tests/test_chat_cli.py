"""``neutroguide chat`` as a first-time user runs it: the installed command, from an empty
folder, with nothing set but the database, driven through piped standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import arabic_reshaper
import pytest
from bidi import get_display

from bot.channels.terminal_text import columns
from bot.content.loader import load_dialogs
from bot.i18n.render import Catalogs
from tests.support.content import ROOT

pytestmark = pytest.mark.slow  # real processes over the real dialogs

COMMAND = Path(sys.executable).with_name("neutroguide")


def chat(
    tmp_path: Path, lines: list[str], *args: str, columns_: int = 80
) -> subprocess.CompletedProcess[str]:
    drop = {"PSEUDONYM_KEY", "DIALOGS_DIR", "LOCALES_DIR", "DEPLOYMENT_FILE", "TELEGRAM_TOKEN"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update({"DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}", "COLUMNS": str(columns_)})
    folder = tmp_path / "anywhere"
    folder.mkdir(exist_ok=True)
    return subprocess.run(
        [str(COMMAND), "chat", "--user", "first-timer", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=folder,  # no dialogs/ or locales/ here: the shipped ones are used
        timeout=120,
        check=False,
    )


def test_runs_from_any_folder_without_a_production_warning(tmp_path: Path) -> None:
    result = chat(tmp_path, ["/menu"])
    assert result.returncode == 0, result.stderr
    assert "I am NeutroGuide" in result.stdout
    assert "What would you like to know?" in result.stdout
    assert "PSEUDONYM_KEY" not in result.stderr
    assert result.stderr.strip() == ""
    assert (tmp_path / "chat.db.key").exists()  # the local key file is still made


def test_text_is_wrapped_to_the_terminal_without_breaking_words(tmp_path: Path) -> None:
    result = chat(tmp_path, ["/menu", "Food"], columns_=40)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert all(columns(line) <= 40 for line in lines if " " in line.strip()), lines
    shown = " ".join(result.stdout.split())
    # the food page's first sentence, whole words in order, across lines
    assert "You do not need a special neutropenic diet." in shown
    assert max(columns(line) for line in lines) > 30  # it does use the width


def test_arabic_reads_right_to_left(tmp_path: Path) -> None:
    dialogs = load_dialogs(ROOT / "dialogs")
    fever = dialogs.nodes[dialogs.menu].choices[0].label  # "Fever check"
    label = Catalogs.load(ROOT / "locales").lookup("ar", fever)
    assert label
    result = chat(tmp_path, ["/menu"], "--lang", "ar", columns_=60)
    assert result.returncode == 0, result.stderr
    shown = str(get_display(arabic_reshaper.reshape(f"1. {label}"), base_dir="R"))
    line = next(line for line in result.stdout.splitlines() if line.endswith(shown))
    assert columns(line) == 60  # flush right, in display order, letters joined
    assert label not in result.stdout
    plain = chat(tmp_path, ["/menu"], "--lang", "ar", "--no-rtl", columns_=60)
    assert f"  1. {label}" in plain.stdout


def test_settings_shows_the_chosen_condition(tmp_path: Path) -> None:
    result = chat(
        tmp_path,
        ["/settings", "The condition", "Autoimmune neutropenia (AIN)", "/settings"],
    )
    assert result.returncode == 0, result.stderr
    before, after = result.stdout.split("Do you know the name of the condition?", 1)
    assert "You have not told me the condition." in before
    assert "The condition is autoimmune neutropenia (AIN)." in after


def test_the_english_blood_count_reads_a_comma_decimal(tmp_path: Path) -> None:
    result = chat(tmp_path, ["/start blood_count", "Read my result", "Like 0.5 (×10⁹/L)", "0,4"])
    assert result.returncode == 0, result.stderr
    assert "This count is in the severe band" in result.stdout
    assert "could not read that" not in result.stdout
