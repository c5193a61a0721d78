"""Migration 4 gives ``traffic_daily`` and ``review`` their issue-7 shape in old warehouses."""

from __future__ import annotations

from pathlib import Path

import duckdb

from shopkpi.warehouse import Warehouse


def test_old_placeholder_tables_are_replaced(tmp_path: Path) -> None:
    path = tmp_path / "w.duckdb"
    con = duckdb.connect(str(path))  # a version-3 warehouse, as version 1 created these two
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    con.execute("INSERT INTO schema_version VALUES (1, now()), (2, now()), (3, now())")
    con.execute("CREATE TABLE review (shop_id VARCHAR, review_id VARCHAR, rated_at TIMESTAMP)")
    con.execute("CREATE TABLE traffic_daily (shop_id VARCHAR, page VARCHAR, source VARCHAR)")
    con.execute("INSERT INTO traffic_daily VALUES ('demo', '首页', '手淘')")
    con.close()
    wh = Warehouse(str(path))
    assert wh.schema_version() == 4
    columns = {
        t: [r[0] for r in wh.con.execute(f"DESCRIBE {t}").fetchall()][:6]
        for t in ("review", "traffic_daily", "traffic_daily_v1")
    }
    assert columns == {
        "review": ["shop_id", "review_id", "order_id", "buyer_nick", "reviewed_at", "rating"],
        "traffic_daily": ["shop_id", "biz_date", "channel", "category", "visitors", "page_views"],
        "traffic_daily_v1": ["shop_id", "page", "source"],  # held rows: kept aside, not dropped
    }
    tables = {
        r[0] for r in wh.con.execute("SELECT table_name FROM information_schema.tables").fetchall()
    }
    assert "review_v1" not in tables  # it was empty
    wh.close()
