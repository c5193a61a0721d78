"""``/api/v1/jobs``: the server's write jobs (imports, compute, close) and their progress.

While ``shopkpi serve`` runs it is the warehouse's one writer (DESIGN §8); every write runs
as a job on its :class:`~shopkpi.jobs.JobRunner`. Two kinds of caller submit jobs:

- a logged-in browser or API client (session cookie, ``X-CSRF-Token`` on POSTs), with the
  roles in ``ACCESS``;
- a CLI command on the same machine handing its job over (:mod:`shopkpi.handoff`), with
  ``Authorization: Bearer <token>`` from ``.shopkpi/server.json``; it acts as admin and the
  job records ``cli:<os user>`` as its actor.
"""

from __future__ import annotations

import hmac
from datetime import UTC, date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, HTTPException, Request, UploadFile
from pydantic import BaseModel, ConfigDict

from shopkpi.appdb.roles import Role
from shopkpi.appdb.users import UserRecord
from shopkpi.errors import ShopkpiError
from shopkpi.handoff import ACTOR_HEADER
from shopkpi.jobs import Job, JobKind, JobRunner
from shopkpi.metrics.periods import parse_period
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, api_viewer
from shopkpi.web.guards import ADMIN, ADMIN_SUPERVISOR, Access, CsrfHeader, require, require_csrf
from shopkpi.workspace import Workspace

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"])

ACCESS: Access = {
    ("GET", "/api/v1/jobs"): ADMIN_SUPERVISOR,
    ("GET", "/api/v1/jobs/{job_id}"): ADMIN_SUPERVISOR,
    ("POST", "/api/v1/jobs/ingest"): ADMIN_SUPERVISOR,
    ("POST", "/api/v1/jobs/compute"): ADMIN_SUPERVISOR,
    ("POST", "/api/v1/jobs/close"): ADMIN,
    ("POST", "/api/v1/jobs/alerts"): ADMIN,
    ("POST", "/api/v1/jobs/report"): ADMIN,
}
BEARER = "Bearer "


def runner(request: Request) -> JobRunner:
    jobs: JobRunner = request.app.state.jobs
    return jobs


def local_caller(request: Request) -> Viewer | None:
    """The CLI hand-off caller if the request carries this server's token, else None
    (no ``Authorization`` header); 401 for a wrong token."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    token: str = request.app.state.local_token
    sent = header[len(BEARER) :] if header.startswith(BEARER) else ""
    if not hmac.compare_digest(sent.encode(), token.encode()):
        raise HTTPException(401, "令牌无效：请重新读取 .shopkpi/server.json（服务可能已重启）")
    actor = (request.headers.get(ACTOR_HEADER) or "unknown").strip()[:64] or "unknown"
    user = UserRecord(f"cli:{actor}", Role.admin, None, datetime.now(UTC), False)
    return Viewer(user, frozenset())


def job_caller(roles: frozenset[Role], what: str, post: bool) -> Any:
    """A dependency: the CLI token, or a logged-in user with a role in ``roles`` (403) and,
    for a POST, the session's CSRF token in ``X-CSRF-Token`` (403)."""

    def check(request: Request, ws: WS, token: CsrfHeader = None) -> Viewer:
        caller = local_caller(request)
        if caller is not None:
            return caller
        viewer = api_viewer(request, ws)
        require(viewer, roles, what)
        if post:
            require_csrf(request, token)
        return viewer

    return check


Reader = Annotated[Viewer, Depends(job_caller(ADMIN_SUPERVISOR, "查看任务", post=False))]
Writer = Annotated[Viewer, Depends(job_caller(ADMIN_SUPERVISOR, "导入或计算", post=True))]
Closer = Annotated[Viewer, Depends(job_caller(ADMIN, "执行此操作（仅管理员）", post=True))]


class ComputeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str | None = None
    as_of: str | None = None  # ISO date-time in the shop's local time


class CloseJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    period: str
    reason: str | None = None
    force: bool = False


def check_shop(request: Request, shop: str | None) -> None:
    """422 unless ``shop`` (if given) is a shop of shopkpi.yaml."""
    ws: Workspace = request.app.state.ws
    known = [s.id for s in ws.config.shops]
    if shop is not None and shop not in known:
        raise HTTPException(422, f"未知的店铺 {shop!r}：shopkpi.yaml 中的店铺为 {'、'.join(known)}")


