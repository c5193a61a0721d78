"""Every management route against every role, from the routers' own ACCESS tables:
refused roles get 403 (finance never posts), allowed roles can read."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from shopkpi.appdb.roles import Role
from shopkpi.web.routes_manage import ACCESS, ROUTERS
from tests.web.conftest import USERS
from tests.web.manage_helpers import as_user

PATH_ARGS = {"{name}": "测试售前.yaml"}


def concrete(path: str) -> str:
    for k, v in PATH_ARGS.items():
        path = path.replace(k, v)
    return path


def test_the_table_lists_every_route() -> None:
    routes = {(m, r.path) for router in ROUTERS for r in router.routes for m in r.methods}  # type: ignore[attr-defined]
    assert routes == set(ACCESS)
    posts = {route for route in ACCESS if route[0] == "POST"}
    assert all(Role.finance not in ACCESS[route] for route in posts)
    assert all(Role.staff not in ACCESS[route] for route in posts)


@pytest.mark.parametrize("user", sorted(USERS))
def test_role_matrix(client: TestClient, user: str) -> None:
    role = USERS[user][0]
    token = as_user(client, user)
    for (method, path), roles in sorted(ACCESS.items()):
        url = concrete(path)
        if method == "GET":
            status = client.get(url).status_code
            assert status == (200 if role in roles else 403), (user, method, path, status)
        elif role not in roles:
            if path.startswith("/api/"):
                r = client.post(url, json={}, headers={"X-CSRF-Token": token})
            else:
                r = client.post(url, data={"csrf_token": token}, follow_redirects=False)
            assert r.status_code == 403, (user, method, path, r.status_code)


def test_api_posts_need_login_first(client: TestClient) -> None:
    for method, path in ACCESS:
        if method == "POST" and path.startswith("/api/"):
            assert client.post(concrete(path), json={}).status_code == 401
