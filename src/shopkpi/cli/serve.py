"""``shopkpi serve`` and ``shopkpi user``: the web app and its logins."""

from __future__ import annotations

import getpass
import sys
from pathlib import Path
from typing import Annotated

import typer

from shopkpi.appdb.roles import ROLE_LABELS, Role
from shopkpi.cli.render import console, err_console

user_app = typer.Typer(
    help="网页登录账号：添加账号（密码只保存 argon2 哈希）。", no_args_is_help=True
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]


def serve(
    workspace: WorkspaceOpt = Path("."),
    host: Annotated[str, typer.Option(help="监听地址（默认只在本机）")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
) -> None:
    """启动网页看板与 /api/v1 接口（FastAPI + uvicorn）；先用 shopkpi user add 建账号。"""
    import uvicorn

    from shopkpi.handoff import announce, local_url, withdraw
    from shopkpi.web import create_app

    app = create_app(workspace)  # opens the warehouse for writing: refused if another writer
    root, token = app.state.ws.root, app.state.local_token
    # One writer (DESIGN §8): CLI write commands find this file and hand their jobs over.
    announce(root, local_url(host, port), token)
    console.print(
        f"[green]✓[/] 看板：http://{host}:{port}/  接口文档：http://{host}:{port}/api/docs"
    )
    console.print("  服务运行期间，命令行的导入、计算和封账会交给本服务执行")
    try:
        uvicorn.run(app, host=host, port=port, log_level="info")
    finally:
        withdraw(root, token)


@user_app.command("add")
def add(
    name: Annotated[str, typer.Argument(help="登录用户名")],
    role: Annotated[
        Role, typer.Option(help="admin 管理员 / supervisor 主管 / staff 员工 / finance 财务")
    ],
    staff: Annotated[
        str | None, typer.Option("--staff", help="关联的员工编号（员工、主管账号）")
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="从标准输入读取密码（第一行），不提示")
    ] = False,
    workspace: WorkspaceOpt = Path("."),
    by: Annotated[str | None, typer.Option(help="操作人（记入审计日志；默认当前系统用户）")] = None,
) -> None:
    """添加网页登录账号；密码从提示输入（不回显）或 --password-stdin 读取，只保存哈希。"""
    from shopkpi.workspace import Workspace

    password = _read_password(password_stdin)
    ws = Workspace(workspace)
    known = ws.staff_ids()
    if staff and known is not None and staff not in known:
        err_console.print(f"[red]错误：[/]花名册中没有员工 {staff}")
        raise typer.Exit(2)
    user = ws.appdb.add_user(name, password, role, staff_id=staff, actor=by or getpass.getuser())
    link = f"，关联员工 {user.staff_id}" if user.staff_id else ""
    console.print(f"[green]✓[/] 已添加账号 {user.username}（{ROLE_LABELS[user.role]}{link}）")


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再输入一次：") != first:
        err_console.print("[red]错误：[/]两次输入的密码不一致")
        raise typer.Exit(2)
    return first


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
