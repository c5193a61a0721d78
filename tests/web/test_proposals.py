"""The proposals page and API on the web test shop (tests/web/conftest.py).

Scores (tests/scoring/shop.py): s1 小美 sells 35000; the 目标表 says 35000. Approved at
40000: achievement 0.875 → 75 points → 75 × 60% × 80% = 36.00; total 25.60 + 36.00 +
18.00 = 79.60 → 铜牌 (was 91.60 金牌).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from shopkpi.appdb.roles import Role
from tests.web.conftest import PASSWORD, csrf, login

FORM = {"period": "2026-11", "metric_id": "cs_sales", "value": "45000", "comment": "冲一冲"}


def post(client: TestClient, path: str, data: dict[str, str]) -> int:
    token = csrf(client, "/proposals")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False).status_code


def history(html: str, proposal: int) -> list[str]:
    card = html[html.index(f'data-proposal="{proposal}"') :]
    card = card[: card.index("</section>")]
    # Each line starts with the time (real clock): keep what follows it.
    return [line[17:] for line in re.findall(r"<li>(.*?)</li>", card)]


def api_headers(client: TestClient) -> dict[str, str]:
    return {"X-CSRF-Token": csrf(client, "/proposals")}


def test_propose_adjust_approve_in_the_browser_changes_the_score(client: TestClient) -> None:
    assert login(client, "xm") == 303
    assert 'action="/proposals"' in client.get("/proposals").text
    assert post(client, "/proposals", FORM) == 303
    assert login(client, "sup") == 303
    page = client.get("/proposals").text
    assert 'data-step="adjust"' in page and 'data-step="approve"' not in page
    assert post(client, "/proposals/1/adjust", {"value": "40000", "comment": "按团队分解"}) == 303
    assert login(client, "boss") == 303
    assert 'data-step="approve"' in client.get("/proposals").text
    assert post(client, "/proposals/1/approve", {"comment": ""}) == 303
    page = client.get("/proposals").text
    assert 'data-proposal="1" data-status="approved"' in page
    assert "提议 45000 · 调整 40000 · 批准 40000" in page
    assert history(page, 1) == [
        "xm 提议 45000（已提议）（冲一冲）",
        "sup 调整 45000（已提议） → 40000（主管已调整）（按团队分解）",
        "boss 批准 40000（主管已调整） → 40000（已批准）",
    ]
    card = client.get("/api/v1/scorecards/s1").json()["scorecard"]
    sales = next(i for i in card["items"] if i["key"] == "cs_sales")
    assert (sales["target"], sales["points"], card["total"], card["grade"]) == (
        "40000", "75.00", "79.60", "铜牌",
    )  # fmt: skip
    audit = client.app.state.ws.appdb.audit("kpi_proposal")  # type: ignore[attr-defined]
    assert [(a.actor, a.action) for a in audit] == [
        ("boss", "approve"), ("sup", "adjust"), ("xm", "propose"),
    ]  # fmt: skip


def test_api_flow_and_refusals(client: TestClient) -> None:
    assert login(client, "aq") == 303
    body = {"period": "2026-11", "metric_id": "cs_sales", "value": "15000"}
    made = client.post("/api/v1/proposals", json=body, headers=api_headers(client))
    assert made.status_code == 201
    assert (made.json()["id"], made.json()["staff_id"], made.json()["status"]) == (
        1,
        "s2",
        "proposed",
    )
    other = client.post("/api/v1/proposals", json={**body, "staff_id": "s1"}, headers=api_headers(client))  # fmt: skip
    assert (other.status_code, other.json()["detail"]) == (403, "只能为自己提议目标，不能替员工 s1 提议")  # fmt: skip
    no_token = client.post("/api/v1/proposals", json=body)
    assert no_token.status_code == 403
    assert login(client, "boss") == 303
    rejected = client.post("/api/v1/proposals/1/reject", json={}, headers=api_headers(client))
    assert (rejected.status_code, rejected.json()["detail"]) == (400, "驳回必须填写理由")
    done = client.post("/api/v1/proposals/1/approve", json={"comment": "同意"}, headers=api_headers(client))  # fmt: skip
    assert (done.status_code, done.json()["approved_value"]) == (200, "15000")
    again = client.post("/api/v1/proposals/1/approve", json={}, headers=api_headers(client))
    assert (again.status_code, again.json()["detail"]) == (
        400,
        "目标提议当前为「已批准」，不能批准",
    )
    listed = client.get("/api/v1/proposals", params={"period": "2026-11"}).json()["proposals"]
    assert [(h["actor"], h["action"], h["comment"]) for h in listed[0]["history"]] == [
        ("aq", "propose", None),
        ("boss", "approve", "同意"),
    ]


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/proposals", FORM),
        ("/proposals/1/adjust", {"value": "1"}),
        ("/proposals/1/approve", {}),
        ("/proposals/1/reject", {"comment": "x"}),
    ],
)
def test_finance_may_read_but_never_post(
    client: TestClient, path: str, data: dict[str, str]
) -> None:
    assert login(client, "xm") == 303
    assert post(client, "/proposals", FORM) == 303
    assert login(client, "cfo") == 303
    page = client.get("/proposals").text
    assert 'data-proposal="1"' in page and '<form method="post" action="/proposals"' not in page
    assert "data-step=" not in page
    assert post(client, path, data) == 403
    api = client.post(f"/api/v1{path}", json={**data, "value": "1", "period": "2026-11", "metric_id": "cs_sales"}, headers=api_headers(client))  # fmt: skip
    assert api.status_code == 403
    assert [e.action for e in client.app.state.ws.appdb.proposal(1).events] == ["propose"]  # type: ignore[attr-defined]


def test_who_sees_which_proposals(client: TestClient) -> None:
    ws = client.app.state.ws  # type: ignore[attr-defined]
    ws.appdb.add_user("lz", PASSWORD, Role.staff, staff_id="s3", actor="setup")
    for user in ("xm", "aq", "lz"):
        assert login(client, user) == 303
        assert post(client, "/proposals", FORM) == 303
    seen = {}
    for user in ("xm", "aq", "lz", "sup", "cfo", "boss"):
        assert login(client, user) == 303
        seen[user] = [p["staff_id"] for p in client.get("/api/v1/proposals").json()["proposals"]]
    assert seen == {
        "xm": ["s1"], "aq": ["s2"], "lz": ["s3"],
        "sup": ["s1", "s2"], "cfo": ["s1", "s2", "s3"], "boss": ["s1", "s2", "s3"],
    }  # fmt: skip
    assert login(client, "sup") == 303
    assert post(client, "/proposals/3/adjust", {"value": "1"}) == 403  # s3 is in B组
    assert login(client, "xm") == 303
    assert post(client, "/proposals/2/adjust", {"value": "1"}) == 403  # staff never adjust


def test_missing_csrf_and_bad_values_write_nothing(client: TestClient) -> None:
    assert login(client, "xm") == 303
    assert client.post("/proposals", data=FORM, follow_redirects=False).status_code == 403
    token = csrf(client, "/proposals")
    bad = client.post("/proposals", data={**FORM, "value": "很多", "csrf_token": token})
    assert bad.status_code == 400
    assert "目标值「很多」不是数字" in bad.text
    assert client.get("/api/v1/proposals").json() == {"proposals": []}


def test_anonymous_is_sent_to_login(client: TestClient) -> None:
    assert client.get("/proposals", follow_redirects=False).headers["location"] == "/login?next=/proposals"  # fmt: skip
    assert client.get("/api/v1/proposals").status_code == 401
    assert client.post("/api/v1/proposals", json={}).status_code == 401
