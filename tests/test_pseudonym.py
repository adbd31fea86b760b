"""Pseudonyms: keyed, stable, never containing the raw id; the generated key file is private."""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import stat
from pathlib import Path

import pytest

from bot.store.pseudonym import (
    DEFAULT_KEY_FILE,
    PSEUDONYM_LENGTH,
    Pseudonymizer,
    key_file_for,
    load_or_create_key,
    resolve_key,
)

USER_ID = "123456789"


def test_pseudonym_is_hex_of_fixed_length_without_the_raw_id() -> None:
    pseudonym = Pseudonymizer(b"k" * 32).of("telegram", USER_ID)
    assert len(pseudonym) == PSEUDONYM_LENGTH
    int(pseudonym, 16)  # hex only
    assert USER_ID not in pseudonym


def test_pseudonym_is_the_truncated_hmac() -> None:
    key = os.urandom(32)
    full = hmac.new(key, f"telegram:{USER_ID}".encode(), hashlib.sha256).hexdigest()
    assert Pseudonymizer(key).of("telegram", USER_ID) == full[:PSEUDONYM_LENGTH]


def test_pseudonym_depends_on_key_channel_and_user() -> None:
    one, two = Pseudonymizer(b"key-one"), Pseudonymizer(b"key-two")
    assert one.of("telegram", USER_ID) == Pseudonymizer(b"key-one").of("telegram", USER_ID)
    assert one.of("telegram", USER_ID) != two.of("telegram", USER_ID)
    assert one.of("telegram", USER_ID) != one.of("console", USER_ID)
    assert one.of("telegram", USER_ID) != one.of("telegram", "123456788")


def test_empty_key_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        Pseudonymizer(b"")


def test_repr_hides_the_key() -> None:
    assert "secret" not in repr(Pseudonymizer(b"secret"))


def test_key_file_sits_beside_the_sqlite_database(tmp_path: Path) -> None:
    db = tmp_path / "data" / "bot.db"
    assert key_file_for(f"sqlite:///{db}") == tmp_path / "data" / "bot.db.key"
    assert key_file_for(str(db)) == tmp_path / "data" / "bot.db.key"
    assert key_file_for("postgresql://u@h/ng") == DEFAULT_KEY_FILE
    assert key_file_for("sqlite://") == DEFAULT_KEY_FILE


def test_generated_key_is_private_and_stable(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'neutroguide.db'}"
    with caplog.at_level(logging.WARNING, logger="bot.store.pseudonym"):
        first = load_or_create_key(url)
    key_file = tmp_path / "neutroguide.db.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 32
    assert load_or_create_key(url) == first
    assert load_or_create_key(str(tmp_path / "neutroguide.db")) == first
    assert any("PSEUDONYM_KEY" in r.getMessage() for r in caplog.records)
    assert all(r.levelno == logging.WARNING for r in caplog.records)
    assert list(tmp_path.iterdir()) == [key_file]  # no temporary files left behind


def test_generated_key_ignores_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        load_or_create_key(str(tmp_path / "x.db"))
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "x.db.key").stat().st_mode) == 0o600


def test_postgres_key_file_goes_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    key = load_or_create_key("postgres://u@db/ng")
    assert (tmp_path / "neutroguide.key").read_text().strip().encode() == key


def test_world_readable_key_file_is_warned_about(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    key_file = tmp_path / "bot.db.key"
    key_file.write_text("abc123\n")
    key_file.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="bot.store.pseudonym"):
        assert load_or_create_key(str(tmp_path / "bot.db")) == b"abc123"
    assert any("chmod 600" in r.getMessage() for r in caplog.records)


def test_empty_key_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "bot.db.key").write_text("\n")
    with pytest.raises(ValueError, match="empty"):
        load_or_create_key(str(tmp_path / "bot.db"))


def test_setting_wins_over_key_file_and_file_text_reproduces_pseudonyms(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    assert resolve_key("from-env", url) == b"from-env"
    assert not (tmp_path / "bot.db.key").exists()
    generated = resolve_key(None, url)
    text = (tmp_path / "bot.db.key").read_text().strip()
    # moving to several instances: PSEUDONYM_KEY=<file text> keeps every pseudonym
    assert Pseudonymizer(resolve_key(text, url)).of("telegram", USER_ID) == Pseudonymizer(
        generated
    ).of("telegram", USER_ID)
