"""Set-based cleaning of one header+rows table into a staged canonical table.

One SQL statement per step, no per-row Python:
1. drop 汇总/均值 summary rows and collapse exact duplicate rows;
2. clean every field with the SQL macros and collect per-row errors;
3. quarantine rows with errors (keeping the raw row as JSON);
4. stage the good rows with the target table's columns and types.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

import duckdb

from shopkpi.errors import FileRefused
from shopkpi.ingest.base import Field, FieldKind, ImportContext, ParseResult, Staged, TabularAdapter
from shopkpi.ingest.reader import SUMMARY_MARKERS, RawTable
from shopkpi.warehouse.db import scalar, scalar_int
from shopkpi.warehouse.schema import TABLES

_counter = itertools.count()


def q(value: str) -> str:
    """Quote a SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


def _fmt_sql(fmt: str | tuple[str, ...]) -> str:
    return q(fmt) if isinstance(fmt, str) else "[" + ", ".join(q(f) for f in fmt) + "]"


def _clean_expr(f: Field, col: str, tz: str) -> tuple[str, str]:
    """(value expression, error condition) for one field over ``col``, already cleaned by sk_text."""
    blank = f"sk_nullish_t({col})"
    match f.kind:
        case FieldKind.id:
            return f"sk_id_t({col})", f"sk_is_sci_t({col})"
        case FieldKind.text:
            if f.pattern:
                return f"{col}", f"NOT regexp_full_match({col}, {q(f.pattern)})"
            return f"{col}", "false"
        case FieldKind.money:
            return (
                f"sk_money_t({col})",
                f"sk_money_t({col}) IS NULL AND NOT {blank} AND {col} <> '延迟统计'",
            )
        case FieldKind.decimal:
            return (
                f"sk_decimal_t({col})",
                f"sk_decimal_t({col}) IS NULL AND NOT {blank} AND {col} <> '延迟统计'",
            )
        case FieldKind.pct:
            return (
                f"sk_pct_t({col})",
                f"sk_pct_t({col}) IS NULL AND NOT {blank} AND {col} <> '延迟统计'",
            )
        case FieldKind.int:
            return f"sk_int_t({col})", f"sk_int_t({col}) IS NULL AND NOT {blank}"
        case FieldKind.ts:
            local = f"try_strptime({col}, {_fmt_sql(f.fmt)})" if f.fmt else f"sk_ts_local_t({col})"
            if f.fmt and "%z" in "".join(f.fmt):
                value = f"timezone('UTC', {local})"
            else:
                value = f"sk_utc({local}, {q(tz)})"
            return value, f"({local}) IS NULL AND NOT {blank}"
        case FieldKind.date:
            local = (
                f"CAST(try_strptime({col}, {_fmt_sql(f.fmt)}) AS DATE)"
                if f.fmt
                else f"sk_date_t({col})"
            )
            return local, f"({local}) IS NULL AND NOT {blank}"
        case FieldKind.time:
            return f"sk_time_t({col})", f"sk_time_t({col}) IS NULL AND NOT {blank}"
        case FieldKind.bool:
            return f"sk_bool_t({col})", f"sk_bool_t({col}) IS NULL AND NOT {blank}"
        case FieldKind.enum:
            values = f.values or {}
            cases = " ".join(f"WHEN {q(k)} THEN {q(v)}" for k, v in values.items())
            value = f"CASE {col} {cases} END" if cases else "NULL"
            return value, f"({value}) IS NULL AND {col} IS NOT NULL"
    raise AssertionError(f.kind)


_REASONS = {
    FieldKind.id: "编号是科学计数法（Excel 已丢失位数），请从平台重新导出原始文件",
    FieldKind.money: "无法识别的金额",
    FieldKind.decimal: "无法识别的数字",
    FieldKind.pct: "无法识别的百分比",
    FieldKind.int: "无法识别的整数",
    FieldKind.ts: "无法识别的日期时间",
    FieldKind.date: "无法识别的日期",
    FieldKind.time: "无法识别的时间",
    FieldKind.bool: "无法识别的是/否",
    FieldKind.enum: "未知的取值",
    FieldKind.text: "",
}


