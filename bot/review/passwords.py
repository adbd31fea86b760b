"""Operator passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Shorter passwords are refused by ``neutroguide operators add``.
MIN_LENGTH = 12

_hasher = PasswordHasher()


@cache
def _dummy() -> str:
    """Verified against when the name is unknown, so a wrong name takes as long as a wrong
    password. Made at the first sign-in, not at import (hashing takes ~0.15 s, which every
    command and test paid)."""
    return _hasher.hash("no such operator, but the same work")


def hash_password(password: str) -> str:
    """The argon2id hash to store for ``password``."""
    return _hasher.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (``None``: no such operator, always false)."""
    try:
        return _hasher.verify(stored or _dummy(), password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with older parameters than the current ones."""
    return _hasher.check_needs_rehash(stored)


def password_problem(password: str) -> str | None:
    """Why ``password`` is refused, or ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"the password must be at least {MIN_LENGTH} characters long"
    if not password.strip():
        return "the password must not be only spaces"
    return None
