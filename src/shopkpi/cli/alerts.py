"""``shopkpi alerts``: check the rules of ``alerts.yaml``, test a channel, show the send log."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from shopkpi.cli.render import console, err_console

alerts_app = typer.Typer(
    help="预警：按 alerts.yaml 检查进度与指标，推送到钉钉、企业微信、飞书、邮件和网页收件箱。",
    no_args_is_help=True,
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]
RulesOpt = Annotated[
    Path | None, typer.Option("--rules", help="规则文件（默认 工作区/alerts.yaml）")
]
STATUS_LABELS = {
    "sent": "已记入收件箱并推送",
    "suppressed": "静默期内，未重复记录和推送",
    "dry_run": "试运行，未推送",
}


@alerts_app.command("check")
def check(
    at: Annotated[
        str | None, typer.Option("--at", help="检查日期（默认今天；取该日及以前最后有数据的一天）")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="只列出会触发的预警，不记录不推送")
    ] = False,
    rules: RulesOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """按规则检查并推送预警；同一规则、范围和日期在静默期内不重复推送。"""
    import getpass

    from shopkpi.cli.handoff import run_on_server, server_for
    from shopkpi.insights.alerts import RULES_FILE, check, load_rules
    from shopkpi.insights.channels import Sender
    from shopkpi.workspace import Workspace

    server = server_for(workspace)
    if server is not None and rules is None:  # the server owns the warehouse: it checks
        done = run_on_server(server, "alerts", getpass.getuser(), {"at": at, "dry_run": dry_run})
        if done["day"] is None:
            console.print("没有指标数据：先运行 shopkpi compute")
            return
        console.print(f"检查日期 {done['day']}：{len(done['outcomes'])} 条预警触发")
        for o in done["outcomes"]:
            sent = "、".join(f"{d['channel']}{'✓' if d['ok'] else '✗'}" for d in o["deliveries"])
            status = STATUS_LABELS[o["status"]] + (f" {sent}" if sent else "")
            console.print(escape(f"- [{o['rule']}] {o['message']} — {status}"))
        return
    ws = Workspace(workspace)
    loaded = load_rules(rules or ws.root / RULES_FILE)
    day = date.fromisoformat(at) if at else date.today()
    try:
        sender = Sender(ws.appdb, os.environ)
        report = check(ws.warehouse.con, ws.appdb, loaded, day, sender, dry_run=dry_run)
    finally:
        ws.close()
    if report.day is None:
        console.print(f"{day} 及以前没有指标数据：先运行 shopkpi compute")
        return
    console.print(f"检查日期 {report.day}：{len(report.outcomes)} 条预警触发")
    for o in report.outcomes:
        sent = "、".join(f"{d.channel}{'✓' if d.ok else '✗'}" for d in o.deliveries)
        status = STATUS_LABELS[o.status] + (f" {sent}" if sent else "")
        line = f"- [{o.firing.rule.spec.id}] {o.firing.message()} — {status}"
        console.print(escape(line))


@alerts_app.command("test")
def test(
    channel: Annotated[str, typer.Argument(help="alerts.yaml 中的渠道编号")],
    rules: RulesOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """向一个渠道发送测试消息（记入发送日志）。"""
    from shopkpi.insights.alerts import RULES_FILE, load_rules
    from shopkpi.insights.channels import Message, Sender
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    spec = load_rules(rules or ws.root / RULES_FILE).channels.get(channel)
    if spec is None:
        err_console.print(f"[red]错误：[/]alerts.yaml 中没有渠道 {channel}")
        raise typer.Exit(2)
    message = Message(
        "shopkpi 测试消息", "### shopkpi 测试消息\n\n收到这条消息说明预警渠道配置正确。"
    )
    result = Sender(ws.appdb, os.environ).send(spec, message, None)
    if not result.ok:
        err_console.print(f"[red]✗[/] {channel}：{result.error}（尝试 {result.attempts} 次）")
        raise typer.Exit(1)
    console.print(f"[green]✓[/] 已发送到 {channel}（尝试 {result.attempts} 次）")


@alerts_app.command("log")
def log(
    limit: Annotated[int, typer.Option("--limit", help="显示的条数")] = 50,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """预警发送日志：每次尝试的渠道、结果和错误，最新的在前。"""
    from rich.table import Table

    from shopkpi.workspace import Workspace

    table = Table(title="预警发送日志")
    for header in ("时间 (UTC)", "预警", "渠道", "第几次", "结果", "状态码", "错误"):
        table.add_column(header)
    for d in Workspace(workspace).appdb.deliveries(limit=limit):
        table.add_row(
            f"{d['at']:%Y-%m-%d %H:%M:%S}", str(d["alert_id"] or "测试"), d["channel"],
            str(d["attempt"]), d["status"], str(d["status_code"] or ""), d["error"] or "",
        )  # fmt: skip
    console.print(table)
