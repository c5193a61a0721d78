"""The platform's own 客服绩效 custom report (FIELD.md §1.7) → ``platform_cs_report``.

Shops trust a new tool only when its numbers agree with this report, so we keep it to
reconcile against (``shopkpi reconcile``). The file is recognised by its headers, like every
other format; only its *metadata* comes from the name the platform gives it:
``自定义报表_<报表名>_<判定规则>_<开始>至<结束>.xlsx`` (the rule ∈ 下单判定 / 付款判定 /
下单优先判定).

- **No period in the name** (and no 日期 column): the file is refused, because its numbers
  cannot be compared with anything. Re-download it, or rename it the platform's way.
- **No rule in the name**: the file imports with ``rule = 'unknown'`` and the import says so;
  reconcile then names the unknown rule as the likely reason for differences in the
  attribution-dependent metrics (询单->最终付款转化率 …).
- A 日期 column (a per-day breakdown) overrides the period row by row.

Rows land in long format: one row per agent × metric, keyed by
``(shop_id, period_start, period_end, rule, account_nick, metric_id)``.

- 汇总 / 均值 / 汇总值 rows are skipped; exact duplicate rows collapse.
- ``延迟统计`` (not final yet) is stored as ``value`` NULL with ``pending`` true, never 0.
- Percent strings (``98.5%``) become fractions (0.985); a bare number in a rate column is
  taken as a fraction already (what an xlsx percent cell holds). Durations accept seconds,
  ``12秒``, ``1分5秒`` and ``00:01:05``.
- A cell that cannot be read quarantines its agent's row; blank cells (``-``) are skipped.
- Columns that are not in :data:`REPORT_COLUMNS` are ignored and named in the import note.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from enum import StrEnum

from shopkpi.errors import FileRefused
from shopkpi.ingest.adapters.chat_common import nick_sql
from shopkpi.ingest.base import Field, FieldKind, ImportContext, ParseResult, Staged, TabularAdapter
from shopkpi.ingest.reader import SUMMARY_MARKERS, RawTable
from shopkpi.ingest.tabular import q, resolve_columns
from shopkpi.warehouse.db import scalar_int
from shopkpi.warehouse.schema import TABLES

TABLE = "platform_cs_report"
UNKNOWN_RULE = "unknown"
# 判定规则 in the file name → the attribution anchor it corresponds to (GLOSSARY).
RULES = {"下单判定": "order_created", "付款判定": "order_paid", "下单优先判定": "order_first"}
RULE_LABELS = {v: k for k, v in RULES.items()} | {UNKNOWN_RULE: "未知判定规则"}

_counter = itertools.count()


class Unit(StrEnum):
    """How a report cell is read."""

    number = "number"  # 人数, 消息数, 字数, 天数: a plain number
    ratio = "ratio"  # a rate that cannot pass 100% (回复率, 转化率, 满意率)
    multiple = "multiple"  # a ratio that can pass 1 (答问比)
    seconds = "seconds"  # 12, 12秒, 1分5秒, 00:01:05
    money = "money"


@dataclass(frozen=True)
class ReportColumn:
    """One platform column: our metric id (GLOSSARY), its names in the report, its unit."""

    metric_id: str
    headers: tuple[str, ...]
    unit: Unit

    @property
    def label(self) -> str:
        return self.headers[0]


C, R, M, S = Unit.number, Unit.ratio, Unit.multiple, Unit.seconds

REPORT_COLUMNS: tuple[ReportColumn, ...] = (
    ReportColumn(
        "consulted_buyers",
        ("聊天人数(原咨询人数)", "聊天人数（原咨询人数）", "咨询人数", "聊天人数"),
        C,
    ),
    ReportColumn("received_buyers", ("接待人数",), C),
    ReportColumn("direct_received_buyers", ("直接接入人数",), C),
    ReportColumn("transferred_in_buyers", ("转发接入人数", "转入人数"), C),
    ReportColumn("transferred_out_buyers", ("转出人数",), C),
    ReportColumn("total_messages", ("总消息数",), C),
    ReportColumn("buyer_messages", ("买家消息数",), C),
    ReportColumn("agent_messages", ("客服消息数",), C),
    ReportColumn("answer_question_ratio", ("答问比",), M),
    ReportColumn("agent_chars", ("客服字数",), C),
    ReportColumn("max_concurrent_chats", ("最大同时聊天数",), C),
    ReportColumn("unreplied_buyers", ("未回复人数",), C),
    ReportColumn("reply_rate", ("回复率",), R),
    ReportColumn("slow_reception_buyers", ("慢接待人数",), C),
    ReportColumn("long_reception_buyers", ("长接待人数",), C),
    ReportColumn(
        "first_response_seconds", ("首次响应(秒)", "首次响应（秒）", "首次响应时间", "首次响应"), S
    ),
    ReportColumn(
        "avg_response_seconds", ("平均响应(秒)", "平均响应（秒）", "平均响应时间", "平均响应"), S
    ),
    ReportColumn(
        "avg_session_seconds", ("平均接待时长", "平均接待时长(秒)", "平均接待时长（秒）"), S
    ),
    ReportColumn(
        "inquiry_to_paid_rate",
        (
            "询单->最终付款转化率",
            "询单→最终付款转化率",
            "询单-最终付款转化率",
            "询单->最终付款成功率",
        ),
        R,
    ),
    ReportColumn("days_worked", ("上班天数",), C),
    ReportColumn("satisfaction_rate", ("客户满意率", "满意率"), R),
    # Seen in other report templates; harmless when absent.
    ReportColumn("inquiry_buyers", ("询单人数",), C),
    ReportColumn("reply_within_3min_rate", ("3分钟响应率", "三分钟响应率"), R),
    ReportColumn("cs_sales", ("客服销售额", "销售额"), Unit.money),
    ReportColumn("cs_paying_buyers", ("客服销售人数", "销售人数"), C),
)
COLUMNS_BY_METRIC = {c.metric_id: c for c in REPORT_COLUMNS}
ACCOUNT_HEADERS = ("客服昵称", "客服", "客服账号", "子账号", "旺旺昵称")
DATE_HEADERS = ("日期", "统计日期")
MIN_METRIC_COLUMNS = 2  # 客服昵称 plus at least this many known columns identify the report

_DATE = r"(\d{4})[-./年]?(\d{1,2})[-./月]?(\d{1,2})日?"
_PERIOD = re.compile(_DATE + r"\s*(?:至|到|~|～|—)\s*" + _DATE)


@dataclass(frozen=True)
class ReportName:
    """What the file name says: report name, rule (anchor id or ``unknown``) and period."""

    report_name: str | None
    rule: str
    start: dt.date | None
    end: dt.date | None


def parse_report_name(name: str) -> ReportName:
    """Read ``自定义报表_<报表名>_<判定规则>_<开始>至<结束>.xlsx``, leniently.

    The rule and the period are found anywhere in the name (downloads get ``(1)`` suffixes,
    people add prefixes); dates may be ``2026-11-01``, ``20261101`` or ``2026年11月1日``.
    """
    stem = re.sub(r"\.(xlsx|xls|csv)$", "", name, flags=re.I)
    rule = UNKNOWN_RULE
    # The longest name first: 下单优先判定 contains 下单判定's characters only partly,
    # but check it first anyway so a prefix match can never win.
    for label in sorted(RULES, key=len, reverse=True):
        if label in stem:
            rule = RULES[label]
            break
    start = end = None
    match = _PERIOD.search(stem)
    if match:
        y1, m1, d1, y2, m2, d2 = (int(g) for g in match.groups())
        try:
            start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
        except ValueError:
            start = end = None
    parts = stem.split("_")
    report_name = None
    if len(parts) >= 3 and parts[0].startswith("自定义报表"):
        middle = [p for p in parts[1:] if p not in RULES and not _PERIOD.search(p)]
        report_name = "_".join(middle) or None
    return ReportName(report_name, rule, start, end)


def _value_sql(unit: Unit) -> str:
    """SQL over cleaned text ``t`` (see ``sk_text``): the cell's value, NULL when unreadable."""
    number = "TRY_CAST({} AS DECIMAL(18,6))"
    match unit:
        case Unit.number:
            return number.format(r"regexp_replace(t, '[,\s人天条个字次]', '', 'g')")
        case Unit.ratio | Unit.multiple:
            return "sk_pct_t(t)"
        case Unit.money:
            return "sk_money_t(t)"
        case Unit.seconds:
            clock = (
                "list_reduce(list_transform(string_split(t, ':'), "
                "lambda x: TRY_CAST(x AS DECIMAL(18,6))), lambda a, x: a * 60 + x)"
            )
            parts = " + ".join(
                f"coalesce(TRY_CAST(nullif(regexp_extract(t, '([0-9.]+){unit_re}', 1), '') "
                f"AS DECIMAL(18,6)), 0) * {factor}"
                for unit_re, factor in (("(?:小时|时)", 3600), ("分钟?", 60), ("秒", 1))
            )
            plain = number.format(r"regexp_replace(t, '[,\s]', '', 'g')")
            return rf"""CASE
                WHEN regexp_full_match(t, '[0-9]+(:[0-9]{{1,2}}){{1,2}}(\.[0-9]+)?') THEN {clock}
                WHEN regexp_full_match(t, '(([0-9.]+)(小时|时))?(([0-9.]+)分钟?)?(([0-9.]+)秒)?')
                     AND regexp_matches(t, '[时分秒]') THEN {parts}
                ELSE {plain} END"""
    raise AssertionError(unit)


