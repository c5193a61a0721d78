"""Rendering of ``shopkpi plan check`` results."""

from __future__ import annotations

from shopkpi.cli.render import console
from shopkpi.scoring.validate import CheckReport


def print_report(report: CheckReport) -> None:
    if not report.files:
        console.print("[red]✗[/] 没有找到方案文件（plans/*.yaml）")
        return
    for f in report.findings:
        mark = "[red]✗ 错误[/]" if f.is_error else "[yellow]! 注意[/]"
        console.print(f"{mark} {f}", highlight=False, soft_wrap=True)
    n_err, n_warn = len(report.errors), len(report.warnings)
    if n_err:
        console.print(
            f"[red]发现 {n_err} 个错误[/]，{n_warn} 个提醒（共检查 {len(report.files)} 个文件）"
        )
    else:
        names = "、".join(lp.plan.title for lp in report.plans)
        console.print(f"[green]✓[/] {len(report.plans)} 份方案检查通过：{names}（{n_warn} 个提醒）")
