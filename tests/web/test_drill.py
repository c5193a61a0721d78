"""Drill-down: a scorecard metric → its evidence rows → the chat transcript; the catalog
and daily trends; the same role rules by page and API (tests/web/chats.py has the data)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from shopkpi.metrics.catalog import CATALOG
from shopkpi.web import WebSettings, create_app
from shopkpi.workspace import Workspace
from tests.web.chats import SESSION_1, SESSION_2, SESSION_3, put_chats
from tests.web.conftest import Clock, embedded_chart, login


@pytest.fixture
def chats(shop: Workspace, clock: Clock) -> Iterator[TestClient]:
    put_chats(shop)
    shop.compute("2026-11", datetime(2026, 11, 20, 12))
    shop.close()
    app = create_app(shop.root, WebSettings(session_seconds=3600, clock=clock))
    with TestClient(app) as c:
        yield c
    app.state.ws.close()


def table_rows(html: str, css_class: str = "evidence") -> list[list[str]]:
    """Cell texts of every ``<table class=css_class>`` body row (tags stripped)."""
    rows: list[list[str]] = []
    for body in re.findall(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', html, re.S):
        for tr in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            rows.append([re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td>(.*?)</td>", tr)])
    return rows


def test_scorecard_items_link_to_their_metric_page(client: TestClient) -> None:
    assert login(client, "xm") == 303
    html = client.get("/staff/s1").text
    assert 'href="/staff/s1/metrics/cs_sales?period=2026-11">客服销售额</a>' in html
    rating = html[html.index('<tr data-key="attitude.responsibility">') :].split("</tr>")[0]
    assert "<a " not in rating  # a manual rating has no evidence rows


def test_metric_page_lists_sessions_with_the_rule(chats: TestClient) -> None:
    assert login(chats, "xm") == 303
    html = chats.get("/staff/s1/metrics/first_response_seconds?period=2026-11").text
    # (20 + 40) / 2 sessions: the filler 在的亲 at 20 s stops the plain clock
    assert '<div class="value" id="numerator">60.000000</div>' in html
    assert '<div class="value" id="denominator">2.000000</div>' in html
    assert '<div class="value" id="status">已定</div>' in html
    assert f"公式</strong>：{CATALOG['first_response_seconds'].formula}" in html
    rows = table_rows(html)
    assert [(r[1], r[9], r[10], r[11], r[12]) for r in rows] == [
        ("t**1", "20", "20", "1", "计入：首响 = 第一条人工回复 − 第一条买家消息"),
        ("t**2", "40", "40", "1", "已转接给其他子账号：计转接"),
    ]
    assert rows[0][3] == "2026-11-10 10:00:00"  # shop-local time (UTC+8)
    assert f'href="/sessions/{quote(SESSION_1)}"' in html
    assert "共 2 行，分子合计 60，分母合计 2" in html


def test_metric_page_lists_orders_and_refunds(chats: TestClient) -> None:
    assert login(chats, "boss") == 303
    html = chats.get("/staff/s1/metrics/cs_sales?period=2026-11").text
    assert table_rows(html) == [
        [
            "2026-11-10",
            "o1",
            "t**1",
            "2026-11-10 10:11:00",
            "2026-11-10 10:02:00",
            "199.00",
            "20.00",
            "179.00",
            "179",
            "落实付款给该客服",
        ]
    ]
    assert table_rows(html, "refunds") == [
        ["o1", "r1", "2026-11-12 09:00:00", "refund_only", "success", "20.00", "少发配件"]
    ]
    assert "下单优先判定 × 末次接待" in html


def test_whole_shop_rows_of_others_are_hidden_from_staff(chats: TestClient) -> None:
    assert login(chats, "xm") == 303
    body = chats.get("/api/v1/staff/s1/metrics/sales_share/evidence?period=2026-11").json()
    assert body["value"] == {
        "value": "0.643885",  # 179 / 278, stored with 6 decimals
        "numerator": "179",
        "denominator": "278",
        "status": "final",
    }
    mine, shop = body["evidence"]
    assert ([r[1] for r in mine["rows"]], mine["hidden_rows"]) == (["o1"], 0)
    assert [r[1] for r in shop["rows"]] == ["o1"]  # o2 is 阿强's
    assert (shop["hidden_rows"], shop["numerator"]) == (1, "278")


def test_admin_sees_every_whole_shop_row(chats: TestClient) -> None:
    assert login(chats, "boss") == 303
    body = chats.get("/api/v1/staff/s1/metrics/sales_share/evidence").json()
    assert [r[1] for r in body["evidence"][1]["rows"]] == ["o1", "o2"]
    assert body["evidence"][1]["hidden_rows"] == 0


def test_transcript_marks_auto_replies_fillers_and_transfers(chats: TestClient) -> None:
    assert login(chats, "xm") == 303
    html = chats.get(f"/sessions/{quote(SESSION_1)}").text
    kinds = re.findall(r'<li class="msg ([^"]+)" data-id="(\w+)"', html)
    assert kinds == [
        ("buyer", "m01"),
        ("auto", "m02"),
        ("agent filler", "m03"),
        ("agent", "m04"),
        ("buyer", "m05"),
        ("agent", "m06"),
    ]
    assert (
        '2026-11-10 10:00:05 · 自动回复 示例旗舰店:小美 · <span class="flag">自动回复（不计响应）'
        in html
    )
    body = chats.get(f"/api/v1/sessions/{quote(SESSION_2)}/messages").json()
    assert body["transferred_out"] is True
    assert [(m["message_id"], m["direction"], m["transfer_to"]) for m in body["messages"]] == [
        ("m07", "buyer", None),
        ("m08", "agent", None),
        ("m09", "system", "示例旗舰店:阿强"),
    ]
    assert body["messages"][0]["sent_at"] == "2026-11-11 11:00:00"


@pytest.mark.parametrize(
    ("user", "path", "status"),
    [
        ("aq", "/staff/s1/metrics/cs_sales", 403),  # staff: another person
        ("aq", "/staff/小美/metrics/cs_sales", 403),  # a name is not an id
        ("aq", f"/sessions/{quote(SESSION_1)}", 403),
        ("aq", f"/sessions/{quote(SESSION_3)}", 200),  # their own chat
        ("aq", f"/api/v1/sessions/{quote(SESSION_1)}/messages", 403),
        ("aq", "/api/v1/staff/s1/metrics/cs_sales/evidence", 403),
        ("boss", "/staff/小美/metrics/cs_sales", 403),
        ("sup", "/staff/s2/metrics/cs_sales", 200),  # their team
        ("sup", "/staff/s3/metrics/cs_sales", 403),  # B组
        ("sup", "/api/v1/staff/s3/metrics/cs_sales/evidence", 403),
        ("cfo", f"/api/v1/sessions/{quote(SESSION_1)}/messages", 200),
        ("cfo", "/api/v1/staff/s2/metrics/avg_response_seconds/evidence", 200),
    ],
)
def test_role_rules(chats: TestClient, user: str, path: str, status: int) -> None:
    assert login(chats, user) == 303
    assert chats.get(path).status_code == status


def test_logged_out_api_is_401(chats: TestClient) -> None:
    assert chats.get("/api/v1/metrics/cs_sales/trend").status_code == 401
    assert chats.get("/metrics", follow_redirects=False).status_code == 303


def test_catalog_page_lists_every_metric(chats: TestClient) -> None:
    assert login(chats, "aq") == 303
    html = chats.get("/metrics").text
    assert re.findall(r'<tr data-metric="(\w+)">', html) == list(CATALOG)
    row = html[html.index('<tr data-metric="avg_response_seconds">') :].split("</tr>")[0]
    assert "<td>秒</td><td>越低越好</td>" in row
    assert '<a href="/metrics/avg_response_seconds/trend">平均响应时间</a>' in row


def test_trend_page_has_shop_and_team_lines(chats: TestClient) -> None:
    assert login(chats, "boss") == 303
    option = embedded_chart(chats.get("/metrics/first_response_seconds/trend").text, "chart-trend")
    assert option["xAxis"] == {
        "type": "category",
        "data": ["2026-11-10", "2026-11-11", "2026-11-12"],
    }
    series = option["series"]
    assert isinstance(series, list)
    assert [(s["name"], s["data"]) for s in series] == [
        ("全店", [20, 40, 10]),
        ("A组", [20, 40, 10]),
    ]


def test_trend_api_shows_staff_the_shop_line_only(chats: TestClient) -> None:
    assert login(chats, "xm") == 303
    body = chats.get("/api/v1/metrics/cs_sales/trend?period=2026-11").json()
    assert body["days"] == ["2026-11-10", "2026-11-11", "2026-11-12"]
    assert [(s["label"], s["values"]) for s in body["series"]] == [
        ("全店", ["179", "0", "99"]),
    ]
