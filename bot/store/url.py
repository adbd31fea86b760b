"""Turn a ``DATABASE_URL`` as people write it into the async SQLAlchemy URL the store uses."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError

from bot.config import ConfigError

#: What ``DATABASE_URL`` may look like, for error messages and the operator docs.
ACCEPTED_FORMS = (
    "sqlite:///relative/path.db",
    "sqlite:////absolute/path.db",
    "postgresql://user:password@host:5432/dbname",
    "postgres://... (Heroku)",
    "postgresql+asyncpg://...",
)

_SQLITE_DRIVER = "sqlite+aiosqlite"
_POSTGRES_DRIVER = "postgresql+asyncpg"


def _parse(url: str) -> URL:
    raw = url.strip()
    if not raw:
        raise ConfigError("DATABASE_URL is empty; unset it for the default SQLite file")
    if raw.startswith("postgres://"):  # Heroku still hands out the old scheme
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        return make_url(raw)
    except ArgumentError:
        raise ConfigError(
            f"DATABASE_URL {raw!r} is not a database URL; use one of: {', '.join(ACCEPTED_FORMS)}"
        ) from None


def normalize_database_url(url: str) -> str:
    """The async SQLAlchemy URL for a ``DATABASE_URL``, choosing the driver we ship.

    ``sqlite:`` URLs get aiosqlite; ``postgresql:``, ``postgres:`` (Heroku) and any other
    PostgreSQL driver get asyncpg. ``sslmode=...`` (libpq spelling, as Heroku sends it)
    becomes asyncpg's ``ssl=...``.

    Args:
        url: the URL as configured.

    Returns:
        The URL to give ``create_async_engine``, password included.

    Raises:
        ConfigError: the URL cannot be parsed or names a database we do not support.
    """
    parsed = _parse(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        parsed = parsed.set(drivername=_SQLITE_DRIVER)
    elif backend == "postgresql":
        parsed = parsed.set(drivername=_POSTGRES_DRIVER)
        query = dict(parsed.query)
        if "sslmode" in query:
            query.setdefault("ssl", query["sslmode"])
            del query["sslmode"]
            parsed = parsed.set(query=query)
    else:
        raise ConfigError(
            f"DATABASE_URL uses {backend!r}; NeutroGuide supports SQLite and PostgreSQL: "
            f"{', '.join(ACCEPTED_FORMS)}"
        )
    return parsed.render_as_string(hide_password=False)


def display_url(url: str) -> str:
    """The normalised URL with any password replaced by ``***``, safe to print or log."""
    return make_url(normalize_database_url(url)).render_as_string(hide_password=True)


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; ``None`` for PostgreSQL or in-memory SQLite."""
    parsed = make_url(normalize_database_url(url))
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return Path(database)


def is_memory_sqlite(url: str) -> bool:
    """Whether ``url`` names an in-memory SQLite database (one connection, no file)."""
    parsed = make_url(normalize_database_url(url))
    if parsed.get_backend_name() != "sqlite":
        return False
    database = parsed.database or ""
    return database in ("", ":memory:") or "mode=memory" in database + str(parsed.query)
