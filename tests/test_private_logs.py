"""`neutroguide run` logs nothing private at any level: no typed text, phone number, first name,
Telegram id, bot token or webhook secret, not even in a database error's traceback.

Each case runs the real bot as a process in webhook mode against the fake Bot API, talks to it,
forces a database error (a trigger that refuses log rows) and scans the whole of stderr.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli.run import configure_logging
from bot.store.sql import create_engine
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import PSEUDONYM_KEY, REPO

USER_ID = 731_902_411_7
FIRST_NAME = "Zebediah"
LAST_NAME = "Quillfeather"
PHONE = "+44 7700 900461"
TYPED = "my daughter Wilhelmina has a rash on her elbow"
FAILING = "Wilhelmina again, ring Ottoline on 07700900462"
WEBHOOK_SECRET = "webhook-secret-Xq7Vb2Lp9Rt4Mz8Kd"
TOKEN = "6150873329:AAHprivateTokenNeverLogged_abcdefghij"

#: Everything that must never reach a log line, with what it is (for the failure message).
PRIVATE = {
    "typed text": "rash on her elbow",
    "child's name": "Wilhelmina",
    "second name in text": "Ottoline",
    "phone number": "900461",
    "phone number in the failing text": "07700900462",
    "first name": FIRST_NAME,
    "last name": LAST_NAME,
    "telegram id": str(USER_ID),
    "bot token": TOKEN,
    "token secret part": TOKEN.split(":", 1)[1],
    "webhook secret": WEBHOOK_SECRET,
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Stderr:
    """Collects a process's stderr as it comes and wakes waiters on every line."""

    def __init__(self, stream: asyncio.StreamReader) -> None:
        self.text = ""
        self._stream = stream
        self._changed = asyncio.Condition()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while line := await self._stream.readline():
            async with self._changed:
                self.text += line.decode("utf-8", "replace")
                self._changed.notify_all()

    async def wait_for(self, needle: str, within: float = 30.0) -> None:
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(lambda: needle in self.text)


def _user() -> dict[str, Any]:
    return {
        "id": USER_ID,
        "is_bot": False,
        "first_name": FIRST_NAME,
        "last_name": LAST_NAME,
        "username": "zeb_quill",
        "language_code": "en",
    }


def _message(fake: FakeBotAPI, text: str) -> dict[str, Any]:
    update = fake.message_update(USER_ID, text)
    update["message"]["from"] = _user()
    update["message"]["chat"] = {**update["message"]["chat"], "first_name": FIRST_NAME}
    update["message"]["chat"]["last_name"] = LAST_NAME
    return fake.make_update(update)


def _refuse_log_rows(db: Path) -> None:
    """From now on every log row insert fails: the next handled message hits a database error."""
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TRIGGER refuse_logs BEFORE INSERT ON conversation_log "
            "BEGIN SELECT RAISE(ABORT, 'forced failure for the log test'); END"
        )


async def _send(fake: FakeBotAPI, mode: str, update: dict[str, Any]) -> None:
    if mode == "webhook":
        await fake.deliver(update)
    else:
        fake.redeliver(update)  # queued for getUpdates with the id make_update gave it


