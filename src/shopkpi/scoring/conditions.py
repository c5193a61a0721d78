"""Conditions of gates and links: ``"compliance_violations_serious > 3"`` or a mapping.

The text form is parsed by one regular expression (never ``eval``): a metric id, an
operator (``> >= < <= == !=``) and a number, optionally a percentage (``5%`` = 0.05).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from shopkpi.scoring.plan import ConditionSpec, When
from shopkpi.scoring.vocab import Op

_TEXT = re.compile(
    r"^\s*(?P<metric>[A-Za-z_][A-Za-z0-9_]*)\s*(?P<op>>=|<=|==|!=|>|<)\s*"
    r"(?P<value>[-+]?\d+(?:\.\d+)?)\s*(?P<pct>%?)\s*$"
)


class ConditionError(ValueError):
    """A condition text that is not ``metric op number``."""


def parse_condition(when: When) -> ConditionSpec:
    """The condition as a :class:`ConditionSpec`.

    Raises:
        ConditionError: the text is not ``metric op number``.
    """
    if isinstance(when, ConditionSpec):
        return when
    m = _TEXT.match(when)
    if m is None:
        raise ConditionError(
            f"条件 {when!r} 写法不对，应为「指标 比较符 数值」，如 compliance_violations_serious > 3"
        )
    try:
        value = Decimal(m.group("value"))
    except InvalidOperation as exc:  # pragma: no cover - the regex admits only numbers
        raise ConditionError(str(exc)) from exc
    if m.group("pct"):
        value = value / 100
    return ConditionSpec(metric=m.group("metric"), op=Op(m.group("op")), value=value)


def holds(value: Decimal, op: Op, bound: Decimal) -> bool:
    """``value op bound``."""
    match op:
        case Op.gt:
            return value > bound
        case Op.ge:
            return value >= bound
        case Op.lt:
            return value < bound
        case Op.le:
            return value <= bound
        case Op.eq:
            return value == bound
        case Op.ne:
            return value != bound


def describe(spec: ConditionSpec) -> str:
    """``metric op value`` for explanations."""
    return f"{spec.metric} {spec.op.value} {spec.value.normalize():f}"
