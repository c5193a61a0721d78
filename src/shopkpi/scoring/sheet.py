"""One person's score as a JSON record: what ``score``, ``scorecard`` and a freeze hold.

A record is plain JSON (Decimals as exact strings), so a frozen snapshot stores exactly
what ``score --format json`` prints, and ``scorecard`` renders a live score and a frozen
one from the same shape. docs/plans.md (Scoring a period) lists every field.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypedDict

from shopkpi.appdb.records import PlanRef
from shopkpi.scoring.metrics import metric_label
from shopkpi.scoring.pay import PayLine, cents
from shopkpi.scoring.paytext import bonus_lines
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.scorecard import DeductionLine, ItemLine, Scorecard, SectionLine


class ItemRecord(TypedDict):
    key: str
    section: str
    label: str
    entity: str
    entity_id: str
    raw: str | None
    target: str | None
    achievement: str | None
    rule: str
    points: str
    base_weight: str
    weight: str
    section_weight: str
    contribution: str
    status: str
    note: str | None


class SectionRecord(TypedDict):
    name: str
    base_weight: str
    weight: str
    contribution: str


class DeductionRecord(TypedDict):
    label: str
    metric: str
    count: str | None
    points_each: str
    max: str | None
    points: str
    status: str


class StepRecord(TypedDict):
    step: str
    text: str


class BonusRecord(TypedDict):
    """Bonus = 绩效基数 × coefficient + commission + pool share − deductions."""

    bonus_base: str
    coefficient: str
    performance_pay: str
    commission_metric: str | None
    commission_method: str | None
    sales: str | None
    commission: str
    pool_share: str
    deductions: str
    bonus: str
    status: str
    lines: list[str]


class PersonRecord(TypedDict):
    staff_id: str
    name: str
    kind: str
    role: str | None
    level: str | None
    team: str | None
    period: str
    plan: str
    plan_version: int
    plan_hash: str
    plan_label: str | None
    rank: int
    items: list[ItemRecord]
    sections: list[SectionRecord]
    deductions: list[DeductionRecord]
    adjustments: list[StepRecord]
    subtotal: str
    deducted: str
    total: str
    grade: str | None
    status: str
    bonus: BonusRecord | None


@dataclass(frozen=True)
class PersonScore:
    """A live score: the scorecard, its pay line, the plan version and the rank on it."""

    card: Scorecard
    pay: PayLine | None
    plan: Plan
    ref: PlanRef
    rank: int


def text(x: Decimal) -> str:
    """The exact decimal as JSON text (``90.40``, never ``9.04E+1``)."""
    return f"{x:f}"


def money(x: Decimal) -> str:
    """Yuan with cents: ``0.00``, ``2375.00``."""
    return text(cents(x))


def maybe(x: Decimal | None) -> str | None:
    return None if x is None else text(x)


def ranks(cards: Sequence[Scorecard]) -> dict[str, int]:
    """Rank by total within the cards (1 = best; ties share a rank: 1, 2, 2, 4)."""
    totals = sorted((c.total for c in cards), reverse=True)
    return {c.subject.id: totals.index(c.total) + 1 for c in cards}


def person_record(p: PersonScore) -> PersonRecord:
    c, s = p.card, p.card.subject
    return PersonRecord(
        staff_id=s.id,
        name=s.name,
        kind=s.kind.value,
        role=s.role,
        level=s.level,
        team=s.team,
        period=c.period,
        plan=c.plan,
        plan_version=p.ref.version,
        plan_hash=p.ref.hash,
        plan_label=c.plan_version,
        rank=p.rank,
        items=[_item(x) for x in c.items],
        sections=[_section(x) for x in c.sections],
        deductions=[_deduction(x) for x in c.deductions],
        adjustments=[StepRecord(step=a.step.value, text=a.text) for a in c.applied],
        subtotal=text(c.subtotal),
        deducted=text(c.deducted),
        total=text(c.total),
        grade=c.grade,
        status=c.status.value,
        bonus=_bonus(p.plan, p.pay) if p.pay is not None else None,
    )


def _item(x: ItemLine) -> ItemRecord:
    return ItemRecord(
        key=x.key,
        section=x.section,
        label=x.label,
        entity=x.entity.value,
        entity_id=x.entity_id,
        raw=maybe(x.raw),
        target=maybe(x.target),
        achievement=maybe(x.achievement),
        rule=x.rule,
        points=text(x.points),
        base_weight=text(x.base_weight),
        weight=text(x.weight),
        section_weight=text(x.section_weight),
        contribution=text(x.contribution),
        status=x.status.value,
        note=x.note,
    )


def _section(x: SectionLine) -> SectionRecord:
    return SectionRecord(
        name=x.name,
        base_weight=text(x.base_weight),
        weight=text(x.weight),
        contribution=text(x.contribution),
    )


def _deduction(x: DeductionLine) -> DeductionRecord:
    return DeductionRecord(
        label=x.label or metric_label(x.metric),
        metric=x.metric,
        count=maybe(x.count),
        points_each=text(x.points_each),
        max=maybe(x.maximum),
        points=text(x.points),
        status=x.status.value,
    )


def _bonus(plan: Plan, line: PayLine) -> BonusRecord:
    assert plan.bonus is not None  # pay() gives no line without a bonus section
    c = plan.bonus.commission
    return BonusRecord(
        bonus_base=money(line.bonus_base),
        coefficient=text(line.coefficient),
        performance_pay=money(line.performance_pay),
        commission_metric=c.metric if c else None,
        commission_method=c.method.value if c else None,
        sales=maybe(line.sales),
        commission=money(line.commission),
        pool_share=money(line.pool_share),
        deductions=money(line.deductions),
        bonus=money(line.bonus),
        status=line.status.value,
        lines=bonus_lines(plan.bonus, line),
    )
