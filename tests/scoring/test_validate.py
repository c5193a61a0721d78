"""``plan check``: each kind of problem, reported with its file and line."""

from __future__ import annotations

import textwrap
from pathlib import Path

from shopkpi.scoring.findings import Finding
from shopkpi.scoring.load import parse_plan
from shopkpi.scoring.validate import check_files, check_plan, overlaps
from tests.scoring.helpers import BASIC, loaded, staff

BAD = """\
plan: 坏方案
applies_to: {role: 售后}
levels: [junior, senior]
sections:
  - name: 业绩
    weight: 70
    items:
      - metric: inquiry_to_paid_rat
        weight: 40
        score: {tiers: [[0.40, 80], [0.45, 100], [0.45, 90]]}
      - metric: cs_sales
        weight: 50
        target: {junior: 20000}
        score: {linear: {floor: 0.5, cap: 1.2}}
  - name: 态度
    weight: 20
    items: [{rating: attitude.honesty, weight: 100}]
adjustments:
  - kind: link
    when: {metric: fulfilment_overdue_rate, entity: shop, op: ">", value: 0.05}
    item: gmv
    factor: 0.9
  - kind: weight_schedule
    season: 双11
    weights: {业绩: 80, 不存在: 20}
gates: [{when: "compliance_violations_serious >> 3", cap_total: 60}]
grades: [[80, 银牌], [90, 金牌], [0, 待改进]]
"""


def found(text: str, roster: list | None = None) -> list[Finding]:
    return check_plan(loaded(text, "bad.yaml"), roster)


def where(findings: list[Finding]) -> set[tuple[int | None, str]]:
    return {(f.line, f.message) for f in findings}


def test_every_problem_is_listed_with_its_line() -> None:
    got = where(found(BAD))
    assert got >= {
        (4, "各部分权重之和是 90，应为 100"),
        (7, "「业绩」内各项权重之和是 90，应为 100"),
        (8, "未知指标「inquiry_to_paid_rat」"),
        (10, "档位顺序不对：0.4 之后是 0.45"),
        (10, "档位重叠：门槛 0.45 出现两次"),
        (13, "「cs_sales」没有 senior 级别的目标"),
        (17, "未知的评分维度「attitude.honesty」"),
        (21, "调整项引用了不存在的考核项「gmv」"),
        (25, "调整项引用了不存在的考核项或部分「不存在」"),
        (27, "档位顺序不对：80 之后是 90"),
    }
    gate = [f for f in found(BAD) if f.line == 26]
    assert gate and gate[0].message.startswith("条件 'compliance_violations_serious >> 3' 写法不对")


def test_hints_suggest_the_fix() -> None:
    by_line = {f.line: f for f in found(BAD) if f.is_error}
    assert (
        by_line[8].hint == "是不是 inquiry_to_paid_rate、inquiry_paid_buyers、order_to_paid_rate？"
    )
    assert by_line[4].hint == "现在：业绩 70、态度 20"
    assert by_line[13].hint == "在 target 里加上 senior: 数值（或 default: 数值）"


def test_data_not_yet_available_is_a_warning_not_an_error() -> None:
    warnings = [f for f in found(BAD) if not f.is_error]
    assert [(f.line, f.message) for f in warnings] == [
        (20, "指标「fulfilment_overdue_rate」（发货超时率）的数据来自发货数据，尚未接入")
    ]


def test_design_example_plan_is_valid() -> None:
    assert [f for f in found(BASIC) if f.is_error] == []


def test_roster_levels_decide_which_targets_are_needed() -> None:
    roster = [staff("s1", "junior"), staff("s2", "lead"), staff("x", "senior", role="aftersale_cs")]
    msgs = [f.message for f in found(BASIC, roster) if f.is_error]
    assert msgs == ["「cs_sales」没有 lead 级别的目标"]  # senior is only on an after-sale agent


def test_an_unknown_level_in_a_target() -> None:
    text = BASIC.replace("senior: 30000", "expert: 30000")
    assert (14, "目标里的级别「expert」不存在") in where(found(text))  # BASIC's target line


def test_a_schedule_must_keep_weights_summing_to_100() -> None:
    text = (
        BASIC
        + """\
adjustments:
  - kind: weight_schedule
    season: 618
    months: [6]
    weights: {cs_sales: 70}
"""
    )
    # BASIC has 21 lines; the schedule starts on line 23
    assert (23, "「618」时段「业绩」内各项权重之和是 110，应为 100") in where(found(text))


def test_missing_score_or_target_and_two_functions() -> None:
    text = """\
plan: p
sections:
  - name: 业绩
    weight: 100
    items:
      - {metric: cs_sales, weight: 40}
      - {metric: reply_rate, weight: 30, score: {linear: {}}}
      - {metric: satisfaction_rate, weight: 30, score: {pass_fail: {}, rank: {}}}
"""
    assert where(found(text)) == {
        (6, "指标项「cs_sales」缺少评分方式（score）"),
        (7, "「reply_rate」的评分方式需要目标值（target）"),
        (8, "score 应只写一种评分方式（现在：pass_fail、rank）"),
    }


def test_parse_errors_name_line_and_field() -> None:
    text = """\
plan: x
period: monthly
sections:
  - name: 业绩
    weight: 100
    items:
      - metric: cs_sales
        score: {linear: {}}
        target: 1
        wieght: 100
adjustments: [{kind: season, weights: {}}]
"""
    lp, problems = parse_plan(text, "p.yaml")
    assert lp is None
    assert where(problems) == {
        (2, "period: 取值不对：'monthly'"),
        (7, "sections[0].items[0]: 缺少必填字段「weight」"),
        (10, "sections[0].items[0].wieght: 未知字段「wieght」"),
        (11, "adjustments[0]: adjustments 的 kind 不对"),
    }


def test_yaml_syntax_error_has_a_line() -> None:
    lp, problems = parse_plan("plan: x\nsections: [\n  - a\n", "p.yaml")
    assert lp is None and problems[0].line == 3 and problems[0].message.startswith("YAML 语法错误")


def test_two_equally_specific_plans_conflict(tmp_path: Path) -> None:
    a, b = loaded(BASIC, "a.yaml"), loaded(BASIC.replace("售前-测试", "另一份"), "b.yaml")
    got = overlaps([a, b])
    assert [(f.file, f.line) for f in got] == [("a.yaml", 3), ("b.yaml", 3)]
    assert (
        got[0].message == "方案「售前-测试」与 b.yaml 的「另一份」适用范围相同（角色=presale_cs）"
    )
    narrower = loaded(BASIC.replace("{role: presale_cs}", "{role: presale_cs, level: senior}"))
    assert overlaps([a, narrower]) == []


def test_check_files_collects_every_file(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(textwrap.dedent(BASIC), encoding="utf-8")
    bad.write_text(BAD, encoding="utf-8")
    report = check_files([good, bad])
    assert not report.ok and len(report.plans) == 2
    assert {f.file for f in report.errors} == {str(bad)}
