"""Wiring in one place: the python-telegram-bot Application, polling and webhook runners."""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import socket
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

import uvicorn
from telegram import BotCommand, BotCommandScopeAllPrivateChats
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    MessageHandler,
    filters,
)

from bot.channels.telegram.delivery import CappedRateLimiter, RetryPolicy
from bot.channels.telegram.handlers import TelegramHandlers
from bot.channels.telegram.polling import Poller
from bot.channels.telegram.processor import PerChatUpdateProcessor
from bot.channels.telegram.receiving import NotHandled, UnreadableUpdate, UpdateRunner, read_update
from bot.channels.telegram.request import AiohttpRequest
from bot.config import Settings
from bot.service import Conversations
from bot.store.retention import start_retention
from bot.web import MalformedUpdate, TryLater, create_app

log = logging.getLogger(__name__)

#: Update kinds the bot asks Telegram for; edited messages and channel posts never come.
ALLOWED_UPDATES = ["message", "callback_query"]
DEFAULT_WEBHOOK_PATH = "/telegram"
#: Where build_application keeps its TelegramHandlers in ``application.bot_data``.
HANDLERS = "neutroguide.handlers"


class StartupError(Exception):
    """The bot cannot start: the message says why and what to check."""


@dataclass(frozen=True, slots=True)
class ChannelOptions:
    """Tuning knobs; the defaults suit Telegram's published limits.

    Attributes:
        retry: retries for 5xx and connection errors; ``retry.max_retry_after`` caps the 429
            waits.
        rate_limit_retries: how often a 429 is waited out (``retry_after``) before giving up.
        overall_max_rate: messages per second across all chats (0: no client-side limit).
        concurrency: updates processed at once (across chats; one at a time per chat).
        connection_pool_size: HTTP connections to the Bot API. Telegram's pace (about 30
            messages a second) needs few; a large pool costs CPU on every call.
        read_timeout: seconds to wait for Telegram's answer to a call.
        poll_timeout: long-polling timeout for ``getUpdates`` in seconds.
        typing_after: seconds a typed message's answer may take before "typing..." is sent
            (0: at once, before every answer).
        clear_old_keyboards: remove the keyboards of earlier messages once an answer is out
            (one ``editMessageReplyMarkup`` more per step); off, an old button pressed is
            answered "moved on" and the current step is shown again.
        http_client: ``"aiohttp"`` (:class:`AiohttpRequest`, less CPU per call) or
            ``"httpx"`` (PTB's own ``HTTPXRequest``).
    """

    retry: RetryPolicy = field(default_factory=RetryPolicy)
    rate_limit_retries: int = 3
    overall_max_rate: float = 30.0
    concurrency: int = 256
    connection_pool_size: int = 32
    read_timeout: float = 15.0
    poll_timeout: int = 30
    typing_after: float = 1.0
    clear_old_keyboards: bool = False
    http_client: Literal["aiohttp", "httpx"] = "aiohttp"


def quiet_http_logs() -> None:
    """Keep request URLs (which hold the bot token) out of INFO logs."""
    for name in ("httpx", "httpcore", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)


def build_application(
    settings: Settings,
    conversations: Conversations,
    options: ChannelOptions | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """Build the Telegram Application with every handler registered.

    Args:
        settings: needs ``telegram_token`` and ``telegram_api_url``.
        conversations: the service the handlers call.
        options: tuning (defaults: :class:`ChannelOptions`).

    Returns:
        The Application, not yet initialised.

    Raises:
        ValueError: ``settings.telegram_token`` is not set.
    """
    options = options or ChannelOptions()
    if not settings.telegram_token:
        raise ValueError("TELEGRAM_TOKEN is not set")
    quiet_http_logs()
    api = settings.telegram_api_url.rstrip("/")
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_token)
        .base_url(f"{api}/bot")
        .base_file_url(f"{api}/file/bot")
        .rate_limiter(
            CappedRateLimiter(
                max_wait=options.retry.max_retry_after,
                overall_max_rate=options.overall_max_rate,
                max_retries=options.rate_limit_retries,
            )
        )
        .concurrent_updates(PerChatUpdateProcessor(options.concurrency))
        .updater(None)  # polling is bot.channels.telegram.polling: it confirms after handling
    )
    if options.http_client == "aiohttp":
        builder = builder.request(
            AiohttpRequest(
                connection_pool_size=options.connection_pool_size,
                read_timeout=options.read_timeout,
                write_timeout=options.read_timeout,
                pool_timeout=options.read_timeout,
            )
        ).get_updates_request(AiohttpRequest(connection_pool_size=1))
    else:
        builder = (
            builder.read_timeout(options.read_timeout)
            .write_timeout(options.read_timeout)
            .connection_pool_size(options.connection_pool_size)
            .pool_timeout(options.read_timeout)
        )
    application = builder.build()
    handlers = TelegramHandlers(
        conversations,
        options.retry,
        operator_chat=settings.deployment.operator_chat,
        nurse_group=settings.deployment.nurse_group,
        typing_after=options.typing_after,
        clear_old_keyboards=options.clear_old_keyboards,
    )
    private_message = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
    application.add_handlers(
        [
            MessageHandler(private_message & filters.COMMAND, handlers.on_command),
            MessageHandler(private_message & filters.TEXT, handlers.on_text),
            MessageHandler(private_message & ~filters.StatusUpdate.ALL, handlers.on_media),
            CallbackQueryHandler(handlers.on_choice),
            MessageHandler(filters.ChatType.GROUPS & filters.UpdateType.MESSAGE, handlers.on_group),
        ]
    )
    application.add_error_handler(handlers.on_error)
    application.bot_data[HANDLERS] = handlers
    return application