def resolve_columns(adapter: TabularAdapter, raw: RawTable) -> dict[str, tuple[str, str]]:
    """Map field name → (raw column ``cN``, header as written); refuse on a missing required column."""
    found: dict[str, tuple[str, str]] = {}
    for f in adapter.FIELDS:
        for header in f.headers:
            if header in raw.headers:
                found[f.name] = (f"c{raw.headers.index(header)}", header)
                break
        else:
            if f.required:
                raise FileRefused(
                    raw.label,
                    "missing_column",
                    f"缺少必需的列「{f.headers[0]}」（识别为{adapter.LABEL}）",
                    row=1,
                    column=f.headers[0],
                    hint=f"请导出包含「{f.headers[0]}」列的完整报表，不要删除或改名表头",
                )
    return found


def stage_tabular(ctx: ImportContext, adapter: TabularAdapter, raw: RawTable) -> ParseResult:
    """Clean, quarantine and stage one table for ``adapter.TABLE``."""
    con = ctx.con
    tag = re.sub(r"\W", "_", f"{adapter.NAME}_{next(_counter)}")
    raw = adapter.prepare(ctx, raw)
    own = adapter.stage(ctx, raw)
    if own is not None:
        return own
    columns = resolve_columns(adapter, raw)
    width = len(raw.headers)
    cols = [f"c{i}" for i in range(width)]
    con.register(f"_raw_{tag}", raw.table)

    data_rows = _data_rows_condition(cols)
    rows_read = _count(con, f"_raw_{tag} WHERE {data_rows}")
    # Exact duplicate rows collapse onto their first occurrence.
    dedup = (
        f"QUALIFY row_number() OVER (PARTITION BY {', '.join(cols)} ORDER BY __row) = 1"
        if adapter.COLLAPSE_EXACT
        else ""
    )

    selects, errors = ["__row"], []
    for f in adapter.FIELDS:
        if f.name not in columns:
            continue
        col, header = columns[f.name]
        value, err = _clean_expr(f, col, ctx.timezone)
        selects.append(f"{value} AS {f.name}")
        reason = f"格式不正确（应为{f.pattern_hint}）" if f.pattern else _REASONS[f.kind]
        if f.kind is FieldKind.enum:
            errors.append(
                f"CASE WHEN {err} THEN {q(header + '|' + reason + '「')} || sk_text({col}) || '」' END"
            )
        elif err != "false":
            errors.append(f"CASE WHEN {err} THEN {q(header + '|' + reason)} END")
        if f.not_null:
            errors.append(
                f"CASE WHEN ({value}) IS NULL THEN {q(header + '|缺少值（此列不能为空）')} END"
            )
    err_list = (
        f"list_filter([{', '.join(errors)}]::VARCHAR[], lambda x: x IS NOT NULL)"
        if errors
        else "[]::VARCHAR[]"
    )
    # Each used column is cleaned by sk_text once (materialised), then typed.
    text_cols = ", ".join(f"sk_text({c}) AS {c}" for c, _ in dict.fromkeys(columns.values()))
    con.execute(
        f"""CREATE TEMP TABLE _cl_{tag} AS
            WITH t AS MATERIALIZED (
                SELECT __row{", " if text_cols else ""}{text_cols}
                FROM _raw_{tag} WHERE {data_rows} {dedup}
            )
            SELECT {", ".join(selects)}, {err_list} AS __errs FROM t"""
    )
    duplicates = rows_read - _count(con, f"_cl_{tag}")

    quarantined = _quarantine(ctx, raw, tag)
    staged = _stage(ctx, adapter, tag)
    result = ParseResult(adapter.NAME, [staged], rows_read, duplicates, quarantined)
    result.latest_ts = _latest_ts(ctx, adapter, staged)
    con.unregister(f"_raw_{tag}")
    result.staged += adapter.post_stage(ctx, staged)
    con.execute(f"DROP TABLE {staged.cleaned}")  # post_stage may read it; free it after
    return result


