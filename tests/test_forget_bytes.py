"""/forget leaves nothing in any SQLite file: database, -wal, -shm or -journal, raw bytes read.

The store stays open throughout (the bot keeps running); another person's data must survive.
"""

from __future__ import annotations

import os
import select
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.engine.types import Session
from bot.service import Conversations, Inbound, Outcome
from bot.store import LogRow, Person, SqlStore, open_store, sql
from bot.store.protocol import NurseTopic
from bot.store.pseudonym import Pseudonymizer, load_or_create_key
from tests.support.content import ROOT
from tests.support.dbfiles import database_files, files_holding
from tests.support.service import TEST_KEY, make_service

GONE_TEXT = "Zebrafinch lullaby under the quince tree"
GONE_PHONE = "+44 7700 900461"
KEPT_TEXT = "Otter marmalade by the canal"
KEPT_PHONE = "+44 7700 900872"
#: Sealed contacts of "Ask a nurse" (nurse_topics): stand-ins, distinct on disk.
GONE_CONTACT = "sealed-contact-of-the-forgotten-one"
KEPT_CONTACT = "sealed-contact-of-the-kept-one"


def _everywhere_or_nowhere(db: Path, gone: list[str], kept: list[str]) -> None:
    files = database_files(db)
    assert db.name in files and f"{db.name}-wal" in files  # WAL mode, as the bot runs
    for needle in gone:
        assert files_holding(db, needle) == [], f"{needle!r} is still on disk"
    for needle in kept:
        assert files_holding(db, needle), f"{needle!r} was lost"
    assert files[f"{db.name}-wal"] == b""  # checkpointed and truncated


async def _write(store: SqlStore, who: str, text: str, phone: str, turns: int) -> None:
    person = Person(who, locale="en", consent=True)
    for n in range(turns):
        session = Session(node="menu/main", profile={"care_team_phone": phone}, updated_at=n)
        rows = [LogRow("in", "text", node="menu/main", text=f"{text} #{n}")]
        assert await store.commit(person, session, rows, None)