async def set_commands(
    application: Application[Any, Any, Any, Any, Any, Any],
    conversations: Conversations,
    default_locale: str,
) -> None:
    """Publish the command menu in every supported language (and a default one).

    A failure is logged, not raised: the bot works without a menu.
    """
    scope = BotCommandScopeAllPrivateChats()
    menus: dict[str, str] = {"": default_locale}
    for locale in conversations.locales():
        language = locale.replace("-", "_").split("_")[0].lower()
        if len(language) == 2:
            menus.setdefault(language, locale)
    for language, locale in menus.items():
        commands = [BotCommand(c, d[:256]) for c, d in conversations.command_menu(locale)]
        try:
            await application.bot.set_my_commands(
                commands, scope=scope, language_code=language or None
            )
        except TelegramError as err:
            log.warning("command menu for %r not set: %s", language, type(err).__name__)


def webhook_secret(settings: Settings) -> str:
    """``WEBHOOK_SECRET``, or one derived from the token (stable across restarts)."""
    if settings.webhook_secret:
        return settings.webhook_secret
    token = (settings.telegram_token or "").encode()
    return hmac.new(token, b"neutroguide-webhook", hashlib.sha256).hexdigest()


async def run(
    settings: Settings,
    stop: asyncio.Event,
    *,
    options: ChannelOptions | None = None,
    sock: socket.socket | None = None,
    started: asyncio.Event | None = None,
) -> None:
    """Run the bot until ``stop`` is set: webhook when ``WEBHOOK_URL`` is set, else polling.

    Args:
        settings: the bot's settings.
        stop: set it to shut down cleanly.
        options: tuning (defaults: :class:`ChannelOptions`).
        sock: an already bound socket for the web server (tests use port 0).
        started: set once the bot is receiving updates.
    """
    conversations = await Conversations.open(settings, warm_search=True)
    try:
        application = build_application(settings, conversations, options)
        await serve(application, conversations, settings, stop, options, sock, started)
    finally:
        await conversations.close()


async def serve(
    application: Application[Any, Any, Any, Any, Any, Any],
    conversations: Conversations,
    settings: Settings,
    stop: asyncio.Event,
    options: ChannelOptions | None = None,
    sock: socket.socket | None = None,
    started: asyncio.Event | None = None,
) -> None:
    """Run a built Application until ``stop`` is set (see :func:`run`).

    Raises:
        StartupError: Telegram refused the token, or the Bot API could not be reached.
    """
    options = options or ChannelOptions()
    try:
        await _initialize(application)
    except InvalidToken:
        raise StartupError(
            "Telegram refused TELEGRAM_TOKEN (401 Unauthorized); copy it again from @BotFather"
        ) from None
    except NetworkError as err:
        raise StartupError(
            f"cannot reach the Bot API at {settings.telegram_api_url} ({type(err).__name__}); "
            "check TELEGRAM_API_URL and the network"
        ) from None
    runner = UpdateRunner(application)
    handlers: TelegramHandlers = application.bot_data[HANDLERS]
    async with application, _retention(settings, stop, handlers, application):
        await set_commands(application, conversations, settings.deployment.default_locale)
        if settings.webhook_url:
            await _serve_webhook(runner, conversations, settings, stop, sock, started)
            return
        poller = Poller(
            application,
            runner,
            ALLOWED_UPDATES,
            poll_timeout=options.poll_timeout,
            read_timeout=options.read_timeout,
            retry=options.retry,
        )
        await poller.run(stop, started)


