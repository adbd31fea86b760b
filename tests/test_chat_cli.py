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


def _printed_files(stdout: str) -> list[str]:
    return [line.removeprefix("📎 ") for line in stdout.splitlines() if line.startswith("📎 ")]


def test_card_and_diary_files_are_saved_in_this_folder(tmp_path: Path) -> None:
    lines = ["/card", "/start fever", "37.2", "1", "/diary", "/card"]
    result = chat(tmp_path, lines, columns_=200)
    assert result.returncode == 0, result.stderr
    here = tmp_path / "anywhere"
    names = [
        "emergency-card.png",
        "emergency-card.pdf",
        "temperature-diary.png",
        "emergency-card-2.png",  # a second /card keeps the first one
        "emergency-card-2.pdf",
    ]
    assert _printed_files(result.stdout) == [str(here / name) for name in names]
    # each path under its caption
    assert "The same card as a PDF, to print.\n📎 " in result.stdout
    assert "last 14 days. You can show this to your care team.\n📎 " in result.stdout
    for name in names:
        data = (here / name).read_bytes()
        assert data.startswith(b"%PDF-" if name.endswith(".pdf") else b"\x89PNG\r\n\x1a\n"), name
        assert (here / name).stat().st_mode & 0o077 == 0  # only for this user
    assert sorted(p.name for p in here.iterdir()) == sorted(names)


def test_files_go_to_the_folder_asked_for_or_a_calm_line_says_why_not(tmp_path: Path) -> None:
    wanted = tmp_path / "out" / "cards"
    result = chat(tmp_path, ["/card"], "--files", str(wanted))
    assert result.returncode == 0, result.stderr
    assert _printed_files(result.stdout) == [
        str(wanted / "emergency-card.png"),
        str(wanted / "emergency-card.pdf"),
    ]
    assert (wanted / "emergency-card.pdf").read_bytes().startswith(b"%PDF-")
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    refused = chat(tmp_path, ["/card", "/menu"], "--files", str(blocked))
    assert refused.returncode == 0, refused.stderr
    assert "📎 emergency-card.png: not saved (" in refused.stdout
    assert "What would you like to know?" in refused.stdout  # the chat goes on
    assert "Traceback" not in refused.stderr


def test_a_nurses_group_is_not_offered_in_the_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The terminal cannot pass a question to the nurses' group, so "Ask a nurse" (which would
    say "your message is with the nurses") is left off its menu."""
    monkeypatch.setenv("NURSE_GROUP", "-1001234567890")
    result = chat(tmp_path, ["/menu"])
    assert result.returncode == 0, result.stderr
    assert "What would you like to know?" in result.stdout
    assert "Ask a nurse" not in result.stdout
