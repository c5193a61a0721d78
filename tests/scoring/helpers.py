"""Scoring test helpers: plans from literal YAML, observations and subjects in one line."""

from __future__ import annotations

import textwrap
from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.inputs import Observation
from shopkpi.scoring.load import LoadedPlan, parse_plan
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.vocab import LineStatus

D = Decimal


def loaded(text: str, name: str = "plan.yaml") -> LoadedPlan:
    """Parse literal plan YAML (dedented); fail the test on any parse error."""
    lp, found = parse_plan(textwrap.dedent(text), name)
    assert lp is not None, [str(f) for f in found]
    return lp


def plan(text: str) -> Plan:
    return loaded(text).plan


def staff(
    sid: str,
    level: str = "junior",
    team: str = "A组",
    role: str = "presale_cs",
    bonus_base: str = "1500",
) -> Subject:
    return Subject(sid, f"员工{sid}", role=role, level=level, team=team, bonus_base=D(bonus_base))


def obs(
    entity_id: str, metric: str, value: str | None, kind: EntityKind = EntityKind.staff
) -> Observation:
    return Observation(kind, entity_id, metric, None if value is None else D(value))


def pending(entity_id: str, metric: str, numerator: str, denominator: str) -> Observation:
    return Observation(
        EntityKind.staff, entity_id, metric, None, LineStatus.pending, D(numerator), D(denominator)
    )


# 业绩 80 (转化率 tiers 40 + 客服销售额 linear 60, per-level target) / 态度 20 (a rating),
# with a deduction, a gate and grades: DESIGN §7's example, trimmed.
BASIC = """
plan: 售前-测试
applies_to: {role: presale_cs}
period: month
sections:
  - name: 业绩
    weight: 80
    items:
      - metric: inquiry_to_paid_rate
        weight: 40
        score: {tiers: [[0.45, 100], [0.40, 80], [0.35, 60]], else: 0}
      - metric: cs_sales
        weight: 60
        target: {junior: 20000, senior: 30000}
        score: {linear: {floor: 0.5, cap: 1.2}}
  - name: 态度
    weight: 20
    items: [{rating: attitude.responsibility, weight: 100}]
deductions: [{metric: compliance_violations, points_each: 2, max: 10}]
gates: [{when: "compliance_violations_serious > 3", cap_total: 60}]
grades: [[90, 金牌], [80, 银牌], [70, 铜牌], [0, 待改进]]
"""
