"""The sign-in and sign-out pages, with rate limiting of failed attempts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot.review import auth
from bot.store.operators import SignedIn

if TYPE_CHECKING:
    from bot.review.app import ReviewState


def _next(request: Request, value: object) -> str:
    """Where to go after signing in: a path of this app only (no open redirect)."""
    target = value if isinstance(value, str) else ""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/inbox"
    return target


async def dispatch(request: Request, state: ReviewState) -> Response:
    """``GET /login`` shows the form; ``POST /login`` checks it."""
    if request.method == "POST":
        return await _post(request, state)
    return await _form(request, state, next_path=_next(request, request.query_params.get("next")))


async def _form(
    request: Request,
    state: ReviewState,
    *,
    next_path: str,
    error: str = "",
    status_code: int = 200,
    name: str = "",
) -> Response:
    from bot.review.app import base_path, render

    csrf = auth.login_csrf(request)
    expired = request.query_params.get("expired") == "1"
    response = await render(
        request,
        state,
        None,
        "login.html",
        status_code=status_code,
        login_csrf=csrf,
        next_path=next_path,
        error=error,
        expired=expired,
        name=name,
    )
    auth.set_cookie(response, request, auth.LOGIN_CSRF_COOKIE, csrf, base_path(request) or "/")
    return response


async def _post(request: Request, state: ReviewState) -> Response:
    from bot.review.app import base_path

    form = await request.form()
    next_path = _next(request, form.get("next"))
    if not auth.same_token(form.get("csrf"), request.cookies.get(auth.LOGIN_CSRF_COOKIE)):
        return await _form(
            request,
            state,
            next_path=next_path,
            error="The form had expired. Please sign in again.",
            status_code=403,
        )
    name = str(form.get("name", "")).strip()[:64]
    password = str(form.get("password", ""))
    now = state.clock()
    since = now - auth.WINDOW_SECONDS
    keys = (f"name:{name.lower()}", f"addr:{auth.client_address(request)}")
    if (
        await state.operators.failures(keys[0], since) >= auth.PER_NAME
        or await state.operators.failures(keys[1], since) >= auth.PER_ADDRESS
    ):
        minutes = auth.WINDOW_SECONDS // 60
        return await _form(
            request,
            state,
            next_path=next_path,
            name=name,
            error=f"Too many failed sign-ins. Wait {minutes} minutes, then try again.",
            status_code=429,
        )
    operator = await state.operators.get(name) if name else None
    usable = operator is not None and not operator.disabled
    stored = operator.password_hash if usable and operator else None
    if not state.passwords.verify(stored, password):
        await state.operators.record_failure(*keys, keep_since=since)
        return await _form(
            request,
            state,
            next_path=next_path,
            name=name,
            error="That name and password do not match an active operator.",
            status_code=401,
        )
    assert operator is not None
    await state.operators.clear_failures(keys[0])
    if state.passwords.needs_rehash(operator.password_hash):
        await state.operators.set_password(operator.name, state.passwords.hash(password))
    token, _csrf = await state.operators.start_session(operator)
    await state.operators.audit(operator.name, "sign in")
    response = RedirectResponse(f"{base_path(request)}{next_path}", status_code=303)
    auth.set_cookie(response, request, auth.SESSION_COOKIE, token, base_path(request) or "/")
    response.delete_cookie(auth.LOGIN_CSRF_COOKIE, path=base_path(request) or "/")
    return response


async def logout(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``POST /logout``: end the session (the form carries the CSRF token)."""
    from bot.review.app import base_path

    await state.operators.end_session(signed.token_hash)
    await state.operators.audit(signed.operator.name, "sign out")
    response = RedirectResponse(f"{base_path(request)}/login", status_code=303)
    response.delete_cookie(auth.SESSION_COOKIE, path=base_path(request) or "/")
    return response
