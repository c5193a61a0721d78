"""Read a 主管评分 (supervisor ratings) file: the ``shopkpi template ratings`` layout.

Columns: 员工编号, 周期, 维度, 分数, 评语, 评分人 (GBK or UTF-8 CSV, or xlsx). File-level
problems (encoding, empty, a missing column) refuse the file as every import does. Row
problems are collected, every one with its file, row, column and what to do, and the
whole file is refused: ratings are all or nothing (DESIGN §5), because a half-imported
rating sheet would silently score some people without their 态度/能力 marks.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from shopkpi.appdb.records import RatingInput, RatingsFileError
from shopkpi.errors import FileRefused, Problem
from shopkpi.ingest.reader import RawTable, SourceFile, read_csv_bytes, read_workbook
from shopkpi.scoring.rubric import CRITERIA, SCALE_MAX, find_criterion


@dataclass(frozen=True)
class Column:
    name: str
    headers: tuple[str, ...]
    required: bool = False


COLUMNS = (
    Column("staff_id", ("员工编号", "工号", "员工ID", "staff_id"), required=True),
    Column("period", ("周期", "考核周期", "period"), required=True),
    Column("criterion", ("维度", "评分项", "考核项", "criterion", "criterion_id"), required=True),
    Column("score", ("分数", "得分", "评分", "score"), required=True),
    Column("comment", ("评语", "备注", "comment")),
    Column("rater", ("评分人", "rater")),
)
PERIOD_HINT = "写成 2026-11（月）或 2026-W45（ISO 周）"
_SCI = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")
_MONTH = re.compile(r"^(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*月?$")
_MONTH_COMPACT = re.compile(r"^(\d{4})(\d{2})$")
_FIRST_OF_MONTH = re.compile(r"^(\d{4})[-/](\d{1,2})[-/]0?1(?: 00:00(?::00)?)?$")  # Excel's 2026-11
_WEEK = re.compile(r"^(\d{4})\s*-?\s*[Ww](\d{1,2})$")


def looks_like_ratings(headers: Sequence[str]) -> bool:
    """True when ``headers`` carry every required ratings column (by any alias)."""
    present = set(headers)
    return all(present & set(c.headers) for c in COLUMNS if c.required)


def normalize_period(text: str) -> str | None:
    """``2026-11`` / ``2026/11`` / ``2026年11月`` / ``2026-11-01`` → ``2026-11``;
    ``2026-W45`` / ``2026w45`` → ``2026-W45``; anything else → None."""
    text = text.strip()
    for pattern in (_MONTH, _MONTH_COMPACT, _FIRST_OF_MONTH):
        if m := pattern.match(text):
            year, month = int(m.group(1)), int(m.group(2))
            return f"{year:04d}-{month:02d}" if 1 <= month <= 12 else None
    if m := _WEEK.match(text):
        year, week = int(m.group(1)), int(m.group(2))
        try:
            dt.date.fromisocalendar(year, week, 1)
        except ValueError:
            return None
        return f"{year:04d}-W{week:02d}"
    return None


def parse_score(text: str) -> Decimal | str:
    """A 0–100 score with at most two decimals, or the reason it is not one."""
    cleaned = text.strip().removesuffix("分").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return f"分数「{text}」不是数字"
    if not value.is_finite():
        return f"分数「{text}」不是数字"
    if value < 0 or value > SCALE_MAX:
        return f"分数 {text} 超出 0–100"
    if value != value.quantize(Decimal("0.01")):
        return f"分数 {text} 超过两位小数"
    return value.quantize(Decimal("0.01"))


def read_ratings(path: Path, known_staff: frozenset[str] | None = None) -> list[RatingInput]:
    """Every rating in the file, or :class:`RatingsFileError` listing every bad row.

    Args:
        path: a CSV (GBK or UTF-8) or xlsx file.
        known_staff: the roster's staff ids; None skips the check (no roster imported yet).

    Raises:
        FileRefused: unreadable, empty, or a required column is missing.
        RatingsFileError: one or more bad rows; nothing should be imported.
    """
    src = SourceFile(path, path.read_bytes())
    tables = _tables(src)
    ratings: list[RatingInput] = []
    problems: list[Problem] = []
    for raw in tables:
        parsed, found = _read_table(raw, known_staff)
        ratings += parsed
        problems += found
    ratings, dupes = _dedupe(ratings, tables[0].label)
    problems += dupes
    if problems:
        raise RatingsFileError(src.display_name, problems)
    return ratings


def _tables(src: SourceFile) -> list[RawTable]:
    name = src.display_name
    if not src.data:
        raise FileRefused(name, "empty", "文件是空的", hint="请填写评分后再导入")
    if src.kind in ("xlsx", "xls"):
        tables = read_workbook(src)
    else:
        tables = [read_csv_bytes(src.utf8(), name)]
    chosen = [t for t in tables if looks_like_ratings(t.headers)]
    if chosen:
        return chosen
    first = tables[0]
    missing = next(c for c in COLUMNS if c.required and not set(first.headers) & set(c.headers))
    raise FileRefused(
        first.label,
        "missing_column",
        f"缺少必需的列「{missing.headers[0]}」（主管评分表需要 员工编号、周期、维度、分数）",
        row=1,
        column=missing.headers[0],
        hint="请用 `shopkpi template ratings` 生成的模板填写，不要删除或改名表头",
    )


def _read_table(
    raw: RawTable, known_staff: frozenset[str] | None
) -> tuple[list[RatingInput], list[Problem]]:
    index = {
        c.name: raw.headers.index(h)
        for c in COLUMNS
        for h in reversed(c.headers)
        if h in raw.headers
    }
    ratings: list[RatingInput] = []
    problems: list[Problem] = []
    rows = raw.table.to_pylist()
    for record in rows:
        cells = {name: str(record[f"c{i}"] or "").strip() for name, i in index.items()}
        if not any(cells.values()):
            continue
        line = int(record["__row"])
        rating, found = _read_row(cells, line, raw, known_staff)
        problems += found
        if rating is not None:
            ratings.append(rating)
    return ratings, problems


def _read_row(
    cells: dict[str, str], line: int, raw: RawTable, known_staff: frozenset[str] | None
) -> tuple[RatingInput | None, list[Problem]]:
    def problem(column: str, message: str, hint: str) -> Problem:
        header = next(h for c in COLUMNS if c.name == column for h in c.headers if h in raw.headers)
        return Problem(raw.label, message, line=line, column=header, hint=hint)

    found: list[Problem] = []
    staff_id = _clean_id(cells["staff_id"])
    if not staff_id:
        found.append(problem("staff_id", "缺少员工编号", "请填写员工编号（与花名册一致）"))
    elif _SCI.match(staff_id):
        found.append(
            problem(
                "staff_id",
                f"员工编号「{staff_id}」是科学计数法（Excel 已改掉了编号）",
                "请把该列设为文本格式后重新填写编号",
            )
        )
    elif known_staff is not None and staff_id not in known_staff:
        found.append(
            problem(
                "staff_id",
                f"未知的员工编号「{staff_id}」（花名册中没有）",
                "请检查编号是否写错，或先导入包含此人的员工花名册",
            )
        )
    period = normalize_period(cells["period"])
    if period is None:
        shown = cells["period"] or "（空）"
        found.append(problem("period", f"无法识别的周期「{shown}」", PERIOD_HINT))
    criterion = find_criterion(cells["criterion"]) if cells["criterion"] else None
    if criterion is None:
        shown = cells["criterion"] or "（空）"
        found.append(
            problem("criterion", f"未知的评分维度「{shown}」", f"可用的维度：{_criteria_list()}")
        )
    score = parse_score(cells["score"]) if cells["score"] else "缺少分数"
    if isinstance(score, str):
        found.append(problem("score", score, "请填写 0 到 100 之间的分数，最多两位小数"))
    if found or period is None or criterion is None or isinstance(score, str):
        return None, found
    return RatingInput(
        staff_id,
        period,
        criterion.id,
        score,
        cells.get("comment") or None,
        cells.get("rater") or None,
        line,
    ), []


def _dedupe(ratings: list[RatingInput], label: str) -> tuple[list[RatingInput], list[Problem]]:
    """Identical repeated rows collapse; the same key with a different value is an error."""
    first: dict[tuple[str, str, str], RatingInput] = {}
    problems: list[Problem] = []
    for r in ratings:
        key = (r.staff_id, r.period, r.criterion_id)
        seen = first.get(key)
        if seen is None:
            first[key] = r
        elif (seen.score, seen.comment, seen.rater) != (r.score, r.comment, r.rater):
            problems.append(
                Problem(
                    label,
                    f"与第{seen.row}行是同一员工、周期、维度，但分数或评语不同",
                    line=r.row,
                    column="维度",
                    hint="每人每周期每个维度只保留一行",
                )
            )
    return list(first.values()), problems


def _clean_id(text: str) -> str:
    text = text.strip()
    if text.startswith('="') and text.endswith('"'):
        text = text[2:-1]
    return text.lstrip("'").strip()


def _criteria_list() -> str:
    return "、".join(c.full_label for c in CRITERIA)
