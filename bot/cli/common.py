"""What several commands share: opening the service with a clear report on bad content, and
running a command on the store named by ``DATABASE_URL``."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

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
        if local and settings.deployment.nurse_desk:
            # The terminal has no nurses' group to pass a question to: "Ask a nurse" would
            # promise an answer that never comes, so it is not offered here.
            settings = replace(settings, deployment=replace(settings.deployment, nurse_group=""))
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


def store_command(
    prog: str,
    command: Callable[[Any, argparse.Namespace], Awaitable[int]],
    open_store: Callable[[str], Awaitable[Any]],
    wrap: Callable[[Any], Any] = lambda store: store,
) -> Callable[[argparse.Namespace], int]:
    """An argparse ``func`` that runs ``command(wrap(store), args)`` on the store that
    ``open_store(DATABASE_URL)`` opens, closes it, and turns a bad setting or an unusable
    store into one line on stderr (exit 1). A reader that stops early (``| head``) ends it
    quietly."""

    async def with_store(url: str, args: argparse.Namespace) -> int:
        store = await open_store(url)
        try:
            return int(await command(wrap(store), args))
        finally:
            await store.close()

    def run(args: argparse.Namespace) -> int:
        try:
            return int(asyncio.run(with_store(load_settings().database_url, args)))
        except (ConfigError, StoreError) as exc:
            print(f"neutroguide {prog}: {exc}", file=sys.stderr)
            return 1
        except BrokenPipeError:  # piped into `head` or a pager that quit: stop quietly
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0

    return run
