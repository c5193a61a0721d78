"""Chat QA (质检): the findings page, verdicts on findings, live alerts, and the API,
including ``POST /api/v1/messages`` for shops that stream chat messages as they happen.

Who sees what: admin and finance every finding; a supervisor the findings of their teams;
staff their own. Only admin and a team's supervisor give verdicts (confirmed / false
positive), which are audited and feed the per-rule statistics.
"""

from __future__ import annotations

import threading
import time
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from shopkpi.appdb.qa_state import VERDICT_LABELS, Verdict
from shopkpi.appdb.roles import Role
from shopkpi.errors import ShopkpiError
from shopkpi.metrics.api import period_label
from shopkpi.metrics.periods import parse_period
from shopkpi.qa import report
from shopkpi.qa.model import CATEGORY_LABELS, SEVERITY_LABELS, Category, Severity
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, ApiViewer, PageViewer, render, roster
from shopkpi.web.guards import (
    ADMIN_SUPERVISOR,
    EVERYONE,
    Access,
    CsrfHeader,
    Route,
    error_page,
    require_csrf,
)
from shopkpi.web.qa_view import visible_staff
from shopkpi.web.security import csrf_ok
from shopkpi.workspace import Workspace

router = APIRouter()

ACCESS: Access = {
    ("GET", "/qa"): EVERYONE,  # filtered: staff see their own findings
    ("POST", "/qa/findings/{finding_id}/review"): ADMIN_SUPERVISOR,
    ("GET", "/api/v1/qa/findings"): EVERYONE,  # filtered like the page
    ("POST", "/api/v1/qa/findings/{finding_id}/review"): ADMIN_SUPERVISOR,
    ("GET", "/api/v1/alerts"): ADMIN_SUPERVISOR,  # supervisors: their teams' alerts
    ("POST", "/api/v1/messages"): frozenset(),  # an API token (messages:write), no login
}
# A supervisor reviews only findings of their teams (checked per finding: the path names a
# finding, not a person, so these are not "own only" routes of the matrix).
OWN_ONLY: frozenset[Route] = frozenset()
# Authenticated by an API token, not a session: CSRF does not apply (no cookies are used).
TOKEN_ONLY: frozenset[Route] = frozenset({("POST", "/api/v1/messages")})
LIMIT = 500
_live_lock = threading.Lock()


def _span(ws: Workspace, period: str | None) -> tuple[str, date, date]:
    label = period_label(ws.warehouse.con, period)
    p = parse_period(label, ws.config.week_start)
    return p.label, p.start, p.end


def _filters(
    ws: Workspace, viewer: Viewer, staff: str | None, category: str | None,
    severity: str | None, rule: str | None,
) -> report.Filters:  # fmt: skip
    who = visible_staff(ws, viewer)
    if staff:
        who = frozenset({staff}) if who is None or staff in who else frozenset()
    if category and category not in {c.value for c in Category}:
        raise HTTPException(422, f"未知的类别 {category!r}")
    if severity and severity not in {s.value for s in Severity}:
        raise HTTPException(422, f"未知的严重度 {severity!r}")
    return report.Filters(
        staff=who, category=category or None, severity=severity or None, rule=rule or None
    )


def _may_review(ws: Workspace, viewer: Viewer, staff_id: str | None) -> bool:
    if viewer.role is Role.admin:
        return True
    if viewer.role is not Role.supervisor or not staff_id:
        return False
    person = next((s for s in roster(ws) if s.id == staff_id), None)
    return person is not None and person.team in viewer.teams and staff_id != viewer.user.staff_id


@router.get("/qa", include_in_schema=False)
def qa_page(
    request: Request,
    ws: WS,
    viewer: PageViewer,
    period: str | None = None,
    staff: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    rule: str | None = None,
) -> Any:
    con = ws.warehouse.con
    if not report.computed(con):
        return error_page(request, viewer, "还没有质检结果：先导入聊天记录并计算指标", 404)
    try:
        label, first, last = _span(ws, period)
        filters = _filters(ws, viewer, staff, category, severity, rule)
    except ShopkpiError as exc:
        return error_page(request, viewer, str(exc), 404)
    except HTTPException as exc:
        return error_page(request, viewer, str(exc.detail), exc.status_code)
    found = report.findings(con, first, last, filters, LIMIT)
    summary = report.summary(con, first, last, filters.staff)
    reviews = ws.appdb.finding_reviews([f.finding_id for f in found])
    alerts = alerts_for(ws, viewer, 20) if viewer.role in ADMIN_SUPERVISOR else []
    context = {
        "viewer": viewer,
        "label": label,
        "found": found,
        "summary": summary,
        "reviews": reviews,
        "stats": ws.appdb.rule_stats(),
        "alerts": alerts,
        "f": {
            "staff": staff or "",
            "category": category or "",
            "severity": severity or "",
            "rule": rule or "",
        },
        "categories": CATEGORY_LABELS,
        "severities": SEVERITY_LABELS,
        "verdicts": VERDICT_LABELS,
        "may_review": {f.finding_id: _may_review(ws, viewer, f.staff_id) for f in found},
        "limit": LIMIT,
    }
    return render(request, "qa.html", context)


