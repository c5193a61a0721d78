"""``shopkpi plan``: check plan files and write the plan JSON Schema (thin shells)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from shopkpi.cli.render import console

plan_app = typer.Typer(help="考核方案：检查方案文件、生成 JSON Schema。", no_args_is_help=True)

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
