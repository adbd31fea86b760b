"""The raw bytes of every file a SQLite database writes, to prove what is (not) in them."""

from __future__ import annotations

from pathlib import Path

#: What SQLite writes beside ``name``: the write-ahead log, its index, a rollback journal.
SUFFIXES = ("", "-wal", "-shm", "-journal")


def database_files(db: Path) -> dict[str, bytes]:
    """Each existing file of the database ``db`` (the file itself, -wal, -shm, -journal),
    by name, with its bytes as they are on disk right now."""
    found = {}
    for suffix in SUFFIXES:
        path = db.with_name(db.name + suffix)
        if path.exists():
            found[path.name] = path.read_bytes()
    return found


def files_holding(db: Path, needle: str) -> list[str]:
    """The database files whose bytes contain ``needle`` (UTF-8, as SQLite stores text)."""
    raw = needle.encode("utf-8")
    return [name for name, data in database_files(db).items() if raw in data]
