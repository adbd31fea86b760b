"""Content review: every dialog as families see it, in any shipped language, with its sources,
review status and sign-off, and a print view a clinician can mark up."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.review.app import render
from bot.store.operators import SignedIn

if TYPE_CHECKING:
    from bot.review.app import ReviewState


async def index(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/content``: every dialog and system file with its review status and sign-off."""
    dialogs = sorted(state.dialogs.dialogs.values(), key=lambda d: d.id)
    systems = sorted(state.dialogs.system_reviews.items())
    return await render(
        request, state, signed, "content_index.html", dialogs=dialogs, systems=systems
    )


async def dialog(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/content/{dialog}?lang=xx[&print=1]``: the dialog's steps as sent, English beside."""
    found = state.dialogs.dialogs.get(request.path_params["dialog"])
    if found is None:
        return await render(request, state, signed, "missing.html", status_code=404)
    locales = state.catalogs.available()
    locale = request.query_params.get("lang", "en")
    locale = locale if locale in locales else "en"
    steps = []
    for node in found.nodes.values():
        says = [state.texts.show(say.text, locale) for say in node.say]
        buttons = [(state.texts.show(c.label, locale), c.goto) for c in node.choices]
        steps.append((node, says, buttons))
    template = (
        "content_print.html" if request.query_params.get("print") == "1" else "content_dialog.html"
    )
    return await render(
        request,
        state,
        signed,
        template,
        dialog=found,
        steps=steps,
        locale=locale,
        locales=locales,
        title=state.texts.show(found.title, locale),
    )
