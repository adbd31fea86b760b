"""Retention: `logs purge --older-than`, the store's purge, and the daily purge of a running bot."""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import sqlite3
import sys
import time
from asyncio.subprocess import PIPE
from pathlib import Path

import pytest

from bot.cli.logs import parse_age
from bot.config import ConfigError, load_deployment
from bot.engine.types import Session
from bot.store import LogRow, Person, SqlStore, Unsent, open_store
from bot.store.protocol import NurseTopic, Purged
from bot.store.retention import purge_daily
from tests.support.cli import neutroguide
from tests.support.content import ROOT
from tests.support.dbfiles import files_holding
from tests.support.fake_bot_api import FakeBotAPI
from tests.support.telegram_env import PSEUDONYM_KEY, REPO

DAY = 86_400.0
NOW = 1_800_000_000.0
GROUP = "-1001234567890"  # the nurses' supergroup


class SetClock:
    """A clock the test sets: the store stamps ``people.updated_at`` with it."""

    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> SetClock:
    """Overrides tests/support/db.py's clock, so the ``store`` fixture uses this one."""
    return SetClock()


async def _turn(store: SqlStore, clock: SetClock, who: str, days_ago: float, text: str) -> None:
    clock.now = NOW - days_ago * DAY
    person = Person(who, consent=True)
    session = Session(node="menu/main", profile={"care_team_phone": "0"}, updated_at=clock.now)
    rows = [LogRow("in", "text", text=text), LogRow("out", "reply", message_id="m")]
    answer = Unsent(f"{who}-{days_ago}", {"messages": []})
    assert await store.commit(person, session, rows, f"{who}-{days_ago}", answer)


async def test_purge_removes_old_rows_and_idle_people_only(
    store: SqlStore, clock: SetClock
) -> None:
    for n in range(3):
        await _turn(store, clock, "idle", 120 + n, f"idle {n}")
    await _turn(store, clock, "back", 200, "long ago")
    await _turn(store, clock, "back", 95, "a while ago")
    await _turn(store, clock, "back", 1, "yesterday")
    await _turn(store, clock, "new", 0.5, "today")
    clock.now = NOW
    before = await store.table_counts()
    assert await store.purgeable(NOW - 90 * DAY) == Purged(log_rows=10, people=1)
    assert await store.table_counts() == before  # counting removes nothing
    purged = await store.purge(NOW - 90 * DAY, batch=2)  # small batches: the loops run
    assert purged == Purged(log_rows=10, people=1)  # idle: 6 rows; back: 4 of 6
    assert await store.load("idle") is None
    assert await store.transcript("idle") == []
    kept = await store.load("back")
    assert kept is not None and kept[1].node == "menu/main"  # an active session is untouched
    assert [r.text for r in await store.transcript("back") if r.text] == ["yesterday"]
    assert [r.text for r in await store.transcript("new") if r.text] == ["today"]
    counts = await store.table_counts()
    assert counts["people"] == 2 and counts["sessions"] == 2 and counts["conversation_log"] == 4
    # The idle person's processed ids and unsent answers went with them.
    assert not await store.is_processed("idle-120")
    assert await store.unsent("idle-121") is None
    assert await store.is_processed("back-200")  # another person's are not touched here
    assert await store.purge(NOW - 90 * DAY) == Purged()  # nothing left to do


async def test_purge_names_the_removed_peoples_nurse_topics(
    store: SqlStore, clock: SetClock
) -> None:
    await _turn(store, clock, "idle", 120, "a question for the nurses")
    await _turn(store, clock, "active", 1, "another question")
    for who, thread in (("idle", 41), ("active", 42)):
        await store.open_nurse_topic(NurseTopic(who, GROUP, thread, "sealed"))
    clock.now = NOW
    purged = await store.purge(NOW - 90 * DAY)
    assert purged == Purged(log_rows=2, people=1, nurse_topics=((GROUP, 41),))
    assert await store.nurse_topic("idle") is None
    assert await store.nurse_topic("active") is not None


