"""Pay (绩效工资): bonus = 绩效基数 × grade coefficient + commission + pool share − deductions.

Money is Decimal and every amount is rounded to cents, half up. The bonus is never negative.

- Commission (提成) on credited sales with tiered rates, ``[[lower bound, rate], …]``:
  progressive (分段累进) charges each bracket at its own rate; whole-bracket (全额) charges
  all sales at the rate of the highest bracket reached. ¥35,000 against 1% / 1.5% / 2% /
  2.5% at 0 / 10k / 20k / 30k: progressive 100 + 150 + 200 + 125 = ¥575; whole ¥875.
- A pool (奖金池) splits in proportion to total score among eligible people: total ≥
  ``min_score``, a grade, and (by default) not the plan's lowest grade. Shares are cut to
  cents and the leftover cents go to the largest remainders, so they sum to the pool.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.functions import CENT
from shopkpi.scoring.inputs import Facts
from shopkpi.scoring.items import observed
from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.plan import Bonus, MoneyDeduction, Pair, Plan, Pool
from shopkpi.scoring.scorecard import Scorecard
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.text import num
from shopkpi.scoring.vocab import CommissionMethod, LineStatus, PoolGroup

ZERO = Decimal(0)


def cents(x: Decimal) -> Decimal:
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def commission(sales: Decimal, tiers: Sequence[Pair], method: CommissionMethod) -> Decimal:
    """Tiered commission on ``sales`` (lower bounds inclusive), rounded to cents."""
    ordered = sorted(tiers, key=lambda t: t[0])
    if sales <= 0 or not ordered:
        return ZERO
    if method is CommissionMethod.whole_bracket:
        rate = next((r for b, r in reversed(ordered) if sales >= b), ZERO)
        return cents(sales * rate)
    uppers = [b for b, _ in ordered[1:]] + [sales]
    parts = (
        r * max(min(sales, upper) - b, ZERO) for (b, r), upper in zip(ordered, uppers, strict=True)
    )
    return cents(sum(parts, ZERO))


def split_pool(amount: Decimal, scores: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """``amount`` split in proportion to ``scores`` (ids → score); cents add up exactly."""
    total = sum((v for v in scores.values() if v > 0), ZERO)
    if total <= 0:
        return {k: ZERO for k in scores}
    exact = {k: amount * max(v, ZERO) / total for k, v in scores.items()}
    shares = {k: v.quantize(CENT, rounding=ROUND_DOWN) for k, v in exact.items()}
    left = int((cents(amount) - sum(shares.values(), ZERO)) / CENT)
    for k in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), k))[:left]:
        shares[k] += CENT
    return shares


@dataclass(frozen=True)
class PayLine:
    """One person's pay from their scorecard, with each step explained."""

    subject: Subject
    grade: str | None
    score: Decimal
    bonus_base: Decimal
    coefficient: Decimal
    performance_pay: Decimal
    sales: Decimal | None
    commission: Decimal
    pool_share: Decimal
    deductions: Decimal
    bonus: Decimal
    status: LineStatus
    lines: tuple[str, ...]


def pay(plan: Plan, cards: Sequence[Scorecard], facts: Facts) -> list[PayLine]:
    """Pay of everyone scored with ``plan`` (empty when the plan has no ``bonus``)."""
    if plan.bonus is None:
        return []
    bonus = plan.bonus
    pools = _pools(plan, bonus.pool, cards) if bonus.pool else {}
    return [_line(bonus, c, pools.get(c.subject.id, ZERO), facts) for c in cards]


def eligible(plan: Plan, pool: Pool, card: Scorecard) -> bool:
    """Pool eligibility: a grade, total ≥ ``min_score``, not the lowest grade (by default)."""
    lowest = min(plan.grades, key=lambda g: g[0])[1] if plan.grades else None
    if card.grade is None or card.total < pool.min_score:
        return False
    return not (pool.exclude_lowest_grade and card.grade == lowest)


def _pools(plan: Plan, pool: Pool, cards: Sequence[Scorecard]) -> dict[str, Decimal]:
    groups: dict[str, dict[str, Decimal]] = {}
    for c in cards:
        key = (c.subject.team or "") if pool.per is PoolGroup.team else "*"
        members = groups.setdefault(key, {})
        if eligible(plan, pool, c):
            members[c.subject.id] = c.total
    out: dict[str, Decimal] = {}
    for members in groups.values():
        out |= split_pool(pool.amount, members)
    return out


def _line(bonus: Bonus, card: Scorecard, pool_share: Decimal, facts: Facts) -> PayLine:
    s = card.subject
    base = s.bonus_base or ZERO
    coef = bonus.coefficients.get(card.grade or "", ZERO)
    perf = cents(base * coef)
    lines = [
        f"绩效工资：绩效基数 {num(base)} × {card.grade or '无档位'}系数 {num(coef)} = {num(perf)}"
    ]
    statuses = [card.status]
    sales, comm = None, ZERO
    if bonus.commission is not None:
        c = bonus.commission
        sales, status, _ = observed(facts.get(EntityKind(s.kind.value), s.id, c.metric))
        statuses.append(status)
        comm = commission(sales or ZERO, c.tiers, c.method)
        lines.append(
            f"提成（{c.method.label}）：{metric_label(c.metric)} {num(sales or ZERO)} → {num(comm)}"
        )
    if pool_share:
        lines.append(f"奖金池分配：按总分占比 → {num(pool_share)}")
    deducted = ZERO
    for d in bonus.deductions:
        amount, status, text = _money_deduction(d, s, facts)
        statuses.append(status)
        deducted += amount
        if amount:
            lines.append(text)
    total = max(perf + comm + pool_share - deducted, ZERO)
    status = LineStatus.pending if LineStatus.pending in statuses else LineStatus.final
    return PayLine(
        s,
        card.grade,
        card.total,
        base,
        coef,
        perf,
        sales,
        comm,
        pool_share,
        deducted,
        cents(total),
        status,
        tuple(lines),
    )


def _money_deduction(
    d: MoneyDeduction, s: Subject, facts: Facts
) -> tuple[Decimal, LineStatus, str]:
    count, status, _ = observed(facts.get(EntityKind(s.kind.value), s.id, d.metric))
    amount = count * d.yuan_each if count is not None and count > 0 else ZERO
    if d.max is not None:
        amount = min(amount, d.max)
    label = d.label or metric_label(d.metric)
    return (
        cents(amount),
        status,
        f"扣款：{label} {num(count or ZERO)} 次 × {num(d.yuan_each)} 元 = {num(cents(amount))}",
    )