@router.post("/qa/findings/{finding_id}/review", include_in_schema=False)
async def review_page(request: Request, ws: WS, viewer: PageViewer, finding_id: str) -> Any:
    if viewer.role not in ADMIN_SUPERVISOR:
        return error_page(request, viewer, "只有管理员和主管可以复核质检结果", 403)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if not csrf_ok(request.session, form.get("csrf_token")):
        return error_page(request, viewer, "页面已过期，请刷新后重新提交（CSRF 校验失败）", 403)
    try:
        _review(ws, viewer, finding_id, form.get("verdict", ""), form.get("comment") or None)
    except HTTPException as exc:
        return error_page(request, viewer, str(exc.detail), exc.status_code)
    back = form.get("back") or "/qa"
    if not back.startswith("/") or back.startswith("//"):
        back = "/qa"
    return RedirectResponse(back, status_code=303)


def _review(
    ws: Workspace, viewer: Viewer, finding_id: str, verdict: str, comment: str | None
) -> Any:
    if not report.computed(ws.warehouse.con):
        raise HTTPException(404, "还没有质检结果")
    f = report.finding(ws.warehouse.con, finding_id)
    if f is None:
        raise HTTPException(404, f"没有质检发现 {finding_id}")
    if not _may_review(ws, viewer, f.staff_id):
        raise HTTPException(403, "无权复核该员工的质检结果")
    if verdict not in {v.value for v in Verdict}:
        raise HTTPException(422, "结论必须是 confirmed（确认）或 false_positive（误报）")
    return ws.appdb.review_finding(
        f.finding_id, f.rule, f.staff_id, verdict, actor=viewer.user.username, comment=comment
    )


def alerts_for(ws: Workspace, viewer: Viewer, limit: int) -> list[Any]:
    """The newest alerts the viewer may see: admin every one, a supervisor their teams'."""
    rows = ws.appdb.alerts(limit=limit if viewer.role is Role.admin else limit * 5)
    if viewer.role is Role.admin:
        return rows
    return [a for a in rows if a.team is not None and a.team in viewer.teams][:limit]


# ----------------------------------------------------------------------------- API


@router.get("/api/v1/qa/findings", tags=["qa"])
def findings_api(
    ws: WS,
    viewer: ApiViewer,
    period: str | None = None,
    staff: str | None = None,
    category: str | None = None,
    severity: str | None = None,
    rule: str | None = None,
    limit: int = LIMIT,
) -> dict[str, Any]:
    """QA findings of a period (default: the latest computed month) the viewer may see."""
    if not report.computed(ws.warehouse.con):
        raise HTTPException(404, "还没有质检结果：先运行 shopkpi compute")
    try:
        label, first, last = _span(ws, period)
    except ShopkpiError as exc:
        raise HTTPException(404, str(exc)) from exc
    filters = _filters(ws, viewer, staff, category, severity, rule)
    found = report.findings(ws.warehouse.con, first, last, filters, max(1, min(limit, 5000)))
    reviews = ws.appdb.finding_reviews([f.finding_id for f in found])
    return {
        "period": label,
        "findings": [
            {
                **f.as_json(),
                "review": reviews[f.finding_id].verdict.value if f.finding_id in reviews else None,
            }
            for f in found
        ],
    }


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    verdict: str
    comment: str | None = None


def _reviewer(request: Request, viewer: ApiViewer, token: CsrfHeader = None) -> Viewer:
    if viewer.role not in ADMIN_SUPERVISOR:
        raise HTTPException(403, "无权复核质检结果")
    require_csrf(request, token)
    return viewer


@router.post("/api/v1/qa/findings/{finding_id}/review", tags=["qa"])
def review_api(
    ws: WS, viewer: Annotated[Viewer, Depends(_reviewer)], finding_id: str, body: ReviewIn
) -> dict[str, Any]:
    """Confirm a finding or mark it a false positive (audited with the old verdict)."""
    r = _review(ws, viewer, finding_id, body.verdict, body.comment)
    return {"finding_id": r.finding_id, "verdict": r.verdict.value, "reviewer": r.reviewer}


@router.get("/api/v1/alerts", tags=["qa"])
def alerts_api(ws: WS, viewer: ApiViewer, limit: int = 100) -> dict[str, Any]:
    """Recorded alerts (live escalations), newest first; supervisors see their teams'."""
    if viewer.role not in ADMIN_SUPERVISOR:
        raise HTTPException(403, "无权查看预警")
    rows = alerts_for(ws, viewer, max(1, min(limit, 1000)))
    return {
        "alerts": [
            {
                "id": a.id, "kind": a.kind, "rule": a.rule, "severity": a.severity,
                "staff_id": a.staff_id, "team": a.team, "session": a.subject,
                "message_id": a.message_id, "title": a.title, "detail": a.detail,
                "raised_at": a.raised_at.isoformat(sep=" ", timespec="seconds"),
            }
            for a in rows
        ]
    }  # fmt: skip


