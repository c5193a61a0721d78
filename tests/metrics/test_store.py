"""metric_value: exact values, scoped replacement, and re-running changes nothing."""

from __future__ import annotations

from decimal import Decimal

import duckdb
import pytest

from shopkpi.metrics.store import exact_ratio_sql
from shopkpi.workspace import Workspace
from tests.metrics.conftest import compute, run
from tests.metrics.test_sales import TABLES


@pytest.mark.parametrize(
    ("num", "den", "expected"),
    [
        ("2", "3", "0.666667"),
        ("1", "3", "0.333333"),
        ("-2", "3", "-0.666667"),
        ("1", "8", "0.125000"),
        ("0.0000005", "1", "0.000001"),  # half rounds away from zero
        ("12345678901234.5", "7", "1763668414462.071429"),
    ],
)
def test_exact_ratio(num: str, den: str, expected: str) -> None:
    con = duckdb.connect()
    sql = exact_ratio_sql(f"CAST('{num}' AS DECIMAL(38,6))", f"CAST('{den}' AS DECIMAL(38,6))")
    assert con.execute(f"SELECT {sql}").fetchall()[0][0] == Decimal(expected)


def _all(ws: Workspace) -> list[tuple[object, ...]]:
    return ws.warehouse.con.execute("SELECT * FROM metric_value ORDER BY ALL").fetchall()


def test_rerunning_compute_changes_nothing(shop: Workspace) -> None:
    run(shop, TABLES)
    before = _all(shop)
    compute(shop, None, "2026-11-20 12:00:00")
    assert _all(shop) == before


def test_a_period_replaces_only_its_own_rows(shop: Workspace) -> None:
    run(shop, TABLES)
    before = _all(shop)
    shop.warehouse.con.execute("UPDATE metric_value SET value = 999 WHERE period = '2026-11-10'")
    compute(shop, "2026-11-10", "2026-11-20 12:00:00")
    assert _all(shop) == before  # the day is back, nothing else moved
    con = shop.warehouse.con
    periods = con.execute("SELECT DISTINCT grain FROM metric_value ORDER BY 1").fetchall()
    assert periods == [("day",), ("month",), ("week",)]


def test_custom_period_is_stored_with_its_days(shop: Workspace) -> None:
    run(shop, TABLES, "2026-11-10..2026-11-11")
    con = shop.warehouse.con
    rows = con.execute(
        "SELECT grain, period, value FROM metric_value WHERE metric_id = 'cs_sales' "
        "AND entity_id = 's1' ORDER BY grain, period"
    ).fetchall()
    assert rows == [
        ("custom", "2026-11-10..2026-11-11", Decimal("160")),
        ("day", "2026-11-10", Decimal("130")),
        ("day", "2026-11-11", Decimal("30")),
    ]
