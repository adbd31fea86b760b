"""A fake Telegram Bot API HTTP server on 127.0.0.1 for end-to-end tests and the benchmark.

It speaks the same URL layout as a self-hosted Bot API server (``{url}/bot<token>/<method>``),
keeps the state the bot can observe (messages per chat with their keyboards, answered callback
queries, commands, the webhook), records every call with the HTTP status it answered, queues
updates for ``getUpdates`` (offsets and long polling), and injects faults on demand, per method
and optionally per chat: 429 with ``retry_after``, 5xx with a JSON body or with the HTML page
Telegram's gateway really returns (:meth:`FakeBotAPI.fail_html`), 403 "bot was blocked by the
user", slow responses, and hung calls (:meth:`FakeBotAPI.stall`, let go by
:meth:`FakeBotAPI.release`). A fault can also come *after* the call was carried out
(``carry_out=True``): the message is in the chat, the bot is told it failed.

Forum topics (a supergroup made with :meth:`FakeBotAPI.forum_chat`): ``createForumTopic``,
``deleteForumTopic``, ``closeForumTopic``, ``sendMessage`` with ``message_thread_id`` (kept on
:attr:`StoredMessage.thread_id`), and messages people write in a topic
(:meth:`FakeBotAPI.send_in_topic`).

Everything runs in the caller's event loop; tests wait on :meth:`FakeBotAPI.wait_for`, which
wakes on every recorded call, never on a sleep.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.parser
import email.policy
import itertools
import json
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qsl

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.support.http import local_tls

DEFAULT_TOKEN = "4242424242:AAFakeTokenForTests_do-not-log-me"
BOT_ID = 4242424242
BOT_USERNAME = "neutroguide_test_bot"
MESSAGE_LIMIT = 4096

#: What Telegram's nginx gateway answers when the Bot API backend is down (text/html).
GATEWAY_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n"
    "</body>\r\n</html>\r\n"
)

#: Parameters PTB sends as plain strings (everything else is JSON-encoded).
_STRING_PARAMS = frozenset(
    {
        "text",
        "callback_query_id",
        "action",
        "language_code",
        "url",
        "secret_token",
        "parse_mode",
        "inline_message_id",
        "name",
        "caption",
    }
)
#: Telegram's limit for a photo's or document's caption.
CAPTION_LIMIT = 1024


@dataclass(frozen=True, slots=True)
class Call:
    """One HTTP request the bot made, with the status the fake answered."""

    method: str
    params: dict[str, Any]
    status: int
    #: When the answer was sent (``time.monotonic()``).
    at: float
    #: When the request arrived, so a test can tell one call started after another ended.
    received: float = 0.0


@dataclass(slots=True)
class Fault:
    """A scripted answer for the next call(s) of one method."""

    status: int = 200
    description: str = ""
    retry_after: int | None = None
    delay: float = 0.0
    times: int = 1
    chat_id: int | None = None
    stall: bool = False
    #: Answer with the gateway's HTML page instead of a Bot API JSON error.
    html: bool = False
    #: Carry the call out first, then answer with the error (the bot cannot know it worked).
    carry_out: bool = False


@dataclass(slots=True)
class StoredMessage:
    """A message the bot sent, as it currently looks in the chat."""

    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    edits: int = 0
    #: The forum topic it was sent to (``message_thread_id``), if any.
    thread_id: int | None = None
    #: ``"photo"`` or ``"document"`` for a sent file (``text`` is then its caption).
    media: str | None = None
    file: bytes = b""
    file_name: str = ""

    @property
    def buttons(self) -> list[tuple[str, str]]:
        """(label, callback_data) of every inline button, row by row."""
        if not self.reply_markup:
            return []
        return [
            (b["text"], b["callback_data"])
            for row in self.reply_markup.get("inline_keyboard", [])
            for b in row
        ]

    def to_api(self, chat: dict[str, Any]) -> dict[str, Any]:
        """The Bot API ``Message`` object."""
        data: dict[str, Any] = {
            "message_id": self.message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "NeutroGuide"},
            "text": self.text,
        }
        if self.media is not None:
            unique = f"{self.media}{self.chat_id}-{self.message_id}"
            del data["text"]
            data["caption"] = self.text
            if self.media == "photo":
                data["photo"] = [
                    {"file_id": unique, "file_unique_id": unique, "width": 1, "height": 1}
                ]
            else:
                data["document"] = {
                    "file_id": unique,
                    "file_unique_id": unique,
                    "file_name": self.file_name,
                }
        if self.reply_markup:
            data["reply_markup"] = self.reply_markup
        if self.thread_id is not None:
            data["message_thread_id"] = self.thread_id
            data["is_topic_message"] = True
        return data


@dataclass(slots=True)
class _Queued:
    update: dict[str, Any]
    ignore_offset: bool = False


class _ApiError(Exception):
    def __init__(
        self,
        status: int,
        description: str,
        retry_after: int | None = None,
        html: bool = False,
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after
        self.html = html


def _multipart(content_type: str, body: bytes) -> tuple[dict[str, str], dict[str, Any]]:
    """Form fields and uploaded files ({name: (filename, bytes)}) of a multipart body."""
    head = f"Content-Type: {content_type}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            files[str(name)] = (filename, payload)
        else:
            fields[str(name)] = payload.decode("utf-8")
    return fields, files


def _decode(params: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, raw in params.items():
        if key in _STRING_PARAMS:
            out[key] = raw
            continue
        try:
            out[key] = json.loads(raw)
        except ValueError:
            out[key] = raw
    return out


class AsgiServer:
    """Serve an ASGI app with uvicorn on 127.0.0.1, port 0, in the running event loop."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock.bind(("127.0.0.1", 0))
        # Listening before uvicorn starts: early connections wait in the backlog.
        self._sock.listen(2048)
        self.port: int = self._sock.getsockname()[1]
        config = uvicorn.Config(
            app,
            lifespan="off",
            log_config=None,
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=2,
            backlog=2048,
        )
        self._server = _QuietServer(config)
        self._task: asyncio.Task[None] | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def socket(self) -> socket.socket:
        """The bound, listening socket."""
        return self._sock

    async def start(self) -> None:
        """Start serving (returns at once; connections queue until uvicorn accepts them)."""
        self._task = asyncio.create_task(self._server.serve(sockets=[self._sock]))

    async def stop(self) -> None:
        """Stop serving and wait for uvicorn to finish."""
        self._server.stop()
        if self._task is not None:
            await self._task
        self._sock.close()


