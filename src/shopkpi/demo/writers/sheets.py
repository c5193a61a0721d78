"""Workbooks shops keep themselves (FIELD.md §1.6, §1.6b): evaluations, roster, shifts, targets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.model import Evaluation, Staff

SCORES = ("非常满意", "满意", "一般", "不满意", "非常不满意")
SOURCES = ("客服邀评", "消费者自主评价", "系统邀评")
EVAL_HEADER = ("客服", "买家", "邀评时间", "评价时间", "评价结果", "来源")
ROSTER_HEADER = (
    "员工编号", "姓名", "子账号", "角色", "级别", "团队", "主管", "入职日期", "离职日期", "底薪", "绩效基数",
)  # fmt: skip
SHIFT_HEADER = ("员工编号", "日期", "上班时间", "下班时间")
FIXED_CREATED = dt.datetime(2026, 1, 1)  # workbook metadata must not carry the wall clock

Value = str | int | float | dt.datetime | dt.date | dt.time | None


def write_evaluations(folder: Path, history: ShopHistory) -> tuple[Path, int]:
    opts = history.options
    path = folder / f"服务评价明细_{opts.start:%Y%m%d}-{opts.end:%Y%m%d}.xlsx"
    rows = [_evaluation_row(e) for e in sorted(history.evaluations, key=lambda e: e.at)]
    return path, _write_book(path, "评价明细", EVAL_HEADER, rows)


def _evaluation_row(e: Evaluation) -> list[Value]:
    score = SCORES[e.score] if e.score is not None else None
    return [e.agent.account, e.buyer.nick, e.invited_at, e.evaluated_at, score, SOURCES[e.source]]


def write_roster(folder: Path, history: ShopHistory) -> tuple[Path, int]:
    path = folder / "员工花名册.xlsx"
    return path, _write_book(path, "花名册", ROSTER_HEADER, [_roster_row(p) for p in history.staff])


def _roster_row(p: Staff) -> list[Value]:
    return [
        p.staff_id, p.name, p.account, p.role.value, p.level.value, p.team, p.supervisor, p.hired_on,
        p.left_on, int(p.base_salary), int(p.bonus_base),
    ]  # fmt: skip


def write_shifts(folder: Path, history: ShopHistory) -> tuple[Path, int]:
    path = folder / "排班表.xlsx"
    rows: list[list[Value]] = [[s.staff.staff_id, s.day, s.start, s.end] for s in history.shifts]
    return path, _write_book(path, "排班", SHIFT_HEADER, rows)


def _write_book(path: Path, sheet: str, header: Sequence[str], rows: list[list[Value]]) -> int:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    book.set_properties({"created": FIXED_CREATED, "author": "shopkpi demo"})
    formats = {
        dt.datetime: book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
        dt.date: book.add_format({"num_format": "yyyy-mm-dd"}),
        dt.time: book.add_format({"num_format": "hh:mm"}),
    }
    ws = book.add_worksheet(sheet)
    ws.write_row(0, 0, header)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            _write_cell(ws, r, c, value, formats)
    book.close()
    return len(rows)


def _write_cell(ws: Any, r: int, c: int, value: Value, formats: dict[type, Any]) -> None:
    if value is None:
        return
    if isinstance(value, dt.datetime | dt.date | dt.time):
        ws.write_datetime(r, c, value, formats[type(value)])
    else:
        ws.write(r, c, value)
