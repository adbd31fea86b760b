"""Shared fixtures, from plugins: the store's and Telegram's (tests/support).

Compiled modules are cached even where ``PYTHONDONTWRITEBYTECODE`` is set (as on the shared
development machine): without the cache every run compiles the package and rewrites the
assertions of every test module again, about 12 s of CPU of the fast subset's ~75.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterator

import pytest

sys.dont_write_bytecode = False  # before the plugins and test modules below are imported

pytest_plugins = ["tests.support.db", "tests.support.safety", "tests.support.telegram_fixtures"]


def pytest_collection_finish(session: pytest.Session) -> None:
    """Everything imported and collected lives for the run: freeze it (see below)."""
    gc.collect()
    gc.freeze()


@pytest.fixture(scope="module", autouse=True)
def _freeze_what_outlives_the_module() -> Iterator[None]:
    """At the end of each test module: collect its garbage, then freeze what is left.

    What survives a module lives for the run (imported modules, the screen, the search
    indexes, content and catalog caches). ``gc.freeze`` moves it out of the cyclic collector's
    sight, so the full collections during later tests walk only what those tests made, not
    the whole heap again: they took about 9 s of the fast subset. This runs as the module's
    last fixture teardown, so the collection before the freeze runs every finalizer in time
    for pytest to report an unclosed resource (``filterwarnings = error``) as an error of
    the module's last test.
    """
    yield
    gc.collect()
    gc.freeze()
