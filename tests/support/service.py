"""Build a real :class:`Conversations` on a SQLite file for tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.config import Deployment, Settings
from bot.content.loader import load_dialogs
from bot.engine import Engine
from bot.i18n.keywords import translated_keywords
from bot.i18n.render import Catalogs
from bot.search import SearchIndex
from bot.service import Conversations, Screener
from bot.store import open_store
from bot.store.pseudonym import Pseudonymizer
from bot.store.sealed import Sealer
from tests.support.db import sqlite_file_at_head

ROOT = Path(__file__).resolve().parents[2]
TEST_KEY = b"test-pseudonym-key-0123456789abcdef"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: float = 1_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


async def make_service(
    db: Path,
    dialogs_dir: Path = ROOT / "dialogs",
    locales_dir: Path = ROOT / "locales",
    screener: Screener | None = None,
    clock: Callable[[], float] | None = None,
    deployment: Deployment | None = None,
    database_url: str | None = None,
) -> Conversations:
    """A service over real dialogs, catalogs and a SQLite store at ``db`` (or at
    ``database_url``, e.g. a PostgreSQL test database).

    A new ``db`` starts as a copy of a file upgraded once per run (tests/support/db.py), which
    is what ``open_store`` makes of a new file, without running the migrations each time; an
    existing one (a restart) is opened as it is."""
    deployment = deployment or Deployment()
    settings = Settings(
        database_url=database_url or f"sqlite:///{db}",
        dialogs_dir=dialogs_dir,
        locales_dir=locales_dir,
        deployment=deployment,
    )
    dialogs = load_dialogs(dialogs_dir)
    catalogs = Catalogs.load(locales_dir)
    engine = Engine(
        dialogs,
        deployment.placeholders(),
        deployment.idle_resume_hours * 3600,
        keywords=translated_keywords(catalogs, dialogs),
        finder=SearchIndex.shared(dialogs, catalogs),
    )
    if database_url is None:
        await sqlite_file_at_head(db)
    store = await open_store(settings.database_url)
    return Conversations(
        dialogs,
        engine,
        catalogs,
        store,
        Pseudonymizer(TEST_KEY),
        settings,
        screener,
        clock or Clock(),
        Sealer(TEST_KEY),
    )
