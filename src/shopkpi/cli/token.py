"""``shopkpi token``: API tokens for machine clients (create, list, revoke; audited)."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from shopkpi.cli.render import console

token_app = typer.Typer(
    help="接口令牌：给推送聊天消息等程序用（只保存哈希；创建时显示一次）。", no_args_is_help=True
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]
ByOpt = Annotated[str | None, typer.Option("--by", help="操作人（记入审计日志；默认当前系统用户）")]


@token_app.command("create")
def create(
    scope: Annotated[str, typer.Option("--scope", help="权限范围：messages:write（推送聊天消息）")],
    name: Annotated[str, typer.Option("--name", help="令牌名称（例如 对接的系统名）")] = "api",
    workspace: WorkspaceOpt = Path("."),
    by: ByOpt = None,
) -> None:
    """创建接口令牌；令牌只显示这一次，请妥善保存。"""
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    record, token = ws.appdb.create_token(name, scope, actor=by or getpass.getuser())
    console.print(f"[green]✓[/] 已创建令牌 #{record.id}（{record.name}，{record.scope}）")
    console.print("  令牌（只显示这一次）：")
    print(token)
    console.print(f"  用法：Authorization: Bearer {record.prefix}…")


@token_app.command("list")
def list_tokens(workspace: WorkspaceOpt = Path(".")) -> None:
    """列出接口令牌（不含令牌本身）。"""
    from rich.table import Table

    from shopkpi.workspace import Workspace

    table = Table(title="接口令牌")
    for header in ("编号", "名称", "权限", "前缀", "创建人", "创建时间 (UTC)", "状态"):
        table.add_column(header)
    for t in Workspace(workspace).appdb.tokens():
        state = "有效" if t.active else f"已吊销 {t.revoked_at:%Y-%m-%d %H:%M}"
        table.add_row(
            str(t.id), t.name, t.scope, t.prefix + "…", t.created_by,
            f"{t.created_at:%Y-%m-%d %H:%M}", state,
        )  # fmt: skip
    console.print(table)


@token_app.command("revoke")
def revoke(
    token_id: Annotated[int, typer.Argument(help="令牌编号（token list 中的编号）")],
    workspace: WorkspaceOpt = Path("."),
    by: ByOpt = None,
) -> None:
    """吊销接口令牌：立即失效。"""
    from shopkpi.workspace import Workspace

    record = Workspace(workspace).appdb.revoke_token(token_id, actor=by or getpass.getuser())
    console.print(f"[green]✓[/] 令牌 #{record.id}（{record.name}）已吊销")
