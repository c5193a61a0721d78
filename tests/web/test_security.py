"""Security beyond tests/web/test_auth.py: CSRF on every POST route (nothing written when it
fails), the login rate limit per IP and after a success, absolute session expiry, and
passwords absent from logs, access logs, the app database and the audit log."""

from __future__ import annotations

import logging
import socket
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from shopkpi.cli.app import app as cli
from shopkpi.web.access_matrix import MATRIX, TOKEN_ONLY
from shopkpi.web.guards import Route
from shopkpi.workspace import Workspace
from tests.web.conftest import PASSWORD, Clock, csrf, login
from tests.web.manage_helpers import as_user

PLAN = "测试售前.yaml"


@dataclass(frozen=True)
class Case:
    """A POST that, with the right CSRF token, returns ``status`` and adds ``audited`` rows."""

    user: str | None  # None: anonymous
    route: Route
    url: str
    body: dict[str, str]
    status: int
    audited: int


PROPOSE = {"period": "2026-11", "metric_id": "cs_sales"}
ADJUST, APPROVE, REJECT = (f"/proposals/{{proposal_id}}/{step}" for step in ("adjust", "approve", "reject"))  # fmt: skip
RATING = {"staff_id": "s2", "period": "2026-11"}
# In order: each step leaves the state the next one needs (proposal 1 is xm's, 2 is aq's).
# fmt: off
CASES = [
    Case("boss", ("POST", "/api/v1/plans/adopt"), "/api/v1/plans/adopt", {"file": PLAN}, 200, 1),
    Case("boss", ("POST", "/plans/adopt"), "/plans/adopt", {"file": PLAN}, 303, 0),  # same text
    Case("boss", ("POST", "/plans/simulate"), "/plans/simulate", {"period": "2026-11", "yaml_text": "@plan"}, 200, 0),
    Case("boss", ("POST", "/ratings"), "/ratings", {**RATING, "score__attitude.initiative": "80"}, 303, 1),
    Case("boss", ("POST", "/api/v1/ratings"), "/api/v1/ratings", {**RATING, "criterion": "attitude.teamwork", "score": "75"}, 200, 1),
    Case("boss", ("POST", "/close"), "/close", {"period": "2026-11"}, 303, 1),
    Case("boss", ("POST", "/api/v1/close"), "/api/v1/close", {"period": "2026-11", "reason": "补录评分"}, 200, 1),
    Case("xm", ("POST", "/proposals"), "/proposals", {**PROPOSE, "value": "45000"}, 303, 1),
    Case("aq", ("POST", "/api/v1/proposals"), "/api/v1/proposals", {**PROPOSE, "value": "20000"}, 201, 1),
    Case("sup", ("POST", ADJUST), "/proposals/1/adjust", {"value": "40000"}, 303, 1),
    Case("sup", ("POST", "/api/v1" + ADJUST), "/api/v1/proposals/2/adjust", {"value": "22000"}, 200, 1),
    Case("boss", ("POST", APPROVE), "/proposals/1/approve", {}, 303, 1),
    Case("boss", ("POST", "/api/v1" + REJECT), "/api/v1/proposals/2/reject", {"comment": "偏低"}, 200, 1),
    Case("aq", ("POST", "/proposals"), "/proposals", {**PROPOSE, "value": "25000"}, 303, 1),
    Case("boss", ("POST", REJECT), "/proposals/2/reject", {"comment": "还是偏低"}, 303, 1),
    Case("aq", ("POST", "/proposals"), "/proposals", {**PROPOSE, "value": "30000"}, 303, 1),
    Case("boss", ("POST", "/api/v1" + APPROVE), "/api/v1/proposals/2/approve", {}, 200, 1),
    Case("boss", ("POST", "/imports"), "/imports", {}, 422, 0),  # no file: nothing queued
    Case("sup", ("POST", "/imports/compute"), "/imports/compute", {"period": "十三月"}, 422, 0),
    Case("boss", ("POST", "/api/v1/jobs/ingest"), "/api/v1/jobs/ingest", {}, 422, 0),
    Case("boss", ("POST", "/api/v1/jobs/compute"), "/api/v1/jobs/compute", {"period": "2026-11"}, 202, 0),
    Case("boss", ("POST", "/api/v1/jobs/close"), "/api/v1/jobs/close", {"period": "2026-11", "force": "maybe"}, 422, 0),
    Case("boss", ("POST", "/qa/findings/{finding_id}/review"), "/qa/findings/0000000000000000/review", {"verdict": "confirmed"}, 404, 0),
    Case("boss", ("POST", "/api/v1/qa/findings/{finding_id}/review"), "/api/v1/qa/findings/0000000000000000/review", {"verdict": "confirmed"}, 404, 0),
    Case("boss", ("POST", "/api/v1/jobs/alerts"), "/api/v1/jobs/alerts", {"at": "昨天"}, 422, 0),
    Case("boss", ("POST", "/api/v1/jobs/report"), "/api/v1/jobs/report", {"kind": "weekly"}, 422, 0),
    Case("boss", ("POST", "/logout"), "/logout", {}, 303, 0),
    Case(None, ("POST", "/login"), "/login", {"username": "boss", "password": PASSWORD}, 303, 0),
]
# fmt: on


