"""Sealing a contact: a channel user id stored so that only the pseudonym key can read it.

"Ask a nurse" must send the nurses' answers back to the person, so it keeps their channel
user id; it is sealed with AES-GCM (``cryptography``) under a key derived from the pseudonym
key, with the pseudonym as associated data (a sealed id copied to another person's row does
not open). Like the pseudonyms, a leaked database backup alone does not reveal who is who.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PURPOSE = b"neutroguide-contact-seal-v1"
_NONCE = 12


class Unsealable(ValueError):
    """The sealed value is damaged, belongs to someone else or was sealed with another key."""


class Sealer:
    """Seals and opens short strings for one pseudonym key."""

    __slots__ = ("_aead",)

    def __init__(self, key: bytes) -> None:
        if not key:
            raise ValueError("the pseudonym key must not be empty")
        self._aead = AESGCM(hmac.new(key, _PURPOSE, hashlib.sha256).digest())

    def seal(self, value: str, pseudonym: str) -> str:
        """``value`` sealed for ``pseudonym``: URL-safe base64 text, different every time."""
        nonce = secrets.token_bytes(_NONCE)
        sealed = self._aead.encrypt(nonce, value.encode(), pseudonym.encode())
        return base64.urlsafe_b64encode(nonce + sealed).decode("ascii")

    def open(self, sealed: str, pseudonym: str) -> str:
        """The value :meth:`seal` sealed for ``pseudonym``.

        Raises:
            Unsealable: damaged, another person's, or another key's.
        """
        try:
            raw = base64.urlsafe_b64decode(sealed.encode("ascii"))
            return self._aead.decrypt(raw[:_NONCE], raw[_NONCE:], pseudonym.encode()).decode()
        except (InvalidTag, ValueError, UnicodeError):
            raise Unsealable("the sealed contact cannot be opened with this key") from None

    def __repr__(self) -> str:  # never show the key
        return "Sealer(key=***)"
