"""Shared fixtures, from plugins: the store's and Telegram's (tests/support).

Compiled modules are cached even where ``PYTHONDONTWRITEBYTECODE`` is set (as on the shared
development machine): without the cache every run compiles the package and rewrites the
assertions of every test module again, about 12 s of CPU of the fast subset's ~75.
"""

from __future__ import annotations

import sys

sys.dont_write_bytecode = False  # before the plugins and test modules below are imported

pytest_plugins = ["tests.support.db", "tests.support.safety", "tests.support.telegram_fixtures"]
