"""Plans (考核方案): the workspace's plan files and adopted versions, a file's YAML with its
``plan check`` findings, adoption (admin; audited) and what-if simulation (nothing written).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import UploadFile

from shopkpi.errors import ConfigError, ShopkpiError
from shopkpi.web.access import Viewer
from shopkpi.web.deps import WS, PageViewer, render
from shopkpi.web.guards import ADMIN, READERS, Access, error_page
from shopkpi.web.plans_view import (
    finding_rows,
    money,
    plan_path,
    plan_rows,
    signed_money,
    sim_lines,
)
from shopkpi.web.security import csrf_ok
from shopkpi.workspace import Workspace

router = APIRouter(include_in_schema=False)

ACCESS: Access = {
    ("GET", "/plans"): READERS,
    ("GET", "/plans/file/{name}"): READERS,
    ("POST", "/plans/adopt"): ADMIN,
    ("POST", "/plans/simulate"): ADMIN,  # shows everyone's pay under the draft
}
PASTED = "粘贴的方案.yaml"
MAX_UPLOAD = 1_000_000  # bytes: a plan is a few kilobytes


@router.get("/plans")
def plans_page(request: Request, ws: WS, viewer: PageViewer, adopted: str | None = None) -> Any:
    if viewer.role not in READERS:
        return error_page(request, viewer, "无权查看考核方案", 403)
    return _index(request, ws, viewer, notice=adopted and f"已采用「{adopted}」")


@router.get("/plans/file/{name}")
def plan_file_page(request: Request, ws: WS, viewer: PageViewer, name: str) -> Any:
    if viewer.role not in READERS:
        return error_page(request, viewer, "无权查看考核方案", 403)
    path = plan_path(ws, name)
    if path is None:
        return error_page(request, viewer, f"plans/ 中没有方案文件「{name}」", 404)
    return _file(request, ws, viewer, path)


@router.post("/plans/adopt")
async def adopt(request: Request, ws: WS, viewer: PageViewer) -> Any:
    form = await request.form()
    if viewer.role not in ADMIN:
        return error_page(request, viewer, "只有管理员可以采用方案", 403)
    if not csrf_ok(request.session, _text(form.get("csrf_token"))):
        return error_page(request, viewer, "页面已过期，请刷新后重新提交（CSRF 校验失败）", 403)
    path = plan_path(ws, _text(form.get("file")) or "")
    if path is None:
        return error_page(request, viewer, "plans/ 中没有这个方案文件", 404)
    try:
        a = ws.scoring.adopt(path, viewer.user.username)
    except ConfigError as exc:
        return _file(request, ws, viewer, path, problems=exc.problems, status=422)
    return RedirectResponse(f"/plans?adopted={quote(a.plan_name)}", status_code=303)


@router.post("/plans/simulate")
async def simulate(request: Request, ws: WS, viewer: PageViewer) -> Any:
    form = await request.form()
    if viewer.role not in ADMIN:
        return error_page(request, viewer, "只有管理员可以试算方案", 403)
    if not csrf_ok(request.session, _text(form.get("csrf_token"))):
        return error_page(request, viewer, "页面已过期，请刷新后重新提交（CSRF 校验失败）", 403)
    upload, pasted = form.get("upload"), _text(form.get("yaml_text")) or ""
    period = (_text(form.get("period")) or "").strip() or None
    name, text = PASTED, pasted
    if isinstance(upload, UploadFile) and upload.filename:
        name, text = Path(upload.filename).name, (await upload.read(MAX_UPLOAD)).decode("utf-8-sig")
    if not text.strip():
        return _index(request, ws, viewer, error="请粘贴或上传新方案的 YAML", status=422)
    with tempfile.TemporaryDirectory(prefix="shopkpi-sim-") as folder:
        path = Path(folder) / (name if name.endswith((".yaml", ".yml")) else PASTED)
        path.write_text(text, encoding="utf-8")
        try:
            sim = ws.scoring.simulate(path, period)
        except ConfigError as exc:
            found = finding_rows(exc.problems)
            return _index(request, ws, viewer, draft=text, findings=found, status=422)
        except ShopkpiError as exc:
            return _index(request, ws, viewer, draft=text, error=str(exc), status=422)
    context = {"sim": sim, "lines": sim_lines(sim), "signed": signed_money, "money": money}
    return _index(request, ws, viewer, draft=text, extra=context)


def _index(
    request: Request,
    ws: Workspace,
    viewer: Viewer,
    *,
    notice: str | None = None,
    error: str | None = None,
    draft: str = "",
    findings: list[Any] | None = None,
    extra: dict[str, Any] | None = None,
    status: int = 200,
) -> Any:
    context = {
        "viewer": viewer,
        "files": plan_rows(ws),
        "adoptions": list(reversed(ws.appdb.adoptions())),
        "notice": notice,
        "error": error,
        "draft": draft,
        "findings": findings,
        "sim": None,
        **(extra or {}),
    }
    return render(request, "plans.html", context, status)


def _file(
    request: Request,
    ws: Workspace,
    viewer: Viewer,
    path: Path,
    problems: list[Any] | None = None,
    status: int = 200,
) -> Any:
    report = ws.check_plans([path])
    text = path.read_text(encoding="utf-8-sig")
    context = {
        "viewer": viewer,
        "name": path.name,
        "lines": text.splitlines(),
        "findings": finding_rows(report.findings),
        "ok": report.ok,
        "refused": finding_rows(problems) if problems is not None else None,
    }
    return render(request, "plan_file.html", context, status)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
