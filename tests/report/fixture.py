"""A small literal period scored by the real engine: four people, one plan with pay.

Hand-computed (业绩 80: 转化率 tiers 50 + 客服销售额 linear 50; 态度 20: a rating):

| id   | 姓名 | 转化率 | 销售额 | 评分 | 扣分 | 总分  | 等级   | 绩效工资 | 提成   | 奖金池  | 扣款 | 奖金合计 |
|------|------|--------|--------|------|------|-------|--------|----------|--------|---------|------|----------|
| s001 | 王芳 | 0.46→100 (40) | 22000/20000→110 (44) | 80 (16) | 2 | 98.00 | 金牌 | 2400.00 | 290.00 | 348.75 | 50.00 | 2988.75 |
| s002 | 王芳 | 0.42→80 (32) | 40000/40000→100 (40) | 85 (17) | 0 | 89.00 | 银牌 | 3000.00 | 700.00 | 316.73 | 0 | 4016.73 |
| s003 | 李[测试]/… | 0.30→0 | 8000/20000→0 | 缺失 | 0 | 0.00 | 待改进 | 750.00 | 80.00 | 0 | 0 | 830.00 |
| s004 | 张伟 | 9/20 待定→100 (40) | 20000/20000→100 (40) | 70 (14) | 0 | 94.00 | 金牌 | 2160.00 | 250.00 | 334.52 | 0 | 2744.52 |

Pool A组 ¥1000 over 98 + 89 + 94 = 281: 348.754…, 316.725…, 334.519… → cut to cents
(999.98), the 2 cents left go to the largest remainders (s004, s002). s003 is alone in B组
and has the lowest grade: no share. Totals: 绩效基数 8300, 绩效工资 8310, 提成销售额 90000,
提成 1320, 奖金池 1000, 扣款 50, 奖金合计 10580.
"""

from __future__ import annotations

from dataclasses import dataclass

from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import Facts, ScoringInput
from shopkpi.scoring.load import LoadedPlan
from shopkpi.scoring.pay import PayLine, pay
from shopkpi.scoring.scorecard import Scorecard
from shopkpi.scoring.subjects import Subject
from tests.scoring.helpers import D, loaded, obs, pending

PLAN_YAML = """\
plan: 售前-导出
version: "2026-11"
applies_to: {role: presale_cs}
sections:
  - name: 业绩
    weight: 80
    items:
      - metric: inquiry_to_paid_rate
        weight: 50
        score: {tiers: [[0.45, 100], [0.40, 80], [0.35, 60]], else: 0}
      - metric: cs_sales
        weight: 50
        target: {junior: 20000, senior: 40000}
        score: {linear: {floor: 0.5, cap: 1.2}}
  - name: 态度
    weight: 20
    items: [{rating: attitude.responsibility, weight: 100}]
deductions: [{metric: compliance_violations, points_each: 2, max: 10}]
grades: [[90, 金牌], [80, 银牌], [0, 待改进]]
bonus:
  coefficients: {金牌: 1.2, 银牌: 1.0, 待改进: 0.5}
  commission:
    metric: cs_sales
    method: progressive
    tiers: [[0, 0.01], [10000, 0.015], [20000, 0.02], [30000, 0.025]]
  pool: {amount: 1000, per: team}
  deductions: [{metric: compliance_violations, yuan_each: 50, max: 120}]
"""

LONG_NAME = "李[测试]/客服:超长名字ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def person(sid: str, name: str, level: str, team: str, base: str) -> Subject:
    return Subject(sid, name, role="presale_cs", level=level, team=team, bonus_base=D(base))


PEOPLE = [
    person("s001", "王芳", "junior", "A组", "2000"),
    person("s002", "王芳", "senior", "A组", "3000"),
    person("s003", LONG_NAME, "junior", "B组", "1500"),
    person("s004", "张伟", "junior", "A组", "1800"),
]
VALUES = [
    obs("s001", "inquiry_to_paid_rate", "0.46"), obs("s001", "cs_sales", "22000"),
    obs("s001", "compliance_violations", "1"),
    obs("s002", "inquiry_to_paid_rate", "0.42"), obs("s002", "cs_sales", "40000"),
    obs("s003", "inquiry_to_paid_rate", "0.30"), obs("s003", "cs_sales", "8000"),
    pending("s004", "inquiry_to_paid_rate", "9", "20"), obs("s004", "cs_sales", "20000"),
]  # fmt: skip
RATINGS = {
    ("s001", "attitude.responsibility"): D(80),
    ("s002", "attitude.responsibility"): D(85),
    ("s004", "attitude.responsibility"): D(70),
}


@dataclass(frozen=True)
class Period:
    plan: LoadedPlan
    cards: tuple[Scorecard, ...]
    pay: list[PayLine]


def scored() -> Period:
    """The fixture period through the real engine and pay."""
    lp = loaded(PLAN_YAML, "plans/售前-导出.yaml")
    run = score([lp.plan], ScoringInput("2026-11", PEOPLE, VALUES, RATINGS))
    assert not run.unmatched and not run.ambiguous
    return Period(lp, run.cards, pay(lp.plan, run.cards, Facts(VALUES)))
