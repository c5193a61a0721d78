"""主管评分 (FIELD.md §1.6b, our template): the supervisors' 态度/能力 marks as a GBK CSV.

Criteria are written the way a supervisor types them (``态度.责任心``), so the real
ratings importer's label lookup is exercised.
"""

from __future__ import annotations

from pathlib import Path

from shopkpi.demo.history import ShopHistory
from shopkpi.demo.ratings import monthly_ratings
from shopkpi.demo.writers.cells import Cell, write_csv
from shopkpi.scoring.rubric import find_criterion

HEADER = ("员工编号", "周期", "维度", "分数", "评语", "评分人")
FILE_NAME = "主管评分.csv"


def write(folder: Path, history: ShopHistory) -> tuple[Path, int]:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    return path, write_csv(path, HEADER, _rows(history))


def _rows(history: ShopHistory) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for r in monthly_ratings(history):
        criterion = find_criterion(r.criterion)
        label = criterion.full_label if criterion else r.criterion
        rows.append([r.staff.staff_id, f"{r.month:%Y-%m}", label, str(r.score), r.comment, r.rater])
    return rows
