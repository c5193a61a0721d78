"""Scoring functions: a value (and a target) in, points out. Pure Decimal arithmetic.

Rounding: points are rounded to 2 decimals, half up (:func:`round_points`), once, at the end
of each function; achievements are kept exact and shown to 4 decimals. docs/plans.md gives a
worked example of each function.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

HUNDRED = Decimal(100)
ZERO = Decimal(0)
CENT = Decimal("0.01")


def round_points(x: Decimal) -> Decimal:
    """Points and contributions: 2 decimals, ROUND_HALF_UP."""
    return x.quantize(CENT, rounding=ROUND_HALF_UP)


def achievement(value: Decimal, target: Decimal) -> Decimal:
    """达成率 = actual / target (higher is better); the target must be positive."""
    return value / target


def reverse_achievement(value: Decimal, target: Decimal) -> Decimal | None:
    """达成率 for a lower-is-better metric = target / actual; ``None`` when actual ≤ 0
    (nothing to beat: the best possible result)."""
    return target / value if value > 0 else None


def linear(ach: Decimal | None, floor: Decimal = ZERO, cap: Decimal = Decimal(1)) -> Decimal:
    """Linear to target with a floor and a cap.

    Achievement at or below ``floor`` scores 0; between floor and 1 it rises linearly to
    100 at the target; above target it rises proportionally (achievement × 100) up to
    ``cap`` × 100. ``None`` (an unbeatable reverse value) scores the cap.
    """
    if ach is None:
        return round_points(cap * HUNDRED)
    if ach <= floor:
        return ZERO
    if ach < 1:
        return round_points(HUNDRED * (ach - floor) / (1 - floor))
    return round_points(HUNDRED * min(ach, cap))


def reverse(
    value: Decimal, target: Decimal, floor: Decimal = ZERO, cap: Decimal = Decimal(1)
) -> Decimal:
    """Lower is better: :func:`linear` on target / value (at target → 100)."""
    return linear(reverse_achievement(value, target), floor, cap)


def tiers_at_least(
    value: Decimal, tiers: Sequence[tuple[Decimal, Decimal]], otherwise: Decimal = ZERO
) -> Decimal:
    """Step tiers, lower bounds inclusive: the points of the highest bound ≤ value, else
    ``otherwise`` (the plan's ``else``, default 0)."""
    for bound, points in sorted(tiers, key=lambda t: t[0], reverse=True):
        if value >= bound:
            return round_points(points)
    return round_points(otherwise)


def tiers_at_most(
    value: Decimal, tiers: Sequence[tuple[Decimal, Decimal]], otherwise: Decimal = ZERO
) -> Decimal:
    """Step tiers for lower-is-better values, upper bounds inclusive: the points of the
    lowest bound ≥ value (≤35 s → 100, ≤45 s → 80), else ``otherwise``."""
    for bound, points in sorted(tiers, key=lambda t: t[0]):
        if value <= bound:
            return round_points(points)
    return round_points(otherwise)


def pass_fail(
    value: Decimal,
    at_least: Decimal | None = None,
    at_most: Decimal | None = None,
    passed: Decimal = HUNDRED,
    failed: Decimal = ZERO,
) -> Decimal:
    """``passed`` points when value ≥ ``at_least`` and value ≤ ``at_most`` (bounds
    inclusive, each optional), else ``failed``."""
    ok = (at_least is None or value >= at_least) and (at_most is None or value <= at_most)
    return round_points(passed if ok else failed)


def rank_percentile(
    value: Decimal, group: Sequence[Decimal], higher_is_better: bool = True
) -> Decimal:
    """The share of the rest of the group this value beats, × 100: best 100, worst 0.

    Ties beat nobody they tie with, so equal values score equal points. A group of one
    scores 100. ``group`` includes ``value`` itself.
    """
    others = len(group) - 1
    if others <= 0:
        return HUNDRED
    beaten = sum(1 for v in group if (v < value if higher_is_better else v > value))
    return round_points(HUNDRED * beaten / others)


def per_event(count: Decimal, points_each: Decimal, maximum: Decimal | None = None) -> Decimal:
    """``count × points_each``, clamped to ``0..maximum`` (no maximum: no upper clamp)."""
    points = max(count * points_each, ZERO)
    if maximum is not None:
        points = min(points, maximum)
    return round_points(points)


def direct(value: Decimal) -> Decimal:
    """A manual rating used as points, clamped to the rubric's 0–100."""
    return round_points(min(max(value, ZERO), HUNDRED))
