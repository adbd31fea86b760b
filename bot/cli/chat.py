"""``neutroguide chat``: talk to the bot in the terminal, no Telegram token needed."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import logging
import sys
from pathlib import Path
from typing import Any

from bot.channels.console import CHANNEL, ConsoleChat
from bot.cli.common import open_service


def add_parser(sub: Any) -> None:
    """Register ``chat``."""
    parser = sub.add_parser("chat", help="chat with the bot in the terminal (uses DATABASE_URL)")
    parser.add_argument("--lang", help="language to use, e.g. de (preview a translation)")
    parser.add_argument("--user", help="who you are; the same name resumes that conversation")
    parser.add_argument(
        "--no-rtl",
        action="store_true",
        help="print Arabic as stored, for a terminal that lays out right-to-left text itself",
    )
    parser.add_argument(
        "--files",
        type=Path,
        metavar="DIR",
        help="save pictures and files (/diary chart, /card) in DIR (default: this folder)",
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    return chat_in_terminal(args.user, args.lang, rtl=not args.no_rtl, files=args.files)


def chat_in_terminal(
    user: str | None, lang: str | None, rtl: bool = True, files: Path | None = None
) -> int:
    """Chat in this terminal as ``user`` (default: the login name); the exit code."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return asyncio.run(_chat(user or getpass.getuser() or "local", lang, rtl, files))


async def _chat(user: str, lang: str | None, rtl: bool = True, files: Path | None = None) -> int:
    service = await open_service(local=True)
    if service is None:
        return 1
    try:
        if lang:
            if lang not in service.locales():
                print(
                    f"no translation for '{lang}'; available: {', '.join(service.locales())}",
                    file=sys.stderr,
                )
                return 2
            await service.set_locale(CHANNEL, user, lang)
        chat = ConsoleChat(service, user, language_code=lang, rtl=rtl, files=files)
        await chat.run(sys.stdin.readline, prompt=sys.stdin.isatty())
    finally:
        await service.close()
    return 0
