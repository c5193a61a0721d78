"""Login and logout: argon2 check, rate limit per username + IP, CSRF on both forms."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from shopkpi.web.deps import LOGIN_AT_KEY, USER_KEY, WS, get_settings, render
from shopkpi.web.guards import EVERYONE, Access, Route
from shopkpi.web.security import LoginLimiter, csrf_ok

router = APIRouter(include_in_schema=False)

ACCESS: Access = {
    ("GET", "/login"): EVERYONE,
    ("POST", "/login"): EVERYONE,  # CSRF-checked and rate-limited
    ("POST", "/logout"): EVERYONE,  # CSRF-checked
}
PUBLIC: frozenset[Route] = frozenset(ACCESS)  # anonymous visitors too
Text = Annotated[str, Form()]


@router.get("/login")
def login_page(request: Request, next: str = "/") -> Any:
    return render(request, "login.html", {"next": _safe(next), "error": None})


@router.post("/login")
def login(
    request: Request,
    ws: WS,
    username: Text,
    password: Text,
    csrf_token: Annotated[str | None, Form()] = None,
    next: Annotated[str, Form()] = "/",
) -> Any:
    if not csrf_ok(request.session, csrf_token):
        return _again(request, next, "页面已过期，请重新提交（CSRF 校验失败）", 403)
    limiter: LoginLimiter = request.app.state.limiter
    ip = request.client.host if request.client else "?"
    if limiter.blocked(username, ip):
        return _again(request, next, "登录失败次数过多，请 5 分钟后再试", 429)
    user = ws.appdb.verify_user(username, password)
    if user is None:
        limiter.failed(username, ip)
        return _again(request, next, "用户名或密码错误", 401)
    limiter.succeeded(username, ip)
    request.session.clear()  # a fresh session (and CSRF token) after login
    request.session.update({USER_KEY: user.username, LOGIN_AT_KEY: get_settings(request).clock()})
    return RedirectResponse(_safe(next), status_code=303)


@router.post("/logout")
def logout(request: Request, csrf_token: Annotated[str | None, Form()] = None) -> Any:
    if not csrf_ok(request.session, csrf_token):
        return render(request, "error.html", {"viewer": None, "message": "CSRF 校验失败"}, 403)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


def _again(request: Request, next: str, error: str, status: int) -> Any:
    return render(request, "login.html", {"next": _safe(next), "error": error}, status)


def _safe(next: str) -> str:
    """Only same-site paths (no open redirect to ``//evil`` or ``https://…``)."""
    return next if next.startswith("/") and not next.startswith("//") else "/"
