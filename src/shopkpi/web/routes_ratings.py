"""Ratings entry (主管评分录入): supervisors rate their teams' staff, admin rates everyone.

Every save goes through ``AppDB.set_rating`` (one audit row per changed rating, old and
new value). Staff see only their own ratings, finance reads everyone's; neither may post.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from shopkpi.appdb.ratings_file import PERIOD_HINT, normalize_period
from shopkpi.appdb.records import RatingRecord
from shopkpi.errors import ShopkpiError
from shopkpi.scoring.rubric import BANDS, find_criterion
from shopkpi.scoring.subjects import Subject
from shopkpi.web.access import Viewer, visible
from shopkpi.web.deps import WS, PageViewer, render, roster
from shopkpi.web.guards import ADMIN_SUPERVISOR, EVERYONE, Access, Route, error_page, may_rate
from shopkpi.web.ratings_form import BAND_TEXT, Field, check, stored_fields
from shopkpi.web.security import csrf_ok
from shopkpi.workspace import Workspace

router = APIRouter(include_in_schema=False)

ACCESS: Access = {
    ("GET", "/ratings"): EVERYONE,  # rows filtered by Viewer.may_see; the form by may_rate
    ("POST", "/ratings"): ADMIN_SUPERVISOR,  # and only for staff the viewer may rate
}
OWN_ONLY: frozenset[Route] = frozenset({("POST", "/ratings")})  # supervisor: own teams
WEB_REASON = "网页录入"


@router.get("/ratings")
def ratings_page(
    request: Request,
    ws: WS,
    viewer: PageViewer,
    period: str | None = None,
    staff: str | None = None,
    saved: int | None = None,
) -> Any:
    label = _period(ws, period)
    if label is None:
        return _page(request, ws, viewer, period or "", staff, error=f"周期无法识别：{PERIOD_HINT}")
    return _page(request, ws, viewer, label, staff, saved=saved)


@router.post("/ratings")
async def save_ratings(request: Request, ws: WS, viewer: PageViewer) -> Any:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    staff, period = form.get("staff_id", ""), form.get("period", "")
    person = _roster(ws).get(staff)
    if viewer.role not in ADMIN_SUPERVISOR or not may_rate(viewer, person):
        return error_page(request, viewer, "无权为该员工录入评分", 403)
    if not csrf_ok(request.session, form.get("csrf_token")):
        return error_page(request, viewer, "页面已过期，请刷新后重新提交（CSRF 校验失败）", 403)
    label = normalize_period(period)
    entries, fields = check(form)
    if label is None or any(f.error for f in fields):
        error = None if label else f"周期无法识别：{PERIOD_HINT}"
        return _page(request, ws, viewer, label or period, staff, fields, error, status=422)
    for e in entries:
        ws.appdb.set_rating(
            staff, label, e.criterion_id, e.score, actor=viewer.user.username,
            comment=e.comment, rater=viewer.user.username, reason=WEB_REASON,
        )  # fmt: skip
    query = urlencode({"period": label, "staff": staff, "saved": len(entries)})
    return RedirectResponse(f"/ratings?{query}", status_code=303)


def _page(
    request: Request,
    ws: Workspace,
    viewer: Viewer,
    period: str,
    staff: str | None,
    fields: list[Field] | None = None,
    error: str | None = None,
    saved: int | None = None,
    status: int = 200,
) -> Any:
    roster = _roster(ws)
    people = visible(viewer, list(roster.values()))
    shown = {p.id for p in people}
    rows = [r for r in ws.appdb.ratings(period) if r.staff_id in shown] if period else []
    person = roster.get(staff or "")
    editable = person is not None and may_rate(viewer, person)
    if editable and fields is None:
        fields = stored_fields({r.criterion_id: r for r in rows if r.staff_id == staff})
    context = {
        "viewer": viewer,
        "period": period,
        "people": people,
        "staff": staff or "",
        "person": person if editable else None,
        "fields": fields if editable else None,
        "rows": [_row(r, roster) for r in rows],
        "bands": BANDS,
        "band_text": BAND_TEXT,
        "error": error,
        "saved": saved,
        "can_rate": any(may_rate(viewer, p) for p in people),
    }
    return render(request, "ratings.html", context, status)


def _row(r: RatingRecord, roster: dict[str, Subject]) -> dict[str, Any]:
    c = find_criterion(r.criterion_id)
    who = roster.get(r.staff_id)
    return {
        "staff_id": r.staff_id,
        "name": who.name if who else r.staff_id,
        "criterion": c.full_label if c else r.criterion_id,
        "score": str(r.score),
        "comment": r.comment or "",
        "rater": r.rater or "",
        "updated_at": r.updated_at.strftime("%Y-%m-%d %H:%M"),
    }


def _roster(ws: Workspace) -> dict[str, Subject]:
    return {s.id: s for s in roster(ws)}


def _period(ws: Workspace, period: str | None) -> str | None:
    if period:
        return normalize_period(period)
    try:
        return ws.scoring.period(None)
    except ShopkpiError:
        return ""
