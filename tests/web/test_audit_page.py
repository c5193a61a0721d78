"""The audit log page: newest first, filter by kind, old/new values; read-only."""

from __future__ import annotations

from fastapi.testclient import TestClient

from shopkpi.web.routes_manage import ROUTERS
from tests.web.manage_helpers import adopt, as_user, cells


def test_audit_page_newest_first_and_filtered(client: TestClient) -> None:
    token = as_user(client, "boss")
    data = {"csrf_token": token, "staff_id": "s1", "period": "2026-11"}
    client.post("/ratings", data={**data, "score__attitude.responsibility": "95"})
    assert adopt(client, token) == 303
    as_user(client, "cfo")  # finance reads the log
    rows = cells(client.get("/audit").text, "audit")
    assert [r[1:5] for r in rows[:3]] == [
        ["boss", "采用", "方案", "测试售前"],
        ["boss", "修改", "评分", "s1/2026-11/attitude.responsibility"],
        ["setup", "新增", "用户", "aq"],
    ]
    assert len(rows) == 9  # 2 ratings + 5 users at setup, then the 2 changes above
    ratings = cells(client.get("/audit?kind=rating").text, "audit")
    assert [r[4] for r in ratings] == [
        "s1/2026-11/attitude.responsibility",
        "s2/2026-11/attitude.responsibility",
        "s1/2026-11/attitude.responsibility",
    ]
    changed = ratings[0]
    assert changed[5] == '{&#34;comment&#34;: null, &#34;rater&#34;: &#34;王主管&#34;, &#34;score&#34;: &#34;90.00&#34;}'  # fmt: skip
    assert changed[6] == '{&#34;comment&#34;: null, &#34;rater&#34;: &#34;boss&#34;, &#34;score&#34;: &#34;95.00&#34;}'  # fmt: skip
    assert changed[7] == "网页录入"


def test_audit_is_for_admin_and_finance_only(client: TestClient) -> None:
    for user in ("sup", "xm"):
        as_user(client, user)
        assert client.get("/audit").status_code == 403
        assert client.get("/api/v1/audit").status_code == 403


def test_no_route_changes_the_audit_log() -> None:
    methods = {
        (m, r.path)  # type: ignore[attr-defined]
        for router in ROUTERS
        for r in router.routes
        for m in r.methods  # type: ignore[attr-defined]
        if "audit" in r.path  # type: ignore[attr-defined]
    }
    assert methods == {("GET", "/audit"), ("GET", "/api/v1/audit")}
