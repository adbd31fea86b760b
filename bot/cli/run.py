"""`neutroguide run`: the Telegram bot, by webhook when WEBHOOK_URL is set, else by polling."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from typing import Any

from bot.config import ConfigError, Settings, load_settings

NO_TOKEN = (
    "neutroguide run: TELEGRAM_TOKEN is not set.\n"
    "Get a token from @BotFather and set it, e.g.  export TELEGRAM_TOKEN=123456:ABC...\n"
    "To try the dialogs without Telegram, use:  neutroguide chat"
)


def add_parser(sub: Any) -> None:
    """Register `run`."""
    parser = sub.add_parser(
        "run",
        help="run the Telegram bot (webhook if WEBHOOK_URL is set, else polling)",
        description="Run the Telegram bot. Needs TELEGRAM_TOKEN; see docs/telegram.md.",
    )
    parser.add_argument(
        "--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"]
    )
    parser.set_defaults(func=_run)


class RedactFilter(logging.Filter):
    """Replaces the bot token wherever it appears in a log line (a second line of defence)."""

    def __init__(self, secret: str) -> None:
        super().__init__()
        self._secret = secret

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite the record's message without the secret; never drops a record."""
        message = record.getMessage()
        if self._secret and self._secret in message:
            record.msg = message.replace(self._secret, "<token>")
            record.args = None
        return True


def configure_logging(level: str, token: str) -> None:
    """Plain log lines on stderr, with the token redacted and HTTP request logs quietened."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactFilter(token))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs request URLs, which hold the token; transitions logs every state change.
    for name in ("httpx", "httpcore", "transitions"):
        logging.getLogger(name).setLevel(logging.WARNING)


def _run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as err:
        print(f"neutroguide run: {err}", file=sys.stderr)
        return 2
    if not settings.telegram_token:
        print(NO_TOKEN, file=sys.stderr)
        return 2
    configure_logging(args.log_level, settings.telegram_token)
    from bot.channels.telegram import StartupError
    from bot.content.loader import ContentError
    from bot.i18n.render import CatalogError
    from bot.safety.rules import RuleError
    from bot.store import StoreError

    try:
        return asyncio.run(_main(settings))
    except (ContentError, CatalogError, RuleError, StoreError, StartupError) as err:
        # Bad token, content, catalogs, rules or database: say what and where, no traceback.
        print(f"neutroguide run: {err}", file=sys.stderr)
        return 2


async def _main(settings: Settings) -> int:
    from bot.channels.telegram import run

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    await run(settings, stop)
    return 0
