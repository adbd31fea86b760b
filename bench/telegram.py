"""Closed-loop load through the fake Bot API: the echo bot, the PTB peer and NeutroGuide.

Each simulated user does one step at a time and waits for the bot's answer before the next:

- **echo**: a bare PTB echo bot; a step is "send text, get it back";
- **peer**: the bot a developer would write from PTB's examples (bench/peer.py: a
  ``ConversationHandler`` with three inline-keyboard states and ``PicklePersistence``); a step
  is "press a button, get the callback answered and the message edited";
- **NeutroGuide**: real content, SQLite store, safety screen; a step is "press a button the
  bot sent, get the button answered and the next step";
- **channel** (``--bots ...,channel``): NeutroGuide's channel with a scripted service that costs
  nothing, i.e. what the Telegram side alone costs;
- **neutroguide-httpx**, **channel-httpx**: the same on PTB's own ``HTTPXRequest`` instead of
  the channel's aiohttp request class (bot/channels/telegram/request.py), for a before/after
  in one run; **peer-aiohttp**: the peer on that aiohttp class (the same client for both).

All bots run in one process against the same kind of fake server, interleaved round by round,
so background load on a shared machine falls on each alike. Printed per bot: steps/s, p50 and
p99 of a step, CPU ms per step (the whole process: the fake server's share included, so it is
a comparison between bots, not a bot's absolute cost) and Bot API calls per step
(``getUpdates`` excluded).

    .venv/bin/python -m bench.telegram --users 50 --seconds 8 --rounds 3
    .venv/bin/python -m bench.telegram --bots neutroguide,channel --rounds 1
    .venv/bin/python -m bench.telegram --open-loop 10,30,100 --users 300 --seconds 20
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
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from telegram import Update
from telegram.ext import Application, ApplicationBuilder, ContextTypes, MessageHandler, filters

from bench.peer import build_peer
from bot.channels.telegram import ChannelOptions, build_application, serve
from bot.channels.telegram.request import AiohttpRequest
from bot.service import Conversations, Outbound, Outcome
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import make_settings
from tests.support.telegram_fakes import ScriptedConversations

FIRST_USER = 10_000_000


@dataclass(frozen=True, slots=True)
class Result:
    """Figures for one bot in one round."""

    name: str
    steps: int
    seconds: float
    latencies: list[float]
    cpu_seconds: float
    calls: Counter[str] = field(default_factory=Counter)

    @property
    def rate(self) -> float:
        return self.steps / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    @property
    def cpu_ms(self) -> float:
        return self.cpu_seconds * 1000 / max(1, self.steps)

    @property
    def calls_per_step(self) -> float:
        return sum(self.calls.values()) / max(1, self.steps)

    def line(self) -> str:
        mix = ", ".join(f"{m} {n / max(1, self.steps):.2f}" for m, n in self.calls.most_common())
        return (
            f"{self.name:<12} {self.rate:8.1f} steps/s   p50 {self.percentile(0.5):7.1f} ms"
            f"   p99 {self.percentile(0.99):7.1f} ms   CPU {self.cpu_ms:5.2f} ms/step"
            f"   {self.calls_per_step:4.2f} calls/step ({mix})   [{self.steps} steps]"
        )


async def closed_loop(
    name: str,
    fake: FakeBotAPI,
    users: int,
    seconds: float,
    step: Callable[[int], Awaitable[None]],
) -> Result:
    """Run ``users`` loops of ``step(user)`` for ``seconds``; count and time the steps."""
    latencies: list[float] = []
    deadline = time.monotonic() + seconds

    async def loop(user: int) -> None:
        while time.monotonic() < deadline:
            started = time.monotonic()
            await step(user)
            latencies.append(time.monotonic() - started)

    calls_before = len(fake.calls)
    began, cpu = time.monotonic(), time.process_time()
    await asyncio.gather(*(loop(FIRST_USER + n) for n in range(users)))
    elapsed, cpu = time.monotonic() - began, time.process_time() - cpu
    calls = Counter(c.method for c in fake.calls[calls_before:] if c.method != "getUpdates")
    return Result(name, len(latencies), elapsed, latencies, cpu, calls)


async def open_loop(
    name: str,
    fake: FakeBotAPI,
    rate: float,
    seconds: float,
    step: Callable[[int], Awaitable[None]],
    users: int,
) -> Result:
    """Start a step every ``1 / rate`` seconds, whether or not earlier ones are done, each
    by a user who is not waiting for an answer; latency is from sending to the answer."""
    latencies: list[float] = []
    idle = list(range(FIRST_USER, FIRST_USER + users))
    running: set[asyncio.Task[None]] = set()

    async def one(user: int) -> None:
        started = time.monotonic()
        await step(user)
        latencies.append(time.monotonic() - started)
        idle.append(user)

    calls_before = len(fake.calls)
    began, cpu = time.monotonic(), time.process_time()
    for n in range(int(rate * seconds)):
        # Fixed arrival times: a late start (a busy loop) does not push the next one back.
        await asyncio.sleep(max(0.0, began + n / rate - time.monotonic()))
        if idle:
            task = asyncio.create_task(one(idle.pop(0)))
            running.add(task)
            task.add_done_callback(running.discard)
    await asyncio.gather(*running)
    elapsed, cpu = time.monotonic() - began, time.process_time() - cpu
    calls = Counter(c.method for c in fake.calls[calls_before:] if c.method != "getUpdates")
    return Result(name, len(latencies), elapsed, latencies, cpu, calls)


def presser(fake: FakeBotAPI, rng: random.Random) -> Callable[[int], Awaitable[bool]]:
    """A step for a keyboard bot: press a random button on the newest keyboard, wait until
    the button is answered and the chat changed (a new message or an edit). ``False`` when
    the user has no keyboard yet."""

    async def press(user: int) -> bool:
        chat = fake.chat(user)
        keyboards = [m for m in chat if m.buttons]
        if not keyboards:
            return False
        message = keyboards[-1]
        count, edits = len(chat), chat[-1].edits
        _, data = rng.choice(message.buttons)
        changed = fake.expect_in_chat(
            user, lambda: len(fake.chat(user)) > count or fake.chat(user)[-1].edits > edits
        )
        fake.press(user, message, data)
        await asyncio.gather(fake.expect_answer(fake.last_query_id()), changed)
        return True

    return press


async def command(fake: FakeBotAPI, user: int, text: str = "/menu") -> None:
    """Send a command and wait for a message with buttons."""
    before = len(fake.chat(user))
    done = fake.expect_in_chat(
        user, lambda: len(fake.chat(user)) > before and bool(fake.chat(user)[-1].buttons)
    )
    fake.send_text(user, text)
    await done


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
        result = await closed_loop("echo", fake, users, seconds, step)
        await application.updater.stop()
        await application.stop()
    return result


async def peer_bot(
    fake: FakeBotAPI, users: int, seconds: float, pickle: Path, aiohttp: bool = False
) -> Result:
    """The ConversationHandler + PicklePersistence peer (bench/peer.py); with ``aiohttp``, on
    NeutroGuide's request class instead of PTB's default (httpx)."""
    request = AiohttpRequest(connection_pool_size=256) if aiohttp else None
    application = build_peer(fake.token, fake.url, pickle, request)
    press = presser(fake, random.Random(42))

    async def step(user: int) -> None:
        if not await press(user):
            await command(fake, user)

    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(timeout=5)
        await asyncio.gather(*(command(fake, FIRST_USER + n) for n in range(users)))
        name = "peer (aiohttp)" if aiohttp else "peer"
        result = await closed_loop(name, fake, users, seconds, step)
        await application.updater.stop()
        await application.stop()
    return result


async def neutroguide(
    fake: FakeBotAPI,
    users: int,
    seconds: float,
    db: Path,
    scripted: bool = False,
    rates: Sequence[float] = (),
    http_client: Literal["aiohttp", "httpx"] = "aiohttp",
) -> list[Result]:
    """NeutroGuide with real content and a SQLite store, pressing the buttons it sends.

    With ``scripted``, the service is a stand-in that answers every input with the same
    step at once: what is left is the channel's own cost. With ``rates``, open-loop runs at
    those rates (steps per second) instead of the closed loop.
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
    options = ChannelOptions(overall_max_rate=0, poll_timeout=5, http_client=http_client)
    application = build_application(settings, conversations, options)
    press = presser(fake, random.Random(42))

    async def step(user: int) -> None:
        if not await press(user):
            await command(fake, user)

    stop, started = asyncio.Event(), asyncio.Event()
    # The bot's own receiving path (bot.channels.telegram.polling), as `neutroguide run` runs it.
    serving = asyncio.create_task(
        serve(application, conversations, settings, stop, options, started=started)
    )
    try:
        await started.wait()
        # Warm-up (not measured): every user opens the bot once.
        await asyncio.gather(*(command(fake, FIRST_USER + n) for n in range(users)))
        name = ("channel" if scripted else "NeutroGuide") + (
            "" if http_client == "aiohttp" else f" ({http_client})"
        )
        if not rates:
            return [await closed_loop(name, fake, users, seconds, step)]
        return [await open_loop(f"{rate:g}/s", fake, rate, seconds, step, users) for rate in rates]
    finally:
        stop.set()
        await serving
        await conversations.close()


