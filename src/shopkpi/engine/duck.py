"""DuckDB engine: the default, embedded, runs steps in the warehouse file itself."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import duckdb

from shopkpi.engine.base import Step


class DuckDBEngine:
    """Materialises each step as a table in the warehouse (``CREATE OR REPLACE TABLE``);
    a ``temporary`` step becomes a TEMP table instead, and any stored table of that name
    (from an older version) is dropped so that it cannot be read by mistake."""

    NAME: ClassVar[str] = "duckdb"
    SUPPORTS_ASOF: ClassVar[bool] = True

    def __init__(self, con: duckdb.DuckDBPyConnection, *, use_fast_paths: bool = True) -> None:
        self.con = con
        self.use_fast_paths = use_fast_paths

    def run(self, steps: Sequence[Step]) -> None:
        for step in steps:
            sql = step.fast_sql if (step.fast_sql and self.use_fast_paths) else step.sql
            if step.temporary:
                self.con.execute(f"DROP TABLE IF EXISTS main.{step.name}")
                self.con.execute(f"CREATE OR REPLACE TEMP TABLE {step.name} AS {sql}")
            else:
                self.con.execute(f"CREATE OR REPLACE TABLE {step.name} AS {sql}")

    def rows(self, sql: str) -> list[tuple[object, ...]]:
        return self.con.execute(sql).fetchall()