class PlatformReportAdapter(TabularAdapter):
    """客服绩效 custom report: one row per agent, one column per platform metric."""

    NAME = "platform_cs_report"
    LABEL = "客服绩效报表（平台自定义报表）"
    TABLE = TABLE
    FIELDS = (
        Field("account_nick", ACCOUNT_HEADERS, required=True, not_null=True),
        Field("report_date", DATE_HEADERS, FieldKind.date),
        *(Field(c.metric_id, c.headers, FieldKind.decimal) for c in REPORT_COLUMNS),
    )
    SIGNATURE = (
        "account_nick",
        "consulted_buyers",
        "received_buyers",
        "reply_rate",
        "first_response_seconds",
        "avg_response_seconds",
    )
    COLLAPSE_EXACT = True

    def match(self, raw: RawTable) -> float:
        """客服昵称 plus at least two known metric columns (custom reports pick their columns)."""
        headers = set(raw.headers)
        if not headers & set(ACCOUNT_HEADERS):
            return 0.0
        known = sum(1 for c in REPORT_COLUMNS if headers & set(c.headers))
        if known < MIN_METRIC_COLUMNS:
            return 0.0
        return min(1.0, 0.5 + 0.1 * known)

    def stage(self, ctx: ImportContext, raw: RawTable) -> ParseResult:
        name = parse_report_name(ctx.display_name)
        columns = resolve_columns(self, raw)
        if (name.start is None or name.end is None) and "report_date" not in columns:
            raise FileRefused(
                raw.label,
                "no_period",
                "文件名里没有统计周期（应为 自定义报表_<报表名>_<判定规则>_<开始>至<结束>.xlsx），"
                "无法与我方数据对账",
                hint="请使用平台下载时的原始文件名，或按上面的格式改名后重新导入",
            )
        if name.start is not None and name.end is not None and name.start > name.end:
            raise FileRefused(
                raw.label,
                "no_period",
                f"文件名里的统计周期开始日期晚于结束日期（{name.start}至{name.end}）",
                hint="请使用平台下载时的原始文件名",
            )
        tag = f"pcr_{next(_counter)}"
        con = ctx.con
        con.register(f"_raw_{tag}", raw.table)
        try:
            rows_read, duplicates = self._clean(ctx, raw, columns, tag)
            quarantined = self._quarantine(ctx, raw, tag)
            staged = self._stage_rows(ctx, name, tag)
        finally:
            con.unregister(f"_raw_{tag}")
        result = ParseResult(self.NAME, [staged], rows_read, duplicates, quarantined)
        if name.rule == UNKNOWN_RULE:
            result.notes.append(
                "文件名里没有判定规则（下单判定/付款判定/下单优先判定），已按「未知」导入；"
                "对账时转化类指标会标注规则未知"
            )
        known = {h for f in self.FIELDS for h in f.headers}
        ignored = [h for h in raw.headers if h and h not in known]
        if ignored:
            result.notes.append(f"未识别的列已忽略：{'、'.join(ignored)}")
        return result

    def _clean(
        self, ctx: ImportContext, raw: RawTable, columns: dict[str, tuple[str, str]], tag: str
    ) -> tuple[int, int]:
        """Clean the data rows; returns (rows read, exact duplicates collapsed).

        ``_prow_{tag}``: one row per distinct data row (nick, 日期). ``_pcl_{tag}``: one row
        per row × metric cell with its value, ``pending`` flag and error. ``_perr_{tag}``: the
        rows to quarantine with their reasons.
        """
        con = ctx.con
        cols = [f"c{i}" for i in range(len(raw.headers))]
        ws = "' \t\r\n\u3000'"
        markers = ", ".join(q(m) for m in sorted(SUMMARY_MARKERS))
        summary = " OR ".join(f"trim({c}, {ws}) IN ({markers})" for c in cols[:3])
        data = rf"regexp_matches(concat({', '.join(cols)}), '[^\s\x{{3000}}]') AND NOT ({summary})"
        rows_read = scalar_int(con, f"SELECT count(*) FROM _raw_{tag} WHERE {data}")
        account_col, account_header = columns["account_nick"]
        date_col, date_header = columns.get("report_date", ("NULL", "日期"))
        con.execute(
            f"""CREATE TEMP TABLE _prow_{tag} AS
                SELECT *, sk_date_t(date_text) AS report_date FROM (
                    SELECT *, {nick_sql(f"sk_text({account_col})")} AS account_nick,
                           sk_text({date_col}) AS date_text
                    FROM _raw_{tag} WHERE {data}
                    QUALIFY row_number() OVER (PARTITION BY {", ".join(cols)} ORDER BY __row) = 1)"""
        )
        cells = [
            f"{{metric_id: {q(c.metric_id)}, header: {q(columns[c.metric_id][1])},"
            f" unit: {q(c.unit.value)}, t: sk_text({columns[c.metric_id][0]})}}"
            for c in REPORT_COLUMNS
            if c.metric_id in columns
        ]
        values = " ".join(
            f"WHEN {q(u.value)} THEN CAST(({_value_sql(u)}) AS DECIMAL(18,6))" for u in Unit
        )
        con.execute(
            f"""CREATE TEMP TABLE _pcl_{tag} AS
                WITH l AS (
                    SELECT __row, account_nick, report_date,
                           unnest([{", ".join(cells)}], recursive := true)
                    FROM _prow_{tag}
                ), v AS (SELECT *, CASE unit {values} END AS value, t = '延迟统计' AS pending FROM l)
                SELECT *, CASE
                    WHEN value IS NULL AND NOT sk_nullish_t(t) AND t <> '延迟统计'
                        THEN '列「' || header || '」无法识别的数值「' || t || '」'
                    WHEN unit = 'ratio' AND value > 1
                        THEN '列「' || header || '」比例超过 100%「' || t || '」'
                    WHEN value < 0 THEN '列「' || header || '」不能为负数「' || t || '」'
                    END AS err
                FROM v"""
        )
        no_nick = q(f"列「{account_header}」缺少客服昵称")
        bad_date = f"'列「{date_header}」无法识别的日期「' || r.date_text || '」'"
        con.execute(
            f"""CREATE TEMP TABLE _perr_{tag} AS
                SELECT * FROM (
                    SELECT r.__row,
                        CASE WHEN r.account_nick IS NULL THEN {q(account_header)}
                             WHEN r.date_text IS NOT NULL AND r.report_date IS NULL
                                 THEN {q(date_header)}
                             ELSE min(p.header) FILTER (WHERE p.err IS NOT NULL) END AS column_name,
                        list_concat(
                            CASE WHEN r.account_nick IS NULL THEN [{no_nick}] ELSE [] END,
                            CASE WHEN r.date_text IS NOT NULL AND r.report_date IS NULL
                                 THEN [{bad_date}] ELSE [] END,
                            coalesce(list(p.err ORDER BY p.header)
                                     FILTER (WHERE p.err IS NOT NULL), [])) AS errs
                    FROM _prow_{tag} r LEFT JOIN _pcl_{tag} p USING (__row)
                    GROUP BY r.__row, r.account_nick, r.date_text, r.report_date)
                WHERE len(errs) > 0"""
        )
        return rows_read, rows_read - scalar_int(con, f"SELECT count(*) FROM _prow_{tag}")

    def _quarantine(self, ctx: ImportContext, raw: RawTable, tag: str) -> int:
        pairs = ", ".join(f"{q(h or f'第{i + 1}列')}, c{i}" for i, h in enumerate(raw.headers))
        sheet = q(raw.sheet) if raw.sheet else "NULL"
        ctx.con.execute(
            f"""INSERT INTO quarantine
                SELECT {q(ctx.file_hash)}, {q(raw.source)}, {sheet}, e.__row, e.column_name,
                       array_to_string(e.errs, '；'), CAST(json_object({pairs}) AS VARCHAR)
                FROM _perr_{tag} e JOIN _raw_{tag} d USING (__row)"""
        )
        return scalar_int(ctx.con, f"SELECT count(*) FROM _perr_{tag}")

    def _stage_rows(self, ctx: ImportContext, name: ReportName, tag: str) -> Staged:
        table = TABLES[TABLE]
        start = f"DATE '{name.start}'" if name.start else "NULL"
        end = f"DATE '{name.end}'" if name.end else "NULL"
        exprs = {
            "shop_id": q(ctx.shop_id),
            "period_start": f"coalesce(report_date, {start})",
            "period_end": f"coalesce(report_date, {end})",
            "rule": q(name.rule),
            "report_name": q(name.report_name) if name.report_name else "NULL",
            "raw_value": "t",
            "column_name": "header",
            "pending": "coalesce(pending, false)",
        }
        select = ", ".join(
            f"CAST({exprs.get(n, n)} AS {sql_type}) AS {n}" for n, sql_type in table.columns
        )
        temp = f"_st_{tag}"
        ctx.con.execute(
            f"""CREATE TEMP TABLE {temp} AS SELECT {select}, __row AS _row FROM _pcl_{tag}
                WHERE __row NOT IN (SELECT __row FROM _perr_{tag})
                  AND (value IS NOT NULL OR pending)"""
        )
        return Staged(TABLE, temp)
