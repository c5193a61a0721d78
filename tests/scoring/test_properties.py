"""Invariants: scores never fall as a higher-is-better metric improves; section
contributions always add up to the total."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from shopkpi.scoring import functions as fn
from shopkpi.scoring.engine import score
from shopkpi.scoring.inputs import ScoringInput
from tests.scoring.helpers import BASIC, obs, plan, staff

money = st.decimals(min_value=0, max_value=200000, places=2)
rate = st.decimals(min_value=0, max_value=1, places=4)
points = st.decimals(min_value=0, max_value=100, places=0)
BASIC_PLAN = plan(BASIC)


@given(a=rate, b=rate, floor=st.decimals(0, "0.9", places=2), cap=st.decimals(1, 2, places=2))
def test_linear_is_monotonic(a: Decimal, b: Decimal, floor: Decimal, cap: Decimal) -> None:
    lo, hi = sorted((a, b))
    assert fn.linear(lo * 2, floor, cap) <= fn.linear(hi * 2, floor, cap)


@given(a=rate, b=rate, bounds=st.lists(rate, min_size=1, max_size=5, unique=True))
def test_tiers_with_descending_points_are_monotonic(
    a: Decimal, b: Decimal, bounds: list[Decimal]
) -> None:
    ordered = sorted(bounds, reverse=True)
    tiers = [(bound, Decimal(100 - 10 * n)) for n, bound in enumerate(ordered)]
    lo, hi = sorted((a, b))
    assert fn.tiers_at_least(lo, tiers) <= fn.tiers_at_least(hi, tiers)


@settings(max_examples=60, deadline=None)
@given(
    sales=st.tuples(money, money),
    conv=rate,
    rating=points,
    level=st.sampled_from(["junior", "senior"]),
)
def test_total_never_falls_as_sales_improve(
    sales: tuple[Decimal, Decimal], conv: Decimal, rating: Decimal, level: str
) -> None:
    lo, hi = sorted(sales)

    def total(value: Decimal) -> Decimal:
        values = [obs("s", "cs_sales", str(value)), obs("s", "inquiry_to_paid_rate", str(conv))]
        data = ScoringInput(
            "2026-10", [staff("s", level)], values, {("s", "attitude.responsibility"): rating}
        )
        return score([BASIC_PLAN], data).cards[0].total

    assert total(lo) <= total(hi)


weights = st.lists(st.integers(1, 50), min_size=1, max_size=4)


def split100(parts: list[int]) -> list[int]:
    """Integer weights proportional to ``parts`` that sum to exactly 100."""
    out = [p * 100 // sum(parts) for p in parts]
    out[0] += 100 - sum(out)
    return out


@settings(max_examples=60, deadline=None)
@given(
    section_parts=weights,
    item_parts=weights,
    values=st.lists(rate, min_size=4, max_size=4),
    rating=points,
)
def test_section_contributions_sum_to_the_total(
    section_parts: list[int], item_parts: list[int], values: list[Decimal], rating: Decimal
) -> None:
    metrics = [
        "reply_rate",
        "satisfaction_rate",
        "reply_within_3min_rate",
        "first_response_within_15s_rate",
    ]
    sections = []
    for s, sw in enumerate(split100(section_parts)):
        items = [
            f"{{metric: {metrics[i]}, weight: {w}, target: 0.9, score: {{linear: {{floor: 0.3, cap: 1.1}}}}}}"
            for i, w in enumerate(split100(item_parts))
        ]
        items.append("{rating: attitude.teamwork, weight: 0}")
        sections.append(f"  - {{name: 部分{s}, weight: {sw}, items: [{', '.join(items)}]}}")
    p = plan("plan: 随机\nsections:\n" + "\n".join(sections) + "\n")
    data = ScoringInput(
        "2026-10",
        [staff("s")],
        [obs("s", m, str(v)) for m, v in zip(metrics, values, strict=True)],
        {("s", "attitude.teamwork"): rating},
    )
    [card] = score([p], data).cards
    assert sum((sec.contribution for sec in card.sections), Decimal(0)) == card.total
    assert sum((line.contribution for line in card.items), Decimal(0)) == card.total
