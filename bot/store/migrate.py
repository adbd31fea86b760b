"""Schema upgrades with Alembic, configured in code: no ``alembic.ini`` needed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
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


def alembic_config(url: str = "", directory: Path = MIGRATIONS_DIR) -> Config:
    """An Alembic configuration for our migrations, for ``command.*`` calls.

    Args:
        url: the database URL, used only when Alembic opens its own connection.
        directory: the migrations folder (tests point it at a copy).
    """
    config = Config()
    config.set_main_option("script_location", str(directory))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


#: Per migrations folder, the stat of its scripts and the ScriptDirectory read from them.
_Stamp = tuple[tuple[str, int, int, int], ...]
_script_directories: dict[Path, tuple[_Stamp, ScriptDirectory]] = {}


def _stamp(directory: Path) -> _Stamp:
    files = [directory / "env.py", *sorted((directory / "versions").glob("*.py"))]
    stats = [(file.name, file.stat()) for file in files if file.exists()]
    return tuple((name, st.st_mtime_ns, st.st_ctime_ns, st.st_size) for name, st in stats)


def script_directory(directory: Path = MIGRATIONS_DIR) -> ScriptDirectory:
    """The migration scripts in ``directory``, read once per process.

    Reading them imports every revision file (15-25 ms, paid by every ``open_store``); they are
    read again when a script is added, removed or changed (a new version installed under a
    running process), so the answer is never older than the files.
    """
    stamp = _stamp(directory)
    cached = _script_directories.get(directory)
    if cached is None or cached[0] != stamp:
        cached = (stamp, ScriptDirectory.from_config(alembic_config(directory=directory)))
        _script_directories[directory] = cached
    return cached[1]


def head_revision(directory: Path = MIGRATIONS_DIR) -> str | None:
    """The newest revision shipped with this version of NeutroGuide."""
    return script_directory(directory).get_current_head()


def describe_revision(revision: str | None) -> str:
    """``"0001 (Initial schema: ...)"`` for a revision id, ``"empty"`` for none."""
    if revision is None:
        return "empty"
    script = script_directory().get_revision(revision)
    if script is None or not script.doc:
        return revision
    return f"{revision} ({script.doc.splitlines()[0].rstrip('.')})"


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _upgrade_sync(connection: Connection, revision: str, directory: Path) -> UpgradeResult:
    # What alembic.command.upgrade does, on the cached script directory; the current revision
    # is the one Alembic hands the step function, so an up-to-date database is read once.
    scripts = script_directory(directory)
    config = alembic_config(directory=directory)
    config.attributes["connection"] = connection
    found: list[tuple[str, ...]] = []
    planned: list[Any] = []

    def steps(heads: tuple[str, ...], _context: MigrationContext) -> list[Any]:
        found.append(tuple(heads))
        planned.extend(scripts._upgrade_revs(revision, heads))  # type: ignore[arg-type]
        return planned

    with EnvironmentContext(config, scripts, fn=steps, destination_rev=revision):
        scripts.run_env()
    before = found[0][0] if found and found[0] else None
    after = _current(connection) if planned else before
    applied = tuple(
        reversed([s.revision for s in scripts.iterate_revisions(after, before)])
        if after != before
        else []
    )
    return UpgradeResult(before=before, after=after, applied=applied)


async def upgrade(
    engine: AsyncEngine, revision: str = "head", directory: Path = MIGRATIONS_DIR
) -> UpgradeResult:
    """Bring the schema to ``revision`` in one transaction (PostgreSQL: under an advisory lock).

    Args:
        engine: the store's engine.
        revision: the target, normally ``"head"``.
        directory: the migrations folder (tests point it at a copy).
    """
    async with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            await conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
        return await conn.run_sync(_upgrade_sync, revision, directory)


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
