"""Commission (progressive and whole-bracket), pool split and the bonus formula."""

from __future__ import annotations

from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import Facts, ScoringInput
from shopkpi.scoring.pay import commission, pay, split_pool
from shopkpi.scoring.vocab import CommissionMethod, LineStatus
from tests.scoring.helpers import D, obs, pending, plan, staff

TIERS = [(D(0), D("0.01")), (D(10000), D("0.015")), (D(20000), D("0.02")), (D(30000), D("0.025"))]
PROGRESSIVE, WHOLE = CommissionMethod.progressive, CommissionMethod.whole_bracket


def test_commission_on_35000_is_575_progressive_and_875_whole_bracket() -> None:
    assert commission(D(35000), TIERS, PROGRESSIVE) == D("575.00")  # 100 + 150 + 200 + 125
    assert commission(D(35000), TIERS, WHOLE) == D("875.00")  # 35000 × 2.5%


def test_commission_at_bracket_bounds() -> None:
    assert commission(D(10000), TIERS, PROGRESSIVE) == D("100.00")
    assert commission(D(10000), TIERS, WHOLE) == D("150.00")  # lower bound inclusive
    assert commission(D("9999.99"), TIERS, WHOLE) == D("100.00")  # 99.9999 → 100.00
    assert commission(D(30000), TIERS, PROGRESSIVE) == D("450.00")
    assert commission(D(0), TIERS, PROGRESSIVE) == D(0)


def test_pool_split_in_proportion_and_to_the_cent() -> None:
    shares = split_pool(D(1000), {"a": D(90), "b": D(80), "c": D(70)})
    # 375, 333.333…, 291.666…: cut to cents leaves 1 cent for the largest remainder (c)
    assert shares == {"a": D("375.00"), "b": D("333.33"), "c": D("291.67")}
    assert split_pool(D(100), {}) == {}
    assert split_pool(D(100), {"a": D(0)}) == {"a": D(0)}


BONUS_PLAN = """
plan: 奖金
sections:
  - name: 业绩
    weight: 100
    items: [{metric: reply_rate, weight: 100, score: {linear: {}}, target: 1}]
grades: [[90, A], [80, B], [0, C]]
bonus:
  coefficients: {A: 1.2, B: 1.0, C: 0.5}
  commission: {metric: cs_sales, method: progressive, tiers: [[0, 0.01], [10000, 0.015], [20000, 0.02], [30000, 0.025]]}
  pool: {amount: 1000, per: team}
  deductions: [{metric: compliance_violations, yuan_each: 50, max: 120}]
"""


def test_bonus_is_base_times_coefficient_plus_commission_plus_pool_minus_deductions() -> None:
    people = [staff("a", bonus_base="2000"), staff("b"), staff("c"), staff("d", team="B组")]
    values = [
        obs("a", "reply_rate", "0.95"), obs("b", "reply_rate", "0.85"), obs("c", "reply_rate", "0.5"),
        obs("d", "reply_rate", "0.9"),
        obs("a", "cs_sales", "35000"), obs("a", "compliance_violations", "3"),
        pending("b", "cs_sales", "12000", "1"),
    ]  # fmt: skip
    data = ScoringInput("2026-10", people, values)
    p = plan(BONUS_PLAN)
    lines = {line.subject.id: line for line in pay(p, score([p], data).cards, Facts(values))}
    a = lines["a"]
    # 2000 × 1.2 + 575 + pool (95 / (95 + 85) × 1000 = 527.78) − min(3 × 50, 120)
    assert (a.performance_pay, a.commission, a.pool_share, a.deductions) == (
        D("2400.00"),
        D("575.00"),
        D("527.78"),
        D("120.00"),
    )
    assert a.bonus == D("3382.78") and a.status is LineStatus.final
    b = lines["b"]
    # 1500 × 1.0 + progressive on the provisional 12000 (100 + 30) + 472.22; pending sales
    assert (b.commission, b.pool_share, b.bonus, b.status) == (
        D("130.00"),
        D("472.22"),
        D("2102.22"),
        LineStatus.pending,
    )
    c = lines["c"]  # the lowest grade: no pool share
    assert (c.grade, c.pool_share, c.bonus) == ("C", D(0), D("750.00"))
    assert lines["d"].pool_share == D("1000.00")  # alone in B组's pool
    assert a.lines[0] == "绩效工资：绩效基数 2000 × A系数 1.2 = 2400"
