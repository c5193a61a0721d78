"""The metric catalog's vocabulary: closed sets as enums, a metric as a frozen dataclass.

A metric is computed from a *source*: a row-level table (one row per session, reply round,
inquiry, order, …) carrying ``shop_id``, ``staff_id`` and ``biz_date``. For a metric whose
numerator and denominator add up over days (``additive``), ``numerator``/``denominator`` are
row expressions that are summed; every grain and roll-up is then Σnum/Σden. A metric that
does not add up (distinct buyers across a month, a median, a p90) gives aggregate
expressions instead, evaluated over the rows of each entity × period.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

from shopkpi.ingest.adapters.vocab import EntityKind

MetricId = NewType("MetricId", str)
StaffId = NewType("StaffId", str)

ALL_ENTITIES: frozenset[EntityKind] = frozenset(EntityKind)
SHOP_ONLY: frozenset[EntityKind] = frozenset({EntityKind.shop})


class Unit(StrEnum):
    """What a value counts or measures; ``label`` is the Chinese unit shown to users."""

    buyers = "buyers"
    staff = "staff"
    sessions = "sessions"
    rounds = "rounds"
    messages = "messages"
    chars = "chars"
    orders = "orders"
    items = "items"
    evaluations = "evaluations"
    days = "days"
    yuan = "yuan"
    seconds = "seconds"
    ratio = "ratio"
    multiple = "multiple"
    score = "score"
    per_hundred = "per_hundred"

    @property
    def label(self) -> str:
        return _UNIT_LABELS[self]


_UNIT_LABELS = {
    Unit.buyers: "人",
    Unit.staff: "人",
    Unit.sessions: "次",
    Unit.rounds: "次",
    Unit.messages: "条",
    Unit.chars: "字",
    Unit.orders: "单",
    Unit.items: "件",
    Unit.evaluations: "个",
    Unit.days: "天",
    Unit.yuan: "元",
    Unit.seconds: "秒",
    Unit.ratio: "%",
    Unit.multiple: "倍",
    Unit.score: "分",
    Unit.per_hundred: "处/百条",
}


class Direction(StrEnum):
    """Whether a higher or a lower value is better (scoring and rankings use it)."""

    higher_better = "higher"
    lower_better = "lower"

    @property
    def label(self) -> str:
        return "越高越好" if self is Direction.higher_better else "越低越好"


class MetricKind(StrEnum):
    """count/sum: a total; ratio: Σnum/Σden; mean: Σx/n; distribution: a median, a
    percentile or a bucket share; derived: one metric divided by another."""

    count = "count"  # type: ignore[assignment]  # shadows str.count, never called on a kind
    sum = "sum"
    ratio = "ratio"
    mean = "mean"
    distribution = "distribution"
    derived = "derived"


class Family(StrEnum):
    """Metric families: one SQL builder module each (``metrics/families``)."""

    reception = "reception"
    response = "response"
    conversion = "conversion"
    sales = "sales"
    per_day_worked = "per_day_worked"
    aftersale = "aftersale"
    resolution = "resolution"
    labour = "labour"
    quality = "quality"

    @property
    def label(self) -> str:
        return _FAMILY_LABELS[self]


_FAMILY_LABELS = {
    Family.reception: "接待",
    Family.response: "响应",
    Family.conversion: "转化",
    Family.sales: "销售",
    Family.per_day_worked: "日均（按上班天数）",
    Family.aftersale: "售后与满意度",
    Family.resolution: "问题解决与催付",
    Family.labour: "人效",
    Family.quality: "质检",
}


class Grain(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    custom = "custom"


class Status(StrEnum):
    """final: the number will not change; pending: a buffer has not passed yet (待定)."""

    final = "final"
    pending = "pending"


class DenominatorScope(StrEnum):
    """Where a derived metric takes its denominator: the same entity, or its whole shop."""

    same = "same"
    shop = "shop"


@dataclass(frozen=True)
class MetricDef:
    """One metric, defined once.

    Attributes:
        id: the GLOSSARY identifier (``inquiry_to_paid_rate``).
        name: the Chinese name users see (询单→最终付款转化率).
        family, unit, direction, kind: see the enums.
        formula: the formula in words, Chinese (shown by ``shopkpi metrics``).
        source: the row source step (``ms_*``); ``None`` for a derived metric.
        numerator: additive: a row expression summed over rows; non-additive: an aggregate
            expression; derived: the id of the numerator metric.
        denominator: like ``numerator``; ``None`` for a count or a total (value = numerator).
        additive: numerator and denominator add up over days and entities.
        pending: a row expression, 1 for a row whose outcome is not final yet.
        entities: the entity kinds the metric is computed for.
        den_scope: derived only: denominator from the same entity or from its shop.
        description: why the metric exists, the rule behind it, and its caveats.
    """

    id: MetricId
    name: str
    family: Family
    unit: Unit
    direction: Direction
    kind: MetricKind
    formula: str
    source: str | None
    numerator: str
    denominator: str | None = None
    additive: bool = True
    pending: str | None = None
    entities: frozenset[EntityKind] = field(default=ALL_ENTITIES)
    den_scope: DenominatorScope = DenominatorScope.same
    description: str = ""

    @property
    def is_derived(self) -> bool:
        return self.kind is MetricKind.derived

    @property
    def may_be_pending(self) -> bool:
        return self.pending is not None


def metric(
    id: str,
    name: str,
    family: Family,
    unit: Unit,
    kind: MetricKind,
    formula: str,
    source: str | None,
    numerator: str,
    denominator: str | None = None,
    *,
    lower_is_better: bool = False,
    additive: bool = True,
    pending: str | None = None,
    entities: frozenset[EntityKind] = ALL_ENTITIES,
    den_scope: DenominatorScope = DenominatorScope.same,
    description: str = "",
) -> MetricDef:
    """Shorthand used by the family modules."""
    return MetricDef(
        MetricId(id),
        name,
        family,
        unit,
        Direction.lower_better if lower_is_better else Direction.higher_better,
        kind,
        formula,
        source,
        numerator,
        denominator,
        additive,
        pending,
        entities,
        den_scope,
        description,
    )
