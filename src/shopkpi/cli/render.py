"""Rich renderers for CLI output (the only place that prints)."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from shopkpi.ingest.pipeline import ImportResult

console = Console()
err_console = Console(stderr=True)

_STATUS = {"ok": "[green]已导入[/]", "skipped": "[dim]已跳过[/]", "refused": "[red]已拒绝[/]"}


def import_summary(results: Sequence[ImportResult]) -> Table:
    table = Table(title="导入结果 (ingest summary)", show_lines=False)
    for header in (
        "文件",
        "格式",
        "状态",
        "读取",
        "接受",
        "隔离",
        "重复",
        "过期",
        "覆盖",
        "未变",
        "写入表",
    ):
        table.add_column(
            header, justify="right" if header not in ("文件", "格式", "状态", "写入表") else "left"
        )
    for r in results:
        tables = ", ".join(f"{k}:{v}" for k, v in r.tables.items())
        table.add_row(
            r.file,
            r.adapter,
            _STATUS.get(r.status, r.status),
            str(r.rows_read),
            str(r.accepted),
            str(r.quarantined),
            str(r.duplicates),
            str(r.stale),
            str(r.overwritten),
            str(r.unchanged),
            tables,
        )
    return table


def print_problems(results: Sequence[ImportResult]) -> None:
    for r in results:
        if r.status == "refused":
            err_console.print(f"[red]✗[/] {r.message}")
        elif r.message and r.status == "ok":
            console.print(f"[yellow]![/] {r.file}: {r.message}")


def rows_table(title: str, rows: Sequence[dict[str, object]], labels: dict[str, str]) -> Table:
    """A table of dict rows, columns in ``labels`` order with Chinese headers."""
    table = Table(title=title)
    for label in labels.values():
        table.add_column(label)
    for row in rows:
        table.add_row(*("" if row.get(k) is None else str(row.get(k)) for k in labels))
    if not rows:
        table.caption = "（无）"
    return table