class _QuietServer(uvicorn.Server):
    """uvicorn without its process-wide signal handlers (the test runner owns signals), that
    stops as soon as it is asked and its connections are done.

    uvicorn looks at ``should_exit`` every 0.1 s and, stopping, waits 0.1 s and then polls its
    connections every 0.1 s: about 0.2 s per server, paid by each of the hundreds of tests
    that start one. Here :meth:`stop` wakes the main loop, and the stop polls the same
    conditions (connections closed, request tasks done) every few milliseconds, within the
    same graceful-shutdown bound.
    """

    #: How often a stopping server looks whether its connections and tasks are done.
    POLL = 0.005

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self._wake = asyncio.Event()

    def stop(self) -> None:
        """Ask the server to stop now (``serve`` then returns once its connections are done)."""
        self.should_exit = True
        self._wake.set()

    @contextlib.contextmanager
    def capture_signals(self) -> Any:
        yield

    async def main_loop(self) -> None:
        counter = 0
        while not await self.on_tick(counter):  # the Date header, once a second, as uvicorn
            counter = (counter + 1) % 864000
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), 0.1)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        for server in self.servers:
            server.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()  # idle keep-alive connections close, busy ones after answering
        try:
            async with asyncio.timeout(self.config.timeout_graceful_shutdown):
                # uvicorn has no event for "the last connection closed"; it polls too.
                while self.server_state.connections or self.server_state.tasks:  # noqa: ASYNC110
                    await asyncio.sleep(self.POLL)
        except TimeoutError:
            for task in self.server_state.tasks:
                task.cancel(msg="Task cancelled, timeout graceful shutdown exceeded")
        for server in self.servers:
            await server.wait_closed()
        await self.lifespan.shutdown()


