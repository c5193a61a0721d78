"""The authorization matrix: every route of the app, called as every role and anonymously,
gets the result ``shopkpi.web.access_matrix.MATRIX`` states for it.

Targets (tests/web/conftest.py): s1 小美 and s2 阿强 in A组 (led by sup's b1), s3 老周 in
B组. Staff xm is s1. "Own" is s1 for everyone; "other" is s2 for staff (a colleague) and
s3 for the rest (another team). Each person has one chat session and one approved target
proposal, so a review step passes the role and team checks and then fails with 400
(already approved): no POST here writes anything.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import quote

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from httpx import Response

from shopkpi.appdb.proposal_rules import Actor
from shopkpi.appdb.roles import Role
from shopkpi.web import WebSettings, create_app
from shopkpi.web.access_matrix import ANONYMOUS, MATRIX, PRINCIPALS, UNGUARDED, Principal, Result
from shopkpi.web.guards import Route
from shopkpi.workspace import Workspace
from tests.metrics.derived import d, insert, ts
from tests.web.chats import SESSION_1, SESSION_3, put_chats
from tests.web.conftest import PASSWORD, Clock, csrf, login

LZ = "示例旗舰店:老周"
SESSION_4 = f"{LZ}|t**4|2026-11-13 05:00:00"
SESSIONS = {"s1": SESSION_1, "s2": SESSION_3, "s3": SESSION_4}
PROPOSALS = {"s1": "1", "s2": "2", "s3": "3"}
USER: dict[Principal, str] = {
    Role.admin: "boss",
    Role.finance: "cfo",
    Role.supervisor: "sup",
    Role.staff: "xm",
}
OTHER: dict[Principal, str] = {
    Role.admin: "s3",
    Role.finance: "s3",
    Role.supervisor: "s3",
    Role.staff: "s2",
    ANONYMOUS: "s2",
}
PLAN_FILE = "测试售前.yaml"


@dataclass(frozen=True)
class Probe:
    """The body a POST sends ({staff} → the target's id) and the status when allowed."""

    status: int
    body: dict[str, str] | None = None


# Allowed GETs answer 200. Allowed POSTs pass the role, CSRF and team checks and are then
# refused by validation, so the state stays as it was for the next request.
PROBES: dict[Route, Probe] = {
    ("POST", "/login"): Probe(303),
    ("POST", "/logout"): Probe(303, {}),
    ("POST", "/ratings"): Probe(422, {"staff_id": "{staff}", "period": "十三月"}),
    ("POST", "/api/v1/ratings"): Probe(
        422, {"staff_id": "{staff}", "period": "2026-11", "criterion": "no.such", "score": "50"}
    ),
    ("POST", "/plans/adopt"): Probe(404, {"file": "缺失.yaml"}),
    ("POST", "/api/v1/plans/adopt"): Probe(404, {"file": "缺失.yaml"}),
    ("POST", "/plans/simulate"): Probe(422, {"yaml_text": " "}),
    ("POST", "/close"): Probe(404, {"period": "下个月"}),  # the page of an unknown period
    ("POST", "/api/v1/close"): Probe(422, {"period": "下个月"}),
    ("POST", "/proposals"): Probe(400, {"period": "2026-11", "metric_id": "no_such", "value": "1"}),
    ("POST", "/api/v1/proposals"): Probe(
        400, {"period": "2026-11", "metric_id": "no_such", "value": "1"}
    ),
    ("POST", "/proposals/{proposal_id}/adjust"): Probe(400, {"value": "1"}),
    ("POST", "/api/v1/proposals/{proposal_id}/adjust"): Probe(400, {"value": "1"}),
    ("POST", "/proposals/{proposal_id}/approve"): Probe(400, {"comment": "好"}),
    ("POST", "/api/v1/proposals/{proposal_id}/approve"): Probe(400, {"comment": "好"}),
    ("POST", "/proposals/{proposal_id}/reject"): Probe(400, {"comment": "不行"}),
    ("POST", "/api/v1/proposals/{proposal_id}/reject"): Probe(400, {"comment": "不行"}),
    # Write jobs: refused by validation before a job is queued (no file, a bad period or
    # flag); a job id that does not exist is 404 once the role check has passed.
    ("POST", "/imports"): Probe(422, {}),
    ("POST", "/imports/compute"): Probe(422, {"period": "十三月"}),
    ("POST", "/api/v1/jobs/ingest"): Probe(422, {}),
    ("POST", "/api/v1/jobs/compute"): Probe(422, {"period": "十三月"}),
    ("POST", "/api/v1/jobs/close"): Probe(422, {"period": "2026-11", "force": "maybe"}),
    ("GET", "/jobs/{job_id}"): Probe(404),
    ("GET", "/api/v1/jobs/{job_id}"): Probe(404),
    # QA: a finding that does not exist is 404 once the role check has passed; a logged-in
    # user posting messages gets 403 (the route takes an API token only).
    ("POST", "/qa/findings/{finding_id}/review"): Probe(404, {"verdict": "confirmed"}),
    ("POST", "/api/v1/qa/findings/{finding_id}/review"): Probe(404, {"verdict": "confirmed"}),
    ("POST", "/api/v1/messages"): Probe(200, {}),  # nobody with a login: 403 / 401
    ("POST", "/api/v1/jobs/alerts"): Probe(422, {"at": "昨天"}),
    ("POST", "/api/v1/jobs/report"): Probe(422, {"kind": "weekly"}),
}


def put_more(ws: Workspace) -> None:
    """A chat of s3 老周 (B组), and one approved cs_sales proposal per staff member."""
    rows = [
        ("m12", "buyer", "2026-11-13 05:00:00", "在吗"),
        ("m13", "agent", "2026-11-13 05:00:15", "在的亲"),
    ]
    insert(
        ws.warehouse.con,
        "chat_message",
        [
            {"shop_id": "demo", "message_id": mid, "buyer_nick": "t**4", "account_nick": LZ,
             "staff_id": "s3", "direction": direction, "sent_at": ts(sent), "text": text,
             "biz_date": d(sent[:10])}
            for mid, direction, sent, text in rows
        ],
    )  # fmt: skip
    boss = Actor("boss", Role.admin)
    for staff, pid in PROPOSALS.items():
        ws.proposals.propose(Actor(staff, Role.staff, staff), "2026-11", "cs_sales", "30000")
        ws.proposals.approve(boss, int(pid))


@pytest.fixture
def app_client(shop: Workspace, clock: Clock) -> Iterator[TestClient]:
    put_chats(shop)
    put_more(shop)
    shop.compute("2026-11", datetime(2026, 11, 20, 12))
    shop.close()
    app = create_app(shop.root, WebSettings(session_seconds=3600, clock=clock))
    with TestClient(app) as c:
        yield c
    app.state.ws.close()


def app_routes(client: TestClient) -> set[Route]:
    """Every (method, path) the app serves (included routers flattened, as the OpenAPI
    schema sees them), less the deliberately unguarded ones."""
    found: set[Route] = set()
    for r in iter_route_contexts(client.app.routes):  # type: ignore[attr-defined]
        if r.path in UNGUARDED:
            continue
        assert r.methods, f"not a plain route (a mount?), so not in the matrix: {r.path}"
        found |= {(m, str(r.path)) for m in r.methods - {"HEAD"}}
    return found


def test_every_route_is_in_the_matrix(client: TestClient) -> None:
    assert app_routes(client) == set(MATRIX)
    served = {r.path for r in iter_route_contexts(client.app.routes)}  # type: ignore[attr-defined]
    assert served >= UNGUARDED  # nothing stale in the skip list


def test_the_matrix_keeps_finance_read_only_and_staff_out_of_reviews() -> None:
    posts = [route for route in MATRIX if route[0] == "POST"]
    assert len(posts) == 27
    finance_posts = [r for r in posts if MATRIX[r][Role.finance] is not Result.denied]
    assert finance_posts == [("POST", "/login"), ("POST", "/logout")]
    public = sorted(r for r, rule in MATRIX.items() if rule[ANONYMOUS] is Result.allowed)
    assert public == [("GET", "/health"), ("GET", "/login"), ("POST", "/login"), ("POST", "/logout")]  # fmt: skip


def concrete(path: str, staff: str) -> str:
    return (
        path.replace("{staff_id}", staff)
        .replace("{metric_id}", "cs_sales")
        .replace("{session_id:path}", quote(SESSIONS[staff]))
        .replace("{proposal_id}", PROPOSALS[staff])
        .replace("{name}", PLAN_FILE)
        .replace("{job_id}", "no-such-job")
        .replace("{finding_id}", "0000000000000000")
    )


class Caller:
    """One principal's session: logs in (or not), keeps the CSRF token, sends probes."""

    def __init__(self, client: TestClient, who: Principal) -> None:
        self.client, self.who = client, who
        self.start()

    def start(self) -> None:
        self.client.cookies.clear()
        self.token = csrf(self.client)
        if self.who != ANONYMOUS:
            assert login(self.client, USER[self.who]) == 303
            self.token = self.client.get("/api/v1/csrf").json()["csrf_token"]

    def call(self, route: Route, staff: str) -> Response:
        method, path = route
        url = concrete(path, staff)
        if method == "GET":
            return self.client.get(url, follow_redirects=False)
        r = self.post(route, url, staff)
        if path in ("/login", "/logout"):
            self.start()  # the session was replaced or ended
        return r

    def post(self, route: Route, url: str, staff: str) -> Response:
        if route == ("POST", "/login"):
            body = {"username": USER.get(self.who, "aq"), "password": PASSWORD}
        else:
            body = PROBES[route].body or {}
        body = {k: v.replace("{staff}", staff) for k, v in body.items()}
        if url.startswith("/api/"):
            headers = {"X-CSRF-Token": self.token}
            return self.client.post(url, json=body, headers=headers, follow_redirects=False)
        data = {**body, "csrf_token": self.token}
        return self.client.post(url, data=data, follow_redirects=False)


def has_target(route: Route) -> bool:
    """Whether the route names a person (in its path or its body), so "other" is tried too."""
    body = PROBES[route].body if route in PROBES else None
    return "{" in route[1] or "{staff}" in (body or {}).values()


def outcome(r: Response) -> str:
    """What the response says: allowed, 403, or a login demand."""
    if r.status_code == 401 or (
        r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    ):
        return "login"
    return "403" if r.status_code == 403 else str(r.status_code)


def wanted(route: Route, who: Principal, result: Result, own: bool) -> str:
    allowed = str(PROBES[route].status if route in PROBES else 200)
    match result:
        case Result.allowed:
            return allowed
        case Result.own_only:
            return allowed if own else "403"
        case Result.denied:
            return "login" if who == ANONYMOUS else "403"


@pytest.mark.parametrize("who", PRINCIPALS)
def test_every_route_as_every_principal(app_client: TestClient, who: Principal) -> None:
    caller = Caller(app_client, who)
    got: dict[tuple[str, str, str], tuple[str, str]] = {}
    for route, rule in sorted(MATRIX.items()):
        targets = [("own", "s1")] + ([("other", OTHER[who])] if has_target(route) else [])
        for label, staff in targets:
            r = caller.call(route, staff)
            want = wanted(route, who, rule[who], label == "own")
            got[(*route, label)] = (outcome(r), want)
    wrong = {k: v for k, v in got.items() if v[0] != v[1]}
    assert wrong == {}
    assert len(got) >= len(MATRIX)
    # Every route once, plus "other" for the 21 that name a person, a plan, a job or a finding.
    assert len(got) == len(MATRIX) + 21 == 90


@pytest.mark.parametrize("who", [Role.finance, Role.staff, Role.supervisor])
def test_a_refused_post_is_403_whatever_it_sends(client: TestClient, who: Role) -> None:
    """The role is checked before the body is validated: no 422 that would hint at fields."""
    caller = Caller(client, who)
    refused = [r for r, rule in MATRIX.items() if r[0] == "POST" and rule[who] is Result.denied]
    statuses = set()
    for _, path in refused:
        url = concrete(path, "s1")
        if url.startswith("/api/"):
            r = client.post(url, json={}, headers={"X-CSRF-Token": caller.token})
        else:
            r = client.post(url, data={"csrf_token": caller.token}, follow_redirects=False)
        statuses.add((path, r.status_code))
    assert {status for _, status in statuses} == {403}, sorted(statuses)
    assert len(refused) == {Role.finance: 25, Role.staff: 23, Role.supervisor: 13}[who]


def test_a_route_missing_from_the_matrix_fails(client: TestClient) -> None:
    app = client.app
    app.add_api_route("/api/v1/secret", lambda: {"pay": "everyone's"})  # type: ignore[attr-defined]
    assert app_routes(client) - set(MATRIX) == {("GET", "/api/v1/secret")}


# Staff xm (s1) edits the id in the URL to reach 阿强 (s2): every page and API refuses.
TAMPERED = [
    "/staff/s2",
    "/api/v1/scorecards/s2",
    "/staff/s2/metrics/cs_sales",
    "/api/v1/staff/s2/metrics/cs_sales/evidence",
    f"/sessions/{quote(SESSION_3)}",
    f"/api/v1/sessions/{quote(SESSION_3)}/messages",
]


@pytest.mark.parametrize("url", TAMPERED)
def test_staff_cannot_reach_a_colleague_by_editing_the_id(app_client: TestClient, url: str) -> None:
    assert login(app_client, "xm") == 303
    own = app_client.get(url.replace("s2", "s1").replace(quote(SESSION_3), quote(SESSION_1)))
    assert own.status_code == 200
    r = app_client.get(url)
    assert r.status_code == 403
    # s2's total 14.00 and bonus 1175.00, and the buyer t**3's words, stay hidden.
    for secret in ("14.00", "1175.00", "什么时候发货", "今天就发"):
        assert secret not in r.text


def test_nobody_proposes_or_rates_for_someone_else(app_client: TestClient) -> None:
    """A staff id in the request body is checked as one in the URL is."""
    body = {"period": "2026-11", "metric_id": "cs_sales", "value": "99999", "staff_id": "s2"}
    for role in (Role.staff, Role.supervisor, Role.admin):
        caller = Caller(app_client, role)
        r = app_client.post("/api/v1/proposals", json=body, headers={"X-CSRF-Token": caller.token})
        assert r.status_code == 403, role
    rating = {"staff_id": "s3", "period": "2026-11", "criterion": "attitude.initiative", "score": "1"}  # fmt: skip
    caller = Caller(app_client, Role.supervisor)  # sup leads A组; s3 is in B组
    r = app_client.post("/api/v1/ratings", json=rating, headers={"X-CSRF-Token": caller.token})
    assert r.status_code == 403
    stored = app_client.app.state.ws.appdb.ratings("2026-11")  # type: ignore[attr-defined]
    assert [r.staff_id for r in stored] == ["s1", "s2"]  # the shop's two, none for s3
    proposals = app_client.get("/api/v1/proposals").json()["proposals"]  # sup: A组 only
    assert [(p["staff_id"], p["proposed_value"]) for p in proposals] == [
        ("s1", "30000"),
        ("s2", "30000"),
    ]
