"""Drill-down pages: a staff metric's evidence (指标明细), a chat transcript (聊天记录),
the metric catalog (指标目录) and a metric's daily trend (趋势)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from shopkpi.appdb.roles import Role
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.transcript import Transcript
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, PageViewer, forbidden, render
from shopkpi.web.drill import (
    EVIDENCE_LIMIT,
    catalog,
    cell,
    evidence_table,
    roster_person,
    shop_zone,
    trend_chart,
    trend_teams,
    value_text,
)
from shopkpi.web.qa_view import segments, session_qa
from shopkpi.web.views import script_json
from shopkpi.workspace import Workspace

router = APIRouter(include_in_schema=False)

EVERYONE = frozenset(Role)
# Who may call each route; staff and supervisors only for the people they may see.
ACCESS: dict[tuple[str, str], frozenset[Role]] = {
    ("GET", "/staff/{staff_id}/metrics/{metric_id}"): EVERYONE,
    ("GET", "/sessions/{session_id:path}"): EVERYONE,
    ("GET", "/metrics"): EVERYONE,
    ("GET", "/metrics/{metric_id}/trend"): EVERYONE,
}
OWN_ONLY = frozenset({
    ("GET", "/staff/{staff_id}/metrics/{metric_id}"),
    ("GET", "/sessions/{session_id:path}"),
})  # fmt: skip


@router.get("/staff/{staff_id}/metrics/{metric_id}")
def metric_page(
    request: Request,
    ws: WS,
    viewer: PageViewer,
    staff_id: str,
    metric_id: str,
    period: str | None = None,
) -> Any:
    if not viewer.may_see(roster_person(ws, staff_id), staff_id):
        return forbidden(request, viewer, "该员工的指标明细")
    e = ws.explain(staff_id, CATALOG.get_metric(metric_id).id, period, EVIDENCE_LIMIT)
    if e.staff.staff_id != staff_id:  # ids only: a name or nick in the URL is not an id
        return forbidden(request, viewer, "该员工的指标明细")
    tables = [evidence_table(ev, viewer, shop_zone(ws)) for ev in e.evidence]
    context = {"viewer": viewer, "e": e, "value": value_text(e), "tables": tables}
    return render(request, "metric_detail.html", context)


@router.get("/sessions/{session_id:path}")
def transcript_page(request: Request, ws: WS, viewer: PageViewer, session_id: str) -> Any:
    t = ws.transcript(session_id)
    if not may_read(ws, viewer, t):
        return forbidden(request, viewer, "这段聊天记录")
    zone = shop_zone(ws)
    qa = session_qa(ws, t.session_id, t.biz_date, zone)
    context = {
        "viewer": viewer,
        "t": t,
        "fmt_time": lambda v: cell(v, zone),
        "qa": qa,
        "qa_chart": script_json(qa["chart"]) if qa["chart"] else "",
        "segments": segments,
    }
    return render(request, "transcript.html", context)


@router.get("/metrics")
def catalog_page(request: Request, viewer: PageViewer) -> Any:
    return render(request, "catalog.html", {"viewer": viewer, "metrics": catalog()})


@router.get("/metrics/{metric_id}/trend")
def trend_page(
    request: Request, ws: WS, viewer: PageViewer, metric_id: str, period: str | None = None
) -> Any:
    t = ws.trend(metric_id, period, trend_teams(viewer))
    chart = script_json(trend_chart(t))
    return render(request, "trend.html", {"viewer": viewer, "t": t, "chart": chart})


def may_read(ws: Workspace, viewer: Viewer, t: Transcript) -> bool:
    """A transcript is readable by whoever may see its session's staff member or one of
    the agents who wrote in it (a round is credited to whoever replied)."""
    writers = {m.staff_id for m in t.lines if m.staff_id} | {t.staff_id or ""}
    return any(viewer.may_see(roster_person(ws, s), s) for s in sorted(writers) if s)
