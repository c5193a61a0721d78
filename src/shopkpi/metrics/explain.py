"""``shopkpi explain``: the rows behind one staff member's number, and the rule for each.

Each metric reads one source (a derived metric reads two); ``explain`` lists that source's
rows for the staff member and period with what each row added to the numerator and the
denominator and the rule that classified it (``note``). Order rows also list their refunds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import duckdb

from shopkpi.config.models import (
    AttributionAnchor,
    AttributionPicker,
    AttributionSettings,
    InquiryWindow,
)
from shopkpi.errors import ShopkpiError
from shopkpi.ingest.adapters.vocab import EntityKind
from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.model import DenominatorScope, MetricDef
from shopkpi.metrics.periods import Period
from shopkpi.metrics.rollup import NUM
from shopkpi.metrics.source import Source
from shopkpi.metrics.staff import StaffRef
from shopkpi.metrics.store import MetricValue, ValueQuery, read_values

REFUND_COLUMNS = (
    ("order_id", "订单号"),
    ("refund_id", "退款编号"),
    ("requested_at", "申请"),
    ("kind", "类型"),
    ("status", "状态"),
    ("amount", "退款金额"),
    ("reason", "原因"),
)


class NotComputed(ShopkpiError):
    """The metric tables do not exist yet."""


@dataclass(frozen=True)
class Evidence:
    """One metric's rows: the source's columns, then 分子/分母 contributions and 规则."""

    metric: MetricDef
    source: Source
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, object]]
    total_rows: int
    numerator: Decimal | None
    denominator: Decimal | None
    refunds: list[dict[str, object]] = field(default_factory=list)


@dataclass(frozen=True)
class Explanation:
    """A stored value, the rows behind it, and the attribution rule when orders count."""

    staff: StaffRef
    metric: MetricDef
    period: Period
    value: MetricValue | None
    evidence: list[Evidence]
    rule: str | None = None


_ANCHORS = {
    AttributionAnchor.order_created: "下单判定",
    AttributionAnchor.order_paid: "付款判定",
    AttributionAnchor.order_first: "下单优先判定",
}
_PICKERS = {AttributionPicker.last_touch: "末次接待", AttributionPicker.first_touch: "首次接待"}


def attribution_rule_text(rule: AttributionSettings) -> str:
    """The order attribution rule in words (下单优先判定 × 末次接待, 当天或前一天 …)."""
    hours = rule.window is InquiryWindow.hours
    window = f"{rule.window_hours} 小时内" if hours else "当天或前一天"
    money = [
        "扣退款" if rule.deduct_refunds else "不扣退款",
        "扣邮费" if rule.deduct_postage else "不扣邮费",
    ]
    return (
        f"{_ANCHORS[rule.anchor]} × {_PICKERS[rule.picker]}；询单有效时长：{window}；"
        f"销售额{'、'.join(money)}；付款缓冲 {rule.payment_buffer_days} 天"
    )


def explain(
    con: duckdb.DuckDBPyConnection,
    staff: StaffRef,
    metric: MetricDef,
    period: Period,
    limit: int,
    rule: AttributionSettings | None = None,
) -> Explanation:
    """The stored value and the rows behind it (at most ``limit`` rows per source)."""
    query = ValueQuery(period.label, EntityKind.staff, [staff.staff_id], [metric.id])
    value = next(iter(read_values(con, query)), None)
    if not metric.is_derived:
        evidence = [_evidence(con, metric, staff, period, limit)]
    else:
        whole_shop = metric.den_scope is DenominatorScope.shop
        evidence = [
            _evidence(con, CATALOG[metric.numerator], staff, period, limit),
            _evidence(con, CATALOG[metric.denominator or ""], staff, period, limit, whole_shop),
        ]
    orders = rule is not None and any(e.source.orders for e in evidence)
    text = attribution_rule_text(rule) if orders and rule else None
    return Explanation(staff, metric, period, value, evidence, text)


def _evidence(
    con: duckdb.DuckDBPyConnection,
    m: MetricDef,
    staff: StaffRef,
    period: Period,
    limit: int,
    whole_shop: bool = False,
) -> Evidence:
    """Rows of ``m``'s source for the staff member (or, ``whole_shop``, for their shop)."""
    source = CATALOG.source(m.source or "")
    _require(con, source.name)
    extra: list[tuple[str, str]] = [("staff_id", "客服")] if whole_shop else []
    selects = [c for c, _ in source.columns] + [c for c, _ in extra] + list(source.links)
    who = (
        f"shop_id IN (SELECT shop_id FROM {source.name} WHERE staff_id = $staff)"
        if whole_shop
        else "staff_id = $staff"
    )
    where = f"{who} AND biz_date BETWEEN $start AND $end"
    if m.additive:
        num, den = m.numerator, m.denominator or "0"
        selects += [f"CAST({num} AS {NUM}) AS _num", f"CAST({den} AS {NUM}) AS _den"]
        extra += [("_num", "分子"), ("_den", "分母")] if m.denominator else [("_num", "计入")]
        where += f" AND (({num}) <> 0 OR ({den}) <> 0{_pending_clause(m)})"
    selects.append("note")
    params = {"staff": staff.staff_id, "start": period.start, "end": period.end}
    cursor = con.execute(
        f"SELECT {', '.join(selects)} FROM {source.name} WHERE {where} "
        f"ORDER BY {source.order_by} LIMIT {int(limit)}",
        params,
    )
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
    total, n, d = _totals(con, source, m, where, params)
    columns = (*source.columns, *extra, ("note", "规则"))
    refunds = _refunds(con, source.name, where, params) if source.orders else []
    return Evidence(m, source, columns, rows, total, n, d, refunds)


def _pending_clause(m: MetricDef) -> str:
    return f" OR ({m.pending}) <> 0" if m.pending else ""


def _totals(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    m: MetricDef,
    where: str,
    params: dict[str, object],
) -> tuple[int, Decimal | None, Decimal | None]:
    if not m.additive:
        rows = con.execute(f"SELECT count(*) FROM {source.name} WHERE {where}", params).fetchall()
        return int(rows[0][0]), None, None
    den = f"sum(CAST({m.denominator} AS {NUM}))" if m.denominator else "NULL"
    rows = con.execute(
        f"SELECT count(*), sum(CAST({m.numerator} AS {NUM})), {den} "
        f"FROM {source.name} WHERE {where}",
        params,
    ).fetchall()
    return int(rows[0][0]), rows[0][1], rows[0][2]


def _refunds(
    con: duckdb.DuckDBPyConnection, table: str, where: str, params: dict[str, object]
) -> list[dict[str, object]]:
    cols = ", ".join(f"r.{c}" for c, _ in REFUND_COLUMNS)
    cursor = con.execute(
        f"""SELECT {cols} FROM refund AS r
            WHERE r.order_id IN (SELECT order_id FROM {table}
                                 WHERE shop_id = r.shop_id AND {where})
            ORDER BY r.requested_at, r.refund_id""",
        params,
    )
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def _require(con: duckdb.DuckDBPyConnection, table: str) -> None:
    rows = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]
    ).fetchall()
    if not rows[0][0]:
        raise NotComputed("还没有计算过指标：请先运行 shopkpi compute")
