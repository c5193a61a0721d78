"""Month-end close page: status, close, correction (both versions kept), forced close
with pending items, and the xlsx download for finance."""

from __future__ import annotations

import io
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi.testclient import TestClient

from shopkpi.web import WebSettings, create_app
from shopkpi.workspace import Workspace
from tests.scoring.shop import put_value
from tests.web.conftest import Clock
from tests.web.manage_helpers import adopt, as_user, cells


def close(client: TestClient, token: str, **fields: str) -> object:
    data = {"csrf_token": token, "period": "2026-11", **fields}
    return client.post("/close", data=data, follow_redirects=False)


@pytest.fixture
def pending_client(shop: Workspace, clock: Clock) -> Iterator[TestClient]:
    """The shop with s2's 询单→最终付款 still inside its payment buffer."""
    put_value(shop.warehouse.con, "s2", "inquiry_to_paid_rate", "30", "100", pending=True)
    shop.close()
    app = create_app(shop.root, WebSettings(session_seconds=3600, clock=clock))
    with TestClient(app) as c:
        yield c
    app.state.ws.close()


def test_close_then_correct_keeps_both_versions(client: TestClient) -> None:
    token = as_user(client, "boss")
    assert adopt(client, token) == 303
    html = client.get("/close?period=2026-11").text
    assert '<p id="status">未封账</p>' in html
    assert '<p id="pending-none">没有待定项</p>' in html
    r = close(client, token)
    assert r.headers["location"] == "/close?period=2026-11&done=1"  # type: ignore[attr-defined]
    refused = close(client, token)  # a correction needs a reason
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "周期 2026-11 已封账（第 1 版）；更正需要说明原因" in refused.text  # type: ignore[attr-defined]
    assert close(client, token, reason="补录评分").status_code == 303  # type: ignore[attr-defined]
    html = client.get("/close?period=2026-11").text
    assert "已封账（共 2 版，显示与导出用最新的第 2 版）" in html
    rows = [[c[0], c[2], c[3], c[4], c[5], c[6], c[7], c[8]] for c in cells(html, "versions")]
    # 3 people (s3 scores 0 with 绩效基数 0): 2375.00 + 1175.00 + 0.00.
    assert rows == [
        ["第 1 版", "boss", "", "否", "", "3", "3550.00", "测试售前 第1版"],
        ["第 2 版", "boss", "补录评分", "否", "", "3", "3550.00", "测试售前 第1版"],
    ]
    entries = client.get("/api/v1/audit?kind=snapshot").json()["entries"]
    assert [(e["action"], e["reason"]) for e in entries] == [
        ("correct", "补录评分"),
        ("freeze", None),
    ]


def test_pending_items_refuse_until_forced_with_reason(pending_client: TestClient) -> None:
    client = pending_client
    token = as_user(client, "boss")
    assert adopt(client, token) == 303
    html = client.get("/close?period=2026-11").text
    assert '<ul id="pending"><li>阿强·询单→最终付款转化率</li></ul>' in html
    assert 'name="force"' in html
    refused = close(client, token)
    assert refused.status_code == 422  # type: ignore[attr-defined]
    assert "阿强·询单→最终付款转化率" in refused.text  # type: ignore[attr-defined]
    assert close(client, token, force="on").status_code == 422  # type: ignore[attr-defined]
    assert close(client, token, force="on", reason="老板确认先发").status_code == 303  # type: ignore[attr-defined]
    status = client.get("/api/v1/close?period=2026-11").json()
    assert status["status"] == "frozen"
    [v] = status["versions"]
    assert (v["version"], v["forced"], v["reason"]) == (1, True, "老板确认先发")
    assert v["pending"] == ["阿强·询单→最终付款转化率"]


def test_finance_views_and_downloads_but_cannot_close(client: TestClient) -> None:
    token = as_user(client, "boss")
    assert adopt(client, token) == 303
    assert close(client, token).status_code == 303  # type: ignore[attr-defined]
    token = as_user(client, "cfo")
    html = client.get("/close?period=2026-11").text
    assert 'id="close-form"' not in html
    assert close(client, token, reason="x").status_code == 403  # type: ignore[attr-defined]
    api = client.post("/api/v1/close", json={"period": "2026-11", "reason": "x"}, headers={"X-CSRF-Token": token})  # fmt: skip
    assert api.status_code == 403
    r = client.get("/close/export.xlsx?period=2026-11&version=1")
    assert r.status_code == 200
    assert r.headers["content-disposition"].endswith("UTF-8''%E7%BB%A9%E6%95%88_2026-11_v1.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    summary = book["得分与奖金"]
    a2 = str(summary["A2"].value)
    assert a2.startswith("已封账：2026-11 第 1 版，") and a2.endswith(" UTC 由 boss 封账")
    ids = [summary.cell(row=i, column=1).value for i in range(4, 7)]
    assert ids == ["s1", "s2", "s3"]


def test_api_close_and_correct(client: TestClient) -> None:
    token = as_user(client, "boss")
    headers = {"X-CSRF-Token": token}
    assert adopt(client, token) == 303
    first = client.post("/api/v1/close", json={"period": "2026-11"}, headers=headers)
    assert first.json() == {"period": "2026-11", "version": 1, "forced": False}
    no_reason = client.post("/api/v1/close", json={"period": "2026-11"}, headers=headers)
    assert no_reason.status_code == 422
    second = client.post("/api/v1/close", json={"period": "2026-11", "reason": "更正提成"}, headers=headers)  # fmt: skip
    assert second.json()["version"] == 2
    versions = client.get("/api/v1/close?period=2026-11").json()["versions"]
    assert [(v["version"], v["reason"]) for v in versions] == [(1, None), (2, "更正提成")]


def test_close_refuses_draft_plans(client: TestClient) -> None:
    token = as_user(client, "boss")
    r = close(client, token)
    assert r.status_code == 422  # type: ignore[attr-defined]
    assert "封账只用已采用的方案；「测试售前」尚未采用" in r.text  # type: ignore[attr-defined]
