"""The warehouse: canonical tables in DuckDB, schema versions, set-based upserts."""

from shopkpi.warehouse.db import SCHEMA_VERSION, Warehouse
from shopkpi.warehouse.schema import TABLES, TableDef

__all__ = ["SCHEMA_VERSION", "TABLES", "TableDef", "Warehouse"]