class FakeBotAPI:
    """The fake Bot API. Start with ``await fake.start()``, point the bot at ``fake.url``."""

    def __init__(self, token: str = DEFAULT_TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.messages: dict[int, list[StoredMessage]] = {}
        self.commands: dict[tuple[str, str], list[dict[str, str]]] = {}
        self.webhook: dict[str, Any] = {}
        self.blocked: set[int] = set()
        self.answered: dict[str, dict[str, Any]] = {}
        self.callback_ids: set[str] = set()
        #: Forum topics per chat: thread id -> {"name": ..., "closed": bool}.
        self.topics: dict[int, dict[int, dict[str, Any]]] = {}
        self._faults: dict[str, list[Fault]] = {}
        self._queue: list[_Queued] = []
        self._fetched: list[dict[str, Any]] = []
        self._chats: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._last_query_id = ""
        self._update_ids = itertools.count(1000)
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._changed = asyncio.Condition()
        self._closing = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._chat_waiters: dict[int, list[tuple[Callable[[], bool], asyncio.Future[None]]]] = {}
        self._answer_waiters: dict[str, asyncio.Future[None]] = {}
        #: Calls held by :meth:`stall` (their parameters), not carried out, not answered.
        self.stalled: list[Call] = []
        self._release = asyncio.Event()
        routes = [Route("/bot{token}/{method}", self._endpoint, methods=["GET", "POST"])]
        self._server = AsgiServer(Starlette(routes=routes))

    # -- lifecycle -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The value for ``TELEGRAM_API_URL``."""
        return self._server.url

    async def start(self) -> None:
        """Start serving."""
        await self._server.start()

    async def stop(self) -> None:
        """Wake every long poll and stalled call, then stop serving."""
        self._closing = True
        self._release.set()
        await self._notify()
        await self._server.stop()

    async def __aenter__(self) -> FakeBotAPI:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # -- scripting -------------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        description: str = "",
        *,
        retry_after: int | None = None,
        times: int = 1,
        chat_id: int | None = None,
        html: bool = False,
        carry_out: bool = False,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (to ``chat_id`` if given) with an error.

        ``html``: the body is the gateway's HTML page, not JSON. ``carry_out``: the call is
        carried out before the error is answered.
        """
        text = description or {
            429: f"Too Many Requests: retry after {retry_after}",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }.get(status, "Error")
        self._faults.setdefault(method, []).append(
            Fault(
                status=status,
                description=text,
                retry_after=retry_after,
                times=times,
                chat_id=chat_id,
                html=html,
                carry_out=carry_out,
            )
        )

    def fail_html(
        self,
        method: str,
        status: int = 502,
        *,
        times: int = 1,
        chat_id: int | None = None,
        carry_out: bool = False,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` as Telegram's gateway does when the
        backend is down: ``status`` with an HTML page (``text/html``), not a JSON error."""
        self.fail(method, status, times=times, chat_id=chat_id, html=True, carry_out=carry_out)

    def slow(
        self, method: str, delay: float, *, times: int = 1, chat_id: int | None = None
    ) -> None:
        """Carry out the next ``times`` calls of ``method``, but answer only after ``delay``."""
        self._faults.setdefault(method, []).append(Fault(delay=delay, times=times, chat_id=chat_id))

    def stall(self, method: str, *, times: int = 1, chat_id: int | None = None) -> None:
        """Hold the next ``times`` calls of ``method`` without carrying them out or answering
        (a hung gateway) until :meth:`release` or :meth:`stop`; they then fail with a 502 HTML
        page, still not carried out."""
        self._faults.setdefault(method, []).append(Fault(times=times, chat_id=chat_id, stall=True))

    async def release(self) -> None:
        """Let every call held by :meth:`stall` go (each answers 502); later stalls hold again."""
        self._release.set()
        self._release = asyncio.Event()
        await self._notify()

    def clear_faults(self, method: str | None = None) -> None:
        """Drop the scripted faults not yet used (of ``method``, or of every method)."""
        if method is None:
            self._faults.clear()
        else:
            self._faults.pop(method, None)

    def block(self, user_id: int) -> None:
        """The user blocked the bot: sending to their chat answers 403."""
        self.blocked.add(user_id)

    # -- updates ---------------------------------------------------------------------------

    def push(self, update: dict[str, Any], *, redeliver: bool = False) -> int:
        """Queue a raw update (its ``update_id`` is assigned unless ``redeliver``)."""
        if not redeliver:
            update = {"update_id": next(self._update_ids), **update}
        self._queue.append(_Queued(update, ignore_offset=redeliver))
        self._wake()
        return int(update["update_id"])

    def user(self, user_id: int, language_code: str | None = "en") -> dict[str, Any]:
        """A Telegram ``User`` object."""
        data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"Parent{user_id}"}
        if language_code:
            data["language_code"] = language_code
        return data

    def private_chat(self, user_id: int) -> dict[str, Any]:
        """The private ``Chat`` with a user."""
        chat = {"id": user_id, "type": "private", "first_name": f"Parent{user_id}"}
        self._chats[user_id] = chat
        return chat

    def group_chat(self, chat_id: int, kind: str = "group") -> dict[str, Any]:
        """A group (``kind``: group or supergroup) chat; ``chat_id`` must be negative."""
        chat = {"id": chat_id, "type": kind, "title": "Parents group"}
        self._chats[chat_id] = chat
        return chat

    def forum_chat(self, chat_id: int) -> dict[str, Any]:
        """A supergroup with topics (``is_forum``); ``chat_id`` like ``-1001234567890``."""
        chat = {"id": chat_id, "type": "supergroup", "title": "Nurses", "is_forum": True}
        self._chats[chat_id] = chat
        self.topics.setdefault(chat_id, {})
        return chat

    def send_in_topic(self, chat_id: int, thread_id: int, user_id: int, text: str) -> int:
        """Queue a text a member (``user_id``) writes in forum topic ``thread_id``."""
        chat = self._chats.get(chat_id) or self.forum_chat(chat_id)
        extra = {"message_thread_id": thread_id, "is_topic_message": True}
        return self.push(self.message_update(user_id, text, chat=chat, extra=extra))

    def topic_messages(self, chat_id: int, thread_id: int) -> list[StoredMessage]:
        """The bot's messages in one forum topic, oldest first."""
        return [m for m in self.chat(chat_id) if m.thread_id == thread_id]

    def message_update(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat: dict[str, Any] | None = None,
        language_code: str | None = "en",
        extra: dict[str, Any] | None = None,
        kind: str = "message",
    ) -> dict[str, Any]:
        """An update carrying a message (text, or the fields in ``extra``)."""
        chat = chat or self.private_chat(user_id)
        message: dict[str, Any] = {
            "message_id": next(self._ids),
            "date": int(time.time()),
            "chat": chat,
            "from": self.user(user_id, language_code),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = text.split()[0]
                message["entities"] = [
                    {
                        "type": "bot_command",
                        "offset": 0,
                        "length": len(command.encode("utf-16-le")) // 2,
                    }
                ]
        message.update(extra or {})
        return {kind: message}

    def send_text(self, user_id: int, text: str, **kwargs: Any) -> int:
        """Queue a text message from a user (a leading slash makes it a command)."""
        return self.push(self.message_update(user_id, text, **kwargs))

    def send_media(self, user_id: int, kind: str, **kwargs: Any) -> int:
        """Queue a sticker/photo/voice/video/document/location/contact message."""
        samples: dict[str, Any] = {
            "sticker": {
                "file_id": "stk",
                "file_unique_id": "stk1",
                "width": 512,
                "height": 512,
                "is_animated": False,
                "is_video": False,
                "type": "regular",
            },
            "photo": [{"file_id": "ph", "file_unique_id": "ph1", "width": 90, "height": 90}],
            "voice": {"file_id": "vc", "file_unique_id": "vc1", "duration": 3},
            "video": {
                "file_id": "vd",
                "file_unique_id": "vd1",
                "width": 10,
                "height": 10,
                "duration": 1,
            },
            "document": {"file_id": "dc", "file_unique_id": "dc1", "file_name": "lab.pdf"},
            "location": {"latitude": 51.5, "longitude": -0.12},
            "contact": {"phone_number": "+440000000", "first_name": "Nurse"},
        }
        return self.push(self.message_update(user_id, None, extra={kind: samples[kind]}, **kwargs))

    def press(self, user_id: int, message: StoredMessage, data: str) -> int:
        """Queue a callback query: the user pressed a button with ``data`` on ``message``."""
        query_id = f"cq{next(self._ids)}"
        self.callback_ids.add(query_id)
        self._last_query_id = query_id
        chat = self._chats.get(message.chat_id) or self.private_chat(user_id)
        return self.push(
            {
                "callback_query": {
                    "id": query_id,
                    "from": self.user(user_id),
                    "chat_instance": f"ci{message.chat_id}",
                    "data": data,
                    "message": message.to_api(chat),
                }
            }
        )

    def make_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Give an update an id without queueing it (for posting to a webhook)."""
        update = {"update_id": next(self._update_ids), **update}
        self._fetched.append(update)
        return update

    def redeliver(self, update: dict[str, Any]) -> int:
        """Deliver an already delivered update again, as Telegram does after a restart."""
        return self.push(update, redeliver=True)

    def update_by_id(self, update_id: int) -> dict[str, Any]:
        """A queued (or already fetched) update by id."""
        for queued in self._history:
            if queued["update_id"] == update_id:
                return queued
        raise KeyError(update_id)

    @property
    def _history(self) -> list[dict[str, Any]]:
        return [q.update for q in self._queue] + self._fetched

    async def deliver(self, update: dict[str, Any], *, secret: str | None = None) -> int:
        """POST an update to the registered webhook, as Telegram would; returns the status."""
        url = self.webhook["url"]
        token = self.webhook.get("secret_token") if secret is None else secret
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        async with httpx.AsyncClient(verify=local_tls(), timeout=10) as client:
            response = await client.post(url, json=update, headers=headers)
        return response.status_code

    # -- observation -----------------------------------------------------------------------

    def calls_to(self, method: str, *, ok: bool | None = None) -> list[Call]:
        """Recorded calls of ``method`` (``ok``: only successful or only failed ones)."""
        return [
            c for c in self.calls if c.method == method and (ok is None or (c.status == 200) == ok)
        ]

    def chat(self, chat_id: int) -> list[StoredMessage]:
        """The bot's messages in a chat, oldest first, as they look now."""
        return self.messages.get(chat_id, [])

    def last_message(self, chat_id: int) -> StoredMessage:
        """The bot's latest message in a chat."""
        return self.chat(chat_id)[-1]

    def live_keyboards(self, chat_id: int) -> list[StoredMessage]:
        """The bot's messages in a chat that still carry inline buttons."""
        return [m for m in self.chat(chat_id) if m.buttons]

    def pending_updates(self) -> int:
        """Updates queued and not yet fetched."""
        return len(self._queue)

    async def wait_for(self, predicate: Callable[[], bool], within: float = 10.0) -> None:
        """Wait until ``predicate()`` is true; re-checked after every call the fake answers."""
        async with asyncio.timeout(within), self._changed:
            await self._changed.wait_for(predicate)

    async def wait_calls(self, method: str, count: int, within: float = 10.0) -> list[Call]:
        """Wait until ``method`` was answered successfully ``count`` times in total."""
        await self.wait_for(lambda: len(self.calls_to(method, ok=True)) >= count, within)
        return self.calls_to(method, ok=True)

    def expect_in_chat(self, chat_id: int, predicate: Callable[[], bool]) -> asyncio.Future[None]:
        """A future done when ``predicate()`` holds after a message is sent to ``chat_id``.

        Cheap with thousands of chats (only that chat's waiters are checked); the benchmark
        uses it instead of :meth:`wait_for`.
        """
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if predicate():
            future.set_result(None)
        else:
            self._chat_waiters.setdefault(chat_id, []).append((predicate, future))
        return future

    def expect_answer(self, query_id: str) -> asyncio.Future[None]:
        """A future done when callback query ``query_id`` has been answered."""
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        if query_id in self.answered:
            future.set_result(None)
        else:
            self._answer_waiters[query_id] = future
        return future

    def last_query_id(self) -> str:
        """The id of the most recently pushed callback query."""
        return self._last_query_id

    def _chat_changed(self, chat_id: int) -> None:
        waiters = self._chat_waiters.get(chat_id)
        if not waiters:
            return
        keep = []
        for predicate, future in waiters:
            if future.done():
                continue
            if predicate():
                future.set_result(None)
            else:
                keep.append((predicate, future))
        self._chat_waiters[chat_id] = keep

    # -- the HTTP side ---------------------------------------------------------------------

    def _wake(self) -> None:
        task = asyncio.get_running_loop().create_task(self._notify())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def _endpoint(self, request: Request) -> Response:
        method = request.path_params["method"]
        received = time.monotonic()
        if request.path_params["token"] != self.token:
            return self._error(401, "Unauthorized")
        body = await request.body()
        content_type = request.headers.get("content-type", "")
        if content_type.startswith("application/json") and body:
            raw: dict[str, str] = json.loads(body)
            params = dict(raw)
        elif content_type.startswith("multipart/form-data"):
            fields, files = _multipart(content_type, body)
            params = _decode(fields)
            for name, (filename, content) in files.items():
                params[name] = {"filename": filename, "content": content}
            # PTB names the upload in the field ("attach://<name>"): resolve it.
            for key, value in list(params.items()):
                if isinstance(value, str) and value.startswith("attach://"):
                    params[key] = params.pop(value[len("attach://") :], value)
        else:
            params = _decode(dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True)))
            params.update(_decode(dict(request.query_params)))
        fault = self._next_fault(method, params.get("chat_id"))
        status = 200
        try:
            if fault is not None and fault.stall:
                self.stalled.append(Call(method, params, 0, time.monotonic(), received))
                release = self._release
                await self._notify()
                await release.wait()
                raise _ApiError(502, "Bad Gateway", html=True)
            failing = fault is not None and fault.status != 200
            if fault is not None and failing and not fault.carry_out:
                raise _ApiError(fault.status, fault.description, fault.retry_after, fault.html)
            handler = getattr(self, f"_m_{method.lower()}", None)
            if handler is None:
                raise _ApiError(404, "Not Found: method not found")
            result = await handler(params)
            if fault is not None and failing:
                raise _ApiError(fault.status, fault.description, fault.retry_after, fault.html)
            if fault is not None and fault.delay:
                await asyncio.sleep(fault.delay)  # a slow server, not synchronisation
            response: Response = JSONResponse({"ok": True, "result": result})
        except _ApiError as err:
            status = err.status
            response = self._error(err.status, err.description, err.retry_after, err.html)
        self.calls.append(Call(method, params, status, time.monotonic(), received))
        await self._notify()
        return response

    def _next_fault(self, method: str, chat_id: Any) -> Fault | None:
        for fault in self._faults.get(method, []):
            if fault.chat_id is None or str(fault.chat_id) == str(chat_id):
                fault.times -= 1
                if fault.times <= 0:
                    self._faults[method].remove(fault)
                return fault
        return None

    @staticmethod
    def _error(
        status: int, description: str, retry_after: int | None = None, html: bool = False
    ) -> Response:
        if html:
            page = GATEWAY_PAGE.format(status=status, reason=HTTPStatus(status).phrase)
            return Response(page, status_code=status, media_type="text/html")
        body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
        if retry_after is not None:
            body["parameters"] = {"retry_after": retry_after}
        return JSONResponse(body, status_code=status)

    def _chat_for(self, params: dict[str, Any]) -> int:
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id not in self._chats:
            raise _ApiError(400, "Bad Request: chat not found")
        return chat_id

    def _find(self, params: dict[str, Any]) -> StoredMessage:
        chat_id = self._chat_for(params)
        for message in self.messages.get(chat_id, []):
            if message.message_id == int(params["message_id"]):
                return message
        raise _ApiError(400, "Bad Request: message to edit not found")

    # -- methods (named _m_<lowercase method>) ---------------------------------------------

    async def _m_getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "NeutroGuide",
            "username": BOT_USERNAME,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _m_getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.webhook.get("url"):
            raise _ApiError(409, "Conflict: can't use getUpdates method while webhook is active")
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)

        def ready() -> bool:
            return self._closing or any(
                q.ignore_offset or q.update["update_id"] >= offset for q in self._queue
            )

        # Confirmed updates (id < offset) are forgotten, as Telegram does.
        self._queue = [q for q in self._queue if q.ignore_offset or q.update["update_id"] >= offset]
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(ready)
        batch = self._queue[:limit]
        for q in batch:
            q.ignore_offset = False
            self._fetched.append(q.update)
        # Fetched updates stay queued until a later offset confirms them.
        return [q.update for q in batch]

    async def _m_sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_for(params)
        text = str(params.get("text", ""))
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(text) > MESSAGE_LIMIT:
            raise _ApiError(400, "Bad Request: message is too long")
        thread = params.get("message_thread_id")
        if thread is not None:
            topic = self.topics.get(chat_id, {}).get(int(thread))
            if topic is None:
                raise _ApiError(400, "Bad Request: message thread not found")
            if topic["closed"]:
                raise _ApiError(400, "Bad Request: TOPIC_CLOSED")
            thread = int(thread)
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = StoredMessage(
            chat_id, next(counter), text, params.get("reply_markup"), thread_id=thread
        )
        self.messages.setdefault(chat_id, []).append(message)
        self._chat_changed(chat_id)
        return message.to_api(self._chats[chat_id])

    async def _m_createforumtopic(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._chat_for(params)
        if not self._chats[chat_id].get("is_forum"):
            raise _ApiError(400, "Bad Request: the chat is not a forum")
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= 128:
            raise _ApiError(400, "Bad Request: TOPIC_NAME_INVALID")
        # The thread id is the id of the topic's first (service) message, as in Telegram.
        thread = next(self._message_ids.setdefault(chat_id, itertools.count(1)))
        self.topics[chat_id][thread] = {"name": name, "closed": False}
        return {"message_thread_id": thread, "name": name, "icon_color": 7322096}

    def _topic(self, params: dict[str, Any]) -> tuple[int, int]:
        chat_id = self._chat_for(params)
        thread = int(params["message_thread_id"])
        if thread not in self.topics.get(chat_id, {}):
            raise _ApiError(400, "Bad Request: TOPIC_ID_INVALID")
        return chat_id, thread

    async def _m_deleteforumtopic(self, params: dict[str, Any]) -> bool:
        chat_id, thread = self._topic(params)
        del self.topics[chat_id][thread]
        self.messages[chat_id] = [m for m in self.chat(chat_id) if m.thread_id != thread]
        return True

    async def _m_closeforumtopic(self, params: dict[str, Any]) -> bool:
        chat_id, thread = self._topic(params)
        self.topics[chat_id][thread]["closed"] = True
        return True

    async def _send_file(self, params: dict[str, Any], media: str) -> dict[str, Any]:
        chat_id = self._chat_for(params)
        upload = params.get(media)
        if not isinstance(upload, dict) or not upload.get("content"):
            raise _ApiError(400, f"Bad Request: there is no {media} in the request")
        caption = str(params.get("caption") or "")
        if len(caption) > CAPTION_LIMIT:
            raise _ApiError(400, "Bad Request: message caption is too long")
        counter = self._message_ids.setdefault(chat_id, itertools.count(1))
        message = StoredMessage(
            chat_id,
            next(counter),
            caption,
            params.get("reply_markup"),
            media=media,
            file=bytes(upload["content"]),
            file_name=str(upload["filename"]),
        )
        self.messages.setdefault(chat_id, []).append(message)
        self._chat_changed(chat_id)
        return message.to_api(self._chats[chat_id])

    async def _m_sendphoto(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "photo")

    async def _m_senddocument(self, params: dict[str, Any]) -> dict[str, Any]:
        return await self._send_file(params, "document")

    async def _m_editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find(params)
        markup = params.get("reply_markup") or None
        if markup == message.reply_markup or (not markup and not message.buttons):
            raise _ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        message.edits += 1
        self._chat_changed(message.chat_id)
        return message.to_api(self._chats[message.chat_id])

    async def _m_editmessagetext(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._find(params)
        markup = params.get("reply_markup") or None
        if params.get("text") == message.text and markup == message.reply_markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message.text = str(params["text"])
        message.reply_markup = markup
        message.edits += 1
        self._chat_changed(message.chat_id)
        return message.to_api(self._chats[message.chat_id])

    async def _m_answercallbackquery(self, params: dict[str, Any]) -> bool:
        query_id = str(params["callback_query_id"])
        if query_id not in self.callback_ids or query_id in self.answered:
            raise _ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        if len(str(params.get("text") or "")) > 200:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self.answered[query_id] = params
        waiter = self._answer_waiters.pop(query_id, None)
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
        return True

    async def _m_sendchataction(self, params: dict[str, Any]) -> bool:
        self._chat_for(params)
        return True

    async def _m_setmycommands(self, params: dict[str, Any]) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[(scope, str(params.get("language_code") or ""))] = list(params["commands"])
        return True

    async def _m_deletemycommands(self, params: dict[str, Any]) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands.pop((scope, str(params.get("language_code") or "")), None)
        return True

    async def _m_getmycommands(self, params: dict[str, Any]) -> list[dict[str, str]]:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        return self.commands.get((scope, str(params.get("language_code") or "")), [])

    async def _m_setwebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {
            "url": str(params["url"]),
            "secret_token": params.get("secret_token"),
            "allowed_updates": params.get("allowed_updates"),
        }
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _m_deletewebhook(self, params: dict[str, Any]) -> bool:
        self.webhook = {}
        if params.get("drop_pending_updates"):
            self._queue.clear()
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._queue),
        }

    async def _m_close(self, params: dict[str, Any]) -> bool:
        return True

    async def _m_logout(self, params: dict[str, Any]) -> bool:
        return True
