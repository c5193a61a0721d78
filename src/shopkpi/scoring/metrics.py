"""What a plan may name as a metric: the catalog, plus metrics whose data later stages bring.

Compliance counts come from chat QA and the fulfilment overdue rate from shipment times.
Plans may use them now: until the data lands they have no stored value, so a deduction is 0,
a gate or link is not triggered, and the scorecard says so. ``plan check`` notes each use.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import Direction


@dataclass(frozen=True)
class MetricInfo:
    """The facts scoring needs about a metric."""

    id: str
    name: str
    direction: Direction
    entities: frozenset[EntityKind]
    upcoming: str | None = None  # where the data will come from, for a metric not computed yet

    @property
    def higher_is_better(self) -> bool:
        return self.direction is Direction.higher_better


_ALL = frozenset(EntityKind)
UPCOMING: dict[str, MetricInfo] = {
    m.id: m
    for m in (
        MetricInfo("compliance_violations", "违规次数", Direction.lower_better, _ALL, "聊天质检"),
        MetricInfo(
            "compliance_violations_serious",
            "严重违规次数",
            Direction.lower_better,
            _ALL,
            "聊天质检",
        ),
        MetricInfo(
            "fulfilment_overdue_rate",
            "发货超时率",
            Direction.lower_better,
            frozenset({EntityKind.shop}),
            "发货数据",
        ),
    )
}


def metric_info(metric_id: str) -> MetricInfo | None:
    """The metric with this id (catalog first, then the upcoming ones), or ``None``."""
    if metric_id in CATALOG:
        m = CATALOG[metric_id]
        return MetricInfo(m.id, m.name, m.direction, m.entities)
    return UPCOMING.get(metric_id)


def known_ids() -> list[str]:
    return [*CATALOG, *UPCOMING]


def suggest(metric_id: str) -> list[str]:
    """Close metric ids for a typo, or the id of a metric named by its Chinese name."""
    by_name: list[str] = [m.id for m in CATALOG.metrics if m.name == metric_id]
    by_name += [m.id for m in UPCOMING.values() if m.name == metric_id]
    return by_name or difflib.get_close_matches(metric_id, known_ids(), n=3, cutoff=0.6)


def metric_label(metric_id: str) -> str:
    """The Chinese name users see, or the id itself for an unknown metric."""
    info = metric_info(metric_id)
    return info.name if info else metric_id
