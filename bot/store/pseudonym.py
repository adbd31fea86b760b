"""Pseudonyms: an HMAC-SHA256 of channel and user id, with the key kept outside the database."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import logging
import os
import secrets
import stat
from pathlib import Path

from bot.store.url import sqlite_path

logger = logging.getLogger(__name__)

#: Hex characters kept from the HMAC: 128 bits, plenty against collisions, short in tables.
PSEUDONYM_LENGTH = 32
#: Key file for databases that are not a SQLite file (PostgreSQL), in the working directory.
DEFAULT_KEY_FILE = Path("neutroguide.key")


class Pseudonymizer:
    """Maps a channel user id to a stable pseudonym; without the key it cannot be reversed."""

    __slots__ = ("_key",)

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("the pseudonym key must not be empty")
        self._key = key

    def of(self, channel: str, user_id: str) -> str:
        """The pseudonym of ``user_id`` on ``channel`` (e.g. ``"telegram"``): 32 hex characters."""
        digest = hmac.new(self._key, f"{channel}:{user_id}".encode(), hashlib.sha256)
        return digest.hexdigest()[:PSEUDONYM_LENGTH]

    def __repr__(self) -> str:  # never show the key
        return "Pseudonymizer(key=***)"


def key_file_for(db_url_or_path: str) -> Path:
    """Where the generated key lives: beside a SQLite file (``<db>.key``), else ``neutroguide.key``.

    Args:
        db_url_or_path: a ``DATABASE_URL`` or the path of a SQLite database file.
    """
    if "://" in db_url_or_path or db_url_or_path.startswith("sqlite:"):
        db_file = sqlite_path(db_url_or_path)
    else:
        db_file = Path(db_url_or_path)
    if db_file is None:
        return DEFAULT_KEY_FILE
    return db_file.with_name(db_file.name + ".key")


def load_or_create_key(db_url_or_path: str, shared_warning: bool = True) -> bytes:
    """Read the key file for this database, creating it (mode 0600) the first time.

    A generated key suits one machine. Several instances must share one key, so set
    ``PSEUDONYM_KEY`` there; a WARNING says so whenever the key file is used. The file holds
    the key as text: putting that text in ``PSEUDONYM_KEY`` later keeps every pseudonym.

    Args:
        db_url_or_path: a ``DATABASE_URL`` or the path of a SQLite database file.
        shared_warning: give the WARNING about several instances (not in the terminal chat,
            which is one person on one machine).

    Returns:
        The key bytes.
    """
    path = key_file_for(db_url_or_path)
    if not path.exists():
        _create_key_file(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        logger.warning("key file %s is readable by others (mode %o): chmod 600 it", path, mode)
    key = path.read_text(encoding="ascii").strip().encode("ascii")
    if not key:
        raise ValueError(f"{path} is empty; delete it to generate a new key or set PSEUDONYM_KEY")
    if not shared_warning:
        return key
    logger.warning(
        "PSEUDONYM_KEY is not set: using the key in %s. Production deployments with several "
        "instances must set PSEUDONYM_KEY (the same value everywhere), or pseudonyms will differ.",
        path,
    )
    return key


def _create_key_file(path: Path) -> None:
    """Write a fresh key atomically: two processes racing end up with the same single key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):  # another process won the race: keep theirs
            os.link(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def resolve_key(pseudonym_key: str | None, database_url: str, shared_warning: bool = True) -> bytes:
    """The key to use: ``PSEUDONYM_KEY`` when set, else the generated key file's.

    Args:
        pseudonym_key: the ``PSEUDONYM_KEY`` setting (``None`` when unset).
        database_url: the ``DATABASE_URL``, to place the key file beside a SQLite database.
        shared_warning: warn that several instances need ``PSEUDONYM_KEY`` when it is unset.
    """
    if pseudonym_key:
        return pseudonym_key.encode("utf-8")
    return load_or_create_key(database_url, shared_warning)
