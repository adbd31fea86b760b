"""Schema upgrades with Alembic, configured in code: no ``alembic.ini`` needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.tables import metadata

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
#: pg_advisory_xact_lock key: instances starting together upgrade one after the other.
_PG_LOCK_KEY = 0x4E4755  # "NGU"


@dataclass(frozen=True, slots=True)
class UpgradeResult:
    """What an upgrade did: the revision before and after, and the revisions applied."""

    before: str | None
    after: str | None
    applied: tuple[str, ...]


def alembic_config(url: str = "") -> Config:
    """An Alembic configuration for our migrations, for ``command.*`` calls.

    Args:
        url: the database URL, used only when Alembic opens its own connection.
    """
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def head_revision() -> str | None:
    """The newest revision shipped with this version of NeutroGuide."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def describe_revision(revision: str | None) -> str:
    """``"0001 (Initial schema: ...)"`` for a revision id, ``"empty"`` for none."""
    if revision is None:
        return "empty"
    script = ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    if script is None or not script.doc:
        return revision
    return f"{revision} ({script.doc.splitlines()[0].rstrip('.')})"


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade_sync(connection: Connection, revision: str) -> UpgradeResult:
    before = _current(connection)
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)
    after = _current(connection)
    scripts = ScriptDirectory.from_config(config)
    applied = tuple(
        reversed([s.revision for s in scripts.iterate_revisions(after, before)])
        if after != before
        else []
    )
    return UpgradeResult(before=before, after=after, applied=applied)


async def upgrade(engine: AsyncEngine, revision: str = "head") -> UpgradeResult:
    """Bring the schema to ``revision`` in one transaction (PostgreSQL: under an advisory lock).

    Args:
        engine: the store's engine.
        revision: the target, normally ``"head"``.
    """
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        return await conn.run_sync(_upgrade_sync, revision)


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def schema_differences(engine: AsyncEngine) -> list[Any]:
    """How the database schema differs from :mod:`bot.store.tables` (empty: they match)."""
    async with engine.connect() as conn:
        return await conn.run_sync(_differences)


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at; ``None`` when it has no schema yet."""
    async with engine.connect() as conn:
        return await conn.run_sync(_current)
