"""``shopkpi plan``: check plan files and write the plan JSON Schema (thin shells)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopkpi.cli.render import console

plan_app = typer.Typer(
    help="考核方案：检查、采用、试算方案文件，生成 JSON Schema。", no_args_is_help=True
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]


@plan_app.command("check")
def check(
    files: Annotated[
        list[Path] | None, typer.Argument(help="方案文件；不给则检查工作区 plans/ 下的全部方案")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """检查考核方案：列出每个问题的文件、行号和修改提示；有错误时退出码非 0。"""
    from shopkpi.cli.plan_render import print_report
    from shopkpi.scoring.validate import check_files
    from shopkpi.workspace import CONFIG_FILE, Workspace

    if (workspace / CONFIG_FILE).exists():
        ws = Workspace(workspace)
        try:
            report = ws.check_plans(files)
        finally:
            ws.close()
    elif files:
        report = check_files(files)
    else:
        console.print(f"[red]✗[/] {workspace} 不是工作区；请给出方案文件，或用 -w 指定工作区")
        raise typer.Exit(2)
    print_report(report)
    if not report.files or not report.ok:
        raise typer.Exit(1)


@plan_app.command("schema")
def schema(
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="写入文件（默认输出到屏幕）")
    ] = None,
) -> None:
    """生成考核方案 YAML 的 JSON Schema，供编辑器自动补全和校验。"""
    import sys

    from shopkpi.scoring.schema import render_schema

    text = render_schema()
    if out is None:
        sys.stdout.write(text)
        return
    out.write_text(text, encoding="utf-8")
    console.print(f"[green]✓[/] JSON Schema 已写出：{out}")


@plan_app.command("adopt")
def adopt(
    file: Annotated[Path, typer.Argument(help="要采用的方案文件（通常在 plans/ 下）", exists=True)],
    by: Annotated[
        str | None, typer.Option("--by", help="采用人（记入审计日志；默认当前系统用户）")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """采用方案：检查无误后把文件原文存为该方案的新版本（记入审计日志）；评分只用已采用的版本。"""
    from shopkpi.cli.score import actor, call

    a = call(workspace, lambda s: s.adopt(file, actor(by)))
    if not a.created:
        console.print(f"[dim]「{a.plan_name}」第 {a.version} 版与此文件相同，无需重新采用[/]")
        return
    console.print(
        f"[green]✓[/] 已采用「{a.plan_name}」第 {a.version} 版（{a.adopted_by}，"
        f"sha256 {a.content_hash[:12]}…）"
    )


@plan_app.command("simulate")
def simulate(
    file: Annotated[Path, typer.Argument(help="新方案文件（草稿，不会被采用）", exists=True)],
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="周期，如 2026-11（默认最近计算的月份）")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """方案试算：用新方案和当前方案给同一批人打分，对比总分、档位、名次、奖金和奖金总额；不写入任何数据。"""
    from shopkpi.cli.score import call
    from shopkpi.cli.score_render import simulation_table

    sim = call(workspace, lambda s: s.simulate(file, period))
    console.print(simulation_table(sim))
    for note in sim.notes:
        console.print(f"[yellow]![/] {note}", highlight=False)
