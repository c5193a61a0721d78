"""Exact decomposition of a GMV change (LMDI-I, additive): GMV = 访客数 × 转化率 × 客单价.

For ``V = x_1 × … × x_n`` between a base period (0) and a current period (1), the effect of
factor ``k`` is ``L(V1, V0) × ln(x_k1 / x_k0)`` with the logarithmic mean
``L(a, b) = (a − b) / (ln a − ln b)``, ``L(a, a) = a``. Because ``Σ_k ln(x_k1/x_k0) =
ln(V1/V0)``, the effects sum to ``V1 − V0`` with no residual (Ang, 2004). Per segment
(channel, category: ``GMV_i = V_i × CR_i × AOV_i``) the effects are summed over segments,
and still add to the total change exactly.

Zero values follow the limit of the small-value strategy (replace 0 by ε, ε → 0; Ang & Liu,
2007): when the product is 0 in one period, the factors that are 0 there share the whole
change equally and every other factor gets 0 (visitors 1000 → 0: the visitors effect is
−GMV0). A ratio factor that is undefined in a period (转化率 with no visitors, 客单价 with no
buyers) takes the other period's value, so it gets no effect; undefined in both, it is 1.
Negative factors are refused (ValueError): LMDI needs non-negative factors.

Displayed in cents, each effect but the last is rounded half-up to 0.01 and the last takes
the remainder, so the cents shown add up exactly to the change in cents.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

Number = Decimal | float | int
CENT = Decimal("0.01")


class Factor(StrEnum):
    """A multiplicative factor of GMV; ``label`` is what users read."""

    visitors = "visitors"
    conversion = "conversion"
    aov = "aov"
    orders = "orders"
    order_value = "order_value"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Factor.visitors: "流量",
    Factor.conversion: "流量转化",
    Factor.aov: "客单价",
    Factor.orders: "订单数",
    Factor.order_value: "笔单价",
}


def log_mean(a: float, b: float) -> float:
    """The logarithmic mean L(a, b) = (a − b) / (ln a − ln b); L(a, a) = a; 0 if either is 0."""
    if a <= 0 or b <= 0:
        return 0.0
    if a == b:
        return a
    return (a - b) / (math.log(a) - math.log(b))


def lmdi(base: Sequence[float], current: Sequence[float]) -> list[float]:
    """Additive LMDI-I effects of each factor; they sum to Π current − Π base."""
    if len(base) != len(current):
        raise ValueError("base and current need the same factors")
    if any(x < 0 for x in (*base, *current)):
        raise ValueError("LMDI needs non-negative factors")
    v0, v1 = math.prod(base), math.prod(current)
    if v0 > 0 and v1 > 0:
        weight = log_mean(v1, v0)
        return [weight * math.log(c / b) for b, c in zip(base, current, strict=True)]
    if v0 == v1:  # both 0
        return [0.0] * len(base)
    zero_side = current if v1 == 0 else base
    zeros = [x == 0 for x in zero_side]
    share = (v1 - v0) / sum(zeros)
    return [share if z else 0.0 for z in zeros]


@dataclass(frozen=True)
class Funnel:
    """One period of a shop or segment: 访客数, 支付买家数, 支付金额 (GMV)."""

    visitors: Number
    buyers: Number
    gmv: Number

    @property
    def conversion(self) -> float | None:
        return float(self.buyers) / float(self.visitors) if self.visitors else None

    @property
    def aov(self) -> float | None:
        return float(self.gmv) / float(self.buyers) if self.buyers else None


@dataclass(frozen=True)
class Decomposition:
    """Effects per factor (yuan) of a change from ``base`` to ``current``."""

    base: Decimal
    current: Decimal
    effects: dict[Factor, float]
    relative: dict[Factor, float | None]  # x1/x0 − 1 per factor (None: undefined)

    @property
    def change(self) -> Decimal:
        return self.current - self.base

    def cents(self) -> dict[Factor, Decimal]:
        """Effects in cents; the last factor absorbs rounding so they add to the change."""
        return dict(
            zip(self.effects, to_cents(list(self.effects.values()), self.change), strict=True)
        )

    def dominant(self) -> Factor:
        """The factor with the largest effect in the direction of the change."""
        sign = -1 if self.change < 0 else 1
        return max(self.effects, key=lambda f: sign * self.effects[f])


def to_cents(effects: Sequence[float], change: Decimal) -> list[Decimal]:
    """Round each effect but the last to 0.01; the last is the remainder of ``change``."""
    if not effects:
        return []
    head = [Decimal(repr(e)).quantize(CENT, ROUND_HALF_UP) for e in effects[:-1]]
    return [*head, change.quantize(CENT, ROUND_HALF_UP) - sum(head, Decimal(0))]


def _pair(a: float | None, b: float | None) -> tuple[float, float]:
    """Undefined ratios take the other period's value (or 1 when both are undefined)."""
    a2 = a if a is not None else b
    b2 = b if b is not None else a
    return (a2 if a2 is not None else 1.0), (b2 if b2 is not None else 1.0)


