"""Grades (lower bounds inclusive) and forced distribution."""

from __future__ import annotations

from decimal import Decimal

from shopkpi.scoring.grades import force_distribution, grade_of
from shopkpi.scoring.scorecard import Scorecard
from shopkpi.scoring.vocab import LineStatus
from tests.scoring.helpers import D, staff

GRADES = ((D(90), "金牌"), (D(80), "银牌"), (D(70), "铜牌"), (D(0), "待改进"))
ABC = ((D(90), "A"), (D(80), "B"), (D(0), "C"))


def test_grade_lower_bounds_are_inclusive() -> None:
    assert grade_of(GRADES, D("90.00")) == "金牌"
    assert grade_of(GRADES, D("89.99")) == "银牌"
    assert grade_of(GRADES, D(70)) == "铜牌"
    assert grade_of(GRADES, D(0)) == "待改进"
    assert grade_of(((D(60), "合格"),), D(59)) is None


def cards(*totals: str) -> list[Scorecard]:
    out = []
    for n, t in enumerate(totals):
        total = Decimal(t)
        out.append(
            Scorecard(
                "p",
                None,
                staff(f"s{n}"),
                "2026-10",
                (),
                (),
                (),
                (),
                total,
                total,
                grade_of(ABC, total),
                LineStatus.final,
            )
        )
    return out


def test_forced_distribution_moves_the_overflow_down() -> None:
    result = force_distribution(ABC, {"A": D("0.2")}, cards("95", "93", "91", "85", "50"))
    assert [c.grade for c in result] == ["A", "B", "B", "B", "C"]  # quota 0.2 × 5 = 1
    assert (
        result[1].applied[-1].text == "强制分布：A名额 1 人（20% × 5 人），本人总分排第 2，由A降为B"
    )


def test_forced_distribution_keeps_ties_together_and_cascades() -> None:
    tied = force_distribution(ABC, {"A": D("0.2")}, cards("95", "95", "91", "85", "50"))
    assert [c.grade for c in tied] == ["A", "A", "B", "B", "C"]
    cascade = force_distribution(
        ABC, {"A": D("0.2"), "B": D("0.2")}, cards("95", "93", "91", "85", "50")
    )
    assert [c.grade for c in cascade] == ["A", "B", "C", "C", "C"]


def test_quota_rounds_half_up() -> None:
    # 0.25 × 6 = 1.5 → 2 people may hold A
    result = force_distribution(ABC, {"A": D("0.25")}, cards("99", "98", "97", "96", "10", "5"))
    assert [c.grade for c in result] == ["A", "A", "B", "B", "C", "C"]
