"""Sealed contacts: only the pseudonym key opens them, and only for their own person."""

from __future__ import annotations

import pytest

from bot.store.sealed import Sealer, Unsealable

KEY = b"test-pseudonym-key-0123456789abcdef"


def test_a_sealed_id_opens_with_the_same_key_and_person() -> None:
    sealer = Sealer(KEY)
    sealed = sealer.seal("123456789", "a" * 32)
    assert "123456789" not in sealed
    assert sealer.open(sealed, "a" * 32) == "123456789"
    assert Sealer(KEY).open(sealed, "a" * 32) == "123456789"  # after a restart


def test_sealing_twice_gives_different_text() -> None:
    sealer = Sealer(KEY)
    assert sealer.seal("42", "p") != sealer.seal("42", "p")


@pytest.mark.parametrize(
    "opener, pseudonym, damage",
    [
        (Sealer(b"another key"), "a" * 32, False),
        (Sealer(KEY), "b" * 32, False),
        (Sealer(KEY), "a" * 32, True),
    ],
    ids=["other key", "other person", "damaged"],
)
def test_it_does_not_open_otherwise(opener: Sealer, pseudonym: str, damage: bool) -> None:
    sealed = Sealer(KEY).seal("123456789", "a" * 32)
    if damage:
        sealed = sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB")
    with pytest.raises(Unsealable):
        opener.open(sealed, pseudonym)
    with pytest.raises(Unsealable):
        opener.open("not base64 !", pseudonym)


def test_the_key_is_never_shown() -> None:
    assert "test-pseudonym" not in repr(Sealer(KEY))
