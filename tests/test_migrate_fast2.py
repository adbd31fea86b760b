"""The Alembic scripts read once per process (bot/store/migrate.py): the same answers as reading
them afresh, on a real SQLite file, and a script added, changed or removed under a running
process is seen at the next upgrade."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.store.migrate import (
    MIGRATIONS_DIR,
    alembic_config,
    current_revision,
    describe_revision,
    head_revision,
    script_directory,
    upgrade,
)
from bot.store.sql import create_engine

EXTRA = '''"""Test only: a table of reminders.

Revision ID: 9001
Revises: {down}
"""

import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table("fast2_reminders", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade() -> None:
    op.drop_table("fast2_reminders")
'''


def fresh(directory: Path = MIGRATIONS_DIR) -> ScriptDirectory:
    """The scripts read from disk now, as Alembic's own commands do."""
    return ScriptDirectory.from_config(alembic_config(directory=directory))


@pytest.fixture
def scripts(tmp_path: Path) -> Path:
    """A copy of the shipped migrations folder that a test may add scripts to."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    made = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    try:
        yield made
    finally:
        await made.dispose()


async def tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda sync: inspect(sync).get_table_names()))


def test_the_cached_scripts_answer_as_scripts_read_afresh() -> None:
    assert script_directory() is script_directory()  # read once
    again = fresh()
    assert head_revision() == again.get_current_head() is not None
    shipped = [s.revision for s in again.walk_revisions()]
    assert [s.revision for s in script_directory().walk_revisions()] == shipped
    oldest = shipped[-1]
    assert describe_revision(oldest).startswith(f"{oldest} (")
    assert describe_revision(None) == "empty"


async def test_upgrading_in_steps_reports_each_step(engine: AsyncEngine) -> None:
    order = list(reversed([s.revision for s in fresh().walk_revisions()]))
    assert len(order) >= 3, "this test needs three revisions to step through"
    first = await upgrade(engine, order[1])
    assert (first.before, first.after, first.applied) == (None, order[1], tuple(order[:2]))
    rest = await upgrade(engine)
    assert (rest.before, rest.after, rest.applied) == (order[1], order[-1], tuple(order[2:]))
    assert await current_revision(engine) == order[-1]
    still = await upgrade(engine)
    assert (still.before, still.after, still.applied) == (order[-1], order[-1], ())


async def test_a_script_added_under_a_running_process_is_applied_next_time(
    engine: AsyncEngine, scripts: Path
) -> None:
    shipped = head_revision(scripts)
    assert shipped == head_revision() and shipped is not None
    done = await upgrade(engine, directory=scripts)
    assert done.after == shipped and "fast2_reminders" not in await tables(engine)
    added = scripts / "versions" / "9001_reminders.py"
    added.write_text(EXTRA.format(down=shipped), encoding="utf-8")
    assert head_revision(scripts) == "9001"
    more = await upgrade(engine, directory=scripts)
    assert (more.before, more.after, more.applied) == (shipped, "9001", ("9001",))
    assert "fast2_reminders" in await tables(engine)
    added.unlink()
    assert head_revision(scripts) == shipped  # removed: no longer offered
    assert head_revision() == shipped  # the shipped folder's cache was never touched


async def test_a_changed_script_is_read_again(scripts: Path) -> None:
    shipped = head_revision(scripts)
    added = scripts / "versions" / "9001_reminders.py"
    added.write_text(EXTRA.format(down=shipped), encoding="utf-8")
    assert doc_of(scripts, "9001").startswith("Test only")
    added.write_text(EXTRA.format(down=shipped).replace("Test only", "Changed"), encoding="utf-8")
    assert doc_of(scripts, "9001").startswith("Changed")


def doc_of(directory: Path, revision: str) -> str:
    script = script_directory(directory).get_revision(revision)
    assert script is not None
    return script.doc
