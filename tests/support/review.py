"""The review app in tests: real content and catalogs, a real store seeded through the bot's
own commit, operators with real argon2 hashes, and an HTTP client that signs in.

The hashes and the app use argon2's cheapest parameters (:data:`CHEAP`), given through
``create_review_app(passwords=...)``: the same code, but a sign-in costs well under a
millisecond instead of ~0.1 s. tests/test_review_fast2.py signs in with the production ones."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import argon2.profiles
import httpx
from starlette.applications import Starlette

from bot.content.loader import load_dialogs
from bot.content.model import DialogSet
from bot.engine.engine import choice_token
from bot.engine.types import Session
from bot.i18n.render import Catalogs
from bot.review.app import create_review_app
from bot.review.passwords import Passwords
from bot.service import message_id
from bot.store import LogRow, Person, SqlStore
from bot.store.operators import OperatorStore, Role

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "correct horse battery staple"
#: 2026-11-21T23:00:00Z
T0 = 1_795_302_000.0
FLAGGED = Person("ab" * 16, locale="de", consent=True)
QUIET = Person("cd" * 16, locale="en", consent=False)
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


#: argon2id with argon2-cffi's "for testing only" parameters (1 pass over 8 KiB).
CHEAP = Passwords(argon2.profiles.CHEAPEST)


@lru_cache(maxsize=1)
def _password_hash() -> str:
    """:data:`PASSWORD` hashed once per test run with :data:`CHEAP`."""
    return CHEAP.hash(PASSWORD)


@lru_cache(maxsize=1)
def content() -> tuple[DialogSet, Catalogs]:
    """The shipped dialogs and catalogs, loaded once."""
    return load_dialogs(ROOT / "dialogs"), Catalogs.load(ROOT / "locales")


def flagged_rows(at: float = T0) -> list[LogRow]:
    """A German conversation: /start, a button, a bot message, a typed fever with the urgent
    answer (escalation + red flag in one turn), then a question the bot did not understand."""
    dialogs, _ = content()
    ask = dialogs.nodes["fever/ask"]
    urgent = dialogs.system["urgent_fever"]
    return [
        LogRow("in", "command", None, message_id="start", at=at),
        LogRow("in", "choice", "menu/main", message_id=choice_token("fever/ask", 0), at=at + 1),
        LogRow("out", "reply", "fever/ask", message_id=message_id(ask.say[0].text), at=at + 2),
        LogRow("in", "text", "fever/ask", text="39.5 und Schüttelfrost", at=at + 3),
        LogRow("out", "escalation", "fever/ask", flag="urgent", rule="fever.high", at=at + 3),
        LogRow("out", "reply", "fever/ask", message_id=message_id(urgent), at=at + 3),
        LogRow("out", "flag", "fever/ask", flag="red", rule="urgent_fever", at=at + 3),
        LogRow("in", "text", "fever/ask", text="Was ist ANC?", at=at + 10),
        LogRow("in", "unanswered", "fever/ask", at=at + 10),
        LogRow("in", "text", "fever/ask", text="was ist anc", at=at + 20),
        LogRow("in", "unanswered", "fever/ask", at=at + 20),
    ]


def quiet_rows(at: float = T0 + 3600) -> list[LogRow]:
    """An English conversation with no flag."""
    dialogs, _ = content()
    hello = dialogs.nodes[dialogs.welcome]
    return [
        LogRow("in", "command", None, message_id="start", at=at),
        LogRow("out", "reply", hello.id, message_id=message_id(hello.say[0].text), at=at + 1),
    ]


async def seed(store: SqlStore) -> None:
    """Two conversations (see :func:`flagged_rows`, :func:`quiet_rows`)."""
    assert await store.commit(FLAGGED, Session(node="fever/ask"), flagged_rows(), "seed-1")
    dialogs, _ = content()
    assert await store.commit(QUIET, Session(node=dialogs.welcome), quiet_rows(), "seed-2")


async def add_operators(
    store: SqlStore, names: Sequence[tuple[str, Role]] = (("ada", "admin"), ("rex", "reviewer"))
) -> None:
    """Operators with :data:`PASSWORD`."""
    operators = OperatorStore(store)
    hashed = _password_hash()
    for name, role in names:
        await operators.add(name, role, hashed)


def review_app(url: str, clock: object = None, passwords: Passwords = CHEAP) -> Starlette:
    """The review app on ``url`` with the shipped content, checking passwords with
    ``passwords``."""
    dialogs, catalogs = content()
    kwargs = {"clock": clock} if clock is not None else {}
    params = {"emergency_number": "999", "urgent_advice_number": "111", "fever_threshold": 38.0}
    return create_review_app(  # type: ignore[arg-type]
        url, dialogs, catalogs, params, passwords=passwords, **kwargs
    )


def client(app: Starlette, https: bool = False) -> httpx.AsyncClient:
    """An HTTP client talking to ``app`` in this process (no socket)."""
    scheme = "https" if https else "http"
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=f"{scheme}://review.test"
    )


def csrf_of(html: str) -> str:
    """The first CSRF token in a page's forms."""
    found = CSRF_FIELD.search(html)
    assert found, "no form with a CSRF token on this page"
    return found[1]


async def sign_in(http: httpx.AsyncClient, name: str, password: str = PASSWORD) -> httpx.Response:
    """Sign in through the form, as a browser does; returns the answer to the POST."""
    form = await http.get("/login")
    return await http.post(
        "/login",
        data={"name": name, "password": password, "csrf": csrf_of(form.text), "next": "/inbox"},
    )


class ServedApp:
    """The review app served by uvicorn on 127.0.0.1 (a free port) in a thread, for a browser.

    The socket is bound and listening before the thread starts, so the first request queues
    until the server accepts it: no waiting loop needed.
    """

    def __init__(self, app: Starlette) -> None:
        import socket
        import threading

        import uvicorn

        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(64)
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(app, log_level="warning", lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> ServedApp:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=30)
        self._sock.close()


def seeded_database(path: Path) -> str:
    """A SQLite database at ``path`` with :func:`seed`'s conversations and two operators."""
    import asyncio

    from bot.store import open_store
    from tests.support.db import FakeClock

    url = f"sqlite:///{path}"

    async def build() -> None:
        store = await open_store(url, clock=FakeClock())
        try:
            await seed(store)
            await add_operators(store)
        finally:
            await store.close()

    # In a thread of its own: Playwright's sync API keeps an event loop running in this one.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, build()).result()
    return url