@contextlib.asynccontextmanager
async def _retention(
    settings: Settings,
    stop: asyncio.Event,
    handlers: TelegramHandlers,
    application: Application[Any, Any, Any, Any, Any, Any],
) -> AsyncIterator[None]:
    """The daily purge (``retention_days``) while the bot runs; the removed people's topics
    in the nurses' group go with them."""
    days = settings.deployment.retention_days
    task = await start_retention(
        settings.database_url,
        days,
        stop,
        on_purge=lambda purged: handlers.forget_topics(application.bot, purged.nurse_topics),
    )
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


async def _initialize(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    try:
        await application.initialize()  # getMe: proves the token and the address
    except (InvalidToken, NetworkError):
        await application.bot.shutdown()  # close the HTTP clients it opened
        raise


async def _serve_webhook(
    runner: UpdateRunner,
    conversations: Conversations,
    settings: Settings,
    stop: asyncio.Event,
    sock: socket.socket | None,
    started: asyncio.Event | None,
) -> None:
    assert settings.webhook_url is not None
    application = runner.application
    secret = webhook_secret(settings)
    path = urlsplit(settings.webhook_url).path or DEFAULT_WEBHOOK_PATH

    async def on_update(data: Mapping[str, Any]) -> None:
        try:
            update = read_update(data, application.bot)
        except UnreadableUpdate as err:
            raise MalformedUpdate(str(err)) from None
        # Processed before answering: if the process dies mid-update, Telegram redelivers it
        # and the update id keeps it from being applied twice. A passing failure answers
        # 503, so Telegram delivers it again; a poison update is logged and answered 200.
        try:
            await application.update_processor.process_update(update, runner.run(update))
        except NotHandled as err:
            raise TryLater(str(err)) from None

    from bot.review.app import create_review_app

    # The operators' review app under /review on the same port (docs/operators.md).
    review = create_review_app(
        settings.database_url,
        conversations.dialogs,
        conversations.catalogs,
        settings.deployment.placeholders(),
    )
    app = create_app(
        webhook_path=path,
        secret=secret,
        on_update=on_update,
        is_ready=conversations.healthy,
        mounts={"/review": review},
    )
    config = uvicorn.Config(
        app,
        host="0.0.0.0",
        port=settings.port,
        lifespan="off",
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    server = _Server(config)
    serving = asyncio.create_task(server.serve(sockets=[sock] if sock is not None else None))
    try:
        # Telegram delivers as soon as the webhook is set: listen first, or the first updates
        # meet a closed port (uvicorn binds in its startup, after this task has gone on).
        listening = asyncio.create_task(server.listening.wait())
        await asyncio.wait([serving, listening], return_when=asyncio.FIRST_COMPLETED)
        listening.cancel()
        if serving.done():
            await serving  # its error (a port in use), or it stopped before it listened
            return
        await _set_webhook(application, settings.webhook_url, secret)
        log.info("webhook set; serving on port %s", sock.getsockname()[1] if sock else config.port)
        if started is not None:
            started.set()
        waiter = asyncio.create_task(stop.wait())
        await asyncio.wait([serving, waiter], return_when=asyncio.FIRST_COMPLETED)
        waiter.cancel()
    finally:
        server.should_exit = True
        await serving
        await review.state.review.close()


async def _set_webhook(
    application: Application[Any, Any, Any, Any, Any, Any], url: str, secret: str
) -> None:
    for attempt in range(1, 6):
        try:
            await application.bot.set_webhook(
                url=url, secret_token=secret, allowed_updates=ALLOWED_UPDATES
            )
            return
        except NetworkError as err:
            if attempt == 5:
                raise
            log.warning("setWebhook failed: %s; retrying", type(err).__name__)
            await asyncio.sleep(2**attempt)


class _Server(uvicorn.Server):
    """uvicorn without its own signal handling (``neutroguide run`` owns the signals), and
    with ``listening`` set once its sockets accept connections."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = asyncio.Event()

    def capture_signals(self) -> Any:
        return contextlib.nullcontext()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        if self.started:
            self.listening.set()
