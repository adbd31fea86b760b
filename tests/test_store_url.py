"""DATABASE_URL normalisation: every accepted form maps to the async driver we ship."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError
from bot.store.url import display_url, is_memory_sqlite, normalize_database_url, sqlite_path


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///neutroguide.db", "sqlite+aiosqlite:///neutroguide.db"),
        ("sqlite:///data/bot.db", "sqlite+aiosqlite:///data/bot.db"),
        ("sqlite:////var/lib/ng/bot.db", "sqlite+aiosqlite:////var/lib/ng/bot.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite+pysqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://u:p@db:5432/ng", "postgresql+asyncpg://u:p@db:5432/ng"),
        ("postgres://u:p@db.example:5432/d1", "postgresql+asyncpg://u:p@db.example:5432/d1"),
        ("postgresql+asyncpg://u@h/ng", "postgresql+asyncpg://u@h/ng"),
        ("postgresql+psycopg2://u@h/ng", "postgresql+asyncpg://u@h/ng"),
        ("  postgres://u@h/ng\n", "postgresql+asyncpg://u@h/ng"),
    ],
)
def test_accepted_forms(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected


def test_password_with_special_characters_survives() -> None:
    url = "postgres://user:p%40ss%2Fw0rd@host:5432/db"
    assert normalize_database_url(url) == "postgresql+asyncpg://user:p%40ss%2Fw0rd@host:5432/db"


def test_heroku_sslmode_becomes_asyncpg_ssl() -> None:
    url = "postgres://u:p@h:5432/d?sslmode=require"
    assert normalize_database_url(url) == "postgresql+asyncpg://u:p@h:5432/d?ssl=require"


def test_explicit_ssl_wins_over_sslmode() -> None:
    url = "postgresql://u@h/d?sslmode=require&ssl=verify-full"
    assert normalize_database_url(url) == "postgresql+asyncpg://u@h/d?ssl=verify-full"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("mysql://u@h/db", "'mysql'"),
        ("not a url", "not a database URL"),
        ("", "empty"),
    ],
)
def test_rejected_urls_name_the_setting(given: str, message: str) -> None:
    with pytest.raises(ConfigError, match="DATABASE_URL") as caught:
        normalize_database_url(given)
    assert message in str(caught.value)


def test_display_url_hides_the_password() -> None:
    shown = display_url("postgres://admin:s3cret@db:5432/ng")
    assert "s3cret" not in shown
    assert shown == "postgresql+asyncpg://admin:***@db:5432/ng"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///neutroguide.db", Path("neutroguide.db")),
        ("sqlite:////srv/ng/bot.db", Path("/srv/ng/bot.db")),
        ("sqlite://", None),
        ("sqlite:///:memory:", None),
        ("postgresql://u@h/ng", None),
    ],
)
def test_sqlite_path(given: str, expected: Path | None) -> None:
    assert sqlite_path(given) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite://", True),
        ("sqlite:///:memory:", True),
        ("sqlite:///file.db", False),
        ("postgresql://u@h/ng", False),
    ],
)
def test_is_memory_sqlite(given: str, expected: bool) -> None:
    assert is_memory_sqlite(given) is expected
