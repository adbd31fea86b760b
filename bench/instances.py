"""Two webhook instances on PostgreSQL against one, the same load: real ``neutroguide run``
processes, the fake Bot API playing Telegram in this process.

    .venv/bin/python -m bench.instances --users 50 --seconds 15

Each of ``--users`` people sends /start, then presses a button of the last message, again and
again, waiting for the webhook's answer (the bot answers 200 once the update is handled).
With two instances each update goes to either, at random, so a person's turns move between
processes (the advisory lock keeps them whole). Printed: steps per second for one instance,
then two, and the ratio. Not a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from tests.support.cli import neutroguide
from tests.support.db import postgres_database
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import process_env

SECRET = "bench-instances-secret"
FIRST_CHAT = 616_000_000


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _measure(database: str, tmp: Path, instances: int, users: int, seconds: float) -> float:
    async with FakeBotAPI() as fake:
        env = process_env(fake, database, tmp, WEBHOOK_SECRET=SECRET)
        ports = [_free_port() for _ in range(instances)]
        processes = []
        for n, port in enumerate(ports):
            run_env = {**env, "PORT": str(port), "WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram"}
            log = (tmp / f"instance{instances}-{n}.log").open("wb")
            processes.append(
                await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "bot", "run", env=run_env, cwd=tmp, stderr=log
                )
            )
        queries = itertools.count(1)
        rng = random.Random(5)
        limits = httpx.Limits(max_connections=users, max_keepalive_connections=users)
        client = httpx.AsyncClient(timeout=60, limits=limits)
        try:
            await fake.wait_calls("setWebhook", instances, within=120)

            async def post(update: dict[str, Any]) -> None:
                url = f"http://127.0.0.1:{rng.choice(ports)}/telegram"
                headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
                response = await client.post(url, json=update, headers=headers)
                response.raise_for_status()

            def press(chat: int) -> dict[str, Any] | None:
                keyboards = fake.live_keyboards(chat)
                if not keyboards:
                    return None
                message = keyboards[-1]
                query_id = f"q{chat}-{next(queries)}"
                fake.callback_ids.add(query_id)
                query = {
                    "id": query_id,
                    "from": fake.user(chat),
                    "chat_instance": f"ci{chat}",
                    "data": rng.choice(message.buttons)[1],
                    "message": message.to_api(fake.private_chat(chat)),
                }
                return fake.make_update({"callback_query": query})

            steps = 0
            deadline = time.monotonic() + seconds

            async def person(chat: int) -> None:
                nonlocal steps
                await post(fake.make_update(fake.message_update(chat, "/start")))
                while time.monotonic() < deadline:
                    update = press(chat) or fake.make_update(fake.message_update(chat, "/menu"))
                    await post(update)
                    steps += 1

            began = time.monotonic()
            await asyncio.gather(*(person(FIRST_CHAT + n) for n in range(users)))
            return steps / (time.monotonic() - began)
        finally:
            await client.aclose()
            for process in processes:
                process.terminate()
            for process in processes:
                await process.wait()


async def main_async(users: int, seconds: float, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        async with postgres_database() as database:
            migrated = neutroguide(database, "db", "upgrade", cwd=tmp)
            if migrated.returncode != 0:
                raise SystemExit(migrated.stderr)
            for n in range(rounds):
                one = await _measure(database, tmp, 1, users, seconds)
                two = await _measure(database, tmp, 2, users, seconds)
                print(
                    f"round {n + 1}: one instance {one:6.1f} steps/s, two {two:6.1f} steps/s, "
                    f"ratio {two / one:4.2f}"
                )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    asyncio.run(main_async(args.users, args.seconds, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
