"""Operator passwords: argon2id hashes (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from functools import cached_property

from argon2 import Parameters, PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

#: Shorter passwords are refused by ``neutroguide operators add``.
MIN_LENGTH = 12


class Passwords:
    """Hashes and checks passwords with one set of argon2 parameters.

    The bot and its commands use :data:`PASSWORDS` (argon2-cffi's defaults). The review app
    takes another through ``create_review_app(passwords=...)``: its tests give it cheap
    parameters, since argon2 is slow on purpose and they sign in dozens of times.
    """

    def __init__(self, parameters: Parameters | None = None) -> None:
        """Args:
        parameters: argon2 parameters (``argon2.profiles``); ``None``: argon2-cffi's defaults.
        """
        self._hasher = (
            PasswordHasher() if parameters is None else PasswordHasher.from_parameters(parameters)
        )

    @cached_property
    def _dummy(self) -> str:
        """Verified against when the name is unknown, so a wrong name takes as long as a wrong
        password. Made at the first sign-in, not at import (hashing takes ~0.15 s, which every
        command and test paid)."""
        return self._hasher.hash("no such operator, but the same work")

    def hash(self, password: str) -> str:
        """The argon2id hash to store for ``password``."""
        return self._hasher.hash(password)

    def verify(self, stored: str | None, password: str) -> bool:
        """Whether ``password`` matches ``stored`` (``None``: no such operator, always false)."""
        try:
            return self._hasher.verify(stored or self._dummy, password) and stored is not None
        except (VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, stored: str) -> bool:
        """Whether ``stored`` was made with other parameters than these."""
        return self._hasher.check_needs_rehash(stored)


#: argon2-cffi's default parameters (RFC 9106 low-memory profile): what operators' hashes use.
PASSWORDS = Passwords()


def hash_password(password: str) -> str:
    """The argon2id hash to store for ``password`` (:data:`PASSWORDS`)."""
    return PASSWORDS.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (``None``: no such operator, always false)."""
    return PASSWORDS.verify(stored, password)


def needs_rehash(stored: str) -> bool:
    """Whether ``stored`` was made with other parameters than :data:`PASSWORDS`'."""
    return PASSWORDS.needs_rehash(stored)


def password_problem(password: str) -> str | None:
    """Why ``password`` is refused, or ``None`` when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"the password must be at least {MIN_LENGTH} characters long"
    if not password.strip():
        return "the password must not be only spaces"
    return None
