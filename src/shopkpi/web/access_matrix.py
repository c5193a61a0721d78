"""The authorization matrix (DESIGN §9): every route of the web app with the result each
role, and an anonymous visitor, should get.

Each router module lists its routes with the roles allowed (``ACCESS``), the routes that
take a person's id and so are "own only" for staff and supervisors (``OWN_ONLY``), and
the auth routes open to anonymous visitors (``PUBLIC``). This module merges them for the
authorization-matrix test, which calls every route as every principal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Final, Literal

from shopkpi.appdb.roles import Role
from shopkpi.web import (
    routes_api,
    routes_api_manage,
    routes_auth,
    routes_drill,
    routes_drill_api,
    routes_imports,
    routes_insights,
    routes_jobs,
    routes_manage,
    routes_pages,
    routes_proposals,
    routes_proposals_api,
    routes_qa,
    routes_ratings,
)
from shopkpi.web.guards import EVERYONE, Access, Route

ANONYMOUS: Final = "anonymous"
Principal = Role | Literal["anonymous"]
PRINCIPALS: tuple[Principal, ...] = (*Role, ANONYMOUS)
SCOPED = frozenset({Role.staff, Role.supervisor})  # see only themselves / their teams


class Result(StrEnum):
    """What a principal gets from a route."""

    allowed = "allowed"
    denied = "denied"  # a role: 403; anonymous: 303 to /login (pages) or 401 (API)
    own_only = "own_only"  # staff: own id only; supervisor: own teams only; else 403


MODULES = (
    routes_auth,
    routes_pages,
    routes_api,
    routes_drill,
    routes_drill_api,
    *routes_manage.MODULES,
    routes_proposals,
    routes_proposals_api,
    routes_jobs,
    routes_imports,
    routes_qa,
    routes_insights,
)
APP_ROUTES: Access = {("GET", "/health"): EVERYONE}  # defined in ``create_app``
ROLES: Access = {**APP_ROUTES, **{r: roles for m in MODULES for r, roles in m.ACCESS.items()}}
PUBLIC: frozenset[Route] = routes_auth.PUBLIC | frozenset(APP_ROUTES)
# Routes that take an API token instead of a login (no session, so no CSRF token).
TOKEN_ONLY: frozenset[Route] = routes_qa.TOKEN_ONLY
OWN_ONLY: frozenset[Route] = frozenset().union(
    routes_pages.OWN_ONLY,
    routes_api.OWN_ONLY,
    routes_drill.OWN_ONLY,
    routes_drill_api.OWN_ONLY,
    routes_ratings.OWN_ONLY,
    routes_api_manage.OWN_ONLY,
    routes_proposals.OWN_ONLY,
    routes_proposals_api.OWN_ONLY,
    routes_qa.OWN_ONLY,
)
# Served by FastAPI / Starlette, not by a router: the OpenAPI schema and its docs pages
# (route shapes only, no data) and the static files (CSS, JS, vendored ECharts).
UNGUARDED: frozenset[str] = frozenset(
    {"/api/v1/openapi.json", "/api/docs", "/docs/oauth2-redirect", "/redoc", "/static"}
)


def expected(route: Route) -> dict[Principal, Result]:
    """The result of ``route`` for each principal."""
    roles, own = ROLES[route], route in OWN_ONLY
    rule: dict[Principal, Result] = {
        role: (
            Result.denied
            if role not in roles
            else Result.own_only
            if own and role in SCOPED
            else Result.allowed
        )
        for role in Role
    }
    rule[ANONYMOUS] = Result.allowed if route in PUBLIC else Result.denied
    return rule


MATRIX: dict[Route, dict[Principal, Result]] = {route: expected(route) for route in ROLES}
