"""Importing a 主管评分 file: good files, every bad-input kind, all-or-nothing, re-import."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from shopkpi.appdb.db import AppDB
from shopkpi.appdb.records import RatingsFileError, RatingsImport
from shopkpi.errors import FileRefused
from shopkpi.templates import TemplateKind, write_template

Writer = Callable[..., Path]
ROSTER = frozenset({"S001", "S002"})
GOOD = (
    "S001,2026-11,态度.责任心,90,主动跟进售后,王主管",
    "S001,2026-11,ability.product_knowledge,85.5,,王主管",
    "S002,2026/11,责任心,70,,",
)


def test_good_gbk_file_lands_with_ids_and_exact_scores(appdb: AppDB, ratings_csv: Writer) -> None:
    result = appdb.import_ratings(ratings_csv("ratings.csv", *GOOD), "李店长", ROSTER)
    assert result == RatingsImport("ratings.csv", rows=3, created=3, changed=0, unchanged=0)
    assert appdb.ratings_for("2026-11") == {
        ("S001", "attitude.responsibility"): Decimal("90.00"),
        ("S001", "ability.product_knowledge"): Decimal("85.50"),
        ("S002", "attitude.responsibility"): Decimal("70.00"),
    }
    stored = {(r.staff_id, r.criterion_id): (r.comment, r.rater) for r in appdb.ratings("2026-11")}
    assert stored == {
        ("S001", "ability.product_knowledge"): (None, "王主管"),
        ("S001", "attitude.responsibility"): ("主动跟进售后", "王主管"),
        ("S002", "attitude.responsibility"): (None, "李店长"),  # no 评分人: the importer
    }
    created = [(a.action, a.actor, a.entity_key, a.reason) for a in reversed(appdb.audit())]
    assert created == [
        ("create", "李店长", "S001/2026-11/attitude.responsibility", "导入 ratings.csv 第2行"),
        ("create", "李店长", "S001/2026-11/ability.product_knowledge", "导入 ratings.csv 第3行"),
        ("create", "李店长", "S002/2026-11/attitude.responsibility", "导入 ratings.csv 第4行"),
    ]


def test_utf8_file_and_week_periods(appdb: AppDB, ratings_csv: Writer) -> None:
    path = ratings_csv("w.csv", "S001,2026-w45,纪律性,88.25,准时,王主管", encoding="utf-8-sig")
    appdb.import_ratings(path, "王主管")
    assert appdb.ratings_for("2026-W45") == {("S001", "attitude.discipline"): Decimal("88.25")}


def test_template_xlsx_imports_unchanged(appdb: AppDB, tmp_path: Path) -> None:
    path = write_template(TemplateKind.ratings, tmp_path / "主管评分.xlsx")
    assert appdb.import_ratings(path, "王主管").created == 1
    [rating] = appdb.ratings("2026-11")
    assert (rating.staff_id, rating.criterion_id, rating.score, rating.comment, rating.rater) == (
        "S001",
        "attitude.responsibility",
        Decimal("90.00"),
        "主动跟进售后，责任心强",
        "王主管",
    )


def test_xlsx_month_that_excel_turned_into_a_date(appdb: AppDB, tmp_path: Path) -> None:
    import datetime as dt

    import xlsxwriter

    path = tmp_path / "excel.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("主管评分")
    sheet.write_row(0, 0, ["员工编号", "周期", "维度", "分数"])
    sheet.write_string(1, 0, "S002")
    sheet.write_datetime(1, 1, dt.datetime(2026, 11, 1), book.add_format({"num_format": "yyyy-mm"}))
    sheet.write_string(1, 2, "能力.协调能力")
    sheet.write_number(1, 3, 77.5)
    book.close()
    appdb.import_ratings(path, "王主管")
    assert appdb.ratings_for("2026-11") == {("S002", "ability.coordination"): Decimal("77.50")}


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "S009,2026-11,态度.责任心,90,,",
            "bad.csv:2 [员工编号]: 未知的员工编号「S009」（花名册中没有） — 请检查编号是否写错，"
            "或先导入包含此人的员工花名册",
        ),
        (
            "1.2E+05,2026-11,态度.责任心,90,,",
            "bad.csv:2 [员工编号]: 员工编号「1.2E+05」是科学计数法",
        ),
        (",2026-11,态度.责任心,90,,", "bad.csv:2 [员工编号]: 缺少员工编号"),
        (
            "S001,2026-13,态度.责任心,90,,",
            "bad.csv:2 [周期]: 无法识别的周期「2026-13」 — 写成 2026-11（月）或 2026-W45（ISO 周）",
        ),
        ("S001,十一月,态度.责任心,90,,", "bad.csv:2 [周期]: 无法识别的周期「十一月」"),
        ("S001,2026-W54,态度.责任心,90,,", "bad.csv:2 [周期]: 无法识别的周期「2026-W54」"),
        (
            "S001,2026-11,态度.颜值,90,,",
            "bad.csv:2 [维度]: 未知的评分维度「态度.颜值」 — 可用的维度：态度.责任心、态度.主动性",
        ),
        (
            "S001,2026-11,态度.责任心,120,,",
            "bad.csv:2 [分数]: 分数 120 超出 0–100 — 请填写 0 到 100 之间的分数，最多两位小数",
        ),
        ("S001,2026-11,态度.责任心,-1,,", "bad.csv:2 [分数]: 分数 -1 超出 0–100"),
        ("S001,2026-11,态度.责任心,良好,,", "bad.csv:2 [分数]: 分数「良好」不是数字"),
        ("S001,2026-11,态度.责任心,88.125,,", "bad.csv:2 [分数]: 分数 88.125 超过两位小数"),
        ("S001,2026-11,态度.责任心,,,", "bad.csv:2 [分数]: 缺少分数"),
    ],
)
def test_each_bad_value_names_file_row_column_and_fix(
    appdb: AppDB, ratings_csv: Writer, row: str, expected: str
) -> None:
    with pytest.raises(RatingsFileError) as caught:
        appdb.import_ratings(ratings_csv("bad.csv", row), "王主管", ROSTER)
    assert len(caught.value.problems) == 1
    assert str(caught.value.problems[0]).startswith(expected)
    assert "未导入任何评分" in str(caught.value)
    assert appdb.ratings() == [] and appdb.audit() == []


def test_every_bad_row_is_listed_and_nothing_lands(appdb: AppDB, ratings_csv: Writer) -> None:
    appdb.import_ratings(ratings_csv("before.csv", GOOD[0]), "王主管", ROSTER)
    path = ratings_csv(
        "mixed.csv",
        "S001,2026-11,态度.责任心,60,,王主管",  # a change that must not land either
        "S002,2026-11,态度.主动性,80,,",
        "S003,2026-11,态度.主动性,80,,",
        "S002,2026-11,态度.主动性,101,,",
    )
    with pytest.raises(RatingsFileError) as caught:
        appdb.import_ratings(path, "王主管", ROSTER)
    assert [(p.line, p.column) for p in caught.value.problems] == [(4, "员工编号"), (5, "分数")]
    assert appdb.ratings_for("2026-11") == {("S001", "attitude.responsibility"): Decimal("90.00")}
    assert len(appdb.audit()) == 1


def test_conflicting_duplicate_rows_are_refused(appdb: AppDB, ratings_csv: Writer) -> None:
    path = ratings_csv(
        "dup.csv",
        "S001,2026-11,态度.责任心,90,,王主管",
        "S001,2026-11,态度.责任心,90,,王主管",  # identical: collapses
        "S001,2026-11,责任心,80,,王主管",  # same key, other score: error
    )
    with pytest.raises(RatingsFileError) as caught:
        appdb.import_ratings(path, "王主管")
    [problem] = caught.value.problems
    assert str(problem) == (
        "dup.csv:4 [维度]: 与第2行是同一员工、周期、维度，但分数或评语不同 — "
        "每人每周期每个维度只保留一行"
    )


def test_missing_column_refuses_the_file(appdb: AppDB, tmp_path: Path) -> None:
    path = tmp_path / "nocol.csv"
    path.write_text("员工编号,周期,分数\nS001,2026-11,90\n", encoding="utf-8")
    with pytest.raises(FileRefused) as caught:
        appdb.import_ratings(path, "王主管")
    assert (caught.value.reason, caught.value.row, caught.value.column) == (
        "missing_column",
        1,
        "维度",
    )


def test_reimport_is_a_no_op(appdb: AppDB, ratings_csv: Writer) -> None:
    path = ratings_csv("ratings.csv", *GOOD)
    appdb.import_ratings(path, "李店长", ROSTER)
    before = (appdb.ratings(), appdb.audit())
    again = appdb.import_ratings(path, "李店长", ROSTER)
    assert again == RatingsImport("ratings.csv", rows=3, created=0, changed=0, unchanged=3)
    assert (appdb.ratings(), appdb.audit()) == before


def test_changed_score_writes_old_and_new_to_the_audit_log(
    appdb: AppDB, ratings_csv: Writer
) -> None:
    appdb.import_ratings(ratings_csv("v1.csv", *GOOD), "李店长", ROSTER)
    v2 = ratings_csv("v2.csv", "S001,2026-11,态度.责任心,85,复核后下调,王主管", *GOOD[1:])
    result = appdb.import_ratings(v2, "王主管", ROSTER)
    # S002's row has no 评分人: re-imported by someone else, it keeps its rater (unchanged).
    assert (result.created, result.changed, result.unchanged) == (0, 1, 2)
    assert appdb.ratings_for("2026-11")[("S001", "attitude.responsibility")] == Decimal("85.00")
    latest = appdb.audit(limit=1)[0]
    assert (latest.action, latest.actor, latest.entity_key, latest.reason) == (
        "update",
        "王主管",
        "S001/2026-11/attitude.responsibility",
        "导入 v2.csv 第2行",
    )
    assert latest.old_value == {"score": "90.00", "comment": "主动跟进售后", "rater": "王主管"}
    assert latest.new_value == {"score": "85.00", "comment": "复核后下调", "rater": "王主管"}
    assert len(appdb.audit()) == 4
