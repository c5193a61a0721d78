"""The 考核方案 sheet: name, version, hash, a readable table of the plan and its YAML."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl

from shopkpi.report.excel import write_score_workbook
from tests.report.fixture import PLAN_YAML
from tests.report.workbook import row_starting, rows
from tests.scoring.helpers import loaded


def test_plan_sheet_has_name_version_hash_table_and_yaml(book: openpyxl.Workbook) -> None:
    ws = book["考核方案"]
    got = rows(ws)
    digest = hashlib.sha256(PLAN_YAML.encode("utf-8")).hexdigest()
    assert got[:7] == [
        ["考核方案：售前-导出（2026-11）"],
        ["方案", "售前-导出"],
        ["版本", "2026-11"],
        ["采用版本", "1"],
        ["内容哈希（sha256）", digest],
        ["适用对象", "售前（个人）"],
        ["考核周期", "月度"],
    ]
    assert row_starting(ws, "部分") == [
        "部分",
        "部分权重",
        "评分项",
        "标识",
        "权重",
        "目标",
        "计分方式",
    ]
    items = [r for r in got if r and r[0] in ("业绩", "态度")]
    assert [r[:6] for r in items] == [
        ["业绩", 80, "询单→最终付款转化率", "inquiry_to_paid_rate", 50, None],
        ["业绩", 80, "客服销售额", "cs_sales", 50, "初级 20000；高级 40000"],
        ["态度", 20, "态度.责任心", "attitude.responsibility", 100, None],
    ]
    assert row_starting(ws, "金牌") == ["金牌", 90, 1.2]
    assert row_starting(ws, "待改进") == ["待改进", 0, 0.5]
    tiers = [r for r in got if r and r[0] == "客服销售额" and r[1] == "分段累进"]
    assert [r[2:] for r in tiers] == [[0, "1%"], [10000, "1.5%"], [20000, "2%"], [30000, "2.5%"]]
    start = got.index(["方案原文（YAML）"]) + 1
    assert [r[0] if r else "" for r in got[start:]] == PLAN_YAML.splitlines()


ADJUSTED = """\
plan: 售前-调整
sections:
  - name: 业绩
    weight: 100
    items:
      - {metric: inquiry_to_paid_rate, weight: 60, score: {pass_fail: {at_least: 0.4}}}
      - {metric: cs_sales, weight: 40, target: 30000, score: {linear: {}}}
gates: [{when: "compliance_violations_serious > 3", cap_total: 60, label: 严重违规封顶}]
adjustments:
  - {kind: weight_schedule, season: 双11, months: [11], weights: {inquiry_to_paid_rate: 70, cs_sales: 30}}
  - kind: lifecycle
    stages: {新品: {inquiry_to_paid_rate: 80, cs_sales: 20}}
  - kind: link
    when: {metric: fulfilment_overdue_rate, entity: shop, op: ">", value: 0.05}
    item: cs_sales
    percent: -10
grades: [[60, 合格], [0, 不合格]]
"""


def test_plan_sheet_lists_gates_and_every_adjustment_kind(tmp_path: Path) -> None:
    plan = loaded(ADJUSTED).plan
    path = write_score_workbook(tmp_path / "p.xlsx", "2026-11", [], [], [plan])
    ws = openpyxl.load_workbook(path)["考核方案"]
    assert row_starting(ws, "适用对象") == ["适用对象", "全部（个人）"]
    assert row_starting(ws, "严重违规封顶") == [
        "严重违规封顶", "compliance_violations_serious > 3", 60,
    ]  # fmt: skip
    adjustments = [r for r in rows(ws) if r and r[0] in ("日历时段", "商品生命周期", "部门联动")]
    assert adjustments == [
        ["日历时段", "双11（11月）", "询单→最终付款转化率 70，客服销售额 30"],
        ["商品生命周期", "新品期", "询单→最终付款转化率 80，客服销售额 20"],
        ["部门联动", "fulfilment_overdue_rate > 0.05", "客服销售额 权重 ×0.9"],
    ]
    assert row_starting(ws, "合格") == ["合格", 60]  # no bonus: no coefficient
