"""What several commands share: opening the service with a clear report on bad content."""

from __future__ import annotations

import sys

from bot.config import ConfigError, load_settings
from bot.content.loader import ContentError
from bot.service import Conversations
from bot.store import StoreError


async def open_service(local: bool = False) -> Conversations | None:
    """Open the service from the environment, or print why not and return ``None``.

    ``local``: for one person on this machine (see :meth:`Conversations.open`).
    """
    try:
        settings = load_settings()
        return await Conversations.open(settings, local=local)
    except ContentError as exc:
        print(
            f"The dialogs have {len(exc.problems)} problem(s); the bot will not start:",
            file=sys.stderr,
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return None
    except ConfigError as exc:
        print(f"Configuration problem: {exc}", file=sys.stderr)
        return None
    except StoreError as exc:
        print(f"Database problem: {exc}", file=sys.stderr)
        return None
