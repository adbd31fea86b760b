"""`neutroguide db upgrade` as a deployer runs it: a real subprocess on a SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.store import open_existing_store
from bot.store.migrate import head_revision
from tests.support.cli import neutroguide


@pytest.mark.slow
async def test_upgrade_creates_the_schema_then_has_nothing_to_do(tmp_path: Path) -> None:
    url = "sqlite:///bot.db"  # relative: beside the working directory, as in a Procfile
    first = neutroguide(url, "db", "upgrade", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert f"file {tmp_path / 'bot.db'}" in first.stdout
    assert "Was at: empty" in first.stdout
    assert f"Applied {head_revision()} (" in first.stdout
    assert f"Now at {head_revision()} (newest)." in first.stdout

    store = await open_existing_store(f"sqlite:///{tmp_path / 'bot.db'}")
    try:
        assert await store.table_counts() == {
            "people": 0,
            "sessions": 0,
            "conversation_log": 0,
            "processed_inputs": 0,
            "outbox": 0,
            "nurse_topics": 0,
        }
    finally:
        await store.close()

    again = neutroguide(url, "db", "upgrade", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert f"Already at {head_revision()}" in again.stdout and "nothing to do" in again.stdout


@pytest.mark.slow
def test_upgrade_reports_an_unusable_database(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'missing-dir' / 'bot.db'}"
    result = neutroguide(url, "db", "upgrade", cwd=tmp_path)
    assert result.returncode == 1
    assert "cannot open the database" in result.stderr
    assert f"the directory {tmp_path / 'missing-dir'} does not exist" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr


@pytest.mark.slow
def test_upgrade_hides_the_password(tmp_path: Path) -> None:
    result = neutroguide("postgres://ng:hunter2@127.0.0.1:1/ng", "db", "upgrade", cwd=tmp_path)
    assert result.returncode == 1
    assert "hunter2" not in result.stdout + result.stderr
    assert "ng:***@127.0.0.1:1/ng" in result.stdout
