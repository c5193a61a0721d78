"""The demo's planted causes (a traffic drop on one channel and category, one agent who
becomes slow) are found by the daily report and explained in its first paragraph."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from shopkpi.demo import DemoOptions
from shopkpi.demo.run import build_demo
from shopkpi.insights.report import daily_report, daily_text
from shopkpi.workspace import Workspace

# 15 staff and 28 days: big enough for both planted causes (demo/planted.py).
OPTIONS = DemoOptions(staff=15, days=28, scale=0.6, seed=42)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("report") / "demo"
    build_demo(root, OPTIONS)
    ws = Workspace(root)
    ws.compute()
    yield ws
    ws.close()


def planted(ws: Workspace) -> dict[str, dict[str, object]]:
    data: dict[str, dict[str, object]] = json.loads((ws.root / "planted.json").read_text("utf-8"))
    return data


def test_the_planted_traffic_drop_is_found_in_its_channel_and_category(demo: Workspace) -> None:
    drop = planted(demo)["traffic_drop"]
    report = daily_report(demo)
    assert report.day.isoformat() == "2026-11-22"
    assert report.drop is not None
    assert (report.drop.channel, report.drop.category) == (drop["channel"], drop["category"])
    change = report.drop.category_change
    assert change is not None and -0.75 < change < -0.45  # planted: −60 % of visitors
    assert f"渠道 {drop['channel']}" in report.headline
    assert f"类目 {drop['category']}" in report.headline


def test_the_agent_who_became_slow_is_an_anomaly(demo: Workspace) -> None:
    slow = planted(demo)["slow_agent"]
    report = daily_report(demo)
    found = [
        a
        for a in report.anomalies
        if (a.entity_kind, a.entity_id, a.metric_id)
        == ("staff", slow["staff_id"], "avg_response_seconds")
    ]
    assert len(found) == 1 and found[0].check.bad
    assert found[0].check.value > 2 * (found[0].check.baseline or 0)
    assert f"客服 {slow['staff_id']} 平均响应时间" in daily_text(report)
