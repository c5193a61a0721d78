"""Drill-down API under ``/api/v1``: evidence, trends, session messages (role-checked)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException

from shopkpi.appdb.roles import Role
from shopkpi.metrics.catalog import CATALOG
from shopkpi.web.deps import WS, ApiViewer
from shopkpi.web.drill import (
    EVIDENCE_LIMIT,
    evidence_table,
    explanation_json,
    roster_person,
    shop_zone,
    transcript_json,
    trend_json,
    trend_teams,
)
from shopkpi.web.routes_drill import may_read

router = APIRouter(prefix="/api/v1", tags=["api"])

EVERYONE = frozenset(Role)
# Who may call each route; staff and supervisors only for the people they may see.
ACCESS: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/api/v1/staff/{staff_id}/metrics/{metric_id}/evidence"): EVERYONE,
    ("GET", "/api/v1/metrics/{metric_id}/trend"): EVERYONE,
    ("GET", "/api/v1/sessions/{session_id:path}/messages"): EVERYONE,
}
OWN_ONLY = frozenset({
    ("GET", "/api/v1/staff/{staff_id}/metrics/{metric_id}/evidence"),
    ("GET", "/api/v1/sessions/{session_id:path}/messages"),
})  # fmt: skip


@router.get("/staff/{staff_id}/metrics/{metric_id}/evidence")
def evidence(
    ws: WS, viewer: ApiViewer, staff_id: str, metric_id: str, period: str | None = None
) -> dict[str, Any]:
    """The rows behind one person's metric, with the rule that counted each row."""
    if not viewer.may_see(roster_person(ws, staff_id), staff_id):
        raise HTTPException(403, "无权查看该员工的指标明细")
    e = ws.explain(staff_id, CATALOG.get_metric(metric_id).id, period, EVIDENCE_LIMIT)
    if e.staff.staff_id != staff_id:
        raise HTTPException(403, "无权查看该员工的指标明细")
    return explanation_json(e, [evidence_table(ev, viewer, shop_zone(ws)) for ev in e.evidence])


@router.get("/metrics/{metric_id}/trend")
def trend(ws: WS, viewer: ApiViewer, metric_id: str, period: str | None = None) -> dict[str, Any]:
    """A metric's day values in a month: the shop, and the teams the viewer may see."""
    return trend_json(ws.trend(metric_id, period, trend_teams(viewer)))


@router.get("/sessions/{session_id:path}/messages")
def messages(ws: WS, viewer: ApiViewer, session_id: str) -> dict[str, Any]:
    """A chat session's messages (auto-replies, fillers and transfers marked)."""
    t = ws.transcript(session_id)
    if not may_read(ws, viewer, t):
        raise HTTPException(403, "无权查看这段聊天记录")
    return transcript_json(t, shop_zone(ws))
