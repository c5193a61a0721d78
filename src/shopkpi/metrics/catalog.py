"""The metric catalog: every metric defined once, in its family module, collected here.

``CATALOG`` is checked when it is built: ids are unique, every source exists, derived
metrics refer to base metrics, and a derived metric is additive only when both of its parts
are. Problems are collected and reported together.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from shopkpi.errors import ShopkpiError
from shopkpi.metrics.families import MODULES
from shopkpi.metrics.model import Family, MetricDef, MetricId
from shopkpi.metrics.source import Source


class UnknownMetric(ShopkpiError):
    """A metric id that is not in the catalog."""


@dataclass(frozen=True)
class Catalog(Mapping[str, MetricDef]):
    """Metrics by id, in catalog order, with the sources they read."""

    metrics: tuple[MetricDef, ...]
    sources: tuple[Source, ...]

    def __getitem__(self, key: str) -> MetricDef:
        for m in self.metrics:
            if m.id == key:
                return m
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (m.id for m in self.metrics)

    def __len__(self) -> int:
        return len(self.metrics)

    def get_metric(self, key: str) -> MetricDef:
        """The metric with this id or Chinese name, or a user-facing error."""
        for m in self.metrics:
            if key in (m.id, m.name):
                return m
        raise UnknownMetric(f"未知指标 {key!r}；用 `shopkpi metrics` 查看全部指标")

    def source(self, name: str) -> Source:
        for s in self.sources:
            if s.name == name:
                return s
        raise KeyError(name)

    def base(self) -> list[MetricDef]:
        return [m for m in self.metrics if not m.is_derived]

    def derived(self) -> list[MetricDef]:
        return [m for m in self.metrics if m.is_derived]

    def of_source(self, name: str) -> list[MetricDef]:
        return [m for m in self.metrics if m.source == name]

    def of_family(self, family: Family) -> list[MetricDef]:
        return [m for m in self.metrics if m.family is family]


def problems(catalog: Catalog) -> list[str]:
    """Every inconsistency in the catalog (empty when it is sound)."""
    found: list[str] = []
    ids = [m.id for m in catalog.metrics]
    found += [f"duplicate metric id {i}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    names = {s.name for s in catalog.sources}
    for m in catalog.metrics:
        if m.is_derived:
            found += _derived_problems(catalog, m)
        elif m.source not in names:
            found.append(f"{m.id}: unknown source {m.source}")
    return found


def _derived_problems(catalog: Catalog, m: MetricDef) -> list[str]:
    parts = [m.numerator, m.denominator or ""]
    if any(p not in catalog or catalog[p].is_derived or catalog[p].denominator for p in parts):
        return [f"{m.id}: a derived metric must divide two base counts or totals"]
    if m.additive and not all(catalog[p].additive for p in parts):
        return [f"{m.id}: marked additive but a part is not"]
    return []


def _build() -> Catalog:
    metrics = tuple(m for module in MODULES for m in module.METRICS)
    sources = tuple(s for module in MODULES for s in module.SOURCES)
    catalog = Catalog(metrics, sources)
    found = problems(catalog)
    if found:
        raise AssertionError("metric catalog: " + "; ".join(found))
    return catalog


CATALOG = _build()


def metric_ids() -> list[MetricId]:
    return [m.id for m in CATALOG.metrics]
