"""How numbers and names appear in explanations (Chinese, no trailing zeros)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.plan import Item
from shopkpi.scoring.rubric import find_criterion

_Q4 = Decimal("0.0001")


def num(x: Decimal) -> str:
    """At most 4 decimals, no trailing zeros: ``0.45``, ``20000``, ``78.5``."""
    return f"{x.quantize(_Q4, rounding=ROUND_HALF_UP).normalize():f}"


def pct(x: Decimal) -> str:
    """A share as a percentage with one decimal: ``0.6`` → ``60%``."""
    return f"{(x * 100).quantize(Decimal('0.1'), rounding=ROUND_HALF_UP).normalize():f}%"


def item_label(it: Item) -> str:
    """The Chinese label of an item: its ``label``, the metric's name or ``态度.责任心``."""
    if it.label:
        return it.label
    if it.metric:
        return metric_label(it.metric)
    c = find_criterion(it.rating or "")
    return c.full_label if c else it.key
