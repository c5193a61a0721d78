"""Warehouse schema: natural keys, types, versions and migrations."""

from __future__ import annotations

from pathlib import Path

from shopkpi.warehouse import SCHEMA_VERSION, TABLES, Warehouse
from shopkpi.warehouse import db as db_module


def _types(wh: Warehouse, table: str) -> dict[str, str]:
    return {r[0]: r[1] for r in wh.con.execute(f"DESCRIBE {table}").fetchall()}


def test_money_is_decimal_and_ids_are_strings() -> None:
    wh = Warehouse(":memory:")
    orders = _types(wh, "orders")
    assert orders["paid_amount"] == "DECIMAL(18,2)"
    assert orders["order_id"] == "VARCHAR"
    assert orders["created_at"] == "TIMESTAMP"
    assert orders["biz_date"] == "DATE"
    for table in TABLES.values():
        cols = dict(table.columns)
        for key in table.key:
            assert key in cols, (table.name, key)
        for name, sql_type in table.columns:
            if name.endswith("_id") or name == "account_nick":
                assert sql_type == "VARCHAR", (table.name, name)
            if name.endswith("amount") or name in ("price", "postage", "base_salary"):
                assert sql_type == "DECIMAL(18,2)", (table.name, name)


def test_new_warehouse_is_at_current_version(tmp_path: Path) -> None:
    wh = Warehouse(str(tmp_path / "w.duckdb"))
    assert wh.schema_version() == SCHEMA_VERSION
    wh.close()
    again = Warehouse(str(tmp_path / "w.duckdb"))
    rows = again.con.execute("SELECT version FROM schema_version").fetchall()
    assert rows == [(v,) for v in range(1, SCHEMA_VERSION + 1)]  # not re-applied


def test_pending_migrations_apply_in_order(tmp_path: Path, monkeypatch) -> None:
    path = str(tmp_path / "w.duckdb")
    Warehouse(path).close()

    def add_column(con) -> None:  # type: ignore[no-untyped-def]
        con.execute("ALTER TABLE orders ADD COLUMN promo_code VARCHAR")

    monkeypatch.setattr(db_module, "MIGRATIONS", [*db_module.MIGRATIONS, add_column])
    monkeypatch.setattr(db_module, "SCHEMA_VERSION", len(db_module.MIGRATIONS))
    wh = Warehouse(path)
    assert wh.schema_version() == SCHEMA_VERSION + 1
    assert "promo_code" in _types(wh, "orders")


def test_a_second_writer_gets_a_clear_message(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    import pytest

    from shopkpi.warehouse.db import WarehouseBusy

    path = tmp_path / "w.duckdb"
    Warehouse(str(path)).close()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, time; c = duckdb.connect({str(path)!r}); print('ok', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        with pytest.raises(WarehouseBusy, match="另一个进程"):
            Warehouse(str(path))
    finally:
        holder.kill()
        holder.wait()
    time.sleep(0.1)
    Warehouse(str(path)).close()  # usable again once the other process is gone
