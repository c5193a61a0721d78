"""``/api/v1`` for ratings, plans, month-end close and the audit log.

Same role rules as the pages. POSTs authenticate with the session cookie and need the
session's CSRF token in the ``X-CSRF-Token`` header (``GET /api/v1/csrf`` hands it out).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from pydantic import BaseModel, ConfigDict

from shopkpi.errors import ConfigError, ShopkpiError
from shopkpi.jobs import JobKind
from shopkpi.web.access import Viewer
from shopkpi.web.close_view import close_status
from shopkpi.web.deps import WS, ApiViewer, roster
from shopkpi.web.guards import (
    ADMIN,
    ADMIN_FINANCE,
    ADMIN_SUPERVISOR,
    EVERYONE,
    READERS,
    Access,
    Route,
    api_post,
    api_role,
    may_rate,
)
from shopkpi.web.plans_view import finding_rows, plan_path, plan_rows
from shopkpi.web.routes_audit import LIMIT, audit_json
from shopkpi.web.routes_close import CLOSE_WAIT
from shopkpi.web.routes_jobs import runner
from shopkpi.web.routes_ratings import WEB_REASON
from shopkpi.web.security import csrf_token

router = APIRouter(prefix="/api/v1", tags=["api"])

ACCESS: Access = {
    ("GET", "/api/v1/csrf"): EVERYONE,
    ("GET", "/api/v1/ratings"): EVERYONE,  # only the ratings of people the viewer may see
    ("POST", "/api/v1/ratings"): ADMIN_SUPERVISOR,  # only for staff the viewer may rate
    ("GET", "/api/v1/plans"): READERS,
    ("POST", "/api/v1/plans/adopt"): ADMIN,
    ("GET", "/api/v1/close"): ADMIN_FINANCE,
    ("POST", "/api/v1/close"): ADMIN,
    ("GET", "/api/v1/audit"): ADMIN_FINANCE,
}
OWN_ONLY: frozenset[Route] = frozenset({("POST", "/api/v1/ratings")})  # supervisor: own teams
Rater = Annotated[Viewer, Depends(api_post(ADMIN_SUPERVISOR, "录入评分"))]
Admin = Annotated[Viewer, Depends(api_post(ADMIN, "执行此操作（仅管理员）"))]
Reader = Annotated[Viewer, Depends(api_role(READERS, "查看考核方案"))]
Books = Annotated[Viewer, Depends(api_role(ADMIN_FINANCE, "查看（仅管理员和财务）"))]


class RatingIn(BaseModel):
    """One rating: score 0–100 with at most two decimals, as a string or an integer."""

    model_config = ConfigDict(extra="forbid")
    staff_id: str
    period: str
    criterion: str
    score: str | int
    comment: str | None = None


class AdoptIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    file: str


class CloseIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str
    reason: str | None = None
    force: bool = False


@router.get("/csrf")
def csrf(request: Request, viewer: ApiViewer) -> dict[str, str]:
    """The session's CSRF token, for the ``X-CSRF-Token`` header of API POSTs."""
    return {"csrf_token": csrf_token(request.session)}


@router.get("/ratings")
def ratings(ws: WS, viewer: ApiViewer, period: str | None = None) -> dict[str, Any]:
    """Stored ratings of a period (or all) of the people the viewer may see."""
    people = {s.id: s for s in roster(ws)}
    rows = [
        r for r in ws.appdb.ratings(period) if viewer.may_see(people.get(r.staff_id), r.staff_id)
    ]
    return {
        "period": period,
        "ratings": [
            {
                "staff_id": r.staff_id,
                "period": r.period,
                "criterion": r.criterion_id,
                "score": str(r.score),
                "comment": r.comment,
                "rater": r.rater,
                "updated_at": r.updated_at.isoformat(timespec="seconds"),
            }
            for r in rows
        ],
    }


@router.post("/ratings")
def set_rating(ws: WS, viewer: Rater, body: RatingIn) -> dict[str, str]:
    """Write one rating (audited with its old and new value)."""
    person = {s.id: s for s in roster(ws)}.get(body.staff_id)
    if not may_rate(viewer, person):
        raise HTTPException(403, "无权为该员工录入评分")
    try:
        outcome = ws.appdb.set_rating(
            body.staff_id, body.period, body.criterion, str(body.score),
            actor=viewer.user.username, comment=body.comment, rater=viewer.user.username,
            reason=WEB_REASON,
        )  # fmt: skip
    except ShopkpiError as exc:
        raise HTTPException(422, str(exc)) from exc
    return {"outcome": outcome.value}


@router.get("/plans")
def plans(ws: WS, viewer: Reader) -> dict[str, Any]:
    """Plan files with their adoption status, and every adopted version."""
    return {
        "files": [vars(f) for f in plan_rows(ws)],
        "adoptions": [
            {
                "plan": a.plan_name,
                "version": a.version,
                "hash": a.content_hash,
                "file": a.source_file,
                "adopted_by": a.adopted_by,
                "adopted_at": a.adopted_at.isoformat(timespec="seconds"),
            }
            for a in ws.appdb.adoptions()
        ],
    }


@router.post("/plans/adopt")
def adopt(ws: WS, viewer: Admin, body: AdoptIn) -> dict[str, Any]:
    """Adopt a file in ``plans/`` as its plan's next version (refused with its findings)."""
    path = plan_path(ws, body.file)
    if path is None:
        raise HTTPException(404, f"plans/ 中没有方案文件「{body.file}」")
    try:
        a = ws.scoring.adopt(path, viewer.user.username)
    except ConfigError as exc:
        raise HTTPException(422, [vars(f) for f in finding_rows(exc.problems)]) from exc
    return {"plan": a.plan_name, "version": a.version, "hash": a.content_hash, "created": a.created}


@router.get("/close")
def close_info(ws: WS, viewer: Books, period: str | None = None) -> dict[str, Any]:
    """A period's close status: open or frozen, every version, pending items now."""
    try:
        return close_status(ws, period).as_json()
    except ShopkpiError as exc:
        raise HTTPException(404, str(exc)) from exc


@router.post(
    "/close", responses={202: {"description": "仍在运行：返回任务，轮询 /api/v1/jobs/{id}"}}
)
def close(request: Request, response: Response, viewer: Admin, body: CloseIn) -> dict[str, Any]:
    """Close (version 1) or correct (version 2, 3, …) a period. It runs as a job on the
    server's one writer; if the job takes longer than a few seconds the answer is 202 with
    the job (see ``/api/v1/jobs/{id}``)."""
    jobs = runner(request)
    job = jobs.submit(JobKind.close, body.model_dump(), viewer.user.username, "web")
    if not jobs.wait(job, CLOSE_WAIT):
        response.status_code = 202
        return job.as_json()
    if job.result is None:
        raise HTTPException(422, job.error)
    return {k: job.result[k] for k in ("period", "version", "forced")}


@router.get("/audit")
def audit(ws: WS, viewer: Books, kind: str | None = None, limit: int = LIMIT) -> dict[str, Any]:
    """Audit-log rows, newest first (``kind``: rating, plan, snapshot, user, …)."""
    keys = ("id", "at", "actor", "action", "entity_kind", "entity_key", "old_value", "new_value", "reason")  # fmt: skip
    rows = [audit_json(r) for r in ws.appdb.audit(kind, limit=max(1, min(limit, LIMIT)))]
    return {"entries": [{k: r[k] for k in keys} for r in rows]}
