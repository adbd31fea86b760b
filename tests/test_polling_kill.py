"""``kill -9`` during a burst loses nothing (issue 10 §1): a real ``neutroguide run`` polls
the fake Bot API, 60 updates across 6 chats arrive at once, the process is killed mid-burst
and started again. Every update is then answered, applied once (the log and processed ids
in the SQLite file), in each chat's order. An independent Conversations fed the same inputs
says what each chat must show.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.channels.telegram import compose
from bot.service import Conversations, Inbound
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import make_settings, process_env
from tests.support.waiting import wait_until

CHATS = [737_373_000 + n for n in range(6)]
COMMANDS = ["start", "menu", "help", "about", "settings", "menu", "back", "help", "about", "menu"]


def sequence(index: int) -> list[str]:
    """Each chat's ten commands: the same ones, rotated, so every chat's order differs."""
    return COMMANDS[index:] + COMMANDS[:index]


def state(db: Path) -> tuple[int, int, list[list[str]]]:
    """(processed ids, outbox entries, each person's commands in the order applied)."""
    with sqlite3.connect(db) as conn:
        processed = conn.execute("SELECT count(*) FROM processed_inputs").fetchone()[0]
        unsent = conn.execute("SELECT count(*) FROM outbox").fetchone()[0]
        rows = conn.execute(
            "SELECT pseudonym, message_id FROM conversation_log"
            " WHERE direction = 'in' AND kind = 'command' ORDER BY id"
        ).fetchall()
    applied: dict[str, list[str]] = {}
    for pseudonym, command in rows:
        applied.setdefault(pseudonym, []).append(command)
    return int(processed), int(unsent), sorted(applied.values())


def processed_now(db: Path) -> int:
    try:
        return state(db)[0]
    except sqlite3.Error:
        return 0  # not created yet, or busy


def is_subsequence(expected: Sequence[str], shown: Sequence[str]) -> bool:
    """``expected`` in order within ``shown``; delivery is at least once, so an answer sent
    just before the kill may show twice."""
    remaining = iter(shown)
    return all(any(text == seen for seen in remaining) for text in expected)


async def start_bot(env: dict[str, str], cwd: Path, log: Path) -> asyncio.subprocess.Process:
    with log.open("ab") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=cwd, stderr=stderr
        )


async def expected_chats(fake: FakeBotAPI, tmp_path: Path) -> dict[int, list[str]]:
    oracle = await Conversations.open(make_settings(fake, tmp_path / "oracle.db"))
    try:
        expected: dict[int, list[str]] = {}
        for index, chat in enumerate(CHATS):
            texts: list[str] = []
            for command in sequence(index):
                inbound = Inbound("telegram", str(chat), "command", command, language_code="en")
                texts += [p.text for p in compose((await oracle.handle(inbound)).messages)]
            expected[chat] = texts
        return expected
    finally:
        await oracle.close()


@pytest.mark.slow
async def test_kill_9_during_a_burst_then_restart_answers_every_update_once_in_order(
    tmp_path: Path,
) -> None:
    db = tmp_path / "run.db"
    log = tmp_path / "bot.log"
    async with FakeBotAPI() as fake:
        env = process_env(fake, f"sqlite:///{db}", tmp_path)
        expected = await expected_chats(fake, tmp_path)
        total = sum(len(sequence(i)) for i in range(len(CHATS)))
        # A slow Bot API stretches the burst over seconds, so the kill lands in its middle.
        fake.slow("sendMessage", 0.1, times=1_000_000)

        first = await start_bot(env, tmp_path, log)
        try:
            # deleteWebhook is the last call before polling starts.
            await fake.wait_for(lambda: bool(fake.calls_to("deleteWebhook")), within=90)
            for step in range(len(COMMANDS)):  # interleaved across chats, in order per chat
                for index, chat in enumerate(CHATS):
                    fake.send_text(chat, "/" + sequence(index)[step])
            await fake.wait_for(lambda: len(fake.calls_to("sendMessage", ok=True)) >= 8, within=90)
        finally:
            first.kill()
            await first.wait()
        assert first.returncode == -signal.SIGKILL
        done_before = processed_now(db)
        assert 0 < done_before < total, "the kill did not land mid-burst"
        # Nothing unhandled was confirmed: Telegram still holds every update not yet applied.
        assert fake.pending_updates() >= total - done_before

        second = await start_bot(env, tmp_path, log)
        try:
            await wait_until(lambda: processed_now(db) == total, within=120)
            await wait_until(lambda: state(db)[1] == 0, within=60)  # every answer confirmed
        finally:
            second.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                await second.wait()
    assert second.returncode == 0
    assert fake.pending_updates() == 0  # all confirmed, by the last poll or at the stop

    processed, unsent, applied = state(db)
    assert processed == total and unsent == 0
    # Applied once each, in each chat's order.
    assert applied == sorted(sequence(i) for i in range(len(CHATS)))
    for chat in CHATS:
        shown = [m.text for m in fake.chat(chat)]
        assert is_subsequence(expected[chat], shown), chat
        # At most the answer in flight at the kill (one per chat) shows twice.
        assert len(shown) <= len(expected[chat]) + 4
    text = log.read_text()
    for needle in (fake.token, *map(str, CHATS)):
        assert needle not in text
