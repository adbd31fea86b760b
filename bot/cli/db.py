"""`neutroguide db`: create or upgrade the database schema (Alembic migrations)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import Any

from bot.config import ConfigError, load_settings
from bot.store import StoreError, display_url, upgrade_database
from bot.store.migrate import describe_revision, head_revision
from bot.store.url import sqlite_path


def add_parser(sub: Any) -> None:
    """Register `db upgrade`."""
    parser = sub.add_parser("db", help="create or upgrade the database (DATABASE_URL)")
    commands = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = commands.add_parser(
        "upgrade",
        help="bring the schema to the newest version (safe to run again)",
        description="Create the tables, or apply the migrations this version adds. "
        "The bot does the same at start-up; run it by hand before a deployment "
        "to see what changes.",
    )
    upgrade.add_argument(
        "--revision", default="head", help="target revision (default: the newest, 'head')"
    )
    upgrade.set_defaults(func=_upgrade)


def _upgrade(args: argparse.Namespace) -> int:
    try:
        url = load_settings().database_url
        path = sqlite_path(url)
        print(f"Database: {display_url(url)}" + (f" (file {path.resolve()})" if path else ""))
        result = asyncio.run(upgrade_database(url, args.revision))
    except (ConfigError, StoreError) as exc:
        print(f"neutroguide db upgrade: {exc}", file=sys.stderr)
        return 1
    if not result.applied:
        print(f"Already at {describe_revision(result.after)}: nothing to do.")
        return 0
    print(f"Was at: {describe_revision(result.before)}")
    for revision in result.applied:
        print(f"Applied {describe_revision(revision)}")
    latest = " (newest)" if result.after == head_revision() else ""
    print(f"Now at {result.after}{latest}.")
    return 0
