"""``shopkpi`` console command."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from shopkpi.cli.alerts import alerts_app
from shopkpi.cli.diagnose import register as register_diagnose_commands
from shopkpi.cli.metrics import FormatOpt, OutputFormat
from shopkpi.cli.metrics import register as register_metric_commands
from shopkpi.cli.plan import plan_app
from shopkpi.cli.proposal import proposal_app
from shopkpi.cli.qa import register as register_qa_commands
from shopkpi.cli.ratings import ratings_app
from shopkpi.cli.render import console, err_console, import_summary, print_problems
from shopkpi.cli.report import report_app
from shopkpi.cli.score import register as register_score_commands
from shopkpi.cli.serve import register as register_serve_commands
from shopkpi.cli.token import token_app
from shopkpi.errors import ShopkpiError
from shopkpi.templates import TemplateKind

app = typer.Typer(
    name="shopkpi",
    help="shopkpi：电商店铺团队绩效（KPI）管理 — 导入平台导出、计算指标、评分与绩效工资。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]


@app.command()
def init(
    directory: Annotated[Path, typer.Argument(help="要创建的工作区目录")],
    shop_id: Annotated[str, typer.Option(help="店铺标识")] = "my_shop",
    shop_name: Annotated[str, typer.Option(help="店铺名")] = "我的店铺",
) -> None:
    """创建工作区：shopkpi.yaml、plans/、inbox/、archive/、mappings/。"""
    from shopkpi.workspace import Workspace

    ws = Workspace.init(directory, shop_id=shop_id, shop_name=shop_name)
    console.print(f"[green]✓[/] 工作区已创建：{ws.root}")
    console.print("  把平台导出文件放进 inbox/，然后运行 [bold]shopkpi ingest[/]")


@app.command()
def ingest(
    files: Annotated[
        list[Path] | None, typer.Argument(help="要导入的文件；不给则导入 inbox/ 中的新文件")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
    shop: Annotated[str | None, typer.Option(help="店铺标识（默认第一个店铺）")] = None,
) -> None:
    """导入导出文件：按表头识别格式，坏行隔离，重复导入不改变数据。

    shopkpi serve 在运行时，导入交给服务执行（服务是仓库唯一的写入者）。"""
    import getpass

    from shopkpi.cli.handoff import import_results, run_on_server, server_for
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    server = server_for(ws.root)
    if server is not None:
        paths = list(files) if files is not None else ws.inbox_files()
        for path in paths:
            if not path.is_file():
                err_console.print(f"[red]错误：[/]文件不存在：{path}")
                raise typer.Exit(2)
        result = run_on_server(server, "ingest", getpass.getuser(), {"shop": shop}, paths)
        results = import_results(result)
    else:
        results = ws.ingest(files, shop)
    console.print(import_summary(results))
    print_problems(results)
    if any(r.status == "refused" for r in results):
        raise typer.Exit(1)


@app.command()
def status(workspace: WorkspaceOpt = Path(".")) -> None:
    """显示仓库各表行数。"""
    from rich.table import Table

    from shopkpi.warehouse.schema import TABLES
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    table = Table(title=f"仓库 {ws.config.engine.warehouse}")
    table.add_column("表")
    table.add_column("中文")
    table.add_column("行数", justify="right")
    for name, count in ws.table_counts().items():
        table.add_row(name, TABLES[name].label, str(count))
    console.print(table)


@app.command()
def template(
    kind: Annotated[
        TemplateKind,
        typer.Argument(
            help="roster 花名册 / shifts 排班 / targets 目标 / ratings 主管评分 / evals 服务评价"
        ),
    ],
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="输出文件（默认 <表名>模板.xlsx）")
    ] = None,
) -> None:
    """写出导入模板：xlsx，中文表头，一行示例，表头批注说明每列的写法。"""
    from shopkpi.templates import write_template

    path = write_template(kind, out)
    command = "shopkpi ratings import" if kind is TemplateKind.ratings else "shopkpi ingest"
    console.print(f"[green]✓[/] 模板已写出：{path}（填好后用 {command} 导入）")


@app.command()
def demo(
    directory: Annotated[Path, typer.Argument(help="示例工作区目录")] = Path("demo"),
    staff: Annotated[int, typer.Option(help="客服人数（含主管）")] = 20,
    days: Annotated[int, typer.Option(help="历史天数（到 --end 为止）")] = 56,
    scale: Annotated[float, typer.Option(help="买家流量倍数（聊天与订单量）")] = 1.0,
    seed: Annotated[int, typer.Option(help="随机种子；同样的参数生成完全相同的文件")] = 42,
    end: Annotated[
        datetime | None, typer.Option(formats=["%Y-%m-%d"], help="最后一天（默认 2026-11-22）")
    ] = None,
) -> None:
    """生成示例店铺：写出真实格式的平台导出文件，再用真实导入器导入。"""
    from shopkpi.cli.demo import render_demo
    from shopkpi.demo import DEFAULT_END, DemoOptions, build_demo

    options = DemoOptions(staff, days, scale, seed, end.date() if end else DEFAULT_END)
    run = build_demo(directory, options)
    render_demo(run)
    if run.refused:
        raise typer.Exit(1)
    from shopkpi.cli.metrics import compute_and_rank
    from shopkpi.cli.qa import print_brief
    from shopkpi.cli.score import print_top

    compute_and_rank(run.root)
    print_top(run.root)
    print_brief(run.root)
    from shopkpi.cli.report import print_headline

    print_headline(run.root)


@app.command()
def imports(
    workspace: WorkspaceOpt = Path("."),
    limit: Annotated[int, typer.Option(help="显示条数")] = 50,
) -> None:
    """导入日志：每个文件的格式、状态和行数。"""
    from shopkpi.cli.render import rows_table
    from shopkpi.workspace import Workspace

    rows = Workspace(workspace).import_log(limit)
    console.print(rows_table("导入日志 (import log)", rows, IMPORT_LOG_LABELS))


@app.command()
def quarantine(
    workspace: WorkspaceOpt = Path("."),
    file: Annotated[str | None, typer.Option("--file", help="只看这个文件名")] = None,
    limit: Annotated[int, typer.Option(help="显示条数")] = 200,
) -> None:
    """被隔离的行：文件、行号、列、原因和原始内容。"""
    from shopkpi.cli.render import rows_table
    from shopkpi.workspace import Workspace

    rows = Workspace(workspace).quarantined(file, limit)
    console.print(rows_table("隔离行 (quarantine)", rows, QUARANTINE_LABELS))


@app.command()
def reconcile(
    period: Annotated[
        str,
        typer.Option(
            "--period", "-p", help="周期：2026-11、2026-W45、2026-11-11 或 2026-11-01..2026-11-15"
        ),
    ],
    workspace: WorkspaceOpt = Path("."),
    shop: Annotated[str | None, typer.Option(help="店铺标识（默认第一个店铺）")] = None,
    rule: Annotated[
        str | None,
        typer.Option(
            help="同一周期导入了多种判定规则的报表时，选哪一种（下单判定/付款判定/下单优先判定）"
        ),
    ] = None,
    only_diff: Annotated[
        bool, typer.Option("--only-diff", help="只显示有差异、待定和无法比较的行")
    ] = False,
    output: FormatOpt = OutputFormat.table,
) -> None:
    """与平台客服绩效报表对账：逐客服逐指标对比我方与平台的数值，给出差异和可能原因。"""
    import sys
    from dataclasses import replace

    from shopkpi.cli.reconcile import (
        comparable,
        render_csv,
        render_json,
        rows_table,
        summary_table,
    )
    from shopkpi.metrics.periods import parse_period
    from shopkpi.reconcile import Verdict
    from shopkpi.reconcile import reconcile as run_reconcile
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        span = parse_period(period, ws.config.week_start)
        result = run_reconcile(
            ws.warehouse.con, ws.config, span.start, span.end, shop_id=shop, rule=rule
        )
    finally:
        ws.close()
    shown = result
    if only_diff:
        agreed = (Verdict.agree, Verdict.rounding)
        shown = replace(result, rows=[r for r in result.rows if r.verdict not in agreed])
    if output is OutputFormat.json:
        sys.stdout.write(render_json(shown))
    elif output is OutputFormat.csv:
        sys.stdout.write(render_csv(shown))
    else:
        console.print(rows_table(shown))
        console.print(summary_table(result))
        _, skipped = comparable(result)
        if skipped:
            console.print(f"[dim]平台报表中我方不计算的指标（未列出）：{'、'.join(skipped)}[/]")
        for note in result.notes:
            console.print(f"[yellow]![/] {note}")


IMPORT_LOG_LABELS = {
    "file_name": "文件",
    "adapter": "格式",
    "status": "状态",
    "rows_read": "读取",
    "accepted": "接受",
    "quarantined": "隔离",
    "duplicates": "重复",
    "stale": "过期",
    "overwritten": "覆盖",
    "finished_at": "完成时间 (UTC)",
    "message": "说明",
}
QUARANTINE_LABELS = {
    "file_name": "文件",
    "sheet": "工作表",
    "row_number": "行",
    "column_name": "列",
    "reason": "原因",
    "raw": "原始行",
}


register_metric_commands(app)
register_score_commands(app)
register_serve_commands(app)
register_qa_commands(app)
register_diagnose_commands(app)
app.add_typer(plan_app, name="plan")
app.add_typer(ratings_app, name="ratings")
app.add_typer(proposal_app, name="proposal")
app.add_typer(token_app, name="token")
app.add_typer(report_app, name="report")
app.add_typer(alerts_app, name="alerts")


def main() -> None:
    """Entry point: user-facing errors print cleanly, without a traceback."""
    try:
        app()
    except ShopkpiError as exc:
        err_console.print(f"[red]错误：[/]{exc}")
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
