"""Closed-loop load through the fake Bot API: NeutroGuide against a bare PTB echo bot.

Each simulated user does one step at a time and waits for the bot's answer before the next:
for the echo bot a step is "send text, get it back"; for NeutroGuide it is "press a button
the bot sent, get the next step" (every reply saved in SQLite, old keyboard removed, button
answered). Both bots run in the same process, against the same fake server, one after the
other, so the ratio compares like with like.

    .venv/bin/python -m bench.telegram --users 50 --seconds 10 --rounds 3
"""

from __future__ import annotations

import sys

if __package__ in (None, ""):
    # Run as a file, this module would shadow the ``telegram`` package it benchmarks.
    sys.exit("run it as a module from the repo root: python -m bench.telegram")

import argparse
import asyncio
import logging
import random
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bot.channels.telegram import ChannelOptions, build_application, serve
from bot.service import Conversations, Outbound, Outcome
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import make_settings
from tests.support.telegram_fakes import ScriptedConversations

FIRST_USER = 10_000_000


@dataclass(frozen=True, slots=True)
class Result:
    """Figures for one bot."""

    name: str
    steps: int
    seconds: float
    latencies: list[float]

    @property
    def rate(self) -> float:
        return self.steps / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    def line(self) -> str:
        return (
            f"{self.name:<12} {self.rate:8.1f} steps/s   p50 {self.percentile(0.5):7.1f} ms"
            f"   p99 {self.percentile(0.99):7.1f} ms   ({self.steps} steps)"
        )


async def closed_loop(
    name: str, users: int, seconds: float, step: Callable[[int], Awaitable[None]]
) -> Result:
    """Run ``users`` loops of ``step(user)`` for ``seconds``; count and time the steps."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def loop(user: int) -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            await step(user)
            latencies.append(time.monotonic() - started)

    began = time.monotonic()
    await asyncio.gather(*(loop(FIRST_USER + n) for n in range(users)))
    return Result(name, len(latencies), time.monotonic() - began, latencies)


async def echo_bot(fake: FakeBotAPI, users: int, seconds: float) -> Result:
    """The baseline: PTB's echo bot (no storage, one sendMessage per update)."""

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.message is not None and update.message.text is not None
        await update.message.reply_text(update.message.text)

    application: Application[Any, Any, Any, Any, Any, Any] = (
        ApplicationBuilder()
        .token(fake.token)
        .base_url(f"{fake.url}/bot")
        .base_file_url(f"{fake.url}/file/bot")
        .concurrent_updates(256)
        .connection_pool_size(256)
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))

    async def step(user: int) -> None:
        before = len(fake.chat(user))
        done = fake.expect_in_chat(user, lambda: len(fake.chat(user)) > before)
        fake.send_text(user, f"hello {before}")
        await done

    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=5)
        result = await closed_loop("echo bot", users, seconds, step)
        await application.updater.stop()
        await application.stop()
    return result


async def neutroguide(
    fake: FakeBotAPI,
    users: int,
    seconds: float,
    db: Path,
    scripted: bool = False,
) -> Result:
    """NeutroGuide with real content and a SQLite store, pressing the buttons it sends.

    With ``scripted``, the service is a stand-in that answers every input with the same
    step at once: what is left is the channel's own cost.
    """
    settings = make_settings(fake, db)
    conversations: Any
    if scripted:
        step_reply = Outcome((Outbound("A step.", (("One", "s.0"), ("Two", "s.1"))),))
        conversations = ScriptedConversations(lambda inbound: step_reply)
    else:
        conversations = await Conversations.open(settings)
    # No client-side 30 msg/s cap here: the fake server is not Telegram, and the echo bot
    # has none either. 429 handling (retry_after) stays on.
    options = ChannelOptions(overall_max_rate=0, poll_timeout=5)
    application = build_application(settings, conversations, options)
    rng = random.Random(42)

    async def menu(user: int) -> None:
        before = len(fake.chat(user))
        done = fake.expect_in_chat(
            user, lambda: len(fake.chat(user)) > before and bool(fake.chat(user)[-1].buttons)
        )
        fake.send_text(user, "/menu")
        await done

    async def step(user: int) -> None:
        keyboards = fake.live_keyboards(user)
        if not keyboards:
            await menu(user)
            return
        message = keyboards[-1]
        _, data = rng.choice(message.buttons)
        fake.press(user, message, data)
        await fake.expect_answer(fake.last_query_id())

    stop, started = asyncio.Event(), asyncio.Event()
    # The bot's own receiving path (bot.channels.telegram.polling), as `neutroguide run` runs it.
    serving = asyncio.create_task(
        serve(application, conversations, settings, stop, options, started=started)
    )
    try:
        await started.wait()
        # Warm-up (not measured): every user opens the bot once.
        await asyncio.gather(*(menu(FIRST_USER + n) for n in range(users)))
        name = "channel only" if scripted else "NeutroGuide"
        result = await closed_loop(name, users, seconds, step)
    finally:
        stop.set()
        await serving
        await conversations.close()
    return result


async def run(users: int, seconds: float, rounds: int) -> list[list[Result]]:
    """Echo bot, NeutroGuide and the channel alone, interleaved ``rounds`` times.

    Interleaving spreads any background load on the machine over all three alike.
    """
    table: list[list[Result]] = [[], [], []]
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            async with FakeBotAPI() as fake:
                table[0].append(await echo_bot(fake, users, seconds))
            async with FakeBotAPI() as fake:
                db = Path(tmp) / f"bench{n}.db"
                table[1].append(await neutroguide(fake, users, seconds, db))
            async with FakeBotAPI() as fake:
                db = Path(tmp) / f"scripted{n}.db"
                table[2].append(await neutroguide(fake, users, seconds, db, scripted=True))
    return table


def _median(results: list[Result]) -> Result:
    """The round with the median rate."""
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    table = asyncio.run(run(args.users, args.seconds, args.rounds))
    echo, ours, channel = (_median(results) for results in table)
    print(
        f"{args.users} users, {args.rounds} rounds of {args.seconds:.0f} s per bot (median "
        f"round shown), Python {sys.version.split()[0]}"
    )
    for results in table:
        print(f"  {results[0].name}: " + ", ".join(f"{r.rate:.1f}" for r in results))
    print(echo.line())
    print(ours.line())
    print(channel.line())
    print(f"ratio NeutroGuide / echo   {ours.rate / echo.rate:5.2f}   (target 0.50 or more)")
    print(f"ratio channel only / echo  {channel.rate / echo.rate:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
