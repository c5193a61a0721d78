"""The pages render the shop's real numbers: overview pacing and chart, ranking, scorecard."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.web.conftest import embedded_chart, login


def test_overview_shows_pacing_against_target(client: TestClient) -> None:
    assert login(client, "xm") == 303
    html = client.get("/").text
    assert "本月已过 15/30 天（时间进度 50.00%）" in html
    tile = html[html.index('data-metric="cs_sales"') :][:400]
    assert "60,000.00" in tile
    assert "目标 100,000.00 · 达成 60.00%" in tile
    assert "领先" in tile
    assert 'class="tile ahead" data-metric="cs_sales"' in html
    # Each tile leads to the ranking by its metric; durations carry their unit.
    assert '<a href="/ranking?by=cs_sales">客服销售额</a>' in tile
    speed = html[html.index('data-metric="avg_response_seconds"') :][:400]
    assert "<small> 秒</small>" in speed


def test_overview_embeds_the_daily_chart_option(client: TestClient) -> None:
    assert login(client, "boss") == 303
    option = embedded_chart(client.get("/").text, "chart-daily-sales")
    assert option["xAxis"] == {
        "type": "category",
        "data": [f"2026-11-{d:02d}" for d in range(1, 16)],
    }
    series = option["series"]
    assert isinstance(series, list)
    assert series[0]["name"] == "客服销售额"
    assert series[0]["type"] == "line"
    assert series[0]["data"] == [4000.5, 3999.5] + [4000] * 13


def test_metrics_api_has_the_catalog_and_shop_pace(client: TestClient) -> None:
    assert login(client, "cfo") == 303
    body = client.get("/api/v1/metrics").json()
    assert (body["period"], body["as_of"], body["elapsed"]) == ("2026-11", "2026-11-15", "0.5")
    sales = next(p for p in body["shop"] if p["metric_id"] == "cs_sales")
    assert sales["value"]["value"] == "60000"
    assert (sales["target"], sales["achievement"], sales["verdict"]) == ("100000", "0.6", "ahead")
    catalog = {m["id"]: m for m in body["catalog"]}
    assert catalog["cs_sales"]["name"] == "客服销售额"


def test_ranking_page_sorts_and_filters(client: TestClient) -> None:
    assert login(client, "boss") == 303
    html = client.get("/ranking").text
    assert re.findall(r'<tr data-staff="(\w+)">', html) == ["s1", "s2"]
    assert "35,000.00" in html and "15,000.00" in html
    by_rate = client.get("/ranking?by=inquiry_to_paid_rate").text
    assert re.findall(r'<tr data-staff="(\w+)">', by_rate) == ["s1", "s2"]
    senior = client.get("/api/v1/ranking?level=senior").json()["rows"]
    assert [(r["rank"], r["staff_id"]) for r in senior] == [(1, "s2")]
    assert senior[0]["values"]["cs_sales"]["value"] == "15000"
    assert client.get("/api/v1/ranking?team=B组").json()["rows"] == []


def test_scorecard_page_shows_the_breakdown(client: TestClient) -> None:
    assert login(client, "xm") == 303
    html = client.get("/staff/s1").text
    assert '<div class="value" id="total">91.60</div>' in html
    assert '<div class="value" id="bonus">2375.00</div>' in html
    row = html[html.index('<tr data-key="cs_sales">') :].split("</tr>")[0]
    # actual 35000 against the personal target 35000 → achievement 100% → 100 points.
    assert "<td>35,000.00</td><td>35,000.00</td><td>100.00%</td><td>100.00</td>" in row


def test_pages_use_local_assets_only(client: TestClient) -> None:
    assert login(client, "boss") == 303
    html = client.get("/").text
    assert re.findall(r'src="([^"]+)"', html) == [
        "/static/vendor/echarts/echarts.min.js",
        "/static/app.js",
    ]
    assert "http://" not in html and "https://" not in html
    js = client.get("/static/vendor/echarts/echarts.min.js")
    assert js.status_code == 200
    assert len(js.content) > 500_000
    licence = client.get("/static/vendor/echarts/LICENSE")
    assert "Apache License" in licence.text


def test_openapi_lists_the_api(client: TestClient) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/ranking", "/api/v1/scorecards/{staff_id}", "/api/v1/metrics"} <= set(paths)
