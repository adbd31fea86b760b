"""``neutroguide poster TOPIC --lang xx``: a printable A4 poster with a QR code for a clinic."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from bot.cli.common import open_service
from bot.documents import Poster, poster_pdf
from bot.documents.text import is_rtl


def add_parser(sub: Any) -> None:
    """Register ``poster``."""
    parser = sub.add_parser(
        "poster",
        help="make an A4 PDF poster whose QR code opens a topic in one language",
        description=(
            "The QR code holds https://t.me/<bot>?start=<topic>_<lang>; scanning it opens "
            "the topic in that language. The bot's username comes from --bot, else "
            "bot_username in the deployment file (or BOT_USERNAME)."
        ),
    )
    parser.add_argument("topic", help="a dialog id, e.g. fever, sepsis, food")
    parser.add_argument("--lang", default="en", help="language code (default: en)")
    parser.add_argument("--bot", default="", help="the bot's Telegram username, without @")
    parser.add_argument(
        "-o", "--output", type=Path, default=None, help="PDF to write (default: TOPIC_LANG.pdf)"
    )
    parser.set_defaults(func=_run)


def _run(args: argparse.Namespace) -> int:
    return asyncio.run(_poster(args))


async def _poster(args: argparse.Namespace) -> int:
    service = await open_service()
    if service is None:
        return 2
    try:
        try:
            payload = service.start_link(args.topic, args.lang)
        except ValueError as exc:
            print(f"Cannot make that poster: {exc}", file=sys.stderr)
            return 2
        bot = (args.bot or service.settings.deployment.bot_username or "").lstrip("@")
        if not bot:
            print(
                "Which bot? Give --bot NAME or set bot_username in the deployment file.",
                file=sys.stderr,
            )
            return 2
        lang = payload.rsplit("_", 1)[1]
        renderer, dialogs = service.renderer, service.dialogs
        note = ""
        if service.catalogs.unchecked(lang):
            note = renderer.text(dialogs.system["translation_unchecked"], lang)
        poster = Poster(
            renderer.text(dialogs.dialogs[args.topic].title, lang),
            renderer.text(dialogs.system["poster_line"], lang),
            f"https://t.me/{bot}?start={payload}",
            note,
            is_rtl(lang),
        )
        output: Path = args.output or Path(f"{payload}.pdf")
        data = await asyncio.to_thread(poster_pdf, poster)
        tmp = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        tmp.replace(output)
        print(f"Wrote {output} ({len(data) // 1024} KB): {poster.url}")
        return 0
    finally:
        await service.close()
