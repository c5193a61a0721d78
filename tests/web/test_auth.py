"""Login, logout, CSRF, the login rate limit, session expiry and anonymous access."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.web.conftest import PASSWORD, Clock, csrf, login


def test_health_needs_no_login(client: TestClient) -> None:
    r = client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "version": "0.1.0"}


def test_anonymous_pages_redirect_to_login_and_api_says_401(client: TestClient) -> None:
    for path in ("/", "/ranking", "/staff/s1"):
        r = client.get(path, follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == f"/login?next={path}"
    for path in ("/api/v1/ranking", "/api/v1/scorecards/s1", "/api/v1/metrics", "/api/v1/me"):
        assert client.get(path).status_code == 401


def test_login_then_logout(client: TestClient) -> None:
    assert login(client, "boss") == 303
    assert client.get("/api/v1/me").json() == {
        "username": "boss",
        "role": "admin",
        "staff_id": None,
        "teams": [],
    }
    token = csrf(client, "/")
    r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login")
    assert client.get("/api/v1/me").status_code == 401


def test_wrong_password_and_unknown_user_are_refused_alike(client: TestClient) -> None:
    assert login(client, "boss", "wrong-password") == 401
    r = client.post(
        "/login",
        data={"username": "nobody", "password": PASSWORD, "csrf_token": csrf(client)},
    )
    assert r.status_code == 401
    assert "用户名或密码错误" in r.text
    assert client.get("/api/v1/me").status_code == 401


def test_rate_limit_after_five_failures_per_user_and_ip(client: TestClient, clock: Clock) -> None:
    for _ in range(5):
        assert login(client, "boss", "wrong-password") == 401
    # The sixth attempt is refused even with the right password …
    assert login(client, "boss") == 429
    # … while another username from the same IP is not affected.
    assert login(client, "cfo") == 303
    # Five minutes after the first failures the window has passed.
    clock.now += 301
    assert login(client, "boss") == 303


def test_login_without_or_with_a_wrong_csrf_token_is_rejected(client: TestClient) -> None:
    client.get("/login")
    data = {"username": "boss", "password": PASSWORD}
    assert client.post("/login", data=data).status_code == 403
    assert client.post("/login", data={**data, "csrf_token": "forged"}).status_code == 403
    assert client.get("/api/v1/me").status_code == 401


def test_logout_without_csrf_token_keeps_the_session(client: TestClient) -> None:
    assert login(client, "boss") == 303
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    assert client.post("/logout").status_code == 403
    assert client.get("/api/v1/me").status_code == 200


def test_session_expires(client: TestClient, clock: Clock) -> None:
    assert login(client, "boss") == 303
    clock.now += 3599
    assert client.get("/api/v1/me").status_code == 200
    clock.now += 2
    assert client.get("/api/v1/me").status_code == 401
    assert client.get("/", follow_redirects=False).status_code == 303


def test_login_redirects_only_to_local_paths(client: TestClient) -> None:
    data = {"username": "boss", "password": PASSWORD, "csrf_token": csrf(client)}
    r = client.post("/login", data={**data, "next": "//evil.example"}, follow_redirects=False)
    assert r.headers["location"] == "/"
