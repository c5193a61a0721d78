"""Metric commands: ``compute``, ``metrics``, ``show`` and ``explain`` (thin shells)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from shopkpi.cli.render import console


class OutputFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class EntityChoice(StrEnum):
    """``--entity`` (mirrors ``EntityKind``; the CLI avoids importing the ingest layer)."""

    staff = "staff"
    team = "team"
    shop = "shop"


WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option(
        "--period",
        "-p",
        help="周期：2026-11（月）、2026-W45（ISO 周）、2026-11-11（日）、2026-11-01..2026-11-15",
    ),
]
FormatOpt = Annotated[
    OutputFormat, typer.Option("--format", "-f", help="输出格式：table 表格 | json | csv")
]


def compute(
    period: PeriodOpt = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
            help="按店铺当地时间判断待定/定稿的时刻（默认：数据里最新的事件）",
        ),
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """计算指标：重建会话/回合/询单/订单归属，再算全部指标写入 metric_value（默认：有数据的每个月）。"""
    import getpass
    from zoneinfo import ZoneInfo

    from shopkpi.cli.handoff import run_on_server, server_for
    from shopkpi.cli.metrics_render import compute_summary
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    server = server_for(ws.root)
    if server is not None:  # the server owns the warehouse: it computes
        params = {"period": period, "as_of": as_of.isoformat(sep=" ") if as_of else None}
        done = run_on_server(server, "compute", getpass.getuser(), params)
        console.print(
            f"[green]✓[/] 已计算 {'、'.join(done['periods'])}：{done['rows']} 个指标值，"
            f"数据截至 {done['as_of']} (UTC)"
        )
        return
    try:
        zone = ZoneInfo(ws.config.shops[0].timezone)
        result = ws.compute(period, as_of.replace(tzinfo=zone) if as_of else None)
    finally:
        ws.close()
    console.print(compute_summary(result, zone))


def metrics(output: FormatOpt = OutputFormat.table) -> None:
    """指标目录：每个指标的编号、中文名、单位、方向和公式。"""
    from shopkpi.cli.metrics_render import catalog_records, catalog_table

    _emit(output, catalog_records(), lambda: console.print(catalog_table()))


def show(
    period: PeriodOpt = None,
    entity: Annotated[
        EntityChoice, typer.Option("--entity", "-e", help="staff 客服 | team 团队 | shop 店铺")
    ] = EntityChoice.staff,
    metric: Annotated[
        list[str] | None,
        typer.Option("--metric", "-m", help="指标编号或中文名，可重复；表格默认显示核心指标"),
    ] = None,
    output: FormatOpt = OutputFormat.table,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """查看指标值：每个客服、团队或店铺一行（默认：最近计算的月份）。"""
    from shopkpi.cli.metrics_render import value_records, values_table
    from shopkpi.ingest.adapters.vocab import EntityKind
    from shopkpi.metrics.report import HEADLINE
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        shown = ws.show(period, EntityKind(entity.value), metric)
    finally:
        ws.close()
    ids = [v.metric_id for v in shown.values]
    columns = list(dict.fromkeys(ids)) if metric else [m for m in HEADLINE if m in ids]
    _emit(
        output,
        value_records(shown.values),
        lambda: console.print(values_table(shown.period, shown.values, columns)),
    )


def explain(
    staff: Annotated[str, typer.Argument(help="员工编号、姓名或子账号（店铺名:客服名）")],
    metric: Annotated[str, typer.Argument(help="指标编号或中文名，如 cs_sales 或 客服销售额")],
    period: PeriodOpt = None,
    limit: Annotated[int, typer.Option(help="每类明细最多显示的行数")] = 50,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """解释一个数：列出它背后的会话、回合、订单和退款，以及每一行按哪条规则计入。"""
    from zoneinfo import ZoneInfo

    from shopkpi.cli.metrics_render import evidence_table, explanation_header, refunds_table
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        e = ws.explain(staff, metric, period, limit)
    finally:
        ws.close()
    zone = ZoneInfo(ws.config.shops[0].timezone)
    console.print(explanation_header(e))
    for ev in e.evidence:
        console.print(evidence_table(ev, zone))
        if ev.refunds:
            console.print(refunds_table(ev, zone))


def compute_and_rank(root: Path) -> None:
    """``shopkpi demo``'s last step: compute every metric, then print the staff ranking."""
    from zoneinfo import ZoneInfo

    from shopkpi.cli.metrics_render import compute_summary, ranking_table
    from shopkpi.metrics.api import RANKING_COLUMNS
    from shopkpi.metrics.catalog import CATALOG
    from shopkpi.workspace import Workspace

    ws = Workspace(root)
    try:
        result = ws.compute()
        period, rows = ws.ranking()
    finally:
        ws.close()
    console.print(compute_summary(result, ZoneInfo(ws.config.shops[0].timezone)))
    console.print(ranking_table(period, CATALOG["cs_sales"], rows, RANKING_COLUMNS))


def _emit(
    output: OutputFormat, records: list[dict[str, object]], table: Callable[[], None]
) -> None:
    from shopkpi.cli.metrics_render import to_csv, to_json

    if output is OutputFormat.json:
        sys.stdout.write(to_json(records))
    elif output is OutputFormat.csv:
        sys.stdout.write(to_csv(records))
    else:
        table()


def register(app: typer.Typer) -> None:
    """Add the metric commands to the ``shopkpi`` app."""
    for command in (compute, metrics, show, explain):
        app.command()(command)
