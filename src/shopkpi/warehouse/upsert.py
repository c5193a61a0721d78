"""Set-based upsert of staged rows into a canonical table (DESIGN §5 "which file wins").

For each natural key:
- new keys are inserted;
- a row from an older export than the one that wrote the existing row is *stale* and
  skipped, so an old file never moves an order's status backwards;
- an identical row is left alone (re-importing changes nothing);
- a differing row from a newer (or equally new) export overwrites, and the overwrite is
  recorded in ``import_overwrite``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from shopkpi.warehouse.db import scalar_int
from shopkpi.warehouse.schema import TABLES


@dataclass
class UpsertStats:
    inserted: int = 0
    overwritten: int = 0
    unchanged: int = 0
    stale: int = 0
    same_key: int = 0  # rows in the same file sharing a key; the last one wins


def upsert(
    con: duckdb.DuckDBPyConnection,
    table_name: str,
    staged: str,
    file_hash: str,
    source_ts: dt.datetime,
) -> UpsertStats:
    """Merge temp table ``staged`` (target columns + ``_row``) into ``table_name``."""
    table = TABLES[table_name]
    keys = list(table.key)
    data_cols = table.column_names
    on = _key_match(con, staged, keys)
    same = " AND ".join(f"e.{c} IS NOT DISTINCT FROM i.{c}" for c in data_cols)
    key_text = "concat_ws('|', " + ", ".join(f"CAST(i.{k} AS VARCHAR)" for k in keys) + ")"
    work = f"{staged}__cls"

    total = _scalar(con, f"SELECT count(*) FROM {staged}")
    prev = "e._file_hash" if table.lineage else "NULL"
    stale_cond = "e._source_ts > i._source_ts" if table.lineage else "false"
    source_ts_col = ", ?::TIMESTAMP AS _source_ts" if table.lineage else ""
    # Existing rows are read in full only when some incoming key already exists; the usual
    # import of new data scans just the key columns of the (possibly large) table.
    existing = (
        f"(SELECT *, true AS __hit FROM {table_name} e WHERE EXISTS "
        f"(SELECT 1 FROM {staged} i WHERE {on}))"
        if _any_key_exists(con, table_name, staged, on, keys)
        else f"(SELECT *, true AS __hit FROM {table_name} LIMIT 0)"
    )
    # One pass: keep the last row per key in this file, then classify it against the table.
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE {work} AS
            WITH last AS (
                SELECT *{source_ts_col} FROM {staged}
                QUALIFY row_number() OVER (PARTITION BY {", ".join(keys)} ORDER BY _row DESC) = 1
            )
            SELECT i.*, {key_text} AS __key, {prev} AS __prev,
                   CASE WHEN e.__hit IS NULL THEN 'new'
                        WHEN {stale_cond} THEN 'stale'
                        WHEN {same} THEN 'same'
                        ELSE 'changed' END AS __cls
            FROM last i LEFT JOIN {existing} e ON {on}""",
        [source_ts] if table.lineage else [],
    )
    con.execute(f"DROP TABLE IF EXISTS {staged}")
    counts = dict(con.execute(f"SELECT __cls, count(*) FROM {work} GROUP BY 1").fetchall())
    if counts.get("changed"):
        con.execute(
            f"""INSERT INTO import_overwrite SELECT ?, ?, __key, __prev FROM {work} WHERE __cls = 'changed'""",
            [file_hash, table_name],
        )
        con.execute(
            f"""DELETE FROM {table_name} e USING {work} i WHERE {on} AND i.__cls = 'changed'"""
        )
    target_cols = [c for c, _ in table.all_columns]
    select = []
    for c in target_cols:
        if c == "_file_hash":
            select.append("?")
        else:
            select.append(c)
    params: list[object] = [file_hash] if table.lineage else []
    con.execute(
        f"""INSERT INTO {table_name} ({", ".join(target_cols)})
            SELECT {", ".join(select)} FROM {work} WHERE __cls IN ('new', 'changed')""",
        params,
    )
    con.execute(f"DROP TABLE IF EXISTS {work}")
    return UpsertStats(
        inserted=int(counts.get("new", 0)),
        overwritten=int(counts.get("changed", 0)),
        unchanged=int(counts.get("same", 0)),
        stale=int(counts.get("stale", 0)),
        same_key=total - sum(int(v) for v in counts.values()),
    )


def _key_match(con: duckdb.DuckDBPyConnection, staged: str, keys: list[str]) -> str:
    """Join condition on the natural key.

    Plain ``=`` where the incoming key column has no NULLs (then it matches exactly what
    IS NOT DISTINCT FROM would), because only ``=`` lets DuckDB push the incoming keys'
    min/max into the table scan and skip row groups: on a 10M-row chat table that is
    0.03 s instead of 0.24 s per file.
    """
    nulls = con.execute(
        "SELECT " + ", ".join(f"count(*) - count({k})" for k in keys) + f" FROM {staged}"
    ).fetchall()[0]
    return " AND ".join(
        f"e.{k} = i.{k}" if n == 0 else f"e.{k} IS NOT DISTINCT FROM i.{k}"
        for k, n in zip(keys, nulls, strict=True)
    )


def _any_key_exists(
    con: duckdb.DuckDBPyConnection, table_name: str, staged: str, on: str, keys: list[str]
) -> bool:
    incoming = f"(SELECT DISTINCT {', '.join(keys)} FROM {staged})"
    return _scalar(con, f"SELECT count(*) FROM {table_name} e JOIN {incoming} i ON {on}") > 0


def _scalar(con: duckdb.DuckDBPyConnection, sql: str) -> int:
    return scalar_int(con, sql)