def _data_rows_condition(cols: list[str]) -> str:
    """Rows with any non-blank cell whose first non-blank cell (of the first three) is not
    a summary marker (汇总, 均值 …). Cheap string functions only: this runs on every row."""
    ws = "' \t\r\n\u3000'"
    markers = ", ".join(q(m) for m in sorted(SUMMARY_MARKERS))
    lead = ", ".join(f"trim({c}, {ws})" for c in cols[:3])
    first = f"list_filter([{lead}], lambda x: x <> '')[1]"
    return (
        rf"regexp_matches(concat({', '.join(cols)}), '[^\s\x{{3000}}]')"
        f" AND coalesce({first}, '') NOT IN ({markers})"
    )


def _count(con: duckdb.DuckDBPyConnection, table: str) -> int:
    return scalar_int(con, f"SELECT count(*) FROM {table}")


def _quarantine(ctx: ImportContext, raw: RawTable, tag: str) -> int:
    pairs = ", ".join(f"{q(h or f'第{i + 1}列')}, c{i}" for i, h in enumerate(raw.headers))
    sheet = q(raw.sheet) if raw.sheet else "NULL"
    ctx.con.execute(
        f"""INSERT INTO quarantine
            SELECT {q(ctx.file_hash)}, {q(raw.source)}, {sheet}, d.__row,
                   split_part(c.__errs[1], '|', 1),
                   list_aggregate(list_transform(c.__errs, lambda x: '列「' || split_part(x, '|', 1) || '」' || split_part(x, '|', 2)), 'string_agg', '；'),
                   CAST(json_object({pairs}) AS VARCHAR)
            FROM _cl_{tag} c JOIN _raw_{tag} d USING (__row) WHERE len(c.__errs) > 0"""
    )
    return _count(ctx.con, f"_cl_{tag} WHERE len(__errs) > 0")


def _stage(ctx: ImportContext, adapter: TabularAdapter, tag: str) -> Staged:
    table = TABLES[adapter.TABLE]
    present = {f.name for f in adapter.FIELDS} & set(_cleaned_columns(ctx, tag))
    derived = {"shop_id": q(ctx.shop_id)}
    if adapter.DATE_FIELD and "biz_date" in table.column_names:
        derived["biz_date"] = f"CAST(sk_local({adapter.DATE_FIELD}, {q(ctx.timezone)}) AS DATE)"
    derived.update(adapter.derived_columns(ctx))
    exprs = []
    for name, sql_type in table.columns:
        if name in derived:
            expr = derived[name]
        elif name in present:
            expr = name
        else:
            expr = "NULL"
        exprs.append(f"CAST({expr} AS {sql_type}) AS {name}")
    temp = f"_st_{tag}"
    ctx.con.execute(
        f"CREATE TEMP TABLE {temp} AS SELECT {', '.join(exprs)}, __row AS _row FROM _cl_{tag} WHERE len(__errs) = 0"
    )
    return Staged(adapter.TABLE, temp, cleaned=f"_cl_{tag}")


def _cleaned_columns(ctx: ImportContext, tag: str) -> list[str]:
    return [r[0] for r in ctx.con.execute(f"DESCRIBE _cl_{tag}").fetchall()]


def _latest_ts(ctx: ImportContext, adapter: TabularAdapter, staged: Staged) -> dt.datetime | None:
    ts_cols = [name for name, sql_type in TABLES[staged.table].columns if sql_type == "TIMESTAMP"]
    if not ts_cols:
        return None
    expr = f"greatest({', '.join(ts_cols)})" if len(ts_cols) > 1 else ts_cols[0]
    value = scalar(ctx.con, f"SELECT max({expr}) FROM {staged.temp_table}")
    return value if isinstance(value, dt.datetime) else None