def token_guard(request: Request) -> None:
    """The API-token check of ``/api/v1/messages`` (runs before the body is read)."""
    header = request.headers.get("authorization", "")
    if not header.startswith("Bearer "):
        if request.session.get("user"):
            raise HTTPException(
                403, "该接口只接受接口令牌（shopkpi token create --scope messages:write）"
            )
        raise HTTPException(401, "缺少接口令牌", headers={"WWW-Authenticate": "Bearer"})
    ws: Workspace = request.app.state.ws
    if ws.appdb.verify_token(header[len("Bearer ") :], "messages:write") is None:
        raise HTTPException(
            401, "接口令牌无效、已吊销或权限不符", headers={"WWW-Authenticate": "Bearer"}
        )


class MessageIn(BaseModel):
    """One chat message as it happens (``sent_at`` without a zone is the shop's local time)."""

    model_config = ConfigDict(extra="forbid")
    message_id: str = Field(min_length=1, max_length=128)
    shop_id: str | None = None
    buyer_nick: str = Field(min_length=1, max_length=128)
    account_nick: str = Field(min_length=1, max_length=128)
    direction: str = Field(pattern="^(buyer|agent|auto|system)$")
    sent_at: datetime
    text: str = Field(max_length=10_000)
    staff_id: str | None = None


class MessagesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    messages: list[MessageIn] = Field(min_length=1, max_length=500)


@router.post("/api/v1/messages", tags=["qa"], status_code=200, dependencies=[Depends(token_guard)])
def messages_api(request: Request, body: MessagesIn) -> dict[str, Any]:
    """Evaluate chat messages at once (escalation, compliance); an escalation raises an
    alert for the agent's team. Needs ``Authorization: Bearer <token>`` of an API token
    with scope ``messages:write`` (``shopkpi token create --scope messages:write``)."""
    started = time.perf_counter()
    from shopkpi.qa.live import LiveMessage, elapsed_ms, utc_naive

    ws: Workspace = request.app.state.ws
    live = _live(request)
    results = []
    for m in body.messages:
        shop = m.shop_id or ws.config.shops[0].id
        try:
            tz = ws.config.shop(shop).timezone
        except KeyError as exc:
            raise HTTPException(422, f"未知的店铺 {shop!r}") from exc
        outcome = live.push(
            LiveMessage(
                m.message_id,
                shop,
                m.buyer_nick,
                m.account_nick,
                m.direction,
                utc_naive(m.sent_at, tz),
                m.text,
                m.staff_id,
            )
        )
        results.append(
            {
                "message_id": outcome.message_id,
                "session": outcome.session_id,
                "staff_id": outcome.staff_id,
                "findings": [
                    {
                        "rule": f.rule,
                        "category": f.category.value,
                        "severity": f.severity.value,
                        "matched": f.matched,
                        "span": None if f.start is None else [f.start, f.end],
                        "detail": f.detail,
                    }
                    for f in outcome.findings
                ],
                "alerts": outcome.alerts,
            }
        )
    return {"accepted": len(results), "results": results, "elapsed_ms": elapsed_ms(started)}


def _live(request: Request) -> Any:
    """The app's live evaluator (made on first use: loading the analyzers takes a moment)."""
    live = getattr(request.app.state, "live_qa", None)
    if live is not None:
        return live
    with _live_lock:
        live = getattr(request.app.state, "live_qa", None)
        if live is None:
            live = make_live(request.app.state.ws)
            request.app.state.live_qa = live
    return live


def make_live(ws: Workspace) -> Any:
    from shopkpi.qa.live import LiveQA
    from shopkpi.qa.pipeline import Analyzers

    def lookup(shop: str, account: str, at: datetime) -> tuple[str | None, str | None]:
        view = ws.on_cursor()
        try:
            rows = view.warehouse.con.execute(
                """SELECT a.staff_id, s.team FROM staff_account AS a
                   LEFT JOIN staff AS s ON s.staff_id = a.staff_id
                   WHERE a.shop_id = ? AND a.account_nick = ?
                     AND (a.valid_from IS NULL OR a.valid_from <= ?)
                     AND (a.valid_to IS NULL OR a.valid_to >= ?)
                   ORDER BY a.valid_from DESC NULLS LAST LIMIT 1""",
                [shop, account, at.date(), at.date()],
            ).fetchall()
        finally:
            view.warehouse.close()
        return (str(rows[0][0]), rows[0][1]) if rows else (None, None)

    from shopkpi.insights.alerts import escalation_sink

    # Records the alert, then pushes it to the shop's escalation channels (alerts.yaml).
    sink = escalation_sink(ws.appdb, ws.root)
    return LiveQA(ws.config, Analyzers(ws.config, ws.root), lookup, sink)
