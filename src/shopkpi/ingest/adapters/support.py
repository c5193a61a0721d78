"""Helpers the tabular adapters share: set-based reshaping of a RawTable before cleaning.

All work is columnar (pyarrow) or one SQL statement (DuckDB); nothing loops over rows.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from shopkpi.ingest.base import Field, ImportContext
from shopkpi.ingest.reader import RawTable

_counter = itertools.count()


def column_of(raw: RawTable, headers: Iterable[str]) -> str | None:
    """The raw column (``cN``) of the first of ``headers`` the file has, if any."""
    for header in headers:
        if header in raw.headers:
            return f"c{raw.headers.index(header)}"
    return None


def with_column(raw: RawTable, header: str, values: pa.Array) -> RawTable:
    """Append a string column under ``header`` (a new ``cN``; ``__row`` stays last)."""
    width = len(raw.headers)
    columns = [raw.table[f"c{i}"] for i in range(width)]
    names = [f"c{i}" for i in range(width + 1)]
    table = pa.Table.from_arrays(
        [*columns, pc.cast(values, pa.string()), raw.table["__row"]], names=[*names, "__row"]
    )
    return RawTable(raw.source, raw.sheet, [*raw.headers, header], table)


def ensure_columns(raw: RawTable, fields: Iterable[Field]) -> RawTable:
    """Add an empty column for every optional field the file lacks.

    Derived SQL (``derived_columns``) can then name every field, whichever variant of a
    format arrived. Required fields are left out so that a missing one still refuses the file.
    """
    for f in fields:
        if not f.required and not set(f.headers) & set(raw.headers):
            raw = with_column(raw, f.headers[0], pa.nulls(raw.table.num_rows, pa.string()))
    return raw


def run_sql(ctx: ImportContext, raw: RawTable, select: str) -> pa.Table:
    """Run ``select`` (``{t}`` names the raw table) and return its result as Arrow."""
    name = f"_rawsql_{next(_counter)}"
    ctx.con.register(name, raw.table)
    try:
        return ctx.con.sql(select.format(t=name)).to_arrow_table()
    finally:
        ctx.con.unregister(name)


def filter_rows(ctx: ImportContext, raw: RawTable, keep: str) -> RawTable:
    """Keep only the rows where the SQL condition ``keep`` (over ``cN`` columns) holds."""
    table = run_sql(ctx, raw, f"SELECT * FROM {{t}} WHERE {keep} ORDER BY __row")
    return RawTable(raw.source, raw.sheet, raw.headers, _as_raw(table, len(raw.headers)))


def add_ordinal(ctx: ImportContext, raw: RawTable, key_col: str, header: str) -> RawTable:
    """Append each row's 1-based ordinal among the distinct rows sharing ``key_col``.

    Identical rows get the same ordinal, so exact duplicates still collapse later; the
    ordinal follows the order of first appearance in the file, which keeps it stable.
    """
    cols = ", ".join(f"c{i}" for i in range(len(raw.headers)))
    table = run_sql(
        ctx,
        raw,
        f"""SELECT * EXCLUDE (__first), CAST(dense_rank() OVER (
                PARTITION BY sk_id({key_col}) ORDER BY __first) AS VARCHAR) AS __ordinal
            FROM (SELECT *, min(__row) OVER (PARTITION BY {cols}) AS __first FROM {{t}})
            ORDER BY __row""",
    )
    base = RawTable(raw.source, raw.sheet, raw.headers, _as_raw(table, len(raw.headers)))
    return with_column(base, header, table["__ordinal"])


def _as_raw(table: pa.Table, width: int) -> pa.Table:
    names = [f"c{i}" for i in range(width)]
    arrays = [pc.cast(table[n], pa.string()) for n in names]
    rows = pc.cast(table["__row"], pa.int64())
    return pa.Table.from_arrays([*arrays, rows], names=[*names, "__row"])


def account_sql(expr: str) -> str:
    """Normalise a sub-account nick: full-width colon → ``:``, no ``cntaobao`` API prefix."""
    return f"regexp_replace(replace(trim({expr}), '：', ':'), '^cntaobao', '')"
