"""`neutroguide run`: the Telegram bot, by webhook when WEBHOOK_URL is set, else by polling."""

from __future__ import annotations

import argparse
import asyncio
import logging
import re
import signal
import sys
from typing import Any

from bot.config import ConfigError, Settings, load_settings

NO_TOKEN = (
    "neutroguide run: TELEGRAM_TOKEN is not set.\n"
    "Get a token from @BotFather and set it, e.g.  export TELEGRAM_TOKEN=123456:ABC...\n"
    "To try the dialogs without Telegram, use:  neutroguide chat"
)
NO_TOKEN_CHAT = (
    "TELEGRAM_TOKEN is not set, so the bot runs here in the terminal (Ctrl-D to stop).\n"
    "To run it on Telegram, get a token from @BotFather and  export TELEGRAM_TOKEN=123456:ABC..."
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


#: A Telegram bot token anywhere in a line: ``<bot id>:<35 or so letters, digits, _ and ->``.
TOKEN_PATTERN = re.compile(r"\d+:[A-Za-z0-9_-]{30,}")
#: Libraries whose records below these levels carry payloads: PTB dumps updates and request
#: parameters (texts, chat ids, names, the webhook secret), httpx logs URLs with the token,
#: aiosqlite and SQLAlchemy log SQL parameters. Records from them below INFO are dropped
#: anyway by :class:`RedactFilter`; these caps also spare the work of formatting them.
THIRD_PARTY_LEVELS = {
    "telegram": logging.INFO,
    "httpx": logging.WARNING,
    "httpcore": logging.WARNING,
    "aiohttp": logging.WARNING,
    "aiosqlite": logging.WARNING,
    "asyncpg": logging.WARNING,
    "sqlalchemy": logging.WARNING,
    "alembic": logging.INFO,
    "uvicorn": logging.INFO,
    "asyncio": logging.WARNING,
    "transitions": logging.WARNING,
}
#: Our own loggers: the only ones whose DEBUG records are written.
OWN_LOGGERS = ("bot", "__main__")


class Redactor:
    """Removes bot tokens (by shape, and ``token`` exactly) and other secrets from a text."""

    def __init__(self, token: str | None, *secrets: str | None) -> None:
        tokens = {token, token.partition(":")[2]} if token else set()
        pairs = [(t, "<token>") for t in tokens if t] + [(s, "<secret>") for s in secrets if s]
        # Longest first, so a secret that contains another is removed whole.
        self._pairs = sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)

    def __call__(self, text: str) -> str:
        """``text`` with every token replaced by ``<token>`` and every secret by ``<secret>``."""
        text = TOKEN_PATTERN.sub("<token>", text)
        for secret, mark in self._pairs:
            text = text.replace(secret, mark)
        return text


#: The start of python-telegram-bot's log line that quotes a Bot API answer body.
_PTB_BODY_DUMP = "Can not load invalid JSON data"


class RedactFilter(logging.Filter):
    """Drops other libraries' records below INFO and redacts secrets from the message."""

    def __init__(self, token: str | None, *secrets: str | None) -> None:
        super().__init__()
        self._redact = Redactor(token, *secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        """``False`` for a third-party record below INFO; else rewrite the message, keep it."""
        if record.levelno < logging.INFO and not _is_own(record.name):
            return False
        if record.name.startswith("telegram") and str(record.msg).startswith(_PTB_BODY_DUMP):
            # PTB logs a Bot API answer that is not JSON whole, at ERROR; after a broken 200
            # that body can hold the message sent (a person's health advice): its size only.
            body = record.args[0] if isinstance(record.args, tuple) and record.args else ""
            record.msg = "the Bot API answered something that is not JSON (%d characters)"
            record.args = (len(str(body)),)
        message = record.getMessage()
        redacted = self._redact(message)
        if redacted != message:
            record.msg = redacted
            record.args = None
        return True


class RedactingFormatter(logging.Formatter):
    """Formats as usual, then redacts the whole line, traceback and exception text included."""

    def __init__(self, fmt: str, token: str | None, *secrets: str | None) -> None:
        super().__init__(fmt)
        self._redact = Redactor(token, *secrets)

    def format(self, record: logging.LogRecord) -> str:
        """The formatted record without tokens or secrets."""
        return self._redact(super().format(record))


def _is_own(name: str) -> bool:
    return any(name == own or name.startswith(own + ".") for own in OWN_LOGGERS)


def configure_logging(level: str, token: str, *secrets: str | None) -> None:
    """Plain log lines on stderr that hold no private data at any level.

    Other libraries are capped (see :data:`THIRD_PARTY_LEVELS`) and their DEBUG records
    dropped; the token (and any token-shaped text), its secret part and ``secrets`` (the
    webhook secret) are redacted from every line, tracebacks included. SQL parameters are
    hidden by the store's engine; our own code never logs texts, names or Telegram ids.
    """
    hidden = (token, *secrets)
    handler = logging.StreamHandler()
    handler.setFormatter(
        RedactingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s", *hidden)
    )
    handler.addFilter(RedactFilter(*hidden))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name, cap in THIRD_PARTY_LEVELS.items():
        logging.getLogger(name).setLevel(max(cap, logging.getLevelName(level)))
    logging.getLogger(__name__).debug(
        "logging at %s; other libraries at INFO or above, secrets redacted", level
    )


def _run(args: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigError as err:
        print(f"neutroguide run: {err}", file=sys.stderr)
        return 2
    if not settings.telegram_token:
        if sys.stdin.isatty():  # someone trying it out: the terminal chat, same dialogs and store
            print(NO_TOKEN_CHAT, file=sys.stderr)
            from bot.cli.chat import chat_in_terminal

            return chat_in_terminal(None, None)
        print(NO_TOKEN, file=sys.stderr)  # a host (Procfile) without a token: refuse clearly
        return 2
    from bot.channels.telegram import StartupError
    from bot.channels.telegram.app import webhook_secret

    configure_logging(args.log_level, settings.telegram_token, webhook_secret(settings))
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
    # The channel also runs the daily purge (retention_days): it deletes the removed people's
    # topics in the nurses' group, which only it can reach.
    await run(settings, stop)
    return 0