def _relative(a: float, b: float) -> float | None:
    return b / a - 1 if a else None


def decompose_factors(
    factors: Sequence[Factor], base: Sequence[float], current: Sequence[float]
) -> Decomposition:
    """LMDI over explicit factor values; base/current GMV are the products."""
    effects = lmdi(base, current)
    return Decomposition(
        Decimal(repr(math.prod(base))),
        Decimal(repr(math.prod(current))),
        dict(zip(factors, effects, strict=True)),
        {f: _relative(b, c) for f, b, c in zip(factors, base, current, strict=True)},
    )


def decompose_gmv(base: Funnel, current: Funnel) -> Decomposition:
    """GMV = 访客数 × 转化率 × 客单价 from base to current; effects sum to ΔGMV."""
    cr0, cr1 = _pair(base.conversion, current.conversion)
    aov0, aov1 = _pair(base.aov, current.aov)
    b = [float(base.visitors), cr0, aov0]
    c = [float(current.visitors), cr1, aov1]
    effects = lmdi(b, c)
    factors = (Factor.visitors, Factor.conversion, Factor.aov)
    return Decomposition(
        Decimal(str(base.gmv)),
        Decimal(str(current.gmv)),
        dict(zip(factors, effects, strict=True)),
        {f: _relative(x0, x1) for f, x0, x1 in zip(factors, b, c, strict=True)},
    )


def decompose_orders(base: tuple[Number, Number], current: tuple[Number, Number]) -> Decomposition:
    """GMV = 订单数 × 笔单价, from (orders, gmv) pairs: the fallback without traffic data."""
    (n0, g0), (n1, g1) = base, current
    v0 = float(g0) / float(n0) if n0 else None
    v1 = float(g1) / float(n1) if n1 else None
    ov0, ov1 = _pair(v0, v1)
    b, c = [float(n0), ov0], [float(n1), ov1]
    effects = lmdi(b, c)
    factors = (Factor.orders, Factor.order_value)
    return Decomposition(
        Decimal(str(g0)),
        Decimal(str(g1)),
        dict(zip(factors, effects, strict=True)),
        {f: _relative(x0, x1) for f, x0, x1 in zip(factors, b, c, strict=True)},
    )


@dataclass(frozen=True)
class SegmentDecomposition:
    """Σ over segments of each segment's effects; ``total`` adds to the total change."""

    total: Decomposition
    segments: dict[str, Decomposition]


def decompose_segments(
    base: Mapping[str, Funnel], current: Mapping[str, Funnel]
) -> SegmentDecomposition:
    """Per-segment LMDI (a segment missing in a period is all zeros there)."""
    empty = Funnel(0, 0, Decimal(0))
    keys = sorted(set(base) | set(current))
    parts = {k: decompose_gmv(base.get(k, empty), current.get(k, empty)) for k in keys}
    factors = (Factor.visitors, Factor.conversion, Factor.aov)
    effects = {f: math.fsum(p.effects[f] for p in parts.values()) for f in factors}
    total_base = _funnel_sum(base.values())
    total_current = _funnel_sum(current.values())
    whole = decompose_gmv(total_base, total_current)
    total = Decomposition(whole.base, whole.current, effects, whole.relative)
    return SegmentDecomposition(total, parts)


def _funnel_sum(funnels: Iterable[Funnel]) -> Funnel:
    items = list(funnels)
    return Funnel(
        sum(float(f.visitors) for f in items),
        sum(float(f.buyers) for f in items),
        sum((Decimal(str(f.gmv)) for f in items), Decimal(0)),
    )
