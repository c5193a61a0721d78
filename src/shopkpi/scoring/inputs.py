"""What the scoring engine reads: subjects, metric values, ratings, sales mix, calendar.

The engine never touches a database: the caller (the workspace) reads ``metric_value``,
the roster and the app DB's ratings, and passes them in here. :func:`observations_from`
turns stored :class:`~shopkpi.metrics.store.MetricValue` rows into observations.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.periods import PeriodError, parse_period
from shopkpi.metrics.store import MetricValue
from shopkpi.scoring.subjects import Subject
from shopkpi.scoring.vocab import Lifecycle, LineStatus


@dataclass(frozen=True)
class Observation:
    """One metric value of one entity in the scored period.

    A pending value (待定) has no ``value`` in the store; its ``numerator``/``denominator``
    give a provisional one, which scores provisionally and keeps the scorecard pending.
    """

    entity_kind: EntityKind
    entity_id: str
    metric_id: str
    value: Decimal | None
    status: LineStatus = LineStatus.final
    numerator: Decimal | None = None
    denominator: Decimal | None = None

    @property
    def best_value(self) -> Decimal | None:
        """The value, or for a pending row the provisional numerator / denominator."""
        if self.value is not None or self.status is not LineStatus.pending:
            return self.value
        if self.numerator is None:
            return None
        if self.denominator is None:
            return self.numerator
        return self.numerator / self.denominator if self.denominator else None


def observations_from(values: Iterable[MetricValue]) -> list[Observation]:
    """Stored metric values as observations."""
    return [
        Observation(
            v.entity_kind,
            v.entity_id,
            v.metric_id,
            v.value,
            LineStatus.pending if v.pending else LineStatus.final,
            v.numerator,
            v.denominator,
        )
        for v in values
    ]


Ratings = Mapping[tuple[str, str], Decimal]  # (subject id, criterion id) → 0–100
Mix = Mapping[str, Mapping[Lifecycle, Decimal]]  # subject id → stage → credited sales (or share)


@dataclass(frozen=True)
class ScoringInput:
    """Everything one scoring run needs.

    Attributes:
        period: the period label (``2026-11`` or ``2026-W45``).
        subjects: the staff (and/or teams) to score.
        observations: metric values of the period: staff, team and shop entities.
        ratings: manual ratings by (subject id, criterion id), on the rubric's 0–100.
        lifecycle_mix: each person's credited sales (or shares) per product lifecycle stage.
        season: the calendar period (``双11``) naming a weight schedule; ``None``: by month.
        shop_id: the shop whose ``shop`` entity values items and conditions read.
        targets: personal targets (目标表) by (entity id, metric id); they override the plan's.
    """

    period: str
    subjects: Sequence[Subject]
    observations: Sequence[Observation] = ()
    ratings: Ratings = field(default_factory=dict)
    lifecycle_mix: Mix = field(default_factory=dict)
    season: str | None = None
    shop_id: str = ""
    targets: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)

    @property
    def month(self) -> int | None:
        """The calendar month the period starts in (schedules by month use it)."""
        try:
            return parse_period(self.period).start.month
        except PeriodError:
            return None


class Facts:
    """Observations indexed by (entity kind, entity id, metric id)."""

    def __init__(self, observations: Iterable[Observation]) -> None:
        self._by_key = {(o.entity_kind, o.entity_id, o.metric_id): o for o in observations}

    def get(self, kind: EntityKind, entity_id: str, metric_id: str) -> Observation | None:
        return self._by_key.get((kind, entity_id, metric_id))
