"""Metric families: each module holds its row sources (SQL builders) and its metrics."""

from __future__ import annotations

from types import ModuleType

from shopkpi.metrics.families import (
    aftersale,
    conversion,
    labour,
    quality,
    reception,
    resolution,
    response,
    sales,
    workdays,
)

# Catalog order: the order `shopkpi metrics` and docs/metrics.md list them in.
MODULES: tuple[ModuleType, ...] = (
    reception,
    response,
    conversion,
    sales,
    workdays,
    aftersale,
    resolution,
    labour,
    quality,
)
