"""/diary and /card through the real PTB Application and the fake Bot API: sendPhoto and
sendDocument with real files; the poster command as a real process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.content import ROOT
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import BotUnderTest

pytestmark = pytest.mark.slow

USER = 555_000_111


async def test_diary_and_card_arrive_as_photo_and_document(
    bot: BotUnderTest, fake: FakeBotAPI
) -> None:
    await bot.say(USER, "/start fever")
    answered = await bot.say(USER, "37.8")
    save = next(m for m in answered if any(d == "s.diary.save" for _, d in m.buttons))
    await bot.press(USER, save, "s.diary.save")
    sent = await bot.say(USER, "/diary")
    assert sent[0].media == "photo" and sent[0].file.startswith(b"\x89PNG")
    assert sent[0].file_name == "temperature-diary.png"
    assert "37.8 °C" in sent[1].text
    sent = await bot.say(USER, "/card")
    photo, pdf = sent[0], sent[1]
    assert photo.media == "photo" and photo.file.startswith(b"\x89PNG")
    assert pdf.media == "document" and pdf.file.startswith(b"%PDF-")
    assert pdf.file_name == "emergency-card.pdf"
    assert pdf.buttons, "the last message keeps the way back"
    assert fake.calls_to("sendPhoto", ok=True) and fake.calls_to("sendDocument", ok=True)


def test_poster_cli_writes_an_a4_pdf_with_the_deep_link(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in {"PSEUDONYM_KEY", "DEPLOYMENT_FILE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'p.db'}"
    env["DIALOGS_DIR"] = str(ROOT / "dialogs")
    env["LOCALES_DIR"] = str(ROOT / "locales")
    out = tmp_path / "poster.pdf"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "poster",
            "fever",
            "--lang",
            "ar",
            "--bot",
            "ng_bot",
            "-o",
            str(out),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "https://t.me/ng_bot?start=fever_ar" in run.stdout
    data = out.read_bytes()
    assert data.startswith(b"%PDF-") and b"/MediaBox [ 0 0 595.44 841.68 ]" in data
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "poster", "nope", "--lang", "ar", "--bot", "ng_bot"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 2 and "no topic 'nope'" in bad.stderr
