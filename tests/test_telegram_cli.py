"""`neutroguide run`: refuses to start without a token, runs as a process, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli.main import main
from bot.cli.run import RedactFilter
from bot.search.index import SearchIndex
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import PSEUDONYM_KEY, REPO, process_env

USER = 424_242_001


def test_run_without_token_says_what_to_do(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.delenv("TELEGRAM_TOKEN", raising=False)
    monkeypatch.setenv("DEPLOYMENT_FILE", str(tmp_path / "none.yaml"))
    assert main(["run"]) == 2
    err = capsys.readouterr().err
    assert "TELEGRAM_TOKEN" in err
    assert "neutroguide chat" in err


def test_redact_filter_hides_the_token() -> None:
    token = "123:secret-token"
    record = logging.LogRecord("x", logging.INFO, "f", 1, "GET /bot%s/getMe", (token,), None)
    assert RedactFilter(token).filter(record)
    assert token not in record.getMessage()
    assert "<token>" in record.getMessage()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotAPI]:
    async with FakeBotAPI() as server:
        yield server


@pytest.mark.slow
async def test_run_as_a_process_answers_and_stops_on_sigterm(
    fake: FakeBotAPI, tmp_path: Path
) -> None:
    env = process_env(fake, f"sqlite:///{tmp_path / 'run.db'}", tmp_path)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        env=env,
        cwd=tmp_path,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        fake.send_text(USER, "/start")
        await fake.wait_for(lambda: bool(fake.live_keyboards(USER)), within=30)
    finally:
        process.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            _, stderr = await process.communicate()
    log = stderr.decode()
    assert process.returncode == 0, log
    assert "polling" in log
    assert fake.token not in log
    assert str(USER) not in log


def test_deployment_example_names_every_setting() -> None:
    from bot.config import Deployment, load_deployment

    example = load_deployment(REPO / "deployment.example.yaml", {})
    text = (REPO / "deployment.example.yaml").read_text(encoding="utf-8")
    for name in Deployment.__dataclass_fields__:
        assert f"\n{name}:" in text, name
    assert isinstance(example, Deployment)


def test_procfile_commands_exist() -> None:
    from bot.cli.main import build_parser

    lines = (REPO / "Procfile").read_text(encoding="utf-8").splitlines()
    kinds = {line.split(":", 1)[0]: line.split(":", 1)[1].split() for line in lines if line}
    assert set(kinds) == {"web", "worker", "release"}
    parser = build_parser()
    for command in kinds.values():
        assert command[0] == "neutroguide"
        args = parser.parse_args(command[1:])
        assert callable(args.func)


def test_run_with_broken_dialogs_says_so_without_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    (dialogs / "broken.yaml").write_text("id: broken\nnodes: [\n", encoding="utf-8")
    monkeypatch.setenv("TELEGRAM_TOKEN", "1:unused")
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("DIALOGS_DIR", str(dialogs))
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("DEPLOYMENT_FILE", str(tmp_path / "none.yaml"))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert main(["run"]) == 2
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "broken.yaml" in err
    assert "Traceback" not in err


def test_run_against_an_unreachable_api_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    import socket

    # `run` builds every language's question search in a daemon thread (Polish alone takes
    # seconds); in this process that thread would outlive the test and slow the ones after it.
    # Record that it is asked for instead of building it.
    warmed = threading.Event()
    monkeypatch.setattr(SearchIndex, "warm", lambda self, langs=None: warmed.set())

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    closed_port = listener.getsockname()[1]
    listener.close()
    token = "12345:cli-test-token-never-printed"
    monkeypatch.setenv("TELEGRAM_TOKEN", token)
    monkeypatch.setenv("TELEGRAM_API_URL", f"http://127.0.0.1:{closed_port}")
    monkeypatch.setenv("DIALOGS_DIR", str(REPO / "dialogs"))
    monkeypatch.setenv("LOCALES_DIR", str(REPO / "locales"))
    monkeypatch.setenv("PSEUDONYM_KEY", PSEUDONYM_KEY)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    monkeypatch.setenv("DEPLOYMENT_FILE", str(tmp_path / "none.yaml"))
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        assert main(["run"]) == 2
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
    err = capsys.readouterr().err
    assert "TELEGRAM_API_URL" in err
    assert token not in err
    assert "Traceback" not in err
    assert warmed.wait(timeout=10), "run did not build the question search ahead"
