"""One sheet per person: the scorecard line by line, then adjustments, total, grade, pay.

The breakdown reads like the scorecard: item → raw value → target → achievement → points
→ weight → contribution (= points × weight% × section weight%), each with its status.
"""

from __future__ import annotations

from decimal import Decimal

from shopkpi.report.cells import Grid, Shape, Style, Value
from shopkpi.report.entry import Entry
from shopkpi.report.labels import STEP_LABELS, level_label, metric_shape, role_label
from shopkpi.scoring.pay import PayLine
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.scorecard import ItemLine, Scorecard
from shopkpi.scoring.text import num
from shopkpi.scoring.vocab import LineStatus

ITEM_HEADER = [
    "分项", "指标", "原始值", "目标", "达成率", "得分", "权重", "部分权重", "贡献", "状态",
    "计分规则", "说明",
]  # fmt: skip
SECTION_HEADER = ["部分", "基础权重", "实际权重", "贡献"]
DEDUCTION_HEADER = ["扣分项", "指标", "次数", "每次扣分", "上限", "扣分", "状态"]


def write_card_sheet(grid: Grid, entry: Entry, plan: Plan | None) -> None:
    """The whole breakdown of ``entry`` on ``grid``'s sheet."""
    card = entry.card
    row = _title(grid, entry)
    row = _items(grid, row, card, _metrics(plan))
    row = _sections(grid, row, card)
    row = _deductions(grid, row, card)
    row = _applied(grid, row, card)
    row = _total(grid, row, card)
    if entry.pay is not None:
        _pay(grid, row, entry.pay)
    grid.fit()


def _metrics(plan: Plan | None) -> dict[str, str | None]:
    """Item key → the metric it reads (``None`` for a rating)."""
    return {it.key: it.metric for _, _, _, it in plan.items()} if plan else {}


def _title(grid: Grid, entry: Entry) -> int:
    s, st = entry.card.subject, grid.styles
    grid.note(0, f"{s.name}（{s.id}）· {entry.card.period} 评分卡", st.title)
    who = [f"方案：{_plan_title(entry.card)}", f"团队：{s.team or '—'}"]
    who += [f"岗位：{role_label(s.role) or '—'}", f"职级：{level_label(s.level) or '—'}"]
    grid.note(1, " · ".join(who))
    if entry.pending:
        grid.note(2, "状态：待定 —— 含待定项，总分或奖金还会变（未定稿）", st.warn)
    else:
        grid.note(2, "状态：定稿")
    return 4


def _plan_title(card: Scorecard) -> str:
    return f"{card.plan}（{card.plan_version}）" if card.plan_version else card.plan


def _items(grid: Grid, row: int, card: Scorecard, metrics: dict[str, str | None]) -> int:
    grid.header(row, ITEM_HEADER)
    for i, line in enumerate(card.items, start=row + 1):
        grid.row(i, _item_cells(grid, line, metrics.get(line.key)))
    return row + len(card.items) + 2


def _item_cells(grid: Grid, line: ItemLine, metric: str | None) -> list[tuple[Value, Style]]:
    cell, shape = grid.styles.cell, metric_shape(metric)
    note = [line.note] if line.note else []
    if line.weight != line.base_weight:
        note.append(f"权重由 {num(line.base_weight)} 调整为 {num(line.weight)}")
    return [
        (line.section, cell[Shape.text]),
        (line.label, cell[Shape.text]),
        (line.raw, cell[shape]),
        (line.target, cell[shape]),
        (line.achievement, cell[Shape.percent]),
        (line.points, cell[Shape.score]),
        (line.weight, cell[Shape.number]),
        (line.section_weight, cell[Shape.number]),
        (line.contribution, cell[Shape.score]),
        _status(grid, line.status),
        (line.rule, cell[Shape.text]),
        ("；".join(note) or None, cell[Shape.text]),
    ]


def _status(grid: Grid, status: LineStatus) -> tuple[Value, Style]:
    style = grid.styles.pending if status is LineStatus.pending else grid.styles.cell[Shape.text]
    return status.label, style


def _sections(grid: Grid, row: int, card: Scorecard) -> int:
    cell, total = grid.styles.cell, grid.styles.total
    grid.header(row, SECTION_HEADER)
    for i, sec in enumerate(card.sections, start=row + 1):
        values: list[Value] = [sec.name, sec.base_weight, sec.weight, sec.contribution]
        shapes = [Shape.text, Shape.number, Shape.number, Shape.score]
        grid.row(i, [(v, cell[s]) for v, s in zip(values, shapes, strict=True)])
    end = row + len(card.sections) + 1
    grid.row(end, [("小计", total[Shape.text]), (None, total[Shape.text]),
                   (None, total[Shape.text]), (card.subtotal, total[Shape.score])])  # fmt: skip
    return end + 2


def _deductions(grid: Grid, row: int, card: Scorecard) -> int:
    if not card.deductions:
        return row
    cell = grid.styles.cell
    grid.header(row, DEDUCTION_HEADER)
    for i, d in enumerate(card.deductions, start=row + 1):
        grid.row(i, [
            (d.label, cell[Shape.text]), (d.metric, cell[Shape.text]),
            (d.count, cell[Shape.number]), (d.points_each, cell[Shape.number]),
            (d.maximum, cell[Shape.number]), (d.points, cell[Shape.score]),
            _status(grid, d.status),
        ])  # fmt: skip
    return row + len(card.deductions) + 2


def _applied(grid: Grid, row: int, card: Scorecard) -> int:
    grid.note(row, "调整、门槛与说明", grid.styles.heading)
    if not card.applied:
        grid.note(row + 1, "无")
        return row + 3
    for i, a in enumerate(card.applied, start=row + 1):
        grid.put(i, 0, STEP_LABELS[a.step])
        grid.note(i, a.text, col=1)
    return row + len(card.applied) + 2


def _total(grid: Grid, row: int, card: Scorecard) -> int:
    cell, total = grid.styles.cell, grid.styles.total
    lines: list[tuple[str, Value, Style]] = [
        ("小计", card.subtotal, cell[Shape.score]),
        ("扣分合计", card.deducted, cell[Shape.score]),
        ("总分", card.total, total[Shape.score]),
        ("等级", card.grade or "—", total[Shape.text]),
    ]
    for i, (label, value, style) in enumerate(lines, start=row):
        grid.row(i, [(label, cell[Shape.text]), (value, style)])
    grid.row(row + len(lines), [("总分状态", cell[Shape.text]), _status(grid, card.status)])
    return row + len(lines) + 2


def _pay(grid: Grid, row: int, pay: PayLine) -> None:
    cell, total = grid.styles.cell, grid.styles.total
    grid.note(row, "奖金", grid.styles.heading)
    money: list[tuple[str, Decimal | None]] = [
        ("绩效基数", pay.bonus_base),
        ("绩效工资", pay.performance_pay),
        ("提成销售额", pay.sales),
        ("提成", pay.commission),
        ("奖金池分配", pay.pool_share),
        ("扣款", pay.deductions),
    ]
    grid.row(row + 1, [("等级系数", cell[Shape.text]), (pay.coefficient, cell[Shape.number])])
    for i, (label, value) in enumerate(money, start=row + 2):
        grid.row(i, [(label, cell[Shape.text]), (value, cell[Shape.money])])
    end = row + 2 + len(money)
    grid.row(end, [("奖金合计", total[Shape.text]), (pay.bonus, total[Shape.money])])
    grid.row(end + 1, [("奖金状态", cell[Shape.text]), _status(grid, pay.status)])
    for i, text in enumerate(pay.lines, start=end + 3):
        grid.note(i, text)