def audit_rows(client: TestClient) -> int:
    return len(client.app.state.ws.appdb.audit(limit=100_000))  # type: ignore[attr-defined]


def session_token(client: TestClient, user: str | None) -> str:
    client.cookies.clear()
    return csrf(client) if user is None else as_user(client, user)


def send(client: TestClient, case: Case, body: dict[str, str], token: str | None) -> Any:
    if case.url.startswith("/api/"):
        headers = {} if token is None else {"X-CSRF-Token": token}
        return client.post(case.url, json=body, headers=headers)
    data = body if token is None else {**body, "csrf_token": token}
    return client.post(case.url, data=data, follow_redirects=False)


def test_the_cases_cover_every_post_route() -> None:
    posts = {route for route in MATRIX if route[0] == "POST"}
    assert {c.route for c in CASES} == posts - TOKEN_ONLY
    assert {("POST", "/api/v1/messages")} == TOKEN_ONLY  # API token, no cookie: no CSRF


def test_every_post_refuses_a_missing_or_foreign_csrf_token(client: TestClient, shop: Workspace) -> None:  # fmt: skip
    plan = (shop.root / "plans" / PLAN).read_text(encoding="utf-8")
    foreign = csrf(TestClient(client.app))  # a real token, of another session
    start = audit_rows(client)
    for case in CASES:
        body = {k: plan if v == "@plan" else v for k, v in case.body.items()}
        token = session_token(client, case.user)
        before = audit_rows(client)
        for sent in (None, "", "forged", foreign):
            r = send(client, case, body, sent)
            assert r.status_code == 403, (case.url, sent, r.status_code)
            assert "CSRF" in r.text
        assert audit_rows(client) == before, case.url
        r = send(client, case, body, token)  # the same request, with the session's token
        assert r.status_code == case.status, (case.url, r.status_code, r.text[:300])
        assert audit_rows(client) == before + case.audited, case.url
    # The fixture's 5 logins and 2 ratings, then 15 writes here; 2 + 2 ratings stored.
    assert (start, audit_rows(client)) == (7, 22)
    stored = client.app.state.ws.appdb.ratings("2026-11")  # type: ignore[attr-defined]
    assert sorted((r.staff_id, r.criterion_id, str(r.score)) for r in stored) == [
        ("s1", "attitude.responsibility", "90.00"),
        ("s2", "attitude.initiative", "80.00"),
        ("s2", "attitude.responsibility", "70.00"),
        ("s2", "attitude.teamwork", "75.00"),
    ]


