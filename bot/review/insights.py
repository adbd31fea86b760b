"""Analytics (charts with CSV downloads) and dialog maps with counts per step."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from bot.review.app import render
from bot.review.charts import Chart, csv_rows, svg
from bot.review.dialogmap import MapError, dialog_svg
from bot.store.operators import SignedIn
from bot.store.review import Daily

if TYPE_CHECKING:
    from bot.review.app import ReviewState

WINDOWS = (7, 30, 90, 365)
CHART_KEYS = ("daily", "topics", "completion", "red", "languages")


def _days(request: Request) -> int:
    raw = request.query_params.get("days", "30")
    return int(raw) if raw.isdigit() and int(raw) in WINDOWS else 30


async def _daily(state: ReviewState, days: int) -> Daily:
    return await state.review.analytics(state.clock() - days * 86400)


def build_charts(state: ReviewState, data: Daily) -> dict[str, Chart]:
    """The analytics charts from the counts."""
    reached = dict(data.node_people)
    left = dict(data.last_node)
    completion = []
    for dialog_id, dialog in sorted(state.dialogs.dialogs.items()):
        started = reached.get(dialog.start, 0)
        ends = [
            n
            for n, node in dialog.nodes.items()
            if node.end or not (node.choices or node.branches or node.input)
        ]
        finished = max((reached.get(n, 0) for n in ends), default=0)
        mid = sum(v for n, v in left.items() if n in dialog.nodes and n not in ends)
        if started or finished or mid:
            completion.append((dialog_id, started, finished, mid))
    charts = [
        Chart(
            "daily",
            "Conversations and new people per day (UTC days)",
            ("day", "conversations", "new people"),
            tuple(data.per_day),
            "line",
            "People who wrote to the bot each day, and how many of them were new.",
        ),
        Chart(
            "topics",
            "Topics opened (people per dialog)",
            ("dialog", "people"),
            tuple(data.topics),
            "barh",
            "How many people saw at least one step of each dialog.",
        ),
        Chart(
            "completion",
            "Completion and drop-off per dialog",
            ("dialog", "started", "reached an end", "stopped mid-way"),
            tuple(completion),
            "bar",
            "People who saw the first step, an end step, and who are still on a middle step.",
        ),
        Chart(
            "red",
            "Red flags and escalations per week",
            ("week starting", "red flags"),
            tuple(data.red_per_week),
            "bar",
            "Weeks start on Monday (UTC).",
        ),
        Chart(
            "languages",
            "Languages (people, all time)",
            ("language", "people"),
            tuple(data.languages),
            "bar",
            "The language each person chose.",
        ),
    ]
    return {c.key: c for c in charts}


async def analytics(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/analytics``: the charts, each with a CSV download."""
    days = _days(request)
    charts = build_charts(state, await _daily(state, days))
    return await render(
        request, state, signed, "analytics.html", charts=charts.values(), days=days, windows=WINDOWS
    )


async def _chart(request: Request, state: ReviewState) -> Chart | None:
    key = request.path_params["chart"]
    if key not in CHART_KEYS:
        return None
    return build_charts(state, await _daily(state, _days(request)))[key]


async def chart_svg(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/analytics/{chart}.svg``."""
    chart = await _chart(request, state)
    if chart is None:
        return Response("no such chart", status_code=404)
    return Response(svg(chart), media_type="image/svg+xml")


async def chart_csv(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/analytics/{chart}.csv``: the chart's numbers."""
    chart = await _chart(request, state)
    if chart is None:
        return Response("no such chart", status_code=404)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(csv_rows(chart))
    await state.operators.audit(signed.operator.name, "export", target=f"{chart.key}.csv")
    return Response(
        out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{chart.key}.csv"'},
    )


async def dialog_map(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/map?dialog=ID``: one dialog's map with counts of the last ``days``."""
    chosen = request.query_params.get("dialog", "fever")
    if chosen not in state.dialogs.dialogs:
        chosen = sorted(state.dialogs.dialogs)[0]
    return await render(
        request,
        state,
        signed,
        "map.html",
        chosen=chosen,
        dialogs=sorted(state.dialogs.dialogs),
        days=_days(request),
        windows=WINDOWS,
    )


async def map_svg(request: Request, state: ReviewState, signed: SignedIn) -> Response:
    """``/map/{dialog}.svg``: drawn by Graphviz."""
    dialog_id = request.path_params["dialog"]
    if dialog_id not in state.dialogs.dialogs:
        return Response("no such dialog", status_code=404)
    data = await _daily(state, _days(request))
    try:
        body = dialog_svg(state.dialogs, dialog_id, dict(data.node_people), dict(data.last_node))
    except MapError as exc:
        return Response(str(exc), status_code=503)
    return Response(body, media_type="image/svg+xml")
