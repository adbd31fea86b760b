"""The terminal chat, driven as a real subprocess with piped standard input."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.content import ROOT, good_dialogs


def chat(
    tmp_path: Path, lines: list[str], *args: str, dialogs: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'chat.db'}",
        "PSEUDONYM_KEY": "console-test-key",
        "DIALOGS_DIR": str(dialogs or good_dialogs(tmp_path / "dialogs")),
        "LOCALES_DIR": str(ROOT / "locales"),
        "DEPLOYMENT_FILE": str(tmp_path / "none.yaml"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", *args],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_walk_with_numbers_and_typed_input(tmp_path: Path) -> None:
    result = chat(tmp_path, ["2", "1", "37,2", "1", "38,5"], "--user", "alice")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Hello. Who is this for?\n  1. A child\n  2. Skip\n" in out
    assert "Pick one.\n  1. Check\n" in out
    assert "Type a temperature." in out
    assert "Check again later. Your last reading was 37.2 °C." in out
    # 38,5 is caught by the safety screen before the dialog: an urgent answer, marked "!!"
    urgent = out[out.index("\n!! ") :]
    assert "999" in urgent and "111" in urgent
    assert "1. Back to where I was" in urgent


@pytest.mark.slow
def test_same_user_resumes_after_restart(tmp_path: Path) -> None:
    first = chat(tmp_path, ["2", "1"], "--user", "bob")
    assert first.returncode == 0, first.stderr
    assert first.stdout.rstrip().endswith("Type a temperature.")
    second = chat(tmp_path, [], "--user", "bob")
    assert second.returncode == 0, second.stderr
    assert "Hello. Who is this for?" not in second.stdout
    assert second.stdout.strip() == "Type a temperature."
    other = chat(tmp_path, [], "--user", "carol")
    assert "Hello. Who is this for?" in other.stdout


@pytest.mark.slow
def test_commands_and_quit(tmp_path: Path) -> None:
    result = chat(tmp_path, ["/menu", "/back", "/quit", "this is never read"], "--user", "d")
    assert result.returncode == 0, result.stderr
    assert "Pick one." in result.stdout
    assert "never read" not in result.stdout


@pytest.mark.slow
def test_refuses_to_start_on_invalid_content(tmp_path: Path) -> None:
    dialogs = good_dialogs(tmp_path / "bad")
    (dialogs / "menu.yaml").write_text(
        (dialogs / "menu.yaml").read_text().replace("goto: calm", "goto: clam")
    )
    result = chat(tmp_path, ["1"], "--user", "e", dialogs=dialogs)
    assert result.returncode == 1
    assert "the bot will not start" in result.stderr
    assert "menu.yaml:" in result.stderr and "goto 'clam' leads nowhere" in result.stderr
    assert not (tmp_path / "chat.db").exists()


@pytest.mark.slow
def test_unknown_language_is_refused(tmp_path: Path) -> None:
    result = chat(tmp_path, [], "--user", "f", "--lang", "xx")
    assert result.returncode == 2
    assert "no translation for 'xx'" in result.stderr


def test_an_attachment_is_saved_under_its_own_name_only_never_over_another(
    tmp_path: Path,
) -> None:
    from bot.channels.console import save_attachment
    from bot.service import Attachment

    sneaky = Attachment("document", "../../outside.pdf", {}, b"%PDF-1.7 one")
    first = save_attachment(sneaky, tmp_path / "files")
    assert first == tmp_path / "files" / "outside.pdf"
    assert not (tmp_path.parent / "outside.pdf").exists()
    second = save_attachment(Attachment("document", "outside.pdf", {}, b"two"), first.parent)
    assert second.name == "outside-2.pdf"
    assert (first.read_bytes(), second.read_bytes()) == (b"%PDF-1.7 one", b"two")