BOTS = (
    "echo",
    "peer",
    "neutroguide",
    "channel",
    "neutroguide-httpx",
    "channel-httpx",
    "peer-aiohttp",
)


async def run(users: int, seconds: float, rounds: int, bots: Sequence[str]) -> list[list[Result]]:
    """The ``bots`` (names from :data:`BOTS`), interleaved ``rounds`` times."""
    table: list[list[Result]] = [[] for _ in bots]
    with tempfile.TemporaryDirectory() as tmp:
        for n in range(rounds):
            for column, bot in enumerate(bots):
                async with FakeBotAPI() as fake:
                    where = Path(tmp) / f"{bot}{n}"
                    if bot == "echo":
                        result = await echo_bot(fake, users, seconds)
                    elif bot.startswith("peer"):
                        pickle = where.with_suffix(".pkl")
                        aio = bot == "peer-aiohttp"
                        result = await peer_bot(fake, users, seconds, pickle, aiohttp=aio)
                    else:
                        client: Literal["aiohttp", "httpx"] = (
                            "httpx" if bot.endswith("-httpx") else "aiohttp"
                        )
                        db = where.with_suffix(".db")
                        (result,) = await neutroguide(
                            fake,
                            users,
                            seconds,
                            db,
                            scripted=bot.startswith("channel"),
                            http_client=client,
                        )
                table[column].append(result)
    return table


