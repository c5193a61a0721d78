"""End to end on a small demo shop: ``shopkpi demo`` computes and ranks; the numbers hold
together; ``show`` and ``explain`` work on real derivations; re-running changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from shopkpi.cli.app import app
from shopkpi.metrics.catalog import CATALOG
from shopkpi.workspace import Workspace

ENV = {"COLUMNS": "160", "NO_COLOR": "1", "TERM": "dumb"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    root = tmp_path_factory.mktemp("metrics_demo") / "demo"
    args = ["demo", str(root), "--staff", "5", "--days", "7", "--scale", "0.2", "--seed", "7"]
    result = CliRunner().invoke(app, args, env=ENV)
    assert result.exit_code == 0, result.output
    yield root, result.output


def _sql(root: Path, sql: str) -> list[tuple[object, ...]]:
    ws = Workspace(root)
    try:
        return ws.warehouse.con.execute(sql).fetchall()
    finally:
        ws.close()


def test_demo_prints_a_ranking(demo: tuple[Path, str]) -> None:
    _, output = demo
    assert "客服排行" in output and "客服销售额" in output and "已计算" in output


def test_shop_sales_split_into_cs_and_silent(demo: tuple[Path, str]) -> None:
    root, _ = demo
    rows = _sql(
        root,
        """SELECT period, metric_id, value FROM metric_value
           WHERE entity_kind = 'shop' AND grain = 'month'
             AND metric_id IN ('shop_sales', 'cs_sales', 'silent_sales')""",
    )
    by = {(p, m): v for p, m, v in rows}
    for period in {p for p, _ in by}:
        assert isinstance(by[(period, "shop_sales")], Decimal)
        assert by[(period, "cs_sales")] + by[(period, "silent_sales")] == by[(period, "shop_sales")]


def test_month_numerators_sum_over_days(demo: tuple[Path, str]) -> None:
    root, _ = demo
    additive = ", ".join(f"'{m.id}'" for m in CATALOG.metrics if m.additive)
    rows = _sql(
        root,
        f"""SELECT m.metric_id, m.entity_kind, m.entity_id, m.numerator, sum(d.numerator)
            FROM metric_value AS m
            JOIN metric_value AS d
              ON d.grain = 'day' AND d.metric_id = m.metric_id AND d.shop_id = m.shop_id
             AND d.entity_kind = m.entity_kind AND d.entity_id = m.entity_id
             AND d.period_start BETWEEN m.period_start AND m.period_end
            WHERE m.grain = 'month' AND m.metric_id IN ({additive})
            GROUP BY ALL HAVING m.numerator <> sum(d.numerator)""",
    )
    assert rows == []


def test_show_and_explain_on_real_derivations(demo: tuple[Path, str]) -> None:
    root, _ = demo
    out = CliRunner().invoke(app, ["show", "-w", str(root), "-f", "json"], env=ENV).output
    records = json.loads(out)
    best = max(
        (r for r in records if r["metric_id"] == "cs_sales" and r["entity_kind"] == "staff"),
        key=lambda r: Decimal(r["value"]),
    )
    result = CliRunner().invoke(
        app, ["explain", best["entity_id"], "cs_sales", "-w", str(root)], env=ENV
    )
    assert result.exit_code == 0, result.output
    assert f"分子合计 {best['value']}" in result.output


def test_recompute_changes_nothing(demo: tuple[Path, str]) -> None:
    root, _ = demo
    before = _sql(root, "SELECT * FROM metric_value ORDER BY ALL")
    ws = Workspace(root)
    try:
        ws.compute()
    finally:
        ws.close()
    assert _sql(root, "SELECT * FROM metric_value ORDER BY ALL") == before
