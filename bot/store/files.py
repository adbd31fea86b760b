"""SQLite database files: created 0600 (like the key file), an existing empty one refused."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from bot.store.errors import StoreError, StoreNotReady, StoreUnavailable
from bot.store.url import display_url, sqlite_path

#: Owner read and write only: the file holds typed text and phone numbers.
DATABASE_FILE_MODE = 0o600


def empty_file_message(path: Path) -> str:
    """Why an existing 0-byte database file is refused, and the two ways on."""
    return (
        f"the database file {path} is empty (0 bytes), so it holds no conversations: if it "
        "should, restore it from a backup; to start a new database, delete it and run "
        "'neutroguide db upgrade'"
    )


def prepare_sqlite_file(url: str, *, create: bool) -> None:
    """Check (and, with ``create``, make) the SQLite file of ``url`` before SQLite opens it.

    A missing file is created mode 0600 and at once made a WAL database, so it is never left
    empty; SQLite then gives its ``-wal`` and ``-shm`` files the same mode. An existing file
    of 0 bytes is refused: SQLite would silently treat it as a new database, hiding a failed
    restore, a full disk or a wrong path. PostgreSQL and in-memory URLs: nothing to do.

    Args:
        url: the ``DATABASE_URL``.
        create: make the file when it is missing (``db upgrade``, the bot); else a missing
            file is :class:`StoreNotReady` (the review commands never create one).

    Raises:
        StoreUnavailable: the directory does not exist.
        StoreNotReady: no file, and ``create`` is false.
        StoreError: the file exists and is empty.
    """
    path = sqlite_path(url)
    if path is None:
        return
    if not path.absolute().parent.is_dir():  # SQLite would only say "unable to open"
        raise StoreUnavailable(
            f"cannot open the database {display_url(url)}: "
            f"the directory {path.absolute().parent} does not exist"
        )
    if path.exists():
        if path.is_file() and path.stat().st_size == 0:
            raise StoreError(empty_file_message(path))
        return
    if not create:
        raise StoreNotReady(
            f"there is no database file at {path} (DATABASE_URL={display_url(url)}); "
            "check DATABASE_URL, or run `neutroguide db upgrade` to create it"
        )
    _create(path)


def _create(path: Path) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, DATABASE_FILE_MODE)
    except FileExistsError:  # another process just made it: use theirs
        return
    except OSError as exc:
        raise StoreUnavailable(f"cannot create the database file {path}: {exc}") from exc
    os.close(fd)
    # Switching to WAL writes the header page: the file is a database from now on.
    with contextlib.closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA journal_mode=WAL")