def check_period(request: Request, period: str | None) -> None:
    """422 unless ``period`` (if given) is a period label (2026-11, 2026-W45, …)."""
    if period is None:
        return
    ws: Workspace = request.app.state.ws
    try:
        parse_period(period, ws.config.week_start)
    except ShopkpiError as exc:
        raise HTTPException(422, str(exc)) from exc


def via(viewer: Viewer) -> str:
    return "cli" if viewer.user.username.startswith("cli:") else "web"


@router.get("")
def jobs(viewer: Reader, request: Request) -> dict[str, Any]:
    """The jobs since the server started, newest first."""
    return {"jobs": [j.as_json() for j in runner(request).jobs()]}


@router.get("/{job_id}")
def job(viewer: Reader, request: Request, job_id: str) -> dict[str, Any]:
    """One job: status, stage, progress (0–1), and its result or error once over."""
    found = runner(request).get(job_id)
    if found is None:
        raise HTTPException(404, f"没有任务 {job_id}（任务只保存在服务内存中，服务重启后清空）")
    return found.as_json()


@router.post("/ingest", status_code=202)
def ingest(
    viewer: Writer,
    request: Request,
    files: Annotated[list[UploadFile], File(description="平台导出文件（可多个）")],
    shop: Annotated[str | None, Form()] = None,
) -> dict[str, Any]:
    """Import uploaded export files as one job (each file all-or-nothing; a file imported
    before is skipped)."""
    named = [(f.filename or "", f.file) for f in files if f.filename]
    if not named:
        raise HTTPException(422, "没有收到文件：请选择要导入的平台导出文件")
    check_shop(request, shop)
    return submit(
        request, viewer, JobKind.ingest, {"shop": shop, "files": [n for n, _ in named]}, named
    )


@router.post("/compute", status_code=202)
def compute(viewer: Writer, request: Request, body: ComputeIn) -> dict[str, Any]:
    """Recompute the derived tables and metric values (default: every month with data)."""
    check_period(request, body.period)
    if body.as_of is not None:
        try:
            datetime.fromisoformat(body.as_of)
        except ValueError as exc:
            raise HTTPException(
                422, f"as_of 不是日期时间：{body.as_of!r}（例：2026-11-22 18:00）"
            ) from exc
    return submit(request, viewer, JobKind.compute, body.model_dump())


@router.post("/close", status_code=202)
def close(viewer: Closer, request: Request, body: CloseJobIn) -> dict[str, Any]:
    """Close (version 1) or correct (version 2, 3, …) a period, as a job."""
    return submit(request, viewer, JobKind.close, body.model_dump())


class AlertsJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: str | None = None  # ISO date; default today
    dry_run: bool = False


class ReportJobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: str = "daily"  # daily | monthly
    day: str | None = None
    at: str | None = None
    period: str | None = None
    send: list[str] = []


@router.post("/alerts", status_code=202)
def alerts(viewer: Closer, request: Request, body: AlertsJobIn) -> dict[str, Any]:
    """Evaluate alerts.yaml and push what fires (admin; the CLI hands `alerts check` here)."""
    if body.at is not None:
        try:
            date.fromisoformat(body.at)
        except ValueError as exc:
            raise HTTPException(422, f"at 不是日期：{body.at!r}（例：2026-11-22）") from exc
    return submit(request, viewer, JobKind.alerts, body.model_dump())


@router.post("/report", status_code=202)
def report(viewer: Closer, request: Request, body: ReportJobIn) -> dict[str, Any]:
    """Make a daily or monthly report and push it to channels of alerts.yaml (admin)."""
    if body.kind not in ("daily", "monthly"):
        raise HTTPException(422, "kind 必须是 daily 或 monthly")
    try:
        if body.day:
            date.fromisoformat(body.day)
        if body.at:
            datetime.fromisoformat(body.at)
    except ValueError as exc:
        raise HTTPException(422, f"日期格式不对：{exc}") from exc
    check_period(request, body.period)
    return submit(request, viewer, JobKind.report, body.model_dump())


def submit(
    request: Request,
    viewer: Viewer,
    kind: JobKind,
    params: dict[str, Any],
    files: list[tuple[str, Any]] | None = None,
) -> dict[str, Any]:
    job: Job = runner(request).submit(kind, params, viewer.user.username, via(viewer), files or [])
    return job.as_json()
