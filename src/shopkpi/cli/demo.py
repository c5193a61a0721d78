"""Rich output for ``shopkpi demo`` (printing stays in the CLI layer)."""

from __future__ import annotations

from collections import Counter

from rich.table import Table

from shopkpi.cli.render import console, print_problems
from shopkpi.demo.options import DemoStats
from shopkpi.demo.run import DemoRun
from shopkpi.ingest.pipeline import ImportResult

STAT_LABELS = {
    "staff": "客服（含主管）",
    "products": "商品",
    "buyers": "买家",
    "orders": "订单",
    "order_lines": "订单明细行",
    "silent_orders": "静默订单",
    "unpaid_orders": "未付款订单",
    "refunds": "退款",
    "sessions": "接待（买家×客服×天）",
    "messages": "聊天消息",
    "evaluations": "服务评价（含未回评邀请）",
}


def render_demo(run: DemoRun) -> None:
    console.print(_generated(run))
    console.print(_files(run))
    console.print(_imports(run))
    print_problems(run.results)
    console.print(_loaded(run))
    console.print(
        f"[green]✓[/] 示例工作区：{run.root}（生成 {run.generate_seconds:.1f} 秒，导入 {run.ingest_seconds:.1f} 秒）"
    )
    if run.ratings is not None:
        r = run.ratings
        console.print(
            f"[green]✓[/] 主管评分 {r.file}：{r.rows} 条（新增 {r.created}，未变 {r.unchanged}）"
        )
    if run.adopted:
        plans = "、".join(f"{a.plan_name} 第{a.version}版" for a in run.adopted)
        console.print(f"[green]✓[/] 已采用考核方案：{plans}")


def _generated(run: DemoRun) -> Table:
    table = Table(title="示例店铺：生成的历史 (generated history)")
    table.add_column("内容")
    table.add_column("数量", justify="right")
    stats: DemoStats = run.files.stats
    for name, label in STAT_LABELS.items():
        table.add_row(label, f"{getattr(stats, name):,}")
    return table


def _files(run: DemoRun) -> Table:
    table = Table(title=f"写入 {run.files.folder} 的导出文件")
    table.add_column("格式")
    table.add_column("文件数", justify="right")
    table.add_column("行/消息", justify="right")
    files = Counter(f.kind for f in run.files.files)
    rows = Counter[str]()
    for f in run.files.files:
        rows[f.kind] += f.rows
    for kind, n in files.items():
        table.add_row(kind, str(n), f"{rows[kind]:,}")
    return table


def _imports(run: DemoRun) -> Table:
    """The import results summed per format (``shopkpi ingest`` lists them per file)."""
    table = Table(title="导入结果（按格式汇总）")
    for header in (
        "格式",
        "文件",
        "已导入",
        "已跳过",
        "已拒绝",
        "读取",
        "接受",
        "隔离",
        "重复",
        "覆盖",
    ):
        table.add_column(header, justify="left" if header == "格式" else "right")
    groups: dict[str, list[ImportResult]] = {}
    for r in run.results:
        groups.setdefault(r.adapter or "—", []).append(r)
    for adapter, results in groups.items():
        status = Counter(r.status for r in results)
        sums = [sum(getattr(r, k) for r in results) for k in _COUNTS]
        table.add_row(
            adapter,
            str(len(results)),
            str(status["ok"]),
            str(status["skipped"]),
            f"[red]{status['refused']}[/]" if status["refused"] else "0",
            *(f"{n:,}" for n in sums),
        )
    return table


_COUNTS = ("rows_read", "accepted", "quarantined", "duplicates", "overwritten")


def _loaded(run: DemoRun) -> Table:
    table = Table(title="仓库各表行数 (warehouse)")
    table.add_column("表")
    table.add_column("行数", justify="right")
    for name, count in run.counts.items():
        if count:
            table.add_row(name, f"{count:,}")
    return table
