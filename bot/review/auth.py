"""Signing in to the review app: sessions, CSRF tokens, rate limiting, roles, idle timeout.

A session cookie holds a random token (the database keeps only its SHA-256); it is HttpOnly,
SameSite=Lax, and Secure when the request came over HTTPS (directly or, behind a proxy, as
``X-Forwarded-Proto: https``). Every form carries the session's CSRF token; the sign-in form,
before there is a session, carries one from a short-lived cookie (double submit).
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from bot.store.operators import Role, SignedIn

SESSION_COOKIE = "ng_review"
LOGIN_CSRF_COOKIE = "ng_review_login"
#: A session unused for this long is over; the next page asks to sign in again.
IDLE_SECONDS = 30 * 60
#: Failed sign-ins allowed per name, and per client address, within the window.
WINDOW_SECONDS = 15 * 60
PER_NAME = 5
PER_ADDRESS = 20


@dataclass(frozen=True, slots=True)
class Refused(Exception):
    """A request that may not go on: answer with ``status`` (401 redirect, 403, 429)."""

    status: int
    reason: str


def is_https(request: Request) -> bool:
    """Whether the browser reached us over HTTPS (the Secure cookie flag follows this)."""
    forwarded = request.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
    return request.url.scheme == "https" or forwarded == "https"


def client_address(request: Request) -> str:
    """The client's address for rate limiting (the proxy's, unless uvicorn trusts it)."""
    return request.client.host if request.client is not None else "unknown"


def set_cookie(response: Response, request: Request, name: str, value: str, path: str) -> None:
    """Set a cookie the way every cookie of the app is set: HttpOnly, SameSite=Lax, Secure
    over HTTPS, limited to the app's path."""
    response.set_cookie(
        name, value, httponly=True, samesite="lax", secure=is_https(request), path=path or "/"
    )


def login_csrf(request: Request) -> str:
    """The sign-in form's CSRF token: the cookie's, or a new one (set by the caller)."""
    return request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)


def same_token(given: object, expected: str | None) -> bool:
    """Constant-time comparison of a submitted CSRF token with the expected one."""
    if not isinstance(given, str) or not given or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def allowed(signed: SignedIn, role: Role) -> bool:
    """Whether ``signed`` may open a page for ``role`` (admins may open every page)."""
    return role == "reviewer" or signed.operator.role == "admin"


Handler = Callable[[Request], Awaitable[Response]]