async def _open_loop(users: int, seconds: float, rates: list[float]) -> list[Result]:
    with tempfile.TemporaryDirectory() as tmp:
        async with FakeBotAPI() as fake:
            return await neutroguide(fake, users, seconds, Path(tmp) / "open.db", rates=rates)


def _median(results: list[Result]) -> Result:
    """The round with the median rate."""
    return sorted(results, key=lambda r: r.rate)[len(results) // 2]


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--bots", default="echo,peer,neutroguide", help=f"comma-separated, of {', '.join(BOTS)}"
    )
    parser.add_argument(
        "--open-loop",
        default="",
        help="comma-separated rates (steps/s): NeutroGuide open-loop instead, e.g. 10,30,100",
    )
    args = parser.parse_args(argv)
    if args.open_loop:
        rates = [float(r) for r in args.open_loop.split(",")]
        logging.basicConfig(level=logging.WARNING)
        results = asyncio.run(_open_loop(args.users, args.seconds, rates))
        print(f"NeutroGuide open loop, {args.seconds:.0f} s per rate, {args.users} users")
        for result in results:
            print(result.line())
        return 0
    bots = [b.strip() for b in args.bots.split(",") if b.strip()]
    if unknown := set(bots) - set(BOTS):
        parser.error(f"unknown bots: {', '.join(sorted(unknown))}")
    logging.basicConfig(level=logging.WARNING)
    table = asyncio.run(run(args.users, args.seconds, args.rounds, bots))
    medians = [_median(results) for results in table]
    print(
        f"{args.users} users, {args.rounds} rounds of {args.seconds:.0f} s per bot (median "
        f"round shown), Python {sys.version.split()[0]}"
    )
    for results in table:
        print(f"  {results[0].name}: " + ", ".join(f"{r.rate:.1f}" for r in results))
    for result in medians:
        print(result.line())
    rates = {bot: result.rate for bot, result in zip(bots, medians, strict=True)}
    for a, b in (("neutroguide", "peer"), ("neutroguide", "echo"), ("peer", "echo")):
        if a in rates and b in rates:
            print(f"ratio {a} / {b}  {rates[a] / rates[b]:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
