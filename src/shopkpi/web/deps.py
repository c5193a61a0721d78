"""Request dependencies: the workspace, the logged-in viewer, the templates."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates

from shopkpi.appdb.users import ROLE_LABELS, UserRecord
from shopkpi.scoring.roster import read_roster
from shopkpi.scoring.subjects import Subject
from shopkpi.web.access import Viewer, viewer
from shopkpi.web.security import csrf_token
from shopkpi.web.settings import WebSettings
from shopkpi.workspace import Workspace

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
USER_KEY = "user"
LOGIN_AT_KEY = "login_at"


class LoginRequired(Exception):
    """A page was asked for without a valid session: the app redirects to /login."""


def get_ws(request: Request) -> Workspace:
    """The app's workspace (its own warehouse connection: not for request handlers)."""
    ws: Workspace = request.app.state.ws
    return ws


def request_ws(request: Request) -> Iterator[Workspace]:
    """The workspace on a warehouse cursor of this request's own.

    Sync handlers run in a thread pool; one DuckDB connection shared by concurrent
    requests is not safe, so each request reads through its own cursor, closed at the end.
    """
    app = request.app
    # The data generation (memo.py): jobs run so far and the newest app-DB change.
    generation = (app.state.jobs.generation, app.state.ws.appdb.stamp())
    view = get_ws(request).on_cursor(memo=app.state.memo.bound(generation))
    try:
        yield view
    finally:
        view.warehouse.close()


WS = Annotated[Workspace, Depends(request_ws)]


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def session_user(request: Request) -> UserRecord | None:
    """The session's user while the session is fresh and the user enabled, else None."""
    name, login_at = request.session.get(USER_KEY), request.session.get(LOGIN_AT_KEY)
    if not isinstance(name, str) or not isinstance(login_at, int | float):
        return None
    settings = get_settings(request)
    if settings.clock() - login_at > settings.session_seconds:
        request.session.clear()
        return None
    user = get_ws(request).appdb.user(name)
    return None if user is None or user.disabled else user


def _viewer(ws: Workspace, user: UserRecord) -> Viewer:
    return viewer(user, roster(ws))


def roster(ws: Workspace) -> list[Subject]:
    """The roster, read once per data generation (memo.py)."""
    con = ws.warehouse.con
    people: list[Subject] = ws.memo(("roster",), lambda: read_roster(con))
    return people


def page_viewer(request: Request, ws: WS) -> Viewer:
    user = session_user(request)
    if user is None:
        raise LoginRequired
    return _viewer(ws, user)


def api_viewer(request: Request, ws: WS) -> Viewer:
    user = session_user(request)
    if user is None:
        raise HTTPException(401, "未登录或登录已过期", headers={"WWW-Authenticate": "Cookie"})
    return _viewer(ws, user)


PageViewer = Annotated[Viewer, Depends(page_viewer)]
ApiViewer = Annotated[Viewer, Depends(api_viewer)]


def render(request: Request, name: str, context: dict[str, Any], status_code: int = 200) -> Any:
    """A page from ``templates/`` with the viewer and the CSRF token in its context."""
    base = {"csrf_token": csrf_token(request.session), "role_labels": ROLE_LABELS}
    return TEMPLATES.TemplateResponse(request, name, {**base, **context}, status_code=status_code)


def forbidden(request: Request, viewer: Viewer, what: str) -> Any:
    return render(request, "error.html", {"viewer": viewer, "message": f"无权查看{what}"}, 403)
