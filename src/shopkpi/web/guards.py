"""Role and CSRF checks shared by the management routes (ratings, plans, close, audit).

Each router module lists its routes with the roles allowed in a module-level ``ACCESS``
table; the handlers check the same sets through :func:`allowed` / :func:`require`, so a
later authorization-matrix test can collect every table and probe every route.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Header, HTTPException, Request

from shopkpi.appdb.roles import Role
from shopkpi.scoring.subjects import Subject
from shopkpi.web.access import Viewer
from shopkpi.web.deps import ApiViewer, PageViewer, render
from shopkpi.web.security import csrf_ok

Route = tuple[str, str]  # (method, path)
Access = dict[Route, frozenset[Role]]

EVERYONE = frozenset(Role)
ADMIN = frozenset({Role.admin})
ADMIN_FINANCE = frozenset({Role.admin, Role.finance})
ADMIN_SUPERVISOR = frozenset({Role.admin, Role.supervisor})
READERS = frozenset({Role.admin, Role.finance, Role.supervisor})

CsrfHeader = Annotated[str | None, Header(alias="X-CSRF-Token")]


def allowed(viewer: Viewer, roles: frozenset[Role]) -> bool:
    return viewer.role in roles


def require(viewer: Viewer, roles: frozenset[Role], what: str) -> None:
    """403 (API) unless the viewer's role is in ``roles``."""
    if viewer.role not in roles:
        raise HTTPException(403, f"无权{what}")


def require_csrf(request: Request, token: str | None) -> None:
    """403 unless ``token`` (form field or ``X-CSRF-Token`` header) is the session's."""
    if not csrf_ok(request.session, token):
        raise HTTPException(403, "CSRF 校验失败：请刷新页面后重试")


def may_rate(viewer: Viewer, person: Subject | None) -> bool:
    """Admin rates everyone; a supervisor rates the staff of their teams (not themselves)."""
    if person is None:
        return False
    match viewer.role:
        case Role.admin:
            return True
        case Role.supervisor:
            return person.team in viewer.teams and person.id != viewer.user.staff_id
        case Role.staff | Role.finance:
            return False


def error_page(request: Request, viewer: Viewer, message: str, status: int) -> Any:
    """The error page (无权访问 and other refusals) with ``status``."""
    return render(request, "error.html", {"viewer": viewer, "message": message}, status)


def api_role(roles: frozenset[Role], what: str) -> Callable[[Viewer], Viewer]:
    """A dependency: the API viewer if their role is in ``roles``, else 403.

    It runs before the request body is read, so a refused role gets 403 whatever it sent.
    """

    def check(viewer: ApiViewer) -> Viewer:
        require(viewer, roles, what)
        return viewer

    return check


def api_post(roles: frozenset[Role], what: str) -> Callable[[Request, Viewer, str | None], Viewer]:
    """A dependency for API POSTs: logged in (401), role in ``roles`` (403), then the
    session's CSRF token in the ``X-CSRF-Token`` header (403), before the body is read."""

    def check(request: Request, viewer: ApiViewer, token: CsrfHeader = None) -> Viewer:
        require(viewer, roles, what)
        require_csrf(request, token)
        return viewer

    return check


def page_role(roles: frozenset[Role], what: str) -> Callable[[Viewer], Viewer]:
    """A dependency for page POSTs whose fields are form parameters: the page viewer if
    their role is in ``roles``, else 403 before the form is validated (so a refused role,
    finance included, gets 403 whatever it sent, not 422)."""

    def check(viewer: PageViewer) -> Viewer:
        require(viewer, roles, what)
        return viewer

    return check
