"""``shopkpi score`` and ``shopkpi scorecard`` on a literal shop (numbers in tests/scoring/shop.py)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.scoring.targets import read_targets
from shopkpi.workspace import Workspace
from tests.scoring.shop import make_shop, plan_path

ENV = {"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"}


def cli(ws: Workspace, *args: str) -> str:
    result = CliRunner().invoke(app, [*args, "-w", str(ws.root)], env=ENV)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def shop(ws: Workspace) -> Workspace:
    make_shop(ws)
    ws.scoring.adopt(plan_path(ws), "老板")
    return ws


def test_targets_of_the_period_by_entity_and_metric(shop: Workspace) -> None:
    assert read_targets(shop.warehouse.con, "2026-11") == {("s1", "cs_sales"): Decimal("35000")}
    assert read_targets(shop.warehouse.con, "2026-12") == {}


def test_score_json_gives_totals_grades_bonus_and_items(shop: Workspace) -> None:
    doc = json.loads(cli(shop, "score", "--period", "2026-11", "--format", "json"))
    assert (doc["period"], doc["frozen"], doc["snapshot"], doc["total_bonus"]) == (
        "2026-11",
        False,
        None,
        "3550.00",
    )
    assert [(p["plan"], p["version"]) for p in doc["plans"]] == [("测试售前", 1)]
    assert doc["unscored"] == [{"staff_id": "b1", "name": "王主管", "reason": "没有适用的考核方案"}]
    s1, s2 = doc["people"]
    summary = ("staff_id", "name", "plan", "plan_version", "rank", "total", "grade", "status")
    assert [tuple(p[k] for k in summary) for p in (s1, s2)] == [
        ("s1", "小美", "测试售前", 1, 1, "91.60", "金牌", "final"),
        ("s2", "阿强", "测试售前", 1, 2, "14.00", "待改进", "final"),
    ]
    line = ("key", "raw", "target", "achievement", "points", "weight", "section_weight")
    assert [tuple(i[k] for k in (*line, "contribution", "status")) for i in s1["items"]] == [
        ("inquiry_to_paid_rate", "0.420000", None, None, "80.00", "40", "80", "25.60", "final"),
        ("cs_sales", "35000.000000", "35000", "1.0000", "100.00", "60", "80", "48.00", "final"),
        ("attitude.responsibility", "90.00", None, None, "90.00", "100", "20", "18.00", "final"),
    ]
    assert [(s["name"], s["contribution"]) for s in s1["sections"]] == [
        ("业绩", "73.60"),
        ("态度", "18.00"),
    ]
    money = ("bonus_base", "coefficient", "performance_pay", "sales", "commission", "bonus")
    assert tuple(s1["bonus"][k] for k in money) == (
        "1500.00",
        "1.2",
        "1800.00",
        "35000.000000",
        "575.00",
        "2375.00",
    )
    assert (s2["bonus"]["performance_pay"], s2["bonus"]["commission"], s2["bonus"]["bonus"]) == (
        "1000.00",
        "175.00",
        "1175.00",
    )
    assert s2["items"][1]["target"] == "30000"  # no personal target: the plan's senior target


def test_score_table_and_csv(shop: Workspace) -> None:
    table = cli(shop, "score", "-p", "2026-11")
    assert "测试售前 第1版" in table and "91.6" in table and "金牌" in table
    assert "奖金合计 ¥3,550.00" in table and "王主管（没有适用的考核方案）" in table
    rows = cli(shop, "score", "-p", "2026-11", "-f", "csv").splitlines()
    assert rows[0].startswith("staff_id,name,team,plan,plan_version,rank,total,grade,status")
    assert (
        rows[1]
        == "s1,小美,A组,测试售前,1,1,91.60,金牌,final,1500.00,1.2,1800.00,575.00,0.00,0.00,2375.00"
    )


def test_scorecard_explains_every_line(shop: Workspace) -> None:
    out = cli(shop, "scorecard", "小美", "-p", "2026-11")
    expected = [
        "评分卡 · 小美（s1，A组，junior）· 2026-11",
        "方案：测试售前 第1版（2026-11） · 实时计算（未封账）",
        "【业绩】权重 80%，贡献 73.6",
        "1. 询单→最终付款转化率：实际 0.42 → 档位：≥0.45→100，≥0.4→80，≥0.35→60，其余→0"
        " → 80 分 × 权重 40% × 部分权重 80% = 贡献 25.6",
        "2. 客服销售额：实际 35000，目标 35000，达成率 1 → 线性：目标 35000，达成率≤0.5→0，"
        "达到目标→100，封顶 120 → 100 分 × 权重 60% × 部分权重 80% = 贡献 48",
        "【态度】权重 20%，贡献 18",
        "1. 态度.责任心：实际 90 → 直接计分（主管评分 0–100） → 90 分 × 权重 100% × 部分权重 20% = 贡献 18",
        "小计 91.6",
        "总分 91.6 · 档位 金牌 · 名次 1/2 · 定稿",
        "奖金 ¥2,375.00（定稿）",
        "绩效工资：绩效基数 1500 × 金牌系数 1.2 = 1800",
        "提成（分段累进）：客服销售额 35000，10000 × 1% + 10000 × 1.5% + 10000 × 2% + 5000 × 2.5%"
        " = 100 + 150 + 200 + 125 = 575",
        "奖金 = 绩效工资 1800 + 提成 575 + 奖金池 0 − 扣款 0 = 2375",
    ]
    for line in expected:
        assert line in out, line
    assert "· 无调整、扣分或门槛" in out  # the plan has no deductions or gates


def test_scorecard_resolves_like_explain(shop: Workspace) -> None:
    assert "评分卡 · 阿强" in cli(shop, "scorecard", "示例旗舰店:阿强", "-p", "2026-11")
    result = CliRunner().invoke(app, ["scorecard", "王主管", "-w", str(shop.root)], env=ENV)
    assert result.exit_code == 1
    assert "没有评分卡：没有适用的考核方案" in result.output
    result = CliRunner().invoke(app, ["scorecard", "nobody", "-w", str(shop.root)], env=ENV)
    assert result.exit_code == 1 and "找不到员工 'nobody'" in result.output


def test_a_period_without_values_is_refused(shop: Workspace) -> None:
    result = CliRunner().invoke(app, ["score", "-p", "2026-12", "-w", str(shop.root)], env=ENV)
    assert result.exit_code == 1
    assert "周期 2026-12 没有指标值：先运行 shopkpi compute --period 2026-12" in result.output