async def test_forget_erases_every_file_while_the_store_is_open(tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    store = await open_store(f"sqlite:///{db}")
    gone, kept = "a" * 32, "b" * 32
    try:
        await _write(store, gone, GONE_TEXT, GONE_PHONE, turns=12)
        await _write(store, kept, KEPT_TEXT, KEPT_PHONE, turns=3)
        await store.open_nurse_topic(NurseTopic(gone, "-1001", 7, GONE_CONTACT))
        await store.open_nurse_topic(NurseTopic(kept, "-1001", 8, KEPT_CONTACT))
        # Before: the text is on disk (the test would see it if forget left it).
        assert files_holding(db, GONE_TEXT) and files_holding(db, GONE_PHONE)
        await store.forget(gone)
        _everywhere_or_nowhere(
            db,
            [GONE_TEXT, GONE_PHONE, GONE_CONTACT, gone],
            [KEPT_TEXT, KEPT_PHONE, KEPT_CONTACT, kept],
        )
        assert await store.load(kept) is not None
        assert len(await store.transcript(kept)) == 3
        await _write(store, kept, KEPT_TEXT, KEPT_PHONE, turns=1)  # the store still works
    finally:
        await store.close()


def _press(outcome: Outcome, label: str) -> Inbound:
    for message in outcome.messages:
        for shown, data in message.buttons:
            if shown == label:
                return Inbound("test", "", "choice", data)
    raise AssertionError(f"no button {label!r} in {outcome.messages}")


async def _talk(service: Conversations, user: str, text: str, phone: str) -> None:
    """Agree to the record, give a care team number, type a message: all real dialogs."""

    def as_user(inbound: Inbound) -> Inbound:
        return Inbound("test", user, inbound.kind, inbound.value)

    settings = await service.handle(Inbound("test", user, "command", "settings"))
    ask = await service.handle(as_user(_press(settings, "Keeping a record of our chat")))
    settings = await service.handle(as_user(_press(ask, "Yes, keep a record")))
    await service.handle(as_user(_press(settings, "My care team's number")))
    await service.handle(Inbound("test", user, "text", phone))
    await service.handle(Inbound("test", user, "command", "menu"))
    await service.handle(Inbound("test", user, "text", text))


async def test_forget_through_the_service_erases_every_file(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    service = await make_service(db)
    pseudonyms = Pseudonymizer(TEST_KEY)
    try:
        await _talk(service, "kept", KEPT_TEXT, KEPT_PHONE)
        await _talk(service, "gone", GONE_TEXT, GONE_PHONE)
        assert files_holding(db, GONE_TEXT) and files_holding(db, GONE_PHONE)
        ask = await service.handle(Inbound("test", "gone", "command", "forget"))
        yes = _press(ask, "Yes, delete it")
        done = await service.handle(Inbound("test", "gone", yes.kind, yes.value))
        assert done.messages[0].text.startswith("Done. I have deleted everything")
        _everywhere_or_nowhere(
            db,
            [GONE_TEXT, GONE_PHONE, pseudonyms.of("test", "gone")],
            [KEPT_TEXT, KEPT_PHONE, pseudonyms.of("test", "kept")],
        )
    finally:
        await service.close()


def _chat(tmp_path: Path, user: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in {"PSEUDONYM_KEY", "DEPLOYMENT_FILE"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'bot.db'}"
    env["DEPLOYMENT_FILE"] = str(tmp_path / "none.yaml")
    return subprocess.Popen(
        [sys.executable, "-m", "bot", "chat", "--user", user],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )


class _Terminal:
    """Types lines into a running `neutroguide chat` and waits for each answer's last line."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self.seen = b""
        self.read_to = 0

    def wait(self, until: str, timeout: float = 60) -> str:
        """The output from the end of the previous answer up to ``until``."""
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        needle = until.encode()
        deadline = time.monotonic() + timeout
        while needle not in self.seen[self.read_to :] and time.monotonic() < deadline:
            if select.select([fd], [], [], 0.5)[0]:
                chunk = os.read(fd, 65536)
                if not chunk:
                    break
                self.seen += chunk
        at = self.seen.find(needle, self.read_to)
        assert at >= 0, self.seen[self.read_to :].decode(errors="replace")
        answer, self.read_to = self.seen[self.read_to : at + len(needle)], at + len(needle)
        return answer.decode()

    def say(self, line: str, until: str) -> str:
        """Type ``line``; the answer, up to ``until`` (the process keeps running)."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(line.encode() + b"\n")
        self.proc.stdin.flush()
        return self.wait(until)


def _numbered(out: str, label: str) -> str:
    for line in out.splitlines():
        number, _, shown = line.strip().partition(". ")
        if shown == label and number.isdigit():
            return number
    raise AssertionError(f"no button {label!r} in {out!r}")


def _chat_turns(chat: _Terminal, text: str, phone: str) -> None:
    menu = "Back to the menu"  # the last button of the settings step
    chat.wait("Carry on")  # the welcome
    settings = chat.say("/settings", menu)
    ask = chat.say(_numbered(settings, "Keeping a record of our chat"), "No, do not keep a record")
    settings = chat.say(_numbered(ask, "Yes, keep a record"), menu)
    chat.say(_numbered(settings, "My care team's number"), "Skip")
    chat.say(phone, menu)
    # A question no page fits: pages that may help and "Ask your care team"; kept (with the
    # consent just given) as an unanswered question with its text.
    assert "care team" in chat.say(text, "Ask your care team")


@pytest.mark.slow  # real subprocesses
def test_forget_in_the_terminal_chat_erases_every_file(tmp_path: Path) -> None:
    """The CLI path: a real `neutroguide chat` process, /forget confirmed, files read while it
    still runs."""
    db = tmp_path / "bot.db"
    other = _chat(tmp_path, "kept")
    try:
        _chat_turns(_Terminal(other), KEPT_TEXT, KEPT_PHONE)
    finally:
        other.communicate(b"", timeout=60)
    proc = _chat(tmp_path, "gone")
    try:
        chat = _Terminal(proc)
        _chat_turns(chat, GONE_TEXT, GONE_PHONE)
        assert files_holding(db, GONE_TEXT) and files_holding(db, GONE_PHONE)
        ask = chat.say("/forget", "No, keep it")
        chat.say(_numbered(ask, "Yes, delete it"), "I have deleted everything")
        key = Pseudonymizer(load_or_create_key(str(db)))
        _everywhere_or_nowhere(
            db,
            [GONE_TEXT, GONE_PHONE, key.of("console", "gone")],
            [KEPT_TEXT, KEPT_PHONE, key.of("console", "kept")],
        )
    finally:
        proc.communicate(b"", timeout=60)
    assert proc.returncode == 0


async def test_a_busy_reader_delays_the_truncation_and_the_next_erasure_finishes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(sql, "SQLITE_BUSY_TIMEOUT_MS", 200)  # give up on the reader quickly
    db = tmp_path / "store.db"
    store = await open_store(f"sqlite:///{db}")
    gone, later = "a" * 32, "c" * 32
    try:
        await _write(store, gone, GONE_TEXT, GONE_PHONE, turns=3)
        await _write(store, later, KEPT_TEXT, KEPT_PHONE, turns=1)
        reader = sqlite3.connect(db)  # e.g. `logs export` reading while the person forgets
        try:
            reader.execute("BEGIN")
            assert reader.execute("SELECT count(*) FROM conversation_log").fetchone() == (4,)
            await store.forget(gone)  # does not raise: the rows are deleted all the same
            assert await store.load(gone) is None
            assert any("could not be truncated" in r.getMessage() for r in caplog.records)
            assert db.with_name("store.db-wal").stat().st_size > 0
        finally:
            reader.close()
        await store.forget(later)
        _everywhere_or_nowhere(db, [GONE_TEXT, GONE_PHONE, gone, KEPT_TEXT, later], [])
    finally:
        await store.close()


async def _save_reading(service: Conversations, user: str, typed: str) -> None:
    """A fever check, "Save this reading" and /diary (the chart's spec goes to the outbox)."""
    from bot.service import DIARY_SAVE

    await service.handle(Inbound("test", user, "command", "start", "fever"))
    answered = await service.handle(Inbound("test", user, "text", typed))
    assert any(data == DIARY_SAVE for m in answered.messages for _, data in m.buttons)
    await service.handle(Inbound("test", user, "choice", DIARY_SAVE))
    shown = await service.handle(Inbound("test", user, "command", "diary"))
    assert shown.messages[0].attachment is not None


async def test_forget_erases_the_temperature_diary_from_every_file(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    service = await make_service(db)
    pseudonyms = Pseudonymizer(TEST_KEY)
    gone_reading, kept_reading = "101.7", "99.3"
    try:
        await _save_reading(service, "kept", f"{kept_reading}F")
        await _save_reading(service, "gone", f"{gone_reading}F")
        assert files_holding(db, gone_reading), "the diary is in the store"
        ask = await service.handle(Inbound("test", "gone", "command", "forget"))
        yes = _press(ask, "Yes, delete it")
        await service.handle(Inbound("test", "gone", yes.kind, yes.value))
        _everywhere_or_nowhere(
            db,
            [gone_reading, pseudonyms.of("test", "gone")],
            [kept_reading, pseudonyms.of("test", "kept")],
        )
    finally:
        await service.close()
