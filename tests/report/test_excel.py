"""The finance workbook, read back cell by cell with openpyxl (hand-computed in fixture.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from shopkpi.appdb.records import PlanRef, Snapshot
from shopkpi.report import excel
from shopkpi.report.excel import write_score_workbook
from shopkpi.scoring.view import FrozenInfo
from tests.report.fixture import LONG_NAME, scored
from tests.report.workbook import MONEY, rows, write_fixture

HEADERS = [
    "员工编号", "姓名", "团队", "岗位", "职级", "方案", "方案版本", "总分", "等级", "状态",
    "绩效基数", "等级系数", "绩效工资", "提成销售额", "提成", "奖金池分配", "扣款", "奖金合计",
    "待定与缺失",
]  # fmt: skip


def test_sheets_are_summary_plan_then_one_per_person_with_legal_unique_names(
    book: openpyxl.Workbook,
) -> None:
    assert book.sheetnames == [
        "得分与奖金", "考核方案", "王芳", "王芳-s002",
        "李_测试__客服_超长名字ABCDEFGHIJKLMNOPQR", "张伟",
    ]  # fmt: skip


def test_summary_rows_hold_exact_scores_and_money_as_numbers(book: openpyxl.Workbook) -> None:
    ws = book["得分与奖金"]
    got = rows(ws)
    assert got[0] == ["2026-11 绩效得分与奖金"]
    assert got[1] == [
        "未封账：数据还可能变化，以封账版本为准。1 人含待定项（标「待定」），总分或奖金未定稿"
    ]
    assert got[2] == HEADERS
    assert got[3] == [
        "s001", "王芳", "A组", "售前", "初级", "售前-导出", "2026-11", 98, "金牌", "定稿",
        2000, 1.2, 2400, 22000, 290, 348.75, 50, 2988.75,
    ]  # fmt: skip
    assert got[4][:18] == [
        "s002", "王芳", "A组", "售前", "高级", "售前-导出", "2026-11", 89, "银牌", "定稿",
        3000, 1, 3000, 40000, 700, 316.73, 0, 4016.73,
    ]  # fmt: skip
    assert got[5][1] == LONG_NAME  # the cell keeps the full name; only the sheet name is cut
    assert got[5][7:] == [
        0, "待改进", "定稿", 1500, 0.5, 750, 8000, 80, 0, 0, 830, "缺失：态度.责任心、违规次数"
    ]  # fmt: skip
    assert got[6][7:] == [
        94, "金牌", "待定", 1800, 1.2, 2160, 20000, 250, 334.52, 0, 2744.52,
        "待定：询单→最终付款转化率；缺失：违规次数",
    ]  # fmt: skip
    assert ws["R4"].data_type == "n" and ws["R4"].number_format == MONEY
    assert ws["H4"].number_format == "0.00"


def test_totals_row_sums_the_money_columns_with_cached_values(tmp_path: Path) -> None:
    path = write_fixture(tmp_path / "book.xlsx")
    ws = openpyxl.load_workbook(path)["得分与奖金"]
    assert rows(ws)[7] == [
        "合计", "4 人", None, None, None, None, None, None, None, None, "=SUM(K4:K7)", None,
        "=SUM(M4:M7)", "=SUM(N4:N7)", "=SUM(O4:O7)", "=SUM(P4:P7)", "=SUM(Q4:Q7)", "=SUM(R4:R7)",
    ]  # fmt: skip
    cached = rows(openpyxl.load_workbook(path, data_only=True)["得分与奖金"])[7]
    # 8300, 8310, 90000, 1320, 1000, 50 and 8310 + 1320 + 1000 − 50 = 10580
    assert cached[10:18] == [8300, None, 8310, 90000, 1320, 1000, 50, 10580]
    assert ws["R8"].number_format == MONEY and ws["R8"].font.b


def test_header_frozen_filtered_names_linked_pending_marked_widths_fit(
    book: openpyxl.Workbook,
) -> None:
    ws = book["得分与奖金"]
    assert ws.freeze_panes == "C4"  # header row and 员工编号/姓名 stay in view
    assert ws.auto_filter.ref == "A3:S7"  # the totals row is outside the filter
    assert ws["B5"].hyperlink.location == "'王芳-s002'!A1"
    assert ws["J7"].value == "待定" and ws["J7"].fill.fgColor.rgb == "FFFFEB9C"
    assert ws["J4"].fill.fgColor.rgb != "FFFFEB9C"
    # 待定：询单→最终付款转化率；缺失：违规次数 is 41 columns wide (CJK counts 2) + 2
    assert int(ws.column_dimensions["S"].width) == 43


def test_a_frozen_period_says_which_version_and_exports_the_same_bytes(tmp_path: Path) -> None:
    frozen = Snapshot(
        "2026-11", 2, (PlanRef("售前-导出", 1, "ab"),), "inputs", "{}", "payload",
        dt.datetime(2026, 12, 2, 10, 30), "财务", "更正评分", False, (),
    )  # fmt: skip
    first = write_fixture(tmp_path / "a.xlsx", frozen).read_bytes()
    second = write_fixture(tmp_path / "b.xlsx", frozen).read_bytes()
    assert first == second
    wb = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert rows(wb["得分与奖金"])[1][0] == (
        "已封账：2026-11 第 2 版，2026-12-02 10:30 UTC 由 财务 封账；原因：更正评分。"
        "1 人含待定项（标「待定」），总分或奖金未定稿"
    )
    assert wb.properties.created == dt.datetime(2026, 12, 2, 10, 30)


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    p = scored()
    card = p.cards[0]
    card = replace(card, subject=replace(card.subject, name="=HYPERLINK(1)", team="=1+1"))
    path = write_score_workbook(tmp_path / "x.xlsx", "2026-11", [card], [], [p.plan.plan])
    ws = openpyxl.load_workbook(path)["得分与奖金"]
    assert (ws["B4"].value, ws["B4"].data_type) == ("=HYPERLINK(1)", "s")
    assert (ws["C4"].value, ws["C4"].data_type) == ("=1+1", "s")
    assert ws["K4"].value is None  # no pay line: no money
    assert openpyxl.load_workbook(path).sheetnames[2] == "=HYPERLINK(1)"


def test_an_empty_period_still_has_headers_and_a_zero_total(tmp_path: Path) -> None:
    path = write_score_workbook(tmp_path / "empty.xlsx", "2026-11", [], [], [])
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["得分与奖金", "考核方案"]
    got = rows(wb["得分与奖金"])
    assert got[2] == HEADERS
    assert got[3] == ["合计", "0 人"]
    assert rows(wb["考核方案"]) == [["本期没有考核方案"]]


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "2026-11.xlsx"
    path.write_bytes(b"old")

    def broken(*args: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(excel, "write_card_sheet", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        write_fixture(path)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2026-11.xlsx"]


def test_a_sheet_shown_from_a_snapshot_gives_the_same_state_line(tmp_path: Path) -> None:
    info = FrozenInfo(1, (1,), "2026-12-01 09:05:00", "主管", None, True, ("s004",), "hash")
    path = write_fixture(tmp_path / "f.xlsx", info)
    line = rows(openpyxl.load_workbook(path)["得分与奖金"])[1][0]
    assert line == (
        "已封账：2026-11 第 1 版，2026-12-01 09:05 UTC 由 主管 封账（强制封账）。"
        "1 人含待定项（标「待定」），总分或奖金未定稿"
    )
