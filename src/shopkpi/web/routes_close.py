"""Month-end close (月结封账): admin closes or corrects a period; admin and finance view its
versions and download the finance workbook (xlsx)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shopkpi.errors import ShopkpiError
from shopkpi.jobs import JobKind
from shopkpi.web.access import Viewer
from shopkpi.web.close_view import close_status
from shopkpi.web.deps import WS, PageViewer, get_settings, render
from shopkpi.web.guards import ADMIN, ADMIN_FINANCE, Access, error_page
from shopkpi.web.routes_jobs import runner
from shopkpi.web.security import csrf_ok
from shopkpi.workspace import Workspace

router = APIRouter(include_in_schema=False)

ACCESS: Access = {
    ("GET", "/close"): ADMIN_FINANCE,
    ("POST", "/close"): ADMIN,
    ("GET", "/close/export.xlsx"): ADMIN_FINANCE,
}
CLOSE_WAIT = 10.0  # seconds the page waits for the close job before showing its progress
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/close")
def close_page(
    request: Request, ws: WS, viewer: PageViewer, period: str | None = None, done: int | None = None
) -> Any:
    if viewer.role not in ADMIN_FINANCE:
        return error_page(request, viewer, "无权查看月结封账", 403)
    notice = f"已保存第 {done} 版" if done else None
    return _page(request, ws, viewer, period, notice=notice)


@router.post("/close")
async def close(request: Request, ws: WS, viewer: PageViewer) -> Any:
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    if viewer.role not in ADMIN:
        return error_page(request, viewer, "只有管理员可以封账", 403)
    if not csrf_ok(request.session, form.get("csrf_token")):
        return error_page(request, viewer, "页面已过期，请刷新后重新提交（CSRF 校验失败）", 403)
    period = form.get("period", "")
    reason = form.get("reason", "").strip() or None
    # The close runs as a job on the server's one writer, after any import or compute.
    params = {"period": period, "reason": reason, "force": form.get("force") == "on"}
    jobs = runner(request)
    job = jobs.submit(JobKind.close, params, viewer.user.username, "web")
    if not jobs.wait(job, max(get_settings(request).job_wait_seconds, CLOSE_WAIT)):
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)
    if job.result is None:
        return _page(request, ws, viewer, period, error=job.error, status=422)
    query = urlencode({"period": job.result["period"], "done": job.result["version"]})
    return RedirectResponse(f"/close?{query}", status_code=303)


@router.get("/close/export.xlsx")
def export(
    request: Request,
    ws: WS,
    viewer: PageViewer,
    period: str | None = None,
    version: int | None = None,
) -> Any:
    if viewer.role not in ADMIN_FINANCE:
        return error_page(request, viewer, "无权下载得分与奖金", 403)
    try:
        with tempfile.TemporaryDirectory(prefix="shopkpi-export-") as folder:
            path, sheet = ws.scoring.export(Path(folder) / "export.xlsx", period, version)
            content = path.read_bytes()
    except ShopkpiError as exc:
        return error_page(request, viewer, str(exc), 404)
    suffix = f"_v{sheet.frozen.version}" if sheet.frozen else ""
    name = f"绩效_{sheet.period}{suffix}.xlsx"
    disposition = f"attachment; filename=\"shopkpi.xlsx\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=XLSX, headers={"Content-Disposition": disposition})


def _page(
    request: Request,
    ws: Workspace,
    viewer: Viewer,
    period: str | None,
    *,
    notice: str | None = None,
    error: str | None = None,
    status: int = 200,
) -> Any:
    try:
        st = close_status(ws, period or None)
    except ShopkpiError as exc:
        return error_page(request, viewer, str(exc), 404)
    context = {"viewer": viewer, "st": st, "notice": notice, "error": error}
    return render(request, "close.html", context, status)
