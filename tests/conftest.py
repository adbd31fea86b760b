"""Shared fixtures; store fixtures come from the tests.support.db plugin."""

from __future__ import annotations

pytest_plugins = ["tests.support.db"]
