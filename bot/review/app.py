"""The review app (Starlette): state, the sign-in guard around every page, and the routes.

``create_review_app`` builds it for ``neutroguide review`` or to mount under ``/review`` in
webhook mode. The store is opened on the first request, in the loop that serves it (a
mounted app gets no lifespan of its own), and closed at shutdown when the app runs alone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import jinja2
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from bot.content.model import DialogSet
from bot.i18n.render import Catalogs, Renderer
from bot.review import auth
from bot.review.passwords import PASSWORDS, Passwords
from bot.review.texts import Texts
from bot.store import SqlStore, open_store
from bot.store.operators import OperatorStore, Role, SignedIn
from bot.store.review import ReviewStore

TEMPLATES = Path(__file__).with_name("templates")
TZ_COOKIE = "ng_review_tz"

Page = Callable[[Request, "ReviewState", SignedIn], Awaitable[Response]]


@dataclass
class ReviewState:
    """What every page needs: the stores (opened lazily), content, texts, templates."""

    database_url: str
    dialogs: DialogSet
    catalogs: Catalogs
    texts: Texts
    templates: Jinja2Templates
    idle_seconds: float = auth.IDLE_SECONDS
    clock: Callable[[], float] = time.time
    passwords: Passwords = PASSWORDS
    store: SqlStore | None = None
    operators: OperatorStore = field(init=False)
    review: ReviewStore = field(init=False)
    _opening: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def ready(self) -> None:
        """Open the store on first use (migrating to the current schema)."""
        if self.store is not None:
            return
        async with self._opening:
            if self.store is None:
                store = await open_store(self.database_url, clock=self.clock)
                self.operators = OperatorStore(store, clock=self.clock)
                self.review = ReviewStore(store, clock=self.clock)
                self.store = store

    async def close(self) -> None:
        """Release the store's connections."""
        if self.store is not None:
            await self.store.close()
            self.store = None


def viewer_zone(request: Request) -> ZoneInfo:
    """The time zone chosen on the settings page (a cookie); UTC when none or unknown."""
    name = request.cookies.get(TZ_COOKIE, "UTC")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def base_path(request: Request) -> str:
    """Where the app is mounted ('' alone, '/review' in webhook mode)."""
    return str(request.scope.get("root_path", "")).rstrip("/")


async def render(
    request: Request,
    state: ReviewState,
    signed: SignedIn | None,
    template: str,
    status_code: int = 200,
    **values: Any,
) -> HTMLResponse:
    """A page from ``template`` with the navigation's values filled in."""
    zone = viewer_zone(request)

    def when(at: float | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if at is None:
            return "-"
        local = datetime.fromtimestamp(float(at), tz=UTC).astimezone(zone)
        return f"{local.strftime(fmt)} {local.tzname()}"

    open_flags = await state.review.open_flags() if signed is not None else 0
    context = {
        "request": request,
        "base": base_path(request),
        "signed": signed,
        "csrf": signed.csrf if signed is not None else "",
        "open_flags": open_flags,
        "zone": zone.key,
        "when": when,
        **values,
    }
    return state.templates.TemplateResponse(request, template, context, status_code=status_code)


def guarded(
    state: ReviewState, page: Page, role: Role = "reviewer"
) -> Callable[[Request], Awaitable[Response]]:
    """Wrap ``page``: signed-in operators with ``role`` only; POSTs must carry the CSRF token."""

    async def endpoint(request: Request) -> Response:
        await state.ready()
        token = request.cookies.get(auth.SESSION_COOKIE)
        signed = await state.operators.session(token, state.idle_seconds) if token else None
        if signed is None:
            target = request.url.path.removeprefix(base_path(request)) or "/"
            if request.method != "GET":
                target = "/"
            return RedirectResponse(
                f"{base_path(request)}/login?next={target}&expired={1 if token else 0}",
                status_code=303,
            )
        if not auth.allowed(signed, role):
            return await render(
                request, state, signed, "refused.html", status_code=403, needed=role
            )
        if request.method == "POST":
            form = await request.form()
            if not auth.same_token(form.get("csrf"), signed.csrf):
                return await render(request, state, signed, "csrf.html", status_code=403)
        return await page(request, state, signed)

    return endpoint


def create_review_app(
    database_url: str,
    dialogs: DialogSet,
    catalogs: Catalogs,
    params: Mapping[str, Any] | None = None,
    *,
    idle_seconds: float = auth.IDLE_SECONDS,
    clock: Callable[[], float] = time.time,
    passwords: Passwords = PASSWORDS,
) -> Starlette:
    """Build the review app.

    Args:
        database_url: the bot's ``DATABASE_URL``.
        dialogs: the loaded content (transcripts, content review, dialog maps).
        catalogs: the translations (texts as the person saw them).
        params: deployment placeholder values (emergency number ...) for shown texts.
        idle_seconds: a session unused this long is over.
        clock: time source (tests move it to pass the idle timeout).
        passwords: the argon2 parameters operators' passwords are checked and rehashed with
            (tests give cheap ones; a hash made with others is rehashed at sign-in).
    """
    from bot.review import content, insights, pages, signin

    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    templates = Jinja2Templates(env=environment)
    state = ReviewState(
        database_url=database_url,
        dialogs=dialogs,
        catalogs=catalogs,
        texts=Texts(dialogs, Renderer(catalogs, dialogs), params),
        templates=templates,
        idle_seconds=idle_seconds,
        clock=clock,
        passwords=passwords,
    )

    def page(handler: Page, role: Role = "reviewer") -> Callable[[Request], Awaitable[Response]]:
        return guarded(state, handler, role)

    async def public(request: Request) -> Response:
        await state.ready()
        return await signin.dispatch(request, state)

    routes = [
        Route("/login", public, methods=["GET", "POST"]),
        Route("/logout", page(signin.logout), methods=["POST"]),
        Route("/", page(pages.home)),
        Route("/inbox", page(pages.inbox)),
        Route("/people/{pseudonym}", page(pages.transcript)),
        Route("/people/{pseudonym}/diary.csv", page(pages.diary_csv)),
        Route("/people/{pseudonym}/notes", page(pages.add_note), methods=["POST"]),
        Route("/flags", page(pages.flags)),
        Route("/flags/{log_id:int}", page(pages.follow_up), methods=["POST"]),
        Route("/unanswered", page(pages.unanswered)),
        Route("/unanswered.csv", page(pages.unanswered_csv)),
        Route("/settings", page(pages.settings), methods=["GET", "POST"]),
        Route("/audit", page(pages.audit, "admin")),
        Route("/analytics", page(insights.analytics)),
        Route("/analytics/{chart}.svg", page(insights.chart_svg)),
        Route("/analytics/{chart}.csv", page(insights.chart_csv)),
        Route("/map", page(insights.dialog_map)),
        Route("/map/{dialog}.svg", page(insights.map_svg)),
        Route("/content", page(content.index)),
        Route("/content/{dialog}", page(content.dialog)),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            await state.close()

    app = Starlette(routes=routes, lifespan=lifespan, middleware=[Middleware(_Headers)])
    app.state.review = state
    return app


#: On every answer: no framing (clickjacking), no sniffing, no caching of pages that hold
#: conversations, no referrer leaving the app, scripts refused (the pages need none).
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}


class _Headers(BaseHTTPMiddleware):
    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response
