"""A damaged SQLite file gets one clear line from every command, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.cli import neutroguide
from tests.support.content import ROOT

pytestmark = pytest.mark.slow  # real subprocesses

COMMANDS = (("chat",), ("logs", "list"), ("db", "upgrade"))


def _random_bytes(path: Path) -> None:
    path.write_bytes(os.urandom(40_000))


def _truncated(path: Path) -> None:
    made = neutroguide(f"sqlite:///{path}", "db", "upgrade", cwd=path.parent)
    assert made.returncode == 0, made.stderr
    data = path.read_bytes()
    path.write_bytes(data[:100] + os.urandom(len(data) - 100))  # header kept, pages garbage


@pytest.mark.parametrize("damage", [_random_bytes, _truncated], ids=["random", "truncated"])
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_damaged_database_gets_one_clear_line(
    tmp_path: Path, damage: object, command: tuple[str, ...]
) -> None:
    db = tmp_path / "bot.db"
    damage(db)  # type: ignore[operator]
    (tmp_path / "dialogs").symlink_to(ROOT / "dialogs")  # chat reads ./dialogs
    (tmp_path / "locales").symlink_to(ROOT / "locales")
    result = neutroguide(f"sqlite:///{db}", *command, cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert str(db) in lines[0]
    assert "restore it from a backup" in lines[0] or "damaged" in lines[0], lines[0]
