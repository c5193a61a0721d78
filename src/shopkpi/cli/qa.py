"""``shopkpi qa``: the chat-quality summary and findings of a period."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from shopkpi.cli.metrics import FormatOpt, OutputFormat, PeriodOpt
from shopkpi.cli.render import console

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]


def qa(
    period: PeriodOpt = None,
    staff: Annotated[str | None, typer.Option("--staff", help="只看这位员工（员工编号）")] = None,
    category: Annotated[
        str | None,
        typer.Option(help="只看一类：emotion escalation compliance promise warmth gaming credit"),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="表格中显示的发现条数")] = 20,
    output: FormatOpt = OutputFormat.table,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """聊天质检：升级预警、违规用语与承诺、温度指数 EVI、刷指标与抢单信号（--format json 列出全部发现和每条消息的情绪）。"""
    from shopkpi.metrics.api import period_label
    from shopkpi.metrics.periods import parse_period
    from shopkpi.qa import report
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        con = ws.warehouse.con
        span = parse_period(period_label(con, period), ws.config.week_start)
        who = frozenset({staff}) if staff else None
        filters = report.Filters(staff=who, category=category)
        limit = None if output is not OutputFormat.table else top
        found = report.findings(con, span.start, span.end, filters, limit)
        summary = report.summary(con, span.start, span.end, who)
        emotions = (
            report.message_emotions(con, span.start, span.end, who)
            if output is OutputFormat.json
            else []
        )
    finally:
        ws.close()
    if output is OutputFormat.json:
        payload = {
            "period": span.label,
            "summary": _summary_json(summary),
            "findings": [f.as_json() for f in found],
            "messages": [
                {**m, "sent_at": m["sent_at"].isoformat(sep=" "), "score": round(m["score"], 4)}
                for m in emotions
            ],
        }
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1, default=_plain) + "\n")
        return
    if output is OutputFormat.csv:
        import csv

        out = csv.writer(sys.stdout)
        out.writerow(["finding_id", "biz_date", "staff_id", "session_id", "message_id", "rule",
                      "category", "severity", "matched", "span_start", "span_end", "detail"])  # fmt: skip
        for f in found:
            out.writerow([f.finding_id, f.biz_date, f.staff_id, f.session_id, f.message_id,
                          f.rule, f.category, f.severity, f.matched, f.span_start, f.span_end,
                          f.detail])  # fmt: skip
        return
    _print_table(span.label, summary, found)


def _summary_json(s: Any) -> dict[str, Any]:
    return {
        "sessions": s.sessions,
        "messages": s.messages,
        "negative_sessions": s.negative_sessions,
        "escalated_sessions": s.escalated_sessions,
        "recovered_sessions": s.recovered_sessions,
        "agent_messages": s.agent_messages,
        "violations": s.violations,
        "evi_avg": None if s.evi_avg is None else round(s.evi_avg, 4),
        "by_category": s.by_category,
        "by_severity": s.by_severity,
        "by_rule": s.by_rule,
    }


def _plain(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    raise TypeError(type(value).__name__)


def _print_table(label: str, s: Any, found: list[Any]) -> None:
    from rich.table import Table

    from shopkpi.qa.model import CATEGORY_LABELS, Category

    def pct(n: int, d: int) -> str:
        return f"{100 * n / d:.2f}%" if d else "—"

    head = Table(title=f"聊天质检 · {label}")
    for column in ("会话", "负面情绪会话", "升级预警", "其中挽回", "违规/百条客服消息", "EVI 均值"):
        head.add_column(column, justify="right")
    per100 = f"{100 * s.violations / s.agent_messages:.2f}" if s.agent_messages else "—"
    head.add_row(
        str(s.sessions), f"{s.negative_sessions}（{pct(s.negative_sessions, s.sessions)}）",
        str(s.escalated_sessions), f"{s.recovered_sessions}（{pct(s.recovered_sessions, s.escalated_sessions)}）",
        per100, "—" if s.evi_avg is None else f"{s.evi_avg:.2f}",
    )  # fmt: skip
    console.print(head)
    kinds = Table(title="发现（按类别）")
    kinds.add_column("类别")
    kinds.add_column("条数", justify="right")
    for key, count in s.by_category.items():
        kinds.add_row(CATEGORY_LABELS.get(Category(key), key), str(count))
    console.print(kinds)
    table = Table(title=f"最需要关注的发现（前 {len(found)} 条）")
    for column in ("日期", "员工", "类别", "严重度", "规则", "命中", "说明"):
        table.add_column(column)
    for f in found:
        table.add_row(
            f.biz_date.isoformat(), f.staff_id or "", f.category_label, f.severity_label,
            f.rule, f.matched, f.detail,
        )  # fmt: skip
    console.print(table)


def print_brief(root: Path) -> None:
    """One line of the latest month's QA findings (the demo prints it after the ranking)."""
    from shopkpi.metrics.api import period_label
    from shopkpi.metrics.periods import parse_period
    from shopkpi.qa import report
    from shopkpi.workspace import Workspace

    ws = Workspace(root)
    try:
        con = ws.warehouse.con
        span = parse_period(period_label(con, None), ws.config.week_start)
        s = report.summary(con, span.start, span.end)
    finally:
        ws.close()
    c = s.by_category
    console.print(
        f"[bold]质检 {span.label}[/]：升级预警 {s.escalated_sessions} 个会话（挽回 {s.recovered_sessions}），"
        f"违规用语 {c.get('compliance', 0)} 处、违规承诺 {c.get('promise', 0)} 处、"
        f"刷指标信号 {c.get('gaming', 0)} 处、抢单冒领 {c.get('credit', 0)} 处；"
        + ("" if s.evi_avg is None else f"EVI 均值 {s.evi_avg:.2f}。")
        + f"  查看：shopkpi qa -w {root}"
    )


def register(app: typer.Typer) -> None:
    app.command("qa")(qa)
