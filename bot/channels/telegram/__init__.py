"""The Telegram channel (python-telegram-bot): the only package that imports ``telegram``."""

import os

# Opt in to PTB's coming timedelta durations now: otherwise every 429 (RetryAfter) raises a
# deprecation warning inside PTB itself. The channel never reads these durations as numbers.
os.environ.setdefault("PTB_TIMEDELTA", "1")

from bot.channels.telegram.app import (
    ALLOWED_UPDATES,
    ChannelOptions,
    StartupError,
    build_application,
    quiet_http_logs,
    run,
    serve,
    set_commands,
    webhook_secret,
)
from bot.channels.telegram.handlers import RetryPolicy, TelegramHandlers
from bot.channels.telegram.text import MESSAGE_LIMIT, Part, compose, split_text

__all__ = [
    "ALLOWED_UPDATES",
    "MESSAGE_LIMIT",
    "ChannelOptions",
    "Part",
    "RetryPolicy",
    "StartupError",
    "TelegramHandlers",
    "build_application",
    "compose",
    "quiet_http_logs",
    "run",
    "serve",
    "set_commands",
    "split_text",
    "webhook_secret",
]
