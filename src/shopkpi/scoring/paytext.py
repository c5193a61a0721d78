"""Pay explained in Chinese, with the arithmetic written out (scorecards, exports).

Staff accept commission only when they can redo the sum (FIELD §3), so the commission line
shows every bracket: ``分段累进：10000 × 1% + 10000 × 1.5% + 10000 × 2% + 5000 × 2.5% =
100 + 150 + 200 + 125 = 575``; whole-bracket shows ``全额：35000 × 2.5% = 875``.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.pay import PayLine, cents
from shopkpi.scoring.plan import Bonus, Pair
from shopkpi.scoring.text import num
from shopkpi.scoring.vocab import CommissionMethod

ZERO = Decimal(0)
COMMISSION = "提成"  # the prefix of pay.py's commission line, replaced by the worked one


def commission_math(sales: Decimal, tiers: Sequence[Pair], method: CommissionMethod) -> str:
    """The commission on ``sales`` as a worked sum (the result equals ``pay.commission``)."""
    ordered = sorted(tiers, key=lambda t: t[0])
    if sales <= 0 or not ordered or sales < ordered[0][0]:
        return "未达到最低档，提成 0"
    if method is CommissionMethod.whole_bracket:
        bound, rate = next((b, r) for b, r in reversed(ordered) if sales >= b)
        return f"{num(sales)} × {_rate(rate)} = {num(cents(sales * rate))}（达到 {num(bound)} 档，全部按该档比例）"
    uppers = [b for b, _ in ordered[1:]] + [sales]
    spans = [
        (min(sales, upper) - b, r)
        for (b, r), upper in zip(ordered, uppers, strict=True)
        if min(sales, upper) > b
    ]
    terms = " + ".join(f"{num(amount)} × {_rate(rate)}" for amount, rate in spans)
    parts = " + ".join(num(cents(amount * rate)) for amount, rate in spans)
    total = cents(sum((amount * rate for amount, rate in spans), ZERO))
    return f"{terms} = {parts} = {num(total)}" if len(spans) > 1 else f"{terms} = {num(total)}"


def bonus_lines(bonus: Bonus, line: PayLine) -> list[str]:
    """pay.py's lines, with the commission line worked out, then the bonus sum."""
    lines = list(line.lines)
    c = bonus.commission
    if c is not None:
        sales = line.sales or ZERO
        worked = (
            f"{COMMISSION}（{c.method.label}）：{metric_label(c.metric)} {num(sales)}，"
            f"{commission_math(sales, c.tiers, c.method)}"
        )
        lines = [worked if text.startswith(COMMISSION) else text for text in lines]
    lines.append(
        f"奖金 = 绩效工资 {num(line.performance_pay)} + 提成 {num(line.commission)}"
        f" + 奖金池 {num(line.pool_share)} − 扣款 {num(line.deductions)} = {num(line.bonus)}"
    )
    return lines


def _rate(rate: Decimal) -> str:
    return f"{num(rate * 100)}%"
