"""Pages for reading conversations: inbox, transcript, red-flag queue, unanswered questions,
settings and the audit log."""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import available_timezones

from rapidfuzz import fuzz
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from bot import diary
from bot.engine.types import Session
from bot.review.app import TZ_COOKIE, base_path, render, viewer_zone
from bot.review.texts import Shown
from bot.store import Person
from bot.store.operators import SignedIn
from bot.store.review import Entry, InboxFilter, Unanswered

if TYPE_CHECKING:
    from bot.review.app import ReviewState

#: Pseudonym prefixes: hex digits only (what pseudonyms are made of).
PREFIX = re.compile(r"[0-9a-f]{1,64}")
FLAG_FILTERS = ("", "red", "any-red", "unanswered", "escalation")
STATUSES = ("", "active", "inactive", "stopped")
#: Two unanswered questions at least this similar (rapidfuzz ratio) are one group.
NEAR_SAME = 88
TAG = re.compile(r"[\w .-]{1,40}")


def _date(value: str, zone: Any, end: bool = False) -> float | None:
    try:
        day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=zone)
    except ValueError:
        return None
    return day.timestamp() + (86400 if end else 0)


async def home(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/``: the inbox."""
    return RedirectResponse(f"{base_path(request)}/inbox", status_code=303)


async def inbox(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/inbox``: conversations, newest first, filtered, 50 a page."""
    q = request.query_params
    zone = viewer_zone(request)
    prefix = q.get("q", "").strip().lower()
    problems = []
    if prefix and not PREFIX.fullmatch(prefix):
        problems.append("A pseudonym has only the digits 0-9 and letters a-f.")
        prefix = ""
    dialog = q.get("dialog", "")
    where = InboxFilter(
        flag=q.get("flag", "") if q.get("flag", "") in FLAG_FILTERS else "",
        since=_date(q.get("from", ""), zone),
        until=_date(q.get("to", ""), zone, end=True),
        locale=q.get("lang", "") if q.get("lang", "") in state.catalogs.available() else "",
        dialog=dialog if dialog in state.dialogs.dialogs else "",
        status=q.get("status", "") if q.get("status", "") in STATUSES else "",
        prefix=prefix,
    )
    page = await state.review.inbox(where, cursor=q.get("after") or None)
    keep = {k: v for k, v in q.items() if k != "after" and v}
    return await render(
        request,
        state,
        signed,
        "inbox.html",
        page=page,
        where=where,
        query=q,
        keep=keep,
        problems=problems,
        flags=FLAG_FILTERS,
        statuses=STATUSES,
        locales=state.catalogs.available(),
        dialogs=sorted(state.dialogs.dialogs),
    )


@dataclass
class Line:
    """One transcript line as shown."""

    entry: Entry
    who: str  # "person", "bot", "event"
    shown: Shown | None = None
    label: str = ""
    urgent: bool = False
    classes: list[str] = field(default_factory=list)


def _line(entry: Entry, state: ReviewState, locale: str | None) -> Line:
    if entry.direction == "in" and entry.kind == "text":
        return Line(entry, "person", label="typed")
    if entry.kind == "choice":
        return Line(entry, "person", state.texts.button(entry.message_id, locale), "pressed")
    if entry.kind in ("command", "media"):
        return Line(entry, "person", label=entry.kind)
    if entry.kind == "reply":
        shown = state.texts.message(entry.message_id, locale)
        urgent = bool(shown and shown.safety) or "urgent" in (entry.message_id or "")
        return Line(entry, "bot", shown, "bot", urgent=urgent)
    urgent = entry.kind == "escalation" or entry.flag == "red"
    return Line(entry, "event", label=entry.kind, urgent=urgent)


async def _found(
    request: Request, state: ReviewState, signed: SignedIn, suffix: str = ""
) -> str | Response:
    """The full pseudonym of ``/people/{pseudonym}``, or the answer for a bad, unknown or
    ambiguous one (a unique prefix redirects to the full address, ``suffix`` kept)."""
    pseudonym = str(request.path_params["pseudonym"]).lower()
    if not PREFIX.fullmatch(pseudonym):
        return await render(request, state, signed, "missing.html", status_code=404)
    found = await state.review.resolve_prefix(pseudonym)
    if len(found) == 1 and found[0] != pseudonym:  # a unique prefix: the full address
        target = f"{base_path(request)}/people/{found[0]}{suffix}"
        return RedirectResponse(target, status_code=303)
    if pseudonym not in found:
        return await render(
            request, state, signed, "missing.html", status_code=404, ambiguous=len(found) > 1
        )
    return pseudonym


def _diary(person: Person | None, session: Session | None) -> list[diary.Reading] | None:
    """The saved temperature readings, oldest first, when the person consented to a record
    (as for typed text); ``None`` without consent."""
    if person is None or not person.consent:
        return None
    return diary.saved(session.profile) if session is not None else []


async def transcript(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/people/{pseudonym}``: one conversation, oldest first, 200 lines a page, and the
    temperature diary (with consent)."""
    pseudonym = await _found(request, state, signed)
    if not isinstance(pseudonym, str):
        return pseudonym
    entries, more = await state.review.entries(pseudonym, request.query_params.get("after"))
    loaded = await state.store.load(pseudonym) if state.store is not None else None
    person = loaded[0] if loaded else None
    locale = person.locale if person else None
    await state.operators.audit(signed.operator.name, "open transcript", pseudonym=pseudonym)
    return await render(
        request,
        state,
        signed,
        "transcript.html",
        pseudonym=pseudonym,
        person=person,
        node=loaded[1].node if loaded else None,
        lines=[_line(e, state, locale) for e in entries],
        more=more,
        notes=await state.review.notes(pseudonym),
        queue=await state.review.queue(include_done=True, pseudonym=pseudonym, limit=50),
        readings=_diary(person, loaded[1] if loaded else None),
    )


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


async def diary_csv(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/people/{pseudonym}/diary.csv``: the temperature diary as a spreadsheet, only for a
    person who consented to a record; audit-logged like every export."""
    pseudonym = await _found(request, state, signed, "/diary.csv")
    if not isinstance(pseudonym, str):
        return pseudonym
    loaded = await state.store.load(pseudonym) if state.store is not None else None
    readings = _diary(loaded[0], loaded[1]) if loaded else None
    if readings is None:
        return await render(
            request, state, signed, "no_consent.html", status_code=403, pseudonym=pseudonym
        )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["time (UTC)", "celsius", "as typed", "unit"])
    for r in readings:
        writer.writerow([_iso(r.at), f"{r.celsius:.1f}", f"{r.typed:g}", r.unit])
    await state.operators.audit(
        signed.operator.name, "export", target="diary.csv", pseudonym=pseudonym
    )
    name = f"diary-{pseudonym[:8]}.csv"
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def add_note(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``POST /people/{pseudonym}/notes``: a tag and/or a note."""
    pseudonym = request.path_params["pseudonym"].lower()
    form = await request.form()
    tag = str(form.get("tag", "")).strip()
    note = str(form.get("note", "")).strip()[:2000]
    if tag and not TAG.fullmatch(tag):
        tag = ""
    if PREFIX.fullmatch(pseudonym) and (tag or note):
        await state.review.add_note(pseudonym, signed.operator.name, tag or None, note or None)
        await state.operators.audit(signed.operator.name, "note", pseudonym=pseudonym)
    return RedirectResponse(f"{base_path(request)}/people/{pseudonym}#notes", status_code=303)


async def flags(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/flags``: the red-flag queue, open items first (``?all=1``: acknowledged too)."""
    show_all = request.query_params.get("all") == "1"
    items = await state.review.queue(include_done=show_all)
    names = [o.name for o in await state.operators.all() if not o.disabled]
    return await render(
        request, state, signed, "flags.html", items=items, show_all=show_all, names=names
    )


async def follow_up(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``POST /flags/{id}``: acknowledge, assign or add a note."""
    form = await request.form()
    action = str(form.get("action", ""))
    log_id = int(request.path_params["log_id"])
    kwargs: dict[str, Any] = {}
    if action == "acknowledge":
        kwargs["acknowledge"] = True
    elif action == "assign":
        kwargs["assignee"] = str(form.get("assignee", "")).strip()[:64]
    elif action == "note":
        kwargs["note"] = str(form.get("note", "")).strip()[:2000] or None
    item = await state.review.follow_up(log_id, signed.operator.name, **kwargs) if kwargs else None
    if item is None:
        return await render(request, state, signed, "missing.html", status_code=404)
    await state.operators.audit(
        signed.operator.name, f"{action} flag", target=f"flag {log_id}", pseudonym=item.pseudonym
    )
    back = str(form.get("back", ""))
    target = back if back.startswith("/") and not back.startswith("//") else "/flags"
    return RedirectResponse(f"{base_path(request)}{target}", status_code=303)


@dataclass
class Group:
    """Unanswered questions that read the same (or nearly)."""

    text: str
    locale: str
    count: int = 0
    people: set[str] = field(default_factory=set)
    nodes: Counter[str] = field(default_factory=Counter)
    last: float = 0.0
    variants: Counter[str] = field(default_factory=Counter)


def _normal(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", folded).split())


def group_unanswered(rows: list[Unanswered]) -> list[Group]:
    """Group by language and same or near-same text, most frequent first."""
    groups: list[Group] = []
    by_lang: dict[str, list[Group]] = {}
    for row in rows:
        locale = row.locale or "?"
        key = _normal(row.text) if row.text else ""
        found = None
        for group in by_lang.setdefault(locale, []):
            same_empty = not key and not group.text
            if same_empty or (key and group.text and fuzz.ratio(key, group.text) >= NEAR_SAME):
                found = group
                break
        if found is None:
            found = Group(key, locale)
            by_lang[locale].append(found)
            groups.append(found)
        found.count += 1
        found.people.add(row.pseudonym)
        found.nodes[row.node or "-"] += 1
        found.last = max(found.last, row.at)
        if row.text:
            found.variants[" ".join(row.text.split())] += 1
    return sorted(groups, key=lambda g: (-g.count, g.locale, g.text))


async def unanswered(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/unanswered``: the content team's to-do list."""
    groups = group_unanswered(await state.review.unanswered())
    return await render(request, state, signed, "unanswered.html", groups=groups)


async def unanswered_csv(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/unanswered.csv``: the same groups as a spreadsheet."""
    groups = group_unanswered(await state.review.unanswered())
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["language", "times", "people", "text", "variants", "steps", "last (UTC)"])
    for g in groups:
        variants = " | ".join(v for v, _ in g.variants.most_common(5))
        steps = " ".join(f"{n}={c}" for n, c in g.nodes.most_common())
        last = _iso(g.last)
        writer.writerow([g.locale, g.count, len(g.people), g.text, variants, steps, last])
    await state.operators.audit(signed.operator.name, "export", target="unanswered.csv")
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="unanswered.csv"'},
    )


async def settings(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/settings``: the viewer's time zone (a cookie; UTC by default)."""
    zones = sorted(available_timezones() | {"UTC"})
    if request.method == "POST":
        form = await request.form()
        chosen = str(form.get("tz", "UTC"))
        response = RedirectResponse(f"{base_path(request)}/settings?saved=1", status_code=303)
        if chosen in zones:
            from bot.review.auth import set_cookie

            set_cookie(response, request, TZ_COOKIE, chosen, base_path(request) or "/")
        return response
    saved = request.query_params.get("saved") == "1"
    return await render(request, state, signed, "settings.html", zones=zones, saved=saved)


async def audit(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/audit`` (admins): who opened, acknowledged or exported what, newest first."""
    entries = await state.operators.audit_entries()
    return await render(request, state, signed, "audit.html", entries=entries)
