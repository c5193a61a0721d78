"""Scoring commands: ``score``, ``scorecard``, ``close`` and ``export`` (thin shells)."""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from shopkpi.cli.metrics import FormatOpt, OutputFormat, PeriodOpt, WorkspaceOpt
from shopkpi.cli.render import console, err_console
from shopkpi.errors import ShopkpiError

if TYPE_CHECKING:
    from shopkpi.scoring.service import ScoringService

T = TypeVar("T")

VersionOpt = Annotated[
    int | None, typer.Option("--version", help="看已封账周期的第 N 版（默认最新一版）", min=1)
]
LiveOpt = Annotated[
    bool, typer.Option("--live", help="不看封账快照，按当前数据和已采用方案重新计算（只看不存）")
]
ByOpt = Annotated[str | None, typer.Option("--by", help="操作人（记入审计日志；默认当前系统用户）")]


class ExportFormat(StrEnum):
    xlsx = "xlsx"


@contextmanager
def scoring(workspace: Path) -> Iterator[ScoringService]:
    """The workspace's scoring service; a refused request prints its reason and exits 1."""
    from shopkpi.workspace import Workspace

    ws = Workspace(workspace)
    try:
        yield ws.scoring
    except ShopkpiError as exc:
        err_console.print(f"[red]✗[/] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    finally:
        ws.close()


def call(workspace: Path, job: Callable[[ScoringService], T]) -> T:
    with scoring(workspace) as service:
        return job(service)


def actor(by: str | None) -> str:
    return by or getpass.getuser()


def score(
    period: PeriodOpt = None,
    version: VersionOpt = None,
    live: LiveOpt = False,
    output: FormatOpt = OutputFormat.table,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """评分：每人总分、档位、状态（定稿/待定）和奖金；已封账的周期显示封账快照，不重算。"""
    from shopkpi.cli.score_render import (
        score_csv,
        score_json,
        score_tables,
        summary_line,
        unscored_line,
    )

    sheet = call(workspace, lambda s: s.sheet(period, version, live))
    if output is OutputFormat.json:
        sys.stdout.write(score_json(sheet))
        return
    if output is OutputFormat.csv:
        sys.stdout.write(score_csv(sheet))
        return
    for table in score_tables(sheet):
        console.print(table)
    console.print(summary_line(sheet), highlight=False)
    for line in [unscored_line(sheet), *sheet.notes]:
        if line:
            console.print(f"[yellow]![/] {line}", highlight=False)


def scorecard(
    staff: Annotated[str, typer.Argument(help="员工编号、姓名或子账号（店铺名:客服名）")],
    period: PeriodOpt = None,
    version: VersionOpt = None,
    live: LiveOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """评分卡：逐项解释一个人的得分（原始值→目标→达成率→得分→权重→贡献），再列调整、扣分、门槛、总分、档位和奖金算法。"""
    from shopkpi.cli.score_render import scorecard_lines

    sheet, person = call(workspace, lambda s: s.scorecard(staff, period, version, live))
    for line in scorecard_lines(sheet, person):
        console.print(line, highlight=False, soft_wrap=True)
    for note in sheet.notes:
        console.print(f"[yellow]![/] {note}", highlight=False)


def close(
    period: PeriodOpt = None,
    by: ByOpt = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="原因：强制封账或更正（第 2 版起）时必填")
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="还有待定项也封账（必须同时给 --reason）")
    ] = False,
    list_: Annotated[bool, typer.Option("--list", help="列出该周期的全部封账版本")] = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """月结封账：冻结评分卡、奖金、方案版本和输入数据哈希；封账后不再重算，更正生成新版本。"""
    from shopkpi.cli.score_render import snapshots_table

    if list_:
        found = call(workspace, lambda s: (s.period(period), s.snapshots(period)))
        console.print(snapshots_table(*found))
        return
    if period is None:
        err_console.print("[red]✗[/] 请用 --period 指定要封账的周期，例如 --period 2026-11")
        raise typer.Exit(2)
    from shopkpi.cli.handoff import run_on_server, server_for

    server = server_for(workspace)
    asked: str = period
    if server is not None:  # the server owns the warehouse: the close runs there
        params = {"period": asked, "reason": reason, "force": force}
        done = run_on_server(server, "close", actor(by), params)
        label, version, people = done["period"], done["version"], done["people"]
        inputs_hash, forced = done["inputs_hash"], done["forced"]
    else:
        snap = call(workspace, lambda s: s.close(asked, actor(by), reason, force))
        label, version, people = snap.period, snap.version, len(snap.payload["people"])
        inputs_hash, forced = snap.inputs_hash, snap.forced
    kind = "封账" if version == 1 else "更正"
    console.print(
        f"[green]✓[/] {label} 已{kind}：第 {version} 版，{people} 人，"
        f"输入哈希 {inputs_hash[:12]}…" + ("（强制，含待定项）" if forced else "")
    )


def export(
    period: PeriodOpt = None,
    output_format: Annotated[
        ExportFormat, typer.Option("--format", "-f", help="导出格式：xlsx")
    ] = ExportFormat.xlsx,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="输出文件（默认 绩效_<周期>.xlsx）")
    ] = None,
    version: VersionOpt = None,
    live: LiveOpt = False,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """导出给财务的工作簿：得分与奖金汇总、每人一页评分卡、考核方案（中文表头）。"""

    def job(s: ScoringService) -> tuple[Path, str]:
        label = s.period(period)
        path, sheet = s.export(
            out or Path(f"绩效_{label}.{output_format.value}"), label, version, live
        )
        return path, sheet.period

    path, label = call(workspace, job)
    console.print(f"[green]✓[/] {label} 的得分与奖金已导出：{path}")


def print_top(root: Path, top: int = 3) -> None:
    """``shopkpi demo``'s last step: score the latest month and show the top of each plan."""
    from shopkpi.cli.score_render import top_table

    sheet = call(root, lambda s: s.sheet())
    console.print(top_table(sheet, top))
    console.print(f"  逐项解释：shopkpi scorecard <员工> -w {root}　全部：shopkpi score -w {root}")


def register(app: typer.Typer) -> None:
    """Add the scoring commands to the ``shopkpi`` app."""
    for command in (score, scorecard, close, export):
        app.command()(command)
