"""The platform's 客服绩效 custom report (FIELD.md §1.7), written from the demo's own figures.

``自定义报表_客服绩效_下单优先判定_<开始>至<结束>.xlsx``: a title line, the header, one row
per agent, then 汇总 and 均值 rows. Rates are percent strings (``98.53%``), 平均接待时长 is
``hh:mm:ss``, empty ratios are ``-``, and 询单->最终付款转化率 reads ``延迟统计`` while the
payment buffer has not passed at the export time.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.platform_report import RULE, AgentFigures, PlatformReport, compute
from shopkpi.demo.writers.sheets import FIXED_CREATED

HEADER = (
    "客服昵称", "聊天人数(原咨询人数)", "接待人数", "直接接入人数", "转发接入人数", "转出人数",
    "总消息数", "买家消息数", "客服消息数", "答问比", "客服字数", "最大同时聊天数", "未回复人数",
    "回复率", "慢接待人数", "长接待人数", "首次响应(秒)", "平均响应(秒)", "平均接待时长",
    "询单->最终付款转化率", "上班天数", "客户满意率",
)  # fmt: skip
PENDING = "延迟统计"
NONE = "-"
Cell = str | int | float
Fig = AgentFigures


def write(folder: Path, history: ShopHistory) -> tuple[Path, int]:
    report = compute(history)
    name = f"自定义报表_客服绩效_{RULE}_{report.start:%Y-%m-%d}至{report.end:%Y-%m-%d}.xlsx"
    path = folder / name
    rows = [_row(f.staff.account, [f], report, mean=False) for f in report.agents]
    if report.agents:
        rows.append(_row("汇总", report.agents, report, mean=False))
        rows.append(_row("均值", report.agents, report, mean=True))
    title = (
        f"客服绩效（统计时间：{report.start:%Y-%m-%d} 至 {report.end:%Y-%m-%d}，判定规则：{RULE}）"
    )
    _write_book(path, title, rows)
    return path, len(report.agents)


def _ratio(num: int, den: int) -> Decimal | None:
    return Decimal(num) / Decimal(den) if den else None


# Each column: how one agent's (or the team's summed) figures give the cell value.
_COUNT: dict[str, Callable[[Fig], int]] = {
    "聊天人数(原咨询人数)": lambda f: f.consulted,
    "接待人数": lambda f: f.received,
    "直接接入人数": lambda f: f.direct,
    "转发接入人数": lambda f: f.transferred_in,
    "转出人数": lambda f: f.transferred_out,
    "总消息数": lambda f: f.buyer_messages + f.agent_messages,
    "买家消息数": lambda f: f.buyer_messages,
    "客服消息数": lambda f: f.agent_messages,
    "客服字数": lambda f: f.agent_chars,
    "未回复人数": lambda f: f.unreplied,
    "慢接待人数": lambda f: f.slow,
    "长接待人数": lambda f: f.long,
    "上班天数": lambda f: len(f.days),
}
_RATE: dict[str, Callable[[Fig], tuple[int, int]]] = {
    "答问比": lambda f: (f.agent_messages, f.buyer_messages),
    "回复率": lambda f: (f.consulted - f.unreplied, f.consulted),
    "首次响应(秒)": lambda f: (f.first_response_total, f.first_responses),
    "平均响应(秒)": lambda f: (f.response_total, f.responses),
    "平均接待时长": lambda f: (f.session_total, f.sessions),
    "询单->最终付款转化率": lambda f: (f.paid_inquiries, f.inquiries),
    "客户满意率": lambda f: (f.satisfied, f.evaluations),
}
_PERCENT = frozenset({"回复率", "询单->最终付款转化率", "客户满意率"})


def _row(nick: str, agents: Sequence[Fig], report: PlatformReport, *, mean: bool) -> list[Cell]:
    row: list[Cell] = [nick]
    for header in HEADER[1:]:
        if header == "询单->最终付款转化率" and report.pending:
            row.append(PENDING)
        elif header == "最大同时聊天数":
            values = [f.max_concurrent for f in agents]
            row.append(_number(Decimal(sum(values)) / len(values)) if mean else max(values))
        elif header in _COUNT:
            total = sum(_COUNT[header](f) for f in agents)
            row.append(_number(Decimal(total) / len(agents)) if mean else total)
        else:
            row.append(_format(header, _rate(header, agents, mean=mean)))
    return row


def _rate(header: str, agents: Sequence[Fig], *, mean: bool) -> Decimal | None:
    """The team's rate from summed figures, or (均值) the plain mean of agents' rates."""
    if not mean:
        pairs = [_RATE[header](f) for f in agents]
        return _ratio(sum(n for n, _ in pairs), sum(d for _, d in pairs))
    rates = [r for r in (_ratio(*_RATE[header](f)) for f in agents) if r is not None]
    return sum(rates, Decimal(0)) / len(rates) if rates else None


def _format(header: str, value: Decimal | None) -> Cell:
    if value is None:
        return NONE
    if header in _PERCENT:
        return f"{_quantize(value * 100, '0.01')}%"
    if header == "平均接待时长":
        seconds = int(_quantize(value, "1"))
        return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"
    return _number(value)


def _number(value: Decimal) -> int | float:
    rounded = _quantize(value, "0.01")
    return int(rounded) if rounded == rounded.to_integral() else float(rounded)


def _quantize(value: Decimal, places: str) -> Decimal:
    return value.quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _write_book(path: Path, title: str, rows: list[list[Cell]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"created": FIXED_CREATED, "author": "shopkpi demo"})
    ws = book.add_worksheet("客服绩效")
    ws.write(0, 0, title)
    ws.write_row(2, 0, HEADER)
    for r, row in enumerate(rows, start=3):
        ws.write_row(r, 0, row)
    book.close()
