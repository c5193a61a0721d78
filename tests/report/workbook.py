"""Write the fixture period's workbook and read it back (openpyxl, as Excel files are read)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from shopkpi.report.excel import PlanSource, write_score_workbook
from shopkpi.report.freeze import Frozen
from tests.report.fixture import PLAN_YAML, scored

MONEY = '"¥"#,##0.00'  # the money format of every amount


def write_fixture(path: Path, frozen: Frozen | None = None) -> Path:
    p = scored()
    source = PlanSource(p.plan.plan, PLAN_YAML, adopted_version=1)
    return write_score_workbook(path, "2026-11", p.cards, p.pay, [source], frozen=frozen)


def rows(ws: Any) -> list[list[Any]]:
    """Every row's values with trailing blanks dropped."""
    out = []
    for row in ws.iter_rows(values_only=True):
        values = list(row)
        while values and values[-1] is None:
            values.pop()
        out.append(values)
    return out


def row_starting(ws: Any, first: str, after: int = 0) -> list[Any]:
    """The first row (past row ``after``) whose column A is ``first``."""
    return next(r for i, r in enumerate(rows(ws), 1) if i > after and r and r[0] == first)
