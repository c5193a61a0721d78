"""Server-rendered pages: overview (概览), ranking (排行), staff scorecard (评分卡)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shopkpi.metrics.display import format_number
from shopkpi.web.deps import WS, PageViewer, forbidden, render, roster
from shopkpi.web.guards import EVERYONE, Access, Route
from shopkpi.web.views import (
    Filters,
    cell,
    daily_chart,
    item_text,
    ratio_text,
    script_json,
    staff_ranking,
)

router = APIRouter(include_in_schema=False)

ACCESS: Access = {
    ("GET", "/"): EVERYONE,
    ("GET", "/ranking"): EVERYONE,  # rows filtered by Viewer.may_see
    ("GET", "/staff/{staff_id}"): EVERYONE,
}
# Staff only for their own id, supervisors only for their teams (Viewer.may_see).
OWN_ONLY: frozenset[Route] = frozenset({("GET", "/staff/{staff_id}")})


@router.get("/")
def overview_page(request: Request, ws: WS, viewer: PageViewer, period: str | None = None) -> Any:
    o = ws.overview(period)
    chart = script_json(daily_chart(ws, o))
    context = {"viewer": viewer, "o": o, "chart": chart, "cell": cell, "fmt": format_number}
    return render(request, "overview.html", context)


@router.get("/ranking")
def ranking_page(
    request: Request,
    ws: WS,
    viewer: PageViewer,
    period: str | None = None,
    by: str = "cs_sales",
    team: str | None = None,
    role: str | None = None,
    level: str | None = None,
) -> Any:
    filters = Filters(team, role, level)
    r = staff_ranking(ws, viewer, period, by, filters)
    return render(request, "ranking.html", {"viewer": viewer, "r": r, "f": filters, "cell": cell})


@router.get("/staff/{staff_id}")
def scorecard_page(
    request: Request, ws: WS, viewer: PageViewer, staff_id: str, period: str | None = None
) -> Any:
    person = {s.id: s for s in roster(ws)}.get(staff_id)
    if not viewer.may_see(person, staff_id):
        return forbidden(request, viewer, "该员工的评分卡")
    sheet, card = ws.scoring.scorecard(staff_id, period)
    context = {
        "viewer": viewer,
        "sheet": sheet,
        "card": card,
        "itext": item_text,
        "pct": ratio_text,
    }
    return render(request, "scorecard.html", context)
