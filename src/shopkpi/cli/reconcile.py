"""Rendering for ``shopkpi reconcile``: a rich table, JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

from rich.table import Table

from shopkpi.ingest.adapters.platform_report import COLUMNS_BY_METRIC, RULE_LABELS, Unit
from shopkpi.reconcile import VERDICT_LABELS, Reason, ReconcileRow, Reconciliation, Verdict

_STYLE = {
    Verdict.agree: "green",
    Verdict.rounding: "green",
    Verdict.differ: "red",
    Verdict.pending: "yellow",
    Verdict.missing: "dim",
}
CSV_FIELDS = (
    "staff_id", "staff_name", "account_nick", "metric_id", "metric_name", "ours", "ours_status",
    "theirs", "theirs_raw", "diff", "rel_diff", "verdict", "verdict_label", "reasons",
    "reason_text",
)  # fmt: skip


def render_json(result: Reconciliation) -> str:
    return json.dumps(result.as_dict(), ensure_ascii=False, indent=2) + "\n"


def render_csv(result: Reconciliation) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for row in result.rows:
        data = row.as_dict()
        data["reasons"] = "|".join(row.reasons)
        writer.writerow(data)
    return out.getvalue()


def title(result: Reconciliation) -> str:
    theirs = RULE_LABELS.get(result.platform_rule, result.platform_rule)
    ours = RULE_LABELS.get(result.our_rule, result.our_rule)
    return (
        f"与平台客服绩效报表对账 {result.period_start} 至 {result.period_end}"
        f"（平台：{theirs}；我方：{ours}）"
    )


def comparable(result: Reconciliation) -> tuple[list[ReconcileRow], list[str]]:
    """The rows worth a table line, and the platform columns we do not compute at all."""
    skipped = [r for r in result.rows if Reason.not_in_catalog in r.reasons]
    names = list(dict.fromkeys(r.metric_name for r in skipped))
    return [r for r in result.rows if Reason.not_in_catalog not in r.reasons], names


def rows_table(result: Reconciliation) -> Table:
    """Every comparable agent × metric (platform columns we do not compute are left out)."""
    table = Table(title=title(result), show_lines=False)
    for header, justify in (
        ("客服", "left"),
        ("子账号", "left"),
        ("指标", "left"),
        ("我方", "right"),
        ("平台", "right"),
        ("差值", "right"),
        ("相对差", "right"),
        ("结论", "left"),
        ("可能原因", "left"),
    ):
        table.add_column(header, justify=justify)  # type: ignore[arg-type]
    rows, _ = comparable(result)
    for row in rows:
        table.add_row(
            row.staff_name or row.staff_id or "",
            row.account_nick or "",
            row.metric_name,
            _value(row, row.ours),
            row.theirs_raw if row.theirs is None else _value(row, row.theirs),
            _value(row, row.diff, signed=True),
            _percent(row.rel_diff, signed=True),
            f"[{_STYLE[row.verdict]}]{VERDICT_LABELS[row.verdict]}[/]",
            row.reason_text,
        )
    if not rows:
        table.caption = "（无）"
    return table


def summary_table(result: Reconciliation) -> Table:
    """Per metric: how many agents agree, differ, are pending or cannot be compared."""
    table = Table(title="各指标对账汇总")
    table.add_column("指标")
    for verdict in (Verdict.agree, Verdict.differ, Verdict.pending, Verdict.missing):
        table.add_column(VERDICT_LABELS[verdict], justify="right")
    skipped = {r.metric_id for r in result.rows if Reason.not_in_catalog in r.reasons}
    for metric, counts in result.by_metric().items():
        if metric in skipped:
            continue
        column = COLUMNS_BY_METRIC.get(metric)
        table.add_row(
            column.label if column else metric,
            str(counts[Verdict.agree] + counts[Verdict.rounding]),
            str(counts[Verdict.differ]),
            str(counts[Verdict.pending]),
            str(counts[Verdict.missing]),
        )
    return table


def _value(row: ReconcileRow, value: Decimal | None, *, signed: bool = False) -> str:
    if value is None:
        return ""
    column = COLUMNS_BY_METRIC.get(row.metric_id)
    unit = column.unit if column else Unit.number
    if unit is Unit.ratio:
        return _percent(value, signed=signed)
    places = {Unit.multiple: 4, Unit.money: 2}.get(unit, 2)
    text = _trim(f"{value:.{places}f}") if unit is not Unit.money else f"{value:,.2f}"
    if value and text.strip("0.,") == "":  # too small to show: keep two more digits
        text = _trim(f"{value:.{places + 2}f}")
    return ("+" if signed and value > 0 else "") + text


def _trim(text: str) -> str:
    return text.rstrip("0").rstrip(".") if "." in text else text


def _percent(value: Decimal | None, *, signed: bool = False) -> str:
    if value is None:
        return ""
    sign = "+" if signed and value > 0 else ""
    return f"{sign}{value * 100:.2f}%"
