"""How values read to people: percentages, seconds, yuan, and 待定 for pending values."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shopkpi.metrics.model import MetricDef, Unit
from shopkpi.metrics.store import MetricValue

PENDING = "待定"


def format_number(unit: Unit, value: Decimal) -> str:
    """A value in its unit's usual form (ratio → percent with 2 decimals)."""
    match unit:
        case Unit.ratio:
            return f"{_q(value * 100, '0.01')}%"
        case Unit.yuan:
            return f"{_q(value, '0.01'):,}"
        case Unit.seconds | Unit.multiple | Unit.score | Unit.per_hundred:
            return str(_q(value, "0.01"))
        case _:
            whole = value == value.to_integral_value()
            return f"{int(value):,}" if whole else str(_q(value, "0.01"))


def format_value(metric: MetricDef, v: MetricValue | None, *, compact: bool = False) -> str:
    """The cell text: the value, ``待定（暂 …）`` while pending (``compact``: ``…*``), and
    ``—`` when undefined."""
    if v is None:
        return "—"
    if v.pending:
        provisional = provisional_value(v)
        if provisional is None:
            return PENDING
        shown = format_number(metric.unit, provisional)
        return f"{shown}*" if compact else f"{PENDING}（暂 {shown}）"
    return "—" if v.value is None else format_number(metric.unit, v.value)


def provisional_value(v: MetricValue) -> Decimal | None:
    """What a pending value would be now (never stored as the value)."""
    if v.numerator is None:
        return None
    if v.denominator is None:
        return v.numerator
    return None if v.denominator == 0 else v.numerator / v.denominator


def plain(value: Decimal | None) -> str | None:
    """A decimal as exact text without trailing zeros (JSON and CSV)."""
    if value is None:
        return None
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "") else text


def _q(value: Decimal, step: str) -> Decimal:
    return value.quantize(Decimal(step), rounding=ROUND_HALF_UP)