async def test_purge_keeps_everything_newer(store: SqlStore, clock: SetClock) -> None:
    await _turn(store, clock, "recent", 10, "ten days ago")
    assert await store.purge(NOW - 90 * DAY) == Purged()
    assert len(await store.transcript("recent")) == 2


# -- the command and the setting ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("90d", 90 * DAY), ("12h", 12 * 3600.0), ("1.5d", 1.5 * DAY), (" 7D ", 7 * DAY)],
)
def test_ages_in_days_or_hours(text: str, seconds: float) -> None:
    assert parse_age(text) == seconds


@pytest.mark.parametrize("text", ["90", "0d", "-1d", "90m", "d", "ninety days", ""])
def test_other_ages_are_refused(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError, match=r"e\.g\. 90d or 12h"):
        parse_age(text)


def test_retention_setting(tmp_path: Path) -> None:
    file = tmp_path / "deployment.yaml"
    assert load_deployment(None, {}).retention_days == 0  # default: keep until /forget
    file.write_text("retention_days: 90\n", encoding="utf-8")
    assert load_deployment(file, {}).retention_days == 90.0
    assert load_deployment(file, {"RETENTION_DAYS": "30"}).retention_days == 30.0
    for bad in ("-1", "soon", "inf"):
        with pytest.raises(ConfigError, match=r"retention_days|RETENTION_DAYS"):
            load_deployment(file, {"RETENTION_DAYS": bad})


def test_the_example_deployment_file_names_the_setting() -> None:
    example = load_deployment(ROOT / "deployment.example.yaml", {})
    assert "retention_days" in (ROOT / "deployment.example.yaml").read_text(encoding="utf-8")
    assert example.retention_days == 0


async def _old_and_new(db: Path, *, topic: int | None = None) -> None:
    """Two people: one last seen 100 days ago (2 log rows, and their nurses' topic ``topic``
    in GROUP when given), one now (2 log rows)."""
    clock = SetClock()
    store = await open_store(f"sqlite:///{db}", clock=clock)
    try:
        now = time.time()  # the command purges relative to the real time
        for who, days_ago in (("idle", 100.0), ("recent", 0.0)):
            clock.now = now - days_ago * DAY
            person = Person(who, consent=True)
            rows = [LogRow("in", "text", text=f"{who} words"), LogRow("out", "reply")]
            assert await store.commit(person, Session(updated_at=clock.now), rows, who)
        if topic is not None:
            clock.now = now - 100 * DAY
            await store.open_nurse_topic(NurseTopic("idle", GROUP, topic, "sealed"))
    finally:
        await store.close()


