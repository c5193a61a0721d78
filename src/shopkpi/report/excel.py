"""The finance workbook (``shopkpi export --format xlsx``): scores and bonuses of a period.

Sheets, in order:

1. ``得分与奖金`` — one row per person: who, plan, total, grade, status, and the pay
   (绩效基数 × 等级系数 + 提成 + 奖金池分配 − 扣款 = 奖金合计), money as numbers formatted
   ``¥#,##0.00``; a frozen header row, an autofilter and a totals row (SUM formulas with
   their values cached). Each name links to the person's sheet.
2. ``考核方案`` — the plan(s): name, version, hash, a readable table and the YAML text.
3. One sheet per person (named after them; see :mod:`shopkpi.report.names`) with the
   scorecard line by line and the pay.

Items and people that may still change are marked 待定. The file is written to a temp
file beside ``path`` and renamed over it, so a reader never sees a half-written workbook.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from shopkpi.report.cells import Grid, Shape, Styles, Value
from shopkpi.report.entry import Entry
from shopkpi.report.excel_card import write_card_sheet
from shopkpi.report.excel_plan import PlanSource, write_plan_sheet
from shopkpi.report.freeze import Frozen, frozen_at, status_line
from shopkpi.report.labels import level_label, role_label
from shopkpi.report.names import SheetNames
from shopkpi.scoring.pay import PayLine
from shopkpi.scoring.plan import Plan
from shopkpi.scoring.scorecard import Scorecard

__all__ = ["PlanSource", "write_score_workbook"]

SUMMARY_SHEET = "得分与奖金"
PLAN_SHEET = "考核方案"
HEADER_ROW = 2  # title, status line, then the header


@dataclass(frozen=True)
class Column:
    """A column of the summary; ``total`` columns get a SUM in the totals row."""

    header: str
    shape: Shape
    value: Callable[[Entry], Value]
    total: bool = False


def _pay(get: Callable[[PayLine], Decimal | None]) -> Callable[[Entry], Value]:
    return lambda e: get(e.pay) if e.pay is not None else None


COLUMNS: tuple[Column, ...] = (
    Column("员工编号", Shape.text, lambda e: e.card.subject.id),
    Column("姓名", Shape.text, lambda e: e.card.subject.name),
    Column("团队", Shape.text, lambda e: e.card.subject.team),
    Column("岗位", Shape.text, lambda e: role_label(e.card.subject.role)),
    Column("职级", Shape.text, lambda e: level_label(e.card.subject.level)),
    Column("方案", Shape.text, lambda e: e.card.plan),
    Column("方案版本", Shape.text, lambda e: e.card.plan_version),
    Column("总分", Shape.score, lambda e: e.card.total),
    Column("等级", Shape.text, lambda e: e.card.grade),
    Column("状态", Shape.text, lambda e: e.status),
    Column("绩效基数", Shape.money, _pay(lambda p: p.bonus_base), total=True),
    Column("等级系数", Shape.number, _pay(lambda p: p.coefficient)),
    Column("绩效工资", Shape.money, _pay(lambda p: p.performance_pay), total=True),
    Column("提成销售额", Shape.money, _pay(lambda p: p.sales), total=True),
    Column("提成", Shape.money, _pay(lambda p: p.commission), total=True),
    Column("奖金池分配", Shape.money, _pay(lambda p: p.pool_share), total=True),
    Column("扣款", Shape.money, _pay(lambda p: p.deductions), total=True),
    Column("奖金合计", Shape.money, _pay(lambda p: p.bonus), total=True),
    Column("待定与缺失", Shape.text, lambda e: e.open_lines),
)
HEADERS = [c.header for c in COLUMNS]
_NAME, _STATUS = HEADERS.index("姓名"), HEADERS.index("状态")


def write_score_workbook(
    path: Path,
    period: str,
    cards: Sequence[Scorecard],
    pay_lines: Sequence[PayLine],
    plans: Sequence[Plan | PlanSource],
    *,
    frozen: Frozen | None = None,
) -> Path:
    """Write the finance workbook of ``period`` to ``path`` (atomically) and return it.

    Args:
        path: the ``.xlsx`` to write; replaced whole, or left untouched on error.
        period: the period label shown in titles (``2026-11``).
        cards: the scorecards, in the order the rows should appear.
        pay_lines: their pay lines (matched by subject; a card without one has no pay).
        plans: the plans used, with their YAML text and version where known.
        frozen: the snapshot the cards come from (or the ``frozen`` info of a
            :class:`~shopkpi.scoring.view.ScoreSheet` shown from one) when the period is
            closed (封账); the workbook then says which version, and its bytes never change.
    """
    import xlsxwriter

    sources = [p if isinstance(p, PlanSource) else PlanSource(p) for p in plans]
    names = SheetNames()
    summary, plan_sheet = names.take(SUMMARY_SHEET), names.take(PLAN_SHEET)
    entries = _entries(cards, pay_lines, names)
    by_name = {s.plan.plan: s.plan for s in sources}
    with _atomic(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"in_memory": True})
        book.set_properties(_properties(period, frozen))
        styles = Styles(book)
        _summary(Grid(book.add_worksheet(summary), styles), period, entries, frozen)
        write_plan_sheet(Grid(book.add_worksheet(plan_sheet), styles, max_width=80), sources)
        for e in entries:
            grid = Grid(book.add_worksheet(e.sheet), styles)
            write_card_sheet(grid, e, by_name.get(e.card.plan))
        book.close()
    return path


def _entries(
    cards: Sequence[Scorecard], pay_lines: Sequence[PayLine], names: SheetNames
) -> list[Entry]:
    pays = {(p.subject.kind, p.subject.id): p for p in pay_lines}
    out = []
    for c in cards:
        s = c.subject
        sheet = names.take(s.name or s.id, f"{s.name}-{s.id}" if s.name else s.id)
        out.append(Entry(c, pays.get((s.kind, s.id)), sheet))
    return out


def _properties(period: str, frozen: Frozen | None) -> dict[str, Any]:
    props: dict[str, Any] = {"title": f"{period} 绩效得分与奖金", "author": "shopkpi"}
    if frozen is not None:  # a frozen period exports the same bytes every time
        props["created"] = frozen_at(frozen)
    return props


def _summary(grid: Grid, period: str, entries: Sequence[Entry], frozen: Frozen | None) -> None:
    st = grid.styles
    grid.note(0, f"{period} 绩效得分与奖金", st.title)
    pending = frozen is None or any(e.pending for e in entries)
    grid.note(1, status_line(period, entries, frozen), st.warn if pending else st.note)
    grid.header(HEADER_ROW, HEADERS)
    for r, e in enumerate(entries, start=HEADER_ROW + 1):
        _summary_row(grid, r, e)
    last = HEADER_ROW + len(entries)
    _totals(grid, last + 1, entries)
    grid.ws.freeze_panes(HEADER_ROW + 1, 2)
    grid.ws.autofilter(HEADER_ROW, 0, last, len(COLUMNS) - 1)
    grid.fit()


def _summary_row(grid: Grid, row: int, e: Entry) -> None:
    for c, col in enumerate(COLUMNS):
        style = grid.styles.cell[col.shape]
        if c == _STATUS and e.pending:
            style = grid.styles.pending
        if c == _NAME:
            grid.link(row, c, e.sheet, e.card.subject.name or e.card.subject.id)
        else:
            grid.put(row, c, col.value(e), style)


def _totals(grid: Grid, row: int, entries: Sequence[Entry]) -> None:
    from xlsxwriter.utility import xl_rowcol_to_cell

    total = grid.styles.total
    for c, col in enumerate(COLUMNS):
        if not col.total or not entries:
            grid.put(row, c, None, total[Shape.text])
            continue
        values = (col.value(e) for e in entries)
        value = sum((v for v in values if isinstance(v, Decimal)), Decimal(0))
        first = xl_rowcol_to_cell(HEADER_ROW + 1, c)
        last = xl_rowcol_to_cell(row - 1, c)
        grid.formula(row, c, f"=SUM({first}:{last})", value, total[col.shape])
    grid.put(row, 0, "合计", total[Shape.text])
    grid.put(row, 1, f"{len(entries)} 人", total[Shape.text])


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A temp path beside ``path``, renamed over it on success and removed on failure.

    The temp file is created by the writer itself (not ``mkstemp``), so the workbook gets
    the usual permissions rather than owner-only ones."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
