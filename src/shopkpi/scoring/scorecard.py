"""A scorecard (评分卡): the score of one person (or team) in one period, line by line.

The breakdown runs item → raw value → target → achievement → points → weight →
contribution; then each adjustment, deduction and gate applied, in order, with a Chinese
explanation; then the total and the grade. Σ section contributions = ``subtotal``, and
``total`` = ``subtotal`` − deductions, capped by any gate that triggered.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.vocab import LineStatus


class Step(StrEnum):
    """What an applied step was: an adjustment kind, a gate, a deduction or a note."""

    weight_schedule = "weight_schedule"
    lifecycle = "lifecycle"
    link = "link"
    deduction = "deduction"
    gate = "gate"
    forced_distribution = "forced_distribution"
    note = "note"


@dataclass(frozen=True)
class Applied:
    """One adjustment, deduction, gate or note, explained in Chinese."""

    step: Step
    text: str


@dataclass(frozen=True)
class ItemLine:
    """One item of the breakdown. ``contribution`` = points × weight% × section weight%."""

    key: str
    section: str
    label: str
    entity: EntityKind
    entity_id: str
    raw: Decimal | None
    target: Decimal | None
    achievement: Decimal | None
    points: Decimal
    base_weight: Decimal
    weight: Decimal
    section_weight: Decimal
    contribution: Decimal
    status: LineStatus
    rule: str
    note: str | None = None


@dataclass(frozen=True)
class SectionLine:
    name: str
    base_weight: Decimal
    weight: Decimal
    contribution: Decimal


@dataclass(frozen=True)
class DeductionLine:
    """Points off the total: ``min(count × points_each, max)``."""

    label: str
    metric: str
    count: Decimal | None
    points_each: Decimal
    maximum: Decimal | None
    points: Decimal
    status: LineStatus


@dataclass(frozen=True)
class Scorecard:
    """One subject's score in one period under one plan."""

    plan: str
    plan_version: str | None
    subject: Subject
    period: str
    items: tuple[ItemLine, ...]
    sections: tuple[SectionLine, ...]
    deductions: tuple[DeductionLine, ...]
    applied: tuple[Applied, ...]
    subtotal: Decimal
    total: Decimal
    grade: str | None
    status: LineStatus

    @property
    def final(self) -> bool:
        """False while any input is pending: the total may still change (未定稿)."""
        return self.status is LineStatus.final

    @property
    def deducted(self) -> Decimal:
        return sum((d.points for d in self.deductions), Decimal(0))

    def item(self, key: str) -> ItemLine:
        return next(line for line in self.items if line.key == key)

    def section(self, name: str) -> SectionLine:
        return next(s for s in self.sections if s.name == name)