def test_rate_limit_is_per_ip_and_a_blocked_login_gets_no_session(client: TestClient) -> None:
    other_ip = TestClient(client.app, client=("203.0.113.7", 50000))
    for _ in range(5):
        assert login(client, "boss", "wrong-password") == 401
    r = client.post(
        "/login", data={"username": "boss", "password": PASSWORD, "csrf_token": csrf(client)}
    )
    assert r.status_code == 429
    assert "登录失败次数过多" in r.text
    assert client.get("/api/v1/me").status_code == 401  # the right password did not log in
    assert login(other_ip, "boss") == 303  # another IP is not blocked


def test_a_successful_login_clears_the_failures(client: TestClient) -> None:
    for _ in range(4):
        assert login(client, "boss", "wrong-password") == 401
    assert login(client, "boss") == 303
    for _ in range(4):
        assert login(client, "boss", "wrong-password") == 401
    assert login(client, "boss") == 303  # 4 + 4 failures, but never 5 in a row


def test_session_lifetime_is_absolute_and_expiry_clears_it(
    client: TestClient, clock: Clock
) -> None:
    token = as_user(client, "boss")
    for step in (1800, 1799):  # activity at 30 and 59:59 minutes does not extend it
        clock.now += step
        assert client.get("/api/v1/me").status_code == 200
    clock.now += 2
    rating = {"staff_id": "s2", "period": "2026-11", "criterion": "attitude.teamwork", "score": "1"}  # fmt: skip
    before = audit_rows(client)
    assert client.post("/api/v1/ratings", json=rating, headers={"X-CSRF-Token": token}).status_code == 401  # fmt: skip
    form = {"staff_id": "s2", "period": "2026-11", "score__attitude.teamwork": "1", "csrf_token": token}  # fmt: skip
    r = client.post("/ratings", data=form, follow_redirects=False)
    assert (r.status_code, r.headers["location"]) == (303, "/login?next=/ratings")
    assert audit_rows(client) == before
    clock.now -= 3600  # the expired session was cleared, not just refused
    assert client.get("/api/v1/me").status_code == 401


SECRET = "Plain-Secret-9137"
WRONG = "Wrong-Guess-5521"


@pytest.fixture
def served(client: TestClient) -> Any:
    """The same app behind a real uvicorn (access log on, logging to the root logger)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(
        client.app, log_config=None, log_level="debug", access_log=True, lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    host, port = sock.getsockname()
    with httpx.Client(base_url=f"http://{host}:{port}") as http:
        yield http
    server.should_exit = True
    thread.join(5)


def test_passwords_are_never_stored_or_logged(
    served: httpx.Client,
    shop: Workspace,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    for name in ["", *logging.root.manager.loggerDict]:  # every logger, SQLAlchemy's too
        caplog.set_level(logging.DEBUG, logger=name)
    args = ["user", "add", "lz", "--role", "staff", "--staff", "s3", "-w", str(shop.root)]
    added = CliRunner().invoke(cli, [*args, "--password-stdin"], input=f"{SECRET}\n")
    assert added.exit_code == 0, added.output
    for username, password, status in (("lz", WRONG, 401), ("lz", SECRET, 303), ("boss", PASSWORD, 303)):  # fmt: skip
        served.cookies.clear()
        token = csrf_of(served.get("/login").text)
        data = {"username": username, "password": password, "csrf_token": token}
        assert served.post("/login", data=data).status_code == status
    assert served.get("/api/v1/me").json()["username"] == "boss"
    out, err = capfd.readouterr()
    logged = "\n".join([caplog.text, out, err, added.output])
    assert '"POST /login HTTP/1.1" 401' in logged  # the access log was captured …
    assert "INSERT INTO app_user" in logged  # … and so were SQLAlchemy's statements
    stored = b"".join(p.read_bytes() for p in Path(shop.root).rglob("*") if p.is_file())
    assert b"$argon2id$" in stored  # the app database is among the files read
    audit = repr(served_app_audit(shop))
    assert "'lz'" in audit
    for plain in (SECRET, WRONG, PASSWORD):
        assert plain not in logged
        assert plain.encode() not in stored
        assert plain not in audit


def csrf_of(html: str) -> str:
    return html.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]


def served_app_audit(shop: Workspace) -> list[Any]:
    return Workspace(shop.root).appdb.audit(limit=100_000)
