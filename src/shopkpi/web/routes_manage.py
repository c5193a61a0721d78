"""The management routers (ratings, plans, month-end close, audit log and their API), and
their role tables merged, for ``create_app`` and the authorization-matrix tests."""

from __future__ import annotations

from fastapi import APIRouter

from shopkpi.web import routes_api_manage, routes_audit, routes_close, routes_plans, routes_ratings
from shopkpi.web.guards import Access

MODULES = (routes_ratings, routes_plans, routes_close, routes_audit, routes_api_manage)
ROUTERS: tuple[APIRouter, ...] = tuple(m.router for m in MODULES)
ACCESS: Access = {route: roles for m in MODULES for route, roles in m.ACCESS.items()}