@pytest.mark.slow
@pytest.mark.parametrize(
    ("mode", "level"),
    [("webhook", "DEBUG"), ("webhook", "INFO"), ("webhook", "ERROR"), ("polling", "DEBUG")],
)
async def test_no_private_data_in_the_log_at_any_level(
    mode: str, level: str, tmp_path: Path
) -> None:
    db = tmp_path / "bot.db"
    port = _free_port()
    async with FakeBotAPI(token=TOKEN) as fake:
        env = {
            **os.environ,
            "TELEGRAM_TOKEN": TOKEN,
            "TELEGRAM_API_URL": fake.url,
            "WEBHOOK_SECRET": WEBHOOK_SECRET,
            "PORT": str(port),
            "DATABASE_URL": f"sqlite:///{db}",
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "DIALOGS_DIR": str(REPO / "dialogs"),
            "LOCALES_DIR": str(REPO / "locales"),
            "DEPLOYMENT_FILE": str(tmp_path / "none.yaml"),
        }
        env.pop("WEBHOOK_URL", None)
        if mode == "webhook":
            env["WEBHOOK_URL"] = f"http://127.0.0.1:{port}/telegram"
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "--log-level",
            level,
            env=env,
            cwd=tmp_path,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        log = Stderr(process.stderr)
        try:
            if mode == "webhook":
                await fake.wait_for(lambda: bool(fake.webhook.get("url")), within=30)
                assert fake.webhook.get("secret_token") == WEBHOOK_SECRET
            for text in ("/start", TYPED, f"call me on {PHONE}"):
                before = len(fake.chat(USER_ID))
                await _send(fake, mode, _message(fake, text))
                await fake.wait_for(lambda before=before: len(fake.chat(USER_ID)) > before, 30)
            _refuse_log_rows(db)
            await _send(fake, mode, _message(fake, FAILING))
            await log.wait_for("failed: ")  # the ERROR line about the failed update
        finally:
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                await process.wait()
                await log.task
    text = log.text
    assert process.returncode == 0, text
    assert "forced failure" in text or "IntegrityError" in text, text  # the error path ran
    assert "Traceback" in text, text  # with its traceback, where parameters used to hide
    if level == "DEBUG":
        assert "DEBUG" in text  # debug lines were written, and still nothing private
    leaks = {what: value for what, value in PRIVATE.items() if value in text}
    assert not leaks, f"{leaks} in the {level} log:\n{text}"


def _formatted(record: logging.LogRecord) -> str | None:
    """What the handler ``configure_logging`` installs writes for ``record`` (None: dropped)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:
        configure_logging("DEBUG", TOKEN, WEBHOOK_SECRET)
        handler = root.handlers[0]
        if not handler.filter(record):
            return None
        return handler.format(record)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def test_other_libraries_debug_records_are_dropped_ours_kept() -> None:
    dump = logging.LogRecord("telegram.ext.ExtBot", logging.DEBUG, "f", 1, "%s", (TYPED,), None)
    ours = logging.LogRecord("bot.service", logging.DEBUG, "f", 1, "turn done", None, None)
    warning = logging.LogRecord("httpx", logging.WARNING, "f", 1, "retrying", None, None)
    assert _formatted(dump) is None
    assert "turn done" in (_formatted(ours) or "")
    assert "retrying" in (_formatted(warning) or "")


def test_a_bot_api_body_that_is_not_json_is_logged_by_size_only() -> None:
    # What python-telegram-bot logs (telegram/request/_baserequest.py) for such an answer.
    body = f'{{"ok":true,"result":{{"text":"{TYPED}"'
    record = logging.LogRecord(
        "telegram.request",
        logging.ERROR,
        "f",
        1,
        'Can not load invalid JSON data: "%s"',
        (body,),
        None,
    )
    line = _formatted(record)
    assert line is not None and f"not JSON ({len(body)} characters)" in line
    assert TYPED not in line


def test_tokens_and_secrets_are_redacted_from_messages_and_tracebacks() -> None:
    other_token = "5550001112:AAE-another_token_of_the_right_shape12345"
    try:
        raise RuntimeError(f"POST /bot{TOKEN}/setWebhook secret_token={WEBHOOK_SECRET}")
    except RuntimeError:
        exc_info = sys.exc_info()
    record = logging.LogRecord(
        "bot.channels", logging.ERROR, "f", 1, "failed: %s", (other_token,), exc_info
    )
    line = _formatted(record)
    assert line is not None and "Traceback" in line and "setWebhook" in line
    for secret in (TOKEN, TOKEN.split(":")[1], WEBHOOK_SECRET, other_token):
        assert secret not in line
    assert "<token>" in line and "<secret>" in line


def test_the_engine_hides_sql_parameters() -> None:
    engine = create_engine("sqlite:///:memory:")
    assert engine.sync_engine.hide_parameters
