"""The 诊断, 日报 and 预警 pages and their API on a small demo shop, per role."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from shopkpi.appdb.users import Role
from shopkpi.demo import DemoOptions
from shopkpi.demo.run import build_demo
from shopkpi.web import WebSettings, create_app
from shopkpi.workspace import Workspace
from tests.web.conftest import PASSWORD, login

# E001 郑嘉怡 leads 售前组 (E003, E004, E005); E003 陈振宇 is staff (as in test_browser.py).
OPTIONS = DemoOptions(staff=6, days=10, scale=0.3, seed=7)
USERS = {"boss": (Role.admin, None), "lead": (Role.supervisor, "E001"), "chen": (Role.staff, "E003"), "cfo": (Role.finance, None)}  # fmt: skip


@pytest.fixture(scope="module")
def app_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("insights") / "demo"
    build_demo(root, OPTIONS)
    ws = Workspace(root)
    ws.compute()
    for name, (role, staff) in USERS.items():
        ws.appdb.add_user(name, PASSWORD, role, staff_id=staff, actor="setup")
    ws.appdb.raise_alert(kind="metric", rule="r1", severity="high", shop_id="demo", staff_id="E003",
                         team="售前组", subject=None, message_id=None, title="售前组 回复率低于目标", detail={"text": "x"})  # fmt: skip
    ws.appdb.raise_alert(kind="metric", rule="r2", severity="high", shop_id="demo", staff_id="E006",
                         team="售后组", subject=None, message_id=None, title="售后组 退款率偏高", detail=None)  # fmt: skip
    ws.close()
    app = create_app(root, WebSettings())
    with TestClient(app) as client:
        yield client
    app.state.ws.close()


def as_user(client: TestClient, name: str) -> TestClient:
    client.cookies.clear()
    assert login(client, name) == 303
    return client


def staff_rows(html: str, table: str) -> list[str]:
    body = html[html.index(f'id="{table}"') :]
    return re.findall(r'<tr data-staff="(\w+)">', body)


def test_diagnosis_is_filtered_like_scorecards(app_client: TestClient) -> None:
    page = as_user(app_client, "boss").get("/insights?period=2026-11").text
    everyone = staff_rows(page, "diagnosis")
    assert len(everyone) >= 5 and "E003" in everyone and "E006" in everyone
    assert 'id="labour"' in page and "data-code=" in page
    mine = as_user(app_client, "chen").get("/insights?period=2026-11").text
    assert staff_rows(mine, "diagnosis") == ["E003"] and 'id="labour"' not in mine
    team = as_user(app_client, "lead").get("/insights?period=2026-11").text
    assert set(staff_rows(team, "diagnosis")) <= {"E001", "E003", "E004", "E005"}
    api = as_user(app_client, "chen").get("/api/v1/diagnosis?period=2026-11").json()
    assert [p["staff_id"] for p in api["people"]] == ["E003"]
    assert {"findings", "training", "role", "fair"} <= set(api["people"][0])


def test_the_daily_report_page_and_api(app_client: TestClient) -> None:
    page = as_user(app_client, "cfo").get("/reports/daily").text
    assert "<h1>日报 · 2026-11-22</h1>" in page and 'id="headline"' in page
    data = app_client.get("/api/v1/reports/daily").json()
    assert data["day"] == "2026-11-22" and data["headline"] in page
    assert as_user(app_client, "chen").get("/reports/daily").status_code == 403
    assert app_client.get("/api/v1/reports/daily").status_code == 403


def test_the_alert_inbox_shows_a_supervisor_their_teams_only(app_client: TestClient) -> None:
    page = as_user(app_client, "boss").get("/alerts").text
    assert "售前组 回复率低于目标" in page and "售后组 退款率偏高" in page
    page = as_user(app_client, "lead").get("/alerts").text
    assert "售前组 回复率低于目标" in page and "售后组 退款率偏高" not in page
    assert as_user(app_client, "chen").get("/alerts").status_code == 403
