"""`neutroguide run` with no Telegram token: a terminal chat for a person, a refusal for a host."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.content import ROOT

pytestmark = pytest.mark.slow  # a real process on a pseudo-terminal


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"TELEGRAM_TOKEN", "PSEUDONYM_KEY", "DEPLOYMENT_FILE", "WEBHOOK_URL"}
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    env["DEPLOYMENT_FILE"] = str(tmp_path / "none.yaml")
    return env


def _read_until(fd: int, needle: bytes, timeout: float = 60.0) -> bytes:
    out = b""
    deadline = time.monotonic() + timeout
    while needle not in out and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if ready:
            try:
                out += os.read(fd, 65536)
            except OSError:  # the child closed the terminal
                break
    return out


def test_run_without_token_in_a_terminal_is_the_terminal_chat(tmp_path: Path) -> None:
    main, child = os.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        stdin=child,
        stdout=child,
        stderr=child,
        cwd=ROOT,
        env=_env(tmp_path),
    )
    os.close(child)
    try:
        first = _read_until(main, b"Ctrl-D")
        assert b"runs here in the terminal" in first, first
        os.write(main, b"/menu\n")
        menu = _read_until(main, b"Fever check")
        assert b"Fever check" in menu, menu
        os.write(main, b"\x04")  # Ctrl-D: the end of input
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main)
    assert (tmp_path / "bot.db").exists()  # the embedded default store was used


def test_run_without_token_and_no_terminal_refuses(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=_env(tmp_path),
        timeout=60,
    )
    assert result.returncode == 2
    assert "TELEGRAM_TOKEN is not set" in result.stderr
    assert "Traceback" not in result.stderr