@pytest.mark.slow  # real subprocesses
async def test_logs_purge_on_a_real_file(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await _old_and_new(db)
    dry = neutroguide(
        f"sqlite:///{db}", "logs", "purge", "--older-than", "90d", "--dry-run", cwd=tmp_path
    )
    assert dry.returncode == 0, dry.stderr
    assert "Would remove 2 conversation log row(s)" in dry.stdout
    assert "and 1 person(s) with no activity since then (dry run" in dry.stdout
    assert files_holding(db, "idle words")  # still there
    result = neutroguide(f"sqlite:///{db}", "logs", "purge", "--older-than", "90d", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Removed 2 conversation log row(s) older than " in result.stdout
    assert "and 1 person(s) with no activity since then." in result.stdout
    assert "nurses' group" not in result.stdout  # nobody had a topic
    assert files_holding(db, "idle words") == []  # gone from the bytes too
    assert files_holding(db, "recent words")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT pseudonym FROM people").fetchall() == [("recent",)]
    again = neutroguide(f"sqlite:///{db}", "logs", "purge", "--older-than", "12h", cwd=tmp_path)
    assert "Removed 0 conversation log row(s)" in again.stdout


@pytest.mark.slow  # real subprocesses
def test_logs_purge_needs_an_age_it_can_read(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    result = neutroguide(f"sqlite:///{db}", "logs", "purge", "--older-than", "90", cwd=tmp_path)
    assert result.returncode == 2
    assert "'90' is not an age; write days or hours, e.g. 90d or 12h" in result.stderr
    assert not db.exists()


# -- the running bot ---------------------------------------------------------------------


async def test_daily_purge_runs_at_once_and_stops(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await _old_and_new(db)
    stop = asyncio.Event()
    seen: list[Purged] = []

    def done(purged: Purged) -> None:
        seen.append(purged)
        stop.set()

    async with asyncio.timeout(30):
        await purge_daily(f"sqlite:///{db}", 90, stop, on_purge=done)
    assert seen == [Purged(log_rows=2, people=1)]


async def test_a_failed_purge_is_logged_and_tried_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    stop = asyncio.Event()
    rounds: list[float] = []

    def clock() -> float:
        rounds.append(NOW)
        if len(rounds) == 2:
            stop.set()  # the second round is the last
        return NOW

    missing = f"sqlite:///{tmp_path / 'missing.db'}"
    async with asyncio.timeout(30):
        await purge_daily(missing, 90, stop, every=0, clock=clock)
    failures = [r for r in caplog.records if "the purge failed" in r.getMessage()]
    assert len(rounds) == 2 and len(failures) == 2
    assert all(r.levelname == "WARNING" for r in failures)


@pytest.mark.slow  # the real bot as a process
async def test_neutroguide_run_purges_with_retention_days(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await _old_and_new(db, topic=55)
    (tmp_path / "deployment.yaml").write_text(
        f"retention_days: 90\nnurse_group: '{GROUP}'\n", encoding="utf-8"
    )
    async with FakeBotAPI() as fake:
        fake.forum_chat(int(GROUP))
        fake.topics[int(GROUP)][55] = {"name": "idle's questions", "closed": False}
        env = {
            **{k: v for k, v in os.environ.items() if k != "WEBHOOK_URL"},
            "TELEGRAM_TOKEN": fake.token,
            "TELEGRAM_API_URL": fake.url,
            "DATABASE_URL": f"sqlite:///{db}",
            "PSEUDONYM_KEY": PSEUDONYM_KEY,
            "DIALOGS_DIR": str(REPO / "dialogs"),
            "LOCALES_DIR": str(REPO / "locales"),
            "DEPLOYMENT_FILE": str(tmp_path / "deployment.yaml"),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", env=env, cwd=tmp_path, stderr=PIPE
        )
        assert process.stderr is not None
        log = ""
        try:
            async with asyncio.timeout(60):
                while "retention: " not in log:
                    line = await process.stderr.readline()
                    assert line, log  # the bot ended before it purged
                    log += line.decode()
            with sqlite3.connect(db) as conn:  # while the bot runs
                assert conn.execute("SELECT pseudonym FROM people").fetchall() == [("recent",)]
            # The idle person's topic in the nurses' group, with their questions, goes too.
            await fake.wait_for(lambda: 55 not in fake.topics[int(GROUP)], within=30)
            deleted = fake.calls_to("deleteForumTopic", ok=True)
            assert [c.params["message_thread_id"] for c in deleted] == [55]
        finally:
            process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                log += (await process.stderr.read()).decode()
                await process.wait()
    assert "removed 2 conversation log row(s) and 1 person(s) older than 90 day(s)" in log, log
    assert process.returncode == 0, log


@pytest.mark.slow  # real subprocess
async def test_logs_purge_names_the_topics_left_in_the_nurses_group(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await _old_and_new(db, topic=77)
    result = neutroguide(f"sqlite:///{db}", "logs", "purge", "--older-than", "90d", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "1 of them had a topic in the nurses' group" in result.stdout
    assert "delete topic(s) 77 in the group by hand" in result.stdout
