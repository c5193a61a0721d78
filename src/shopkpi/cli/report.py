"""``shopkpi report daily|monthly``: the owner's 日报 and the month's 月报 (text, HTML, xlsx)."""

from __future__ import annotations

import sys
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from shopkpi.cli.render import console

report_app = typer.Typer(help="日报与月报：文本、HTML 或 xlsx。", no_args_is_help=True)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]


class ReportFormat(StrEnum):
    text = "text"
    html = "html"
    xlsx = "xlsx"


FormatOpt = Annotated[ReportFormat, typer.Option("--format", "-f", help="text | html | xlsx")]
SendOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--send",
        help="推送到 alerts.yaml 中的渠道（可多次）：钉钉/企业微信/飞书群机器人、邮件、站内",
    ),
]
OutOpt = Annotated[
    Path | None, typer.Option("--out", "-o", help="输出文件（html/xlsx 必填位置，默认当前目录）")
]


@report_app.command("daily")
def daily(
    day: Annotated[
        datetime | None,
        typer.Option("--day", formats=["%Y-%m-%d"], help="日期（默认：最新有数据的一天）"),
    ] = None,
    at: Annotated[
        datetime | None,
        typer.Option(
            "--at",
            formats=["%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
            help="此刻（店铺当地时间）：加上今日进度，如 2026-11-22 15:00",
        ),
    ] = None,
    output: FormatOpt = ReportFormat.text,
    out: OutOpt = None,
    send: SendOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """日报：本月进度、当日 GMV 与前一天/上周同日对比、异常及其拆解与根因、质检；--send 推送到群。"""
    from shopkpi.insights.report import daily_report, daily_tables, daily_text, to_html, to_xlsx
    from shopkpi.workspace import Workspace

    params = {"kind": "daily", "day": day.date().isoformat() if day else None,
              "at": at.isoformat(sep=" ") if at else None, "send": send or []}  # fmt: skip
    if handed_off(workspace, params, output, out):
        return

    def make(ws: Workspace) -> tuple[str, str, Any]:
        r = daily_report(ws, day.date() if day else None, at)
        return f"日报 {r.shop_id} {r.day.isoformat()}", daily_text(r), r

    title, text, r = _made(workspace, make, send, "daily_report")
    _emit(
        output,
        out,
        f"日报_{r.day.isoformat()}",
        title,
        text,
        lambda p: to_xlsx(p, title, text, daily_tables(r)),
        to_html,
    )


@report_app.command("monthly")
def monthly(
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="月份，例如 2026-11（默认：最新）")
    ] = None,
    output: FormatOpt = ReportFormat.text,
    out: OutOpt = None,
    send: SendOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """月报：本月指标与目标、客服排行、逐人诊断、人效、质检；--send 推送到群。"""
    from shopkpi.insights.report import (
        monthly_report,
        monthly_tables,
        monthly_text,
        to_html,
        to_xlsx,
    )
    from shopkpi.workspace import Workspace

    if handed_off(
        workspace, {"kind": "monthly", "period": period, "send": send or []}, output, out
    ):
        return

    def make(ws: Workspace) -> tuple[str, str, Any]:
        r = monthly_report(ws, period)
        return f"月报 {r.shop_id} {r.period}", monthly_text(r), r

    title, text, r = _made(workspace, make, send, "monthly_report")
    _emit(
        output,
        out,
        f"月报_{r.period}",
        title,
        text,
        lambda p: to_xlsx(p, title, text, monthly_tables(r)),
        to_html,
    )


def print_headline(root: Path) -> None:
    """The latest day's report headline (the demo prints it last)."""
    from shopkpi.insights.report import daily_report
    from shopkpi.workspace import Workspace

    ws = Workspace(root)
    try:
        r = daily_report(ws)
    finally:
        ws.close()
    console.print(f"[bold]日报 {r.day}[/]：{r.headline}")
    console.print(f"  全文：shopkpi report daily -w {root}　诊断：shopkpi diagnose -w {root}")


def _made(workspace: Path, make: Any, send: list[str] | None, rule: str) -> tuple[str, str, Any]:
    """Open the workspace, make the report, push it when asked, close."""
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        title, text, report = make(ws)
        if send:
            push(ws, send, title, text, rule)
    finally:
        ws.close()
    return title, text, report


def push(ws: object, channels: list[str], title: str, text: str, rule: str) -> None:
    """Push through the core (insights.report.push) and print each channel's outcome."""
    from shopkpi.insights.report import push as core_push
    from shopkpi.workspace import Workspace

    assert isinstance(ws, Workspace)
    outcomes = [
        {"channel": d.channel, "ok": d.ok, "attempts": d.attempts, "error": d.error}
        for d in core_push(ws, channels, title, text, rule)
    ]
    print_deliveries(outcomes)


def print_deliveries(outcomes: list[dict[str, object]]) -> None:
    failed = False
    for d in outcomes:
        mark = "[green]✓[/]" if d["ok"] else "[red]✗[/]"
        state = "已发送" if d["ok"] else f"失败 {d['error'] or ''}"
        console.print(f"{mark} {d['channel']}：{state}（{d['attempts']} 次）")
        failed = failed or not d["ok"]
    if failed:
        raise typer.Exit(1)


def handed_off(
    workspace: Path, params: dict[str, Any], output: ReportFormat, out: Path | None
) -> bool:
    """While shopkpi serve runs, the report is made (and pushed) by the server."""
    import getpass

    from shopkpi.cli.handoff import run_on_server, server_for

    server = server_for(workspace)
    if server is None:
        return False
    done = run_on_server(server, "report", getpass.getuser(), params)
    from shopkpi.insights.report import to_html

    title, text = str(done["title"]), str(done["text"])
    if output is ReportFormat.xlsx:
        raise typer.BadParameter("服务运行期间请用网页或 --format text/html；xlsx 需要直接读取仓库")
    _emit(output, out, title.replace(" ", "_"), title, text, None, to_html)
    print_deliveries(list(done.get("deliveries") or []))  # type: ignore[arg-type]
    return True


def _emit(output, out, stem, title, text, xlsx, html) -> None:  # type: ignore[no-untyped-def]
    if output is ReportFormat.text:
        if out is None:
            sys.stdout.write(text)
        else:
            out.write_text(text, encoding="utf-8")
            console.print(f"[green]✓[/] 已写出 {out}")
        return
    path = out or Path(f"{stem}.{output.value}")
    if output is ReportFormat.html:
        path.write_text(html(title, text), encoding="utf-8")
    else:
        xlsx(path)
    console.print(f"[green]✓[/] 已写出 {path}")
