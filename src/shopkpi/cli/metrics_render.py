"""Rendering for the metric commands: rich tables for people, JSON and CSV for scripts."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal

from rich.table import Table

from shopkpi.metrics.catalog import CATALOG
from shopkpi.metrics.compute import ComputeResult
from shopkpi.metrics.display import format_value, plain
from shopkpi.metrics.explain import Evidence, Explanation
from shopkpi.metrics.model import MetricDef
from shopkpi.metrics.report import EntityRow, entity_rows
from shopkpi.metrics.store import MetricValue

PENDING_NOTE = "* 待定：付款缓冲期等观察期未过，是暂时的数，还会变；— 无数据或分母为 0"
ENTITY_LABELS = {"staff": "客服", "team": "团队", "shop": "店铺"}
STATUS_LABELS = {"final": "定稿", "pending": "待定"}


def catalog_records() -> list[dict[str, object]]:
    """The catalog as flat records (``shopkpi metrics --format json|csv``)."""
    return [
        {
            "metric_id": m.id,
            "name": m.name,
            "family": m.family.value,
            "family_name": m.family.label,
            "unit": m.unit.label,
            "direction": m.direction.value,
            "kind": m.kind.value,
            "formula": m.formula,
            "additive": m.additive,
            "may_be_pending": m.may_be_pending,
            "entities": ",".join(sorted(k.value for k in m.entities)),
        }
        for m in CATALOG.metrics
    ]


def catalog_table() -> Table:
    table = Table(title=f"指标目录（{len(CATALOG)} 个指标）", show_lines=False)
    for header in ("指标", "名称", "类别", "单位", "方向", "公式", "按天可加", "可能待定"):
        table.add_column(header)
    for m in CATALOG.metrics:
        table.add_row(
            m.id,
            m.name,
            m.family.label,
            m.unit.label,
            m.direction.label,
            m.formula,
            "是" if m.additive else "否（按明细重算）",
            "是" if m.may_be_pending else "",
        )
    return table


def value_records(values: Sequence[MetricValue]) -> list[dict[str, object]]:
    """One record per stored value; decimals as exact strings, pending values as null."""
    return [
        {
            "shop_id": v.shop_id,
            "entity_kind": v.entity_kind.value,
            "entity_id": v.entity_id,
            "entity_name": v.entity_name,
            "grain": v.grain.value,
            "period": v.period,
            "period_start": v.period_start.isoformat(),
            "period_end": v.period_end.isoformat(),
            "metric_id": v.metric_id,
            "metric_name": CATALOG[v.metric_id].name if v.metric_id in CATALOG else v.metric_id,
            "unit": CATALOG[v.metric_id].unit.label if v.metric_id in CATALOG else "",
            "value": plain(v.value),
            "numerator": plain(v.numerator),
            "denominator": plain(v.denominator),
            "status": v.status.value,
        }
        for v in values
    ]


def to_json(records: Sequence[dict[str, object]]) -> str:
    return json.dumps(list(records), ensure_ascii=False, indent=2) + "\n"


def to_csv(records: Sequence[dict[str, object]]) -> str:
    out = io.StringIO()
    if records:
        writer = csv.DictWriter(out, fieldnames=list(records[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(records)
    return out.getvalue()


def values_table(period: str, values: Sequence[MetricValue], metric_ids: Sequence[str]) -> Table:
    """Entities as rows (by name), metrics as columns."""
    metrics = [CATALOG[m] for m in metric_ids]
    rows = entity_rows(values)
    kinds = "、".join(dict.fromkeys(ENTITY_LABELS[r.entity_kind.value] for r in rows))
    table = Table(title=f"指标值 · {period} · {kinds or '—'}")
    table.add_column("名称")
    for m in metrics:
        table.add_column(m.name, justify="right")
    for row in rows:
        cells = (format_value(m, row.values.get(m.id), compact=True) for m in metrics)
        table.add_row(row.entity_name, *cells)
    table.caption = PENDING_NOTE
    return table


def ranking_table(
    period: str, by: MetricDef, rows: Sequence[EntityRow], columns: Sequence[str]
) -> Table:
    ids = list(dict.fromkeys([by.id, *columns]))
    table = Table(title=f"客服排行 · {period} · 按{by.name}")
    table.add_column("名次", justify="right")
    table.add_column("客服")
    for mid in ids:
        table.add_column(CATALOG[mid].name, justify="right")
    for rank, row in enumerate(rows, 1):
        cells = (format_value(CATALOG[m], row.values.get(m), compact=True) for m in ids)
        table.add_row(str(rank), row.entity_name, *cells)
    table.caption = PENDING_NOTE
    return table


def compute_summary(result: ComputeResult, zone: tzinfo) -> str:
    as_of = result.as_of.replace(tzinfo=UTC).astimezone(zone)
    periods = "、".join(p.label for p in result.periods) or "—"
    return (
        f"[green]✓[/] 已计算 {result.rows:,} 个指标值（周期：{periods}；"
        f"截至 {as_of:%Y-%m-%d %H:%M} 当地时间；"
        f"派生表 {result.derive_seconds:.1f} 秒，指标 {result.metric_seconds:.1f} 秒）\n"
        "  查看：shopkpi show　解释某个数：shopkpi explain 客服 指标"
    )


def explanation_header(e: Explanation) -> str:
    m, v = e.metric, e.value
    lines = [
        f"[bold]{m.name}[/]（{m.id}）· {e.staff.describe()} · {e.period.label}",
        f"公式：{m.formula}",
    ]
    if v is None:
        lines.append("数值：— （这个周期还没有算过，或该客服没有相关数据）")
    else:
        status = STATUS_LABELS[v.status.value]
        lines.append(
            f"数值：{format_value(m, v)}　分子 {plain(v.numerator)}　分母 {plain(v.denominator) or '—'}　{status}"
        )
    if e.rule:
        lines.append(f"订单归属规则：{e.rule}")
    lines.append("时间为店铺当地时间；「规则」列说明每一行为什么计入或不计入")
    return "\n".join(lines)


def evidence_table(ev: Evidence, zone: tzinfo) -> Table:
    table = Table(title=f"{ev.source.label} · {ev.metric.name}", show_lines=False)
    for _, label in ev.columns:
        table.add_column(label)
    for row in ev.rows:
        table.add_row(*(_cell(row.get(c), zone) for c, _ in ev.columns))
    shown = len(ev.rows)
    caption = f"共 {ev.total_rows} 行"
    if ev.numerator is not None:
        caption += f"，分子合计 {plain(ev.numerator)}"
    if ev.denominator is not None:
        caption += f"，分母合计 {plain(ev.denominator)}"
    if shown < ev.total_rows:
        caption += f"；只显示前 {shown} 行（--limit 可调）"
    table.caption = caption
    return table


def refunds_table(ev: Evidence, zone: tzinfo) -> Table:
    from shopkpi.metrics.explain import REFUND_COLUMNS

    table = Table(title="这些订单的退款")
    for _, label in REFUND_COLUMNS:
        table.add_column(label)
    for row in ev.refunds:
        table.add_row(*(_cell(row.get(c), zone) for c, _ in REFUND_COLUMNS))
    return table


def _cell(value: object, zone: tzinfo) -> str:
    """Decimals exact, UTC instants as shop-local ``MM-DD HH:MM:SS``, dates as ``MM-DD``."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return plain(value) or ""
    if isinstance(value, datetime):
        return f"{value.replace(tzinfo=UTC).astimezone(zone):%m-%d %H:%M:%S}"
    if isinstance(value, date):
        return f"{value:%m-%d}"
    return str(value)
