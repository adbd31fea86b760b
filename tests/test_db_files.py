"""SQLite files are created owner-only (0600), and an existing empty file is refused."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.store import StoreError, StoreNotReady, open_existing_store, open_store
from bot.store.files import prepare_sqlite_file
from tests.support.cli import neutroguide
from tests.support.content import ROOT


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def open_umask() -> Iterator[None]:
    """A umask that lets everyone read new files: the 0600 must come from the store itself."""
    before = os.umask(0o000)
    try:
        yield
    finally:
        os.umask(before)


@pytest.mark.usefixtures("open_umask")
async def test_a_new_database_and_its_wal_files_are_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    store = await open_store(f"sqlite:///{db}")
    try:
        await store.table_counts()
        files = [db, db.with_name("bot.db-wal"), db.with_name("bot.db-shm")]
        assert all(f.exists() for f in files)
        assert {f.name: _mode(f) for f in files} == {f.name: 0o600 for f in files}
    finally:
        await store.close()


@pytest.mark.slow  # real subprocesses
def test_db_upgrade_creates_the_file_owner_only(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = neutroguide(f"sqlite:///{db}", "db", "upgrade", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert _mode(db) == 0o600


async def test_an_existing_database_keeps_its_mode(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    await (await open_store(f"sqlite:///{db}")).close()
    db.chmod(0o640)  # an operator's choice (e.g. a backup group) is not changed
    store = await open_store(f"sqlite:///{db}")
    await store.close()
    assert _mode(db) == 0o640


async def test_an_empty_file_is_refused_and_left_alone(tmp_path: Path) -> None:
    db = tmp_path / "bot.db"
    db.touch()
    for opening in (open_store, open_existing_store):
        with pytest.raises(StoreError, match=r"is empty \(0 bytes\)"):
            await opening(f"sqlite:///{db}")
    assert db.stat().st_size == 0
    assert not db.with_name("bot.db-wal").exists()


def test_review_commands_never_create_a_file(tmp_path: Path) -> None:
    db = tmp_path / "missing.db"
    with pytest.raises(StoreNotReady, match="no database file"):
        prepare_sqlite_file(f"sqlite:///{db}", create=False)
    assert not db.exists()


def test_postgres_and_memory_urls_need_no_file(tmp_path: Path) -> None:
    prepare_sqlite_file("sqlite://", create=True)
    prepare_sqlite_file("postgresql://u@127.0.0.1:1/x", create=True)
    assert list(tmp_path.iterdir()) == []


COMMANDS = (("run",), ("chat",), ("db", "upgrade"), ("logs", "list"))


@pytest.mark.slow  # real subprocesses
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_commands_refuse_an_empty_database_in_one_line(
    tmp_path: Path, command: tuple[str, ...], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "bot.db"
    db.touch()
    (tmp_path / "dialogs").symlink_to(ROOT / "dialogs")  # chat and run read ./dialogs
    (tmp_path / "locales").symlink_to(ROOT / "locales")
    # `run` opens the store before it talks to Telegram: nothing listens at this address.
    monkeypatch.setenv("TELEGRAM_TOKEN", "123456:" + "A" * 35)
    monkeypatch.setenv("TELEGRAM_API_URL", "http://127.0.0.1:9")
    result = neutroguide(f"sqlite:///{db}", *command, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(db) in lines[0] and "is empty (0 bytes)" in lines[0], lines[0]
    assert db.stat().st_size == 0  # not initialised behind the operator's back
