"""JSON API under ``/api/v1`` (same role checks as the pages; session-cookie auth)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.display import plain
from shopkpi.web.deps import WS, ApiViewer, roster
from shopkpi.web.guards import EVERYONE, Access, Route
from shopkpi.web.views import Filters, staff_ranking, value_json

router = APIRouter(prefix="/api/v1", tags=["api"])

ACCESS: Access = {
    ("GET", "/api/v1/me"): EVERYONE,
    ("GET", "/api/v1/ranking"): EVERYONE,  # rows filtered by Viewer.may_see
    ("GET", "/api/v1/scorecards/{staff_id}"): EVERYONE,
    ("GET", "/api/v1/metrics"): EVERYONE,
}
# Staff only for their own id, supervisors only for their teams (Viewer.may_see).
OWN_ONLY: frozenset[Route] = frozenset({("GET", "/api/v1/scorecards/{staff_id}")})


@router.get("/me")
def me(viewer: ApiViewer) -> dict[str, Any]:
    """The logged-in user: name, role, linked staff id and the teams they lead."""
    u = viewer.user
    return {
        "username": u.username,
        "role": u.role.value,
        "staff_id": u.staff_id,
        "teams": sorted(viewer.teams),
    }


@router.get("/ranking")
def ranking(
    ws: WS,
    viewer: ApiViewer,
    period: str | None = None,
    by: str = "cs_sales",
    team: str | None = None,
    role: str | None = None,
    level: str | None = None,
) -> dict[str, Any]:
    """Staff ranked by a metric (only those the viewer may see), filtered by team, role, level."""
    r = staff_ranking(ws, viewer, period, by, Filters(team, role, level))
    rows = [
        {
            "rank": row.rank,
            "staff_id": row.staff_id,
            "name": row.name,
            "team": row.team,
            "role": row.role,
            "level": row.level,
            "values": {c.id: value_json(row.values.get(c.id)) for c in r.columns},
        }
        for row in r.rows
    ]
    return {"period": r.period, "by": r.by.id, "rows": rows}


@router.get("/scorecards/{staff_id}")
def scorecard(
    ws: WS, viewer: ApiViewer, staff_id: str, period: str | None = None
) -> dict[str, Any]:
    """One person's scorecard: items, sections, deductions, total, grade and bonus."""
    person = {s.id: s for s in roster(ws)}.get(staff_id)
    if not viewer.may_see(person, staff_id):
        raise HTTPException(403, "无权查看该员工的评分卡")
    sheet, card = ws.scoring.scorecard(staff_id, period)
    return {"period": sheet.period, "frozen": sheet.frozen is not None, "scorecard": dict(card)}


@router.get("/metrics")
def metrics(ws: WS, viewer: ApiViewer, period: str | None = None) -> dict[str, Any]:
    """The metric catalog, and the shop KPIs of a month with their target and pace."""
    o = ws.overview(period)
    catalog = [
        {
            "id": m.id,
            "name": m.name,
            "unit": m.unit.value,
            "direction": m.direction.value,
            "kind": m.kind.value,
            "formula": m.formula,
        }
        for m in CATALOG.values()
    ]
    shop = [
        {
            "metric_id": p.metric.id,
            "value": value_json(p.value),
            "target": plain(p.target),
            "achievement": plain(p.achievement),
            "verdict": p.verdict.value,
        }
        for p in o.paces
    ]
    return {
        "period": o.period,
        "as_of": o.as_of.isoformat(),
        "elapsed": plain(o.elapsed),
        "catalog": catalog,
        "shop": shop,
    }
