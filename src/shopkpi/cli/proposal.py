"""``shopkpi proposal``: KPI proposals (共创) — staff propose, supervisors adjust, the owner
approves or rejects. ``--by`` names the acting login; its role decides what it may do."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from shopkpi.cli.render import console, err_console, rows_table
from shopkpi.errors import ShopkpiError

if TYPE_CHECKING:
    from shopkpi.appdb.proposal_rules import Actor, Proposal
    from shopkpi.planning.proposals import ProposalService

proposal_app = typer.Typer(
    help="目标共创：员工提议本人目标，主管调整，店主批准或驳回；每一步都有记录。",
    no_args_is_help=True,
)

WorkspaceOpt = Annotated[
    Path,
    typer.Option(
        "--workspace", "-w", help="工作区目录 (workspace folder)", envvar="SHOPKPI_WORKSPACE"
    ),
]
ByOpt = Annotated[
    str, typer.Option("--by", help="操作的登录账号（按其角色检查权限，记入审计日志）")
]
IdArg = Annotated[int, typer.Argument(help="提议编号（shopkpi proposal list 可查）")]
CommentOpt = Annotated[str | None, typer.Option("--comment", "-m", help="说明（驳回时必填）")]
ValueOpt = Annotated[str, typer.Option("--value", help="目标值，如 36000 或 0.45")]
LABELS = {
    "id": "编号",
    "period": "周期",
    "staff_id": "员工",
    "metric": "指标",
    "proposed": "提议",
    "adjusted": "调整",
    "approved": "批准",
    "status": "状态",
    "history": "记录",
}


@contextmanager
def _service(workspace: Path) -> Iterator[ProposalService]:
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        yield ws.proposals
    except ShopkpiError as exc:
        err_console.print(f"[red]✗[/] {exc}")
        raise typer.Exit(1) from exc
    finally:
        ws.close()


def _act(workspace: Path, by: str, job: Callable[[ProposalService, Actor], Proposal]) -> None:
    from shopkpi.planning.proposal_view import metric_name, plain

    with _service(workspace) as service:
        p = job(service, service.actor(by))
    value = plain(p.current_value)
    console.print(
        f"[green]✓[/] 提议 #{p.id} {p.staff_id} {p.period} {metric_name(p.metric_id)}："
        f"{value}（{p.status_label}）"
    )


@proposal_app.command("propose")
def propose(
    period: Annotated[str, typer.Option("--period", "-p", help="周期，如 2026-11")],
    metric: Annotated[str, typer.Option("--metric", help="指标编号，如 cs_sales")],
    value: ValueOpt,
    by: ByOpt,
    comment: CommentOpt = None,
    staff: Annotated[
        str | None, typer.Option("--staff", help="员工编号（默认 --by 账号关联的员工；只能是本人）")
    ] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """提议本人的目标（仍为「已提议」时可再次提交以修改）。"""
    _act(workspace, by, lambda s, a: s.propose(a, period, metric, value, comment, staff))


@proposal_app.command("adjust")
def adjust(
    proposal_id: IdArg, value: ValueOpt, by: ByOpt, comment: CommentOpt = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:  # fmt: skip
    """主管调整本团队员工的提议目标。"""
    _act(workspace, by, lambda s, a: s.adjust(a, proposal_id, value, comment))


@proposal_app.command("approve")
def approve(
    proposal_id: IdArg, by: ByOpt, comment: CommentOpt = None, workspace: WorkspaceOpt = Path(".")
) -> None:
    """店主批准提议：采用调整后的值（未调整则用提议值），评分时覆盖目标表。"""
    _act(workspace, by, lambda s, a: s.approve(a, proposal_id, comment))


@proposal_app.command("reject")
def reject(
    proposal_id: IdArg, by: ByOpt, comment: CommentOpt = None, workspace: WorkspaceOpt = Path(".")
) -> None:
    """店主驳回提议（须用 --comment 说明理由）；员工可重新提议。"""
    _act(workspace, by, lambda s, a: s.reject(a, proposal_id, comment))


@proposal_app.command("list")
def list_(
    period: Annotated[str | None, typer.Option("--period", "-p", help="周期；不给则全部")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="按该登录账号的权限只列出其可见的提议")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON（含完整记录）")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """列出目标提议及每一步记录（谁、何时、从什么改成什么、说明）。"""
    from shopkpi.appdb.proposal_rules import Actor
    from shopkpi.appdb.roles import Role
    from shopkpi.planning.proposal_view import event_text, metric_name, plain, proposal_json

    with _service(workspace) as service:
        actor = service.actor(by) if by else Actor("cli", Role.admin)
        found = service.visible(actor, period)
    if as_json:
        sys.stdout.write(
            json.dumps([proposal_json(p) for p in found], ensure_ascii=False, indent=2)
        )
        sys.stdout.write("\n")
        return
    rows: list[dict[str, object]] = [
        {
            "id": p.id,
            "period": p.period,
            "staff_id": p.staff_id,
            "metric": metric_name(p.metric_id),
            "proposed": plain(p.proposed_value),
            "adjusted": plain(p.adjusted_value),
            "approved": plain(p.approved_value),
            "status": p.status_label,
            "history": "\n".join(event_text(e) for e in p.events),
        }
        for p in found
    ]
    console.print(rows_table(f"目标提议 {period or '（全部周期）'}", rows, LABELS))
