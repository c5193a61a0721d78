"""Insights pages (诊断, 日报, 预警) and their API.

Who sees what: diagnosis rows are filtered like scorecards (staff: themselves; a
supervisor: their teams; admin and finance: everyone); labour efficiency and the daily
report are shop-wide (admin, supervisor, finance); the alert inbox shows admin every alert
and a supervisor their teams' (send attempts: admin only).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from shopkpi.appdb.roles import Role
from shopkpi.errors import ShopkpiError
from shopkpi.metrics.api import period_label
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, ApiViewer, PageViewer, render
from shopkpi.web.guards import ADMIN_SUPERVISOR, EVERYONE, READERS, Access, error_page
from shopkpi.web.qa_view import visible_staff
from shopkpi.web.routes_qa import alerts_for
from shopkpi.workspace import Workspace

router = APIRouter()

ACCESS: Access = {
    ("GET", "/insights"): EVERYONE,  # filtered
    ("GET", "/reports/daily"): READERS,
    ("GET", "/alerts"): ADMIN_SUPERVISOR,  # supervisors: their teams' alerts
    ("GET", "/api/v1/diagnosis"): EVERYONE,  # filtered
    ("GET", "/api/v1/reports/daily"): READERS,
}


def _diagnosis(
    ws: Workspace, viewer: Viewer, period: str | None
) -> tuple[str, list[dict[str, Any]]]:
    from shopkpi.insights.diagnosis import diagnose

    label = period_label(ws.warehouse.con, period)
    who = visible_staff(ws, viewer)
    rows = [
        d.as_json()
        for d in ws.memo(("diagnosis", label), lambda: diagnose(ws.warehouse.con, ws.config, label))
        if who is None or d.staff_id in who
    ]
    return label, rows


def _labour(ws: Workspace, label: str) -> list[dict[str, Any]]:
    from shopkpi.insights.labour import labour_efficiency

    return [r.as_json() for r in labour_efficiency(ws.warehouse.con, label)]


@router.get("/insights", include_in_schema=False)
def insights_page(request: Request, ws: WS, viewer: PageViewer, period: str | None = None) -> Any:
    try:
        label, rows = _diagnosis(ws, viewer, period)
    except ShopkpiError as exc:
        return error_page(request, viewer, str(exc), 404)
    labour = _labour(ws, label) if viewer.role in READERS else []
    from shopkpi.insights.catalogue import LABELS

    codes = {k.value: v for k, v in LABELS.items()}
    context = {"viewer": viewer, "label": label, "rows": rows, "labour": labour, "codes": codes}
    return render(request, "insights.html", context)


@router.get("/reports/daily", include_in_schema=False)
def daily_page(request: Request, ws: WS, viewer: PageViewer, day: date | None = None) -> Any:
    from shopkpi.insights.report import daily_report, daily_text

    if viewer.role not in READERS:
        return error_page(request, viewer, "无权查看日报", 403)
    try:
        r = ws.memo(("daily_report", day), lambda: daily_report(ws, day))
    except ShopkpiError as exc:
        return error_page(request, viewer, str(exc), 404)
    return render(request, "daily.html", {"viewer": viewer, "r": r, "text": daily_text(r)})


@router.get("/alerts", include_in_schema=False)
def alerts_page(request: Request, ws: WS, viewer: PageViewer) -> Any:
    if viewer.role not in ADMIN_SUPERVISOR:
        return error_page(request, viewer, "无权查看预警", 403)
    rows = alerts_for(ws, viewer, 200)
    deliveries = ws.appdb.deliveries(limit=200) if viewer.role is Role.admin else []
    return render(
        request, "alerts.html", {"viewer": viewer, "alerts": rows, "deliveries": deliveries}
    )


@router.get("/api/v1/diagnosis", tags=["insights"])
def diagnosis_api(ws: WS, viewer: ApiViewer, period: str | None = None) -> dict[str, Any]:
    """Findings per person (stable codes, numbers, text), training topics, suggested role,
    and raw against adjusted conversion and 客单价, for the people the viewer may see."""
    try:
        label, rows = _diagnosis(ws, viewer, period)
    except ShopkpiError as exc:
        raise HTTPException(404, str(exc)) from exc
    return {"period": label, "people": rows}


@router.get("/api/v1/reports/daily", tags=["insights"])
def daily_api(ws: WS, viewer: ApiViewer, day: date | None = None) -> dict[str, Any]:
    """The daily report: headline paragraph, day lines, anomalies and traffic drop."""
    from shopkpi.insights.report import daily_report, daily_text

    if viewer.role not in READERS:
        raise HTTPException(403, "无权查看日报")
    try:
        r = daily_report(ws, day)
    except ShopkpiError as exc:
        raise HTTPException(404, str(exc)) from exc
    return {
        "day": r.day.isoformat(),
        "headline": r.headline,
        "text": daily_text(r),
        "anomalies": [
            {"entity_kind": a.entity_kind, "entity_id": a.entity_id, "metric_id": a.metric_id,
             "value": a.check.value, "baseline": a.check.baseline, "reason": a.check.reason}
            for a in r.anomalies
        ],
        "traffic_drop": None if r.drop is None else {
            "channel": r.drop.channel, "category": r.drop.category, "text": r.drop.text,
        },
    }  # fmt: skip
