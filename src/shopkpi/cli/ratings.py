"""``shopkpi ratings``: import and list supervisor ratings (主管评分) in the app DB."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from shopkpi.cli.render import console, err_console, rows_table
from shopkpi.errors import FileRefused

ratings_app = typer.Typer(
    help="主管评分（态度/能力）：导入评分表、查看评分；每次修改都记入审计日志。",
    no_args_is_help=True,
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]
LABELS = {
    "staff_id": "员工编号",
    "period": "周期",
    "criterion": "维度",
    "score": "分数",
    "comment": "评语",
    "rater": "评分人",
    "updated_at": "更新时间 (UTC)",
}


@ratings_app.command("import")
def import_(
    file: Annotated[Path, typer.Argument(help="评分表：CSV（UTF-8 或 GBK）或 xlsx", exists=True)],
    by: Annotated[
        str | None, typer.Option("--by", help="操作人（记入审计日志；默认当前系统用户）")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """导入主管评分表（shopkpi template ratings 的格式）：有错则整表不导入，重复导入不改变数据。"""
    from shopkpi.appdb.records import RatingsFileError
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        result = ws.import_ratings(file, by or getpass.getuser())
    except (RatingsFileError, FileRefused) as exc:
        err_console.print(f"[red]✗[/] {exc}")
        raise typer.Exit(1) from exc
    finally:
        ws.close()
    console.print(
        f"[green]✓[/] {result.file}：读取 {result.rows} 条评分，新增 {result.created}，"
        f"修改 {result.changed}，未变 {result.unchanged}"
    )


@ratings_app.command("list")
def list_(
    period: Annotated[
        str | None, typer.Option("--period", "-p", help="周期，如 2026-11 或 2026-W45；不给则全部")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """列出已保存的评分：员工、周期、维度、分数、评语、评分人。"""
    from shopkpi.appdb.ratings_file import normalize_period
    from shopkpi.scoring.rubric import find_criterion
    from shopkpi.workspace import Workspace

    label = normalize_period(period) if period else None
    if period and label is None:
        err_console.print(f"[red]✗[/] 无法识别的周期 {period!r}：写成 2026-11 或 2026-W45")
        raise typer.Exit(2)
    ws = Workspace(workspace)
    try:
        records = ws.appdb.ratings(label)
    finally:
        ws.close()
    if as_json:
        rows = [
            {
                "staff_id": r.staff_id,
                "period": r.period,
                "criterion_id": r.criterion_id,
                "score": str(r.score),
                "comment": r.comment,
                "rater": r.rater,
                "updated_at": r.updated_at.isoformat(),
            }
            for r in records
        ]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2) + "\n")
        return
    shown = []
    for r in records:
        criterion = find_criterion(r.criterion_id)
        shown.append(
            {
                **r.__dict__,
                "criterion": criterion.full_label if criterion else r.criterion_id,
                "updated_at": r.updated_at.strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    console.print(rows_table(f"主管评分 {label or '（全部周期）'}", shown, LABELS))
