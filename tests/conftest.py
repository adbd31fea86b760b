"""Shared fixtures, from plugins: the store's and Telegram's (tests/support)."""

from __future__ import annotations

pytest_plugins = ["tests.support.db", "tests.support.safety", "tests.support.telegram_fixtures"]
