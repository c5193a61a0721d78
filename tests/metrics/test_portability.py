"""Metric SQL stays portable: sqlglot carries every step to Spark SQL, and the steps avoid
DuckDB-only constructs (QUALIFY, list lambdas, macros, HUGEINT)."""

from __future__ import annotations

from datetime import date, datetime

import sqlglot

from shopkpi.config.models import WorkspaceConfig
from shopkpi.metrics.context import MetricContext
from shopkpi.metrics.periods import covering
from shopkpi.metrics.steps import Scope, metric_steps

FORBIDDEN = ("QUALIFY", "->", "sk_", "HUGEINT", "list_", "now()", "current_date")


def _steps() -> list[tuple[str, str]]:
    config = WorkspaceConfig.model_validate({"shops": [{"id": "demo", "name": "示例"}]})
    ctx = MetricContext(config, datetime(2026, 11, 22, 12))
    days = (date(2026, 10, 30), date(2026, 11, 2))
    scope = Scope(tuple(covering(*days)), *days)
    return [(s.name, s.sql) for s in metric_steps(ctx, scope)]


def test_every_step_transpiles_to_spark() -> None:
    for name, sql in _steps():
        spark = sqlglot.transpile(sql, read="duckdb", write="spark")
        assert len(spark) == 1, name


def test_no_duckdb_only_constructs() -> None:
    for name, sql in _steps():
        for bad in FORBIDDEN:
            assert bad.lower() not in sql.lower(), f"{name} uses {bad}"


def test_steps_end_with_the_result() -> None:
    names = [n for n, _ in _steps()]
    assert names[-2:] == ["metric_base", "metric_result"]
    assert len(names) == len(set(names))
