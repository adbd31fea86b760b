"""The review app's argon2 parameters as configuration (``create_review_app(passwords=...)``):
production parameters by default, cheap ones only where a test passes them, and a hash made
with other parameters rehashed at sign-in. Real SQLite store, real argon2, over HTTP."""

from __future__ import annotations

from pathlib import Path

import argon2
import argon2.profiles
import pytest
from starlette.applications import Starlette

from bot.review.app import create_review_app
from bot.review.passwords import PASSWORDS, Passwords, hash_password, needs_rehash
from bot.store import open_store
from bot.store.operators import OperatorStore
from tests.support.db import upgraded_sqlite_file
from tests.support.review import CHEAP, client, content, sign_in

SECRET = "a long passphrase nobody guesses"
PRODUCTION = argon2.profiles.RFC_9106_LOW_MEMORY


def parameters_of(stored: str) -> argon2.Parameters:
    return argon2.extract_parameters(stored)


async def app_with_operator(
    tmp_path: Path, stored: str, **kwargs: Passwords
) -> tuple[str, Starlette]:
    path = tmp_path / "ops.db"
    await upgraded_sqlite_file(path)
    url = f"sqlite:///{path}"
    store = await open_store(url)
    try:
        await OperatorStore(store).add("mia", "reviewer", stored)
    finally:
        await store.close()
    dialogs, catalogs = content()
    return url, create_review_app(url, dialogs, catalogs, {}, **kwargs)


async def stored_hash(url: str) -> str:
    store = await open_store(url)
    try:
        operator = await OperatorStore(store).get("mia")
    finally:
        await store.close()
    assert operator is not None
    return operator.password_hash


def test_cheap_parameters_hash_differently_but_check_the_same_way() -> None:
    cheap = CHEAP.hash(SECRET)
    assert parameters_of(cheap).memory_cost == argon2.profiles.CHEAPEST.memory_cost
    assert parameters_of(cheap).memory_cost < PRODUCTION.memory_cost
    assert CHEAP.verify(cheap, SECRET)
    assert not CHEAP.verify(cheap, SECRET + "!")
    assert not CHEAP.verify(None, SECRET)  # no such operator
    assert not CHEAP.verify("not a hash at all", SECRET)
    assert needs_rehash(cheap)  # the production hasher would replace it
    assert not CHEAP.needs_rehash(cheap)


async def test_an_app_built_without_passwords_signs_in_with_production_hashes(
    tmp_path: Path,
) -> None:
    production = hash_password(SECRET)
    made = parameters_of(production)
    assert made.type is argon2.Type.ID
    assert (made.time_cost, made.memory_cost, made.parallelism) == (
        PRODUCTION.time_cost,
        PRODUCTION.memory_cost,
        PRODUCTION.parallelism,
    )
    url, app = await app_with_operator(tmp_path, production)
    try:
        async with client(app) as http:
            assert (await sign_in(http, "mia", "an entirely wrong one")).status_code == 401
            assert (await sign_in(http, "nobody here", SECRET)).status_code == 401
            assert (await sign_in(http, "mia", SECRET)).status_code == 303
    finally:
        await app.state.review.close()
    assert await stored_hash(url) == production  # not rehashed: already the app's parameters


async def test_a_hash_with_other_parameters_is_rehashed_with_the_apps_at_sign_in(
    tmp_path: Path,
) -> None:
    url, app = await app_with_operator(tmp_path, CHEAP.hash(SECRET))  # production app
    try:
        async with client(app) as http:
            assert (await sign_in(http, "mia", SECRET)).status_code == 303
    finally:
        await app.state.review.close()
    rehashed = await stored_hash(url)
    assert parameters_of(rehashed).memory_cost == PRODUCTION.memory_cost
    assert PASSWORDS.verify(rehashed, SECRET)


async def test_an_app_given_cheap_parameters_keeps_cheap_hashes(tmp_path: Path) -> None:
    url, app = await app_with_operator(tmp_path, CHEAP.hash(SECRET), passwords=CHEAP)
    try:
        async with client(app) as http:
            assert (await sign_in(http, "mia", "still not it, sorry")).status_code == 401
            assert (await sign_in(http, "mia", SECRET)).status_code == 303
    finally:
        await app.state.review.close()
    assert parameters_of(await stored_hash(url)).memory_cost == argon2.profiles.CHEAPEST.memory_cost


@pytest.mark.parametrize("stored", ["", "$argon2id$v=19$m=8,t=1,p=1$broken"])
def test_a_damaged_stored_hash_never_matches(stored: str) -> None:
    assert not PASSWORDS.verify(stored or None, SECRET)
    assert not CHEAP.verify(stored or None, SECRET)
