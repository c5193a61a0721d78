"""Imports page (数据导入): upload export files in the browser, run compute, follow the
server's write jobs, see every import's summary and its quarantined rows.

Uploads and computes run as jobs on the server's one writer (:mod:`shopkpi.jobs`). The
page waits up to ``WebSettings.job_wait_seconds`` for a job, so a small upload shows its
result at once; a longer one shows its progress, which the page polls from
``/api/v1/jobs/{id}``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from shopkpi.jobs import KIND_LABELS, STATUS_LABELS, Job, JobKind
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, PageViewer, get_settings, render
from shopkpi.web.guards import ADMIN_SUPERVISOR, Access, error_page
from shopkpi.web.routes_jobs import check_period, check_shop, runner
from shopkpi.web.security import csrf_ok

router = APIRouter(include_in_schema=False)

ACCESS: Access = {
    ("GET", "/imports"): ADMIN_SUPERVISOR,
    ("POST", "/imports"): ADMIN_SUPERVISOR,
    ("POST", "/imports/compute"): ADMIN_SUPERVISOR,
    ("GET", "/imports/quarantine"): ADMIN_SUPERVISOR,
    ("GET", "/jobs/{job_id}"): ADMIN_SUPERVISOR,
}
DENIED = "无权导入数据（仅管理员和主管）"
EXPIRED = "页面已过期，请刷新后重新提交（CSRF 校验失败）"


@router.get("/imports")
def imports_page(request: Request, ws: WS, viewer: PageViewer, job: str | None = None) -> Any:
    if viewer.role not in ADMIN_SUPERVISOR:
        return error_page(request, viewer, DENIED, 403)
    return _page(request, ws, viewer, runner(request).get(job) if job else None)


@router.post("/imports")
async def upload(request: Request, ws: WS, viewer: PageViewer) -> Any:
    form, refused = await _checked_form(request, viewer)
    if refused is not None:
        return refused
    files = [
        (f.filename, f.file)
        for f in form.getlist("files")
        if isinstance(f, UploadFile) and f.filename
    ]
    if not files:
        return _page(request, ws, viewer, None, error="请选择要上传的文件", status=422)
    shop = form.get("shop")
    chosen = shop if isinstance(shop, str) and shop else None
    try:
        check_shop(request, chosen)
    except HTTPException as exc:
        return _page(request, ws, viewer, None, error=str(exc.detail), status=422)
    params = {"shop": chosen, "files": [n for n, _ in files]}
    job = runner(request).submit(JobKind.ingest, params, viewer.user.username, "web", files)
    return _after_submit(request, job)


@router.post("/imports/compute")
async def compute(request: Request, ws: WS, viewer: PageViewer) -> Any:
    form, refused = await _checked_form(request, viewer)
    if refused is not None:
        return refused
    period = form.get("period")
    params = {"period": period.strip() if isinstance(period, str) and period.strip() else None}
    try:
        check_period(request, params["period"])
    except HTTPException as exc:
        return _page(request, ws, viewer, None, error=str(exc.detail), status=422)
    job = runner(request).submit(JobKind.compute, params, viewer.user.username, "web")
    return _after_submit(request, job)


@router.get("/imports/quarantine")
def quarantine_page(
    request: Request, ws: WS, viewer: PageViewer, file: str | None = None, limit: int = 500
) -> Any:
    if viewer.role not in ADMIN_SUPERVISOR:
        return error_page(request, viewer, DENIED, 403)
    rows = ws.quarantined(file, max(1, min(limit, 5000)))
    context = {"viewer": viewer, "file": file, "rows": rows, "limit": limit}
    return render(request, "quarantine.html", context)


@router.get("/jobs/{job_id}")
def job_page(request: Request, viewer: PageViewer, job_id: str) -> Any:
    if viewer.role not in ADMIN_SUPERVISOR:
        return error_page(request, viewer, "无权查看任务", 403)
    job = runner(request).get(job_id)
    if job is None:
        return error_page(request, viewer, f"没有任务 {job_id}（服务重启后任务列表清空）", 404)
    return render(request, "job.html", {"viewer": viewer, "job": job, **LABELS})


LABELS = {"kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS}


async def _checked_form(request: Request, viewer: Viewer) -> tuple[Any, Any]:
    """The posted form, or the refusal page: the role first, then the CSRF token."""
    if viewer.role not in ADMIN_SUPERVISOR:
        return None, error_page(request, viewer, DENIED, 403)
    form = await request.form()
    token = form.get("csrf_token")
    if not csrf_ok(request.session, token if isinstance(token, str) else None):
        return None, error_page(request, viewer, EXPIRED, 403)
    return form, None


def _after_submit(request: Request, job: Job) -> Any:
    runner(request).wait(job, get_settings(request).job_wait_seconds)
    return RedirectResponse(f"/imports?{urlencode({'job': job.id})}", status_code=303)


def _page(
    request: Request,
    ws: WS,
    viewer: Viewer,
    job: Job | None,
    error: str | None = None,
    status: int = 200,
) -> Any:
    context = {
        "viewer": viewer,
        "job": job,
        "jobs": runner(request).jobs()[:20],
        "log": ws.import_log(50),
        "shops": [s.id for s in ws.config.shops],
        "error": error,
        **LABELS,
    }
    return render(request, "imports.html", context, status)
